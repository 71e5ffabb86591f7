"""The new year's calendar: weekly runs on a provisional 2027, then the notice imported.

A ledger in January 2027, before (in this story) the State Council published 2027's schedule. The
calendar estimates 2027 from the law (元旦 1-1; 春节 除夕 2-5 to 初三 2-8 with 补假 2-9, 2-10; …) and
has no make-up days. Then the notice is imported with ``ledger holidays --import`` and the next
run follows the official days: 1-31 (Sunday) becomes a working day and 2-11, 2-12 days off.
Every D below is counted by hand in the comments.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from conftest import task, write_ledger
from ledger.batch import run_weekly
from ledger.cli import main
from ledger.holiday_import import import_notice, list_sources, notice_text
from ledger.summary import report_json

# Written for the test in the official format; the real 2027 notice is not yet published.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕8号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。

一、元旦：1月1日（周五）至3日（周日）放假，共3天。

二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。1月31日（周日）、2月20日（周六）上班。

三、清明节：4月3日（周六）至5日（周一）放假，共3天。

四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）上班。

五、端午节：6月9日（周三）放假，共1天。

六、中秋节：9月15日（周三）放假，共1天。

七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。

节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2026年11月10日
"""

ESTIMATED = "2027年放假安排尚未公布，按法定假日推算，公布后请导入"

TASKS = [
    # D = 10 working days after Mon 2026-12-28: 12-29, 12-30, 12-31, (1-1 off), 1-4 … 1-8, 1-11, 1-12
    task("A", date(2026, 12, 28), "10个工作日"),
    # 30 working days: … 1-29 is the 23rd; 2-1 … 2-4 (27th); 2-5 and 2-8 … 2-10 off by law;
    # 2-11, 2-12, 2-15 → D 2027-02-15. Officially 1-31 (Sunday) works and 2-11, 2-12 are off:
    # 1-31 (24th), 2-1 … 2-4 (28th), 2-15, 2-16 → D 2027-02-16.
    task("B", date(2026, 12, 28), "30个工作日"),
    # entirely in 2026: 12-2, 12-3, 12-4, 12-7, 12-8 → D 2026-12-08
    task("C", date(2026, 12, 1), "5个工作日"),
    task("D", date(2026, 12, 15), date(2027, 3, 31)),
    # 20 working days after Mon 2027-01-04: 1-29 is the 19th, 2-1 the 20th → D 2027-02-01;
    # officially Sunday 1-31 is the 20th → D 2027-01-31
    task("E", date(2027, 1, 4), "20个工作日"),
    # done in 2026: 11-3 … 11-6, 11-9 → D 2026-11-09; nothing of it needs 2027
    task("F", date(2026, 11, 2), "5个工作日", 办结日期=date(2026, 11, 5)),
]


def rows(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def status(path):
    table = rows(path, "督办台账")
    head = table[0]
    return {r[0]: dict(zip(head, r)) for r in table[1:]}


def parts(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


@pytest.fixture
def ledger(tmp_path):
    # the clerk typed one 2027 row by hand: it must not make 2027 "known" (春节 stays off)
    return write_ledger(tmp_path / "台账.xlsx", TASKS, holidays=[(date(2027, 1, 1), "休", "元旦")])


def test_weekly_runs_across_the_year_boundary_then_the_notice_imported(ledger, tmp_path):
    out = tmp_path / "out"
    # --- 2027-01-11: 2027 is provisional ------------------------------------------------------
    r1 = run_weekly(ledger, date(2027, 1, 11), out)
    assert r1.exit_code == 0 and r1.outcome.provisional_years == (2027,)
    s = status(ledger)
    assert {k: (v["应办结日期"], v["当前状态"], v["剩余工作日"]) for k, v in s.items()} == {
        "A": (date(2027, 1, 12), "临期", 1),          # 1-12
        "B": (date(2027, 2, 15), "未到期", 21),       # 1-12…15, 18…22, 25…29, 2-1…4, 2-11, 2-12, 2-15
        "C": (date(2026, 12, 8), "逾期", ""),
        "D": (date(2027, 3, 31), "未到期", 53),       # Jan 14, Feb 20 − 4 off, Mar 23
        "E": (date(2027, 2, 1), "未到期", 15),        # 1-12…15, 18…22, 25…29, 2-1
        "F": (date(2026, 11, 9), "按时办结", ""),
    }
    assert "数据有误" not in r1.text
    # C's D is in 2026, but its next colour (红 from 1-21) is a date of 2027
    for k in "ABCDE":
        assert ESTIMATED in s[k]["程序提示"], k
    assert s["F"]["程序提示"] in ("", None)           # nothing of F's went through 2027
    assert r1.text.count("2027年放假安排尚未公布") == 1
    assert "2027年放假安排尚未公布：5 项任务的应办结日期、剩余工作日或督办日期按法定假日推算（不含调休）" in r1.text
    assert [(n.number, n.task_id, n.basis) for n in r1.outcome.new_notices] == [("黄督〔2027〕1号", "C", "")]

    # --- 2027-02-15: still provisional; notices issued on estimated deadlines -----------------
    r2 = run_weekly(ledger, date(2027, 2, 15), out)
    estimated = "按法定假日推算（2027年放假安排未公布）"
    assert [(n.number, n.task_id, n.deadline, n.basis) for n in r2.outcome.new_notices] == [
        ("黄督〔2027〕2号", "A", date(2027, 1, 12), estimated),   # 34 days overdue: 黄 first
        ("蓝督〔2027〕1号", "B", date(2027, 2, 15), estimated),   # due today
        ("红督〔2027〕1号", "C", date(2026, 12, 8), ""),          # 黄 on 1-11 + 10 days
        ("黄督〔2027〕3号", "E", date(2027, 2, 1), estimated),    # 14 days overdue
    ]
    log = rows(ledger, "督办记录")
    assert log[0][-1] == "应办结日期依据"
    assert [(r[0], r[-1]) for r in log[1:]] == [("黄督〔2027〕1号", ""), ("黄督〔2027〕2号", estimated),
                                                ("蓝督〔2027〕1号", estimated), ("红督〔2027〕1号", ""),
                                                ("黄督〔2027〕3号", estimated)]

    # --- the notice is published and imported --------------------------------------------------
    before = parts(ledger)
    report = import_notice(ledger, [NOTICE_2027], date(2027, 2, 16))
    assert report.written and report.published and report.added == 33 and report.corrected == ()
    assert report.changed == (("B", date(2027, 2, 15), date(2027, 2, 16)), ("E", date(2027, 2, 1), date(2027, 1, 31)))
    after = parts(ledger)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= {"xl/worksheets/sheet2.xml", "xl/styles.xml"} and "xl/worksheets/sheet2.xml" in changed
    assert set(after) == set(before)
    sheet = rows(ledger, "节假日")
    assert sheet[0] == ["日期", "类型", "名称", "依据"]
    assert sheet[1] == [date(2027, 1, 1), "休", "元旦", "国办发明电〔2026〕8号"]   # the clerk's row, now with its 依据
    assert sheet[2] == [date(2027, 1, 2), "休", "元旦", "国办发明电〔2026〕8号"]
    assert [r[:2] for r in sheet[1:] if r[1] == "班"] == [
        [date(2027, 1, 31), "班"], [date(2027, 2, 20), "班"], [date(2027, 4, 25), "班"],
        [date(2027, 9, 26), "班"], [date(2027, 10, 9), "班"]]
    assert len(sheet) == 1 + 34
    # a second import changes nothing
    again = import_notice(ledger, [NOTICE_2027], date(2027, 2, 16))
    assert not again.written and again.added == 0 and again.changed == ()
    assert parts(ledger) == after
    assert "2027年  节假日表  国办发明电〔2026〕8号（34 天）" in list_sources(ledger, date(2027, 2, 16))

    # --- 2027-02-22: the official schedule ------------------------------------------------------
    r3 = run_weekly(ledger, date(2027, 2, 22), out)
    assert r3.outcome.provisional_years == ()
    s = status(ledger)
    assert {k: v["应办结日期"] for k, v in s.items()} == {
        "A": date(2027, 1, 12), "B": date(2027, 2, 16), "C": date(2026, 12, 8), "D": date(2027, 3, 31),
        "E": date(2027, 1, 31), "F": date(2026, 11, 9)}
    assert s["D"]["剩余工作日"] == 27                   # 2-23…26, and March's 23
    # B: 蓝 went out on 2-15 for an estimated D of 2-15; officially D is 2-16, so it was early.
    # E's D moved too (2-01 → 1-31) but its 黄 of 2-15 was due either way (黄 from 1-31 + 5 = 2-5,
    # a day off until Monday 2-15): not flagged.
    assert [(n.number, d) for n, d in r3.outcome.moved] == [("蓝督〔2027〕1号", date(2027, 2, 16))]
    assert ("蓝督〔2027〕1号（2027-02-15发出）是按推算的应办结日期2027-02-15发出的，按已公布的放假安排应办结日期为"
            "2027-02-16，该蓝色督办单发出时尚不应发") in s["B"]["程序提示"]
    assert all(ESTIMATED not in (v["程序提示"] or "") for v in s.values())
    assert "放假安排公布后应办结日期改变、发出时尚不应发的督办单（1 份，督办记录保留不改）：" in r3.text
    assert "  蓝督〔2027〕1号  任务B  2027-02-15发出  应办结日期 2027-02-15 → 2027-02-16" in r3.text
    assert report_json(r3)["moved_notices"] == [{"number": "蓝督〔2027〕1号", "task_id": "B",
                                                 "deadline_then": "2027-02-15", "deadline_now": "2027-02-16"}]
    assert report_json(r1)["provisional_years"] == [2027]
    # the ladder goes on: B overdue since 2-16, 黄 from 2-21 (a Sunday: 2-22); nothing renumbered or removed
    assert [(n.number, n.task_id, n.basis) for n in r3.outcome.new_notices] == [("黄督〔2027〕4号", "B", "")]
    assert [r[0] for r in rows(ledger, "督办记录")[1:]] == [
        "黄督〔2027〕1号", "黄督〔2027〕2号", "蓝督〔2027〕1号", "红督〔2027〕1号", "黄督〔2027〕3号", "黄督〔2027〕4号"]


def test_cli_import_creates_the_sheet_and_refuses_a_mangled_text(tmp_path, capsys, monkeypatch):
    path = write_ledger(tmp_path / "台账.xlsx", TASKS)
    bad = tmp_path / "通知.txt"
    bad.write_text(NOTICE_2027.replace("1月31日（周日）、2月20日（周六）上班", "2月20日（周六）上班"), encoding="utf-8")
    before = path.read_bytes()
    assert main(["holidays", str(path), "--import", str(bad)]) == 2
    out = capsys.readouterr().out
    assert out.startswith("未能运行：无法导入放假安排：“春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，"
                          "共9天。2月20日（周六）上班。”：放假日中有6个工作日、调休上班1天，相抵后放假5天，"
                          "与法定的春节假期4天不符")
    assert path.read_bytes() == before and not (tmp_path / "台账备份").exists()

    # from standard input, as a saved web page in GB18030
    page = ("<html><head><meta charset='gb18030'><title>通知</title></head><body>"
            + "".join(f"<p>{line}</p>" for line in NOTICE_2027.splitlines()) + "</body></html>").encode("gb18030")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(page)))
    assert main(["holidays", str(path), "--import", "-"]) == 0
    out = capsys.readouterr().out
    assert "  春节：放假 2月5日至13日（9天）；调休上班 1月31日（周日）、2月20日（周六）" in out
    assert "已写入“台账.xlsx”的“节假日”表：新增 34 行" in out
    assert "2 项任务的应办结日期随之改变（下次每周运行时更新）：" in out
    assert "  任务B  2027-02-15 → 2027-02-16" in out
    sheet = rows(path, "节假日")
    assert sheet[0] == ["日期", "类型", "名称", "依据"] and len(sheet) == 35
    assert main(["holidays", str(path)]) == 0
    listing = capsys.readouterr().out
    assert "  2026年  内置  国办发明电〔2025〕7号" in listing
    assert "  2027年  节假日表  国办发明电〔2026〕8号（34 天）" in listing
    assert "  2028年  推算  放假安排尚未公布，按法定假日推算（不含调休）" in listing


def test_html_page_text():
    page = "<html><body><div>首页 &gt; 政策</div><p>一、元旦：1月1日（周五）至3日（周日）放假，共3天。</p></body></html>"
    assert "一、元旦：1月1日（周五）至3日（周日）放假，共3天。" in notice_text(page.encode("utf-8"), "通知.html")


def test_a_partial_year_in_the_sheet_is_still_estimated(tmp_path):
    # issue: one 2027 row (元旦) made the whole of 2027 "known" and Spring Festival was ignored
    path = write_ledger(tmp_path / "台账.xlsx", [task("B", date(2026, 12, 28), "30个工作日")],
                        holidays=[(date(2027, 1, 1), "休", "元旦"), (date(2027, 2, 11), "休", "本县春节延休")])
    r = run_weekly(path, date(2027, 1, 11), tmp_path / "out", dry_run=True)
    e = r.outcome.evaluations[0]
    # by law 2-5, 2-8 … 2-10 off, and the sheet adds 2-11: … 2-4 (27th), 2-12, 2-15, 2-16 → 2-16
    assert e.deadline.due == date(2027, 2, 16)
    assert [p.message for p in e.problems] == [ESTIMATED]
    assert r.outcome.provisional_years == (2027,)


def test_an_older_log_gains_the_basis_column_only_when_a_notice_needs_it(tmp_path):
    # a log written before the 应办结日期依据 column existed: C's 黄 of 2026-12-14 (D 2026-12-08)
    old_log = [("黄督〔2026〕1号", "C", "黄", date(2026, 12, 14), "县财政局", date(2026, 12, 8), 6, "常务副县长",
                "2026-12-14")]
    path = write_ledger(tmp_path / "台账.xlsx", [TASKS[1], TASKS[2]], log=old_log)
    # 2027-01-11: C's 红 (12-14 + 10 days = 12-24) on a D of 2026: nothing estimated is logged
    run_weekly(path, date(2027, 1, 11), tmp_path / "out")
    assert len(rows(path, "督办记录")[0]) == 9
    # 2027-02-15: B's 蓝 on its estimated D; C's next 红 (1-11 + 10 days) on its 2026 D
    run_weekly(path, date(2027, 2, 15), tmp_path / "out")
    log = rows(path, "督办记录")
    assert log[0][9] == "应办结日期依据"
    assert [(r[0], r[9]) for r in log[1:]] == [
        ("黄督〔2026〕1号", ""), ("红督〔2027〕1号", ""),
        ("蓝督〔2027〕1号", "按法定假日推算（2027年放假安排未公布）"), ("红督〔2027〕2号", "")]


def test_import_refused_while_the_workbook_is_open(tmp_path, capsys):
    path = write_ledger(tmp_path / "台账.xlsx", TASKS)
    (tmp_path / "~$台账.xlsx").write_bytes(b"")
    notice = tmp_path / "通知.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    before = path.read_bytes()
    assert main(["holidays", str(path), "--import", str(notice)]) == 2
    assert "正在被 Excel/WPS 或其他程序打开" in capsys.readouterr().out
    assert path.read_bytes() == before


def test_a_day_the_notice_settles_otherwise_is_corrected_in_place(tmp_path):
    # the clerk had guessed Saturday 2-20 off; the notice makes it a make-up working day
    path = write_ledger(tmp_path / "台账.xlsx", TASKS, holidays=[(date(2027, 2, 20), "休", "猜测")])
    report = import_notice(path, [NOTICE_2027], date(2027, 1, 11))
    assert report.corrected == (date(2027, 2, 20),) and report.added == 33
    sheet = rows(path, "节假日")
    assert sheet[1] == [date(2027, 2, 20), "班", "春节", "国办发明电〔2026〕8号"]
