"""`ledger collect`: returned forms checked against the ledger, then written into it (SPEC §5).

Every answer is checked before anything is written — the form's own identity, the task still in
the ledger and still that unit's, dates that are dates (办结日期 not in the future nor before
交办日期, 申请延期至 after the deadline), locked facts left alone, no older form over a newer one,
no form twice — and a refusal concerns only that file, row or field: the rest still applies.

What is applied: 本次进展 → 进展情况 (the text it replaces goes to 反馈记录), 办结日期 → 办结日期,
申请延期至 + 延期理由 → 延期申请至 / 延期申请理由 / 延期申请日期 (the form's date). 延期至 is never
written: an extension is the leader's decision (seed 004 第八条). The write goes through the
lossless patcher (`write`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.dates import BadValue, is_blank, parse_date, normalize_text, cell_text
from ..core import problems as P
from ..core.errors import Kind, Problem, RowRef
from ..core.schema import REQUEST_HEADERS
from ..pipeline import Loaded, Outcome
from ..reading.tasks import Task, TaskSheet
from .identity import LOCKED, FormIdentity
from .record import Entry, read_record
from .returns import ReturnedForm, ReturnedRow

# ledger target of each kind of change: key → (header used when the column must be added, width)
TARGETS: dict[str, tuple[str, float]] = {
    "progress": ("进展情况", 30),
    "done": ("办结日期", 12),
    "req_to": REQUEST_HEADERS[0],
    "req_reason": REQUEST_HEADERS[1],
    "ext_applied": REQUEST_HEADERS[2],
}


@dataclass(frozen=True)
class Change:
    form: ReturnedForm
    row: ReturnedRow
    task: Task
    target: str                 # key of TARGETS
    field: str                  # the ledger header it goes under
    old: object
    new: object


@dataclass
class FormResult:
    """What one file would change, and what was refused or ignored in it."""

    path: Path
    identity: FormIdentity | None = None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    col: int
    header: str
    new: bool                   # the tool adds it at the right end


def target_columns(ts: TaskSheet) -> dict[str, Column]:
    """Where each kind of change goes on one task sheet: the clerk's column when it exists, else a
    tool column appended at the right end (past every used cell, merged range and status column)."""
    header_cells = ts.sheet.cells[ts.header.row - 1] if ts.header.row <= ts.sheet.max_row else []
    by_name = {normalize_text(v): c for c, v in enumerate(header_cells, start=1) if not is_blank(v)}
    right = max([ts.sheet.max_col, *(c1 for _, _, _, c1 in ts.sheet.merged), *ts.status_columns.values()], default=0)
    cols: dict[str, Column] = {}
    for key, (name, _) in TARGETS.items():
        if key in ("progress", "done", "ext_applied") and key in ts.header.columns:
            c = ts.header.columns[key]
            cols[key] = Column(c, ts.header.names.get(c, name), False)
        elif normalize_text(name) in by_name:
            cols[key] = Column(by_name[normalize_text(name)], name, False)
        else:
            right += 1
            cols[key] = Column(right, name, True)
    return cols


def sheet_columns(loaded: Loaded) -> dict[str, dict[str, Column]]:
    """target_columns of every task sheet, by sheet name."""
    return {ts.name: target_columns(ts) for ts in loaded.tasks.sheets}


class _Checker:
    """The checks of one collection, with its memory of what is already recorded."""

    def __init__(self, outcome: Outcome, today: date):
        self.outcome = outcome
        self.today = today
        self.columns = sheet_columns(outcome.loaded)
        self.sheets = outcome.loaded.tasks.by_name()
        self.history, self.layout = read_record(outcome.loaded.book)
        by_id: dict[str, list] = {}
        for ev in outcome.evaluations:
            if ev.task.id:
                by_id.setdefault(ev.task.id, []).append(ev)
        self.by_id = by_id
        self.latest: dict[tuple[str, str], object] = {}

    def current(self, task: Task, key: str) -> object:
        """The value a change replaces: the ledger's, or what an earlier form of this collection
        put there."""
        if (task.id, key) in self.latest:
            return self.latest[(task.id, key)]
        return getattr(task, key) if key in ("progress", "done") else self.cell(task, key)

    def cell(self, task: Task, key: str) -> object:
        col = self.columns[task.sheet][key]
        return "" if col.new else self.sheets[task.sheet].sheet.value(task.row, col.col)

    def check(self, form: ReturnedForm) -> FormResult:
        result = FormResult(form.path, form.identity)
        seen: dict[str, int] = {}
        for row in form.rows:
            changes, problems = self._row(form, row, seen)
            result.changes += changes
            result.problems += problems
        return result

    def _row(self, form: ReturnedForm, row: ReturnedRow, seen: dict[str, int]):
        ident = form.identity
        ref = RowRef(form.name, row.row)
        loc = lambda h=None: ref.at(row.letters.get(h) if h else None)  # noqa: E731
        id_loc = loc("任务编号")

        def refuse(kind: Kind, **fields: object) -> tuple[list, list]:
            return [], [kind.at(id_loc, **fields)]

        if all(is_blank(row.values.get(h)) for h in ("本次进展", "办结日期", "申请延期至", "延期理由")):
            return [], []                 # nothing reported on this task
        if not row.task_id:
            return refuse(P.RETURN_ID_EMPTY)
        if row.task_id in seen:
            return refuse(P.RETURN_ID_TWICE, id=row.task_id, first=seen[row.task_id])
        seen[row.task_id] = row.row
        if row.task_id not in ident.task_ids:
            return refuse(P.RETURN_ID_FOREIGN, id=row.task_id)
        evs = self.by_id.get(row.task_id, [])
        if not evs:
            return refuse(P.RETURN_ID_GONE, id=row.task_id)
        if len(evs) > 1:
            return refuse(P.RETURN_ID_AMBIGUOUS, id=row.task_id)
        ev = evs[0]
        task = ev.task
        if ident.unit not in task.lead:
            return refuse(P.RETURN_WRONG_UNIT, id=row.task_id, lead="、".join(task.lead) or "（空）", unit=ident.unit)
        if task.closed is not None:
            return refuse(P.RETURN_CLOSED, id=row.task_id, closed=task.closed.isoformat())
        mine = [e for e in self.history if e.task_id == row.task_id]
        newer = max((e.form_date for e in mine if e.form_date and e.form_id != ident.form_id), default=None)
        if newer is not None and newer > ident.form_date:
            return refuse(P.RETURN_OLDER, id=row.task_id, newer=newer.isoformat(), form_date=ident.form_date.isoformat())

        problems = self._locked_edits(form, row, loc)
        changes: list[Change] = []
        # the same form collected again: what it already wrote is not written twice (a field it
        # could not write the first time, e.g. a date the unit has since corrected, still is)
        done_before = {e.field: e for e in mine if e.form_id == ident.form_id}

        def change(key: str, new: object) -> None:
            field = self.columns[task.sheet][key].header
            if field in done_before:
                return
            old = self.current(task, key)
            if callable(new):
                new = new(old)
            if cell_text(old) != cell_text(new):
                changes.append(Change(form, row, task, key, field, old, new))
                self.latest[(task.id, key)] = new      # a later form of this collection builds on it

        text = cell_text(row.values.get("本次进展"))
        if text:
            change("progress", text if len(task.lead) < 2 else (lambda old: joint_progress(task.lead, ident.unit, old, text)))
        done = self._date(row, "办结日期", task, loc, problems)
        if done is not None:
            if done > self.today:
                problems.append(P.RETURN_DONE_FUTURE.at(loc("办结日期"), day=done.isoformat(), today=self.today.isoformat()))
            elif task.assigned and done < task.assigned:
                problems.append(P.RETURN_DONE_BEFORE_ASSIGNED.at(loc("办结日期"), day=done.isoformat(),
                                                                 assigned=task.assigned.isoformat()))
            elif task.done is not None and task.done != done and task.review != "不合格":
                problems.append(P.RETURN_DONE_CONFLICT.at(loc("办结日期"), recorded=task.done.isoformat(), day=done.isoformat()))
            else:
                change("done", done)
        self._extension(row, task, ev.deadline.due, loc, problems, change, ident)
        if done_before:
            when = min(e.when for e in done_before.values()).isoformat()
            problems.append(P.RETURN_ALREADY_COLLECTED.at(id_loc, when=when))
        return changes, problems

    def _extension(self, row, task, due, loc, problems, change, ident) -> None:
        reason = cell_text(row.values.get("延期理由"))
        raw_to = row.values.get("申请延期至")
        if is_blank(raw_to) and not reason:
            return
        if is_blank(raw_to):
            problems.append(P.RETURN_REASON_ONLY.at(loc("申请延期至")))
            return
        to = self._date(row, "申请延期至", task, loc, problems)
        if to is None:
            return
        if not reason:
            problems.append(P.RETURN_NO_REASON.at(loc("延期理由")))
            return
        floor = due or task.assigned
        if floor is not None and to <= floor:
            what = "应办结日期" if due else "交办日期"
            problems.append(P.RETURN_EXTENSION_EARLY.at(loc("申请延期至"), day=to.isoformat(), what=what,
                                                        floor=floor.isoformat()))
            return
        change("req_to", to)
        change("req_reason", reason)
        change("ext_applied", ident.form_date)

    def _date(self, row, header, task, loc, problems) -> date | None:
        raw = row.values.get(header)
        if is_blank(raw):
            return None
        try:
            return parse_date(raw, task.assigned, self.outcome.loaded.book.date1904)
        except BadValue:
            problems.append(P.RETURN_NOT_A_DATE.at(loc(header), column=header, text=raw))
            return None

    def _locked_edits(self, form: ReturnedForm, row: ReturnedRow, loc) -> list[Problem]:
        sent = form.identity.sent.get(row.task_id)
        if sent is None:
            return []             # the hidden sheet was lost in a re-save: nothing to compare with
        return [P.RETURN_LOCKED_EDITED.at(loc(h), column=h, text=row.locked[h])
                for h, was in zip(LOCKED, sent) if h in row.locked and row.locked[h] != was]

    def remember(self, entries: list[Entry]) -> None:
        """Later forms of the same collection see this one as already recorded."""
        self.history += entries


def joint_progress(leads: tuple[str, ...], unit: str, old: object, text: str) -> str:
    """进展情况 of a task several units lead: one line 【单位】… per unit that reported, in the
    order of 牵头单位, so one unit's report does not wipe out another's. Text on record without
    such a mark is replaced (it stays in 反馈记录)."""
    lines: dict[str, str] = {}
    for line in cell_text(old).splitlines():
        for u in leads:
            if line.startswith(f"【{u}】") and u != unit:
                lines[u] = line
    lines[unit] = f"【{unit}】{text}"
    return "\n".join(lines[u] for u in leads if u in lines)


def check_forms(outcome: Outcome, forms: list[ReturnedForm], today: date) -> tuple[list[FormResult], list[Entry]]:
    """Each form's changes and problems, oldest form first (so the newest stays), and the
    反馈记录 entries of the changes."""
    checker = _Checker(outcome, today)
    results, entries = [], []
    for form in sorted(forms, key=lambda f: (f.identity.form_date, f.name)):
        result = checker.check(form)
        mine = [entry_of(c, today) for c in result.changes]
        checker.remember(mine)
        results.append(result)
        entries += mine
    return results, entries


def entry_of(c: Change, today: date) -> Entry:
    filler = cell_text(c.row.values.get("填报人"))
    phone = cell_text(c.row.values.get("联系电话"))
    return Entry(today, c.form.name, c.form.identity.unit, c.task.id, c.field, cell_text(c.old), cell_text(c.new),
                 c.form.identity.form_date, filler, phone, c.form.identity.form_id)
