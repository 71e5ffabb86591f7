"""What a caller hands to :func:`ledger.xlsx.patch.patch_workbook`, and the error it may get back.

``CellWrite`` is one cell of the task sheet (督办台账) to (over)write; ``SheetTable`` is a whole
tool-owned sheet (督办记录) generated from scratch; ``PatchError`` says, in Chinese, why a
workbook cannot be written safely. They live in this leaf module so that every ``xlsx_*`` module
can use them without importing the entry point; :mod:`ledger.xlsx.patch` re-exports them.
``_RowWrites`` is how both sheet engines receive the writes: grouped by row, in sheet order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

Value = str | int | float | dt.date | None
MAX_ROW, MAX_COL = 1_048_576, 16_384


class PatchError(Exception):
    """The workbook cannot be written safely; the message (in Chinese) says why."""


class CellWrite(NamedTuple):
    """One cell to (over)write: 1-based physical row and column, value, tool style key.

    A named tuple rather than a frozen dataclass: the weekly run makes one per status cell
    (90,000 at 10,000 tasks), and a tuple is built several times faster."""

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


@dataclass(frozen=True)
class DefinedName:
    """A workbook defined name: ``name`` scoped to sheet ``sheet`` (None: the whole workbook) refers
    to ``ref`` (e.g. ``'督办台账'!$P$2``). Excel, WPS and LibreOffice keep such a reference pointing
    at the same cells when the clerk inserts, deletes or moves columns — which is what lets the tool
    recognise its own columns wherever they went."""

    name: str
    sheet: str | None
    ref: str
    hidden: bool = True


class _RowWrites:
    """The cells to write, grouped by row: rows ascending, each row's writes by column, one write
    per cell (a later write to the same cell wins).

    The weekly run writes 9 status columns of every task row (450,000 writes at 50,000 tasks),
    row by row and column by column. So the writes are kept as one list per row, in the order
    they came — no key object per cell — and only a row that came out of order is sorted.
    Raises ValueError for a cell outside the sheet.
    """

    def __init__(self, writes: Iterable[CellWrite]):
        rows: dict[int, list[CellWrite]] = {}
        unsorted: set[int] = set()           # rows whose writes came out of column order
        rows_in_order = True
        current: list[CellWrite] = []
        last_row = last_col = top = 0
        for w in writes:
            r, c = w.row, w.col
            if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
                raise ValueError(f"cell out of range: row {r}, col {c}")
            if r != last_row:
                current = rows.get(r)
                if current is None:
                    current = rows[r] = []
                last_row, last_col = r, current[-1].col if current else 0
                rows_in_order = rows_in_order and r >= top
                top = max(top, r)
            if c <= last_col:
                unsorted.add(r)
            current.append(w)
            last_col = c
        for r in unsorted:
            latest = {w.col: w for w in rows[r]}
            rows[r] = [latest[c] for c in sorted(latest)]
        self.rows = rows if rows_in_order else dict(sorted(rows.items()))
        self._columns: set[int] | None = None

    def __bool__(self) -> bool:
        return bool(self.rows)

    def items(self) -> Iterator[tuple[int, list[CellWrite]]]:
        """(row, its writes by column), rows ascending."""
        return iter(self.rows.items())

    def columns(self) -> set[int]:
        if self._columns is None:
            self._columns = {w.col for ws in self.rows.values() for w in ws}
        return self._columns

    def cells(self) -> set[tuple[int, int]]:
        """Every written (row, col) — built only when a sheet has formula groups to check."""
        return {(w.row, w.col) for ws in self.rows.values() for w in ws}

    def header_run(self, row: int, after_col: int) -> list[CellWrite]:
        """The header cells (style ``header``) written in `row` at after_col + 1, + 2, … with no
        gap: the columns appended directly to the right of a range whose last column is
        `after_col` (an AutoFilter or a Table widened over them)."""
        run: list[CellWrite] = []
        for w in self.rows.get(row, ()):
            if w.col == after_col + 1 + len(run) and w.style == "header":
                run.append(w)
            elif w.col > after_col + len(run):
                break
        return run

    def bounds(self) -> tuple[int, int, int, int]:
        """(min_row, min_col, max_row, max_col) of the written cells; there must be some."""
        cols = self.columns()
        return next(iter(self.rows)), min(cols), next(reversed(self.rows)), max(cols)
