"""SPEC §2.2 states and §3.3 escalation, on pure records (no files)."""

from datetime import date, timedelta

import pytest

from ledger.core.calendar import WorkCalendar
from ledger.rules.deadline import Deadline
from ledger.reading.notice_log import Notice
from ledger.reading.params import DEFAULT_PARAMS
from ledger.rules.escalation import evaluate
from ledger.reading.tasks import Task

CAL = WorkCalendar()
D = date(2026, 11, 16)   # a Monday deadline
COLS = {"id": "A", "review": "M", "done": "L"}


def t(**kw) -> Task:
    base = dict(sheet="督办台账", row=3, columns=COLS, id="T1", content="c", lead=("县财政局",),
                assigned=date(2026, 11, 2))
    base.update(kw)
    return Task(**base)


def n(color: str, issued: date) -> Notice:
    return Notice(f"{color}-{issued}", "T1", color, issued, ("县财政局",), D, 0, "", issued.isoformat())


def ev(task=None, history=(), run=D, params=DEFAULT_PARAMS, due=D):
    return evaluate(task or t(), Deadline(due), list(history), run, params, CAL)


@pytest.mark.parametrize("run, state, remaining, overdue", [
    (date(2026, 11, 10), "未到期", 4, None),   # Tue→Mon: Wed Thu Fri Mon
    (date(2026, 11, 12), "临期", 2, None),     # Fri, Mon
    (date(2026, 11, 13), "临期", 1, None),
    (D, "今日到期", None, None),
    (date(2026, 11, 17), "逾期", None, 1),
])
def test_open_task_states(run, state, remaining, overdue):
    e = ev(run=run)
    assert (e.state, e.remaining, e.overdue) == (state, remaining, overdue)


def test_done_states():
    assert ev(t(done=D, review="合格"), run=date(2026, 11, 30)).state == "按时办结"
    late = ev(t(done=D + timedelta(days=3), review="合格"), run=date(2026, 11, 30))
    assert (late.state, late.overdue, late.issue) == ("逾期办结", 3, None)
    # a failed review keeps the task open and escalating
    failed = ev(t(done=D, review="不合格"), run=D + timedelta(days=7))
    assert (failed.state, failed.issue) == ("逾期", "黄")
    closed = ev(t(done=D, review="合格", closed=D + timedelta(days=1)), run=date(2026, 12, 30))
    assert (closed.state, closed.issue, closed.next_step) == ("已销号", None, "")


def test_blue_on_the_deadline_then_yellow_on_day_five_then_red_ten_days_after_yellow():
    # D = Mon 11-16. D+5 = Sat 11-21 is a day off: 黄 falls due on Mon 11-23 (SPEC §3.2 rule 5 applied
    # to the ladder's dates, so the date printed in 下一步 and on the notice is a working day).
    assert ev(run=D - timedelta(days=1)).issue is None
    blue = ev(run=D)
    assert (blue.issue, blue.level, blue.next_step) == ("蓝", "蓝", "2026-11-23 起发黄色督办单")
    h = [n("蓝", D)]
    assert ev(history=h, run=date(2026, 11, 20)).issue is None
    assert ev(history=h, run=date(2026, 11, 21)).issue is None      # Saturday: not yet
    yellow = ev(history=h, run=date(2026, 11, 23))
    # 11-23 + 10 = Thu 12-03
    assert (yellow.issue, yellow.level, yellow.next_step) == ("黄", "黄", "2026-12-03 起发红色督办单")
    h.append(n("黄", date(2026, 11, 23)))
    assert ev(history=h, run=date(2026, 12, 2)).issue is None
    red = ev(history=h, run=date(2026, 12, 3))
    # 12-03 + 10 = Sun 12-13 → Mon 12-14
    assert (red.issue, red.level, red.next_step) == ("红", "红", "2026-12-14 起再发红色督办单")
    h.append(n("红", date(2026, 12, 3)))
    assert ev(history=h, run=date(2026, 12, 13)).issue is None
    assert ev(history=h, run=date(2026, 12, 14)).issue == "红"


def test_late_first_run_does_not_owe_the_blue():
    assert ev(run=D + timedelta(days=9)).issue == "黄"


def test_red_repeat_zero_never_repeats():
    p = DEFAULT_PARAMS.with_values(**{"红色重复": 0})
    h = [n("黄", D), n("红", D + timedelta(days=10))]
    e = ev(history=h, run=D + timedelta(days=100), params=p)
    assert (e.issue, e.level, e.next_step) == (None, "红", "红色督办，直至办结")


def test_justified_reason_blocks_yellow_and_red_but_not_the_blue_reminder():
    r = t(reason="涉及省级审批，客观原因")
    assert ev(r, run=D + timedelta(days=30)).issue == "蓝"
    assert ev(r, history=[n("蓝", D)], run=D + timedelta(days=30)).issue is None
    e = ev(r, history=[n("黄", D)], run=D + timedelta(days=30))
    assert (e.issue, e.next_step) == (None, "有正当理由，暂缓黄色、红色督办")


def test_one_notice_per_task_per_run_date():
    p = DEFAULT_PARAMS.with_values(**{"红色督办": 0})
    assert ev(history=[n("黄", D + timedelta(days=5))], run=D + timedelta(days=5), params=p).issue is None


def test_working_day_mode_counts_escalation_days_on_the_calendar():
    p = DEFAULT_PARAMS.with_values(**{"计日方式": "工作日"})
    # 5 working days after Mon 11-16 is Mon 11-23
    assert ev(history=[n("蓝", D)], run=date(2026, 11, 22), params=p).issue is None
    assert ev(history=[n("蓝", D)], run=date(2026, 11, 23), params=p).issue == "黄"


def test_blue_offset_parameter():
    p = DEFAULT_PARAMS.with_values(**{"蓝色督办": 1})
    assert ev(run=D, params=p).issue is None
    assert ev(run=D + timedelta(days=1), params=p).issue == "蓝"


def test_row_with_errors_gets_data_error_and_no_notice():
    from ledger.core.errors import Location, Problem

    bad = t(problems=(Problem(Location("督办台账", 3, "H"), "办理时限“尽快”无法识别"),))
    e = ev(bad, run=D + timedelta(days=30))
    assert (e.state, e.issue) == ("数据有误", None)
    e = evaluate(t(), Deadline(None), [], D, DEFAULT_PARAMS, CAL)
    assert e.state == "数据有误"
