"""docxtpl's rendering on the XML text, without python-docx's object model.

docxtpl renders a template in three steps: turn the body's XML into a Jinja template (`patch_xml`:
tags split across runs joined, ``{%p %}``/``{%tr %}``/``cellbg`` rewritten), render it, and resolve
tabs and line breaks into Word markup (`resolve_listing`). It then parses the rendered text back
into an lxml tree, grafts it into a python-docx Document and serialises the whole package. For a
stack of 400 督办单 that parse, graft, serialise and free took three quarters of the time (and the
trees sat in reference cycles until a full garbage collection).

`FastDocx` keeps docxtpl's own first three steps (its functions, called as they are) and splices
the rendered text straight into the template's document part; every other part of the template
is written as it is, except the headers, footers and footnotes that hold template tags (rendered
the same way) and the core properties. A test renders the built-in templates both ways and
compares the canonical XML of every part.

docxtpl reads its rendered text back with a recovering parser, which quietly patches over
markup a template's tags have broken (a ``{%p if %}`` closed inside a table cell). The built-in
templates are proven by the tests; for a clerk's own template, `open(..., validate=True)` parses
every rendered part and refuses a broken one, so Word never meets a damaged file.

`FastDocx.open` returns None for what this path does not do — templates using docxtpl's
``{%tc %}`` column tags (which need the table re-gridding done on the tree) — and callers then
render with docxtpl. Contexts must hold plain values and RichText only: an InlineImage or a
Subdoc needs docxtpl's document object, so the 通报 with its chart stays on docxtpl.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from io import BytesIO

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OFFICE_DOCUMENT = _REL + "/officeDocument"
_TEMPLATED_PARTS = (_REL + "/header", _REL + "/footer", _REL + "/footnotes")
_CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
         "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
# core properties docxtpl renders as Jinja text (its render_properties), by element
_TEMPLATED_PROPS = ("dc:creator", "dc:description", "dc:identifier", "dc:language", "dc:subject", "dc:title")
_TAG = re.compile(r"\{[{%#]")
_LISTING_CHARS = re.compile(r"[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)   # docxtpl's own paragraph pattern
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")[^"]*(")')
_TCPR = re.compile(r"<w:tcPr>(?:(?!</w:tcPr>).)*?<w:shd\b.*?</w:tcPr>", re.DOTALL)
_TCPR_ORDER = {name: i for i, name in enumerate(
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark "
    "headers cellIns cellDel cellMerge tcPrChange".split())}
_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def patch_xml(xml: str) -> str:
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, xml)    # uses nothing of the instance


def resolve_listing(xml: str) -> str:
    """docxtpl's resolve_listing, run only on the paragraphs holding a tab, line break or form
    feed: it changes nothing else, and a 1,000-notice body has very few."""
    if not _LISTING_CHARS.search(xml):
        return xml
    from docxtpl import DocxTemplate

    return _PARAGRAPH.sub(lambda m: DocxTemplate.resolve_listing(None, m.group(0))
                          if _LISTING_CHARS.search(m.group(0)) else m.group(0), xml)


def order_cell_properties(xml: str) -> str:
    """docxtpl's cellbg puts w:shd first in w:tcPr; Word wants the schema order (after w:tcW).
    Applied to the template text, where a cell's properties hold at most a {{ }} in an attribute."""
    from lxml import etree

    def fix(m: re.Match) -> str:
        try:
            tc_pr = etree.fromstring(m.group(0).replace("<w:tcPr>", f'<w:tcPr xmlns:w="{W}">', 1))
        except etree.XMLSyntaxError:
            return m.group(0)
        return "<w:tcPr>" + "".join(etree.tostring(el, encoding="unicode").replace(f' xmlns:w="{W}"', "")
                                    for el in order_cell_properties_tree(tc_pr)) + "</w:tcPr>"

    return _TCPR.sub(fix, xml)


def order_cell_properties_tree(tc_pr) -> list:
    """The children of a w:tcPr element in schema order (unknown ones last, as they were)."""
    from lxml import etree

    return sorted(tc_pr, key=lambda el: _TCPR_ORDER.get(etree.QName(el).localname, len(_TCPR_ORDER)))


def order_shaded_cells(body) -> None:
    """`order_cell_properties` on a rendered tree (docxtpl's own path): every w:tcPr holding a
    w:shd gets its children in schema order."""
    for tc_pr in {shd.getparent() for shd in body.iter(f"{{{W}}}shd")}:
        if tc_pr.tag == f"{{{W}}}tcPr":
            tc_pr[:] = order_cell_properties_tree(tc_pr)


def has_column_tags(document: bytes) -> bool:
    """The document part uses docxtpl's {%tc %} column tags (tables re-gridded on the tree)."""
    return re.search(rb"\{%-?\s*tc\s", document) is not None


class FastDocx:
    """A .docx template prepared for string-level rendering; render() as often as needed."""

    def __init__(self, data: bytes, main: str, head: str, body: str, tail: str, parts: dict[str, str],
                 validate: bool = False):
        self.data, self.main, self.head, self.body, self.tail, self.parts = data, main, head, body, tail, parts
        self.validate = validate
        self._compiled: dict[tuple[int, str], tuple] = {}    # print stacks of a run share one template

    @classmethod
    def open(cls, data: bytes, validate: bool = False) -> "FastDocx | None":
        from lxml import etree

        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            main = _target(zf, "_rels/.rels", "", _OFFICE_DOCUMENT)
            if main is None or "docProps/core.xml" not in names:
                return None     # python-docx would add a core properties part: leave that to it
            document = zf.read(main)
            if has_column_tags(document):
                return None
            root = etree.fromstring(document)
            body = root.find(f"{{{W}}}body")
            if body is None:
                return None
            # the body as docxtpl sees it: serialised by lxml, then patched into Jinja text
            text = _drop_inherited_namespaces(etree.tostring(body, encoding="unicode"), root.nsmap)
            source = order_cell_properties(patch_xml(text))
            root.replace(body, etree.Element(f"{{{W}}}body"))
            shell = etree.tostring(root, encoding="unicode")
            if shell.count("<w:body/>") != 1:
                return None
            head, tail = shell.split("<w:body/>")
            parts = {}
            rels = main.rsplit("/", 1)[0] + "/_rels/" + main.rsplit("/", 1)[-1] + ".rels"
            for name in _targets(zf, rels, main.rsplit("/", 1)[0], _TEMPLATED_PARTS):
                blob = zf.read(name)
                if _TAG.search(blob.decode("utf-8", "replace")):
                    text = etree.tostring(etree.fromstring(blob), encoding="unicode")
                    parts[name] = patch_xml(text)
        return cls(data, main, head, source, tail, parts, validate)

    def render(self, context: dict, jinja_env, stamp: datetime, title: str, comments: str | None = None) -> bytes:
        """The rendered document; member dates and document dates are `stamp` (reproducible)."""
        jinja_env.autoescape = True     # without it a & or < in a value corrupts the XML
        body = _DOCPR_ID.sub(_Counter(), self._render_part(self.body, context, jinja_env))
        changed = {self.main: (_DECLARATION + self.head + body + self.tail).encode("utf-8")}
        for name, source in self.parts.items():
            changed[name] = (_DECLARATION + self._render_part(source, context, jinja_env)).encode("utf-8")
        if self.validate:
            _check_well_formed(changed)
        from ..xlsx.package import copy_raw

        out, raw, when = BytesIO(), BytesIO(self.data), stamp.timetuple()[:6]
        with zipfile.ZipFile(BytesIO(self.data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            core = _core_properties(zin.read("docProps/core.xml"), context, jinja_env, stamp, title, comments)
            changed["docProps/core.xml"] = core
            for info in zin.infolist():
                # parts the render did not touch keep the template's compressed bytes
                if info.filename in changed or not copy_raw(raw, info, zout, when):
                    member = zipfile.ZipInfo(info.filename, date_time=when)
                    member.compress_type = zipfile.ZIP_DEFLATED
                    member.external_attr = 0o644 << 16
                    zout.writestr(member, changed.get(info.filename) or zin.read(info.filename))
        return out.getvalue()

    def _render_part(self, source: str, context: dict, jinja_env) -> str:
        """docxtpl's render_xml_part on text: the same newline trick (Jinja error line numbers),
        the same unescaping of {_{ … }_}, the same listing resolution."""
        key = (id(jinja_env), source)
        if key not in self._compiled:   # the env is kept with it, so its id cannot be reused
            self._compiled[key] = (jinja_env, jinja_env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", source)))
        xml = self._compiled[key][1].render(context)
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")   # docxtpl's re.sub, faster
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return resolve_listing(xml)


_XMLNS = re.compile(r'\s+xmlns(?::([\w.-]+))?="([^"]*)"')


def _drop_inherited_namespaces(element_xml: str, inherited: dict) -> str:
    """A serialised subtree repeats on its root element every namespace declared above it; the
    document root declares them already, so they are dropped where they say the same."""
    end = element_xml.index(">")
    start_tag = _XMLNS.sub(lambda m: "" if inherited.get(m.group(1)) == m.group(2) else m.group(0),
                           element_xml[:end])
    return start_tag + element_xml[end:]


class BrokenMarkup(ValueError):
    """A template's tags produced a part that is not well-formed XML."""


def _check_well_formed(parts: dict[str, bytes]) -> None:
    from lxml import etree

    for name, blob in parts.items():
        try:
            etree.fromstring(blob)
        except etree.XMLSyntaxError as exc:
            raise BrokenMarkup(f"{name} 的 {{% %}} 标记拆开了表格或段落的结构（{exc}）：请让每对 {{%p if %}}/"
                               f"{{%p endif %}}、{{%p for %}}/{{%p endfor %}} 位于同一层（都在表格外，或在同一单元格内）") from None


class _Counter:
    """docxtpl's fix_docpr_ids: drawing ids renumbered from 1001 so copies made by a loop differ."""

    def __init__(self):
        self.n = 1000

    def __call__(self, m: re.Match) -> str:
        self.n += 1
        return f"{m.group(1)}{self.n}{m.group(2)}"


def _core_properties(blob: bytes, context: dict, jinja_env, stamp: datetime, title: str,
                     comments: str | None) -> bytes:
    from lxml import etree

    root = etree.fromstring(blob)

    def element(tag: str):
        prefix, local = tag.split(":")
        found = root.find(f"{{{_CORE[prefix]}}}{local}")
        return found if found is not None else etree.SubElement(root, f"{{{_CORE[prefix]}}}{local}")

    for tag in _TEMPLATED_PROPS:    # docxtpl's render_properties
        found = root.find("{%s}%s" % (_CORE[tag.split(":")[0]], tag.split(":")[1]))
        if found is not None and found.text and _TAG.search(found.text):
            found.text = jinja_env.from_string(found.text).render(context)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag in ("dcterms:created", "dcterms:modified"):
        el = element(tag)
        el.text = iso
        el.set(f"{{{_CORE['xsi']}}}type", "dcterms:W3CDTF")
    element("cp:lastPrinted").text = iso
    element("cp:revision").text = "1"
    element("dc:title").text = title
    if comments is not None:
        element("dc:description").text = comments
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def _target(zf: zipfile.ZipFile, rels: str, base: str, reltype: str) -> str | None:
    found = list(_targets(zf, rels, base, (reltype,)))
    return found[0] if found else None


def _targets(zf: zipfile.ZipFile, rels: str, base: str, reltypes: tuple[str, ...]):
    """Zip member names of the internal relationships of `reltypes` in a .rels part."""
    from lxml import etree

    try:
        root = etree.fromstring(zf.read(rels))
    except KeyError:
        return
    names = set(zf.namelist())
    for rel in root:
        if rel.get("Type") in reltypes and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else _join(base, target)
            if name in names:
                yield name


def _join(base: str, target: str) -> str:
    parts = [p for p in base.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)
