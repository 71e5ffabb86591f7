"""End to end on the bundled sample: the engine agrees with the hand-computed table, writes what it
says, and a rerun on the same date changes nothing."""

import shutil
import sys
import zipfile
from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook

from ledger.batch import run_weekly
from ledger.core.schema import STATUS_NAMES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))
from make_fixtures import EXPECTED_2026_11_23  # noqa: E402  (hand-computed when the sample was made)

RUN = date(2026, 11, 23)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def status_table(path: Path) -> dict[str, dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("督办台账").to_python(skip_empty_area=False)
    header = rows[2]
    cols = {h: header.index(h) for h in STATUS_NAMES}
    return {r[0]: {h: r[c] for h, c in cols.items()} for r in rows[3:] if r[0]}


def test_sample_run_matches_hand_computed_table(tmp_path):
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    report = run_weekly(book, RUN, tmp_path / "out")
    assert report.exit_code == 1  # three rows carry deliberate data errors
    got = {e.task.id: (e.deadline.due, e.state, e.issue, e.level) for e in report.outcome.evaluations}
    assert got == EXPECTED_2026_11_23
    assert report.outcome.issued_counts() == {"蓝": 5, "黄": 5, "红": 3}

    table = status_table(book)
    assert table["DB2026-016"]["当前状态"] == "逾期"
    assert table["DB2026-016"]["督办等级"] == "红"
    assert table["DB2026-016"]["督办单编号"] == "红督〔2026〕3号"
    assert table["DB2026-016"]["逾期天数"] == 24
    assert table["DB2026-016"]["应办结日期"] == date(2026, 10, 30)
    assert table["DB2026-016"]["更新日期"] == RUN
    assert table["DB2026-032"]["剩余工作日"] == 1 and table["DB2026-032"]["当前状态"] == "临期"
    assert table["DB2026-025"]["当前状态"] == "数据有误"
    assert table["DB2026-025"]["程序提示"].startswith("I列交办日期“下周一”无法识别为日期")
    log = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("督办记录").to_python()
    assert len(log) == 1 + 16 + 13
    assert log[-1][8] == "2026-11-23"

    # same date again: nothing new issued, workbook content identical
    first = parts(book)
    again = run_weekly(book, RUN, tmp_path / "out")
    assert again.outcome.new_notices == ()
    assert parts(book) == first


def test_sequence_of_weekly_runs_grows_the_log_consistently(tmp_path):
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    issued: list = []
    for day in (date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)):
        r = run_weekly(book, day, tmp_path / "out")
        assert r.exit_code == 1
        issued += list(r.outcome.new_notices)
    log = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("督办记录").to_python()[1:]
    numbers = [row[0] for row in log]
    assert len(numbers) == len(set(numbers)) == 16 + len(issued)
    # per color the sequence continues without gaps from the earlier log
    for color, prefix in (("蓝", "蓝督〔2026〕"), ("黄", "黄督〔2026〕"), ("红", "红督〔2026〕")):
        seq = [int(n[len(prefix):-1]) for n in numbers if n.startswith(prefix)]
        assert seq == list(range(1, len(seq) + 1)), color
    # escalation per task only ever climbs 蓝 → 黄 → 红 (红 may repeat), never twice on one date
    rank = {"蓝": 1, "黄": 2, "红": 3}
    by_task: dict[str, list] = {}
    for row in log:
        by_task.setdefault(row[1], []).append((row[3], rank[row[2]]))
    for task_id, seq in by_task.items():
        dates = [d for d, _ in seq]
        assert len(dates) == len(set(dates)), task_id
        ranks = [r for _, r in sorted(seq)]
        assert ranks == sorted(ranks), task_id
    # red repeats come 10 days apart at the earliest
    reds = {}
    for row in log:
        if row[2] == "红":
            reds.setdefault(row[1], []).append(row[3])
    for task_id, days in reds.items():
        days.sort()
        assert all((b - a).days >= 10 for a, b in zip(days, days[1:])), task_id


def test_run_dated_before_latest_batch_is_refused(tmp_path):
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    before = book.read_bytes()
    r = run_weekly(book, date(2026, 11, 10), tmp_path / "out")
    assert r.exit_code == 2
    assert r.text == ("未能运行：运行日期2026-11-10早于督办记录中最近一次运行（2026-11-16）：督办记录只能向后追加，"
                      "请使用不早于2026-11-16的日期（--date），或不加 --date 按今天运行。")
    assert book.read_bytes() == before
