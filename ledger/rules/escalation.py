"""State and three-color escalation of one task on one run date (SPEC §2.2, §3.3).

Pure functions: ``(task, deadline, notice history, run date, params, calendar) -> Evaluation``.
Numbering and writing happen elsewhere; the run date is always passed in.

Escalation (seed 004 attachment 第四—六条) is the ladder of `ladder.next_rungs`: 蓝 on the
deadline, 黄 on the 5th day after it, 红 10 days after the 黄, then 红 again every 10 days while still
undone; never before D. At most one notice per task per run date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..core.calendar import WorkCalendar, YearNotCovered
from .deadline import Deadline
from ..core import problems as P
from ..core.errors import Problem
from ..core.schema import Color, State
from ..reading.notice_log import Notice
from ..reading.params import Params
from ..reading.tasks import Task
from .ladder import due_on, is_justified, next_rungs

@dataclass(frozen=True)
class Evaluation:
    task: Task
    deadline: Deadline
    state: State
    remaining: int | None = None        # 剩余工作日
    overdue: int | None = None          # 逾期天数
    issue: Color | None = None          # color to issue in this run
    level: str | None = None            # highest color ever issued, this run included
    next_step: str = ""
    problems: tuple[Problem, ...] = ()  # row problems + deadline problems + rule warnings
    next_due: date | None = None        # a report duty's next due date (state 持续推进)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def last_notice(history: list[Notice]) -> Notice | None:
    if not history:
        return None
    return max(history, key=lambda n: (n.issued, Color(n.color).rank, n.row or 0))


def evaluate(task: Task, deadline: Deadline, history: list[Notice], run_date: date,
             params: Params, cal: WorkCalendar) -> Evaluation:
    problems = list(task.problems) + list(deadline.problems)
    level = max((n.color for n in history), key=lambda c: Color(c).rank, default=None)
    D = deadline.due

    if task.closed is not None and not task.has_errors:
        # a struck-off task needs no deadline; problems computing it are only worth a note
        problems = [p.as_warning() if p.is_error else p for p in problems]
        overdue = (task.done - D).days if D and task.done and task.done > D else None
        return Evaluation(task, deadline, State.CLOSED, None, overdue, None, level, "", tuple(problems))
    settled = _without_notice(task, deadline, problems, level, run_date, cal)
    if settled is not None:
        return settled
    if D is None or any(p.is_error for p in problems):
        return Evaluation(task, deadline, State.BAD_DATA, level=level,
                          next_step="请按程序提示更正后重新运行", problems=tuple(problems))

    if not task.is_open:  # done and accepted
        late = task.done > D  # type: ignore[operator]
        return Evaluation(task, deadline, State.DONE_LATE if late else State.DONE_ON_TIME, None,
                          (task.done - D).days if late else None, None, level,  # type: ignore[operator]
                          "已办结，待督查室审核销号", tuple(problems))

    remaining = None
    if run_date > D:
        state = State.OVERDUE
    elif run_date == D:
        state = State.DUE_TODAY
    else:
        try:
            remaining = cal.working_days_between(run_date, D)
            state = State.NEAR if remaining <= params.int("临期提醒") else State.NOT_DUE
        except YearNotCovered as exc:
            state = State.NOT_DUE
            problems.append(task.problem(P.RULE_REMAINING_UNKNOWN, reason=exc))
    if task.done is not None and task.review == "不合格":
        problems.append(task.problem(P.TASK_REVIEW_FAILED, "review"))
    overdue = (run_date - D).days if run_date > D else None

    try:
        issue = _escalate(task, D, history, run_date, params, cal)
    except YearNotCovered as exc:
        problems.append(task.problem(P.RULE_DATE_UNKNOWN, reason=exc))
        return Evaluation(task, deadline, State.BAD_DATA, level=level,
                          next_step="请按程序提示更正后重新运行", problems=tuple(problems))
    try:
        next_step = _next_step(task, D, history, issue, run_date, params, cal)
    except YearNotCovered as exc:    # what is due today is decided; only the date after it is unknown
        next_step = ""
        problems.append(task.problem(P.RULE_NEXT_UNKNOWN, reason=exc))
    if issue and (level is None or Color(issue).rank > Color(level).rank):
        level = issue
    return Evaluation(task, deadline, state, remaining, overdue, issue, level, next_step, tuple(problems))


_DONE = re.compile(r"^(?:该?(?:任务|事项|项目|工作))?(?:已经?|均已|全部|已全部|已全面|已按期|已按时)?(?:完成|办结)")
# what may follow the completion word: nothing, punctuation, or words that complete the whole task
# (``已完成验收``, ``已完成整改``); ``已完成前期调研`` reports a stage done, not the task
_DONE_TAIL = re.compile(r"^(?:$|[，,。.；;！!、（(\s]|验收|整改|办理|建设|任务|目标|全部|各项|并|且|，)")
_NOT_DONE = re.compile(r"未|尚|基本完成|正在|部分|待|拟|将|计划|力争|预计|\d+\s*[%％]|百分之|完成率|进度|推进中|进行中|没有|反弹|仍")


def says_done(progress: str) -> bool:
    """办理进展 text that opens by reporting the task done (``已完成``, ``已办结``, ``完成``,
    ``项目已完成验收``), but not ``未完成``, ``基本完成``, ``正在推进``, ``已完成60%``, nor a part of
    it done (``场地围挡已完成，占道摊点清理后反弹``, ``已完成前期调研``)."""
    m = _DONE.search(progress or "")
    return bool(m) and bool(_DONE_TAIL.match(progress[m.end():])) and not _NOT_DONE.search(progress)


def _without_notice(task: Task, deadline: Deadline, problems: list[Problem], level: str | None, T: date,
                    cal: WorkCalendar) -> Evaluation | None:
    """States settled before escalation is consulted, none of which ever issues a notice:
    持续推进 (long-term task or report duty, SPEC §3.2 rule 4) and 待核实办结 (进展 says done,
    办结日期 empty). None for every other row."""
    if any(p.is_error for p in problems):
        return None
    if deadline.ongoing:
        if not task.is_open:
            return Evaluation(task, deadline, State.DONE_ON_TIME, level=level, next_step="已办结，待督查室审核销号",
                              problems=tuple(problems))
        if deadline.duty is None:
            return Evaluation(task, deadline, State.ONGOING, level=level, next_step="长期任务，持续推进（不发督办单）",
                              problems=tuple(problems))
        label = deadline.ongoing if deadline.ongoing.endswith(("报送", "上报", "报", "反馈")) else deadline.ongoing + "报送"
        try:
            due = deadline.duty.next_on_or_after(T, cal)
        except YearNotCovered as exc:
            return Evaluation(task, deadline, State.ONGOING, level=level, next_step=label, problems=(
                *problems, task.problem(P.RULE_DUTY_NEXT_UNKNOWN, "limit", reason=exc)))
        return Evaluation(task, deadline, State.ONGOING, level=level, next_step=f"{label}：下次 {due.isoformat()}",
                          problems=tuple(problems), next_due=due)
    if task.is_open and task.done is None and says_done(task.progress):
        note = task.problem(P.TASK_SAYS_DONE, "progress", progress=task.progress)
        return Evaluation(task, deadline, State.UNVERIFIED_DONE, level=level, next_step="请核实是否已办结，并填写办结日期",
                          problems=(*problems, note))
    return None


def _escalate(task: Task, D: date, history: list[Notice], T: date, params: Params,
              cal: WorkCalendar) -> Color | None:
    if T < D or any(n.issued == T for n in history):
        return None  # never within the deadline; at most one notice per task per run date
    last = last_notice(history)
    rungs = next_rungs(last.color if last else None, last.issued if last else None, D,
                       is_justified(task.reason), params, cal)
    return due_on(rungs, D, T)


def _next_step(task: Task, D: date, history: list[Notice], issued_now: str | None, T: date,
               params: Params, cal: WorkCalendar) -> str:
    """What happens next and when, as the clerk reads it: ``2026-11-30 起发黄色督办单``."""
    last = last_notice(history)
    color, on = (issued_now, T) if issued_now else ((last.color, last.issued) if last else (None, None))
    justified = is_justified(task.reason)
    rungs = next_rungs(color, on, D, justified, params, cal)
    if not rungs:
        if justified:
            return "有正当理由，暂缓黄色、红色督办"
        return "红色督办，直至办结"
    nxt = rungs[0]
    if nxt.color == Color.BLUE:
        return f"{nxt.on.isoformat()} 起发蓝色督办单" + ("" if params["蓝色打印"] else "（短信提醒）")
    again = "再" if color == Color.RED else ""
    return f"{nxt.on.isoformat()} 起{again}发{nxt.color.cn}督办单"
