"""Status columns join the clerk's Excel Table (套用表格格式) or AutoFilter (筛选) instead of
landing outside it, where sorting in Excel would move the tasks but not their status (issue 15
item 9).

The workbooks are built from raw XML (tests/xlsx_builders.py) so the expected Table and
worksheet XML can be written out by hand; the end-to-end tests run the weekly batch on a ledger
the clerk formatted as a Table with openpyxl, and open the result in openpyxl and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_xlsx_patch import CSV_FILTER, soffice_calc  # noqa: E402
from xlsx_builders import DECL, MAIN, R, build_xlsx, parts, sheet  # noqa: E402

from ledger.batch import run_weekly  # noqa: E402
from ledger.core.schema import STATUS_NAMES  # noqa: E402
from ledger.xlsx import patch as xlsx_patch  # noqa: E402
from ledger.xlsx.patch import CellWrite, patch_workbook  # noqa: E402
from tests.conftest import task, write_ledger  # noqa: E402

TASK = "督办台账"
TABLE_PART = "xl/tables/table1.xml"
SHEET_PART = "xl/worksheets/sheet1.xml"
TABLE_CT = ("/xl/tables/table1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml")
FIXED = {"xl/styles.xml", "xl/workbook.xml", SHEET_PART}
XR = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
      'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" mc:Ignorable="xr xr3"')
STATUS_COLUMNS = "".join(f'<tableColumn id="{i}" name="{n}"/>' for i, n in enumerate(STATUS_NAMES, start=8))


@pytest.fixture(params=["auto", "lxml"])
def engine(request, monkeypatch):
    """Run a test with the fast byte-level path (auto) and with the lxml engine forced."""
    monkeypatch.setattr(xlsx_patch, "ENGINE", request.param)
    return request.param


def task_rows(last: int = 5, cols: str = "ABCD") -> str:
    """Header in row 1 (编号 内容 单位 日期), tasks in rows 2..last."""
    heads = ["编号", "内容", "单位", "日期"]
    out = ['<row r="1" spans="1:4">' + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
                                                 for c, h in zip(cols, heads)) + "</row>"]
    for r in range(2, last + 1):
        out.append(f'<row r="{r}" spans="1:4">' + "".join(f'<c r="{c}{r}"><v>{r * 10 + i}</v></c>'
                                                          for i, c in enumerate(cols)) + "</row>")
    return "".join(out)


def table_xml(ref: str = "A1:D5", columns: str | None = None, extra: str = "", filter_ref: str | None = None) -> str:
    """A Table as Excel 2016+ writes it (revision uids); column ids 1, 2, 3, 7 as after deletions."""
    columns = columns or ('<tableColumn id="1" name="编号" xr3:uid="{A1}"/><tableColumn id="2" name="内容" '
                          'xr3:uid="{A2}"/><tableColumn id="3" name="单位" xr3:uid="{A3}"/>'
                          '<tableColumn id="7" name="日期" dataDxfId="0" xr3:uid="{A7}"/>')
    count = columns.count("<tableColumn ")
    return (DECL + f'<table xmlns="{MAIN}" {XR} id="1" xr:uid="{{T1}}" name="任务表" displayName="任务表" '
            f'ref="{ref}"{extra}><autoFilter ref="{filter_ref or ref}" xr:uid="{{F1}}"/>'
            f'<tableColumns count="{count}">{columns}</tableColumns>'
            '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
            'showRowStripes="1" showColumnStripes="0"/></table>')


def with_table(path: Path, table: str, rows: str | None = None, more_tables: dict[str, str] | None = None) -> Path:
    tables = {"table1.xml": table, **(more_tables or {})}
    rels = "".join(f'<Relationship Id="rId{i}" Type="{R}/table" Target="../tables/{name}"/>'
                   for i, name in enumerate(tables, start=1))
    parts_ = {f"xl/tables/{name}": xml for name, xml in tables.items()}
    parts_["xl/worksheets/_rels/sheet1.xml.rels"] = (
        DECL + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
        "</Relationships>")
    parts_["docProps/app.xml"] = DECL + "<Properties/>"
    tail = (f'<tableParts count="{len(tables)}">'
            + "".join(f'<tablePart r:id="rId{i}"/>' for i in range(1, len(tables) + 1)) + "</tableParts>")
    ws = sheet(rows or task_rows(), dimension="A1:D5", tail=tail)
    cts = [(f"/xl/tables/{name}", TABLE_CT[1]) for name in tables]
    return build_xlsx(path, [(TASK, ws)], extra_parts=parts_, extra_ct=cts)


def status_writes(header_row: int = 1, first_col: int = 5, rows=range(2, 6)) -> list[CellWrite]:
    """The 9 status headers written from `first_col` on `header_row`, and a value under each."""
    out = [CellWrite(header_row, first_col + i, name, "header") for i, name in enumerate(STATUS_NAMES)]
    for r in rows:
        out += [CellWrite(r, first_col, dt.date(2026, 11, 30), "date"), CellWrite(r, first_col + 1, "未到期")]
    return out


def assert_only_changed(before: Path, after: Path, changed: set[str]) -> None:
    old, new = parts(before), parts(after)
    assert list(new) == list(old)
    assert {name for name in old if old[name] != new[name]} <= changed
    for name in set(old) - changed:
        assert new[name] == old[name], name


# ----------------------------------------------------------------------------- Tables
def test_table_widened_over_the_status_columns(tmp_path, engine):
    src = with_table(tmp_path / "in.xlsx", table_xml())
    out = tmp_path / "out.xlsx"
    patch_workbook(src, out, TASK, status_writes())
    # E..M are the 9 new columns; ids go on from the largest (7), names are the header cells' text
    expected = table_xml(ref="A1:M5", columns=(
        '<tableColumn id="1" name="编号" xr3:uid="{A1}"/><tableColumn id="2" name="内容" xr3:uid="{A2}"/>'
        '<tableColumn id="3" name="单位" xr3:uid="{A3}"/><tableColumn id="7" name="日期" dataDxfId="0" '
        'xr3:uid="{A7}"/>' + STATUS_COLUMNS))
    assert parts(out)[TABLE_PART].decode("utf-8") == expected
    assert 'count="13"' in expected and '<tableColumn id="16" name="更新日期"/>' in expected
    assert_only_changed(src, out, FIXED | {TABLE_PART})
    ws = openpyxl.load_workbook(out)[TASK]
    table = ws.tables["任务表"]
    assert table.ref == "A1:M5" and table.autoFilter.ref == "A1:M5"
    assert [c.name for c in table.tableColumns] == ["编号", "内容", "单位", "日期", *STATUS_NAMES]
    assert [c.value for c in ws[1]] == ["编号", "内容", "单位", "日期", *STATUS_NAMES]


def test_second_run_leaves_the_widened_table_as_it_is(tmp_path, engine):
    src = with_table(tmp_path / "in.xlsx", table_xml())
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    patch_workbook(src, once, TASK, status_writes())
    patch_workbook(once, twice, TASK, status_writes())
    assert parts(twice) == parts(once)


def test_table_widened_and_extended_in_one_run(tmp_path, engine):
    """督办记录 as a Table missing a standard column: the column header goes right of it and two
    new notices below it — the Table takes in both."""
    src = with_table(tmp_path / "in.xlsx", table_xml(ref="A1:D3"), rows=task_rows(last=3))
    out = tmp_path / "out.xlsx"
    writes = [CellWrite(1, 5, "批次", "header"),
              *(CellWrite(r, c, f"v{r}{c}") for r in (4, 5) for c in range(1, 6))]
    patch_workbook(src, out, TASK, writes)
    table = parts(out)[TABLE_PART].decode("utf-8")
    assert 'ref="A1:E5"><autoFilter ref="A1:E5"' in table
    assert table.endswith('xr3:uid="{A7}"/><tableColumn id="8" name="批次"/></tableColumns>'
                          '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
                          'showRowStripes="1" showColumnStripes="0"/></table>')
    assert '<tableColumns count="5">' in table


def test_header_text_is_escaped_as_in_the_cell(tmp_path):
    src = with_table(tmp_path / "in.xlsx", table_xml())
    out = tmp_path / "out.xlsx"
    patch_workbook(src, out, TASK, [CellWrite(1, 5, "A&B <x>", "header"), CellWrite(1, 6, "a_x0041_", "header")])
    table = parts(out)[TABLE_PART].decode("utf-8")
    assert '<tableColumn id="8" name="A&amp;B &lt;x&gt;"/><tableColumn id="9" name="a_x005F_x0041_"/>' in table
    # both read back as the text written (openpyxl decodes _xHHHH_ in names, calamine in cells)
    names = [c.name for c in openpyxl.load_workbook(out)[TASK].tables["任务表"].tableColumns]
    assert names[4:] == ["A&B <x>", "a_x0041_"]
    assert CalamineWorkbook.from_path(str(out)).get_sheet_by_name(TASK).to_python()[0][4:] == names[4:]


LEFT_ALONE = {
    # the status columns start one column to the right of the Table: not Excel's "typed beside it"
    "gap": dict(table=table_xml(), writes=status_writes(first_col=6)),
    # a totals row would need cells and formulas for the new columns: not made up
    "totals row": dict(table=table_xml(ref="A1:D6", filter_ref="A1:D5", extra=' totalsRowCount="1"'),
                       rows=task_rows(last=6), writes=status_writes(rows=range(2, 6))),
    # the Table's header row is row 1; headers written on row 2 are not its headers
    "other row": dict(table=table_xml(), writes=status_writes(header_row=2, rows=range(3, 6))),
    # 当前状态 is a column of the Table already: Excel would rename the new header to 当前状态2,
    # which the next run would not recognise as its column
    "name taken": dict(table=table_xml(columns="".join(f'<tableColumn id="{i}" name="{n}"/>' for i, n in
                                                       enumerate(["编号", "内容", "单位", "当前状态"], start=1))),
                       writes=status_writes()),
    # header cells written without the header style are not headers the tool appends
    "not headers": dict(table=table_xml(), writes=[CellWrite(1, 5, "备注")]),
    # no header row: row 1 holds data
    "no header row": dict(table=table_xml(extra=' headerRowCount="0"'), writes=status_writes()),
    # another Table sits where the new columns would go
    "overlap": dict(table=table_xml(), writes=status_writes(),
                    more={"table2.xml": table_xml(ref="H3:I5").replace('id="1" xr:uid="{T1}" name="任务表" '
                                                                     'displayName="任务表"',
                                                                     'id="2" name="旁表" displayName="旁表"')}),
}


@pytest.mark.parametrize("case", LEFT_ALONE, ids=list(LEFT_ALONE))
def test_tables_left_alone(tmp_path, engine, case):
    spec = LEFT_ALONE[case]
    src = with_table(tmp_path / "in.xlsx", spec["table"], rows=spec.get("rows"), more_tables=spec.get("more"))
    out = tmp_path / "out.xlsx"
    patch_workbook(src, out, TASK, spec["writes"])
    assert_only_changed(src, out, FIXED)              # the Table parts are byte-identical


# ----------------------------------------------------------------------------- sheet AutoFilter
FILTER_NAMES = ('<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">说明!$A$1:$D$5</definedName>'
                '<definedName name="_xlnm._FilterDatabase" localSheetId="1" hidden="1">督办台账!$A$1:$D$5'
                '</definedName><definedName name="范围">督办台账!$A$1:$D$5</definedName>')


def filtered_book(path: Path, filter_ref: str = "A1:D5", names: str = FILTER_NAMES) -> Path:
    ws = sheet(task_rows(), dimension="A1:D5", after=f'<autoFilter ref="{filter_ref}"/>')
    note = sheet(task_rows(), dimension="A1:D5", after='<autoFilter ref="A1:D5"/>')
    return build_xlsx(path, [("说明", note), (TASK, ws)], defined_names=names,
                      extra_parts={"docProps/app.xml": DECL + "<Properties/>"})


def test_sheet_autofilter_and_its_filter_database_widened(tmp_path, engine):
    src = filtered_book(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    patch_workbook(src, out, TASK, status_writes(), full_calc_on_load=False)
    new = parts(out)
    task_sheet = new["xl/worksheets/sheet2.xml"].decode("utf-8")
    assert '</sheetData><autoFilter ref="A1:M5"/><pageMargins' in task_sheet
    assert '<dimension ref="A1:M5"/>' in task_sheet
    # only the task sheet's name (localSheetId 1 = second sheet) follows; 说明's and 范围 stay
    assert new["xl/workbook.xml"] == parts(src)["xl/workbook.xml"].replace(
        "督办台账!$A$1:$D$5</definedName><definedName name=\"范围\">".encode(),
        "督办台账!$A$1:$M$5</definedName><definedName name=\"范围\">".encode())
    assert_only_changed(src, out, {"xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet2.xml"})
    wb = openpyxl.load_workbook(out)
    assert wb[TASK].auto_filter.ref == "A1:M5" and wb["说明"].auto_filter.ref == "A1:D5"


@pytest.mark.parametrize("filter_ref,first_col,header_row", [("A1:D5", 6, 1), ("A1:C5", 5, 1), ("A2:D5", 5, 1)],
                         ids=["gap", "narrower filter", "other header row"])
def test_sheet_autofilter_left_alone(tmp_path, engine, filter_ref, first_col, header_row):
    src = filtered_book(tmp_path / "in.xlsx", filter_ref=filter_ref)
    out = tmp_path / "out.xlsx"
    patch_workbook(src, out, TASK, status_writes(header_row=header_row, first_col=first_col),
                   full_calc_on_load=False)
    assert f'<autoFilter ref="{filter_ref}"/>' in parts(out)["xl/worksheets/sheet2.xml"].decode("utf-8")
    assert parts(out)["xl/workbook.xml"] == parts(src)["xl/workbook.xml"]


def test_filter_database_naming_another_range_is_left_alone(tmp_path, engine):
    """A _FilterDatabase out of step with the AutoFilter is not guessed at: only the filter grows."""
    names = '<definedName name="_xlnm._FilterDatabase" localSheetId="1" hidden="1">督办台账!$A$1:$D$9</definedName>'
    src = filtered_book(tmp_path / "in.xlsx", names=names)
    out = tmp_path / "out.xlsx"
    patch_workbook(src, out, TASK, status_writes(), full_calc_on_load=False)
    assert '<autoFilter ref="A1:M5"/>' in parts(out)["xl/worksheets/sheet2.xml"].decode("utf-8")
    assert parts(out)["xl/workbook.xml"] == parts(src)["xl/workbook.xml"]


# ----------------------------------------------------------------------------- weekly run
def clerk_ledger(tmp_path: Path, *, as_table: bool) -> Path:
    """Three tasks (rows 2–4, columns A–P) formatted as a Table, or with a plain AutoFilter."""
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", dt.date(2026, 10, 8), "5个工作日"),
                                                 task("T2", dt.date(2026, 11, 2), "10个工作日"),
                                                 task("T3", dt.date(2026, 11, 16), "2026-12-31")])
    wb = openpyxl.load_workbook(book)
    if as_table:
        wb[TASK].add_table(Table(displayName="任务表", ref="A1:P4"))
    else:
        wb[TASK].auto_filter.ref = "A1:P4"
    wb.save(book)
    return book


def test_weekly_run_widens_the_clerks_table(tmp_path):
    book = clerk_ledger(tmp_path, as_table=True)
    before = parts(book)
    run_weekly(book, dt.date(2026, 11, 23), tmp_path / "out")
    after = parts(book)
    # the 9 status columns are Q..Y (17..25), right after the Table's last column P
    table = after[TABLE_PART].decode("utf-8")
    assert re.search(r'<table [^>]*ref="A1:Y4"', table) and '<autoFilter ref="A1:Y4"' in table
    names = re.findall(r'<tableColumn id="(\d+)" name="([^"]*)"', table)
    assert names[16:] == [(str(i), n) for i, n in enumerate(STATUS_NAMES, start=17)]
    assert '<tableColumns count="25">' in table
    for name in set(before) - {"xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", SHEET_PART,
                               TABLE_PART, "xl/_rels/workbook.xml.rels"}:
        assert after[name] == before[name], name
    ws = openpyxl.load_workbook(book)[TASK]
    assert ws.tables["任务表"].ref == "A1:Y4"
    assert [c.value for c in ws[1]][16:] == list(STATUS_NAMES)
    assert [c.name for c in ws.tables["任务表"].tableColumns][16:] == list(STATUS_NAMES)
    assert ws["R2"].value == "逾期" and ws["R4"].value == "未到期"


def test_weekly_runs_with_a_task_added_to_the_table_in_between(tmp_path):
    """The clerk types a fourth task under the widened Table (Excel extends it to row 5); the next
    run finds its status columns inside the Table and only fills the new row."""
    book = clerk_ledger(tmp_path, as_table=True)
    run_weekly(book, dt.date(2026, 11, 23), tmp_path / "out")
    wb = openpyxl.load_workbook(book)
    ws = wb[TASK]
    new_task = [(1, "T4"), (3, "任务T4的内容"), (4, "县财政局"), (7, dt.date(2026, 11, 24)), (8, "3个工作日")]
    for col, value in new_task:
        ws.cell(5, col, value)
    ws.tables["任务表"].ref = "A1:Y5"
    ws.tables["任务表"].autoFilter.ref = "A1:Y5"
    wb.save(book)
    run_weekly(book, dt.date(2026, 11, 30), tmp_path / "out")
    table = parts(book)[TABLE_PART].decode("utf-8")
    assert re.search(r'<table [^>]*ref="A1:Y5"', table) and '<tableColumns count="25">' in table
    ws = openpyxl.load_workbook(book)[TASK]
    assert ws.max_column == 25                                  # no second set of status columns
    assert ws["Q5"].value.date() == dt.date(2026, 11, 27) and ws["R5"].value == "逾期"


def test_weekly_run_widens_a_table_that_has_a_clerks_column_of_a_status_name(tmp_path):
    """The clerk's Table has its own 逾期天数 (column Q): the tool's column is headed 逾期天数（自动）,
    so the Table gets that name too and no two of its columns share a name."""
    from tests.conftest import HEADER

    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", dt.date(2026, 10, 8), "5个工作日")],
                        header=[*HEADER, "逾期天数"])
    wb = openpyxl.load_workbook(book)
    wb[TASK].add_table(Table(displayName="任务表", ref="A1:Q2"))
    wb.save(book)
    run_weekly(book, dt.date(2026, 11, 23), tmp_path / "out")
    ws = openpyxl.load_workbook(book)[TASK]
    expected = [n + "（自动）" if n == "逾期天数" else n for n in STATUS_NAMES]
    assert ws.tables["任务表"].ref == "A1:Z2"
    assert [c.name for c in ws.tables["任务表"].tableColumns][16:] == ["逾期天数", *expected]
    assert [c.value for c in ws[1]][16:] == ["逾期天数", *expected]


def test_weekly_run_widens_the_clerks_autofilter(tmp_path):
    book = clerk_ledger(tmp_path, as_table=False)
    run_weekly(book, dt.date(2026, 11, 23), tmp_path / "out")
    wb = openpyxl.load_workbook(book)
    assert wb[TASK].auto_filter.ref == "A1:Y4"
    workbook = parts(book)["xl/workbook.xml"].decode("utf-8")
    assert "'督办台账'!$A$1:$Y$4</definedName>" in workbook
    run_weekly(book, dt.date(2026, 11, 30), tmp_path / "out")         # the next week: nothing to widen
    assert openpyxl.load_workbook(book)[TASK].auto_filter.ref == "A1:Y4"


@pytest.mark.skipif(soffice_calc() is None, reason="LibreOffice Calc not installed")
def test_libreoffice_opens_the_widened_table(tmp_path):
    """LibreOffice reads the Table as a database range; saved back as .xlsx it still spans the
    status columns, with their names."""
    book = clerk_ledger(tmp_path, as_table=True)
    run_weekly(book, dt.date(2026, 11, 23), tmp_path / "out")
    conv = tmp_path / "lo"
    conv.mkdir()
    for target in (CSV_FILTER, "xlsx"):
        res = subprocess.run([soffice_calc(), "--headless", "--norestore",
                              f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", target,
                              "--outdir", str(conv), str(book)], capture_output=True, timeout=180)
        assert res.returncode == 0, res.stderr
    header = (conv / f"台账-{TASK}.csv").read_text("utf-8").splitlines()[0]
    assert header.endswith(",".join(STATUS_NAMES))
    with zipfile.ZipFile(conv / "台账.xlsx") as z:
        tables = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/tables/")]
    assert len(tables) == 1 and re.search(r'<table [^>]*ref="A1:Y4"', tables[0])
    assert re.findall(r'<tableColumn [^>]*name="([^"]*)"', tables[0])[16:] == list(STATUS_NAMES)
