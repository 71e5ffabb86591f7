"""The text-level renderer (ledger.rendering.docx_fast) makes the document docxtpl makes.

Each built-in template is rendered twice with the same context: by plain docxtpl (python-docx
object model, then the cell-property ordering and core properties the renderers set) and by
FastDocx. Every XML part both packages hold must be the same canonical XML (C14N), and the core
properties must say the same.
"""

import zipfile
from dataclasses import replace
from datetime import datetime
from io import BytesIO

import pytest
from docxtpl import DocxTemplate
from lxml import etree

from ledger.rendering.docx_fast import FastDocx, order_shaded_cells
from ledger.rendering.docx_tools import saved_bytes
from ledger.rendering.notice_render import _context, jinja_env, _safe, builtin_templates
from test_notices import fixed_views
from test_stats import week_outcome

STAMP = datetime(2026, 11, 23, 9, 0)
CORE = {"dc": "http://purl.org/dc/elements/1.1/", "cp": "http://schemas.openxmlformats.org/package/2006/"
        "metadata/core-properties", "dcterms": "http://purl.org/dc/terms/"}


def with_docxtpl(template: bytes, context: dict, title: str, comments: str | None) -> bytes:
    tpl = DocxTemplate(BytesIO(template))
    tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    order_shaded_cells(tpl.docx.element.body)
    return saved_bytes(tpl, STAMP, title, comments)


def canonical(blob: bytes) -> bytes:
    return etree.tostring(etree.fromstring(blob), method="c14n")


def core(blob: bytes) -> dict:
    root = etree.fromstring(blob)
    return {tag: root.findtext(tag, namespaces=CORE) for tag in
            ("dc:title", "dc:description", "dc:creator", "cp:revision", "dcterms:created", "dcterms:modified",
             "cp:lastPrinted")}


def assert_same_document(template: bytes, context: dict, title: str, comments: str | None = None) -> str:
    expected = zipfile.ZipFile(BytesIO(with_docxtpl(template, context, title, comments)))
    actual = zipfile.ZipFile(BytesIO(FastDocx.open(template).render(context, jinja_env(), STAMP, title, comments)))
    source = zipfile.ZipFile(BytesIO(template))
    assert set(source.namelist()) <= set(actual.namelist())       # nothing of the template dropped
    compared = 0
    for name in expected.namelist():
        if not name.endswith((".xml", ".rels")) or name == "docProps/core.xml":
            continue
        assert canonical(actual.read(name)) == canonical(expected.read(name)), name
        compared += 1
    assert compared >= 8
    want = core(expected.read("docProps/core.xml"))
    got = core(actual.read("docProps/core.xml"))
    for key in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):   # python-docx drops the Z
        assert got[key].rstrip("Z") == want[key].rstrip("Z") == "2026-11-23T09:00:00"
        del got[key], want[key]
    assert got == want
    return actual.read("word/document.xml").decode("utf-8")


def test_notices_render_as_docxtpl_renders_them():
    views = [_safe(v) for v in fixed_views()]
    views[0] = replace(views[0], content="第一行\n第二行\t制表 & <符号> “引号”", progress="进展\n甲")
    template = (builtin_templates() / "督办单.docx").read_bytes()
    for color in ("红", "黄", "蓝"):
        group = [v for v in views if v.color == color]
        document = assert_same_document(template, _context(group, color), f"{color}色督办单", "督查室")
        if views[0] in group:       # the line break and the markup characters really went through
            assert "<w:br/>" in document and "&amp; &lt;符号&gt;" in document


def test_the_weekly_summary_renders_as_docxtpl_renders_it(tmp_path):
    from ledger.rendering.reports import _weekly_context

    context = dict(_weekly_context(week_outcome(tmp_path)), chart=None)
    assert context["overdue"] or context["due_soon"]        # the tables really have rows
    template = (builtin_templates() / "周汇总.docx").read_bytes()
    document = assert_same_document(template, context, "督查督办事项周汇总")
    assert context["overall_text"][:20] in document


def test_templated_headers_footers_and_properties_render(tmp_path):
    """A clerk's template with tags in its footer and title renders them like docxtpl."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("{{ office }}：共{{ count }}份")
    doc.sections[0].footer.paragraphs[0].text = "{{ office }} 第{{ count }}份"
    doc.core_properties.title = "{{ office }}"
    doc.core_properties.author = "{{ office }}的督查室"
    buffer = BytesIO()
    doc.save(buffer)
    context = {"office": "县政府督查室 & <办>", "count": 3}
    document = assert_same_document(buffer.getvalue(), context, "标题")
    assert "县政府督查室 &amp; &lt;办&gt;：共3份" in document


def test_templates_with_column_tags_are_left_to_docxtpl():
    import docx

    doc = docx.Document()
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "{%tc for c in cols %}{{ c }}{%tc endfor %}"
    buffer = BytesIO()
    doc.save(buffer)
    assert FastDocx.open(buffer.getvalue()) is None


@pytest.mark.parametrize("text", ["a\tb", "a\nb", "a\fb"])
def test_listing_characters_become_word_markup(text):
    template = (builtin_templates() / "督办单.docx").read_bytes()
    views = [replace(_safe(v), progress=text) for v in fixed_views()][:1]
    document = FastDocx.open(template).render(_context(views, views[0].color), jinja_env(), STAMP, "t")
    xml = zipfile.ZipFile(BytesIO(document)).read("word/document.xml").decode()
    marker = {"\t": "<w:tab/>", "\n": "<w:br/>", "\f": '<w:br w:type="page"/>'}[text[1]]
    assert marker in xml and text not in xml


def broken_template() -> bytes:
    """{%p if %} outside a table, its {%p endif %} inside a cell: false, it cuts the table open."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("{%p if count > 5 %}")
    doc.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].text = "{%p endif %}"
    doc.add_paragraph("{{ office }}")
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_a_clerks_template_that_breaks_the_markup_is_refused():
    from ledger.rendering.docx_fast import BrokenMarkup

    context = {"office": "县政府督查室", "count": 3}
    with pytest.raises(BrokenMarkup, match="word/document.xml 的 {% %} 标记拆开了表格或段落的结构"):
        FastDocx.open(broken_template(), validate=True).render(context, jinja_env(), STAMP, "t")
    fine = dict(context, count=9)          # the same template is fine when the condition holds
    FastDocx.open(broken_template(), validate=True).render(fine, jinja_env(), STAMP, "t")


def test_a_broken_notice_template_stops_the_run_before_anything_is_written(tmp_path):
    from ledger.core.errors import LedgerError
    from ledger.rendering.notice_render import render_notices
    from ledger.reading.params import DEFAULT_PARAMS

    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "督办单.docx").write_bytes(broken_template())
    with pytest.raises(LedgerError, match="督办单模板无法生成文档.*标记拆开了表格或段落的结构"):
        render_notices([_safe(v) for v in fixed_views()], tmp_path / "out", DEFAULT_PARAMS, folder, checked=True)
    assert not (tmp_path / "out").exists()
