"""Excel Tables (套用表格格式, ListObjects) that grow with what is written beside and below them.

When someone types in the row just under a Table, Excel extends the Table to take it in; when
someone types a header in the cell just right of a Table's header row, Excel widens the Table by
a column. The tool does the same, so that the Table's banding, filter, sorting and structured
references cover what it writes:

* sideways — the status columns appended right of a task list the clerk has formatted as a
  Table. Were they left outside it, sorting the Table in Excel would move the tasks but not
  their status. A Table whose header row gets header cells (style ``header``) written from the
  column right after its last one, with no gap, gets its ``ref`` (and its AutoFilter's, when that
  covered the whole Table) widened to the last of them and one ``tableColumn`` per new column,
  named exactly as the header cell reads (Excel requires the two to agree);
* downward — the rows appended to a 督办记录 the clerk has formatted as a Table: a Table whose
  last row is followed by written rows — contiguous, inside its columns — has its ``ref`` (and
  its AutoFilter's) extended over them.

Both may happen in one run (a log that gets a missing standard column and new notices); the
Table is widened first, then extended over the rows. A Table is left alone when changing it
could be wrong rather than merely incomplete: it has a totals row (the totals row's cells and
formulas for the new columns would have to be made up; downward, the written rows are below the
totals anyway), no header row, is a query table (its columns map to a data connection), a new
header's name is already a column of the Table (Excel would rename the header cell to keep names
unique, and a renamed status header would no longer be recognised by the next run), a header is
not plain text, or the widened Table would overlap another Table of the sheet.
"""

from __future__ import annotations

import posixpath

from lxml import etree

from .cells import column_letter
from .package import _Package
from .styles import _ILLEGAL, _escape_char
from .types import CellWrite, _RowWrites
from .workbook import _rels_part, _resolve_target
from .xml import _children, _int, _local, _parse, _serialize, _split_range

_TABLE_REL = "/table"
_Bounds = tuple[int, int, int, int]


def grow_tables(pkg: _Package, sheet_part: str, writes: _RowWrites) -> list[str]:
    """Widen and extend the Tables of `sheet_part` over what was written beside and below them;
    the changed parts."""
    rels_data = pkg.get(_rels_part(sheet_part))
    if rels_data is None or not writes:
        return []
    base = posixpath.dirname(sheet_part)
    tables = []
    for rel in _parse(rels_data, _rels_part(sheet_part)).getroot():
        if not (rel.get("Type") or "").endswith(_TABLE_REL) or rel.get("TargetMode") == "External":
            continue
        part = _resolve_target(base, rel.get("Target") or "")
        data = pkg.get(part)
        if data is not None:
            tables.append((part, data, _parse(data, part)))
    rows = {rnum: {w.col for w in ws} for rnum, ws in writes.items()}
    refs = [_split_range(tree.getroot().get("ref") or "") for _, _, tree in tables]
    changed = []
    for i, (part, data, tree) in enumerate(tables):
        others = [b for j, b in enumerate(refs) if j != i and b is not None]
        widened = _widen(tree.getroot(), writes, others)
        if _extend(tree.getroot(), rows) or widened:
            refs[i] = _split_range(tree.getroot().get("ref") or "")
            pkg.set(part, _serialize(tree, data))
            changed.append(part)
    return changed


def _widen(table: etree._Element, writes: _RowWrites, others: list[_Bounds]) -> bool:
    """Widen `table` over header cells written directly right of its header row."""
    bounds = _split_range(table.get("ref") or "")
    if (bounds is None or _int(table.get("totalsRowCount")) or table.get("headerRowCount") == "0"
            or (table.get("tableType") or "worksheet") != "worksheet"):
        return False
    r0, c0, r1, c1 = bounds
    run = writes.header_run(r0, c1)
    names = [_column_name(w) for w in run]
    group = next(iter(_children(table, "tableColumns")), None)
    if not run or None in names or group is None:
        return False
    columns = _children(group, "tableColumn")
    taken = [(c.get("name") or "").casefold() for c in columns] + [n.casefold() for n in names]
    if len(set(taken)) != len(taken):
        return False
    last = run[-1].col
    if any(o[0] <= r1 and r0 <= o[2] and o[1] <= last and c1 < o[3] for o in others):
        return False
    next_id = max((int(c.get("id")) for c in columns if (c.get("id") or "").isdigit()), default=0) + 1
    for k, name in enumerate(names):
        group.append(group.makeelement(etree.QName(etree.QName(group).namespace, "tableColumn"),
                                       {"id": str(next_id + k), "name": name}))
    group.set("count", str(len(columns) + len(names)))
    _set_ref(table, bounds, (r0, c0, r1, last))
    return True


def _column_name(w: CellWrite) -> str | None:
    """The Table column name Excel stores for a header cell holding w.value (escaped as the cell
    text is); None when the header is not plain one-line text."""
    if not isinstance(w.value, str) or not w.value.strip() or any(ord(ch) < 0x20 for ch in w.value):
        return None
    return _ILLEGAL.sub(_escape_char, w.value)


def _extend(table: etree._Element, rows: dict[int, set[int]]) -> bool:
    """Extend `table` over written rows directly below it."""
    bounds = _split_range(table.get("ref") or "")
    if bounds is None or _int(table.get("totalsRowCount")):
        return False
    r0, c0, r1, c1 = bounds
    last = r1
    while last + 1 in rows and rows[last + 1] & set(range(c0, c1 + 1)):
        last += 1
    if last == r1:
        return False
    _set_ref(table, bounds, (r0, c0, last, c1))
    return True


def _set_ref(table: etree._Element, old: _Bounds, new: _Bounds) -> None:
    """Set the Table's ref, and its AutoFilter's when that covered the whole Table."""
    r0, c0, r1, c1 = new
    ref = f"{column_letter(c0)}{r0}:{column_letter(c1)}{r1}"
    table.set("ref", ref)
    for child in table:
        if _local(child) == "autoFilter" and _split_range(child.get("ref") or "") == old:
            child.set("ref", ref)
