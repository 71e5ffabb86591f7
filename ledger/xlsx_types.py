"""What a caller hands to :func:`ledger.xlsx_patch.patch_workbook`, and the error it may get back.

``CellWrite`` is one cell of the task sheet (督办台账) to (over)write; ``SheetTable`` is a whole
tool-owned sheet (督办记录) generated from scratch; ``PatchError`` says, in Chinese, why a
workbook cannot be written safely. They live in this leaf module so that every ``xlsx_*`` module
can use them without importing the entry point; :mod:`ledger.xlsx_patch` re-exports them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
