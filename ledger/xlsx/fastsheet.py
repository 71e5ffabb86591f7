"""The fast path for the task sheet: byte-level splicing of the rows that change.

Everything else in the sheet — every untouched row, every untouched cell of a touched row — is
copied byte for byte, and the sheet is never parsed or re-serialised as a whole (10,000 rows ×
30 columns: ~0.1 s). Nor is the new sheet ever built whole: it goes out piece by piece, in sheet
order, into a :class:`ledger.xlsx.package._PartWriter` that deflates as it goes, so the only big
thing in memory is the original part (50,000 rows: 60 MB). It accepts only the conventional
layout every producer writes (default namespace, explicit r on rows and the scanned cells, rows
in order, no comments/CDATA/row extLst in sheetData) and otherwise raises ``_Fallback`` so the
lxml engine (:mod:`ledger.xlsx.sheet`) takes over. The edits outside sheetData (``<dimension>``,
``<autoFilter>``, ``<cols>``) are made by that engine on the sheet's skeleton, which also
validates everything the fast path does not look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from .cells import column_index, column_letter
from .formulas import _GROUP_HINTS, _check_formula_groups, _group_formula
from .package import _PartWriter
from .sheet import _new_spans, _SheetPatch
from .styles import CellRenderer, is_kept
from .types import _RowWrites
from .xml import MAIN_NS

PROGRESS_EVERY = 500    # rows patched between two calls of the caller's progress callback


class _Fallback(Exception):
    """The fast path met something unusual; the lxml engine handles the sheet instead."""


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s>/]")
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
_CELL_S = re.compile(rb"""\ss\s*=\s*["']([0-9]+)["']""")
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
        self._runs: dict[tuple[int, int], list[bytes]] = {}

    def _col(self, letters: bytes) -> int:
        col = self._col_cache.get(letters)
        if col is None:
            col = self._col_cache[letters] = column_index(letters.decode())
        return col

    def _rows(self) -> Iterator[tuple[int, int, int, int, int]]:
        """(r, start, start-tag end, inner end or -1 when self-closing, end) of every row, in order."""
        data, end_limit = self.data, self.inner_end
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
                pos = m.end()
                yield n, m.start(), pos, -1, pos
            else:
                close = data.find(b"</row>", m.end(), end_limit)
                if close < 0:
                    raise _Fallback
                pos = close + 6
                yield n, m.start(), m.end(), close, pos

    def _check_groups(self, writes: _RowWrites) -> None:
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
        _check_formula_groups(self.label, masters, deps, arrays, writes.cells())

    def _cell_start_before(self, pos: int, lo: int | None = None) -> int:
        data = self.data
        lo = self.inner_start if lo is None else lo
        while True:
            k = data.rfind(b"<c", lo, pos)
            if k < 0 or data[k + 2] in _CELL_NEXT:
                return k
            pos = k

    def apply(self, writes: _RowWrites, widths: Mapping[int, float], out: _PartWriter,
              progress: Callable[[int], None] | None = None) -> None:
        """Write the patched sheet into `out`, in order. On _Fallback (which may come after part
        of the sheet went out) the caller drops `out` and hands the sheet to the lxml engine."""
        data = self.data
        if writes:
            self._check_groups(writes)
        before, after = self._outside(writes, widths)
        view = memoryview(data)              # slices of the original without copying them
        add, pump = out.append, out.pump
        add(before)
        add(b"<sheetData>")
        rows = self._rows()
        row = next(rows, None)
        cursor = self.inner_start
        starts = {c: b'<c r="' + self.letter_bytes(c) for c in writes.columns()} if writes else {}
        body = self.cells.body_bytes
        for done, (rnum, ws) in enumerate(writes.items(), start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            while row is not None and row[0] < rnum:
                row = next(rows, None)
            suffix = b'%d"' % rnum
            cells = [(w.col, starts[w.col] + suffix + body(w.value, w.style)) for w in ws]
            if row is not None and row[0] == rnum:
                if row[1] > cursor:
                    add(view[cursor:row[1]])
                keeps = {w.col: w for w in ws if w.style and "keep" in w.style and is_kept(w.style)}
                self._patch_row(row, cells, view, out, keeps)
                cursor = row[4]
                row = next(rows, None)
            else:
                at = row[1] if row is not None else self.inner_end
                if at > cursor:
                    add(view[cursor:at])
                add(b'<row r="%d">' % rnum + b"".join(c for _, c in cells) + b"</row>")
                cursor = at
            pump()
        for _ in rows:                       # the rest still has to be the layout we accept
            pass
        add(view[cursor:self.inner_end])
        add(b"</sheetData>")
        add(after)

    def _outside(self, writes: _RowWrites, widths: Mapping[int, float]) -> tuple[bytes, bytes]:
        """The sheet before and after sheetData, with ``<dimension>``, ``<autoFilter>`` and
        ``<cols>`` updated."""
        if writes:
            self.head.update_dimension(writes)
            self.head.widen_auto_filter(writes)
        self.head.set_widths(widths)
        if not self.head.head_changed:
            return self.data[:self.sd.start()], self.data[self.close_end:]
        skeleton = self.head.result()
        at = skeleton.find(b"<sheetData/>")
        if at < 0 or skeleton.find(b"<sheetData/>", at + 1) >= 0:
            raise _Fallback
        return skeleton[:at], skeleton[at + len(b"<sheetData/>"):]

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
        found = _CELL_LETTERS.findall(data, region, inner_end)
        if len(_CELL_OPEN.findall(data, region, inner_end)) != len(found):
            return None
        if found != self._letter_run(cols[0], len(cols)):    # usual on a later run: every written cell exists
            existing = [self._col(m) for m in found]
            if any(a >= b for a, b in zip(existing, existing[1:])) or existing[-1] > cols[-1]:
                return None
        k = self._cell_start_before(region, tag_end)
        if k >= 0:
            col = self._cell_col_at(k, inner_end)
            if col is None or col >= cols[0]:
                return None
        if _FORMULA_TAG.search(data, region, inner_end):
            return None
        return region

    def _letter_run(self, first: int, n: int) -> list[bytes]:
        """The column letters of `n` columns from `first` on (cached: every row writes the same)."""
        run = self._runs.get((first, n))
        if run is None:
            run = self._runs[(first, n)] = [self.letter_bytes(c) for c in range(first, first + n)]
        return run

    def letter_bytes(self, col: int) -> bytes:
        b = self._letters.get(col)
        if b is None:
            b = self._letters[col] = column_letter(col).encode()
        return b

    def _patch_row(self, row: tuple[int, int, int, int, int], cells: list[tuple[int, bytes]],
                   view: memoryview, out: _PartWriter, keeps: Mapping[int, object] | None = None) -> None:
        """Add the row, with the new cells merged in, to `out`. `keeps`: column → write whose
        cell keeps the format of the cell it replaces."""
        data = self.data
        rnum, start, tag_end, inner_end, end = row
        tag = data[start:tag_end]
        cols = [c for c, _ in cells]
        tail: list[tuple[int, int, int]] = []
        front_end = inner_end
        quick = None if keeps else self._quick_region(row, cols)
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
                if keeps and col in keeps:
                    w = keeps[col]
                    s = _CELL_S.search(_CELL_RE.match(old).group(1))
                    new = (b'<c r="' + self.letter_bytes(col) + b'%d"' % rnum
                           + self.cells.kept_body_bytes(w.value, w.style, s.group(1).decode() if s else None))
                ti += 1
            pieces.append(new)
        pieces.extend(data[s:e] for _, s, e in tail[ti:])
        spans = _SPANS.search(tag)
        if spans is not None:
            new_spans = _new_spans(spans.group(1).decode("ascii", "replace"), cols)
            repl = b"" if new_spans is None else b' spans="' + new_spans.encode() + b'"'
            tag = tag[:spans.start()] + repl + tag[spans.end():]
        if inner_end < 0:                          # <row .../> gains content
            out.append(tag[:-2].rstrip() + b">")
            out.extend(pieces)
            out.append(b"</row>")
            return
        out.append(tag)
        out.append(view[tag_end:front_end])
        out.extend(pieces)
        out.append(view[inner_end:end])

