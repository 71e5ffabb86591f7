"""Rows whose dates rest on a provisional year, and notices issued on a D that later moved
(SPEC §3.1; issue “the calendar never runs out”).

Until the State Council publishes a year's schedule, the calendar estimates it from the law. A
row whose D, 剩余工作日 or next-colour date went through such a year is evaluated normally but
says so. A notice issued on an estimated D carries that in the log; once the official schedule
moves the D, a notice that would not have been due on the official calendar is pointed out — the
log itself is never changed (numbers are never deleted or reused).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..core.calendar import PROVISIONAL_HINT, WorkCalendar, YearNotCovered, provisional_text
from ..core import problems as P
from ..core.errors import Problem
from ..core.schema import Color
from ..reading.notice_log import Notice
from ..reading.params import Params
from ..reading.tasks import Task
from .ladder import next_rungs


def provisional_warnings(task: Task, years: Iterable[int]) -> tuple[Problem, ...]:
    """One 程序提示 per provisional year the row's dates went through."""
    return tuple(task.problem(P.CALENDAR_PROVISIONAL, text=provisional_text(y), hint=PROVISIONAL_HINT) for y in sorted(years))


def was_due(notice: Notice, D: date, params: Params, cal: WorkCalendar) -> bool:
    """Whether the notice's colour could have been issued on its date for deadline D, as the ladder
    has it (SPEC §3.3): never before D; 蓝 from its rung; 黄 and 红 never before 黄's rung from D."""
    try:
        first = {r.color: r.on for r in next_rungs(None, None, D, False, params, cal)}
    except YearNotCovered:
        return True          # cannot tell: do not accuse a notice
    need = first[Color.BLUE] if notice.color == Color.BLUE else first[Color.YELLOW]
    return notice.issued >= max(D, need)


def moved_notices(task: Task, D: date | None, history: Iterable[Notice], params: Params,
                  cal: WorkCalendar) -> tuple[Notice, ...]:
    """Notices issued on an estimated D that differs from today's D and that today's D would not
    have called for."""
    if D is None:
        return ()
    return tuple(n for n in history
                 if n.on_provisional_deadline and n.deadline is not None and n.deadline != D
                 and not was_due(n, D, params, cal))


def moved_warning(task: Task, notice: Notice, D: date) -> Problem:
    return task.problem(P.RULE_NOTICE_MOVED, number=notice.number, issued=notice.issued.isoformat(),
                        then=notice.deadline.isoformat(), now=D.isoformat(),  # type: ignore[union-attr]
                        color=Color(notice.color).cn)
