"""Weekly summary, 通报 and annual score documents (SPEC §4): golden text, GB/T 9704 layout facts,
the chart and its no-tofu fallback, cell text as data, reproducible bytes, a LibreOffice PDF.

Golden files live in tests/golden/reports/; regenerate them with ``UPDATE_GOLDEN=1 pytest
tests/test_reports.py`` and read the diff before committing it.
"""

import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import task
from ledger.rendering import chart
from ledger.core.errors import LedgerError
from ledger.rendering.reports import bulletin_number, render_period, render_weekly
from ledger.core.periods import parse_period, periods_just_ended
from test_stats import Q3_LOG, Q3_ROWS, Q3_UNITS, log_row, outcome, week_outcome

from golden_files import check_golden  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PATTERN = "督通〔{年}〕{号}号"
SCRIPT = '<script>alert("x")</script>'


# --- helpers -----------------------------------------------------------------------------------

def golden(name: str, actual: str) -> None:
    check_golden("reports", name, actual)


def docx_text(path: Path) -> str:
    """Non-empty paragraphs and table rows in body order; page breaks marked."""
    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == W + "p":
            if block.findall(f".//{W}br[@{W}type='page']"):
                lines.append("======== 分页 ========")
            if block.findall(f".//{W}drawing"):
                lines.append("[图片]")
            text = docx.text.paragraph.Paragraph(block, document).text
            if text.strip():
                lines.append(text)
        elif block.tag == W + "tbl":
            for row in docx.table.Table(block, document).rows:
                lines.append("| " + " | ".join(cell.text for cell in row.cells) + " |")
    return "\n".join(lines) + "\n"


def html_text(path: Path) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,…", path.read_text("utf-8"))


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def members(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def q3_rows_with_script():
    rows = [dict(r) for r in Q3_ROWS]
    rows[3]["任务内容"] = f"{SCRIPT}清理拖欠企业账款 & 整改"        # A4 is named in the 通报
    return rows


@pytest.fixture(scope="module")
def q3(tmp_path_factory):
    """The hand-computed Q3 ledger of test_stats, reported on 2026-10-08."""
    tmp = tmp_path_factory.mktemp("q3")
    o = outcome(tmp / "台账.xlsx", q3_rows_with_script(), date(2026, 10, 8), log=Q3_LOG, unit_names=Q3_UNITS)
    paths = render_period(o, parse_period("2026Q3"), tmp / "out")
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("year")
    o = outcome(tmp / "台账.xlsx", q3_rows_with_script(), date(2027, 1, 4), log=Q3_LOG, unit_names=Q3_UNITS)
    assert [p.label for p in periods_just_ended(date(2026, 12, 28), o.run_date)][-1] == "2026年"
    paths = render_period(o, parse_period("2026"), tmp / "out")
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def weekly(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("week")
    paths = render_weekly(week_outcome(tmp), tmp / "out")
    return {p.name: p for p in paths}


# --- golden files ------------------------------------------------------------------------------

def test_outputs(q3, year, weekly):
    assert sorted(q3) == ["通报_2026年第三季度.docx", "通报_2026年第三季度.html"]
    assert sorted(year) == ["年度考核_2026年.xlsx", "通报_2026年.docx", "通报_2026年.html"]
    assert sorted(weekly) == ["周汇总.docx", "周汇总.html"]


def test_quarter_docx_text_matches_golden(q3):
    golden("通报_2026年第三季度.txt", docx_text(q3["通报_2026年第三季度.docx"]))


def test_quarter_html_matches_golden(q3):
    golden("通报_2026年第三季度.html", html_text(q3["通报_2026年第三季度.html"]))


def test_year_docx_text_matches_golden(year):
    golden("通报_2026年.txt", docx_text(year["通报_2026年.docx"]))


def test_weekly_matches_golden(weekly):
    golden("周汇总.txt", docx_text(weekly["周汇总.docx"]))
    golden("周汇总.html", weekly["周汇总.html"].read_text("utf-8"))


# --- numbering ----------------------------------------------------------------------------------

@pytest.mark.parametrize("period, number", [
    ("2026-01", "督通〔2026〕1号"), ("2026-11", "督通〔2026〕11号"), ("2026-12", "督通〔2027〕12号"),
    ("2026Q1", "督通〔2026〕13号"), ("2026Q3", "督通〔2026〕15号"), ("2026Q4", "督通〔2027〕16号"),
    ("2026H1", "督通〔2026〕17号"), ("2026H2", "督通〔2027〕18号"), ("2026", "督通〔2027〕19号"),
])
def test_bulletin_number_is_derived_from_the_period(period, number):
    assert bulletin_number(parse_period(period), PATTERN) == number


def test_bulletin_numbers_never_collide():
    periods = [f"{y}-{m:02d}" for y in (2026, 2027) for m in range(1, 13)] + \
              [f"{y}Q{q}" for y in (2026, 2027) for q in range(1, 5)] + \
              [f"{y}H{h}" for y in (2026, 2027) for h in (1, 2)] + ["2026", "2027"]
    numbers = [bulletin_number(parse_period(p), PATTERN) for p in periods]
    assert len(set(numbers)) == len(numbers)


# --- GB/T 9704 layout -------------------------------------------------------------------------------

def test_page_is_a4_with_official_margins(q3):
    doc = part(q3["通报_2026年第三季度.docx"], "word/document.xml")
    size = re.search(r"<w:pgSz [^>]*>", doc).group(0)
    assert 'w:w="11906"' in size and 'w:h="16838"' in size
    margins = re.search(r"<w:pgMar [^>]*>", doc).group(0)
    # 37 mm = 2098 twips, 35 mm = 1984, 28 mm = 1587, 26 mm = 1474 (±1 for rounding)
    got = {k: int(v) for k, v in re.findall(r'w:(top|bottom|left|right)="(\d+)"', margins)}
    assert all(abs(got[k] - v) <= 1 for k, v in dict(top=2098, bottom=1984, left=1587, right=1474).items()), got


def styles(path: Path) -> dict[str, str]:
    xml = part(path, "word/styles.xml")
    return {m.group(1): m.group(0) for m in re.finditer(r'<w:style [^>]*w:styleId="([^"]+)".*?</w:style>', xml, re.S)}


def test_fonts_sizes_and_colours_on_the_styles(q3):
    s = styles(q3["通报_2026年第三季度.docx"])
    for style, font in (("公文标题", "方正小标宋简体"), ("发文机关标志", "方正小标宋简体"), ("公文正文", "仿宋_GB2312"),
                        ("一级标题", "黑体"), ("二级标题字符", "楷体_GB2312"), ("页码", "宋体")):
        assert f'w:eastAsia="{font}"' in s[style], style
    assert '<w:sz w:val="44"/>' in s["公文标题"]          # 2号 = 22 pt
    assert '<w:sz w:val="32"/>' in s["公文正文"]          # 3号 = 16 pt
    assert '<w:sz w:val="28"/>' in s["页码"]              # 4号 = 14 pt
    assert '<w:color w:val="C00000"/>' in s["发文机关标志"]
    fonts = part(q3["通报_2026年第三季度.docx"], "word/fontTable.xml")
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋,FangSong"/>' in fonts


def test_red_mark_number_and_separator_line(q3):
    document = docx.Document(str(q3["通报_2026年第三季度.docx"]))
    mark, number, title = document.paragraphs[:3]
    assert (mark.style.name, mark.text) == ("发文机关标志", "县人民政府办公室文件")
    assert number.text == "督通〔2026〕15号"
    line = number._p.pPr.find(f"{W}pBdr").find(f"{W}bottom")
    assert (line.get(f"{W}val"), line.get(f"{W}color")) == ("single", "C00000")
    assert title.text == "关于2026年第三季度县政府\n督查督办事项落实情况的通报"
    assert title.style.name == "公文标题"


def test_page_numbers_in_the_footers(q3):
    path = q3["通报_2026年第三季度.docx"]
    assert "<w:evenAndOddHeaders/>" in part(path, "word/settings.xml")
    footers = [n for n in members(path) if re.match(r"word/footer\d+\.xml", n)]
    assert len(footers) == 2                                     # odd (right) and even (left)
    for name in footers:
        xml = part(path, name)
        assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in xml
        assert "— " in xml and " —" in xml


def test_imprint_and_signature(q3):
    """GB/T 9704: 落款 with the last lines of text, never alone on a page; 版记 between a thick, a thin
    and a thick line, in a table floating at the foot of the last page."""
    path = q3["通报_2026年第三季度.docx"]
    text = docx_text(path)
    assert text.endswith("督办情况纳入年度综合绩效考评。\n县人民政府办公室\n2026年10月8日\n"
                         "| 抄送：县委办公室，县人大常委会办公室，县政协办公室。 |\n"
                         "| 县人民政府办公室\t2026年10月8日印发 |\n")
    body = docx.Document(str(path)).element.body
    last_text = [p for p in body.iter(W + "p") if "综合绩效考评" in "".join(t.text or "" for t in p.iter(W + "t"))][-1]
    assert last_text.find(f"{W}pPr/{W}keepNext") is not None
    imprint = body.findall(W + "tbl")[-1]
    position = imprint.find(f"{W}tblPr/{W}tblpPr")
    assert (position.get(W + "vertAnchor"), position.get(W + "tblpYSpec")) == ("margin", "bottom")
    lines = {el.tag.split("}")[1]: el.get(W + "sz") for el in imprint.find(f"{W}tblPr/{W}tblBorders")}
    assert lines == {"top": "8", "bottom": "8", "insideH": "6"}      # 0.35 / 0.25 mm (eighths of a point)


# --- chart ---------------------------------------------------------------------------------------

def test_chart_is_embedded_as_png(q3):
    media = [n for n in members(q3["通报_2026年第三季度.docx"]) if n.startswith("word/media/")]
    assert len(media) == 1 and media[0].endswith(".png")
    html = q3["通报_2026年第三季度.html"].read_text("utf-8")
    assert len(re.findall(r'<img alt="各单位按时办结率柱状图" src="data:image/png;base64,', html)) == 1


def test_chart_font_has_every_glyph():
    assert chart.find_cjk_font("县住房和城乡建设局按时办结率") is not None
    assert chart.find_cjk_font("县\U000F0000局") is None          # a private-use character: no font draws it
    png = chart.rate_chart_png([("县财政局", 1.0), ("城关镇", 0.5)])
    assert png.startswith(b"\x89PNG") and png == chart.rate_chart_png([("县财政局", 1.0), ("城关镇", 0.5)])
    assert chart.rate_chart_png([("县\U000F0000局", 1.0)]) is None
    assert chart.rate_chart_png([]) is None


def test_a_chart_of_many_units_fits_the_page(tmp_path):
    rows = [task(f"M{i}", date(2026, 3, 1), date(2026, 3, 10), unit=f"第{i}局") for i in range(40)]
    o = outcome(tmp_path / "台账.xlsx", rows, date(2026, 4, 7), keep_new=False)
    path = render_period(o, parse_period("2026-03"), tmp_path / "out")[0]
    cx, cy = map(int, re.search(r'<wp:extent cx="(\d+)" cy="(\d+)"', part(path, "word/document.xml")).groups())
    assert cy <= 200 * 36000 and cx < 150 * 36000          # EMU: 36000 per mm


def test_without_a_cjk_font_the_chart_is_a_text_table(tmp_path, monkeypatch):
    monkeypatch.setattr(chart, "_cjk_candidates", lambda: ())
    o = outcome(tmp_path / "台账.xlsx", Q3_ROWS, date(2026, 10, 8), log=Q3_LOG, unit_names=Q3_UNITS)
    paths = {p.name: p for p in render_period(o, parse_period("2026Q3"), tmp_path / "out")}
    path = paths["通报_2026年第三季度.docx"]
    assert not [n for n in members(path) if n.startswith("word/media/")]
    text = docx_text(path)
    assert "| 县财政局 | " + "█" * 20 + " | 100% |" in text
    assert "| 县教育局 | " + "█" * 10 + " | 50% |" in text
    assert "| 城关镇 | ▏ | 0% |" in text
    html = paths["通报_2026年第三季度.html"].read_text("utf-8")
    assert "<img" not in html and '<td class="bar low">██████████</td>' in html


# --- cell text is data ---------------------------------------------------------------------------

def test_html_escapes_cell_text(q3):
    html = q3["通报_2026年第三季度.html"].read_text("utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;清理拖欠企业账款 &amp; 整改" in html
    assert f"{SCRIPT}清理拖欠企业账款 & 整改" in docx_text(q3["通报_2026年第三季度.docx"])


def test_annual_xlsx_reads_back(year):
    wb = openpyxl.load_workbook(year["年度考核_2026年.xlsx"])
    assert wb.sheetnames == ["年度考核", "说明"]
    rows = [[c.value for c in row] for row in wb["年度考核"].iter_rows()]
    assert rows[0][:3] == ["序号", "单位", "交办任务数"]
    # 2026 tasks by 交办日期: 财政 A1 A2; 教育 A2 A4 A9; 城关 A3 A7; 水利 A5 A6 (A8 unreadable date)
    # 2026 notices: 教育 蓝2 黄2 红3 红4 (1 + 2 + 10, ≥2 红 → 通报批评), 城关 蓝3, 水利 蓝1 黄1 红1 红2
    assert [r[1:] for r in rows[1:]] == [
        ["县财政局", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None],
        ["县教育局", 3, 1, 1, 2, 13, 0, 0, 0, 0, 0, -13, 0, "通报批评"],
        ["城关镇", 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, -1, 0, None],
        ["县水利局", 2, 1, 1, 2, 13, 0, 0, 0, 0, 0, -13, 0, "通报批评"],
    ]
    notes = [r[0].value for r in wb["说明"].iter_rows()]
    assert notes[0] == "2026年度督查督办考核得分表"
    assert "年度内累计2次或同一督办事项2次收到红色督办单" in notes[-2]
    assert "县教育局（年度内累计2次；任务A4累计2次）；县水利局（年度内累计2次；任务A6累计2次）" in notes[-2]
    assert notes[-1].endswith("诫勉谈话（第十条）：无。")


def test_formula_like_unit_names_stay_text(tmp_path):
    rows = [task("F1", date(2026, 3, 1), "年底前", unit="@应急局"),
            task("F2", date(2026, 3, 1), "年底前", unit="+水务局")]
    log = [log_row("红督〔2026〕1号", "F1", "红", date(2026, 5, 1), "@应急局")]
    o = outcome(tmp_path / "台账.xlsx", rows, date(2026, 6, 1), log=log, keep_new=False)
    paths = {p.name: p for p in render_period(o, parse_period("2026"), tmp_path / "out")}
    ws = openpyxl.load_workbook(paths["年度考核_2026年.xlsx"]).worksheets[0]
    cells = {ws.cell(r, 2).value: ws.cell(r, 2) for r in (2, 3)}
    assert set(cells) == {"@应急局", "+水务局"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells.values())
    sheet = part(paths["年度考核_2026年.xlsx"], "xl/worksheets/sheet1.xml")
    assert "<f>" not in sheet


# --- reproducibility and templates ---------------------------------------------------------------------

def test_same_run_same_bytes(tmp_path):
    def render(sub: str) -> dict[str, bytes]:
        o = outcome(tmp_path / f"{sub}.xlsx", Q3_ROWS, date(2027, 1, 4), log=Q3_LOG, unit_names=Q3_UNITS)
        paths = render_period(o, parse_period("2026"), tmp_path / sub) + render_weekly(o, tmp_path / sub)
        return {p.name: p.read_bytes() for p in paths}

    assert render("a") == render("b")


def test_provisional_period_says_so(tmp_path):
    o = outcome(tmp_path / "台账.xlsx", Q3_ROWS, date(2026, 11, 20), log=Q3_LOG, unit_names=Q3_UNITS)
    paths = {p.name: p for p in render_period(o, parse_period("2026Q4"), tmp_path / "out")}
    text = docx_text(paths["通报_2026年第四季度.docx"])
    assert "本期尚未结束，以上为截至2026年11月20日的暂计数据，应办结日期在此之后的事项未计入。" in text
    assert "督通〔2027〕16号" in text
    assert "督查督办事项落实情况的通报（暂计）" in text
    document = docx.Document(str(paths["通报_2026年第四季度.docx"]))
    section = document.sections[0]
    for header in (section.header, section.even_page_header):     # every page, odd and even
        assert header.paragraphs[0].text == "暂计（截至2026年11月20日，本期尚未结束）"
    html = paths["通报_2026年第四季度.html"].read_text("utf-8")
    assert '<div class="page-mark">暂计（截至2026年11月20日，本期尚未结束）</div>' in html


def test_provisional_year_marks_bonuses(tmp_path):
    o = outcome(tmp_path / "台账.xlsx", Q3_ROWS, date(2026, 11, 20), log=Q3_LOG, unit_names=Q3_UNITS,
                params={"加分门槛": 2})
    paths = {p.name: p for p in render_period(o, parse_period("2026"), tmp_path / "out")}
    text = docx_text(paths["通报_2026年.docx"])
    assert "附件：2026年度督查督办考核得分表（暂计）" in text
    assert "| 1 | 县财政局 | 2 | 0 | 0 | 0 | 0 | 15 | 15 |  | 加分暂计 |" in text    # 2 tasks ≥ 加分门槛 2
    assert "2026年尚未结束，以上为截至2026年11月20日的暂计得分，加分待年度结束后确定。" in text
    wb = openpyxl.load_workbook(paths["年度考核_2026年.xlsx"])
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]][1:] == ["县财政局", 2, 0, 0, 0, 0, 10, 5, 0, 0, 15, 15, 0, "加分暂计"]
    # the year is running: 暂计 on each sheet's tab and on each printed page of the score table
    assert wb.sheetnames == ["年度考核（暂计）", "说明（暂计）"]
    assert all("暂计（截至2026年11月20日）" in sheet.oddHeader.center.text for sheet in wb.worksheets)


def test_clerk_template_folder_and_broken_template(tmp_path):
    o = outcome(tmp_path / "台账.xlsx", Q3_ROWS, date(2026, 10, 8), log=Q3_LOG, unit_names=Q3_UNITS)
    own = tmp_path / "模板"
    own.mkdir()
    (own / "通报.html").write_text("<p>{{ number }}：{{ overall_text }}</p>\n", encoding="utf-8")
    paths = {p.name: p for p in render_period(o, parse_period("2026Q3"), tmp_path / "out", templates=own)}
    assert paths["通报_2026年第三季度.html"].read_text("utf-8").startswith("<p>督通〔2026〕15号：本期应办结督办事项6项")
    assert docx_text(paths["通报_2026年第三季度.docx"]).startswith("县人民政府办公室文件\n")  # built-in docx

    (own / "通报.html").write_text("<p>{{ 发文单位 }}</p>", encoding="utf-8")
    with pytest.raises(LedgerError) as exc:
        render_period(o, parse_period("2026Q3"), tmp_path / "out2", templates=own)
    assert exc.value.message.startswith("模板“通报.html”使用了程序不提供的字段（'发文单位' is undefined）")
    assert not (tmp_path / "out2").exists()          # nothing written when a template is broken


# --- LibreOffice ---------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装：跳过 PDF 转换检查")
def test_bulletin_converts_to_pdf(q3, tmp_path):
    source = q3["通报_2026年第三季度.docx"]
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / source.name).with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 1
    assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox[0 0 595" in pdf    # A4 portrait
