"""Excel Tables (套用表格格式, ListObjects) that grow with the rows written below them.

When someone types in the row just under a Table, Excel extends the Table to take it in. Rows the
tool appends (the new notices of a 督办记录 the clerk has formatted as a Table) get the same
treatment: a Table whose last row is followed by written rows — contiguous, inside its columns —
has its ``ref`` (and its AutoFilter's) extended over them, so the Table's banding, filter and
structured references cover the whole log. A Table with a totals row is left alone (the written
rows are below its totals), as is anything not laid out as expected.
"""

from __future__ import annotations

import posixpath

from lxml import etree

from .cells import column_letter
from .package import _Package
from .types import _RowWrites
from .workbook import _rels_part, _resolve_target
from .xml import _local, _parse, _serialize, _split_range

_TABLE_REL = "/table"


def grow_tables(pkg: _Package, sheet_part: str, writes: _RowWrites) -> list[str]:
    """Extend the Tables of `sheet_part` over written rows directly below them; the changed parts."""
    rels_data = pkg.get(_rels_part(sheet_part))
    if rels_data is None or not writes:
        return []
    rows = {rnum: {w.col for w in ws} for rnum, ws in writes.items()}
    changed = []
    base = posixpath.dirname(sheet_part)
    for rel in _parse(rels_data, _rels_part(sheet_part)).getroot():
        if not (rel.get("Type") or "").endswith(_TABLE_REL) or rel.get("TargetMode") == "External":
            continue
        part = _resolve_target(base, rel.get("Target") or "")
        data = pkg.get(part)
        if data is None:
            continue
        tree = _parse(data, part)
        if _extend(tree.getroot(), rows):
            pkg.set(part, _serialize(tree, data))
            changed.append(part)
    return changed


def _extend(table: etree._Element, rows: dict[int, set[int]]) -> bool:
    bounds = _split_range(table.get("ref") or "")
    if bounds is None or int(table.get("totalsRowCount") or 0):
        return False
    r0, c0, r1, c1 = bounds
    last = r1
    while last + 1 in rows and rows[last + 1] & set(range(c0, c1 + 1)):
        last += 1
    if last == r1:
        return False
    ref = f"{column_letter(c0)}{r0}:{column_letter(c1)}{last}"
    table.set("ref", ref)
    for child in table:
        if _local(child) == "autoFilter" and _split_range(child.get("ref") or "") == bounds:
            child.set("ref", ref)
    return True
