"""The 蓝/黄/红 ladder in one place (SPEC §3.3, seed 004 附件 第四—六条).

`next_rungs` says which colours can fall due next for a task and from which day. Everything that
speaks of the ladder asks it: the rules (what a run issues), 下一步 (what comes next) and the
notice itself (如至…仍未办结，将发出…) — a second copy of this rule would be a future wrong notice.

- No notice yet: 蓝 from D + 蓝色督办 days; 黄 from D + 黄色督办 days (a late first run does not owe
  the 蓝). After a 蓝: 黄 from D + 黄色督办. After a 黄 issued on Y: 红 from the later of Y + 红色督办
  and D + 黄色督办. After a 红 issued on R: another 红 from the later of R + 红色重复 and
  D + 黄色督办 (when 红色重复 > 0). The "later of" matters only when D moved after a notice (an
  approved extension, a corrected 办理时限): the ladder then resumes from its last colour once the
  new D is missed, and never starts again at 蓝.
- No 黄 or 红 while an accepted 正当理由 stands; placeholders typed into an empty field are not
  reasons (`is_justified`).
- Nothing at all while the run date is before D.
- A due date that falls on a day off moves to the next working day, as D does (SPEC §3.2 rule 5),
  so the date printed on a notice, in 下一步 and in the weekly summary is a day the office works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..core.calendar import WorkCalendar, YearNotCovered
from ..core.dates import normalize_text
from ..core.schema import Color
from ..reading.params import Params

# What clerks type into a field that has nothing to say (SPEC §3.3). Compared after NFKC and with
# white space and trailing full stops removed, so ／ － 。 variants match too.
PLACEHOLDER_REASONS = frozenset({"无", "没有", "否", "/", "-", "—", "——", "暂无", "无。", "–", "--", "空", "未填",
                                 "不涉及", "无理由"})


def is_justified(reason: object) -> bool:
    """正当理由 holds a reason the office accepted (not blank, not a placeholder)."""
    text = normalize_text(reason or "").rstrip("。.")
    return bool(text) and text not in PLACEHOLDER_REASONS


@dataclass(frozen=True)
class Rung:
    """A colour that falls due for a task from a day on (the first run date that issues it)."""

    color: Color
    on: date


def roll_forward(cal: WorkCalendar, day: date) -> date:
    """`day` itself when the office works that day, else the next working day.

    A day in a year the calendar cannot tell stays as it is: the ladder's day counts are 自然日 by
    default and need no calendar, so such a date is still a sound answer.
    """
    try:
        return day if cal.is_working_day(day) else cal.add_working_days(day - timedelta(days=1), 1)
    except YearNotCovered:
        return day


def _after(cal: WorkCalendar, params: Params, start: date, key: str) -> date:
    return roll_forward(cal, cal.add_days(start, params.int(key), params.day_mode))


def next_rungs(last_color: str | None, last_issued: date | None, D: date, justified: bool,
               params: Params, cal: WorkCalendar) -> tuple[Rung, ...]:
    """The colours that can be issued next after the last notice (None: no notice yet), lowest first.

    Raises YearNotCovered when a date needs a year the calendar does not know.
    """
    yellow_from_d = _after(cal, params, D, "黄色督办")
    if last_color is None:
        blue = Rung(Color.BLUE, _after(cal, params, D, "蓝色督办"))
        return (blue,) if justified else (blue, Rung(Color.YELLOW, yellow_from_d))
    if justified:
        return ()
    if last_color == Color.BLUE:
        return (Rung(Color.YELLOW, yellow_from_d),)
    if last_color == Color.YELLOW:
        return (Rung(Color.RED, max(_after(cal, params, last_issued, "红色督办"), yellow_from_d)),)  # type: ignore[arg-type]
    if params.int("红色重复") > 0:
        return (Rung(Color.RED, max(_after(cal, params, last_issued, "红色重复"), yellow_from_d)),)  # type: ignore[arg-type]
    return ()


def due_on(rungs: tuple[Rung, ...], D: date, T: date) -> Color | None:
    """The colour a run dated T issues: the highest rung already due, never before D."""
    if T < D:
        return None
    due = [r.color for r in rungs if r.on <= T]
    return max(due, key=lambda c: c.rank) if due else None
