"""SPEC §3.2: the effective deadline D, expressions and precedence (hand-computed expectations)."""

from datetime import date

import pytest

from ledger.core.calendar import WorkCalendar
from ledger.core.dates import BadValue
from ledger.rules.deadline import compute_deadline, parse_limit
from ledger.core.errors import column_letter
from ledger.reading.params import DEFAULT_PARAMS
from ledger.reading.tasks import Task

CAL = WorkCalendar()
A = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize("text, expected", [
    ("5个工作日", date(2026, 11, 30)),        # Tue..Fri = 4, next Mon = 5
    ("5个工作日内", date(2026, 11, 30)),
    ("五个工作日内办结", date(2026, 11, 30)),
    ("10天", date(2026, 12, 3)),
    ("十五日内", date(2026, 12, 8)),
    ("12月底", date(2026, 12, 31)),
    ("12月完成", date(2026, 12, 31)),
    ("11月前", date(2026, 11, 30)),
    ("3月底", date(2027, 3, 31)),             # March would precede 交办日期: next year
    ("２月", date(2027, 2, 28)),
    ("年底", date(2026, 12, 31)),
    ("年底前", date(2026, 12, 31)),
    ("年内", date(2026, 12, 31)),
    ("第四季度", date(2026, 12, 31)),
    ("一季度末", date(2027, 3, 31)),
    ("第三季度", date(2027, 9, 30)),
    ("立即", A),
    ("即办", A),
    ("当天", A),
    ("2026-12-15", date(2026, 12, 15)),
    ("2026年12月15日前", date(2026, 12, 15)),
    ("12月15日", date(2026, 12, 15)),
    (date(2026, 12, 1), date(2026, 12, 1)),
    (46371.0, date(2026, 12, 15)),          # an Excel serial number
])
def test_limit_expressions(text, expected):
    assert parse_limit(text, A, CAL) == expected


def test_half_year_and_month_in_assigned_year():
    assert parse_limit("上半年", date(2026, 2, 1), CAL) == date(2026, 6, 30)
    assert parse_limit("6月底", date(2026, 2, 1), CAL) == date(2026, 6, 30)


def test_workdays_across_national_day_make_up_saturday():
    # 2026-10-01..07 off; 10-08 Thu, 10-09 Fri, 10-10 Sat (调休上班)
    assert parse_limit("3个工作日", date(2026, 9, 30), CAL) == date(2026, 10, 10)


@pytest.mark.parametrize("text", ["下周一", "尽快", "长期", "13月底"])
def test_unknown_limit_is_an_error_quoting_the_text(text):
    with pytest.raises(BadValue) as info:
        parse_limit(text, A, CAL)
    assert info.value.message == f"办理时限“{text}”无法识别"
    assert "5个工作日" in info.value.hint


def test_bare_small_number_is_ambiguous():
    with pytest.raises(BadValue) as info:
        parse_limit(10.0, A, CAL)
    assert info.value.message == "办理时限“10”含义不明确"


def _task(**kw) -> Task:
    cols = {k: column_letter(i + 1) for i, k in enumerate(
        ["id", "content", "lead", "grade", "assigned", "limit", "ext_to", "ext_by", "ext_applied"])}
    base = dict(sheet="督办台账", row=5, columns=cols, id="T1", content="c", lead=("县财政局",), assigned=A)
    base.update(kw)
    return Task(**base)


def test_precedence_extension_limit_grade_default():
    # default: 7 working days → Wed 2026-12-02
    assert compute_deadline(_task(), CAL, DEFAULT_PARAMS).due == date(2026, 12, 2)
    # grade limits 1 / 3 / 5 working days
    assert compute_deadline(_task(grade="急件"), CAL, DEFAULT_PARAMS).due == date(2026, 11, 24)
    assert compute_deadline(_task(grade="要件"), CAL, DEFAULT_PARAMS).due == date(2026, 11, 26)
    assert compute_deadline(_task(grade="普件"), CAL, DEFAULT_PARAMS).due == date(2026, 11, 30)
    # a limit beats the grade
    assert compute_deadline(_task(grade="急件", limit="10天"), CAL, DEFAULT_PARAMS).due == date(2026, 12, 3)
    # an approved extension beats everything, and remembers the original
    d = compute_deadline(_task(limit="10天", ext_to=date(2026, 12, 20), ext_by="常务副县长"), CAL, DEFAULT_PARAMS)
    # (延期至 Sun 12-20 is a day off: D is Mon 12-21, SPEC §3.2 rule 5)
    assert (d.due, d.original, d.extended) == (date(2026, 12, 21), date(2026, 12, 3), True)
    # without an approver the extension does not apply
    assert compute_deadline(_task(limit="10天", ext_to=date(2026, 12, 20)), CAL, DEFAULT_PARAMS).due == date(2026, 12, 3)
    # the grade limit is a parameter
    p = DEFAULT_PARAMS.with_values(**{"急件时限": 2})
    assert compute_deadline(_task(grade="急件"), CAL, p).due == date(2026, 11, 25)


def test_late_extension_request_is_accepted_but_flagged():
    d = compute_deadline(_task(limit="10天", ext_to=date(2026, 12, 20), ext_by="常务副县长",
                               ext_applied=date(2026, 12, 5)), CAL, DEFAULT_PARAMS)
    assert d.due == date(2026, 12, 21)     # 延期至 Sun 12-20 → Mon 12-21
    assert [p.text() for p in d.problems] == [
        "督办台账!I5 延期申请日期2026-12-05晚于原办理时限2026-12-03："
        "按三色督办单制度第八条，延期应在规定时限内申请；已按批准的延期日期计算。"]
    assert not d.problems[0].is_error


def test_deadline_in_a_provisional_year_is_computed_from_the_law():
    # 12-29, 12-30, 12-31, (2027-01-01 元旦 off by law), 01-04 … 01-08, 01-11, 01-12
    d = compute_deadline(_task(assigned=date(2026, 12, 28), limit="10个工作日"), CAL, DEFAULT_PARAMS)
    assert d.due == date(2027, 1, 12) and d.problems == ()
    # years before 2018 stay an error naming the cell
    d = compute_deadline(_task(assigned=date(2017, 12, 28), limit="10个工作日"), CAL, DEFAULT_PARAMS)
    assert d.due is None and d.problems[0].location.column == "F"
    assert d.problems[0].message.startswith("2017年不在工作日历范围内")
