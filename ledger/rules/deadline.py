"""The effective deadline D of a task (SPEC §3.2).

Order: an approved extension (延期至 with 延期审批人) replaces everything; else 办理时限 as a date or
an expression (``10个工作日``, ``15天``, ``6月底``, ``年底前``, ``第三季度``, ``立即`` …); else the
time limit of the task's 紧急程度; else 默认办理时限 working days (seed 004 第三条). A deadline that
falls on a weekend or holiday moves to the next working day (SPEC §3.2 rule 5).

Long-term tasks (``长期``, ``持续推进`` …) and report duties (``每月25日前``, ``每季度末``, ``每周五前``)
have no D (SPEC §3.2 rule 4): the rules escalate deadlines, not standing duties. They come back
as a Deadline with `ongoing` set, and a duty knows its next due date (`Duty.next_on_or_after`).
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..core.calendar import WorkCalendar, YearNotCovered
from ..core.dates import BadValue, is_blank, normalize_text, parse_date
from ..core import problems as P
from ..core.errors import Problem
from ..reading.params import Params
from ..reading.tasks import Task
from .ladder import roll_forward


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """Arabic or simple Chinese numerals up to 99 (十, 十五, 二十, 三十五)."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


_NUM = r"([0-9]+|[零〇一二两三四五六七八九十]+)"
_SUFFIX = r"(?:内|以内|之内)?(?:办结|完成|办理|落实|反馈|办复)?"
_WORKDAYS = re.compile(rf"^{_NUM}个?工作日{_SUFFIX}$")
_DAYS = re.compile(rf"^{_NUM}(?:个)?(?:天|日|自然日){_SUFFIX}$")
_MONTH = re.compile(rf"^{_NUM}月(?:份)?(?:底|末|中下旬|下旬)?(?:前|之前|以前)?(?:完成|办结)?$")
_QUARTER = re.compile(r"^(?:第)?([一二三四1-4])季度(?:末|底)?(?:前|之前)?(?:完成|办结)?$")
_YEAR_END = re.compile(r"^(?:本)?年(?:底|末|内)(?:前|之前)?(?:完成|办结)?$")
_HALF = re.compile(r"^(上|下)半年(?:底|末|内)?(?:前|之前)?(?:完成|办结)?$")
_YEAR_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?(?:底|末)?(?:前|之前|以前)?(?:完成|办结)?$")
_DATE_BEFORE = re.compile(r"^(.+?\d)[日号]?(?:前|之前|以前)(?:完成|办结|办理|落实|报送)?$|^(.+?\d)[日号]?(?:完成|办结)$")
_LONG_TERM = re.compile(r"^(?:长期|长期坚持|持续推进|常态化推进|常态化|持续|长期任务|长期推进|持续开展)$")
_DUTY_MONTH = re.compile(rf"^每月{_NUM}[日号]?(?:前|之前|以前)?(?:报送|上报|报|反馈)?$")
_DUTY_MONTH_END = re.compile(r"^每月(?:底|末)(?:前|之前)?(?:报送|上报|报|反馈)?$")
_DUTY_QUARTER = re.compile(r"^每季度?(?:末|底)(?:前|之前)?(?:报送|上报|报|反馈)?$")
_DUTY_WEEK = re.compile(r"^每周(?:星期|周)?([一二三四五1-5])(?:前|之前|以前)?(?:报送|上报|报|反馈)?$")
_DEADLINE_WORDS = re.compile(r"\d+月|年底|年末|季度|\d+个?工作日|\d+天|\d{4}[-/.年]")
_NOW = re.compile(r"^(?:立即|即办|当天|当日|马上|立即办理|立行立改|立即整改|即时)(?:办结|完成|办理)?$")


@dataclass(frozen=True)
class Duty:
    """A recurring report duty: every month on `day` (0 = month end), every quarter end, or every
    week on `weekday` (0 = Monday)."""

    every: str                  # "month" | "quarter" | "week"
    day: int = 0
    weekday: int = 0

    def next_on_or_after(self, T: date, cal: WorkCalendar) -> date:
        """The first due date, moved to the next working day when it falls on a day off, that is
        not before T."""
        for raw in self._occurrences(T - timedelta(days=7)):
            due = roll_forward(cal, raw)
            if due >= T:
                return due
        raise AssertionError("unreachable: occurrences are unbounded")

    def _occurrences(self, start: date):
        if self.every == "week":
            d = start + timedelta(days=(self.weekday - start.weekday()) % 7)
            while True:
                yield d
                d += timedelta(days=7)
        y, m = start.year, start.month
        while True:
            last = _cal.monthrange(y, m)[1]
            if self.every == "month":
                yield date(y, m, min(self.day, last) if self.day else last)
            elif m % 3 == 0:
                yield date(y, m, last)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)


@dataclass(frozen=True)
class Deadline:
    """D, and the original deadline when an extension replaced it. A long-term task or report
    duty has no D: `ongoing` holds its 办理时限 text and `duty` the recurrence of a duty."""

    due: date | None
    original: date | None = None
    problems: tuple[Problem, ...] = ()
    ongoing: str = ""
    duty: Duty | None = None

    @property
    def extended(self) -> bool:
        return self.original is not None and self.original != self.due


def _in_year_from(month_end: date, assigned: date, build) -> date:
    """A period end in the 交办 year, or the next year when that would precede 交办日期."""
    return month_end if month_end >= assigned else build(assigned.year + 1)


def parse_limit(value: object, assigned: date, cal: WorkCalendar, date1904: bool = False) -> date:
    """办理时限 (date or expression) → deadline. Raises BadValue; YearNotCovered passes through."""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 1000:
            raise BadValue(P.LIMIT_NUMBER, number=f"{value:g}")
        return parse_date(value, assigned, date1904)
    text = normalize_text(value)
    m = _WORKDAYS.match(text)
    if m and cn_number(m[1]) is not None:
        return cal.add_working_days(assigned, cn_number(m[1]))  # type: ignore[arg-type]
    m = _DAYS.match(text)
    if m and cn_number(m[1]) is not None:
        return assigned + timedelta(days=cn_number(m[1]))  # type: ignore[operator]
    m = _MONTH.match(text)
    if m and cn_number(m[1]) is not None and 1 <= cn_number(m[1]) <= 12:  # type: ignore[operator]
        month = cn_number(m[1])

        def month_end(year: int) -> date:
            return date(year, month, _cal.monthrange(year, month)[1])  # type: ignore[arg-type]
        return _in_year_from(month_end(assigned.year), assigned, month_end)
    m = _QUARTER.match(text)
    if m:
        q = "一二三四".index(m[1]) + 1 if m[1] in "一二三四" else int(m[1])

        def quarter_end(year: int) -> date:
            return date(year, q * 3, 30 if q in (2, 3) else 31)
        return _in_year_from(quarter_end(assigned.year), assigned, quarter_end)
    if _YEAR_END.match(text):
        return date(assigned.year, 12, 31)
    m = _HALF.match(text)
    if m:
        return date(assigned.year, 6, 30) if m[1] == "上" else date(assigned.year, 12, 31)
    if _NOW.match(text):
        return assigned
    m = _YEAR_MONTH.match(text)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        return date(y, mo, _cal.monthrange(y, mo)[1])
    m = _DATE_BEFORE.match(text)
    candidates = [text] + ([m[1] or m[2]] if m else [])
    for candidate in candidates:
        try:
            return parse_date(candidate, assigned, date1904)
        except BadValue:
            continue
    if len(_DEADLINE_WORDS.findall(text)) >= 2:
        raise BadValue(P.LIMIT_TWO, text=value)
    raise BadValue(P.LIMIT_UNREADABLE, text=value)


def ongoing_kind(value: object) -> tuple[str, Duty | None] | None:
    """A long-term task or report duty (SPEC §3.2 rule 4): (text, duty or None); None otherwise."""
    if not isinstance(value, str):
        return None
    text = normalize_text(value)
    if _LONG_TERM.match(text):
        return text, None
    m = _DUTY_MONTH.match(text)
    if m and cn_number(m[1]) is not None and 1 <= cn_number(m[1]) <= 31:  # type: ignore[operator]
        return text, Duty("month", day=cn_number(m[1]))  # type: ignore[arg-type]
    if _DUTY_MONTH_END.match(text):
        return text, Duty("month", day=0)
    if _DUTY_QUARTER.match(text):
        return text, Duty("quarter")
    m = _DUTY_WEEK.match(text)
    if m:
        return text, Duty("week", weekday=("一二三四五".index(m[1]) if m[1] in "一二三四五" else int(m[1]) - 1))
    return None


def compute_deadline(task: Task, cal: WorkCalendar, params: Params, date1904: bool = False) -> Deadline:
    """Pure: the task's effective deadline, with any problems found on the way."""
    if task.assigned is None:
        return Deadline(None)
    problems: list[Problem] = []
    ongoing = ongoing_kind(task.limit)
    if ongoing is not None:
        return Deadline(None, None, (), ongoing[0], ongoing[1])
    try:
        if is_blank(task.limit):
            days = params.grade_limit(task.grade) if task.grade else params.int("默认办理时限")
            base = cal.add_working_days(task.assigned, days)
        else:
            try:
                base = parse_limit(task.limit, task.assigned, cal, date1904)
            except BadValue as exc:
                return Deadline(None, None, (task.located(exc, "limit"),))
            if base < task.assigned:
                problems.append(task.problem(P.TASK_LIMIT_BEFORE_ASSIGNED, "limit", day=base.isoformat(),
                                             assigned=task.assigned.isoformat()))
                return Deadline(None, None, tuple(problems))
    except YearNotCovered as exc:
        return Deadline(None, None, (task.problem(P.CALENDAR_YEAR_MISSING, "limit" if not is_blank(task.limit) else "assigned",
                                                  reason=exc),))
    if task.ext_to is None or not task.ext_by:
        return Deadline(_working(base, cal, params), None, tuple(problems))
    if task.ext_to < base:
        problems.append(task.problem(P.TASK_EXTENSION_EARLIER, "ext_to", day=task.ext_to.isoformat(), base=base.isoformat()))
    if task.ext_applied is not None and task.ext_applied > base:
        problems.append(task.problem(P.TASK_EXTENSION_LATE, "ext_applied", day=task.ext_applied.isoformat(),
                                     base=base.isoformat()))
    return Deadline(_working(task.ext_to, cal, params), _working(base, cal, params), tuple(problems))


def _working(day: date, cal: WorkCalendar, params: Params) -> date:
    """SPEC §3.2 rule 5: a deadline on a day off moves to the next working day (民法典 第二百零三条),
    unless 参数设置 截止日顺延 says 否."""
    return roll_forward(cal, day) if params["截止日顺延"] else day
