"""Writing checked answers into the clerk's ledger (SPEC §5, §7): the patcher, never openpyxl.

The same discipline as a run: lock and change checks, a backup, a temp file beside the workbook
and an atomic replace. Only the answered cells of the task sheet, the header cells of tool columns
added for them (延期申请至 / 延期申请理由 …, at the right end) and the new rows of 反馈记录 are
written; every other part of the package is copied byte for byte. Cell text is stored as text
(inline strings, quote prefix for text starting with = + - @), never as a formula, and the clerk's
cells keep their format (style key ``keep``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..core.schema import FEEDBACK_SHEET
from ..pipeline import Outcome
from ..xlsx.patch import CellWrite, patch_workbook
from .collect import TARGETS, Change, sheet_columns
from .record import Entry, read_record, record_table, record_writes

_FORMULA_START = tuple("=+-@")


def ledger_writes(outcome: Outcome, changes: list[Change]) -> dict[str, tuple[list[CellWrite], dict[int, float]]]:
    """Cells of each task sheet the changes touch: the changes (the latest change of a cell wins)
    and the header cells of tool columns added for them, by sheet name."""
    columns = sheet_columns(outcome.loaded)
    sheets = outcome.loaded.tasks.by_name()
    out: dict[str, tuple[list[CellWrite], dict[int, float]]] = {}
    for name in dict.fromkeys(c.task.sheet for c in changes):
        cols, header_row = columns[name], sheets[name].header.row
        writes: list[CellWrite] = []
        widths: dict[int, float] = {}
        mine = [c for c in changes if c.task.sheet == name]
        for key in dict.fromkeys(c.target for c in mine):
            col = cols[key]
            if col.new:
                writes.append(CellWrite(header_row, col.col, col.header, "header"))
                widths[col.col] = TARGETS[key][1]
        for c in mine:
            # the clerk's cell keeps its borders and font ("keep"); a new cell wraps its text
            value = c.new
            if isinstance(value, date):
                style = "keep+date"
            else:
                style = "keep+wrap+quote" if str(value).startswith(_FORMULA_START) else "keep+wrap"
            writes.append(CellWrite(c.task.row, cols[c.target].col, value, style))
        out[name] = (writes, widths)
    return out


def apply_changes(path: Path, outcome: Outcome, changes: list[Change], entries: list[Entry]) -> Path | None:
    """Write the changes and their 反馈记录 rows: lossless, backed up, checked, atomic. Returns
    the backup (None when there was nothing to write)."""
    from ..workbook_io import check_unchanged, ensure_writable, replace_with_patched

    if not changes:
        return None
    loaded = outcome.loaded
    ensure_writable(path)
    check_unchanged(path, loaded.fingerprint)
    per_sheet = ledger_writes(outcome, changes)
    first = next(iter(per_sheet))
    writes, widths = per_sheet.pop(first)
    _, layout = read_record(loaded.book)
    owned, more = {}, dict(per_sheet)
    if layout is None:
        owned[FEEDBACK_SHEET] = record_table(entries)
    else:
        more[layout.sheet] = record_writes(entries, layout)
    return replace_with_patched(
        path, loaded.fingerprint, int(loaded.params.int("备份份数")),
        lambda tmp: patch_workbook(path, tmp, first, writes, column_widths=widths, owned_sheets=owned,
                                   more_sheets=more))
