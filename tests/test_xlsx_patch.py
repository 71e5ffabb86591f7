"""Write-back by XML patching (ledger.xlsx.patch): preservation, idempotence, edge cases, speed.

The preservation fixtures under fixtures/preservation/ are committed binaries made by
fixtures/make_preservation_fixtures.py (rich.xlsx: everything openpyxl would drop;
libreoffice.xlsx: a LibreOffice-saved ledger). Everything else is built here from raw XML
(tests/xlsx_builders.py), so each test controls the bytes it checks.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from xlsx_builders import (DECL, MAIN, R, STYLES, big_ledger, build_xlsx,  # noqa: E402
                           parts, serial, sheet)

from ledger.xlsx import patch as xlsx_patch  # noqa: E402
from ledger.core.errors import column_index, column_letter  # noqa: E402
from ledger.core.schema import LOG_HEADERS, STATUS_HEADERS, Color  # noqa: E402
from ledger.xlsx.patch import (CellWrite, PatchError, SheetTable, merged_ranges,  # noqa: E402
                               patch_workbook, sheet_part_paths)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "preservation"
RICH = FIXTURES / "rich.xlsx"
LIBRE = FIXTURES / "libreoffice.xlsx"
TASK = "督办台账"
LOG = "督办记录"
RUN = dt.date(2026, 11, 23)
C = f"{{{MAIN}}}c"
ROW = f"{{{MAIN}}}row"
FIXED_PARTS = {"xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")


@pytest.fixture(params=["auto", "lxml"])
def engine(request, monkeypatch):
    """Run a test with the fast byte-level path (auto) and with the lxml engine forced."""
    monkeypatch.setattr(xlsx_patch, "ENGINE", request.param)
    return request.param


# ----------------------------------------------------------------------------- helpers
def status_writes(first_row: int, last_row: int, first_col: int, header_row: int | None = None):
    """The 9 status columns for rows first_row..last_row (and their headers)."""
    out = []
    if header_row is not None:
        out += [CellWrite(header_row, first_col + i, h, "header") for i, (h, _) in enumerate(STATUS_HEADERS)]
    for r in range(first_row, last_row + 1):
        color = ("红", "黄", "蓝", None)[r % 4]
        values = [RUN - dt.timedelta(days=r), ("逾期", "未到期", "临期")[r % 3], r % 5 or None,
                  r % 7 or None, color, f"红督〔2026〕{r}号" if color else None,
                  f"{RUN + dt.timedelta(days=5)} 起发黄色督办单", "J列办理时限“下周一”无法识别" if r % 6 == 0 else None,
                  RUN]
        for i, v in enumerate(values):
            style = f"fill_{Color(color).fill}" if i == 4 and color else ("wrap" if i == 7 else None)
            out.append(CellWrite(r, first_col + i, v, style))
    return out


def widths(first_col: int) -> dict[int, float]:
    return {first_col + i: w for i, (_, w) in enumerate(STATUS_HEADERS)}


def log_table(n: int = 3) -> SheetTable:
    rows = tuple((f"红督〔2026〕{i}号", f"DB2026-{i:03d}", "红", RUN, "县发改局、城关镇", RUN - dt.timedelta(days=20),
                  20 - i, "县长", "2026-11-23#1") for i in range(1, n + 1))
    return SheetTable(tuple(h for h, _ in LOG_HEADERS), rows, tuple(w for _, w in LOG_HEADERS),
                      frozenset({3, 5}))


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def c14n(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


def col_of(ref: str) -> int:
    return column_index(ref.rstrip("0123456789"))


def strip_sheet(data: bytes, cols: set[int]) -> bytes:
    """The sheet without cells in `cols`, col entries for `cols`, spans, dimension and the
    AutoFilter's ref (widened over new status columns; the tests check it themselves)."""
    root = xml(data)
    for af in root.findall(f"{{{MAIN}}}autoFilter"):
        af.attrib.pop("ref", None)
    for c in list(root.iter(C)):
        if col_of(c.get("r")) in cols:
            c.getparent().remove(c)
    for row in root.iter(ROW):
        row.attrib.pop("spans", None)
    for tag in ("dimension",):
        for el in root.findall(f"{{{MAIN}}}{tag}"):
            root.remove(el)
    for col in list(root.iter(f"{{{MAIN}}}col")):
        if int(col.get("min")) in cols and int(col.get("max")) in cols:
            col.getparent().remove(col)
    for group in root.findall(f"{{{MAIN}}}cols"):
        if len(group) == 0:
            root.remove(group)
    return c14n(root)


def cell_xml(data: bytes, ref: str) -> etree._Element | None:
    for c in xml(data).iter(C):
        if c.get("r") == ref:
            return c
    return None


def calamine_rows(path: Path, sheet_name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet_name).to_python()


def as_date(v):
    return v.date() if isinstance(v, dt.datetime) else v


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_calc() -> str | None:
    """soffice, when its spreadsheet component (Calc) is installed: Writer alone cannot open .xlsx."""
    found = soffice()
    if found is None:
        return None
    program = Path(os.path.realpath(found)).parent
    return found if any(program.glob("libsclo.*")) or any(program.glob("sc*.dll")) else None


# ----------------------------------------------------------------------------- 1. rich preservation
def test_rich_workbook_preserved_except_the_patched_parts(tmp_path, engine):
    out = tmp_path / "out.xlsx"
    first_col = 14                          # N: right of the clerk's 13 columns
    writes = status_writes(4, 23, first_col, header_row=3)
    patch_workbook(RICH, out, TASK, writes, widths(first_col), {LOG: log_table()})

    before, after = parts(RICH), parts(out)
    new_part = "xl/worksheets/sheet5.xml"
    assert list(after) == list(before) + [new_part]          # names and order kept, one part added
    task_part = sheet_part_paths(RICH)[TASK]
    for name, data in before.items():
        if name not in FIXED_PARTS | {task_part}:
            assert after[name] == data, f"{name} changed"
    with zipfile.ZipFile(RICH) as a, zipfile.ZipFile(out) as b:
        for info in a.infolist():
            if info.filename not in FIXED_PARTS | {task_part}:
                assert b.getinfo(info.filename).compress_type == info.compress_type
        assert b.getinfo("xl/media/image1.png").compress_type == zipfile.ZIP_STORED

    # the task sheet: identical once the written columns are dropped
    cols = set(range(first_col, first_col + 9))
    assert strip_sheet(after[task_part], cols) == strip_sheet(before[task_part], cols)
    assert b"x14:dataValidations" in after[task_part] and b'mc:Ignorable="x14ac"' in after[task_part]
    assert after[task_part].startswith(DECL.encode())
    root = xml(after[task_part])
    assert root.find(f"{{{MAIN}}}dimension").get("ref") == "A1:V23"
    assert root.find(f"{{{MAIN}}}autoFilter").get("ref") == "A3:V23"          # was A3:M23
    assert all(r.get("spans") == "1:22" for r in root.iter(ROW) if int(r.get("r")) >= 3)
    new_cols = [(c.get("min"), c.get("width")) for c in root.iter(f"{{{MAIN}}}col") if int(c.get("min")) >= 14]
    assert new_cols == [(str(first_col + i), f"{w:g}") for i, (_, w) in enumerate(STATUS_HEADERS)]

    # workbook.xml gained the sheet element (and the recalc-on-open flag, formulas exist)
    wb_before, wb_after = xml(before["xl/workbook.xml"]), xml(after["xl/workbook.xml"])
    added = wb_after.find(f"{{{MAIN}}}sheets")[-1]
    assert (added.get("name"), added.get("sheetId")) == (LOG, "5")
    rid = added.get(f"{{{R}}}id")
    added.getparent().remove(added)
    calc = wb_after.find(f"{{{MAIN}}}calcPr")
    assert calc.attrib.pop("fullCalcOnLoad") == "1"
    # the hidden name Excel keeps equal to the AutoFilter range follows it
    filter_db = wb_after.find(f"{{{MAIN}}}definedNames/{{{MAIN}}}definedName[@name='_xlnm._FilterDatabase']")
    assert filter_db.text == "'督办台账'!$A$3:$V$23"
    filter_db.text = "'督办台账'!$A$3:$M$23"
    assert c14n(wb_after) == c14n(wb_before)
    rels = {r.get("Id"): r for r in xml(after["xl/_rels/workbook.xml.rels"])}
    assert len(rels) == len(xml(before["xl/_rels/workbook.xml.rels"])) + 1
    assert rels[rid].get("Target") == "worksheets/sheet5.xml"
    ct_after = xml(after["[Content_Types].xml"])
    assert len(ct_after) == len(xml(before["[Content_Types].xml"])) + 1
    assert ct_after[-1].get("PartName") == "/" + new_part
    assert b"vnd.ms-excel.threadedcomments" in after["[Content_Types].xml"]

    # styles.xml: only appended
    st_before, st_after = xml(before["xl/styles.xml"]), xml(after["xl/styles.xml"])
    for old in st_before:
        new = st_after.find(old.tag)
        assert [c14n(c) for c in new[:len(old)]] == [c14n(c) for c in old]
        if old.get("count") is not None:
            assert int(new.get("count")) == len(new)

    # read back: openpyxl and calamine
    wb = openpyxl.load_workbook(out)
    ws = wb[TASK]
    assert [ws.cell(3, first_col + i).value for i in range(9)] == [h for h, _ in STATUS_HEADERS]
    assert ws.cell(3, first_col).font.b and ws.cell(3, first_col).fill.fgColor.rgb == "FFD9D9D9"
    assert as_date(ws.cell(4, first_col).value) == RUN - dt.timedelta(days=4)
    assert ws.cell(4, first_col).number_format == "yyyy-mm-dd"
    assert ws.cell(5, first_col + 4).value == "黄" and ws.cell(5, first_col + 4).fill.fgColor.rgb == "FFFFE699"
    assert ws.cell(4, 1).value == "DB2026-001" and ws["A1"].value == "县人民政府督查室督办台账"
    assert ws.cell(4, 13).value.startswith("=IF(")                      # clerk formula intact
    assert wb.sheetnames == [TASK, "单位名录", "统计", "图片", LOG]
    assert [c.value for c in wb[LOG][1]] == [h for h, _ in LOG_HEADERS]
    assert as_date(wb[LOG].cell(2, 4).value) == RUN and wb[LOG].freeze_panes == "A2"
    rows = calamine_rows(out, TASK)
    assert rows[3][first_col - 1] == RUN - dt.timedelta(days=4) and rows[3][first_col + 7] == RUN
    assert rows[3][12] == 12.0                                          # cached formula value kept
    assert calamine_rows(out, LOG)[1][:4] == ["红督〔2026〕1号", "DB2026-001", "红", RUN]
    assert calamine_rows(out, "统计")[1][1:5] == [7.0, 7.0, 6.0, 20.0]   # cached results kept
    assert merged_ranges(out, TASK) == merged_ranges(RICH, TASK) and len(merged_ranges(out, TASK)) == 2


def test_fixture_really_holds_what_openpyxl_drops():
    """Guard the fixture: the round trip we avoid would lose these (so test 1 is meaningful)."""
    p = parts(RICH)
    assert b"x14:sparklineGroups" in p["xl/worksheets/sheet3.xml"]
    assert b"x14:dataBar" in p["xl/worksheets/sheet3.xml"]
    assert b"x14:dataValidations" in p["xl/worksheets/sheet1.xml"]
    assert "xl/threadedComments/threadedComment1.xml" in p and "xl/cellimages.xml" in p
    assert b"txBox=\"1\"" in p["xl/drawings/drawing2.xml"]
    assert b"<v>12</v>" in p["xl/worksheets/sheet1.xml"]
    assert "xl/calcChain.xml" in p and "xl/sharedStrings.xml" in p
    assert list(p)[0] == "[Content_Types].xml"


# ----------------------------------------------------------------------------- 2. LibreOffice-saved
def test_libreoffice_saved_workbook(tmp_path, engine):
    out = tmp_path / "out.xlsx"
    writes = status_writes(4, 23, 14, header_row=3)
    patch_workbook(LIBRE, out, TASK, writes, widths(14), {LOG: log_table()})
    before, after = parts(LIBRE), parts(out)
    task_part = sheet_part_paths(LIBRE)[TASK]
    assert set(after) == set(before) | {"xl/worksheets/sheet3.xml"}
    for name, data in before.items():
        if name not in FIXED_PARTS | {task_part}:
            assert after[name] == data, name
    cols = set(range(14, 23))
    assert strip_sheet(after[task_part], cols) == strip_sheet(before[task_part], cols)
    assert b'<f aca="false">' in after[task_part]
    assert xml(after[task_part]).find(f"{{{MAIN}}}autoFilter").get("ref") == "A3:V23"     # was A3:M23
    assert "督办台账!$A$3:$V$23</definedName>".encode() in after["xl/workbook.xml"]
    calc = xml(after["xl/workbook.xml"]).find(f"{{{MAIN}}}calcPr")
    assert calc.get("fullCalcOnLoad") == "1" and calc.get("iterateCount") == "100"
    rows = calamine_rows(out, TASK)
    assert rows[2][13:22] == [h for h, _ in STATUS_HEADERS]
    assert rows[5][13] == RUN - dt.timedelta(days=6) and rows[5][21] == RUN
    assert rows[3][12] == 12.0
    ws = openpyxl.load_workbook(out)[TASK]
    assert as_date(ws["N4"].value) == RUN - dt.timedelta(days=4) and ws["O4"].value == "未到期"
    assert ws["D4"].comment is not None
    assert calamine_rows(out, LOG)[1][3] == RUN


CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"   # all sheets


@pytest.mark.skipif(soffice_calc() is None, reason="LibreOffice Calc not installed")
def test_patched_output_opens_in_libreoffice(tmp_path):
    out = tmp_path / "patched.xlsx"
    patch_workbook(RICH, out, TASK, status_writes(4, 23, 14, header_row=3), widths(14), {LOG: log_table()})
    res = subprocess.run([soffice_calc(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                          "--convert-to", CSV_FILTER,
                          "--outdir", str(tmp_path), str(out)], capture_output=True, timeout=180)
    assert res.returncode == 0, res.stderr
    task_csv = (tmp_path / f"patched-{TASK}.csv").read_text("utf-8").splitlines()
    assert task_csv[2].endswith(",".join(h for h, _ in STATUS_HEADERS))
    assert ",12,2026-11-19,未到期,4,4,红,红督〔2026〕4号," in task_csv[3] and task_csv[3].endswith("2026-11-23")
    log_csv = (tmp_path / f"patched-{LOG}.csv").read_text("utf-8").splitlines()
    assert log_csv[1].startswith("红督〔2026〕1号,DB2026-001,红,2026-11-23")


# ----------------------------------------------------------------------------- 3. idempotence
@pytest.mark.parametrize("fixture", [RICH, LIBRE], ids=["rich", "libreoffice"])
def test_second_run_with_same_writes_changes_nothing(tmp_path, fixture, engine):
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    writes = status_writes(4, 23, 14, header_row=3)
    patch_workbook(fixture, once, TASK, writes, widths(14), {LOG: log_table()})
    patch_workbook(once, twice, TASK, writes, widths(14), {LOG: log_table()})
    p1, p2 = parts(once), parts(twice)
    assert list(p1) == list(p2)
    for name in p1:
        assert p1[name] == p2[name], name
    cell_xfs = xml(p2["xl/styles.xml"]).find(f"{{{MAIN}}}cellXfs")
    assert int(cell_xfs.get("count")) == len(cell_xfs)


def test_styles_reused_not_regrown_across_runs(tmp_path):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    ws = [CellWrite(1, 2, "表头", "header"), CellWrite(1, 3, RUN), CellWrite(1, 4, "红", "fill_FFFF7C80"),
          CellWrite(1, 5, "x", "wrap"), CellWrite(1, 6, RUN, "fill_FF9BC2E6"), CellWrite(1, 7, None, "fill_FFFFE699")]
    patch_workbook(src, a, "S", ws)
    patch_workbook(a, b, "S", ws + [CellWrite(2, 2, "又一个", "header")])
    sa, sb = xml(parts(a)["xl/styles.xml"]), xml(parts(b)["xl/styles.xml"])
    for tag in ("numFmts", "fonts", "fills", "borders", "cellXfs"):
        assert len(sa.find(f"{{{MAIN}}}{tag}")) == len(sb.find(f"{{{MAIN}}}{tag}")), tag
    assert len(sa.find(f"{{{MAIN}}}cellXfs")) == 3 + 6          # 3 existing + 6 distinct tool styles
    numfmt = [n for n in sa.find(f"{{{MAIN}}}numFmts") if n.get("formatCode") == "yyyy-mm-dd"]
    assert len(numfmt) == 1 and numfmt[0].get("numFmtId") == "177"      # after the clerk's 176
    assert c14n(sa.find(f"{{{MAIN}}}dxfs")) == c14n(xml(STYLES.encode()).find(f"{{{MAIN}}}dxfs"))
    ws_ = openpyxl.load_workbook(b)["S"]
    assert ws_["D1"].fill.fgColor.rgb == "FFFF7C80" and ws_["G1"].fill.fgColor.rgb == "FFFFE699"
    assert ws_["G1"].value is None and ws_["E1"].alignment.wrap_text and ws_["B2"].font.b
    assert ws_["F1"].number_format == "yyyy-mm-dd" and ws_["F1"].fill.fgColor.rgb == "FF9BC2E6"


@pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")
def test_minimal_styles_sheet_gets_missing_sections_in_schema_order(tmp_path):
    bare = DECL + f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>' \
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs></styleSheet>'
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))], styles=bare)
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 2, "h", "header"), CellWrite(1, 3, RUN, "fill_FFFF7C80")])
    st = xml(parts(out)["xl/styles.xml"])
    order = [etree.QName(c).localname for c in st]
    assert order == ["numFmts", "fonts", "fills", "borders", "cellXfs"]
    fills = st.find(f"{{{MAIN}}}fills")
    assert [f[0].get("patternType") for f in fills] == ["none", "gray125", "solid", "solid"]
    assert "xfId" not in st.find(f"{{{MAIN}}}cellXfs")[-1].attrib          # no cellStyleXfs to point to
    ws = openpyxl.load_workbook(out)["S"]
    assert ws["B1"].font.b and as_date(ws["C1"].value) == RUN


def test_workbook_without_styles_part_gets_one(tmp_path):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))], styles=None)
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 2, RUN)])
    p = parts(out)
    assert "xl/styles.xml" in p and b"/xl/styles.xml" in p["[Content_Types].xml"]
    assert calamine_rows(out, "S")[0][1] == RUN


# ----------------------------------------------------------------------------- 4. cells
def test_shared_strings_untouched_and_strings_written_inline(tmp_path, engine):
    strings = ["任务编号", "DB-1", "县发改局"]
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>')
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(rows, dimension="A1:B2"))], shared_strings=strings)
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(2, 2, "城关镇"), CellWrite(2, 3, "县发改局"), CellWrite(1, 3, "状态")])
    p = parts(out)
    assert p["xl/sharedStrings.xml"] == parts(src)["xl/sharedStrings.xml"]
    b2 = cell_xml(p["xl/worksheets/sheet1.xml"], "B2")
    assert b2.get("t") == "inlineStr" and b2.findtext(f"{{{MAIN}}}is/{{{MAIN}}}t") == "城关镇"
    assert calamine_rows(out, "S") == [["任务编号", "", "状态"], ["DB-1", "城关镇", "县发改局"]]


def test_formula_like_text_stays_text(tmp_path, engine):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    out = tmp_path / "o.xlsx"
    texts = ["=1+1", "+SUM(A1)", "-2", "@cmd", "=HYPERLINK(\"http://x\")"]
    patch_workbook(src, out, "S", [CellWrite(2, i + 1, t) for i, t in enumerate(texts)])
    ws = openpyxl.load_workbook(out)["S"]
    assert [(c.value, c.data_type) for c in ws[2]] == [(t, "s") for t in texts]
    assert calamine_rows(out, "S")[1] == texts
    assert b"<f>" not in parts(out)["xl/worksheets/sheet1.xml"]


def test_keep_writes_keep_the_format_of_the_cell_they_replace(tmp_path, engine):
    """A unit's answer written into the clerk's own columns (进展情况, 办结日期) keeps that cell's
    font and fill; a date gets a date format only when the cell shows none; quote is added; a
    cell that did not exist gets the rest of the style key."""
    rows = ('<row r="1"><c r="A1" s="2" t="inlineStr"><is><t>旧进展</t></is></c><c r="B1" s="1"/>'
            '<c r="C1" s="2"/><c r="D1" s="2"/></row>')
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(rows, dimension="A1:D1"))])
    out = tmp_path / "o.xlsx"
    day = dt.date(2026, 11, 20)
    patch_workbook(src, out, "S", [CellWrite(1, 1, "新进展", "keep+wrap"), CellWrite(1, 2, day, "keep"),
                                   CellWrite(1, 3, day, "keep"), CellWrite(1, 4, "=1+1", "keep+wrap+quote"),
                                   CellWrite(1, 5, "无旧格", "keep+wrap")])
    ws = openpyxl.load_workbook(out)["S"]
    a, b, c, d, e = (ws.cell(1, i) for i in range(1, 6))
    assert a.value == "新进展" and a.font.b and a.fill.fgColor.rgb == "FFDDEBF7" and not a.alignment.wrap_text
    assert cell_xml(parts(out)["xl/worksheets/sheet1.xml"], "A1").get("s") == "2"
    assert as_date(b.value) == day and b.number_format == "yyyy/m/d;@"          # its own date format
    assert as_date(c.value) == day and c.number_format == "yyyy-mm-dd" and c.font.b
    assert c.fill.fgColor.rgb == "FFDDEBF7"
    assert (d.value, d.data_type, d.quotePrefix, d.font.b) == ("=1+1", "s", True, True)
    assert e.value == "无旧格" and e.alignment.wrap_text and not e.font.b


def test_illegal_xml_characters_and_long_text(tmp_path, engine):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    out = tmp_path / "o.xlsx"
    long = "督" * 10_000
    values = ["a\x00b\x0bc\x1fd", "lone\ud800 surrogate\ufffe", "_x0041_ literal", long, "x" * 40_000,
              "  two\nlines  ", "a\r\nb"]
    patch_workbook(src, out, "S", [CellWrite(2, i + 1, v) for i, v in enumerate(values)])
    sheet_xml = parts(out)["xl/worksheets/sheet1.xml"]
    etree.fromstring(sheet_xml, etree.XMLParser(recover=False))             # well-formed XML 1.0
    got = calamine_rows(out, "S")[1]
    assert got[0] == "a\x00b\x0bc\x1fd"                                      # _xHHHH_ decoded back
    assert got[1] == "lone\ufffd surrogate\ufffd"
    assert got[2] == "_x0041_ literal"                                       # not mistaken for "A"
    assert got[3] == long and len(got[4]) == 32_767
    assert got[5] == "  two\nlines  " and got[6] == "a\r\nb"
    ws = openpyxl.load_workbook(out)["S"]
    assert ws["D2"].value == long and ws["F2"].value == "  two\nlines  "


def test_date1904_workbook(tmp_path, engine):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))],
                     workbook_pr='<workbookPr date1904="1"/>')
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 2, RUN), CellWrite(1, 3, dt.datetime(2026, 11, 23, 12, 0))],
                   owned_sheets={LOG: log_table(1)})
    b1 = cell_xml(parts(out)["xl/worksheets/sheet1.xml"], "B1")
    assert b1.findtext(f"{{{MAIN}}}v") == str(serial(RUN) - 1462)
    assert cell_xml(parts(out)["xl/worksheets/sheet1.xml"], "C1").findtext(f"{{{MAIN}}}v") == \
        str(serial(RUN) - 1462 + 0.5)
    assert as_date(openpyxl.load_workbook(out)["S"]["B1"].value) == RUN
    assert calamine_rows(out, "S")[0][1] == RUN
    assert calamine_rows(out, LOG)[1][3] == RUN


def test_dates_1900_system_including_the_phantom_leap_day(tmp_path):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(""))])
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 1, dt.date(1900, 1, 1)), CellWrite(1, 2, dt.date(1900, 3, 1)),
                                   CellWrite(1, 3, RUN), CellWrite(1, 4, dt.date(1800, 1, 1))])
    data = parts(out)["xl/worksheets/sheet1.xml"]
    assert [cell_xml(data, r).findtext(f"{{{MAIN}}}v") for r in ("A1", "B1", "C1")] == ["1", "61", "46349"]
    assert cell_xml(data, "D1").get("t") == "inlineStr"                      # before the epoch: text
    assert calamine_rows(out, "S")[0][2:] == [RUN, "1800-01-01"]


def test_none_clears_value_but_keeps_tool_style_and_numbers(tmp_path, engine):
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>旧值</t></is></c><c r="C1"><v>9</v></c></row>'
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(rows, dimension="A1:C1"))])
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 2, None, "fill_FFFF7C80"), CellWrite(1, 3, 2.5), CellWrite(1, 4, 7),
                                   CellWrite(1, 5, True), CellWrite(1, 6, "")])
    data = parts(out)["xl/worksheets/sheet1.xml"]
    b1 = cell_xml(data, "B1")
    assert len(b1) == 0 and b1.get("t") is None and b1.get("s") is not None
    assert calamine_rows(out, "S")[0] == [1.0, "", 2.5, 7.0, True]      # F1 "" = no value
    with pytest.raises(ValueError):
        patch_workbook(src, tmp_path / "x.xlsx", "S", [CellWrite(1, 2, float("nan"))])
    with pytest.raises(ValueError):
        patch_workbook(src, tmp_path / "x.xlsx", "S", [CellWrite(1, 2, "x", "bold")])
    with pytest.raises(ValueError):
        patch_workbook(src, tmp_path / "x.xlsx", "S", [CellWrite(0, 2, "x")])


# ----------------------------------------------------------------------------- rows, cols, dimension
ROWS = ('<row r="2" spans="1:3" ht="30" customHeight="1" x14ac:dyDescent="0.25">'
        '<c r="A2" s="2" t="inlineStr"><is><t>标题</t></is></c></row>'
        '<row r="4" spans="1:3" x14ac:dyDescent="0.25"><c r="A4"><v>1</v></c><c r="C4"><v>3</v></c>'
        '<c r="F4"><v>6</v></c></row>'
        '<row r="5" spans="2:2"><c r="B5"><v>2</v></c></row>'
        '<row r="6" s="2" customFormat="1"/>'
        '<row r="8"><c r="A8"><v>8</v></c><c r="E8"><v>5</v></c></row>')


def rows_sheet(tmp_path, rows=ROWS, **kw) -> Path:
    return build_xlsx(tmp_path / "rows.xlsx", [("S", sheet(rows, dimension="A2:F8", **kw))])


def read_grid(data: bytes) -> dict[int, tuple[dict, list[str]]]:
    root = xml(data)
    return {int(r.get("r")): (dict(r.attrib), [c.get("r") for c in r.iter(C)]) for r in root.iter(ROW)}


def test_rows_and_cells_stay_sorted_new_rows_created(tmp_path, engine):
    src = rows_sheet(tmp_path)
    out = tmp_path / "o.xlsx"
    writes = [CellWrite(r, c, f"{column_letter(c)}{r}") for r, c in
              [(1, 2), (2, 4), (3, 1), (4, 2), (4, 4), (4, 7), (5, 1), (6, 3), (7, 2), (8, 3), (12, 9)]]
    patch_workbook(src, out, "S", writes)
    data = parts(out)["xl/worksheets/sheet1.xml"]
    grid = read_grid(data)
    assert list(grid) == [1, 2, 3, 4, 5, 6, 7, 8, 12]
    assert grid[4][1] == ["A4", "B4", "C4", "D4", "F4", "G4"]
    assert grid[5][1] == ["A5", "B5"] and grid[8][1] == ["A8", "C8", "E8"]
    assert grid[2][0]["ht"] == "30" and grid[2][0]["customHeight"] == "1"
    assert grid[2][0]["spans"] == "1:4" and grid[4][0]["spans"] == "1:7" and grid[5][0]["spans"] == "1:2"
    assert grid[6][0]["s"] == "2" and grid[6][1] == ["C6"]
    assert xml(data).find(f"{{{MAIN}}}dimension").get("ref") == "A1:I12"
    got = calamine_rows(out, "S")
    assert got[3][:7] == [1.0, "B4", 3.0, "D4", "", 6.0, "G4"]
    assert got[11][8] == "I12"


def test_column_widths_only_where_no_existing_col(tmp_path, engine):
    cols = '<cols><col min="1" max="2" width="20" customWidth="1"/><col min="5" max="5" width="7" style="2"/></cols>'
    src = rows_sheet(tmp_path, before=cols)
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 1, "x")], column_widths={1: 9, 3: 12.5, 5: 30, 7: 16})
    got = [(c.get("min"), c.get("max"), c.get("width")) for c in xml(parts(out)["xl/worksheets/sheet1.xml"])
           .iter(f"{{{MAIN}}}col")]
    assert got == [("1", "2", "20"), ("3", "3", "12.5"), ("5", "5", "7"), ("7", "7", "16")]


def test_cols_element_created_before_sheetdata(tmp_path, engine):
    src = rows_sheet(tmp_path)
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [], column_widths={10: 12})
    names = [etree.QName(c).localname for c in xml(parts(out)["xl/worksheets/sheet1.xml"])]
    assert names[names.index("sheetFormatPr") + 1] == "cols" and names[names.index("cols") + 1] == "sheetData"
    assert openpyxl.load_workbook(out)["S"].column_dimensions["J"].width == 12


def test_fast_path_keeps_untouched_rows_byte_identical(tmp_path, monkeypatch):
    rows = ('<row r="1" spans="1:2"><c r="A1" t="inlineStr"><is><t>&#21488;&#36134; &amp; more</t></is></c></row>'
            '<row r="2" spans="1:2"><c r="A2"><v></v></c><c r="B2"><v>2</v></c></row>')
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(rows, dimension="A1:C2"))])
    out = tmp_path / "o.xlsx"
    monkeypatch.setattr(xlsx_patch._SheetPatch, "apply", lambda *a: pytest.fail("lxml engine used"))
    patch_workbook(src, out, "S", [CellWrite(2, 3, "新")])
    data = parts(out)["xl/worksheets/sheet1.xml"]
    assert rows.split("<row r=\"2\"")[0].encode() in data                   # row 1 verbatim
    assert b'<row r="2" spans="1:3"><c r="A2"><v></v></c><c r="B2"><v>2</v></c><c r="C2" t="inlineStr">' in data
    assert data == parts(src)["xl/worksheets/sheet1.xml"].replace(
        b'<row r="2" spans="1:2">', b'<row r="2" spans="1:3">').replace(
        b"<v>2</v></c></row>", b'<v>2</v></c><c r="C2" t="inlineStr"><is><t>\xe6\x96\xb0</t></is></c></row>')


@pytest.mark.parametrize("rows", [
    ROWS,
    '<row r="3"><c r="B3" s="1"><v>1</v></c></row><row r="9"/>',
    '<row r="3"><c s="1" r="D3"><v>1</v></c><c r="E3"><v>1</v></c></row>',      # r not first
    '<row r="3"><c r="H3"><v>1</v></c><c r="I3"><f>H3+1</f><v>2</v></c></row>',
    '<row r="3"><c r="C3"><v>1</v></c><c r="D3"><v>1</v></c><c r="F3"><v>1</v></c><c r="K3"><v>1</v></c></row>',
    "",
])
def test_fast_path_and_lxml_engine_agree(tmp_path, monkeypatch, rows):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(rows, dimension="A1"))])
    writes = [CellWrite(r, c, f"{r}-{c}" if c % 2 else r * c, "fill_FFFF7C80" if c == 5 else None)
              for r in (1, 3, 4, 5, 9, 10) for c in (3, 4, 5, 6, 7)]
    writes += [CellWrite(2, 9, RUN), CellWrite(8, 1, None)]
    results = {}
    for eng in ("auto", "lxml"):
        monkeypatch.setattr(xlsx_patch, "ENGINE", eng)
        out = tmp_path / f"{eng}.xlsx"
        patch_workbook(src, out, "S", writes, {3: 10, 4: 11})
        results[eng] = parts(out)
    for name in results["auto"]:
        a, b = results["auto"][name], results["lxml"][name]
        if name.endswith(".xml"):
            assert c14n(xml(a)) == c14n(xml(b)), name
        else:
            assert a == b, name


@pytest.mark.parametrize("variant", ["prefixed", "comment", "no_row_r", "no_cell_r", "cdata"])
def test_unusual_sheets_fall_back_to_lxml_and_work(tmp_path, variant):
    if variant == "prefixed":
        body = (DECL + f'<x:worksheet xmlns:x="{MAIN}"><x:dimension ref="A1:B2"/><x:sheetData>'
                '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="2"><x:c r="B2"><x:v>2</x:v></x:c>'
                '</x:row></x:sheetData></x:worksheet>')
    else:
        rows = {"comment": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>'
                           '<!-- <row r="3"><c r="A3"/></row> -->',
                "no_row_r": '<row><c r="A1"><v>1</v></c></row><row><c r="B2"><v>2</v></c></row>',
                "no_cell_r": '<row r="1"><c><v>1</v></c></row><row r="2"><c/><c><v>2</v></c></row>',
                "cdata": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2" t="inlineStr"><is><t>'
                         '<![CDATA[<c r="C2">]]></t></is></c></row>'}[variant]
        body = sheet(rows, dimension="A1:B2")
    src = build_xlsx(tmp_path / "s.xlsx", [("S", body)])
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(2, 3, "新"), CellWrite(2, 1, 9), CellWrite(3, 2, RUN)])
    got = calamine_rows(out, "S")
    assert got[0][0] == 1.0 and got[1][:3] == [9.0, "<c r=\"C2\">" if variant == "cdata" else 2.0, "新"]
    assert got[2][1] == RUN
    root = xml(parts(out)["xl/worksheets/sheet1.xml"])
    assert [r.get("r") for r in root.iter(ROW)] == ["1", "2", "3"]
    untouched_a1 = None if variant == "no_cell_r" else "A1"               # row 1 is not rewritten
    assert [c.get("r") for c in root.iter(C)] == [untouched_a1, "A2", "B2", "C2", "B3"]
    if variant == "prefixed":
        assert root.prefix == "x" and None not in root.nsmap


# ----------------------------------------------------------------------------- formulas
FORMULA_ROWS = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c>'
                '<c r="C1"><f>A1+1</f><v>2</v></c></row>'
                '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f>A2*2</f><v>4</v></c></row>')


def test_overwritten_formula_leaves_calc_chain(tmp_path, engine):
    other = sheet('<row r="1"><c r="A1"><f>S!A1</f><v>1</v></c></row>')
    chain = '<c r="B1" i="1" l="1"/><c r="B2"/><c r="C1"/><c r="A1" i="2"/>'
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(FORMULA_ROWS, dimension="A1:C2")), ("T", other)],
                     calc_chain=chain)
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 2, "逾期"), CellWrite(2, 3, "新")])
    entries = [(c.get("r"), c.get("i")) for c in xml(parts(out)["xl/calcChain.xml"])]
    assert entries == [("B2", "1"), ("C1", None), ("A1", "2")]     # B2 inherits i=1 explicitly now
    assert openpyxl.load_workbook(out)["S"]["C1"].value == "=A1+1"
    assert xml(parts(out)["xl/workbook.xml"]).find(f"{{{MAIN}}}calcPr").get("fullCalcOnLoad") == "1"


def test_calc_chain_removed_when_empty(tmp_path, engine):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(FORMULA_ROWS, dimension="A1:C2"))],
                     calc_chain='<c r="B1" i="1"/><c r="B2"/><c r="C1"/>')
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [CellWrite(1, 2, 1), CellWrite(2, 2, 2), CellWrite(1, 3, 3)])
    p = parts(out)
    assert "xl/calcChain.xml" not in p
    assert b"calcChain" not in p["[Content_Types].xml"] and b"calcChain" not in p["xl/_rels/workbook.xml.rels"]
    assert calamine_rows(out, "S") == [[1.0, 1.0, 3.0], [2.0, 2.0, ""]]


SHARED = ('<row r="4"><c r="A4"><v>1</v></c><c r="N4"><f t="shared" ref="N4:N6" si="0">A4*2</f><v>2</v></c></row>'
          '<row r="5"><c r="A5"><v>2</v></c><c r="N5"><f t="shared" si="0"/><v>4</v></c></row>'
          '<row r="6"><c r="A6"><v>3</v></c><c r="N6"><f t="shared" si="0"/><v>6</v></c></row>'
          '<row r="7"><c r="M7"><f t="array" ref="M7:N8">A4:B5</f><v>1</v></c><c r="N7"><v>1</v></c></row>'
          '<row r="8"><c r="M8"><v>1</v></c><c r="N8"><v>1</v></c></row>')


def test_shared_formula_master_overwrite_is_refused(tmp_path, engine):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(SHARED, dimension="A4:N8"))])
    out = tmp_path / "o.xlsx"
    with pytest.raises(PatchError, match=r"S!N4 是共享公式.*N5、N6"):
        patch_workbook(src, out, "S", [CellWrite(4, 14, "逾期")])
    assert not out.exists()
    with pytest.raises(PatchError, match=r"S!N7 位于数组公式 M7"):
        patch_workbook(src, out, "S", [CellWrite(7, 14, "x")])
    patch_workbook(src, out, "S", [CellWrite(5, 14, "dependent ok")])            # a dependent: fine
    assert calamine_rows(out, "S")[1][13] == "dependent ok"
    patch_workbook(src, out, "S", [CellWrite(r, 14, r) for r in (4, 5, 6)])     # whole group: fine
    assert [row[13] for row in calamine_rows(out, "S")[:3]] == [4.0, 5.0, 6.0]
    patch_workbook(src, out, "S", [CellWrite(r, c, 0) for r in (7, 8) for c in (13, 14)])
    assert b't="array"' not in parts(out)["xl/worksheets/sheet1.xml"]


# ----------------------------------------------------------------------------- 5. owned sheets
def test_existing_owned_sheet_rewritten_in_place(tmp_path, engine):
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    patch_workbook(RICH, once, TASK, status_writes(4, 23, 14, 3), widths(14), {LOG: log_table(2)})
    paths = sheet_part_paths(once)
    patch_workbook(once, twice, TASK, status_writes(4, 23, 14, 3), widths(14), {LOG: log_table(5)})
    assert sheet_part_paths(twice) == paths and paths[LOG] == "xl/worksheets/sheet5.xml"
    p1, p2 = parts(once), parts(twice)
    assert list(p1) == list(p2)
    for name in p1:
        if name != paths[LOG]:
            assert p1[name] == p2[name], name
    sheets = xml(p2["xl/workbook.xml"]).find(f"{{{MAIN}}}sheets")
    assert [(s.get("name"), s.get("sheetId")) for s in sheets][-1] == (LOG, "5")
    assert len(calamine_rows(twice, LOG)) == 6 and calamine_rows(twice, LOG)[5][0] == "红督〔2026〕5号"


def test_owned_sheet_made_by_clerk_is_replaced_with_its_rels_and_calc_entries(tmp_path, engine):
    log = sheet('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>')
    comments = DECL + f'<comments xmlns="{MAIN}"><authors><author>a</author></authors><commentList/></comments>'
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(FORMULA_ROWS, dimension="A1:C2")), (LOG, log)],
                     calc_chain='<c r="B1" i="1"/><c r="A1" i="2"/>',
                     extra_parts={"xl/worksheets/_rels/sheet2.xml.rels": DECL + (
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{R}/comments" Target="../comments1.xml"/></Relationships>'),
                         "xl/comments1.xml": comments})
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [], owned_sheets={LOG: log_table(1)})
    p = parts(out)
    assert "xl/worksheets/_rels/sheet2.xml.rels" not in p and "xl/comments1.xml" in p
    assert [(c.get("r"), c.get("i")) for c in xml(p["xl/calcChain.xml"])] == [("B1", "1")]
    assert p["xl/worksheets/sheet1.xml"] == parts(src)["xl/worksheets/sheet1.xml"]
    assert calamine_rows(out, LOG)[1][0] == "红督〔2026〕1号"


def test_owned_sheet_name_rules(tmp_path):
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(""))])
    with pytest.raises(ValueError):
        patch_workbook(src, tmp_path / "o.xlsx", "S", [], owned_sheets={"S": log_table()})
    with pytest.raises(ValueError):
        patch_workbook(src, tmp_path / "o.xlsx", "S", [], owned_sheets={"a/b": log_table()})
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [], owned_sheets={"记录": SheetTable(("甲",), (), (8,))})
    assert calamine_rows(out, "记录") == [["甲"]]


def test_new_sheet_avoids_taken_part_names_and_rel_ids(tmp_path):
    orphan = {"xl/worksheets/sheet2.xml.bak": b"x", "xl/worksheets/sheet7.xml": sheet("").encode()}
    src = build_xlsx(tmp_path / "s.xlsx", [("S", sheet(""))], extra_parts=orphan,
                     extra_rels=[(f"{R}/theme", "theme/theme1.xml")])
    out = tmp_path / "o.xlsx"
    patch_workbook(src, out, "S", [], owned_sheets={LOG: log_table(1)})
    assert sheet_part_paths(out)[LOG] == "xl/worksheets/sheet8.xml"
    ids = [r.get("Id") for r in xml(parts(out)["xl/_rels/workbook.xml.rels"])]
    assert len(ids) == len(set(ids)) == 4


# ----------------------------------------------------------------------------- 6. xlsm
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def test_xlsm_macro_part_and_content_types_survive(tmp_path, engine):
    vba = bytes(range(256)) * 40
    macro_ct = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    src = build_xlsx(tmp_path / "m.xlsm", [("S", sheet(FORMULA_ROWS, dimension="A1:C2"))],
                     extra_parts={"xl/vbaProject.bin": vba},
                     extra_rels=[(VBA_REL, "vbaProject.bin")],
                     extra_defaults=[("bin", "application/vnd.ms-office.vbaProject")], workbook_main_ct=macro_ct)
    out = tmp_path / "out.xlsm"
    patch_workbook(src, out, "S", [CellWrite(1, 4, "逾期")], owned_sheets={LOG: log_table(1)})
    p = parts(out)
    assert p["xl/vbaProject.bin"] == vba
    ct = p["[Content_Types].xml"].decode()
    assert macro_ct in ct and 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in ct
    assert b"vbaProject" in p["xl/_rels/workbook.xml.rels"]
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert wb["S"]["D1"].value == "逾期" and wb.vba_archive is not None


# ----------------------------------------------------------------------------- safety, errors, API
def test_xml_bomb_is_refused_quickly(tmp_path, engine):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                       for i in range(1, 10))
            + b']><worksheet xmlns="' + MAIN.encode() + b'"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            b"<is><t>&lol9;</t></is></c></row></sheetData></worksheet>")
    src = build_xlsx(tmp_path / "s.xlsx", [("S", bomb.decode())])
    start = time.perf_counter()
    with pytest.raises(PatchError, match="DTD"):
        patch_workbook(src, tmp_path / "o.xlsx", "S", [CellWrite(1, 2, "x")])
    assert time.perf_counter() - start < 2


def test_errors_are_patch_errors_in_chinese(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(PatchError, match="不是有效的 Excel 工作簿"):
        patch_workbook(junk, tmp_path / "o.xlsx", TASK, [])
    with pytest.raises(PatchError, match="没有名为“不存在”的工作表"):
        patch_workbook(RICH, tmp_path / "o.xlsx", "不存在", [])
    broken = build_xlsx(tmp_path / "b.xlsx", [("S", DECL + f'<worksheet xmlns="{MAIN}"><sheetData><row>')])
    with pytest.raises(PatchError, match="已损坏"):
        patch_workbook(broken, tmp_path / "o.xlsx", "S", [CellWrite(1, 1, 1)])
    with pytest.raises(ValueError):
        patch_workbook(RICH, RICH, TASK, [])


def test_sheet_part_paths_and_merged_ranges():
    assert sheet_part_paths(RICH) == {TASK: "xl/worksheets/sheet1.xml", "单位名录": "xl/worksheets/sheet2.xml",
                                      "统计": "xl/worksheets/sheet3.xml", "图片": "xl/worksheets/sheet4.xml"}
    assert sorted(merged_ranges(RICH, TASK)) == [(1, 1, 1, 13), (2, 1, 2, 13)]
    assert merged_ranges(RICH, "单位名录") == []
    assert set(sheet_part_paths(LIBRE)) == {TASK, "单位名录"}


# ----------------------------------------------------------------------------- speed
def test_speed_10000_rows(tmp_path):
    src = big_ledger(tmp_path / "big.xlsx")
    writes = status_writes(4, 10_003, 31)
    out = tmp_path / "out.xlsx"
    start = time.perf_counter()
    patch_workbook(src, out, TASK, writes, widths(31), {LOG: log_table(200)})
    first = time.perf_counter() - start
    start = time.perf_counter()
    patch_workbook(out, tmp_path / "again.xlsx", TASK, writes, widths(31), {LOG: log_table(200)})
    second = time.perf_counter() - start
    print(f"\npatch_workbook 10,000 rows × 9 columns: first run {first:.3f} s, re-run {second:.3f} s")
    assert first < 2.0 and second < 2.0            # ~0.5 s here; generous for slow CI machines
    rows = calamine_rows(out, TASK)
    assert rows[10_002][30] == RUN - dt.timedelta(days=10_003) and rows[10_002][38] == RUN
    assert parts(out)["xl/sharedStrings.xml"] == parts(src)["xl/sharedStrings.xml"]


def test_merged_ranges_prefixed_and_commented_sheets(tmp_path):
    prefixed = (DECL + f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData/><x:mergeCells count="1">'
                '<x:mergeCell ref="B2:D3"/></x:mergeCells></x:worksheet>')
    commented = sheet("", after='<mergeCells count="2"><!-- <mergeCell ref="Z1:Z2"/> -->'
                                '<mergeCell ref="A1:C1"/><mergeCell ref="E5"/></mergeCells>')
    src = build_xlsx(tmp_path / "m.xlsx", [("P", prefixed), ("C", commented)])
    assert merged_ranges(src, "P") == [(2, 2, 3, 4)]
    assert merged_ranges(src, "C") == [(1, 1, 1, 3), (5, 5, 5, 5)]
