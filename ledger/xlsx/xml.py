"""Safe XML parsing and serialising, and cell-reference helpers, shared by the ``xlsx_*`` modules.

Every part of a workbook is parsed with entity expansion and network access off; a part with a
DTD is refused (Excel never writes one, so it can only be hostile or broken). A part is written
back with its original XML declaration (and BOM) kept verbatim, so an edited part differs from the
original only where it was edited. Also here: the OOXML namespaces and content types the
write-back uses, and ``'B12'`` / ``'A1:C3'`` reference parsing.
"""

from __future__ import annotations

import re

from lxml import etree

from .cells import column_index
from .types import PatchError

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_STANDARD_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


def _parse(data: bytes, part: str) -> etree._ElementTree:
    if b"<!DOCTYPE" in data[:65536]:
        raise PatchError(f"工作簿内部文件 {part} 含有 DTD 声明，Excel 不会生成这种内容，已拒绝处理")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise PatchError(f"工作簿内部文件 {part} 已损坏，无法解析（{exc}）") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise PatchError(f"工作簿内部文件 {part} 含有 DTD 声明，Excel 不会生成这种内容，已拒绝处理")
    return tree


_DECL = re.compile(rb"^(\xef\xbb\xbf)?(<\?xml[^>]*\?>)(\s*)")
_DECL_ENC = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")


def _serialize(tree: etree._ElementTree, original: bytes | None) -> bytes:
    """The document as UTF-8 bytes, keeping the original XML declaration (and BOM) verbatim."""
    body = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    m = _DECL.match(original or b"")
    if m is None:
        return body if original else _STANDARD_DECL + b"\r\n" + body
    enc = _DECL_ENC.search(m.group(2))
    if enc and enc.group(1).lower().replace(b"-", b"").replace(b"_", b"") != b"utf8":
        return _STANDARD_DECL + b"\r\n" + body
    return (m.group(1) or b"") + m.group(2) + m.group(3) + body


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def _split_ref(ref: str) -> tuple[int, int] | None:
    """'B12' → (12, 2) (row, col); None when not a cell reference."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    return int(m.group(2)), column_index(m.group(1))


def _split_range(ref: str) -> tuple[int, int, int, int] | None:
    """'A1:C3' or 'B2' → (min_row, min_col, max_row, max_col)."""
    ends = ref.split(":")
    if len(ends) > 2:
        return None
    pts = [_split_ref(e) for e in ends]
    if any(p is None for p in pts):
        return None
    r1, c1 = pts[0]
    r2, c2 = pts[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)

