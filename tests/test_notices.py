"""督办单 documents (SPEC §3.4, §5): golden text, page structure, cell text as data, templates, PDF.

Golden files live in tests/golden/notices/; regenerate them with ``UPDATE_GOLDEN=1 pytest
tests/test_notices.py`` and read the diff before committing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.errors import LedgerError
from ledger.reading.notice_log import Notice
from ledger.core.schema import Color
from ledger.rules.ladder import Rung
from ledger.rendering.notices import (UnitContact, build_views, builtin_templates, check_templates, compose, render_notices,
                            sms_text, template_dir)
from ledger.reading.params import DEFAULT_PARAMS
from ledger.pipeline import evaluate_all, load

from tests.conftest import write_ledger
from tests.golden_files import check_golden

RUN = date(2026, 11, 23)
PRINT_BLUE = DEFAULT_PARAMS.with_values(蓝色打印=True)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- helpers -----------------------------------------------------------------------------------

def golden(name: str, actual: str) -> None:
    check_golden("notices", name, actual)


def docx_text(path: Path) -> str:
    """Paragraphs and tables in body order; merged cells once; page breaks marked."""
    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == W + "p":
            if block.findall(f".//{W}br[@{W}type='page']"):
                lines.append("======== 分页 ========")
            paragraph = docx.text.paragraph.Paragraph(block, document)
            lines.append(paragraph.text)
        elif block.tag == W + "tbl":
            table = docx.table.Table(block, document)
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def sms_rows(path: Path) -> list[list]:
    ws = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


NEXT = {"蓝": Color.YELLOW, "黄": Color.RED, "红": Color.RED}   # the colour each one is followed by (SPEC §3.3)


def view(number: str, color: str, unit: str, next_due: date = date(2026, 12, 3), **kw):
    base = dict(number=number, color=color, issued=RUN, units=[unit], task_id="T" + re.findall(r"\d+", number)[-1],
                content="落实某项工作。", deadline=date(2026, 11, 16), params=PRINT_BLUE,
                next_rung=Rung(NEXT[color], next_due), reply_by=date(2026, 11, 30))
    base.update(kw)
    return compose(**base)


def fixed_views() -> list:
    """The golden set: every colour, extension, 抄送, a repeat red, two lead units, unsorted input."""
    return [
        view("红督〔2026〕2号", "红", "县自然资源局", units=["县自然资源局", "县林业局"], task_id="2026-007",
             content="完成全县违法占地图斑整改销号工作。", deadline=date(2026, 10, 31),
             original_deadline=date(2026, 9, 30), source="政府工作报告", assigned=date(2026, 3, 1),
             leader="李副县长", repeat=2, unit_rank=4),
        view("黄督〔2026〕10号", "黄", "县财政局", task_id="2026-040", content="拨付农村公路养护资金。",
             deadline=date(2026, 11, 13), source="常务会议", basis="县政府常务会议纪要〔2026〕15号",
             assigned=date(2026, 10, 30), unit_rank=1),
        view("黄督〔2026〕7号", "黄", "县住房和城乡建设局", task_id="2026-031",
             content="加快推进城区老旧小区改造项目，11月底前完成东湖、南苑两个小区的雨污分流和外立面改造。",
             source="县长批示", basis="县政府常务会议纪要〔2026〕12号", assigned=date(2026, 10, 20),
             leader="张副县长", copy_units=["县财政局", "县城市管理局"],
             progress="东湖小区已完成80%；\n南苑小区因管网迁改滞后。", unit_rank=2),
        view("黄督〔2026〕2号", "黄", "县财政局", task_id="2026-012", content="清理拖欠企业账款。",
             deadline=date(2026, 11, 9), assigned=date(2026, 10, 12), unit_rank=1,
             review_failed=True),
        view("蓝督〔2026〕15号", "蓝", "县教育局", task_id="2026-050", content="落实校园食品安全专项整治。",
             deadline=RUN, assigned=date(2026, 11, 10), next_due=date(2026, 11, 28), unit_rank=3,
             contacts=[UnitContact("县教育局", "王建国", "13800000001")]),
    ]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("notices")
    paths = render_notices(fixed_views(), out, PRINT_BLUE)
    return {p.name: p for p in paths}


# --- golden files ------------------------------------------------------------------------------

def test_written_files(rendered):
    assert sorted(rendered) == sorted(["黄色督办单.docx", "红色督办单.docx", "蓝色督办单.docx", "督办单.html",
                                       "蓝色督办短信.xlsx"])


@pytest.mark.parametrize("name", ["黄色督办单", "红色督办单", "蓝色督办单"])
def test_docx_text_matches_golden(rendered, name):
    golden(f"{name}.txt", docx_text(rendered[f"{name}.docx"]))


def test_html_matches_golden(rendered):
    golden("督办单.html", rendered["督办单.html"].read_text(encoding="utf-8"))


def test_sms_matches_golden(rendered):
    rows = sms_rows(rendered["蓝色督办短信.xlsx"])
    golden("蓝色督办短信.txt", "\n".join("\t".join("" if v is None else str(v) for v in r) for r in rows) + "\n")


# --- structure ---------------------------------------------------------------------------------

def test_one_page_per_notice_in_number_order(rendered):
    text = docx_text(rendered["黄色督办单.docx"])
    assert text.count("分页") == 2                       # 3 yellow notices → 2 page breaks
    numbers = re.findall(r"^(黄督〔2026〕\d+号)$", text, re.M)
    # the stack matches the 发文登记簿: 2, 7, 10 (numeric, not text order 10, 2, 7)
    assert numbers == ["黄督〔2026〕2号", "黄督〔2026〕7号", "黄督〔2026〕10号"]
    html = rendered["督办单.html"].read_text(encoding="utf-8")
    assert [html.index(f"黄督〔2026〕{n}号") for n in (2, 7, 10)] == sorted(html.index(f"黄督〔2026〕{n}号")
                                                                          for n in (2, 7, 10))
    document = part(rendered["黄色督办单.docx"], "word/document.xml")
    assert document.count('w:type="page"') == 2
    assert document.count("<w:tbl>") == 9                # band, facts, 回执 per notice
    assert 'w:pgSz w:w="11906" w:h="16838"' in document  # A4
    for name in ("红色督办单.docx", "蓝色督办单.docx"):
        assert part(rendered[name], "word/document.xml").count('w:type="page"') == 0


def test_grouped_by_unit_on_request(tmp_path):
    paths = render_notices(fixed_views(), tmp_path, PRINT_BLUE.with_values(**{"督办单按单位排列": True}))
    text = docx_text(next(p for p in paths if p.name == "黄色督办单.docx"))
    # 县财政局 (单位名录 rank 1): 2号 before 10号; then 县住房和城乡建设局 (rank 2): 7号
    assert re.findall(r"^(黄督〔2026〕\d+号)$", text, re.M) == ["黄督〔2026〕2号", "黄督〔2026〕10号", "黄督〔2026〕7号"]


@pytest.mark.parametrize("name, fill", [("黄色督办单.docx", "C9A000"), ("红色督办单.docx", "C00000"),
                                        ("蓝色督办单.docx", "1F4E9A")])
def test_colour_band(rendered, name, fill):
    document = part(rendered[name], "word/document.xml")
    assert document.count(f'w:fill="{fill}"') == document.count("督办单色带")
    # Word wants w:shd after w:tcW inside w:tcPr (docxtpl's cellbg puts it first)
    assert re.search(r"<w:tcPr><w:shd", document) is None


def test_east_asian_fonts_on_styles(rendered):
    styles = part(rendered["黄色督办单.docx"], "word/styles.xml")
    assert 'w:eastAsia="仿宋_GB2312"' in styles
    assert 'w:eastAsia="方正小标宋简体"' in styles
    assert 'w:ascii="Times New Roman"' in styles
    assert "w:eastAsiaTheme" not in styles.split("<w:latentStyles")[0]   # no theme font overrides them
    fonts = part(rendered["黄色督办单.docx"], "word/fontTable.xml")
    assert 'w:name="方正小标宋简体"><w:altName w:val="宋体,SimSun"/>' in fonts


def test_docx_properties_fixed_by_run_date(rendered):
    core = part(rendered["黄色督办单.docx"], "docProps/core.xml")
    assert "2026-11-23T09:00:00Z" in core
    assert re.findall(r"<dcterms:modified[^>]*>([^<]*)<", core) == ["2026-11-23T09:00:00Z"]


def test_rerender_is_byte_identical(tmp_path, rendered):
    again = render_notices(fixed_views(), tmp_path, PRINT_BLUE)
    for path in again:
        assert path.read_bytes() == rendered[path.name].read_bytes(), path.name


def test_blue_printed_only_on_request(tmp_path):
    paths = render_notices(fixed_views(), tmp_path, DEFAULT_PARAMS)
    assert sorted(p.name for p in paths) == sorted(["黄色督办单.docx", "红色督办单.docx", "督办单.html",
                                                   "蓝色督办短信.xlsx"])
    assert "蓝督〔2026〕15号" in (tmp_path / "督办单.html").read_text(encoding="utf-8")


def test_nothing_written_for_no_notices(tmp_path):
    assert render_notices([], tmp_path / "out", DEFAULT_PARAMS) == []
    assert not (tmp_path / "out").exists()


def test_html_is_print_ready(rendered):
    html = rendered["督办单.html"].read_text(encoding="utf-8")
    assert "@page { size: A4" in html and "print-color-adjust: exact" in html
    assert html.count('<section class="notice') == 5
    assert "<link" not in html and "<script" not in html and "src=" not in html   # self-contained
    order = re.findall(r'<section class="notice (\w+)"', html)
    assert order == ["blue", "yellow", "yellow", "yellow", "red"]


# --- cell text is data -------------------------------------------------------------------------

NASTY = 'A&B <script>alert("x")</script> “引号” 😀\n第二行 {{ n.number }} {%p endfor %}'


def test_nasty_text_round_trips(tmp_path):
    long = "长" * 3000
    views = [view("黄督〔2026〕1号", "黄", "县<财政>局&", content=NASTY, progress=long, basis='"依据"&<>'),
             view("黄督〔2026〕3号", "黄", "县教育局", content="控制符\x07\x0c\x01\x1b后面的字")]
    render_notices(views, tmp_path, DEFAULT_PARAMS)
    document = docx.Document(str(tmp_path / "黄色督办单.docx"))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert NASTY in cells                    # \n became a line break and comes back as \n
    assert long in cells
    assert '"依据"&<>' in cells
    assert "控制符\n后面的字" in cells        # controls dropped; a form feed is a line break, not a page
    assert any(p.text == "县<财政>局&：" for p in document.paragraphs)
    assert part(tmp_path / "黄色督办单.docx", "word/document.xml").count('w:type="page"') == 1
    html = (tmp_path / "督办单.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "A&amp;B" in html and "县&lt;财政&gt;局&amp;：" in html
    assert "😀\n第二行 {{ n.number }}" in html   # template syntax in data is printed, not run
    assert long in html


def test_sms_cells_are_never_formulas(tmp_path):
    views = [view("蓝督〔2026〕1号", "蓝", "=HYPERLINK(\"http://x\")", content="=1+1",
                  contacts=[UnitContact("=HYPERLINK(\"http://x\")", "+张三", "-138"),
                            UnitContact("@单位", "", "")])]
    path = render_notices(views, tmp_path, DEFAULT_PARAMS)[-1]
    assert path.name == "蓝色督办短信.xlsx"
    ws = openpyxl.load_workbook(path).active
    values = [c for row in ws.iter_rows(min_row=2) for c in row if c.value]
    assert {c.value for c in values} >= {'=HYPERLINK("http://x")', "+张三", "-138", "@单位", "蓝督〔2026〕1号"}
    assert all(c.data_type != "f" for c in values)
    assert all(c.quotePrefix for c in values if str(c.value)[0] in "=+-@")
    assert "<f>" not in part(path, "xl/worksheets/sheet1.xml")
    hint = ws.cell(3, 6).value
    assert hint.startswith("单位名录中没有该单位的主要负责人、联系电话")


def test_sms_text_fits_140_characters():
    v = view("蓝督〔2026〕123号", "蓝", "县发展和改革局", content="推进" * 200, deadline=RUN, task_id="2026-ABC-0001")
    text = sms_text(v, "县发展和改革局")
    assert len(text) <= 140
    assert "蓝督〔2026〕123号" in text and "2026年11月23日" in text and text.startswith("【县人民政府督查室】")
    assert "推进推进" in text and "…" in text
    very_long_unit = "某" * 150
    assert len(sms_text(v, very_long_unit)) <= 140


# --- templates ---------------------------------------------------------------------------------

def copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "模板"
    folder.mkdir()
    for name in ("督办单.docx", "督办单.html"):
        (folder / name).write_bytes(builtin_templates().joinpath(name).read_bytes())
    return folder


def test_builtin_templates_are_clean():
    assert check_templates(builtin_templates()) == []


def test_undeclared_variable_reported_by_name(tmp_path):
    folder = copy_templates(tmp_path)
    document = docx.Document(str(folder / "督办单.docx"))
    document.add_paragraph("{{ 不存在的变量 }}")
    document.save(str(folder / "督办单.docx"))
    html = (folder / "督办单.html").read_text(encoding="utf-8")
    (folder / "督办单.html").write_text(html.replace("{{ n.number }}", "{{ n.编号 }}", 1), encoding="utf-8")
    problems = check_templates(folder)
    assert [p.code for p in problems] == ["template-unknown-name", "template-unknown-field"]
    assert "不存在的变量" in problems[0].text() and "督办单.docx" in problems[0].text()
    assert "n.编号" in problems[1].text() and "督办单.html" in problems[1].text()
    with pytest.raises(LedgerError, match="不存在的变量"):
        render_notices(fixed_views(), tmp_path / "out", DEFAULT_PARAMS, folder)
    assert not (tmp_path / "out").exists()           # checked before anything was written


def test_broken_template_syntax_is_a_message(tmp_path):
    folder = copy_templates(tmp_path)
    (folder / "督办单.html").write_text("{% for n in notices %}{{ n.number }", encoding="utf-8")
    problems = check_templates(folder)
    assert [p.code for p in problems] == ["template-line"]
    assert "督办单.html" in problems[0].text() and "标记" in problems[0].text()


def test_unknown_filter_is_found_before_rendering(tmp_path):
    folder = copy_templates(tmp_path)
    html = (folder / "督办单.html").read_text(encoding="utf-8")
    (folder / "督办单.html").write_text(html.replace("{{ n.number }}", "{{ n.number|nosuchfilter }}", 1),
                                       encoding="utf-8")
    problems = check_templates(folder)
    assert [p.code for p in problems] == ["template-line"] and "nosuchfilter" in problems[0].text()


def test_template_failing_while_rendering_is_a_message(tmp_path):
    folder = copy_templates(tmp_path)
    html = (folder / "督办单.html").read_text(encoding="utf-8")
    (folder / "督办单.html").write_text(html.replace("{{ n.number }}", '{{ n.overdue_days + "天" }}', 1),
                                       encoding="utf-8")
    assert check_templates(folder) == []
    with pytest.raises(LedgerError, match="督办单模板无法生成文档"):
        render_notices(fixed_views(), tmp_path / "out", DEFAULT_PARAMS, folder)
    assert not (tmp_path / "out").exists()


def test_template_dir_precedence(tmp_path):
    own = copy_templates(tmp_path)
    params = DEFAULT_PARAMS.with_values(模板目录="模板")
    assert template_dir(params, tmp_path / "cli", tmp_path) == tmp_path / "cli"
    assert template_dir(params, None, tmp_path) == own
    assert template_dir(DEFAULT_PARAMS, None, tmp_path) == builtin_templates()
    missing = check_templates(tmp_path / "没有这个目录")
    assert [p.code for p in missing] == ["template-folder-missing"] and "不存在" in missing[0].text()
    # a folder holding only the HTML falls back to the built-in Word template
    (own / "督办单.docx").unlink()
    (own / "督办单.html").write_text((own / "督办单.html").read_text(encoding="utf-8").replace(
        "现予{{ n.color_name }}督办", "特发{{ n.color_name }}督办单"), encoding="utf-8")
    paths = render_notices(fixed_views(), tmp_path / "out", params.with_values(模板目录=str(own)))
    assert "特发黄色督办单" in (tmp_path / "out" / "督办单.html").read_text(encoding="utf-8")
    assert "现予黄色督办" in docx_text(paths[0])


# --- from a run ----------------------------------------------------------------------------------

HEADER = ["任务编号", "任务来源", "交办依据", "任务内容", "牵头单位", "协办单位", "责任领导", "交办日期", "办理时限",
          "延期至", "延期审批人", "正当理由", "办理进展"]
UNITS = [("县财政局", "财政局", "县直单位", "刘财", "0730-1111111"),
         ("县教育局", "教育局", "县直单位", "王建国", "13800000001"),
         ("县卫生健康局", "卫健局", "县直单位", "", ""),
         ("县住房和城乡建设局", "住建局", "县直单位", "陈建", "13800000003")]


@pytest.fixture
def outcome(tmp_path):
    rows = [
        {"任务编号": "T1", "任务来源": "县长批示", "交办依据": "县长批示件〔2026〕3号", "任务内容": "整治城区占道经营。",
         "牵头单位": "住建局", "协办单位": "县财政局", "责任领导": "张副县长", "交办日期": date(2026, 11, 2),
         "办理时限": date(2026, 11, 16), "办理进展": "已开展两轮集中整治。"},
        {"任务编号": "T2", "任务内容": "排查校园周边安全隐患。", "牵头单位": "教育局、卫健局", "交办日期": date(2026, 11, 9),
         "办理时限": date(2026, 11, 23)},
        {"任务编号": "T3", "任务来源": "常务会议", "任务内容": "兑现企业奖补资金。", "牵头单位": "县财政局",
         "交办日期": date(2026, 10, 20), "办理时限": date(2026, 11, 5)},
        {"任务编号": "T4", "任务内容": "完成危房改造验收。", "牵头单位": "住建局", "交办日期": date(2026, 10, 26),
         "办理时限": date(2026, 11, 10), "延期至": date(2026, 11, 18), "延期审批人": "常务副县长"},
        {"任务编号": "T5", "任务内容": "有正当理由的任务。", "牵头单位": "教育局", "交办日期": date(2026, 11, 9),
         "办理时限": date(2026, 11, 23), "正当理由": "等待省厅批复"},
    ]
    log = [("黄督〔2026〕1号", "T3", "黄", date(2026, 11, 10), "县财政局", date(2026, 11, 3), 7, "常务副县长",
            "2026-11-10")]
    path = write_ledger(tmp_path / "台账.xlsx", rows, header=HEADER, units=UNITS, log=log)
    result = evaluate_all(load(path, RUN), RUN)
    assert not result.loaded.config_problems and not result.error_rows
    return result


def test_build_views_from_a_run(outcome):
    views = build_views(outcome)
    assert [(v.number, v.task_id) for v in views] == [
        ("黄督〔2026〕2号", "T1"), ("蓝督〔2026〕1号", "T2"), ("红督〔2026〕1号", "T3"), ("黄督〔2026〕3号", "T4"),
        ("蓝督〔2026〕2号", "T5")]
    keys = ("number", "signer", "issued", "addressee", "copy_text", "task_id", "content", "source", "basis",
            "assigned", "leader", "deadline", "original_deadline", "overdue_text", "status_text", "progress",
            "demand", "next_step", "reply_by", "repeat", "unit_rank", "contacts")
    text = "\n\n".join("\n".join(f"{k}: {getattr(v, k)}" for k in keys) for v in views) + "\n"
    golden("build_views.txt", text)


def test_reprint_keeps_what_was_logged(outcome):
    old = outcome.loaded.log[0]
    (v,) = build_views(outcome, [old])
    assert v.number == "黄督〔2026〕1号"
    assert v.deadline == "2026年11月3日"          # logged D, not today's 2026-11-05
    assert v.overdue_days == 7 and v.issued == "2026年11月10日"
    assert v.next_step == "如至2026年11月20日仍未办结，将发出红色督办单（县长签发），予以严重警告。"


def test_red_again_counts_the_earlier_reds(tmp_path):
    rows = [{"任务编号": "R1", "任务内容": "老大难问题。", "牵头单位": "县财政局", "交办日期": date(2026, 9, 1),
             "办理时限": date(2026, 10, 1)}]
    log = [("黄督〔2026〕1号", "R1", "黄", date(2026, 10, 9), "县财政局", date(2026, 10, 1), 8, "常务副县长", "2026-10-09"),
           ("红督〔2026〕1号", "R1", "红", date(2026, 10, 19), "县财政局", date(2026, 10, 1), 18, "县长", "2026-10-19"),
           ("红督〔2026〕2号", "R1", "红", date(2026, 10, 29), "县财政局", date(2026, 10, 1), 28, "县长", "2026-10-29")]
    path = write_ledger(tmp_path / "台账.xlsx", rows, log=log)
    result = evaluate_all(load(path, RUN), RUN)
    (v,) = build_views(result)
    assert (v.number, v.repeat) == ("红督〔2026〕3号", 3)
    assert v.demand.startswith("这是该事项第3次收到红色督办单。现予严重警告。")
    (first,) = build_views(result, [result.loaded.log[1]])
    assert (first.repeat, first.overdue_days, first.deadline) == (1, 18, "2026年10月1日")


def test_reply_days_setting(outcome):
    from dataclasses import replace as copy

    loaded = copy(outcome.loaded, params=outcome.loaded.params.with_values(回执时限=3))
    (v, *_) = build_views(copy(outcome, loaded=loaded))
    assert v.reply_by == "2026年11月26日"          # 3 working days after Monday 23 November
    assert "于2026年11月26日前完成整改" in v.demand


def test_reprint_of_a_deleted_task_is_a_message(outcome):
    ghost = Notice("黄督〔2026〕99号", "不存在", "黄", RUN, ("县财政局",), RUN, 0, "常务副县长", "x")
    with pytest.raises(LedgerError, match="黄督〔2026〕99号"):
        build_views(outcome, [ghost])


def test_run_renders_the_sms_list(outcome, tmp_path):
    paths = render_notices(build_views(outcome), tmp_path, outcome.loaded.params)
    assert [p.name for p in paths] == ["黄色督办单.docx", "红色督办单.docx", "督办单.html", "蓝色督办短信.xlsx"]
    rows = sms_rows(tmp_path / "蓝色督办短信.xlsx")
    assert rows[0] == ["单位", "主要负责人", "联系电话", "短信内容", "督办单编号", "提示"]
    assert [r[:3] + r[4:5] for r in rows[1:]] == [
        ["县教育局", "王建国", "13800000001", "蓝督〔2026〕1号"],   # by 单位名录 order, then number
        ["县教育局", "王建国", "13800000001", "蓝督〔2026〕2号"],
        ["县卫生健康局", None, None, "蓝督〔2026〕1号"]]
    assert rows[1][5] is None and rows[3][5].startswith("单位名录中没有该单位的主要负责人、联系电话")


# --- PDF -----------------------------------------------------------------------------------------

def pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M)[1])
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 不在 PATH 上，跳过 PDF 页数检查")
def test_pdf_has_one_page_per_notice(tmp_path):
    views = [replace(v, color="黄", color_name="黄色", color_hex="C9A000", number=f"黄督〔2026〕{i}号")
             if v.color != "黄" else v for i, v in enumerate(fixed_views(), start=20)]
    paths = render_notices(views, tmp_path, DEFAULT_PARAMS)
    combined = paths[0]
    assert combined.name == "黄色督办单.docx"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(combined)], check=True, capture_output=True, timeout=180)
    assert pdf_pages(tmp_path / "黄色督办单.pdf") == len(views)


def test_fast_docxtpl_paths_render_exactly_what_docxtpl_renders():
    """The listing and table shortcuts in notice_render must not change a byte of the body."""
    from io import BytesIO

    from docxtpl import DocxTemplate

    from ledger.rendering.docx_tools import fast_template_class as _template_class
    from ledger.rendering.notice_render import _context, jinja_env, _safe

    views = [_safe(v) for v in fixed_views()]
    views[0] = replace(views[0], content="第一行\n第二行\t制表 & <符号>", progress="进展\n甲")
    template = (builtin_templates() / "督办单.docx").read_bytes()
    bodies = []
    for cls in (DocxTemplate, _template_class()):
        tpl = cls(BytesIO(template))
        if cls is not DocxTemplate:
            tpl.dynamic_columns = False
        tpl.render(_context([v for v in views if v.color == "黄"] or views, "黄"), jinja_env=jinja_env(),
                   autoescape=True)
        bodies.append(tpl.docx.element.body.xml)
    assert "<w:br/>" in bodies[0]          # the line break really went through listing resolution
    assert bodies[0] == bodies[1]


def test_a_huge_stack_is_split_into_numbered_print_files(tmp_path, monkeypatch):
    import ledger.rendering.notice_render as nr

    monkeypatch.setattr(nr, "STACK_LIMIT", 2)
    views = [view(f"黄督〔2026〕{i}号", "黄", "县财政局") for i in range(1, 6)]
    paths = render_notices(views, tmp_path, DEFAULT_PARAMS)
    stacks = sorted(p.name for p in paths if p.suffix == ".docx")
    assert stacks == ["黄色督办单_1（第1—2份）.docx", "黄色督办单_2（第3—4份）.docx", "黄色督办单_3（第5—5份）.docx"]
    texts = [docx_text(tmp_path / name) for name in stacks]
    assert [t.count("======== 分页 ========") for t in texts] == [1, 1, 0]
    assert "黄督〔2026〕5号" in texts[2] and "黄督〔2026〕1号" in texts[0]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=12)
       | st.text(alphabet="\t\r\n\x0b\x0c\x00\x1f\x7f\u3000 a中\ufffe", max_size=8))
def test_is_clean_says_exactly_when_clean_text_would_change_a_text(text):
    from ledger.rendering.notice_view import clean_text, is_clean

    assert is_clean(text) == (clean_text(text) == text)
