"""Build the Word templates of the reports (templates/通报.docx, templates/周汇总.docx) with python-docx.

Run ``python templates/make_report_templates.py`` after changing the layout; the built files are
committed so the clerk can copy them, edit the fixed wording (主送, 下一步要求, 抄送 …) in Word or
WPS and point 参数设置 模板目录 at the copy. Fields in double braces are filled by `ledger.rendering.reports`.

通报 follows GB/T 9704-2012 党政机关公文格式: A4; margins 37/35/28/26 mm (top/bottom/left/right);
22 lines of 28.95 pt; red 发文机关标志 in 小标宋, 35 mm below the top of the text area; 发文字号
centred two lines below it with a red separator 4 mm under it; 2号 (22 pt) 小标宋 title two lines
below the line; 3号 (16 pt) 仿宋 body; 黑体 for 一、 headings and 楷体 for （一） headings; 落款
and 成文日期; 版记 (抄送, 印发机关和印发日期) between a thick, a thin and a thick line; page numbers
“— 1 —” in 4号 宋体, odd pages right and even pages left, one character in from the edge.
Fonts are set through ``w:eastAsia`` on the styles, with fallbacks in the font table (see
make_templates.py, whose low-level helpers are shared).
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_templates import (BODY_FONT, LABEL_FONT, TITLE_FONT, _border, _cell, _font_table,  # noqa: E402
                            _para, _put, _row_props, _set_fonts, _style, _table)

HERE = Path(__file__).resolve().parent
KAI_FONT = "楷体_GB2312"     # falls back to 楷体
RED = "C00000"
LINE = 28.95                 # GB/T 9704: 22 lines in the 225 mm text area
TEXT_W = 210 - 28 - 26       # 156 mm
C, R, L, J = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT,
              WD_ALIGN_PARAGRAPH.JUSTIFY)
EXTRA_FONTS = ((KAI_FONT, "楷体,KaiTi", "02010609030101010101", "modern"),
               ("楷体", "KaiTi", "02010609060101010101", "modern"))


# --- set-up --------------------------------------------------------------------------------------

def _document(title: str, *, landscape: bool = False, margins=(37, 35, 28, 26)):
    doc = docx.Document()
    section = doc.sections[0]
    w, h = (297, 210) if landscape else (210, 297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(w), Mm(h)
    top, bottom, left, right = margins
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance, section.footer_distance = Mm(15), Mm(bottom - 7 - 5.5)

    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, BODY_FONT)
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr")).find(
        qn("w:spacing")).set(qn("w:after"), "0")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(LINE)
    normal.paragraph_format.space_after = Pt(0)
    for el in doc.settings.element.iter(qn("w:themeFontLang")):
        el.set(qn("w:eastAsia"), "zh-CN")
    for el in doc.settings.element.iter(qn("w:compatSetting")):
        if el.get(qn("w:name")) == "compatibilityMode":
            el.set(qn("w:val"), "15")
    _font_table(doc)
    _extra_fonts(doc)
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del pkg.rels[rid]
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "县人民政府督查室", "督办台账"
    props.comments = "督办台账程序使用的模板；可在 Word/WPS 中修改固定文字和版式，双花括号中的字段名请勿改动。"
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _extra_fonts(doc) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alt, panose, family in EXTRA_FONTS:
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _char_style(doc, name: str, east_asia: str):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.quick_style = True
    _set_fonts(style.element.get_or_add_rPr(), east_asia)
    return style


def _line_single(style) -> None:
    """Single (auto) line spacing: a big 发文机关标志 must not be clipped by an exact line height."""
    style.paragraph_format.line_spacing = 1.0


def _tag(doc, text: str) -> None:
    """A docxtpl paragraph-level tag ({%p … %}): docxtpl removes the whole paragraph."""
    _para(doc, text)


def _data_table(doc, widths: list[float], header: list[str], data: list[str], total: list[str] | None,
                loop: str, left: tuple[int, ...] = (1,), head_style: str = "表头", cell_style: str = "表格"):
    """Header row, a docxtpl {%tr for %} row, the data row, {%tr endfor %}, then an optional total.
    Columns in `left` (names, long text) are left-aligned, the others centred."""
    rows = 4 + (1 if total else 0)
    table = _table(doc, widths, rows)
    for c, text in enumerate(header):
        _cell(table, 0, c, text, head_style)
    _row_props(table, 0, height_mm=8)
    _repeat_header(table)
    _cell(table, 1, 0, f"{{%tr for {loop} %}}", cell_style)
    for c, text in enumerate(data):
        _cell(table, 2, c, text, cell_style)
        table.cell(2, c).paragraphs[0].alignment = L if c in left else C
    _row_props(table, 2, height_mm=7)
    _cell(table, 3, 0, "{%tr endfor %}", cell_style)
    if total:
        for c, text in enumerate(total):
            _cell(table, 4, c, text, head_style if c < 2 else cell_style)
            table.cell(4, c).paragraphs[0].alignment = C
        _row_props(table, 4, height_mm=7)
    return table


def _repeat_header(table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _page_number(p) -> None:
    """“— PAGE —”: a PAGE field between two 一字线 (the digits follow the 页码 style: 宋体)."""
    p.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.add_text(text)
    p.add_run(" —")


def _page_header(section) -> None:
    """“暂计” on every page of a 通报 of a period not yet over ({{ page_mark }} is empty otherwise)."""
    for header in (section.header, section.even_page_header):
        p = header.paragraphs[0]
        p.style = "页码"
        p.alignment = R
        p.add_run("{{ page_mark }}")


def _page_footer(section) -> None:
    """4号 宋体 page numbers; odd pages right, even pages left, one character (14 pt) in."""
    for footer, align in ((section.footer, R), (section.even_page_footer, L)):
        p = footer.paragraphs[0]
        p.style = "页码"
        p.alignment = align
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:right" if align == R else "w:left"), "280")
        _page_number(p)


# --- 通报 ------------------------------------------------------------------------------------------

def _bulletin_styles(doc) -> None:
    mark = _style(doc, "发文机关标志", east_asia=TITLE_FONT, size=36, align=C, color=RED, before=99)
    _line_single(mark)
    _style(doc, "发文字号", size=16, line=LINE, align=C, before=2 * LINE)
    _style(doc, "公文标题", east_asia=TITLE_FONT, size=22, line=35, align=C, before=2 * LINE, after=LINE)
    _style(doc, "主送机关", size=16, line=LINE)
    _style(doc, "公文正文", size=16, line=LINE, align=J, first_line_chars=2)
    _style(doc, "一级标题", east_asia=LABEL_FONT, size=16, line=LINE, align=J, first_line_chars=2, keep_next=True)
    _style(doc, "表格", size=10.5, line=15, align=C)
    _style(doc, "表头", east_asia=LABEL_FONT, size=10.5, line=15, align=C)
    _style(doc, "图表", size=16, line=None, align=C, keep_next=True)
    _line_single(doc.styles["图表"])
    _style(doc, "图题", east_asia=LABEL_FONT, size=12, line=20, align=C)
    _style(doc, "表注", size=10.5, line=16, align=J, before=3, after=6)
    _style(doc, "落款", size=16, line=LINE, align=R, right_chars=3)
    _style(doc, "成文日期", size=16, line=LINE, align=R, right_chars=4)
    _style(doc, "附件标识", east_asia=LABEL_FONT, size=16, line=LINE)
    _style(doc, "附件标题", east_asia=TITLE_FONT, size=22, line=35, align=C, before=LINE / 2, after=LINE / 2)
    _style(doc, "版记", size=14, line=LINE)
    _style(doc, "页码", east_asia="宋体", size=14, line=None)
    _set_fonts(doc.styles["页码"].element.get_or_add_rPr(), "宋体", "宋体")
    _char_style(doc, "二级标题字符", KAI_FONT)


def _heading(doc, text: str) -> None:
    _para(doc, text, "一级标题")


def _body(doc, text: str) -> None:
    _para(doc, text, "公文正文")


def _level2(doc, head: str, text: str):
    p = _para(doc, style="公文正文")
    p.add_run(head, style="二级标题字符")
    p.add_run(text)
    return p


def _bulletin_head(doc) -> None:
    _para(doc, "{{r org_mark }}", "发文机关标志")
    number = _para(doc, "{{ number }}", "发文字号")
    # the red separator line, 4 mm (≈ 11 pt) under the 发文字号, as wide as the text area
    _border(number._p.get_or_add_pPr(), "w:pBdr", {"bottom": ("single", 18, RED)})
    number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).set(qn("w:space"), "11")
    # a title of two balanced lines, broken between words (GB/T 9704: 词意完整，排列对称)
    title = _para(doc, "关于{{ title_label }}县政府", "公文标题")
    title.runs[0].add_break()
    title.add_run("督查督办事项落实情况的通报{{ title_mark }}")
    _para(doc, "各乡镇人民政府、街道办事处，县直各单位：", "主送机关")


def _bulletin_body(doc) -> None:
    _body(doc, "根据督查督办“一单四制”和“蓝、黄、红”三色督办单制度，现将{{ title_label }}（{{ start_cn }}至"
               "{{ cutoff_cn }}）县政府督查督办事项落实情况通报如下。")
    _heading(doc, "一、总体情况")
    _body(doc, "{{ overall_text }}")
    _tag(doc, "{%p if notes %}")
    _tag(doc, "{%p for note in notes %}")
    _body(doc, "{{ note }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")

    _heading(doc, "二、各单位办理情况")
    _tag(doc, "{%p if rows %}")
    _body(doc, "各单位办理情况见下表（{{ order_text }}）。")
    _data_table(doc, [8, 46, 12, 11, 12, 14, 14, 9, 9, 9, 12],
                ["序号", "单位", "应办结", "办结", "按时办结", "按时办结率", "逾期未办结", "蓝色", "黄色", "红色",
                 "扣分"],
                ["{{ r.i }}", "{{ r.unit }}", "{{ r.due }}", "{{ r.done }}", "{{ r.on_time }}", "{{ r.rate }}",
                 "{{ r.overdue_open }}", "{{ r.blue }}", "{{ r.yellow }}", "{{ r.red }}", "{{ r.points }}"],
                ["", "合计", "{{ total.due }}", "{{ total.done }}", "{{ total.on_time }}", "{{ total.rate }}",
                 "{{ total.overdue_open }}", "{{ total.blue }}", "{{ total.yellow }}", "{{ total.red }}",
                 "{{ total.points }}"], "r in rows")
    _para(doc, "注：{{ table_note }}", "表注")
    _tag(doc, "{%p if bars %}")
    _tag(doc, "{%p if chart %}")
    _para(doc, "{{ chart }}", "图表")
    _tag(doc, "{%p else %}")
    _data_table(doc, [46, 86, 24], ["单位", "按时办结率", ""], ["{{ b.unit }}", "{{ b.bar }}", "{{ b.rate_text }}"],
                None, "b in bars", left=(0, 1))
    _tag(doc, "{%p endif %}")
    _para(doc, "图1  各单位按时办结率", "图题")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p else %}")
    _body(doc, "本期没有应办结的督办事项，也没有单位收到督办单。")
    _tag(doc, "{%p endif %}")

    _heading(doc, "三、点名通报")
    _tag(doc, "{%p if red_tasks %}")
    _body(doc, "以下督办事项本期收到红色督办单，予以点名通报。相关单位主要负责人要亲自过问，"
               "限期办结并向县政府作出书面说明。")
    _data_table(doc, [8, 25, 40, 25, 33, 25],
                ["序号", "任务编号", "督办事项", "牵头单位", "红色督办单", "{{ status_head }}"],
                ["{{ t.i }}", "{{ t.task_id }}", "{{ t.content }}", "{{ t.units }}", "{{ t.numbers }}",
                 "{{ t.status }}"], None, "t in red_tasks", left=(2,))
    _tag(doc, "{%p else %}")
    _body(doc, "本期没有督办事项收到红色督办单。")
    _tag(doc, "{%p endif %}")

    _heading(doc, "四、表扬")
    _tag(doc, "{%p if commended %}")
    _body(doc, "{{ commended }}本期应办结的督办事项全部按时办结，予以通报表扬。")
    _tag(doc, "{%p else %}")
    _body(doc, "本期没有应办结事项全部按时办结的单位。")
    _tag(doc, "{%p endif %}")

    _heading(doc, "五、下一步要求")
    _level2(doc, "（一）抓紧办理逾期事项。",
            "各承办单位要对照本通报，逐项分析逾期未办结事项的原因，明确责任人和完成时限，尽快办结并书面报告县政府督查室。")
    _level2(doc, "（二）严格执行三色督办制度。",
            "收到黄色、红色督办单的单位要按要求限期整改，主要负责人要亲自过问、亲自督办；"
            "确因客观原因不能按期完成的，应在规定时限内书面申请延期。")
    last = _level2(doc, "（三）如实报送办理情况。",
                   "各承办单位要及时报送办理进展和结果。县政府督查室将加强跟踪督查，督办情况纳入年度综合绩效考评。")
    last.paragraph_format.keep_with_next = True     # GB/T 9704 7.3.5: the 落款 never stands alone on a page
    _tag(doc, "{%p if annual %}")
    p = _para(doc, "附件：{{ annual.title }}", "公文正文")
    p.paragraph_format.space_before = Pt(LINE)
    p.paragraph_format.keep_with_next = True
    _tag(doc, "{%p endif %}")


def _signature(doc) -> None:
    sign = _para(doc, "{{ org }}", "落款")
    sign.paragraph_format.space_before = Pt(2 * LINE)
    sign.paragraph_format.keep_with_next = True
    _para(doc, "{{ date_cn }}", "成文日期")


def _annual(doc) -> None:
    _tag(doc, "{%p if annual %}")
    brk = _para(doc, style="附件标识")
    brk.add_run().add_break(WD_BREAK.PAGE)
    brk.add_run("附件")
    _para(doc, "{{ annual.title }}", "附件标题")
    _data_table(doc, [9, 36, 13, 11, 11, 11, 12, 12, 13, 12, 16],
                ["序号", "单位", "交办任务", "蓝色", "黄色", "红色", "扣分", "加分", "得分", "优岗比例", "备注"],
                ["{{ a.i }}", "{{ a.unit }}", "{{ a.tasks }}", "{{ a.blue }}", "{{ a.yellow }}", "{{ a.red }}",
                 "{{ a.deduction }}", "{{ a.bonus }}", "{{ a.total }}", "{{ a.ratio }}", "{{ a.note }}"],
                None, "a in annual.rows")
    _tag(doc, "{%p for line in annual.notes %}")
    _para(doc, "{{ line }}", "公文正文")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _imprint(doc) -> None:
    """版记 (GB/T 9704 7.4): 抄送 and 印发机关/印发日期 between a thick, a thin and a thick line
    (0.35/0.25 mm), in a table that floats at the foot of the last page's text area — the place
    the standard gives it, whatever the length of the text above. Where a floating table is not
    supported (LibreOffice 7) it stays in the flow, one empty line below the text."""
    _para(doc).paragraph_format.keep_with_next = True
    table = _table(doc, [TEXT_W], 2, borders=False)
    tbl_pr = table._tbl.tblPr
    _border(tbl_pr, "w:tblBorders", {"top": ("single", 8, "000000"), "bottom": ("single", 8, "000000"),
                                     "insideH": ("single", 6, "000000")})
    position = OxmlElement("w:tblpPr")
    for key, value in (("leftFromText", "0"), ("rightFromText", "0"), ("topFromText", str(round(LINE * 20))),
                       ("vertAnchor", "margin"), ("horzAnchor", "margin"), ("tblpXSpec", "center"),
                       ("tblpYSpec", "bottom")):
        position.set(qn(f"w:{key}"), value)
    _put(tbl_pr, position)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    _put(tbl_pr, margins)
    copy = _cell(table, 0, 0, "抄送：县委办公室，县人大常委会办公室，县政协办公室。", "版记").paragraphs[0]
    printed = _cell(table, 1, 0, "{{ org }}\t{{ print_date_cn }}印发", "版记").paragraphs[0]
    for p in (copy, printed):
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:left"), "280")
        ind.set(qn("w:right"), "280")
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_W) - 280 * 635, WD_TAB_ALIGNMENT.RIGHT)
    for row in range(2):
        _row_props(table, row)
    # a floating table is anchored to the paragraph after it; 1 pt, so it takes no room
    tail = _para(doc)
    tail.paragraph_format.line_spacing = Pt(1)
    tail.paragraph_format.space_before = tail.paragraph_format.space_after = Pt(0)
    tail.add_run().font.size = Pt(1)


def build_bulletin(path: Path = HERE / "通报.docx") -> Path:
    doc = _document("督查通报")
    doc.settings.odd_and_even_pages_header_footer = True
    _bulletin_styles(doc)
    _page_header(doc.sections[0])
    _page_footer(doc.sections[0])
    _bulletin_head(doc)
    _bulletin_body(doc)
    _signature(doc)
    _annual(doc)
    _imprint(doc)
    doc.save(path)
    return path


# --- 周汇总 ----------------------------------------------------------------------------------------

def _weekly_styles(doc) -> None:
    _style(doc, "周汇总标题", east_asia=TITLE_FONT, size=22, line=34, align=C)
    _style(doc, "周汇总副标题", east_asia=KAI_FONT, size=14, line=24, align=C, after=6)
    _style(doc, "公文正文", size=14, line=24, align=J, first_line_chars=2)
    _style(doc, "一级标题", east_asia=LABEL_FONT, size=14, line=24, keep_next=True, before=6)
    _style(doc, "表格", size=10.5, line=14, align=C)
    _style(doc, "表头", east_asia=LABEL_FONT, size=10.5, line=14, align=C)
    _style(doc, "页码", east_asia="宋体", size=14, line=None)
    _set_fonts(doc.styles["页码"].element.get_or_add_rPr(), "宋体", "宋体")


def build_weekly(path: Path = HERE / "周汇总.docx") -> Path:
    doc = _document("督查督办事项周汇总", landscape=True, margins=(20, 20, 20, 20))
    _weekly_styles(doc)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.style = doc.styles["页码"]
    footer.alignment = C
    doc.sections[0].footer_distance = Mm(8)
    _page_number(footer)
    _para(doc, "督查督办事项周汇总", "周汇总标题")
    _para(doc, "（{{ period_label }}）", "周汇总副标题")
    _para(doc, "{{ overall_text }}", "公文正文")
    _tag(doc, "{%p for note in notes %}")
    _para(doc, "{{ note }}", "公文正文")
    _tag(doc, "{%p endfor %}")
    _para(doc, "一、各单位情况", "一级标题")
    header = ["单位", "新交办", "按时办结", "逾期办结", "7日内到期", "逾期未办结", "其中未督办", "其中蓝色",
              "其中黄色", "其中红色", "本次发蓝色", "本次发黄色", "本次发红色"]
    fields = ["new", "on_time", "late", "due_soon", "overdue", "overdue_none", "overdue_blue", "overdue_yellow",
              "overdue_red", "issued_blue", "issued_yellow", "issued_red"]
    widths = [45] + [17.6] * 12
    _data_table(doc, widths, header, ["{{ r.unit }}"] + [f"{{{{ r.{f} }}}}" for f in fields],
                ["合计"] + [f"{{{{ total.{f} }}}}" for f in fields], "r in rows", left=(0,))
    for title, loop, cols in (
        ("二、7日内到期事项", "due_soon", ["序号", "任务编号", "督办事项", "牵头单位", "应办结日期", "状态"]),
        ("三、逾期未办结事项", "overdue", ["序号", "任务编号", "督办事项", "牵头单位", "应办结日期", "逾期天数",
                                   "督办等级"]),
    ):
        _para(doc, title, "一级标题")
        _tag(doc, f"{{%p if {loop} %}}")
        keys = ["i", "task_id", "content", "units", "due", "state"] if loop == "due_soon" else \
            ["i", "task_id", "content", "units", "due", "days", "level"]
        widths = [12, 28, 120, 45, 25, 27] if loop == "due_soon" else [12, 28, 107, 45, 25, 20, 20]
        _data_table(doc, widths, cols, [f"{{{{ t.{k} }}}}" for k in keys], None, f"t in {loop}", left=(2,))
        _tag(doc, "{%p else %}")
        _para(doc, "无。", "公文正文")
        _tag(doc, "{%p endif %}")
    _para(doc, "四、本次发出的督办单", "一级标题")
    _tag(doc, "{%p if issued %}")
    _data_table(doc, [12, 45, 20, 28, 107, 45], ["序号", "督办单编号", "颜色", "任务编号", "督办事项", "被督办单位"],
                ["{{ n.i }}", "{{ n.number }}", "{{ n.color }}", "{{ n.task_id }}", "{{ n.content }}",
                 "{{ n.units }}"], None, "n in issued", left=(4,))
    _tag(doc, "{%p else %}")
    _para(doc, "本次未发出督办单。", "公文正文")
    _tag(doc, "{%p endif %}")
    p = _para(doc, "{{ office }}　{{ date_cn }}", "公文正文")
    p.alignment = R
    p.paragraph_format.space_before = Pt(12)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build_bulletin())
    print(build_weekly())
