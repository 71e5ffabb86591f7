"""The facts every report counts, and the weekly summary (周汇总, SPEC §4.1) counted from them.

`Facts` turns a run's evaluations and notices into flat records: one per (task, lead unit) and one
per (notice, charged unit), unit names canonicalised through 单位名录. The weekly summary, made
on every run, counts them in plain Python; the period reports (`ledger.figures.stats`) load the same
records into pandas. Definitions are in the `ledger.figures.stats` docstring; the ones used here:

* 新交办: 交办日期 in the week; 按时/逾期办结: finished in the week on / after the deadline D;
* 7日内到期: open, D from the run date to 7 days later;
* 逾期未办结: state 逾期, split by the highest colour issued (this run included);
* 本次发出: the notices of this run date (批次), by colour.

A task with several lead units counts once for each. `total` counts each task once (the figures of
the summary's opening paragraph); `unit_total` is the sum of the unit rows, the 合计 row of the table,
so a clerk adding up a column lands on it (issue 16) — the note under the table says why the two differ.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import NamedTuple

from ..core.periods import Period, week_ending
from ..core.schema import Color, State

PENDING_STATES = frozenset(s for s in State if s.is_pending)


class TaskFact(NamedTuple):
    task_id: str
    unit: str
    ok: bool                        # counted: no data error, a deadline and a lead unit
    assigned: date | None
    due: date | None
    finished: date | None
    state: str
    level: str                      # highest colour issued, or ""
    content: str


class NoticeFact(NamedTuple):
    number: str
    task_id: str
    color: str
    issued: date
    unit: str


def finished_on(task) -> date | None:
    """The day the task counts as done: 办结日期 (review not 不合格), or 销号 (struck off)."""
    if task.closed is not None:
        return task.done or task.closed
    if task.done is not None and task.review != "不合格":
        return task.done
    return None


class Facts:
    """A run's tasks and notices as flat records (see the module docstring)."""

    def __init__(self, outcome, evaluations=None):
        loaded = outcome.loaded
        self.params, self.directory = loaded.params, loaded.units
        evaluations = outcome.evaluations if evaluations is None else evaluations
        self.tasks = {e.task.id: e for e in evaluations if e.task.id}
        rows: list[TaskFact] = []
        excluded = []
        for e in evaluations:
            t = e.task
            ok = bool(e.state != State.BAD_DATA and e.deadline.due is not None and t.lead)
            key = t.id or f"第{t.row}行"
            if not ok and e.state != State.ONGOING:       # long-term tasks have no D by design
                excluded.append(key)
            for unit in t.lead:
                rows.append(TaskFact(key, self.canon(unit), ok, t.assigned, e.deadline.due, finished_on(t),
                                     e.state, e.level or "", t.content))
        self.task_rows, self.excluded = rows, tuple(excluded)
        seen, notices = set(), []
        for n in (*loaded.log, *outcome.new_notices):
            if n.number not in seen:
                seen.add(n.number)
                notices.append(n)
        self.notices = notices
        self.notice_rows: list[NoticeFact] = []
        for n in notices:
            task = self.tasks.get(n.task_id)
            units = n.units or (task.task.lead if task else ())
            for unit in dict.fromkeys(self.canon(u) for u in units):
                self.notice_rows.append(NoticeFact(n.number, n.task_id, n.color, n.issued, unit))

    def canon(self, name: str) -> str:
        unit = self.directory.resolve(name) if self.directory is not None else None
        return unit.name if unit is not None else name

    def order(self, units, score=None) -> list[str]:
        """单位名录 order (others after it, by name); without a directory, by `score` then name."""
        units = list(dict.fromkeys(units))
        if self.directory is not None:
            rank = {u.name: u.order for u in self.directory.units}
            return sorted(units, key=lambda u: (rank.get(u, len(rank)), u))
        return sorted(units, key=lambda u: ((score(u) if score else 0), u))

    def points(self, color: str) -> int:
        return self.params.int(f"{color}色扣分")


# --- the weekly summary ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskLine:
    task_id: str
    content: str
    units: tuple[str, ...]
    due: date | None
    days: int | None = None         # days overdue (or None)
    level: str = ""                 # highest colour issued (蓝/黄/红) or ""
    note: str = ""


@dataclass(frozen=True)
class WeeklyRow:
    unit: str
    new: int = 0                    # 新交办
    on_time: int = 0                # 按时办结 this week
    late: int = 0                   # 逾期办结 this week
    due_soon: int = 0               # open, due from the run date to 7 days later
    overdue_none: int = 0           # overdue, no notice yet
    overdue_blue: int = 0
    overdue_yellow: int = 0
    overdue_red: int = 0
    issued_blue: int = 0            # notices of this run
    issued_yellow: int = 0
    issued_red: int = 0

    @property
    def overdue(self) -> int:
        return self.overdue_none + self.overdue_blue + self.overdue_yellow + self.overdue_red


@dataclass(frozen=True)
class WeeklySummary:
    period: Period
    rows: tuple[WeeklyRow, ...]
    total: WeeklyRow
    due_soon: tuple[TaskLine, ...]
    overdue: tuple[TaskLine, ...]
    issued: tuple                   # the run's Notice records
    excluded: tuple[str, ...]       # task ids (or 第N行) left out: data errors
    duties: tuple[TaskLine, ...] = ()   # report duties (持续推进) due from the run date to 7 days later
    ongoing: int = 0                # tasks in state 持续推进 (counted apart: they have no deadline)
    multi_unit: int = 0             # counted tasks with two or more lead units

    @property
    def unit_total(self) -> WeeklyRow:
        """The column sums of the unit rows: the table's 合计."""
        counts = {f.name: sum(getattr(r, f.name) for r in self.rows) for f in fields(WeeklyRow) if f.name != "unit"}
        return WeeklyRow("合计", **counts)


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def weekly_summary(outcome) -> WeeklySummary:
    """The 7 days ending at the run date, counted per lead unit and in total."""
    T = outcome.run_date
    week = week_ending(T)
    soon = T + timedelta(days=7)
    f = Facts(outcome)
    overdue_level = {"": "overdue_none", **{c: f"overdue_{c.code}" for c in Color}}
    per_unit: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    total: dict[str, set] = defaultdict(set)
    due_soon, overdue = [], []
    for r in f.task_rows:
        if not r.ok:
            continue
        keys = []
        if _within(r.assigned, week.start, T):
            keys.append("new")
        if _within(r.finished, week.start, T):
            keys.append("on_time" if r.finished <= r.due else "late")
        if r.state in PENDING_STATES and _within(r.due, T, soon):
            keys.append("due_soon")
            due_soon.append(r)
        if r.state == State.OVERDUE:
            keys.append(overdue_level[r.level])
            overdue.append(r)
        for key in keys:
            per_unit[r.unit][key].add(r.task_id)
            total[key].add(r.task_id)
    batch = {n.number for n in outcome.batch_notices}
    issued: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for n in f.notice_rows:
        if n.number in batch:
            issued[n.unit][n.color].add(n.number)

    def row(unit: str, counts: dict[str, set], colors: dict[str, int]) -> WeeklyRow:
        return WeeklyRow(unit, **{k: len(v) for k, v in counts.items()}, **{f"issued_{c.code}": colors.get(c, 0) for c in Color})

    rows = tuple(row(u, per_unit.get(u, {}), {c: len(s) for c, s in issued.get(u, {}).items()})
                 for u in f.order([*per_unit, *issued]))
    by_color = {c: sum(1 for n in outcome.batch_notices if n.color == c) for c in Color}

    def lines(facts: list[TaskFact], days: bool) -> tuple[TaskLine, ...]:
        units: dict[str, list[str]] = {}
        first: dict[str, TaskFact] = {}
        for r in sorted(facts, key=lambda r: (r.due, r.task_id)):
            units.setdefault(r.task_id, []).append(r.unit)
            first.setdefault(r.task_id, r)
        return tuple(TaskLine(tid, r.content, tuple(f.order(units[tid])), r.due, (T - r.due).days if days else None,
                              r.level) for tid, r in first.items())

    ongoing = [e for e in outcome.evaluations if e.state == State.ONGOING]
    duties = tuple(TaskLine(e.task.id, e.task.content, tuple(f.order(e.task.lead)), e.next_due)
                   for e in sorted(ongoing, key=lambda e: (e.next_due or T, e.task.id))
                   if e.next_due is not None and _within(e.next_due, T, soon))
    leads: dict[str, set[str]] = defaultdict(set)
    for r in f.task_rows:
        if r.ok:
            leads[r.task_id].add(r.unit)
    return WeeklySummary(week, rows, row("合计", total, by_color), lines(due_soon, False), lines(overdue, True),
                         outcome.batch_notices, f.excluded, duties, len(ongoing),
                         sum(1 for u in leads.values() if len(u) > 1))
