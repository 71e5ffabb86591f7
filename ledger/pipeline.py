"""The reading and deciding stages of the weekly run (SPEC §1):

    load: read workbook → settings (参数设置, 节假日, 单位名录, 督办记录) → parse task rows
    refuse_unsafe: settings to correct, a log cut or later than the run date → nothing is issued
    evaluate_all: deadlines → escalation against the log → number new notices → `Outcome`

Each stage is a function that can be called and tested on its own; rules are pure and receive the
run date, and only `load` touches a file. The story that strings these together with the lock,
the documents and the write-back reads top to bottom in `ledger.batch.run_weekly`; writing is
`ledger.writeback`, documents `ledger.outputs`. The library never prints: the CLI shows results.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping
from functools import cached_property
from datetime import date, datetime
from pathlib import Path

from .core import stages
from .core.calendar import WorkCalendar, track_provisional
from .rules.deadline import compute_deadline
from .core import problems as P
from .core.errors import LedgerError, Problem, RowRef, column_letter
from .reading.holiday_sheet import read_holidays
from .reading.notice_log import Notice, Numberer, is_notice_number, number_key, provisional_basis, read_log
from .reading.params import Params, read_params
from .reading.reader import Book, read_book
from .rules.escalation import Evaluation, evaluate
from .rules.provisional import moved_notices, moved_warning, provisional_warnings
from .core.schema import LOG_SHEET, STATES, Color, is_example_id
from .reading.ids import assign_ids
from .reading.tasks import TaskBook, read_tasks
from .reading.units import UnitDirectory, read_units
from .workbook_io import Fingerprint


@dataclass(frozen=True)
class Loaded:
    """Everything read from the workbook, before any rule ran."""

    book: Book
    fingerprint: Fingerprint
    params: Params
    calendar: WorkCalendar
    units: UnitDirectory | None
    log: tuple[Notice, ...]
    tasks: TaskBook                          # every task sheet; .tasks: all task rows in order
    config_problems: tuple[Problem, ...]     # problems outside task rows: they stop the run
    example_rows: tuple[tuple[str, int], ...] = ()   # (sheet, row) of `ledger init`'s examples: set aside

    @cached_property
    def _logged_numbers(self) -> frozenset[str]:
        return frozenset(n.number for n in self.log)

    def is_notice_number(self, text: str) -> bool:
        """A number the tool issued (`notice_log.is_notice_number`, this log's numbers included)."""
        return is_notice_number(text, self.params, self._logged_numbers)


@dataclass(frozen=True)
class Outcome:
    """The result of evaluating a run (not yet written)."""

    run_date: date
    loaded: Loaded
    evaluations: tuple[Evaluation, ...]
    new_notices: tuple[Notice, ...]
    provisional_years: tuple[int, ...] = ()             # estimated years some row's dates went through
    moved: tuple[tuple[Notice, date], ...] = ()         # notices issued on an estimated D that moved: (notice, D now)
    passed_over: tuple[str, ...] = ()       # numbers issued before a restore: never given out again
    retyped: Mapping[tuple[str, int], str] = field(default_factory=dict)   # (sheet, row) → the id its notices have

    @property
    def batch(self) -> str:
        return self.run_date.isoformat()

    @property
    def batch_notices(self) -> tuple[Notice, ...]:
        """The notices of this run date: issued now, or by an earlier attempt at the same date that
        was interrupted after its commit. Documents and summaries of a run are built from these."""
        return tuple(n for n in (*self.loaded.log, *self.new_notices) if n.batch == self.batch)

    @property
    def row_problems(self) -> list[Problem]:
        return [p for e in self.evaluations for p in e.problems]

    @property
    def error_rows(self) -> list[Evaluation]:
        return [e for e in self.evaluations if e.has_errors]

    def state_counts(self) -> dict[str, int]:
        c = Counter(e.state for e in self.evaluations)
        return {s: c[s] for s in STATES if c[s]}

    def issued_counts(self) -> dict[str, int]:
        c = Counter(n.color for n in self.new_notices)
        return {k: c[k] for k in Color if c[k]}

    @cached_property
    def _latest_numbers(self) -> dict[str, str]:
        from .rules.escalation import last_notice

        by_task: dict[str, list[Notice]] = {}
        for n in (*self.loaded.log, *self.new_notices):
            by_task.setdefault(n.task_id, []).append(n)
        return {task_id: last_notice(ns).number for task_id, ns in by_task.items()}  # type: ignore[union-attr]

    def latest_number(self, task_id: str) -> str | None:
        return self._latest_numbers.get(task_id)

    def history_id(self, task) -> str:
        """The id the log knows the row's notices by: its own, or the one it had before a retyping."""
        return self.retyped.get((task.sheet, task.row), task.id)


def load(path: Path, run_date: date) -> Loaded:
    """Read the workbook and its settings. Raises LedgerError when nothing can be done."""
    fingerprint = Fingerprint.of(path) if path.exists() else None
    book = read_book(path)
    params, p1 = read_params(book)
    holidays, p2 = read_holidays(book)
    units, p3 = read_units(book)
    log, p4 = read_log(book)
    try:
        tasks, p5 = read_tasks(book, units, run_date, params)
    except LedgerError as exc:          # no task list: still say every setting to correct with it
        raise exc.along_with(p1 + p2 + p3 + p4) from None
    tasks, examples = _set_aside_examples(tasks)
    tasks = assign_ids(tasks, (n.task_id for n in log), str(params["任务编号格式"]))
    return Loaded(book, fingerprint, params, WorkCalendar(holidays.days, holidays.published), units, tuple(log), tasks,  # type: ignore[arg-type]
                  tuple(p1 + p2 + p3 + p4 + p5), examples)


def _set_aside_examples(tasks: TaskBook) -> tuple[TaskBook, tuple[tuple[str, int], ...]]:
    """Rows whose 任务编号 starts with 示例 (the examples `ledger init` writes) are not tasks: no
    state, no notice, no number, not in any count or report. Returns (sheet, row) of each."""
    examples = tuple((t.sheet, t.row) for t in tasks.tasks if is_example_id(t.id))
    if not examples:
        return tasks, ()
    sheets = [replace(ts, tasks=tuple(t for t in ts.tasks if not is_example_id(t.id))) for ts in tasks.sheets]
    return TaskBook.of(sheets, tasks.incomplete), examples


def check_history(loaded: Loaded, run_date: date) -> None:
    """The log must be the whole memory before anything is issued (SPEC §2.3, §3.3).

    - A run dated before the latest batch in the log is refused.
    - The task sheet remembers what the log should hold: a 督办单编号 written there by an earlier run
      that the log no longer has means 督办记录 was deleted or cut; numbering from the rest would hand
      out a number already printed and signed. The run stops and says how to restore the log.
    - 更新日期 keeps the date guard when the log lost its rows: a run dated before it is refused too.
    """
    latest = max((n.issued for n in loaded.log), default=None)
    if latest is not None and run_date < latest:
        raise P.RUN_DATE_BEFORE_LOG.error(date=run_date.isoformat(), latest=latest.isoformat())
    numbers, updated = _status_history(loaded)
    known = {n.number for n in loaded.log}
    missing = [(loc, number) for loc, number in numbers if number not in known]
    if missing:
        shown = "、".join(f"{number}（{loc}）" for loc, number in missing[:5])
        more = f"等{len(missing)}个" if len(missing) > 5 else ""
        raise P.RUN_LOG_CUT.error(shown=shown + more, log=LOG_SHEET)
    if updated is not None and run_date < updated[1]:
        raise P.RUN_DATE_BEFORE_UPDATE.error(date=run_date.isoformat(), cell=updated[0], latest=updated[1].isoformat())


def _status_history(loaded: Loaded) -> tuple[list[tuple[str, str]], tuple[str, date] | None]:
    """Notice numbers in the 督办单编号 column (with their cells), and the latest 更新日期 (with its cell)."""
    numbers: list[tuple[str, str]] = []
    updated: tuple[str, date] | None = None
    for ts in loaded.tasks.sheets:
        sheet, cols = ts.sheet, ts.status_columns
        num_col, upd_col = cols.get("督办单编号"), cols.get("更新日期")
        for r in range(ts.header.row + 1, sheet.max_row + 1):
            if num_col:
                text = str(sheet.value(r, num_col) or "").strip()
                if text and loaded.is_notice_number(text):
                    numbers.append((f"{sheet.name}!{column_letter(num_col)}{r}", text))
            if upd_col:
                value = sheet.value(r, upd_col)
                if isinstance(value, datetime):
                    value = value.date()
                if isinstance(value, date) and (updated is None or value > updated[1]):
                    updated = (f"{sheet.name}!{column_letter(upd_col)}{r}", value)
    return numbers, updated


def _retyped_ids(loaded: Loaded) -> dict[tuple[str, int], tuple[str, Problem]]:
    """Rows whose 任务编号 was retyped after a notice (SPEC §2.1: ids never change): the row's own
    督办单编号 cell names a notice the log gives to another id that no row has any more. Matching by
    the new id would restart the ladder (a second 黄 instead of the 红, or a second notice on a
    rerun of the same date), so the row is a data error until the id is put back. A row copied
    from another (the old id still has its row) is not retyped: its status cells are rewritten."""
    by_number = {n.number: n.task_id for n in loaded.log}
    ids = {t.id for t in loaded.tasks.tasks}
    found: dict[tuple[str, int], tuple[str, Problem]] = {}
    for ts in loaded.tasks.sheets:
        col = ts.status_columns.get("督办单编号")
        if col is None:
            continue
        for t in ts.tasks:
            number = str(ts.sheet.value(t.row, col) or "").strip()
            old = by_number.get(number)
            if old is not None and old != t.id and old not in ids:
                found[(t.sheet, t.row)] = (old, t.problem(P.TASK_ID_CHANGED, "id", id=t.id, number=number, old=old))
    return found


# Numbers passed over after a restore, listed 红 first as the summaries list notices (a number of a
# pattern that does not start with its colour's character comes first).
_SEVERITY = {c.value: len(Color) - c.rank for c in Color}


def evaluate_all(loaded: Loaded, run_date: date, issued_elsewhere: frozenset[str] = frozenset()) -> Outcome:
    """Deadlines, states and escalation for every row, and numbers for the notices issued.
    `issued_elsewhere`: numbers that left the office but are not in this log (it was restored from
    a backup); the sequence continues after them instead of reusing them."""
    history: dict[str, list[Notice]] = {}
    for n in loaded.log:
        history.setdefault(n.task_id, []).append(n)
    retyped = _retyped_ids(loaded)          # (sheet, row) → (old id, the row error saying so)
    logged = {n.number for n in loaded.log}
    passed_over = tuple(sorted(issued_elsewhere - logged, key=lambda n: (_SEVERITY.get(n[:1], -1), number_key(n))))
    numberer = Numberer(list(loaded.log), loaded.params, passed_over)
    evaluations: list[Evaluation] = []
    new: list[Notice] = []
    years: set[int] = set()
    moved: list[tuple[Notice, date]] = []
    params, cal = loaded.params, loaded.calendar
    for i, task in enumerate(loaded.tasks.tasks, start=1):
        if i % stages.EVERY == 0:
            stages.advance(stages.EVERY)
        key = task.id
        if (task.sheet, task.row) in retyped:    # a data error until the id is put back; the row keeps its history
            key, problem = retyped[(task.sheet, task.row)]
            task = replace(task, problems=(*task.problems, problem))
        with track_provisional() as row_years:
            with track_provisional() as d_years:
                deadline = compute_deadline(task, cal, params, loaded.book.date1904)
            ev = evaluate(task, deadline, history.get(key, []), run_date, params, cal)
            flagged = moved_notices(task, deadline.due, history.get(key, []), params, cal)
        extra = tuple(typed_over(loaded, task))
        if row_years:
            extra += provisional_warnings(task, row_years)
        if flagged:
            extra += tuple(moved_warning(task, n, deadline.due) for n in flagged)
        if extra:
            ev = replace(ev, problems=ev.problems + extra)
            years |= row_years
            moved += [(n, deadline.due) for n in flagged]
        if ev.issue:
            new.append(Notice(
                number=numberer.next(ev.issue, run_date), task_id=task.id, color=ev.issue, issued=run_date,
                units=task.lead, deadline=deadline.due,
                overdue_days=(run_date - deadline.due).days if deadline.due and run_date > deadline.due else 0,
                signer=params.signer(ev.issue), batch=run_date.isoformat(),
                basis=provisional_basis(d_years) if d_years else "",
            ))
        evaluations.append(ev)
    return Outcome(run_date, loaded, tuple(evaluations), tuple(new), tuple(sorted(years)), tuple(moved), passed_over,
                   MappingProxyType({where: old for where, (old, _) in retyped.items()}))


# What the tool itself writes into each status column; anything else there was typed by hand.
_STATE_WORDS = frozenset(STATES)
_COLOR_WORDS = frozenset(Color)
_TYPED_HINT = {
    "当前状态": "任务已办结请填写“办结日期”，已销号请填写“销号日期”，暂缓督办请填写“正当理由”",
    "督办等级": "督办等级按督办记录自动填写，请勿手工修改",
    "督办单编号": "督办单编号按督办记录自动填写，请勿手工修改",
}


def typed_over(loaded: Loaded, task) -> list[Problem]:
    """Text a clerk typed into one of the tool's status cells since the last run (a value the tool
    would never write there, e.g. 当前状态 “已办结（电话确认）”): the run overwrites it, and says so
    in 程序提示 with where the information belongs, so the clerk's intent is not silently lost."""
    ts, row = loaded.tasks.by_name()[task.sheet], task.row
    found = []
    for name, col in ts.status_columns.items():
        value = ts.sheet.value(row, col)
        if value in ("", None) or _tool_value(name, value, loaded):
            continue
        text = str(value).strip()
        found.append(RowRef(ts.sheet.name, row).problem(
            P.STATUS_TYPED_OVER, col, column=name, text=text,
            hint=_TYPED_HINT.get(name, "如需记录，请写在台账自己的列中（如“备注”）")))
    return found


def _tool_value(name: str, value: object, loaded: Loaded) -> bool:
    if name == "当前状态":
        return str(value).strip() in _STATE_WORDS
    if name == "督办等级":
        return str(value).strip() in _COLOR_WORDS
    if name == "督办单编号":
        return loaded.is_notice_number(str(value).strip())
    if name in ("应办结日期", "更新日期"):
        return isinstance(value, (date, datetime))
    if name in ("剩余工作日", "逾期天数"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True             # 下一步, 程序提示: free text the tool writes; nothing to tell apart


def refuse_unsafe(loaded: Loaded, run_date: date) -> None:
    """Raise LedgerError when issuing anything would be unsafe: settings to correct (`config_error`),
    or a log that was cut or is later than the run date (`check_history`)."""
    err = config_error(loaded)
    if err:
        raise err
    check_history(loaded, run_date)


def config_error(loaded: Loaded) -> LedgerError | None:
    """Problems outside task rows stop the run: notices issued under settings the clerk did not
    intend cannot be taken back."""
    problems = list(loaded.config_problems)
    if not problems:
        return None
    sheets = "、".join(dict.fromkeys(f"“{p.location.sheet}”" for p in problems))
    return P.RUN_SETTINGS.error(problems=problems, sheets=sheets, count=len(problems))
