"""The lxml engine for the task sheet: parse the whole worksheet, edit the tree, serialise it.

It handles any well-formed worksheet — namespace prefixes, comments or CDATA in ``sheetData``,
rows or cells without ``r`` — which is why it is the fallback of the byte-level fast path
(:mod:`ledger.xlsx.fastsheet`) and gives the same result. Written cells replace or join the
existing ones with rows and cells kept sorted; a row's ``spans`` hint, ``<dimension>`` and
``<cols>`` are kept valid, and an AutoFilter is widened over header cells appended at its right.
The fast path also borrows this engine for the edits outside ``sheetData`` by running it on the
sheet's skeleton.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

from lxml import etree

from .cells import column_index, column_letter
from .formulas import _GROUP_HINTS, _check_formula_groups, _group_formula
from .styles import CellRenderer, is_kept
from .types import PatchError, _RowWrites
from .xml import _children, _int, _local, _parse, _parser, _serialize, _split_range


class _SheetPatch:
    """The lxml engine: parses the whole worksheet, edits the tree, serialises it.

    Also used on a sheet's skeleton (sheetData emptied) by the fast path, for the edits
    outside sheetData: ``<dimension>``, ``<autoFilter>`` and ``<cols>``.
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
        self.filter_widened: tuple[tuple[int, int, int, int], tuple[int, int, int, int]] | None = None
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

    def _check_groups(self, writes: _RowWrites) -> None:
        if not any(h in self.data for h in _GROUP_HINTS):
            return
        masters: list = []
        deps: dict = {}
        arrays: list = []
        for f in self.sheet_data.iter(self.F):
            _group_formula(f.get("t"), f.get("si"), f.get("ref"), f.getparent().get("r") or "",
                           masters, deps, arrays)
        _check_formula_groups(self.label, masters, deps, arrays, writes.cells())

    def apply(self, writes: _RowWrites) -> None:
        if not writes:
            return
        self._check_groups(writes)
        letters: dict[int, str] = {}
        parts = [f'<sheetData xmlns="{self.ns}">' if self.ns else "<sheetData>"]
        for r, ws in writes.items():
            parts.append("<row>")
            for w in ws:
                col = letters.get(w.col) or letters.setdefault(w.col, column_letter(w.col))
                parts.append(self.cells.cell(f"{col}{r}", w.value, w.style))
            parts.append("</row>")
        parts.append("</sheetData>")
        fragment = etree.fromstring("".join(parts).encode("utf-8"), _parser())

        rows = self._index_rows()
        existing = sorted(rows)
        for (rnum, ws), new_row in zip(writes.items(), list(fragment)):
            row_el = rows.get(rnum)
            if row_el is None:
                new_row.set("r", str(rnum))
                k = bisect_right(existing, rnum)
                if k < len(existing):
                    rows[existing[k]].addprevious(new_row)
                else:
                    self.sheet_data.append(new_row)
                continue
            self._merge_row(row_el, rnum, [w.col for w in ws], list(new_row),
                            {w.col: w for w in ws if w.style and is_kept(w.style)})
        self.update_dimension(writes)
        self.widen_auto_filter(writes)

    def _merge_row(self, row_el: etree._Element, rnum: int, cols: list[int],
                   cells: list[etree._Element], keeps: dict | None = None) -> None:
        min_col = cols[0]
        idx: dict[int, etree._Element] = {}
        before = None
        for c in reversed(row_el):
            if c.tag != self.C:
                continue
            ref = c.get("r")
            if ref is None:
                self._number_cells(row_el, rnum)
                return self._merge_row(row_el, rnum, cols, cells, keeps)
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
                if keeps and col in keeps and old.get("s") is not None:   # keep the clerk's format
                    w = keeps[col]
                    new.set("s", str(self.cells.kept_xf(w.value, w.style, old.get("s"))))
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

    def update_dimension(self, writes: _RowWrites) -> None:
        r1, c1, r2, c2 = writes.bounds()
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

    def widen_auto_filter(self, writes: _RowWrites) -> None:
        """Widen the sheet's AutoFilter (筛选) over header cells written directly to its right on
        its header row, so that sorting or filtering takes the new columns along with the rows.
        The old and new bounds are kept in ``filter_widened`` for the workbook's hidden
        ``_xlnm._FilterDatabase`` name, which Excel keeps in step with the AutoFilter."""
        af = self.root.find(self.q("autoFilter"))
        bounds = _split_range(af.get("ref") or "") if af is not None and writes else None
        if bounds is None:
            return
        r0, c0, r1, c1 = bounds
        run = writes.header_run(r0, c1)
        if not run:
            return
        new = (r0, c0, r1, run[-1].col)
        af.set("ref", f"{column_letter(c0)}{r0}:{column_letter(new[3])}{r1}")
        self.filter_widened = (bounds, new)
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
