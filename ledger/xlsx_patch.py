"""Write cells into an existing .xlsx/.xlsm by patching its XML, never by an openpyxl round trip.

openpyxl load/save silently drops what it does not model (Excel 2010+ extension lists such as
cross-sheet dropdowns, sparklines and data bars; threaded comments; WPS in-cell images; text
boxes) and blanks cached formula results. The clerk's workbook is sacred (SPEC §5), so write-back
works on the zip package directly:

* the target sheet: written cells are replaced or inserted in place (rows and cells stay sorted;
  ``spans``, ``<dimension>`` and ``<cols>`` are kept valid). The fast path splices bytes: every
  untouched row and cell is copied verbatim and the sheet is never parsed as a whole. Sheets laid
  out unusually (namespace prefixes, comments in sheetData, rows or cells without ``r`` …) go
  through the lxml engine instead, which gives the same result;
* ``xl/styles.xml`` only gets entries appended (see :mod:`ledger.xlsx_styles`);
* tool-owned sheets (``督办记录``) are generated whole; a new one is appended as the last sheet,
  which touches ``workbook.xml``, its rels and ``[Content_Types].xml``;
* when a written cell held a formula, its entry is removed from ``xl/calcChain.xml`` (the part is
  dropped with its relationship and content type only when no entry is left); overwriting the
  anchor of a shared formula that other cells still use, or part of an array formula, is refused;
* when the workbook contains formulas, ``<calcPr fullCalcOnLoad="1">`` is set so that Excel/WPS
  recalculate formulas that read the written cells instead of showing stale cached results;
* every other zip entry is copied unchanged — its compressed bytes, name, order and compression
  method — and is never even parsed.

XML is parsed with entity expansion and network access off; a part with a DTD is refused.
Values are rendered by :class:`ledger.xlsx_styles.CellRenderer` (inline strings, so
``sharedStrings.xml`` is never touched and ``=1+1`` stays text).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import struct
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from .errors import column_index, column_letter
from .xlsx_styles import CellRenderer, StyleBook, excel_serial

__all__ = ["CellWrite", "SheetTable", "PatchError", "patch_workbook", "sheet_part_paths", "excel_serial",
           "merged_ranges"]

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
MAX_ROW, MAX_COL = 1_048_576, 16_384
_STANDARD_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

Value = str | int | float | dt.date | None


class PatchError(Exception):
    """The workbook cannot be written safely; the message (in Chinese) says why."""


@dataclass(frozen=True)
class CellWrite:
    """One cell to (over)write: 1-based physical row and column, value, tool style key."""

    row: int
    col: int
    value: Value
    style: str | None = None


@dataclass(frozen=True)
class SheetTable:
    """A whole tool-owned sheet (e.g. 督办记录): written from scratch each time."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    widths: tuple[float, ...]
    date_columns: frozenset[int] = frozenset()


# ----------------------------------------------------------------------------- XML helpers
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


# ----------------------------------------------------------------------------- package
class _Package:
    """The zip entries of a workbook: read lazily, changed/added/removed in memory, then written."""

    def __init__(self, path: Path):
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
            raise PatchError(f"“{path.name}”不是有效的 Excel 工作簿（.xlsx/.xlsm），可能已加密或损坏（{exc}）") from None
        self.path = path
        self.infos = self.zf.infolist()
        self.names = {i.filename: i for i in self.infos}
        if len(self.names) != len(self.infos):
            self.zf.close()
            raise PatchError(f"“{path.name}”的压缩包内有重名文件，结构异常，已拒绝处理")
        self.lower = {n.lower(): n for n in self.names}
        self.cache: dict[str, bytes] = {}
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def close(self) -> None:
        self.zf.close()

    def actual(self, name: str) -> str | None:
        """The stored entry name for a part name (OPC part names are case-insensitive)."""
        name = name.lstrip("/")
        if name in self.added:
            return name
        hit = name if name in self.names else self.lower.get(name.lower())
        return None if hit in self.removed else hit

    def get(self, name: str) -> bytes | None:
        actual = self.actual(name)
        if actual is None:
            return None
        if actual in self.added:
            return self.added[actual]
        if actual in self.changed:
            return self.changed[actual]
        if actual not in self.cache:
            try:
                self.cache[actual] = self.zf.read(self.names[actual])
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                raise PatchError(f"无法读取工作簿内部文件 {actual}（{exc}），文件可能已损坏或加密") from None
        return self.cache[actual]

    def set(self, name: str, data: bytes) -> None:
        actual = self.actual(name) or name
        if actual in self.added:
            self.added[actual] = data
        elif actual in self.names:
            self.changed[actual] = data
        else:
            self.added[actual] = data
            self.lower[actual.lower()] = actual

    def remove(self, name: str) -> None:
        actual = self.actual(name)
        if actual is not None:
            self.added.pop(actual, None)
            self.removed.add(actual)

    def write(self, dst: Path) -> None:
        """Write the package: unchanged entries as their original compressed bytes, in order."""
        with zipfile.ZipFile(dst, "w", allowZip64=True) as out, open(self.path, "rb") as raw:
            out.comment = self.zf.comment
            for info in self.infos:
                name = info.filename
                if name in self.removed:
                    continue
                if name in self.changed:
                    data = self.changed[name]
                    out.writestr(self._info(info, zipfile.ZIP_DEFLATED), data,
                                 compresslevel=1 if len(data) > 2_000_000 else None)
                elif not _copy_raw(raw, info, out):
                    out.writestr(self._info(info, info.compress_type), self.get(name))
                self.cache.pop(name, None)
            for name, data in self.added.items():
                zi = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = 0o600 << 16
                out.writestr(zi, data)

    @staticmethod
    def _info(info: zipfile.ZipInfo, compress_type: int) -> zipfile.ZipInfo:
        zi = zipfile.ZipInfo(info.filename, info.date_time)
        zi.compress_type = compress_type
        zi.external_attr = info.external_attr
        zi.create_system = info.create_system
        zi.comment = info.comment
        return zi


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def _copy_raw(raw, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Append one entry's compressed bytes to `out` unchanged (no inflate/deflate round trip).

    Uses zipfile's documented ZipInfo fields plus its (long-stable) bookkeeping attributes;
    returns False, having written nothing, when the entry is unusual (encrypted, exotic method)
    so the caller falls back to an ordinary writestr().
    """
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            or not hasattr(out, "start_dir") or getattr(out, "_writing", False):
        return False
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        return False
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        return False
    raw.seek(info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
    payload = raw.read(info.compress_size)
    if len(payload) != info.compress_size:
        return False
    zi = zipfile.ZipInfo(info.filename, info.date_time)
    zi.compress_type = info.compress_type
    zi.external_attr = info.external_attr
    zi.create_system = info.create_system
    zi.comment = info.comment
    zi.CRC, zi.compress_size, zi.file_size = info.CRC, info.compress_size, info.file_size
    zi.flag_bits = info.flag_bits & 0x800         # keep only the UTF-8 name flag
    fp = out.fp
    fp.seek(out.start_dir)
    zi.header_offset = fp.tell()
    fp.write(zi.FileHeader())
    fp.write(payload)
    out.start_dir = fp.tell()
    out.filelist.append(zi)
    out.NameToInfo[zi.filename] = zi
    out._didModify = True
    return True


def _resolve_target(base_dir: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def _rels_part(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


@dataclass
class _Sheet:
    name: str
    sheet_id: str
    rid: str
    part: str | None
    rel_type: str


class _Workbook:
    """workbook.xml and its relationships: sheets, parts, date system; edits are kept in memory."""

    def __init__(self, pkg: _Package):
        self.pkg = pkg
        root_rels = pkg.get("_rels/.rels")
        part = None
        if root_rels is not None:
            for rel in _parse(root_rels, "_rels/.rels").getroot():
                if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                    part = _resolve_target("", rel.get("Target", ""))
                    break
        self.part = pkg.actual(part or "xl/workbook.xml")
        data = pkg.get(self.part) if self.part else None
        if data is None:
            raise PatchError("工作簿缺少 workbook.xml，不是有效的 Excel 文件")
        self.original = data
        self.tree = _parse(data, self.part)
        self.root = self.tree.getroot()
        self.ns = etree.QName(self.root).namespace or ""
        self.dir = posixpath.dirname(self.part)
        self.rels_part = pkg.actual(_rels_part(self.part)) or _rels_part(self.part)
        rels_data = pkg.get(self.rels_part)
        if rels_data is None:
            raise PatchError("工作簿缺少 workbook.xml.rels，不是有效的 Excel 文件")
        self.rels_original = rels_data
        self.rels_tree = _parse(rels_data, self.rels_part)
        self.rels: dict[str, tuple[str, str | None]] = {}
        for rel in self.rels_tree.getroot():
            if not isinstance(rel.tag, str):
                continue
            external = rel.get("TargetMode") == "External"
            target = None if external else pkg.actual(_resolve_target(self.dir, rel.get("Target", "")))
            if target is None and not external:
                target = _resolve_target(self.dir, rel.get("Target", ""))
            self.rels[rel.get("Id", "")] = (rel.get("Type", ""), target)
        self.sheets_el = self._child("sheets")
        if self.sheets_el is None:
            raise PatchError("workbook.xml 中没有工作表列表，文件已损坏")
        self.sheets: list[_Sheet] = []
        self.r_ns = REL_NS
        for el in _children(self.sheets_el, "sheet"):
            rid = ""
            for k, v in el.attrib.items():
                if etree.QName(k).localname == "id" and etree.QName(k).namespace:
                    rid, self.r_ns = v, etree.QName(k).namespace
            rel_type, target = self.rels.get(rid, ("", None))
            self.sheets.append(_Sheet(el.get("name", ""), el.get("sheetId", ""), rid, target, rel_type))
        pr = self._child("workbookPr")
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.changed = self.rels_changed = False

    def _child(self, name: str) -> etree._Element | None:
        return self.root.find(f"{{{self.ns}}}{name}" if self.ns else name)

    def find(self, name: str) -> _Sheet | None:
        key = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == key), None)

    def rel_part(self, type_suffix: str) -> tuple[str, str] | None:
        for rid, (rtype, target) in self.rels.items():
            if rtype.endswith(type_suffix) and target:
                return rid, target
        return None

    def worksheet_rel_type(self) -> str:
        for s in self.sheets:
            if s.rel_type.endswith("/worksheet"):
                return s.rel_type
        return REL_NS + "/worksheet"

    def add_relationship(self, rel_type: str, target_part: str) -> str:
        used = set(self.rels)
        nums = [int(r[3:]) for r in used if r.startswith("rId") and r[3:].isdigit()]
        n = max(nums, default=0) + 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        root = self.rels_tree.getroot()
        rel = root.makeelement(f"{{{PKG_REL_NS}}}Relationship",
                               {"Id": rid, "Type": rel_type,
                                "Target": posixpath.relpath(target_part, self.dir or ".")})
        last = _children(root, "Relationship")
        if last:
            last[-1].addnext(rel)
        else:
            root.append(rel)
        self.rels[rid] = (rel_type, target_part)
        self.rels_changed = True
        return rid

    def remove_relationship(self, rid: str) -> None:
        for rel in self.rels_tree.getroot():
            if isinstance(rel.tag, str) and rel.get("Id") == rid:
                rel.getparent().remove(rel)
                self.rels.pop(rid, None)
                self.rels_changed = True
                return

    def append_sheet(self, name: str, rid: str, rel_type: str, part: str) -> _Sheet:
        ids = [int(s.sheet_id) for s in self.sheets if s.sheet_id.isdigit()]
        sheet_id = str(max(ids, default=0) + 1)
        declared = self.r_ns in self.sheets_el.nsmap.values()
        el = self.sheets_el.makeelement(f"{{{self.ns}}}sheet" if self.ns else "sheet",
                                        {"name": name, "sheetId": sheet_id, f"{{{self.r_ns}}}id": rid},
                                        nsmap=None if declared else {"r": self.r_ns})
        existing = _children(self.sheets_el, "sheet")
        if existing:
            existing[-1].addnext(el)
        else:
            self.sheets_el.append(el)
        sheet = _Sheet(name, sheet_id, rid, part, rel_type)
        self.sheets.append(sheet)
        self.changed = True
        return sheet

    def request_full_calc(self) -> None:
        calc = self._child("calcPr")
        if calc is None:
            later = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                     "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
            calc = self.root.makeelement(f"{{{self.ns}}}calcPr" if self.ns else "calcPr", {})
            for child in self.root:
                if _local(child) in later:
                    child.addprevious(calc)
                    break
            else:
                self.root.append(calc)
        if calc.get("fullCalcOnLoad") not in ("1", "true"):
            calc.set("fullCalcOnLoad", "1")
            self.changed = True

    def flush(self) -> None:
        if self.changed:
            self.pkg.set(self.part, _serialize(self.tree, self.original))
        if self.rels_changed:
            self.pkg.set(self.rels_part, _serialize(self.rels_tree, self.rels_original))


class _ContentTypes:
    """[Content_Types].xml, parsed only when an override must be added or removed."""

    PART = "[Content_Types].xml"

    def __init__(self, pkg: _Package):
        self.pkg = pkg
        self.tree: etree._ElementTree | None = None

    def _root(self) -> etree._Element:
        if self.tree is None:
            data = self.pkg.get(self.PART)
            if data is None:
                raise PatchError("工作簿缺少 [Content_Types].xml，不是有效的 Excel 文件")
            self.original = data
            self.tree = _parse(data, self.PART)
        return self.tree.getroot()

    def add_override(self, part: str, content_type: str) -> None:
        root = self._root()
        el = root.makeelement(f"{{{CT_NS}}}Override", {"PartName": "/" + part, "ContentType": content_type})
        root.append(el)

    def remove_override(self, part: str) -> None:
        root = self._root()
        for el in list(root):
            if _local(el) == "Override" and (el.get("PartName") or "").lstrip("/").lower() == part.lower():
                root.remove(el)

    def flush(self) -> None:
        if self.tree is not None:
            self.pkg.set(self.PART, _serialize(self.tree, self.original))


# ----------------------------------------------------------------------------- the task sheet
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s>/]")
_GROUP_HINTS = (b"shared", b"array", b"dataTable")
ENGINE = "auto"        # "auto": byte-level fast path when the sheet allows it; "lxml": always lxml


class _Fallback(Exception):
    """The fast path met something unusual; the lxml engine handles the sheet instead."""


def _check_formula_groups(label: str, masters: list[tuple[str, str]],
                          deps: dict[str, set[tuple[int, int]]],
                          arrays: list[tuple[str, tuple[int, int, int, int]]],
                          written: set[tuple[int, int]]) -> None:
    """Refuse writes that would break a shared formula's dependents or part of an array formula."""
    for ref, si in masters:
        if _split_ref(ref) in written:
            left = sorted(deps.get(si, set()) - written)
            if left:
                names = "、".join(f"{column_letter(c)}{r}" for r, c in left[:3])
                more = "等" if len(left) > 3 else ""
                raise PatchError(
                    f"{label}!{ref} 是共享公式的起始单元格，{names}{more}单元格的公式依赖它；"
                    f"改写它会破坏这些公式。请把这些公式移出工具写入的列，或改为普通公式后再运行")
    for ref, (r1, c1, r2, c2) in arrays:
        hit = [(r, c) for (r, c) in written if r1 <= r <= r2 and c1 <= c <= c2]
        if hit and len(hit) < (r2 - r1 + 1) * (c2 - c1 + 1):
            r, c = min(hit)
            raise PatchError(
                f"{label}!{column_letter(c)}{r} 位于数组公式 {ref} 的区域"
                f"（{column_letter(c1)}{r1}:{column_letter(c2)}{r2}）内，不能只改写其中一部分。"
                f"请把该数组公式移出工具写入的列后再运行")


def _group_formula(t: str | None, si: str | None, fref: str | None, cell_ref: str,
                   masters: list, deps: dict, arrays: list) -> None:
    pos = _split_ref(cell_ref) if cell_ref else None
    if pos is None:
        return
    if t == "shared":
        if fref:
            masters.append((cell_ref.upper(), si or ""))
        else:
            deps.setdefault(si or "", set()).add(pos)
    elif t in ("array", "dataTable") and fref:
        rng = _split_range(fref)
        if rng and (rng[0], rng[1]) != (rng[2], rng[3]):
            arrays.append((cell_ref.upper(), rng))


class _SheetPatch:
    """The lxml engine: parses the whole worksheet, edits the tree, serialises it.

    Also used on a sheet's skeleton (sheetData emptied) by the fast path, for the edits
    outside sheetData: ``<dimension>`` and ``<cols>``.
    """

    def __init__(self, data: bytes, part: str, label: str, cells: CellRenderer):
        self.data, self.part, self.label, self.cells = data, part, label, cells
        self.tree = _parse(data, part)
        self.root = self.tree.getroot()
        if _local(self.root) != "worksheet":
            raise PatchError(f"“{label}”不是普通工作表（可能是图表工作表），无法写入")
        ns = etree.QName(self.root).namespace
        self.ns = ns or ""
        self.q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
        self.ROW, self.C, self.F = self.q("row"), self.q("c"), self.q("f")
        self.sheet_data = self.root.find(self.q("sheetData"))
        if self.sheet_data is None:
            raise PatchError(f"工作表“{label}”缺少 sheetData，文件已损坏")
        self.formula_refs: set[str] = set()
        self.head_changed = False
        self._col_cache: dict[str, int] = {}

    def _col_of(self, ref: str) -> int:
        letters = ref.rstrip("0123456789").replace("$", "")
        col = self._col_cache.get(letters)
        if col is None:
            if not letters.isalpha() or len(letters) > 3:
                raise PatchError(f"工作表“{self.label}”中的单元格地址“{ref}”无效，文件已损坏")
            col = self._col_cache[letters] = column_index(letters)
        return col

    def _index_rows(self) -> dict[int, etree._Element]:
        rows: dict[int, etree._Element] = {}
        prev = 0
        for el in self.sheet_data:
            if el.tag != self.ROW:
                continue
            r = el.get("r")
            try:
                n = int(r) if r is not None else prev + 1
            except ValueError:
                raise PatchError(f"工作表“{self.label}”的行号“{r}”无效，文件已损坏") from None
            if r is None:
                el.set("r", str(n))
            rows[n] = el
            prev = n
        return rows

    def _number_cells(self, row_el: etree._Element, rnum: int) -> None:
        """Give every cell of a row an explicit r (a cell may omit it: then it is previous + 1)."""
        prev = 0
        for c in row_el:
            if c.tag != self.C:
                continue
            r = c.get("r")
            col = self._col_of(r) if r else prev + 1
            if not r:
                c.set("r", f"{column_letter(col)}{rnum}")
            prev = col

    def _check_groups(self, written: set[tuple[int, int]]) -> None:
        if not any(h in self.data for h in _GROUP_HINTS):
            return
        masters: list = []
        deps: dict = {}
        arrays: list = []
        for f in self.sheet_data.iter(self.F):
            _group_formula(f.get("t"), f.get("si"), f.get("ref"), f.getparent().get("r") or "",
                           masters, deps, arrays)
        _check_formula_groups(self.label, masters, deps, arrays, written)

    def apply(self, writes: Mapping[tuple[int, int], CellWrite]) -> None:
        if not writes:
            return
        self._check_groups(set(writes))
        by_row: dict[int, list[CellWrite]] = {}
        for key in sorted(writes):
            by_row.setdefault(key[0], []).append(writes[key])
        letters: dict[int, str] = {}
        parts = [f'<sheetData xmlns="{self.ns}">' if self.ns else "<sheetData>"]
        for r, ws in by_row.items():
            parts.append("<row>")
            for w in ws:
                col = letters.get(w.col) or letters.setdefault(w.col, column_letter(w.col))
                parts.append(self.cells.cell(f"{col}{r}", w.value, w.style))
            parts.append("</row>")
        parts.append("</sheetData>")
        fragment = etree.fromstring("".join(parts).encode("utf-8"), _parser())

        rows = self._index_rows()
        existing = sorted(rows)
        for (rnum, ws), new_row in zip(by_row.items(), list(fragment)):
            row_el = rows.get(rnum)
            if row_el is None:
                new_row.set("r", str(rnum))
                k = bisect_right(existing, rnum)
                if k < len(existing):
                    rows[existing[k]].addprevious(new_row)
                else:
                    self.sheet_data.append(new_row)
                continue
            self._merge_row(row_el, rnum, [w.col for w in ws], list(new_row))
        self.update_dimension(writes)

    def _merge_row(self, row_el: etree._Element, rnum: int, cols: list[int],
                   cells: list[etree._Element]) -> None:
        min_col = cols[0]
        idx: dict[int, etree._Element] = {}
        before = None
        for c in reversed(row_el):
            if c.tag != self.C:
                continue
            ref = c.get("r")
            if ref is None:
                self._number_cells(row_el, rnum)
                return self._merge_row(row_el, rnum, cols, cells)
            col = self._col_of(ref)
            if col < min_col:
                before = c
                break
            idx[col] = c
        ex_cols = sorted(idx)
        j, last = 0, before
        for col, new in zip(cols, cells):
            while j < len(ex_cols) and ex_cols[j] < col:
                last = idx[ex_cols[j]]
                j += 1
            if j < len(ex_cols) and ex_cols[j] == col:
                old = idx[col]
                if old.find(self.F) is not None:
                    self.formula_refs.add(old.get("r").replace("$", "").upper())
                row_el.replace(old, new)
                j += 1
            elif last is not None:
                last.addnext(new)
            else:
                row_el.insert(0, new)
            last = new
        spans = _new_spans(row_el.get("spans"), cols)
        if spans is not None:
            row_el.set("spans", spans)
        elif "spans" in row_el.attrib:
            del row_el.attrib["spans"]

    def update_dimension(self, writes: Mapping[tuple[int, int], CellWrite]) -> None:
        rows = [r for r, _ in writes]
        cols = [c for _, c in writes]
        r1, c1, r2, c2 = min(rows), min(cols), max(rows), max(cols)
        dim = self.root.find(self.q("dimension"))
        if dim is not None:
            old = _split_range(dim.get("ref") or "")
            if old:
                r1, c1, r2, c2 = min(r1, old[0]), min(c1, old[1]), max(r2, old[2]), max(c2, old[3])
        else:
            dim = self.root.makeelement(self.q("dimension"), {})
            pr = self.root.find(self.q("sheetPr"))
            if pr is not None:
                pr.addnext(dim)
            else:
                self.root.insert(0, dim)
        start, end = f"{column_letter(c1)}{r1}", f"{column_letter(c2)}{r2}"
        ref = start if start == end else f"{start}:{end}"
        if dim.get("ref") != ref:
            dim.set("ref", ref)
            self.head_changed = True

    def set_widths(self, widths: Mapping[int, float]) -> None:
        if not widths:
            return
        groups = self.root.findall(self.q("cols"))
        covered = [(_int(col.get("min")), _int(col.get("max")))
                   for g in groups for col in _children(g, "col")]
        todo = sorted(c for c in widths if not any(lo <= c <= hi for lo, hi in covered))
        if not todo:
            return
        if groups:
            group = groups[0]
        else:
            group = self.root.makeelement(self.q("cols"), {})
            self.sheet_data.addprevious(group)
        for c in todo:
            el = group.makeelement(self.q("col"), {"min": str(c), "max": str(c),
                                                  "width": f"{float(widths[c]):.10g}", "customWidth": "1"})
            after = next((e for e in _children(group, "col") if _int(e.get("min")) > c), None)
            if after is not None:
                after.addprevious(el)
            else:
                group.append(el)
        self.head_changed = True

    def result(self) -> bytes:
        return _serialize(self.tree, self.data)


def _new_spans(spans: str | None, cols: list[int]) -> str | None:
    """A row's spans hint widened to cover the written columns; None = drop it."""
    if not spans:
        return None
    try:
        bounds = [int(x) for part in spans.split() for x in part.split(":")]
    except ValueError:
        return None
    return f"{min(bounds + cols)}:{max(bounds + cols)}"


# The fast path: byte-level splicing of the rows that change. Everything else in the sheet —
# every untouched row, every untouched cell of a touched row — is copied byte for byte, and
# the sheet is never parsed or re-serialised as a whole (10,000 rows × 30 columns: ~0.1 s).
# It accepts only the conventional layout every producer writes (default namespace, explicit
# r on rows and the scanned cells, rows in order, no comments/CDATA/row extLst in sheetData)
# and otherwise raises _Fallback so the lxml engine takes over.
_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
_SHEETDATA_RE = re.compile(rb"<sheetData" + _ATTRS + rb"(/?)>")
_ROW_RE = re.compile(rb"<row" + _ATTRS + rb"(/?)>")
_CELL_RE = re.compile(rb"<c" + _ATTRS + rb"(/?)>")
_F_RE = re.compile(rb"<f" + _ATTRS + rb"(/?)>")
_ROW_R = re.compile(rb"""\sr\s*=\s*["']([0-9]+)["']""")
_CELL_R = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]+)["']""")
_SPANS = re.compile(rb"""\sspans\s*=\s*["']([^"']*)["']""")
_UNUSUAL = re.compile(rb"<[!?]")           # comments, CDATA, processing instructions
_CELL_OPEN = re.compile(rb"<c[\s/>]")
_CELL_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]+"')
_CELL_NEXT = frozenset(b" \t\r\n/>")


def _attr(attrs: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + name + rb"""\s*=\s*["']([^"']*)["']""", attrs)
    return m.group(1).decode() if m else None


class _FastSheet:
    """Fast path for one worksheet: splices new cells into the byte stream of sheetData."""

    def __init__(self, data: bytes, part: str, label: str, cells: CellRenderer):
        self.data, self.part, self.label, self.cells = data, part, label, cells
        m = _SHEETDATA_RE.search(data)
        if m is None or m.group(1).strip():
            raise _Fallback
        self.sd = m
        if m.group(2):
            self.inner_start = self.inner_end = self.close_end = m.end()
        else:
            self.inner_start = m.end()
            self.inner_end = data.find(b"</sheetData>", self.inner_start)
            if self.inner_end < 0:
                raise _Fallback
            self.close_end = self.inner_end + len(b"</sheetData>")
        if data.find(b"sheetData", self.close_end) >= 0 or data.rfind(b"sheetData", 0, m.start()) >= 0:
            raise _Fallback
        if _UNUSUAL.search(data, self.inner_start, self.inner_end) \
                or data.find(b"xmlns", self.inner_start, self.inner_end) >= 0 \
                or data.find(b"extLst", self.inner_start, self.inner_end) >= 0:
            raise _Fallback
        placeholder = b"<sheetData/>"
        skeleton = data[:m.start()] + placeholder + data[self.close_end:]
        self.head = _SheetPatch(skeleton, part, label, cells)      # validates everything else
        if self.head.ns != MAIN_NS or any(ns == MAIN_NS for prefix, ns in self.head.root.nsmap.items()
                                          if prefix is not None):
            raise _Fallback                # main namespace under a prefix: rows could be <x:row>
        self.formula_refs: set[str] = set()
        self._col_cache: dict[bytes, int] = {}
        self._letters: dict[int, bytes] = {}

    def _col(self, letters: bytes) -> int:
        col = self._col_cache.get(letters)
        if col is None:
            col = self._col_cache[letters] = column_index(letters.decode())
        return col

    def _rows(self) -> list[tuple[int, int, int, int, int]]:
        """(r, start, start-tag end, inner end or -1 when self-closing, end) of every row."""
        data, end_limit = self.data, self.inner_end
        rows = []
        pos, prev = self.inner_start, 0
        search = _ROW_RE.search
        while True:
            m = search(data, pos, end_limit)
            if m is None:
                break
            ra = _ROW_R.search(m.group(1))
            if ra is None:
                raise _Fallback
            n = int(ra.group(1))
            if n <= prev:
                raise _Fallback
            prev = n
            if m.group(2):
                rows.append((n, m.start(), m.end(), -1, m.end()))
                pos = m.end()
            else:
                close = data.find(b"</row>", m.end(), end_limit)
                if close < 0:
                    raise _Fallback
                rows.append((n, m.start(), m.end(), close, close + 6))
                pos = close + 6
        return rows

    def _check_groups(self, written: set[tuple[int, int]]) -> None:
        data = self.data
        if not any(data.find(h, self.inner_start, self.inner_end) >= 0 for h in _GROUP_HINTS):
            return
        masters: list = []
        deps: dict = {}
        arrays: list = []
        for m in _F_RE.finditer(data, self.inner_start, self.inner_end):
            attrs = m.group(1)
            t = _attr(attrs, b"t")
            if t not in ("shared", "array", "dataTable"):
                continue
            k = self._cell_start_before(m.start())
            cm = _CELL_R.search(_CELL_RE.match(data, k).group(1)) if k >= 0 else None
            if cm is None:
                raise _Fallback
            ref = (cm.group(1) + cm.group(2)).decode()
            _group_formula(t, _attr(attrs, b"si"), _attr(attrs, b"ref"), ref,
                           masters, deps, arrays)
        _check_formula_groups(self.label, masters, deps, arrays, written)

    def _cell_start_before(self, pos: int, lo: int | None = None) -> int:
        data = self.data
        lo = self.inner_start if lo is None else lo
        while True:
            k = data.rfind(b"<c", lo, pos)
            if k < 0 or data[k + 2] in _CELL_NEXT:
                return k
            pos = k

    def apply(self, writes: Mapping[tuple[int, int], CellWrite],
              widths: Mapping[int, float]) -> bytes:
        data = self.data
        if writes:
            self._check_groups(set(writes))
        by_row: dict[int, list[CellWrite]] = {}
        for key in sorted(writes):
            by_row.setdefault(key[0], []).append(writes[key])
        rows = self._rows()
        nums = [r[0] for r in rows]
        out: list[bytes] = []
        cursor, lo = self.inner_start, 0
        starts = {c: b'<c r="' + self.letter_bytes(c) for c in {c for _, c in writes}}
        body = self.cells.body_bytes
        for rnum, ws in by_row.items():
            suffix = b'%d"' % rnum
            cells = [(w.col, starts[w.col] + suffix + body(w.value, w.style)) for w in ws]
            k = bisect_left(nums, rnum, lo)
            if k < len(rows) and nums[k] == rnum:
                row = rows[k]
                out.append(data[cursor:row[1]])
                out.append(self._patch_row(row, cells))
                cursor, lo = row[4], k + 1
            else:
                at = rows[k][1] if k < len(rows) else self.inner_end
                out.append(data[cursor:at])
                out.append(b'<row r="%d">' % rnum + b"".join(c for _, c in cells) + b"</row>")
                cursor, lo = at, k
        out.append(data[cursor:self.inner_end])
        inner = b"".join(out)

        if writes:
            self.head.update_dimension(writes)
        self.head.set_widths(widths)
        if self.head.head_changed:
            skeleton = self.head.result()
            at = skeleton.find(b"<sheetData/>")
            if at < 0 or skeleton.find(b"<sheetData/>", at + 1) >= 0:
                raise _Fallback
            before, after = skeleton[:at], skeleton[at + len(b"<sheetData/>"):]
        else:
            before, after = data[:self.sd.start()], data[self.close_end:]
        return before + b"<sheetData>" + inner + b"</sheetData>" + after

    def _cell_col_at(self, k: int, limit: int) -> int | None:
        cm = _CELL_RE.match(self.data, k, limit)
        ref = _CELL_R.search(cm.group(1)) if cm else None
        return None if ref is None else self._col(ref.group(1).upper())

    def _quick_region(self, row: tuple[int, int, int, int, int], cols: list[int]) -> int | None:
        """Start of the byte range [start, inner end) holding exactly the existing cells of the
        written columns, for the usual case (written columns contiguous and rightmost, ``r``
        first in each cell, no formula among them); None when the general merge is needed."""
        data = self.data
        rnum, _, tag_end, inner_end, _ = row
        if inner_end < 0 or cols[-1] - cols[0] + 1 != len(cols):
            return None
        last = self._cell_start_before(inner_end, tag_end)
        if last < 0:
            return inner_end                        # the row has no cells
        col = self._cell_col_at(last, inner_end)
        if col is None or col > cols[-1]:
            return None
        if col < cols[0]:
            return inner_end                        # every existing cell is left of the writes
        region = data.rfind(b'<c r="' + self.letter_bytes(cols[0]) + b'%d"' % rnum, tag_end, inner_end)
        if region < 0:
            return None
        existing = [self._col(m) for m in _CELL_LETTERS.findall(data, region, inner_end)]
        if len(_CELL_OPEN.findall(data, region, inner_end)) != len(existing) \
                or any(a >= b for a, b in zip(existing, existing[1:])) or existing[-1] > cols[-1]:
            return None
        k = self._cell_start_before(region, tag_end)
        if k >= 0:
            col = self._cell_col_at(k, inner_end)
            if col is None or col >= cols[0]:
                return None
        if _FORMULA_TAG.search(data, region, inner_end):
            return None
        return region

    def letter_bytes(self, col: int) -> bytes:
        b = self._letters.get(col)
        if b is None:
            b = self._letters[col] = column_letter(col).encode()
        return b

    def _patch_row(self, row: tuple[int, int, int, int, int], cells: list[tuple[int, bytes]]) -> bytes:
        data = self.data
        _, start, tag_end, inner_end, end = row
        tag = data[start:tag_end]
        cols = [c for c, _ in cells]
        tail: list[tuple[int, int, int]] = []
        front_end = inner_end
        quick = self._quick_region(row, cols)
        if quick is not None:
            front_end = quick
        elif inner_end >= 0:
            min_col, pos, last_col = cols[0], inner_end, None
            while True:
                k = self._cell_start_before(pos, tag_end)
                if k < 0:
                    break
                cm = _CELL_RE.match(data, k, inner_end)
                ref = _CELL_R.search(cm.group(1)) if cm else None
                if ref is None:
                    raise _Fallback
                col = self._col(ref.group(1).upper())
                if last_col is not None and col >= last_col:
                    raise _Fallback
                if col < min_col:
                    break
                if cm.group(2):
                    cend = cm.end()
                else:
                    close = data.find(b"</c>", cm.end(), inner_end)
                    if close < 0:
                        raise _Fallback
                    cend = close + 4
                tail.append((col, k, cend))
                front_end = pos = k
                last_col = col
            tail.reverse()
        pieces: list[bytes] = []
        ti = 0
        for col, new in cells:
            while ti < len(tail) and tail[ti][0] < col:
                pieces.append(data[tail[ti][1]:tail[ti][2]])
                ti += 1
            if ti < len(tail) and tail[ti][0] == col:
                old = data[tail[ti][1]:tail[ti][2]]
                if _FORMULA_TAG.search(old):
                    m = _CELL_R.search(old)
                    self.formula_refs.add((m.group(1) + m.group(2)).decode().upper())
                ti += 1
            pieces.append(new)
        pieces.extend(data[s:e] for _, s, e in tail[ti:])
        spans = _SPANS.search(tag)
        if spans is not None:
            new_spans = _new_spans(spans.group(1).decode("ascii", "replace"), cols)
            repl = b"" if new_spans is None else b' spans="' + new_spans.encode() + b'"'
            tag = tag[:spans.start()] + repl + tag[spans.end():]
        if inner_end < 0:                          # <row .../> gains content
            tag = tag[:-2].rstrip() + b">"
            return tag + b"".join(pieces) + b"</row>"
        return tag + data[tag_end:front_end] + b"".join(pieces) + data[inner_end:end]


def _patch_sheet(data: bytes, part: str, label: str, cells: CellRenderer,
                 writes: Mapping[tuple[int, int], CellWrite],
                 widths: Mapping[int, float]) -> tuple[bytes, set[str]]:
    """The sheet with the writes and widths applied, and the refs of overwritten formula cells."""
    if ENGINE == "auto":
        try:
            fast = _FastSheet(data, part, label, cells)
            return fast.apply(writes, widths), fast.formula_refs
        except _Fallback:
            pass
    patch = _SheetPatch(data, part, label, cells)
    patch.apply(writes)
    patch.set_widths(widths)
    return patch.result(), patch.formula_refs


# ----------------------------------------------------------------------------- owned sheets
def _owned_sheet_xml(table: SheetTable, cells: CellRenderer, ns: str) -> bytes:
    """A clean worksheet: generated header row (frozen), widths, dates in the date format."""
    ncols = max([len(table.headers), *(len(r) for r in table.rows)], default=0)
    letters = [column_letter(i) for i in range(1, max(ncols, 1) + 1)]
    last = f"{letters[-1]}{1 + len(table.rows)}"
    out = [f'<worksheet xmlns="{ns}" xmlns:r="{REL_NS}">',
           f'<dimension ref="{"A1" if last == "A1" else "A1:" + last}"/>',
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
           'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
           'sqref="A2"/></sheetView></sheetViews>']
    if table.widths:
        out.append("<cols>")
        for i, w in enumerate(table.widths, start=1):
            out.append(f'<col min="{i}" max="{i}" width="{float(w):.10g}" customWidth="1"/>')
        out.append("</cols>")
    out.append('<sheetData><row r="1">')
    for i, h in enumerate(table.headers):
        out.append(cells.cell(f"{letters[i]}1", h, "header"))
    out.append("</row>")
    for n, row in enumerate(table.rows, start=2):
        out.append(f'<row r="{n}">')
        for i, v in enumerate(row):
            if v is None or v == "":
                continue
            out.append(cells.cell(f"{letters[i]}{n}", v, "date" if i in table.date_columns else None))
        out.append("</row>")
    out.append('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
               'header="0.3" footer="0.3"/></worksheet>')
    return _STANDARD_DECL + b"\r\n" + "".join(out).encode("utf-8")


_BAD_SHEET_CHARS = set('[]:*?/\\')


def _check_sheet_name(name: str) -> None:
    if not name or len(name) > 31 or _BAD_SHEET_CHARS & set(name) or name.startswith("'") \
            or name.endswith("'") or name.casefold() == "history":
        raise ValueError(f"invalid sheet name {name!r}")


# ----------------------------------------------------------------------------- calcChain
def _edit_calc_chain(pkg: _Package, wb: _Workbook, ct: _ContentTypes,
                     cells: set[tuple[str, str]], sheets: set[str]) -> None:
    """Drop calcChain entries of overwritten formula cells and of rewritten sheets."""
    if not cells and not sheets:
        return
    found = wb.rel_part("/calcChain")
    if found is None or pkg.get(found[1]) is None:
        return
    rid, part = found
    data = pkg.get(part)
    tree = _parse(data, part)
    root = tree.getroot()
    kept: list[tuple[etree._Element, str | None]] = []
    current: str | None = None
    removed = False
    for c in list(root):
        if _local(c) != "c":
            continue
        if c.get("i") is not None:
            current = c.get("i")
        ref = (c.get("r") or "").replace("$", "").upper()
        if current in sheets or (current, ref) in cells:
            root.remove(c)
            removed = True
        else:
            kept.append((c, current))
    if not removed:
        return
    if not kept:
        pkg.remove(part)
        wb.remove_relationship(rid)
        ct.remove_override(part)
        return
    prev: str | None = None
    for c, sheet in kept:
        if c.get("i") is None and sheet is not None and sheet != prev:
            c.set("i", sheet)
        prev = sheet
    pkg.set(part, _serialize(tree, data))


# ----------------------------------------------------------------------------- public API
def _styles(pkg: _Package, wb: _Workbook, ct: _ContentTypes) -> tuple[str, bytes | None, StyleBook]:
    found = wb.rel_part("/styles")
    if found is not None and pkg.get(found[1]) is not None:
        data = pkg.get(found[1])
        return found[1], data, StyleBook(_parse(data, found[1]).getroot())
    part = posixpath.join(wb.dir, "styles.xml")
    n = 1
    while pkg.actual(part):
        part = posixpath.join(wb.dir, f"styles{n}.xml")
        n += 1
    root = etree.Element(f"{{{wb.ns or MAIN_NS}}}styleSheet", nsmap={None: wb.ns or MAIN_NS})
    wb.add_relationship(REL_NS + "/styles", part)
    ct.add_override(part, STYLES_CT)
    book = StyleBook(root)
    book.changed = True
    return part, None, book


def _new_sheet_part(pkg: _Package, wb: _Workbook) -> str:
    folder = posixpath.join(wb.dir, "worksheets")
    nums = [int(m.group(1)) for name in list(pkg.names) + list(pkg.added)
            if (m := re.search(r"sheet(\d+)\.xml(\.rels)?$", name, re.I))]
    n = max(nums, default=0) + 1
    while pkg.actual(f"{folder}/sheet{n}.xml") or pkg.actual(_rels_part(f"{folder}/sheet{n}.xml")):
        n += 1
    return f"{folder}/sheet{n}.xml"


def _has_formulas(pkg: _Package, wb: _Workbook) -> bool:
    for s in wb.sheets:
        if s.part and s.rel_type.endswith("/worksheet"):
            data = pkg.get(s.part) or b""
            if b"</f>" in data or b":f>" in data:     # every formula group has a closed <f>…</f>
                return True
    return False


def patch_workbook(src: Path, dst: Path, sheet_name: str, writes: Iterable[CellWrite],
                   column_widths: Mapping[int, float] | None = None,
                   owned_sheets: Mapping[str, SheetTable] | None = None,
                   *, full_calc_on_load: bool | None = None) -> None:
    """Copy src to dst, writing `writes` into sheet `sheet_name` and (re)writing each owned sheet.

    An owned sheet that exists is replaced in place (same part, same sheetId); one that does not
    is appended as the last sheet. dst must not be src (the caller writes a temp file and
    os.replace()s it). Later writes to the same cell win. ``full_calc_on_load``: None (default)
    asks Excel to recalculate on open when the workbook holds formulas; True/False force it.
    Raises PatchError (Chinese message) when the file is not a workbook, is damaged, lacks the
    sheet, or a write would break a shared/array formula; ValueError for invalid arguments.
    """
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise ValueError("patch_workbook: dst must not be src")
    owned = dict(owned_sheets or {})
    for name in owned:
        _check_sheet_name(name)
        if name.casefold() == sheet_name.casefold():
            raise ValueError(f"sheet {name!r} cannot be both written and owned")
    cells: dict[tuple[int, int], CellWrite] = {}
    for w in writes:
        if not (1 <= w.row <= MAX_ROW and 1 <= w.col <= MAX_COL):
            raise ValueError(f"cell out of range: row {w.row}, col {w.col}")
        cells[(w.row, w.col)] = w
    widths = dict(column_widths or {})
    for c, w in widths.items():
        if not (1 <= c <= MAX_COL) or not (0 < float(w) <= 255):
            raise ValueError(f"bad column width {c}: {w}")

    pkg = _Package(src)
    try:
        wb = _Workbook(pkg)
        ct = _ContentTypes(pkg)
        target = wb.find(sheet_name)
        if target is None or not target.part or pkg.get(target.part) is None:
            raise PatchError(f"工作簿中没有名为“{sheet_name}”的工作表")
        styles_part, styles_data, book = _styles(pkg, wb, ct)
        renderer = CellRenderer(book, wb.date1904)
        recalc = full_calc_on_load
        if recalc is None:
            recalc = bool(cells or owned) and _has_formulas(pkg, wb)

        calc_cells: set[tuple[str, str]] = set()
        calc_sheets: set[str] = set()
        if cells or widths:
            data, formula_refs = _patch_sheet(pkg.get(target.part), target.part, target.name,
                                              renderer, cells, widths)
            pkg.set(target.part, data)
            calc_cells = {(target.sheet_id, ref) for ref in formula_refs}

        rel_type = wb.worksheet_rel_type()
        for name, table in owned.items():
            xml = _owned_sheet_xml(table, renderer, wb.ns or MAIN_NS)
            existing = wb.find(name)
            if existing is not None:
                if not existing.part or not existing.rel_type.endswith("/worksheet"):
                    raise PatchError(f"工作簿中的“{existing.name}”不是普通工作表，工具无法改写它")
                pkg.set(existing.part, xml)
                pkg.remove(_rels_part(existing.part))
                calc_sheets.add(existing.sheet_id)
            else:
                part = _new_sheet_part(pkg, wb)
                pkg.set(part, xml)
                rid = wb.add_relationship(rel_type, part)
                wb.append_sheet(name, rid, rel_type, part)
                ct.add_override(part, WORKSHEET_CT)

        _edit_calc_chain(pkg, wb, ct, calc_cells, calc_sheets)
        if recalc:
            wb.request_full_calc()
        if book.changed:
            pkg.set(styles_part, _serialize(etree.ElementTree(book.root), styles_data))
        wb.flush()
        ct.flush()
        try:
            pkg.write(dst)
        except BaseException:
            try:
                os.unlink(dst)
            except OSError:
                pass
            raise
    finally:
        pkg.close()


def sheet_part_paths(path: Path) -> dict[str, str]:
    """Sheet name → zip part name (e.g. 'xl/worksheets/sheet1.xml'), via workbook.xml and its rels."""
    pkg = _Package(Path(path))
    try:
        wb = _Workbook(pkg)
        return {s.name: s.part for s in wb.sheets if s.part}
    finally:
        pkg.close()


def merged_ranges(path: Path, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """Merged areas of a sheet as (min_row, min_col, max_row, max_col), 1-based."""
    pkg = _Package(Path(path))
    try:
        wb = _Workbook(pkg)
        sheet = wb.find(sheet_name)
        data = pkg.get(sheet.part) if sheet and sheet.part else None
        if data is None:
            raise PatchError(f"工作簿中没有名为“{sheet_name}”的工作表")
    finally:
        pkg.close()
    # <mergeCells> follows sheetData: read it from the tail, without parsing every row.
    end = data.rfind(b"sheetData>")
    tail = data[end:] if end >= 0 else data
    if b"mergeCell" not in tail:
        return []
    if b"<!" in tail:                         # comments/CDATA: do it properly
        root = _parse(data, sheet.part).getroot()
        refs = [el.get("ref") or "" for el in root.iter() if _local(el) == "mergeCell"]
    else:
        refs = [m.group(1).decode() for m in _MERGE_REF.finditer(tail)]
    return [rng for rng in map(_split_range, refs) if rng]


_MERGE_REF = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?mergeCell\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")
