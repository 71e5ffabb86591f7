"""Status columns and the notice log, written into the clerk's workbook (SPEC §2.2, §2.3, §5).

Only the status columns of task rows (in every task sheet), the ids the tool assigned (in the
sheet's id column, or a 任务编号 column it adds), the generated header cells and the new rows of the
tool-owned 督办记录 (created whole on the first run, appended to after that) are written; the
zip-level patcher copies every other part byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from .core.dates import normalize_text
from .core import stages
from .core.errors import column_letter
from .faults import checkpoint
from .reading.notice_log import LOG_KEYS, LogLayout, log_layout
from .pipeline import Outcome
from .core.schema import (AUTO_SUFFIX, ID_HEADER, LOG_HEADERS, LOG_OPTIONAL_KEYS, LOG_SHEET, STATUS_HEADERS,
                          STATUS_MARKERS, STATUS_NAMES, Color, State)
from .reading.tasks import TaskSheet
from .workbook_io import check_unchanged, ensure_writable, glob_escape, replace_with_patched
from .xlsx.patch import CellWrite, DefinedName, SheetTable, patch_workbook

_WIDTHS = dict(STATUS_HEADERS)
_STATE_STYLE = {s: f"fill_{s.fill}" for s in State if s.fill}      # 当前状态 cells a clerk must see
_LEVEL_STYLE = {c: f"fill_{c.fill}" for c in Color}                 # 督办等级 in its colour


def status_columns(ts: TaskSheet) -> dict[str, int]:
    """Column of each status header: the tool's own where it has one (found by its marker), else
    appended at the right end (past every used cell and every merged range, so nothing of the clerk's
    is overwritten)."""
    return {name: col for name, (col, _) in _status_layout(ts).items()}


def _status_layout(ts: TaskSheet) -> dict[str, tuple[int, str | None]]:
    """name → (column, header text to write or None when the column exists). A new column whose name
    the clerk's sheet already uses gets the header 名称（自动）, so both stay recognisable. A sheet
    without an id column first gets the tool's own 任务编号 column (SPEC §2.1 Ids)."""
    right = max([ts.sheet.max_col, *(c1 for _, _, _, c1 in ts.sheet.merged)], default=0)
    used = {normalize_text(v) for v in ts.header.texts.values()}
    layout: dict[str, tuple[int, str | None]] = {}
    if "id" not in ts.header.columns:
        right += 1
        layout[ID_HEADER] = (right, ID_HEADER)
    for name in STATUS_NAMES:
        if name in ts.status_columns:
            layout[name] = (ts.status_columns[name], None)
        else:
            right += 1
            layout[name] = (right, name + AUTO_SUFFIX if normalize_text(name) in used else name)
    return layout


def renamed_columns(outcome: Outcome) -> list[str]:
    """Sentences for the summary: status columns created beside a clerk's column of the same name."""
    out = []
    for ts, name, (col, header) in ((ts, *item) for ts in outcome.loaded.tasks.sheets
                                    for item in _status_layout(ts).items()):
        if header is not None and header != name and name in ts.clerk_status:
            out.append(f"“{ts.sheet.name}”{column_letter(ts.clerk_status[name])}列“{name}”是台账原有的列，程序不改动它；"
                       f"程序填写的列名为“{header}”（{column_letter(col)}列）")
    return out


def status_markers(outcome: Outcome) -> list[DefinedName]:
    """The hidden names that mark the tool's status columns (schema.STATUS_MARKERS), per task sheet."""
    names = []
    for ts in outcome.loaded.tasks.sheets:
        sheet = ts.sheet.name.replace("'", "''")
        names += [DefinedName(STATUS_MARKERS[name], ts.sheet.name, f"'{sheet}'!${column_letter(col)}${ts.header.row}")
                  for name, col in status_columns(ts).items() if name in STATUS_MARKERS]
    return names


def status_values(outcome: Outcome, ev) -> dict[str, tuple[object, str | None]]:
    D = ev.deadline.due
    hints = "；".join(p.short().rstrip("。") for p in ev.problems)
    return {
        "应办结日期": (D, "date"),
        "当前状态": (ev.state, _STATE_STYLE.get(ev.state)),
        "剩余工作日": (ev.remaining, None),
        "逾期天数": (ev.overdue, None),
        "督办等级": (ev.level, _LEVEL_STYLE.get(ev.level)),
        "督办单编号": (outcome.latest_number(outcome.history_id(ev.task)) if ev.task.id else None, None),
        "下一步": (ev.next_step or None, "wrap"),
        "程序提示": ((hints + "。") if hints else None, "wrap"),
        "更新日期": (outcome.run_date, "date"),
    }


def cell_writes(outcome: Outcome) -> dict[str, tuple[list[CellWrite], dict[int, float]]]:
    """Per task sheet: its writes and the widths of the columns it gains. Only the tool's header
    cells, the ids it assigned and the status cells are written."""
    return {ts.name: _sheet_writes(outcome, ts) for ts in outcome.loaded.tasks.sheets}


def _sheet_writes(outcome: Outcome, ts: TaskSheet) -> tuple[list[CellWrite], dict[int, float]]:
    layout = _status_layout(ts)
    cols = {name: col for name, (col, _) in layout.items()}
    writes: list[CellWrite] = []
    widths: dict[int, float] = {}
    for name, (col, header) in layout.items():
        if header is not None:
            writes.append(CellWrite(ts.header.row, col, header, "header"))
            widths[col] = _WIDTHS.get(name, 14)
    id_col = ts.header.columns.get("id") or cols[ID_HEADER]
    writes += [CellWrite(row, id_col, task_id, None) for row, task_id in ts.new_ids.items()]
    mine = [ev for ev in outcome.evaluations if ev.task.sheet == ts.name]
    task_rows = {ev.task.row for ev in mine}
    for r in range(ts.header.row + 1, ts.sheet.max_row + 1):
        if r in task_rows:
            continue
        # a row that is no longer a task (cleared, or turned into a note) keeps no stale status
        for name, col in ts.status_columns.items():
            if ts.sheet.value(r, col) not in ("", None):
                writes.append(CellWrite(r, col, None))
    for ev in mine:
        for name, (value, style) in status_values(outcome, ev).items():
            writes.append(CellWrite(ev.task.row, cols[name], value, style))
    return writes, widths


def log_table(outcome: Outcome) -> SheetTable:
    notices = (*outcome.loaded.log, *outcome.new_notices)
    return SheetTable(
        headers=tuple(h for h, _ in LOG_HEADERS),
        rows=tuple(n.as_row() for n in notices),
        widths=tuple(w for _, w in LOG_HEADERS),
        date_columns=frozenset({3, 5}),
    )


_LOG_DATES = frozenset({"issued", "deadline"})


def complete_header(columns, header_row: int, last_col: int, wanted) -> tuple[dict, list[CellWrite], dict[int, float]]:
    """A sheet the tool appends to (督办记录, 反馈记录) as the clerk left it: each (key, header, width)
    of `wanted` missing from `columns` gets a header cell to the right of everything, so no field is
    lost. Returns the columns by key, the header writes and the new columns' widths."""
    cols = dict(columns)
    writes: list[CellWrite] = []
    widths: dict[int, float] = {}
    right = last_col
    for key, name, width in wanted:
        if key not in cols:
            right += 1
            cols[key] = right
            writes.append(CellWrite(header_row, right, name, "header"))
            widths[right] = width
    return cols, writes, widths


def log_writes(outcome: Outcome, layout: LogLayout) -> tuple[list[CellWrite], dict[int, float]]:
    """The run's new notices as rows appended to an existing 督办记录, each value under its header
    wherever the clerk has put it; the rows already there, columns the clerk added, widths,
    filters and comments are left as they are. A standard column missing from the header is
    added to the right of everything (header cell and width), so no field of a notice is lost;
    an empty sheet gets the standard header row first."""
    header_row = layout.header_row or 1
    # an older log gains an optional column only when a notice needs it
    wanted = [(key, name, width) for key, (name, width) in zip(LOG_KEYS, LOG_HEADERS)
              if key not in LOG_OPTIONAL_KEYS or any(getattr(n, key) for n in outcome.new_notices)]
    cols, writes, widths = complete_header(layout.columns, header_row, layout.last_col, wanted)
    row = max(layout.last_row, header_row)
    for notice in outcome.new_notices:
        row += 1
        for key, value in zip(LOG_KEYS, notice.as_row()):
            if value is not None and value != "" and key in cols:
                writes.append(CellWrite(row, cols[key], value, "date" if key in _LOG_DATES else None))
    return writes, widths


def commit(path: Path, outcome: Outcome) -> Path:
    """Backup, patch into a temp file beside the workbook, atomically replace. Returns the backup."""
    loaded = outcome.loaded
    ensure_writable(path)
    check_unchanged(path, loaded.fingerprint)
    task_writes = cell_writes(outcome)
    first, *others = task_writes            # the first task sheet is patched as the main sheet
    writes, widths = task_writes[first]
    owned, more = {}, {name: task_writes[name] for name in others}
    layout = log_layout(loaded.book)
    if layout is None:
        owned[LOG_SHEET] = log_table(outcome)       # the first run: the tool creates the sheet
    elif outcome.new_notices:
        more[layout.sheet] = log_writes(outcome, layout)
    # temp files of runs that were killed mid-write (we hold the run lock: none is in use)
    for stale in path.parent.glob(f".{glob_escape(path.stem)}.*.tmp{path.suffix}"):
        stale.unlink(missing_ok=True)
    return replace_with_patched(
        path, loaded.fingerprint, int(loaded.params.int("备份份数")),
        lambda tmp: patch_workbook(path, tmp, first, writes, column_widths=widths, owned_sheets=owned,
                                   more_sheets=more, progress=stages.advance, defined_names=status_markers(outcome)),
        label=f"{outcome.batch}运行前", untouched="台账未被修改，也未发出督办单。",
        advice="请用 Excel/WPS 打开后“另存为”新文件再运行，或用 ledger restore 从备份恢复。", step=checkpoint)
