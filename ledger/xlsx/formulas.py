"""Formula care when cells are written: shared/array formula protection, calcChain, recalculation.

* Overwriting the anchor of a shared formula that other cells still use, or part of an array
  (or data-table) formula, would silently break formulas the clerk relies on, so it is refused
  with a message that names the cells (``_check_formula_groups``). Both sheet engines collect
  the formula groups their own way and hand them to the same check.
* ``xl/calcChain.xml`` lists every formula cell; Excel reports a damaged file when an entry
  points at a cell that no longer holds a formula. So the entries of overwritten formula cells
  and of rewritten tool-owned sheets are dropped, and the part itself (with its relationship and
  content type) only when no entry is left (``_edit_calc_chain``).
* ``_has_formulas`` decides whether Excel/WPS must be asked to recalculate on open, so formulas
  that read the written cells do not show stale cached results.
"""

from __future__ import annotations

from lxml import etree

from .cells import column_letter
from .package import _Package
from .types import PatchError
from .workbook import _ContentTypes, _Workbook
from .xml import _local, _parse, _serialize, _split_range, _split_ref

_GROUP_HINTS = (b"shared", b"array", b"dataTable")    # cheap test: can the sheet hold a group?


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


def _has_formulas(pkg: _Package, wb: _Workbook) -> bool:
    """Whether any worksheet holds a formula (a byte scan: cheaper than parsing every sheet)."""
    for s in wb.sheets:
        if s.part and s.rel_type.endswith("/worksheet"):
            data = pkg.get(s.part) or b""
            if b"</f>" in data or b":f>" in data:     # every formula group has a closed <f>…</f>
                return True
    return False


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

