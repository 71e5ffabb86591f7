"""Build the Word template of the 督办单 (templates/督办单.docx) with python-docx.

Run ``python templates/make_templates.py`` after changing the layout; the built .docx is committed
so the clerk can copy it, edit it in Word or WPS and point 参数设置 模板目录 at the copy.

The template is a docxtpl (Jinja2) document. It loops over ``notices`` (one colour per document)
and puts each notice on its own page; every field a notice may use is an attribute of
``ledger.rendering.notice_view.NoticeView`` (``{{ n.number }}``, ``{{ n.content }}`` …).

Fonts: Chinese official documents use 方正小标宋简体 for titles and 仿宋_GB2312 for body text.
They are set on the styles through ``w:eastAsia`` (Latin text and digits use Times New Roman
through ``w:ascii``/``w:hAnsi``). Neither font ships with every Windows. Word and WPS fall back
when a font is missing: the font table gives each an ``w:altName`` (宋体/SimSun, 仿宋/FangSong),
its PANOSE class and the GB2312 charset, so the substitute is a Chinese Song/FangSong face, not a
Latin or sans one. LibreOffice falls back through fontconfig (Noto CJK on the CI machine).
"""

from __future__ import annotations

import sys
import zipfile
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).with_name("督办单.docx")
BUILT = datetime(2026, 1, 1, 0, 0)     # fixed document dates: a rebuild changes the file only if the layout did

LATIN = "Times New Roman"
TITLE_FONT = "方正小标宋简体"   # falls back to 宋体 (font table altName)
BODY_FONT = "仿宋_GB2312"       # falls back to 仿宋
LABEL_FONT = "黑体"

PAGE_W, PAGE_H = 210, 297                     # A4, mm
MARGINS = dict(top=16, bottom=13, left=25, right=23)
TEXT_W = PAGE_W - MARGINS["left"] - MARGINS["right"]   # 162 mm

# name, altName (Word/WPS try these when the font itself is missing), panose, family
FONT_TABLE = (
    (TITLE_FONT, "宋体,SimSun", "02000000000000000000", "roman"),
    (BODY_FONT, "仿宋,FangSong", "02010609030101010101", "modern"),
    ("仿宋", "FangSong", "02010609060101010101", "modern"),
    ("宋体", "SimSun", "02010600030101010101", "auto"),
    (LABEL_FONT, "SimHei", "02010609060101010101", "modern"),
)


# --- low-level helpers -------------------------------------------------------------------------

# Child order of the property elements touched here (ECMA-376 sequences): Word rejects a document
# whose children are out of order, so new children are inserted at their place, never appended.
_ORDER = {
    "pPr": ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
            "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
            "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
            "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"),
    "rPr": ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
            "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
            "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"),
    "tblPr": ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
              "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook"),
}


def _put(parent, child):
    """Insert `child` into a pPr/rPr/tblPr at its schema position, replacing one of the same tag."""
    order = _ORDER[parent.tag.split("}")[1]].split()
    name = child.tag.split("}")[1]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = set(order[order.index(name) + 1:])
    for i, sibling in enumerate(parent):
        if sibling.tag.split("}")[1] in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child

def _set_fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]          # drop theme fonts: they would win over the named ones
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc, name: str, *, east_asia: str = BODY_FONT, size: float = 14, line: float | None = None,
           align=None, bold: bool = False, first_line_chars: int = 0, right_chars: int = 0,
           keep_next: bool = False, color: str | None = None, spacing_pt: float = 0,
           before: float = 0, after: float = 0):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    if color:
        font.color.rgb = RGBColor.from_string(color)
    _set_fonts(style.element.get_or_add_rPr(), east_asia)
    if spacing_pt:
        sp = OxmlElement("w:spacing")
        sp.set(qn("w:val"), str(int(spacing_pt * 20)))
        _put(style.element.get_or_add_rPr(), sp)
    pf = style.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line:
        pf.line_spacing = Pt(line)      # exact line height, as official documents use
    if align is not None:
        pf.alignment = align
    pf.keep_with_next = keep_next
    pf.widow_control = True
    ppr = style.element.get_or_add_pPr()
    if first_line_chars or right_chars:
        ind = ppr.get_or_add_ind()
        if first_line_chars:
            ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
            ind.set(qn("w:firstLine"), str(int(first_line_chars * size * 20)))
        if right_chars:
            ind.set(qn("w:rightChars"), str(right_chars * 100))
            ind.set(qn("w:right"), str(int(right_chars * size * 20)))
    return style


def _para(container, text: str = "", style: str | None = None, *, bold: bool = False):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
    return p


def _border(parent, tag: str, sides: dict[str, tuple[str, int, str]]) -> None:
    """sides: side → (val, size in eighths of a point, hex colour)."""
    box = OxmlElement(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side in sides:
            val, sz, color = sides[side]
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), val)
            el.set(qn("w:sz"), str(sz))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), color)
            box.append(el)
    _put(parent, box)


def _table(doc, widths_mm: list[float], rows: int, *, outer: int = 12, inner: int = 4, borders: bool = True):
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    if borders:
        line = ("single", outer, "000000")
        _border(tbl_pr, "w:tblBorders", {"top": line, "left": line, "bottom": line, "right": line,
                                         "insideH": ("single", inner, "000000"),
                                         "insideV": ("single", inner, "000000")})
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
    width.set(qn("w:type"), "dxa")
    _put(tbl_pr, width)
    tbl_pr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
        for cell in col.cells:
            cell.width = Mm(w)
    return table


def _cell(table, row: int, col: int, text: str, style: str, *, span: int = 1, keep_next: bool = False):
    cell = table.cell(row, col)
    if span > 1:
        cell = cell.merge(table.cell(row, col + span - 1))
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.style = style
    if text:
        p.add_run(text)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    return cell


def _row_props(table, row: int, *, height_mm: float | None = None, cant_split: bool = True,
               exact: bool = False) -> None:
    tr = table.rows[row]
    if height_mm:
        tr.height = Mm(height_mm)
        tr.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST
    if cant_split:
        tr._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


# --- document set-up ---------------------------------------------------------------------------

def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    section.header_distance, section.footer_distance = Mm(10), Mm(8)

    # document defaults: Chinese fonts and language instead of the theme's (Japanese) ones
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, BODY_FONT)
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")

    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(24)
    normal.paragraph_format.space_after = Pt(0)

    settings = doc.settings.element
    for el in settings.iter(qn("w:themeFontLang")):
        el.set(qn("w:eastAsia"), "zh-CN")
    for el in settings.iter(qn("w:compatSetting")):
        if el.get(qn("w:name")) == "compatibilityMode":
            el.set(qn("w:val"), "15")   # Word 2013+ layout: a page break keeps its paragraph mark

    _font_table(doc)
    # python-docx's default package carries its own thumbnail; a template should not
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del pkg.rels[rid]

    props = doc.core_properties
    props.title = "督办单"
    props.subject = "蓝、黄、红三色督办单"
    props.author = "县人民政府督查室"
    props.last_modified_by = "督办台账"
    # no braces here: docxtpl renders these properties as templates too
    props.comments = "督办台账程序使用的督办单模板；可在 Word/WPS 中修改版式，双花括号中的字段名（如 n.number）请勿改动。"
    props.keywords = "督办单"
    props.created = props.modified = BUILT
    props.revision = 1


def _font_table(doc) -> None:
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alt, panose, family in FONT_TABLE:
        font = parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="{family}"/>'
            f'<w:pitch w:val="variable"/></w:font>')
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles(doc) -> None:
    C, R, J = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY
    _style(doc, "督办单色带", east_asia=TITLE_FONT, size=18, line=24, align=C, color="FFFFFF", spacing_pt=4)
    _style(doc, "督办单标题", east_asia=TITLE_FONT, size=26, line=36, align=C, spacing_pt=6, before=4)
    _style(doc, "督办单编号", size=14, line=22, align=R, after=2)
    _style(doc, "督办单主送", size=14, line=21, before=4)
    _style(doc, "督办单正文", size=14, line=21, align=J, first_line_chars=2)
    _style(doc, "督办单表格", size=12, line=16, align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(doc, "督办单表头", east_asia=LABEL_FONT, size=12, line=16, align=C)
    _style(doc, "督办单落款", size=14, line=21, align=R, right_chars=1, keep_next=True)
    _style(doc, "督办单抄送", size=12, line=18, before=2)
    _style(doc, "督办单裁剪线", size=10.5, line=14, align=C, color="7F7F7F", keep_next=True, before=6, after=2)
    _style(doc, "回执标题", east_asia=TITLE_FONT, size=16, line=22, align=C, keep_next=True, spacing_pt=10)
    _style(doc, "回执说明", size=10.5, line=16, before=2)
    _style(doc, "督办单分页", size=1, line=1)


# --- the notice ----------------------------------------------------------------------------------

def _tag(doc, text: str) -> None:
    """A docxtpl paragraph-level tag ({%p … %}); docxtpl removes the whole paragraph."""
    _para(doc, text)


def _notice(doc) -> None:
    _tag(doc, "{%p for n in notices %}")
    _tag(doc, "{%p if not loop.first %}")
    p = _para(doc, style="督办单分页")
    p.add_run().add_break(WD_BREAK.PAGE)
    _tag(doc, "{%p endif %}")

    # the colour band: docxtpl's cellbg fills the cell with the notice's colour
    band = _table(doc, [TEXT_W], 1, borders=False)
    _row_props(band, 0, height_mm=10, exact=True)
    cell = band.cell(0, 0)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    cp = cell.paragraphs[0]
    cp.style = "督办单色带"
    cp.add_run("{% cellbg n.color_hex %}")
    cp.add_run("{{ n.office }}")

    _para(doc, "{{ n.color_name }}督办单", "督办单标题")
    number = _para(doc, "{{ n.number }}", "督办单编号")
    _border(number._p.get_or_add_pPr(), "w:pBdr", {"bottom": ("single", 12, "000000")})

    _para(doc, "{{ n.addressee }}：", "督办单主送")
    intro = _para(doc, "你单位牵头承办的下列督办事项{{ n.status_text }}，现予{{ n.color_name }}督办。", "督办单正文")
    intro.paragraph_format.space_after = Pt(4)

    # 办理进展 only when the ledger records some: a notice sent to the unit does not say what the
    # office failed to record; {%tr %} rows vanish when rendered
    facts = _table(doc, [26, 66, 24, 46], 8)
    rows = [
        (("任务编号", "{{ n.task_id }}"), ("交办日期", "{{ n.assigned }}")),
        (("任务来源", "{{ n.source }}"), ("责任领导", "{{ n.leader }}")),
        (("交办依据", "{{ n.basis }}"),),
        (("督办事项", "{{ n.content }}"),),
        (("应办结日期", "{{ n.deadline }}{% if n.original_deadline %}（原定{{ n.original_deadline }}，"
                      "经批准延期）{% endif %}"), ("逾期天数", "{{ n.overdue_text }}")),
        "{%tr if n.progress %}",
        (("办理进展", "{{ n.progress }}"),),
        "{%tr endif %}",
    ]
    for r, cells in enumerate(rows):
        if isinstance(cells, str):
            facts.cell(r, 0).paragraphs[0].add_run(cells)
            continue
        long_text = len(cells) == 1 and r in (3, 6)
        _row_props(facts, r, height_mm=7.5, cant_split=not long_text)
        col = 0
        for label, value in cells:
            _cell(facts, r, col, label, "督办单表头")
            _cell(facts, r, col + 1, value, "督办单表格", span=3 if len(cells) == 1 else 1)
            col += 2

    p = _para(doc, style="督办单正文")
    p.paragraph_format.space_before = Pt(6)
    head = p.add_run("督办要求：")
    head.bold = True
    p.add_run("{{ n.demand }}")
    _tag(doc, "{%p if n.next_step %}")
    _para(doc, "{{ n.next_step }}", "督办单正文")
    _tag(doc, "{%p endif %}")

    signer = _para(doc, "签发：{{ n.signer }}　______________", "督办单落款")
    signer.paragraph_format.space_before = Pt(6)
    _para(doc, "{{ n.office }}（印章）", "督办单落款")
    last = _para(doc, "{{ n.issued }}", "督办单落款")
    last.paragraph_format.keep_with_next = False

    _tag(doc, "{%p if n.copy_units %}")
    _para(doc, "抄送：{{ n.copy_text }}（协办单位）", "督办单抄送")
    _tag(doc, "{%p endif %}")

    _receipt(doc)
    _tag(doc, "{%p endfor %}")


def _receipt(doc) -> None:
    cut = _para(doc, style="督办单裁剪线")
    tabs = cut.paragraph_format.tab_stops
    tabs.add_tab_stop(Mm(TEXT_W / 2 - 14), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DASHES)
    tabs.add_tab_stop(Mm(TEXT_W), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DASHES)
    cut.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    cut.add_run("✂\t 沿 此 线 剪 下 \t")

    _para(doc, "回执", "回执标题")
    receipt = _table(doc, [26, 66, 24, 46], 4)
    _row_props(receipt, 0, height_mm=7.5)
    _cell(receipt, 0, 0, "督办单编号", "督办单表头", keep_next=True)
    _cell(receipt, 0, 1, "{{ n.number }}", "督办单表格", keep_next=True)
    _cell(receipt, 0, 2, "任务编号", "督办单表头", keep_next=True)
    _cell(receipt, 0, 3, "{{ n.task_id }}", "督办单表格", keep_next=True)
    _row_props(receipt, 1, height_mm=7.5)
    _cell(receipt, 1, 0, "被督办单位", "督办单表头", keep_next=True)
    _cell(receipt, 1, 1, "{{ n.addressee }}", "督办单表格", span=3, keep_next=True)
    _row_props(receipt, 2, height_mm=18)
    _cell(receipt, 2, 0, "办理情况", "督办单表头", keep_next=True)
    _cell(receipt, 2, 1, "", "督办单表格", span=3, keep_next=True)
    _row_props(receipt, 3, height_mm=9)
    _cell(receipt, 3, 0, "负责人签字", "督办单表头", keep_next=True)
    _cell(receipt, 3, 1, "", "督办单表格", keep_next=True)
    _cell(receipt, 3, 2, "日　　期", "督办单表头", keep_next=True)
    _cell(receipt, 3, 3, "　　年　　月　　日", "督办单表格", keep_next=True)
    # the last paragraph of a notice is a paragraph, so a document never ends on a table
    _para(doc, "请于{{ n.reply_by }}前将回执（连同书面办理情况）送回{{ n.office }}。", "回执说明")


def _reproducible(data: bytes) -> bytes:
    """Fixed zip member times, so rebuilding an unchanged layout gives an unchanged file."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=BUILT.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            zout.writestr(member, zin.read(info.filename))
    return out.getvalue()


def build(path: Path = OUT) -> Path:
    doc = docx.Document()
    _setup(doc)
    _styles(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    _notice(doc)
    buffer = BytesIO()
    doc.save(buffer)
    path.write_bytes(_reproducible(buffer.getvalue()))
    return path


SMS_OUT = OUT.with_name("蓝色督办短信.xlsx")
SMS_SHEET = "蓝色督办短信"
SMS_COLUMNS = (("单位", 20), ("主要负责人", 12), ("联系电话", 16), ("短信内容", 72), ("督办单编号", 18), ("提示", 36))


def build_sms(path: Path = SMS_OUT) -> Path:
    """The SMS list's sheet: header, widths, frozen header. Rows are filled in by the run."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SMS_SHEET
    for col, (header, width) in enumerate(SMS_COLUMNS, start=1):
        cell = ws.cell(1, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F4")
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    wb.properties.creator = "督办台账"
    wb.properties.title = SMS_SHEET
    wb.properties.created = wb.properties.modified = BUILT
    buffer = BytesIO()
    wb.save(buffer)
    data = _reproducible(buffer.getvalue()).decode("latin-1")
    path.write_bytes(data.encode("latin-1"))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print(build(target))
    print(build_sms(target.with_name(SMS_OUT.name)))
