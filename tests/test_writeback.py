"""SPEC §5 at the edges of a run: locked files, changes during a run, backups, what else is untouched."""

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ledger import workbook_io
from ledger.core.schema import STATUS_MARKERS
from ledger.batch import run_weekly
from ledger.cli import main
from ledger.xlsx.patch import sheet_part_paths
from tests.conftest import task, write_ledger

ROOT = Path(__file__).resolve().parents[1]
RUN = date(2026, 11, 23)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


@pytest.fixture
def sample(tmp_path) -> Path:
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    return book


def test_sample_run_changes_only_the_task_sheet_styles_and_log(sample, tmp_path):
    before = parts(sample)
    sheets = sheet_part_paths(sample)
    run_weekly(sample, RUN, tmp_path / "out")
    after = parts(sample)
    changed = {name for name in before if before[name] != after.get(name)}
    assert set(after) == set(before)  # the log sheet already existed: no part added or removed
    # workbook.xml gains only the hidden names marking the nine status columns (first run of this version),
    # and its hidden _FilterDatabase name is widened with the task sheet's AutoFilter over them (T..AB)
    assert changed == {sheets["督办台账"], sheets["督办记录"], "xl/styles.xml", "xl/workbook.xml"}
    assert without_markers(after["xl/workbook.xml"]) == without_markers(
        before["xl/workbook.xml"].replace(b"$S$45", b"$AB$45"))
    assert b'<autoFilter ref="A3:AB45"/>' in after[sheets["督办台账"]]
    from python_calamine import CalamineWorkbook

    header = CalamineWorkbook.from_path(str(sample)).get_sheet_by_name("督办台账").to_python()[2]
    from ledger.core.errors import column_letter

    letter = {h: column_letter(i + 1) for i, h in enumerate(header)}
    assert sorted(markers(after["xl/workbook.xml"])) == sorted(
        (m, f"'督办台账'!${letter[name]}$3") for name, m in STATUS_MARKERS.items())
    # a later run leaves workbook.xml as it is
    run_weekly(sample, date(2026, 11, 30), tmp_path / "out")
    assert parts(sample)["xl/workbook.xml"] == after["xl/workbook.xml"]


def markers(workbook_xml: bytes) -> list[tuple[str, str]]:
    from lxml import etree

    root = etree.fromstring(workbook_xml)
    return [(d.get("name"), d.text) for d in root.iter("{*}definedName") if d.get("name", "").startswith("_ledger_")]


def without_markers(workbook_xml: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(workbook_xml)
    for d in list(root.iter("{*}definedName")):
        if d.get("name", "").startswith("_ledger_"):
            parent = d.getparent()
            parent.remove(d)
            if len(parent) == 0:
                parent.getparent().remove(parent)
    return etree.tostring(root, method="c14n")


@pytest.mark.parametrize("lock_name", ["~$示例台账.xlsx", "~$台账.xlsx", ".~lock.示例台账.xlsx#"])
def test_open_in_excel_wps_or_libreoffice_stops_before_anything(sample, tmp_path, lock_name):
    (sample.parent / lock_name).write_bytes(b"owner")
    before = sample.read_bytes()
    r = run_weekly(sample, RUN, tmp_path / "out")
    assert r.exit_code == 2
    assert r.text.startswith("未能运行：“示例台账.xlsx”正在被 Excel/WPS 或其他程序打开")
    assert "未占用督办单编号" in r.text
    assert sample.read_bytes() == before
    assert not (sample.parent / "台账备份").exists()
    (sample.parent / lock_name).unlink()
    # once closed, the same run issues the numbers the refused run would have
    assert run_weekly(sample, RUN, tmp_path / "out").outcome.new_notices[0].number == "红督〔2026〕3号"


def test_changed_between_read_and_write_is_refused(sample, tmp_path, monkeypatch):
    original_backup = workbook_io.backup

    def clerk_saves_meanwhile(path, keep, now=None, label=""):
        saved = original_backup(path, keep, now, label)
        with path.open("ab") as fh:   # the file changes under us (Excel saved it)
            fh.write(b"\0")
        return saved

    monkeypatch.setattr("ledger.workbook_io.backup", clerk_saves_meanwhile)
    before = sample.read_bytes()
    r = run_weekly(sample, RUN, tmp_path / "out")
    assert r.exit_code == 2 and "在本次运行期间被修改过" in r.text
    assert sample.read_bytes() == before + b"\0"          # our result did not overwrite the clerk's save
    assert not list(sample.parent.glob(".*.tmp*"))        # no temp file left behind


def test_backups_are_taken_and_rotated(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("A1", date(2026, 11, 2))], params={"备份份数": 2})
    first = book.read_bytes()
    for day in (RUN, date(2026, 11, 30), date(2026, 12, 7)):
        assert run_weekly(book, day, tmp_path / "out").written
    backups = sorted((tmp_path / "台账备份").iterdir())
    assert len(backups) == 2
    assert first not in [b.read_bytes() for b in backups]  # the oldest was rotated out


def test_dry_run_writes_nothing(sample, tmp_path):
    before = sample.read_bytes()
    r = run_weekly(sample, RUN, tmp_path / "out", dry_run=True)
    assert len(r.outcome.new_notices) == 13 and "试运行：台账未修改，未占用督办单编号。" in r.text
    assert sample.read_bytes() == before and not (tmp_path / "out").exists()


def test_cli_run_check_init_output_and_exit_codes(sample, tmp_path, capsys):
    assert main(["check", str(sample), "--date", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("督办台账 检查：2026-11-23（星期一）\n台账：示例台账.xlsx，共 42 项任务\n")
    assert "本次应发督办单 13 份：蓝色 5 份，黄色 5 份，红色 3 份" in out
    assert out.rstrip().endswith("检查完毕：未写入任何内容。")

    assert main(["run", str(sample), "--date", "2026-11-23", "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "本次发出督办单 13 份" in out
    summary = (tmp_path / "out" / "2026-11-23" / "运行摘要.txt").read_text(encoding="utf-8")
    assert summary.strip() == out.strip()

    new = tmp_path / "新台账.xlsx"
    assert main(["init", str(new)]) == 0
    assert "已新建督办台账" in capsys.readouterr().out
    assert main(["run", str(new), "--date", "2026-11-23", "--out", str(tmp_path / "o2")]) in (0, 1)
    assert main(["init", str(new)]) == 2
    assert "已经存在，为防止覆盖已有台账，未做任何改动" in capsys.readouterr().out


def test_cli_bad_date_argument(capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", "x.xlsx", "--date", "下周一"])
    assert info.value.code == 2
    assert "日期“下周一”无法识别，请写成 2026-11-23 的形式" in capsys.readouterr().err


def test_two_runs_at_once_exactly_one_wins(sample, tmp_path):
    import subprocess
    import sys

    code = ("import sys; from datetime import date; from pathlib import Path; from ledger.batch import run_weekly;"
            "r = run_weekly(Path(sys.argv[1]), date(2026, 11, 23), Path(sys.argv[2])); print(r.exit_code);"
            "print(len(r.outcome.new_notices) if r.outcome else 0)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(sample), str(tmp_path / f"o{i}")],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT) for i in range(4)]
    results = [p.communicate(timeout=120)[0].split() for p in procs]
    issued = [int(n) for code_, n in results if code_ == "1"]
    # whoever ran first issued the 13 notices; later ones were refused or found nothing new to issue
    assert sum(issued) == 13, results
    log_numbers = [r[0] for r in
                   __import__("python_calamine").CalamineWorkbook.from_path(str(sample))
                   .get_sheet_by_name("督办记录").to_python()[1:]]
    assert len(log_numbers) == len(set(log_numbers)) == 16 + 13
    assert not list(sample.parent.glob(".*ledger-lock"))


def test_lock_held_by_a_live_run_refuses_and_a_dead_one_is_taken_over(sample, tmp_path):
    import os

    lock = sample.with_name(f".{sample.name}.ledger-lock")
    lock.write_text(str(os.getpid()))           # this live process "holds" it
    r = run_weekly(sample, RUN, tmp_path / "out")
    assert r.exit_code == 2 and "正由另一个督办台账程序运行中" in r.text
    lock.write_text("999999999")                 # no such process: stale
    assert run_weekly(sample, RUN, tmp_path / "out").written
    assert not lock.exists()


def test_restore_lists_backups_and_puts_one_back_after_backing_up_the_current(sample, tmp_path, capsys):
    original = sample.read_bytes()
    assert main(["restore", str(sample)]) == 0
    assert "还没有备份" in capsys.readouterr().out
    run_weekly(sample, RUN, tmp_path / "out")
    after_run = sample.read_bytes()
    assert main(["restore", str(sample)]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("“示例台账.xlsx”的备份（最新在前）：\n  1. ") and "--pick" in listing
    assert main(["restore", str(sample), "--pick", "1"]) == 0
    assert "已用" in capsys.readouterr().out
    assert sample.read_bytes() == original
    backups = sorted((sample.parent / "台账备份").glob("*.xlsx"))
    assert after_run in [b.read_bytes() for b in backups]      # the undone run can itself be restored
    assert main(["restore", str(sample), "--pick", "9"]) == 2
    assert "没有序号为 9 的备份" in capsys.readouterr().out


@pytest.mark.parametrize("fixture", ["rich.xlsx", "libreoffice.xlsx"])
def test_ledger_run_on_rich_and_libreoffice_workbooks_touches_only_what_it_must(fixture, tmp_path):
    """rich.xlsx: chart, image, sparklines, 2010 data bar, cross-sheet dropdown, comments, table,
    defined names, cached formula values; libreoffice.xlsx: saved by LibreOffice Calc."""
    book = tmp_path / fixture
    shutil.copy(ROOT / "fixtures" / "preservation" / fixture, book)
    before = parts(book)
    sheets = sheet_part_paths(book)
    r = run_weekly(book, RUN, tmp_path / "out")
    assert r.written and r.exit_code in (0, 1)
    after = parts(book)
    log_part = sheet_part_paths(book)["督办记录"]
    assert set(after) - set(before) == {log_part}
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {sheets["督办台账"], "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                       "[Content_Types].xml"}
    assert sheets["督办台账"] in changed
    # every other part — charts, drawings, media, comments, tables, other sheets — byte for byte
    untouched = set(before) - changed
    assert len(untouched) >= 5 and all(before[n] == after[n] for n in untouched)
    # and a second run on the same date changes nothing at all
    run_weekly(book, RUN, tmp_path / "out")
    assert parts(book) == after
    # a later run appends to the log sheet it made: again only the two sheets (and styles) change
    later = run_weekly(book, date(2026, 12, 21), tmp_path / "out")
    assert later.written and later.outcome.new_notices
    final = parts(book)
    assert set(final) == set(after)
    assert {n for n in after if after[n] != final[n]} <= {sheets["督办台账"], log_part, "xl/styles.xml"}
    assert after[log_part] != final[log_part]


def test_replace_refused_by_windows_retries_then_keeps_the_result_beside_it(sample, tmp_path, monkeypatch):
    import os as _os

    real_replace = _os.replace
    calls = []

    def locked(src, dst):
        if Path(dst) == sample:
            calls.append(dst)
            raise PermissionError(13, "另一个程序正在使用此文件")
        return real_replace(src, dst)

    monkeypatch.setattr(workbook_io.os, "replace", locked)
    monkeypatch.setattr(workbook_io.time, "sleep", lambda s: None)
    before = sample.read_bytes()
    r = run_weekly(sample, RUN, tmp_path / "out")
    assert len(calls) == 5                                   # bounded retries
    assert r.exit_code == 2
    assert "本次结果已另存为“示例台账.updated.xlsx”" in r.text
    assert sample.read_bytes() == before
    updated = sample.with_name("示例台账.updated.xlsx")
    from python_calamine import CalamineWorkbook

    log = CalamineWorkbook.from_path(str(updated)).get_sheet_by_name("督办记录").to_python()
    assert len(log) == 1 + 16 + 13                           # the complete result, nothing lost
    assert not (tmp_path / "out" / "2026-11-23").exists()    # documents only with a replaced workbook


def sheet_rows(xml: bytes) -> list[bytes]:
    import re

    return re.findall(rb"<row [^>]*>.*?</row>", xml, re.S)


def test_log_rows_are_appended_and_the_clerks_changes_to_the_log_survive(tmp_path):
    """督办记录 is append-only: new notices go below the last row, each value under its header
    wherever the clerk moved it; a column the clerk added, its width, and every row already there
    stay byte for byte."""
    import openpyxl

    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 8), "5个工作日"),
                                                 task("T2", date(2026, 11, 2), "10个工作日")])
    run_weekly(book, date(2026, 11, 9), tmp_path / "out")      # T1 is due: the log gets its first notice
    wb = openpyxl.load_workbook(book)
    log = wb["督办记录"]
    assert [c.value for c in log[2]][:3] == ["黄督〔2026〕1号", "T1", "黄"]
    log.move_range("B1:B2", cols=9)           # 任务编号 moved to column K
    log["B1"], log["L1"], log["L2"] = "回执情况", "备注", "已电话催办"
    log["B2"] = "已收到回执"
    log.column_dimensions["L"].width = 33
    wb.save(book)
    part = sheet_part_paths(book)["督办记录"]
    before = parts(book)[part]

    r = run_weekly(book, date(2026, 11, 23), tmp_path / "out")
    after = parts(book)[part]
    assert sorted((n.task_id, n.color) for n in r.outcome.new_notices) == [("T1", "红"), ("T2", "黄")]
    assert sheet_rows(after)[:2] == sheet_rows(before)[:2]     # header and old row: the same bytes
    assert b'width="33"' in after
    log = openpyxl.load_workbook(book)["督办记录"]
    header = [c.value for c in log[1]]
    assert header[:3] == ["督办单编号", "回执情况", "督办等级"] and header[10:12] == ["任务编号", "备注"]
    rows = [[c.value for c in row] for row in log.iter_rows(min_row=2)]
    assert rows[0][:2] == ["黄督〔2026〕1号", "已收到回执"] and rows[0][10:12] == ["T1", "已电话催办"]
    new = {row[0]: row for row in rows[1:]}
    assert len(new) == 2 and all(row[1] is None and row[11] is None for row in new.values())
    assert sorted(row[10] for row in new.values()) == ["T1", "T2"]
    assert all(row[3].date() == date(2026, 11, 23) for row in new.values())
    # the log reads back: a third run on the same date issues nothing new and changes nothing
    again = parts(book)
    assert run_weekly(book, date(2026, 11, 23), tmp_path / "out").outcome.new_notices == ()
    assert parts(book) == again


def test_an_empty_log_sheet_gets_the_header_then_the_rows(tmp_path):
    import openpyxl

    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 8), "5个工作日")])
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("督办记录")
    wb.save(book)
    run_weekly(book, date(2026, 11, 9), tmp_path / "out")
    log = openpyxl.load_workbook(book)["督办记录"]
    assert [c.value for c in log[1]] == ["督办单编号", "任务编号", "督办等级", "发出日期", "被督办单位", "应办结日期",
                                         "逾期天数", "签发人", "批次"]
    assert [c.value for c in log[2]][:3] == ["黄督〔2026〕1号", "T1", "黄"]


def test_a_log_formatted_as_an_excel_table_grows_with_the_new_rows(tmp_path):
    """The clerk made 督办记录 an Excel Table (套用表格格式): the appended notices join it, as rows
    typed below a Table do in Excel, so its banding and filter cover the whole log."""
    import re

    import openpyxl
    from openpyxl.worksheet.table import Table

    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 8), "5个工作日"),
                                                 task("T2", date(2026, 11, 2), "10个工作日")])
    run_weekly(book, date(2026, 11, 9), tmp_path / "out")
    wb = openpyxl.load_workbook(book)
    wb["督办记录"].add_table(Table(displayName="督办记录表", ref="A1:I2"))
    wb.save(book)
    r = run_weekly(book, date(2026, 11, 23), tmp_path / "out")
    assert len(r.outcome.new_notices) == 2
    tables = {n: d for n, d in parts(book).items() if n.startswith("xl/tables/")}
    assert len(tables) == 1
    xml = next(iter(tables.values())).decode("utf-8")
    assert re.search(r'<table [^>]*ref="A1:I4"', xml)                 # two new rows: 2 → 4
    assert re.search(r'<autoFilter [^>]*ref="A1:I4"', xml)
    log = openpyxl.load_workbook(book)["督办记录"]
    assert log.tables["督办记录表"].ref == "A1:I4" and log["A4"].value is not None


def test_rows_written_below_a_table_with_a_totals_row_leave_it_alone(tmp_path):
    from ledger.xlsx.tables import _extend
    from lxml import etree

    table = etree.fromstring(b'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                             b'ref="A1:C5" totalsRowCount="1"><autoFilter ref="A1:C4"/></table>')
    assert _extend(table, {6: {1}}) is False and table.get("ref") == "A1:C5"
    plain = etree.fromstring(b'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                             b'ref="B2:C5"><autoFilter ref="B2:C5"/></table>')
    assert _extend(plain, {7: {2}}) is False                            # a gap: not directly below
    assert _extend(plain, {6: {9}}) is False                            # outside its columns
    assert _extend(plain, {6: {3}, 7: {2, 3}}) is True and plain.get("ref") == "B2:C7"
    assert plain[0].get("ref") == "B2:C7"
