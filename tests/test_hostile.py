"""SPEC §5: broken and hostile input gets a clear Chinese message and an exit code, never a traceback."""

import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.reading import reader
from ledger.batch import check_workbook, run_weekly
from tests.conftest import HEADER, task, write_ledger

RUN = date(2026, 11, 23)


def rewrite(src: Path, dst: Path, part: str, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == part else data)
    return dst


@pytest.fixture
def base(tmp_path) -> Path:
    return write_ledger(tmp_path / "base.xlsx", [task("A1", date(2026, 11, 2))])


def test_truncated_zip(base, tmp_path):
    cut = tmp_path / "台账.xlsx"
    cut.write_bytes(base.read_bytes()[: base.stat().st_size // 2])
    r = check_workbook(cut, RUN)
    assert r.exit_code == 2 and "不是有效的 .xlsx 文件" in r.text


def test_password_protected_workbook(tmp_path):
    enc = tmp_path / "台账.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)   # Office encryption = an OLE container
    r = check_workbook(enc, RUN)
    assert r.exit_code == 2 and "取消密码" in r.text


@pytest.mark.parametrize("name", ["台账.et", "台账.csv", "台账"])
def test_other_formats(tmp_path, name):
    f = tmp_path / name
    f.write_text("任务编号,任务内容\n", encoding="utf-8")
    r = check_workbook(f, RUN)
    assert r.exit_code == 2 and r.text.startswith("未能运行：") and ".xlsx" in r.text


def test_a_zip_that_is_not_a_workbook(tmp_path):
    f = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert check_workbook(f, RUN).text == "未能运行：“台账.xlsx”是压缩包但不是 Excel 工作簿：请选择督办台账的 .xlsx 文件。"


def test_zip_bomb_refused_before_decompressing(base, tmp_path, monkeypatch):
    bomb = rewrite(base, tmp_path / "台账.xlsx", "xl/worksheets/sheet1.xml",
                   lambda d: d.replace(b"<sheetData>", b"<sheetData>" + b" " * (3 * 1024 * 1024)))
    monkeypatch.setattr(reader, "MAX_PART_BYTES", 2 * 1024 * 1024)
    r = check_workbook(bomb, RUN)
    assert r.exit_code == 2
    assert "“xl/worksheets/sheet1.xml”解压后达 3 MB，远超正常台账的规模" in r.text


LOL = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
       b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
       b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
       b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>')


def test_entity_expansion_in_the_task_sheet_is_never_expanded(base, tmp_path):
    evil = rewrite(base, tmp_path / "台账.xlsx", "xl/worksheets/sheet1.xml",
                   lambda d: LOL + d[d.index(b"<worksheet"):])
    before = evil.read_bytes()
    r = run_weekly(evil, RUN, tmp_path / "out")
    assert r.exit_code in (1, 2)          # read or refused — but never expanded into gigabytes
    if r.exit_code == 2:
        assert r.text.startswith("未能运行：")
        assert evil.read_bytes() == before


def test_entity_expansion_in_shared_strings_is_harmless(base, tmp_path):
    evil = rewrite(base, tmp_path / "台账.xlsx", "xl/sharedStrings.xml", lambda d: LOL + d[d.index(b"<sst"):])
    r = run_weekly(evil, RUN, tmp_path / "out")
    assert r.exit_code in (0, 1, 2) and r.text


def test_ten_thousand_character_cells(tmp_path):
    long = "长" * 10_000
    book = write_ledger(tmp_path / "台账.xlsx", [task("A1", date(2026, 11, 2), long, 任务来源=long),
                                                 task("A2", date(2026, 11, 2), 任务内容=long)])
    r = run_weekly(book, RUN, tmp_path / "out")
    assert r.exit_code == 1
    (msg,) = [p.text() for e in r.outcome.evaluations for p in e.problems]
    assert len(msg) < 200 and msg.startswith("督办台账!H2 办理时限“长长长")


def test_dates_in_1900_and_2200(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("A1", date(1900, 1, 5)), task("A2", "2200-01-01")])
    msgs = [p.message for e in check_workbook(book, RUN).outcome.evaluations for p in e.problems]
    assert msgs == ["交办日期“1900-01-05”的年份1900不合理", "交办日期“2200-01-01”的年份2200不合理"]


def test_stray_cell_on_the_last_excel_row(base, tmp_path):
    tall = rewrite(base, tmp_path / "台账.xlsx", "xl/worksheets/sheet1.xml", lambda d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    r = check_workbook(tall, RUN)
    assert r.exit_code == 1
    assert "督办台账!C1048576 任务内容为空" in r.text


cell = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30), st.integers(-10**6, 10**7), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(date(1899, 12, 31), date(2200, 1, 1)), st.booleans(),
    st.sampled_from(["5个工作日", "十天", "13月底", "第五季度", "立即", "=1+1", "@x", "-3", "２０２６年１月１日",
                     "急件", "不合格", "县财政局、", "、、", "\n", "  ", "0", "1e308"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({h: cell for h in HEADER}), min_size=1, max_size=4))
def test_fuzzed_cells_never_crash(tmp_path, rows):
    book = write_ledger(tmp_path / "fuzz.xlsx", rows)
    r = run_weekly(book, RUN, tmp_path / "out")
    assert r.exit_code in (0, 1, 2) and r.text
