"""Hand-built .xlsx packages for tests/test_xlsx_patch.py (raw XML, so every byte is controlled).

``build_xlsx`` assembles a package from worksheet XML strings, like Excel lays it out
(``[Content_Types].xml`` first, XML declarations, shared strings). ``big_ledger`` writes an
Excel-like 10,000-row × 30-column 督办台账 quickly for the speed test. ``parts`` reads a package
back as {name: uncompressed bytes}.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

STYLES = DECL + f"""<styleSheet xmlns="{MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d;@"/></numFmts><fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font><font><b/><sz val="11"/><color theme="1"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"><alignment vertical="center"/></xf></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment vertical="center"/></xf><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"><alignment vertical="center"/></xf></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles><dxfs count="1"><dxf><font><color rgb="FF9C0006"/></font></dxf></dxfs><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/><extLst><ext uri="{{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext></extLst></styleSheet>"""

SHEET_OPEN = (f'<worksheet xmlns="{MAIN}" xmlns:r="{R}" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
              'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">')


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


def sheet(rows: str, *, dimension: str | None = "A1", before: str = "", after: str = "",
          sheet_views: str = '<sheetViews><sheetView workbookViewId="0"/></sheetViews>',
          open_tag: str = SHEET_OPEN, tail: str = "") -> str:
    """A worksheet part: ``rows`` is the sheetData inner XML; ``after`` goes right after
    sheetData (autoFilter, mergeCells …), ``tail`` after pageMargins (tableParts …)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (DECL + open_tag + dim + sheet_views + '<sheetFormatPr defaultRowHeight="14.25" '
            'x14ac:dyDescent="0.2"/>' + before + f"<sheetData>{rows}</sheetData>" + after
            + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            + tail + "</worksheet>")


def sst(strings: list[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return DECL + f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'


def build_xlsx(path: Path, sheets: list[tuple[str, str]], *, shared_strings: list[str] | None = None,
               styles: str | None = STYLES, workbook_pr: str = '<workbookPr defaultThemeVersion="166925"/>',
               calc_chain: str | None = None, extra_parts: dict[str, bytes | str] | None = None,
               extra_rels: list[tuple[str, str]] = (), extra_ct: list[tuple[str, str]] = (),
               extra_defaults: list[tuple[str, str]] = (), workbook_main_ct: str | None = None,
               defined_names: str = "") -> Path:
    """Assemble a workbook package. ``extra_rels``: (type, target) added to workbook.xml.rels."""
    parts: dict[str, bytes | str] = {}
    overrides = [("/xl/workbook.xml", workbook_main_ct
                  or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")]
    rels = []
    sheet_els = []
    for i, (name, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
        overrides.append((f"/xl/worksheets/sheet{i}.xml", WS_CT))
        rels.append((f"rId{i}", f"{R}/worksheet", f"worksheets/sheet{i}.xml"))
        sheet_els.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
    n = len(sheets)
    if styles is not None:
        parts["xl/styles.xml"] = styles
        n += 1
        rels.append((f"rId{n}", f"{R}/styles", "styles.xml"))
        overrides.append(("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"))
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = sst(shared_strings)
        n += 1
        rels.append((f"rId{n}", f"{R}/sharedStrings", "sharedStrings.xml"))
        overrides.append(("/xl/sharedStrings.xml",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"))
    if calc_chain is not None:
        parts["xl/calcChain.xml"] = DECL + f'<calcChain xmlns="{MAIN}">{calc_chain}</calcChain>'
        n += 1
        rels.append((f"rId{n}", f"{R}/calcChain", "calcChain.xml"))
        overrides.append(("/xl/calcChain.xml",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"))
    for rtype, target in extra_rels:
        n += 1
        rels.append((f"rId{n}", rtype, target))
    overrides.extend(extra_ct)
    names = f"<definedNames>{defined_names}</definedNames>" if defined_names else ""
    workbook = (DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{R}">{workbook_pr}<bookViews><workbookView '
                f'xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews>'
                f'<sheets>{"".join(sheet_els)}</sheets>{names}<calcPr calcId="191029"/></workbook>')
    defaults = [("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                ("xml", "application/xml"), *extra_defaults]
    ct = (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          + "".join(f'<Default Extension="{e}" ContentType="{c}"/>' for e, c in defaults)
          + "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in overrides) + "</Types>")
    root_rels = (DECL + f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{R}/officeDocument" '
                 'Target="xl/workbook.xml"/></Relationships>')
    wb_rels = (DECL + f'<Relationships xmlns="{PKG}">'
               + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rels)
               + "</Relationships>")
    ordered: list[tuple[str, bytes | str]] = [("[Content_Types].xml", ct), ("_rels/.rels", root_rels),
                                              ("xl/workbook.xml", workbook),
                                              ("xl/_rels/workbook.xml.rels", wb_rels)]
    ordered += list(parts.items()) + list((extra_parts or {}).items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in ordered:
            z.writestr(zipfile.ZipInfo(name, (2026, 11, 20, 8, 0, 0)),
                       data.encode("utf-8") if isinstance(data, str) else data,
                       compress_type=zipfile.ZIP_DEFLATED)
    return path


def parts(path: Path) -> dict[str, bytes]:
    """{entry name: uncompressed bytes}, in zip order."""
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def big_ledger(path: Path, rows: int = 10_000, cols: int = 30) -> Path:
    """An Excel-like ledger: 3 title/header rows, then `rows` data rows × `cols` columns."""
    strings: list[str] = []
    index: dict[str, int] = {}

    def s(text: str) -> int:
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    units = ["县发改局", "县财政局", "县住建局", "县交通运输局", "城关镇", "河西街道", "县教育局"]
    out = [f'<row r="1" spans="1:{cols}" ht="30" customHeight="1" x14ac:dyDescent="0.2">'
           f'<c r="A1" s="2" t="s"><v>{s("县人民政府督查室督办台账")}</v></c></row>',
           f'<row r="2" spans="1:{cols}" x14ac:dyDescent="0.2"><c r="A2" t="s"><v>{s("（截至本周）")}</v></c></row>',
           f'<row r="3" spans="1:{cols}" x14ac:dyDescent="0.2">'
           + "".join(f'<c r="{col_letter(c)}3" s="2" t="s"><v>{s(f"字段{c}")}</v></c>' for c in range(1, cols + 1))
           + "</row>"]
    base = dt.date(2026, 1, 1)
    letters = [col_letter(c) for c in range(1, cols + 1)]
    for r in range(4, rows + 4):
        cells = []
        for c in range(1, cols + 1):
            ref = f"{letters[c - 1]}{r}"
            k = c % 6
            if c == 1:
                cells.append(f'<c r="{ref}" t="s"><v>{s(f"DB2026-{r:05d}")}</v></c>')
            elif c == 4:
                cells.append(f'<c r="{ref}" t="s"><v>{s(f"推进第{r}项重点工作，完善制度并按时报送材料")}</v></c>')
            elif k == 0:
                cells.append(f'<c r="{ref}" s="1"><v>{serial(base + dt.timedelta(days=(r + c) % 300))}</v></c>')
            elif k in (1, 3):
                cells.append(f'<c r="{ref}" t="s"><v>{s(units[(r + c) % len(units)])}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{(r * c) % 977}</v></c>')
        out.append(f'<row r="{r}" spans="1:{cols}" x14ac:dyDescent="0.2">' + "".join(cells) + "</row>")
    xml = sheet("".join(out), dimension=f"A1:{letters[-1]}{rows + 3}",
                before=f'<cols><col min="1" max="{cols}" width="12" customWidth="1"/></cols>',
                after=f'<mergeCells count="1"><mergeCell ref="A1:{letters[-1]}1"/></mergeCells>')
    return build_xlsx(path, [("督办台账", xml)], shared_strings=strings)
