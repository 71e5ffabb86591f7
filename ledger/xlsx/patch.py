"""Write cells into an existing .xlsx/.xlsm by patching its XML, never by an openpyxl round trip.

openpyxl load/save silently drops what it does not model (Excel 2010+ extension lists such as
cross-sheet dropdowns, sparklines and data bars; threaded comments; WPS in-cell images; text
boxes) and blanks cached formula results. The clerk's workbook is sacred (SPEC §5), so write-back
works on the zip package directly:

* the target sheet (and each of ``more_sheets``, e.g. an existing 督办记录 receiving its new
  rows): written cells are replaced or inserted in place (rows and cells stay sorted;
  ``spans``, ``<dimension>`` and ``<cols>`` are kept valid). The fast path splices bytes: every
  untouched row and cell is copied verbatim and the sheet is never parsed as a whole. Sheets laid
  out unusually (namespace prefixes, comments in sheetData, rows or cells without ``r`` …) go
  through the lxml engine instead, which gives the same result;
* an Excel Table whose last row is followed by written rows is extended over them, as Excel does
  when one types below a Table, and one whose header row gets header cells written directly to
  its right is widened over those columns, as Excel does when one types a header beside a Table
  (``ref``, its AutoFilter's, new ``tableColumn`` entries; see :mod:`ledger.xlsx.tables`). A sheet's
  own AutoFilter is widened the same way, with the workbook's hidden ``_xlnm._FilterDatabase``,
  so that sorting the tasks in Excel takes their status columns along;
* ``xl/styles.xml`` only gets entries appended (see :mod:`ledger.xlsx.styles`);
* owned sheets (a ``督办记录`` that does not exist yet) are generated whole; a new one is appended
  as the last sheet, which touches ``workbook.xml``, its rels and ``[Content_Types].xml``;
* when a written cell held a formula, its entry is removed from ``xl/calcChain.xml`` (the part is
  dropped with its relationship and content type only when no entry is left); overwriting the
  anchor of a shared formula that other cells still use, or part of an array formula, is refused;
* when the workbook contains formulas, ``<calcPr fullCalcOnLoad="1">`` is set so that Excel/WPS
  recalculate formulas that read the written cells instead of showing stale cached results;
* every other zip entry is copied unchanged — its compressed bytes, name, order and compression
  method — and is never even parsed.

XML is parsed with entity expansion and network access off; a part with a DTD is refused.
Values are rendered by :class:`ledger.xlsx.styles.CellRenderer` (inline strings, so
``sharedStrings.xml`` is never touched and ``=1+1`` stays text).

This module is the entry point and runs the steps in order; the steps live in:

========================  ===================================================================
``xlsx_types``            ``CellWrite``, ``SheetTable``, ``PatchError`` (re-exported here); the
                          writes grouped by row (``_RowWrites``)
``xlsx_xml``              safe parse/serialise, namespaces, cell references
``xlsx_package``          the zip: lazy reads, raw copy of untouched entries, the big changed
                          part deflated as it is produced (``_PartWriter``)
``xlsx_workbook``         workbook.xml, its rels, [Content_Types].xml
``xlsx_fastsheet``        task sheet, byte-splicing fast path
``xlsx_sheet``            task sheet, lxml engine (fallback; also edits the fast path's skeleton)
``xlsx_formulas``         shared/array formula protection, calcChain, "has formulas?"
``xlsx_owned``            tool-owned sheets: generate, replace or append
``xlsx_tables``           Excel Tables extended over rows appended directly below them and
                          widened over header cells appended directly to their right
``xlsx_styles``           cell values and appended styles
========================  ===================================================================
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from lxml import etree

from .fastsheet import _Fallback, _FastSheet
from .formulas import _edit_calc_chain, _has_formulas
from .owned import _check_sheet_name, _write_owned_sheets
from .package import _Package, _PartWriter
from .sheet import _SheetPatch
from .styles import CellRenderer, StyleBook, excel_serial
from .tables import grow_tables
from .types import MAX_COL, _RowWrites
from .types import CellWrite, DefinedName, PatchError, SheetTable, Value  # noqa: F401  (Value: re-export)
from .workbook import _ContentTypes, _Workbook
from .xml import CT_NS, PKG_REL_NS, WORKSHEET_CT  # noqa: F401  (re-exported, as before)
from .xml import MAIN_NS, REL_NS, STYLES_CT, _local, _parse, _serialize, _split_range

__all__ = ["CellWrite", "DefinedName", "SheetTable", "PatchError", "patch_workbook", "sheet_part_paths",
           "defined_names", "excel_serial", "merged_ranges"]

# Tests (and anyone debugging a sheet) switch engines by setting ledger.xlsx.patch.ENGINE, so it
# is read here, by the dispatcher, and not in the engine modules.
ENGINE = "auto"        # "auto": byte-level fast path when the sheet allows it; "lxml": always lxml


_Bounds = tuple[int, int, int, int]


def _patch_sheet(data: bytes, part: str, label: str, cells: CellRenderer, writes: _RowWrites,
                 widths: Mapping[int, float], progress: Callable[[int], None] | None = None
                 ) -> tuple[bytes | _PartWriter, set[str], tuple[_Bounds, _Bounds] | None]:
    """The sheet with the writes and widths applied (bytes, or the fast path's deflated part),
    the refs of overwritten formula cells, and the AutoFilter's (old, new) bounds if widened."""
    if ENGINE == "auto":
        try:
            fast = _FastSheet(data, part, label, cells)
            out = _PartWriter()
            fast.apply(writes, widths, out, progress)
            return out.close(), fast.formula_refs, fast.head.filter_widened
        except _Fallback:
            fast = out = None             # drop what the fast path produced before lxml starts
    patch = _SheetPatch(data, part, label, cells)
    patch.apply(writes)
    patch.set_widths(widths)
    return patch.result(), patch.formula_refs, patch.filter_widened


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


def patch_workbook(src: Path, dst: Path, sheet_name: str, writes: Iterable[CellWrite],
                   column_widths: Mapping[int, float] | None = None,
                   owned_sheets: Mapping[str, SheetTable] | None = None,
                   *, more_sheets: Mapping[str, tuple[Iterable[CellWrite], Mapping[int, float]]] | None = None,
                   full_calc_on_load: bool | None = None,
                   progress: Callable[[int], None] | None = None,
                   defined_names: Iterable[DefinedName] = ()) -> None:
    """Copy src to dst, writing `writes` into sheet `sheet_name` (and `more_sheets`' writes into
    theirs, with their column widths, patched the same way) and (re)writing each owned sheet.

    An owned sheet that exists is replaced in place (same part, same sheetId); one that does not
    is appended as the last sheet. dst must not be src (the caller writes a temp file and
    os.replace()s it). Later writes to the same cell win. ``full_calc_on_load``: None (default)
    asks Excel to recalculate on open when the workbook holds formulas; True/False force it.
    ``progress`` is called with a number of rows now and then while a sheet is patched.
    ``defined_names`` are added, or re-pointed when a name of the same scope exists.
    Raises PatchError (Chinese message) when the file is not a workbook, is damaged, lacks the
    sheet, or a write would break a shared/array formula; ValueError for invalid arguments.
    """
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise ValueError("patch_workbook: dst must not be src")
    owned = dict(owned_sheets or {})
    others = {name: (_RowWrites(w), dict(ow)) for name, (w, ow) in (more_sheets or {}).items()}
    patched = [sheet_name.casefold(), *(name.casefold() for name in others)]
    if len(set(patched)) != len(patched):
        raise ValueError("a sheet is named twice among the written sheets")
    for name in owned:
        _check_sheet_name(name)
        if name.casefold() in patched:
            raise ValueError(f"sheet {name!r} cannot be both written and owned")
    cells = _RowWrites(writes)
    widths = dict(column_widths or {})
    for c, w in [*widths.items(), *(item for _, ow in others.values() for item in ow.items())]:
        if not (1 <= c <= MAX_COL) or not (0 < float(w) <= 255):
            raise ValueError(f"bad column width {c}: {w}")

    pkg = _Package(src)
    try:
        wb = _Workbook(pkg)
        ct = _ContentTypes(pkg)
        jobs = [(sheet_name, cells, widths), *((name, w, ow) for name, (w, ow) in others.items())]
        targets = []
        for name, _, _ in jobs:
            target = wb.find(name)
            if target is None or not target.part or pkg.get(target.part) is None:
                raise PatchError(f"工作簿中没有名为“{name}”的工作表")
            targets.append(target)
        styles_part, styles_data, book = _styles(pkg, wb, ct)
        renderer = CellRenderer(book, wb.date1904)
        recalc = full_calc_on_load
        if recalc is None:
            recalc = bool(owned or any(w for _, w, _ in jobs)) and _has_formulas(pkg, wb)

        calc_cells: set[tuple[str, str]] = set()
        for target, (_, sheet_writes, sheet_widths) in zip(targets, jobs):
            if sheet_writes or sheet_widths:
                sheet, formula_refs, widened = _patch_sheet(pkg.get(target.part), target.part, target.name,
                                                            renderer, sheet_writes, sheet_widths, progress)
                pkg.set(target.part, sheet)              # also lets the original part go
                calc_cells |= {(target.sheet_id, ref) for ref in formula_refs}
                if widened is not None:
                    wb.widen_filter_database(target, *widened)
                grow_tables(pkg, target.part, sheet_writes)

        calc_sheets = _write_owned_sheets(pkg, wb, ct, owned, renderer)
        for dn in defined_names:
            wb.set_defined_name(dn)

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


def defined_names(path: Path) -> list[DefinedName]:
    """The workbook's defined names (sheet-scoped ones with their sheet's name)."""
    pkg = _Package(Path(path))
    try:
        return _Workbook(pkg).defined_names()
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
