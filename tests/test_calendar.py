"""Tests for the official China working-day calendar (ledger.core.calendar, SPEC §3.1).

The built-in schedules were written by hand from the State Council notices; two independent
packages serve as oracles: ``chinese_calendar`` (all years 2018–2026) and ``workalendar``'s
``China`` calendar (2018–2023 only).
"""

from __future__ import annotations

import time
import warnings
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.calendar import (
    BUILTIN_YEARS,
    WorkCalendar,
    YearNotCovered,
    builtin_schedule,
    builtin_source,
    track_provisional,
)

CAL = WorkCalendar()


def _days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


# --- the built-in data against the oracles ----------------------------------------------------


def test_builtin_years_are_2018_through_2026():
    assert BUILTIN_YEARS == range(2018, 2027)
    assert all(CAL.covers(y) for y in BUILTIN_YEARS)
    assert not CAL.covers(2017) and CAL.covers(2027) and CAL.covers(2099) and not CAL.covers(2100)
    assert [y for y in range(2018, 2030) if CAL.is_provisional(y)] == [2027, 2028, 2029]
    assert all(builtin_source(y) and "国办发明电" in builtin_source(y) for y in BUILTIN_YEARS)


def test_every_day_2018_2026_matches_chinese_calendar():
    mismatches = [
        f"{d} ours={CAL.is_working_day(d)} chinese_calendar={chinese_calendar.is_workday(d)}"
        for d in _days(date(2018, 1, 1), date(2026, 12, 31))
        if CAL.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert mismatches == [], "\n".join(mismatches)


# workalendar 17's China calendar does not know the 2020 春节 extension: 国办发明电〔2020〕1号
# (国务院办公厅关于延长2020年春节假期的通知) extended the holiday to 2 February 2020, so Friday
# 31 January became a holiday and the make-up working day originally set for Saturday 1 February
# (国办发明电〔2019〕16号) was cancelled. workalendar still has 31 Jan as a working day and 1 Feb as
# a make-up working day; chinese_calendar and our data follow the extension notice. Those two days
# are therefore compared against the notice itself rather than against workalendar.
WORKALENDAR_KNOWN_WRONG = {
    date(2020, 1, 31): False,  # holiday by the extension (workalendar: working day)
    date(2020, 2, 1): False,   # make-up day cancelled; an ordinary Saturday (workalendar: working)
}


def test_every_day_2018_2023_matches_workalendar():
    from workalendar.asia import China

    china = China()
    mismatches = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Support years 2018-2023 currently …"
        for d in _days(date(2018, 1, 1), date(2023, 12, 31)):
            ours = CAL.is_working_day(d)
            expected = WORKALENDAR_KNOWN_WRONG.get(d, china.is_working_day(d))
            if ours != expected:
                mismatches.append(f"{d} ours={ours} expected={expected}")
    assert mismatches == [], "\n".join(mismatches)
    # The exceptions really are where workalendar disagrees (so the carve-out stays honest).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert all(china.is_working_day(d) != v for d, v in WORKALENDAR_KNOWN_WRONG.items())


def test_builtin_data_is_well_formed():
    data = builtin_schedule()
    for d, (working, name) in data.items():
        assert name, d
        if working:
            assert d.weekday() >= 5, f"make-up day {d} is not a weekend"
    # Every listed holiday day is off and every listed make-up day is on.
    assert all(CAL.is_working_day(d) == working for d, (working, _) in data.items() if d.year >= 2018)


def test_day_names():
    assert CAL.day_name(date(2026, 10, 1)) == "国庆节"
    assert CAL.day_name(date(2026, 2, 14)) == "春节"          # make-up Saturday
    assert CAL.day_name(date(2020, 1, 31)) == "春节"          # the 2020 extension
    assert CAL.day_name(date(2026, 3, 10)) is None           # ordinary Tuesday
    assert CAL.day_name(date(2026, 3, 14)) is None           # ordinary Saturday
    with pytest.raises(YearNotCovered):
        CAL.day_name(date(2017, 1, 1))
    assert CAL.day_name(date(2027, 2, 9)) == "春节（补假）"    # provisional: the law's 补假


# --- spot checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # 2026 国庆: 10-01..10-07 off, Sat 10-10 make-up working day.
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        # 2026 春节 (国办发明电〔2025〕7号): Sat 02-14 make-up, 02-15..02-23 off, Sat 02-28 make-up.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 27), 1, date(2026, 2, 28)),
        # 2026 元旦: 01-01..01-03 off, Sun 01-04 make-up.
        (date(2025, 12, 31), 1, date(2026, 1, 4)),
        # 2025 春节: Sun 01-26 make-up, 01-28..02-04 off, Sat 02-08 make-up.
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),
        (date(2025, 2, 7), 1, date(2025, 2, 8)),
        # 2025 国庆、中秋: Sun 09-28 make-up, 10-01..10-08 off, Sat 10-11 make-up.
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 9, 30), 3, date(2025, 10, 11)),
        # 2024 春节: Sun 02-04 make-up, 02-10..02-17 off, Sun 02-18 make-up.
        (date(2024, 2, 9), 1, date(2024, 2, 18)),
        (date(2024, 2, 2), 1, date(2024, 2, 4)),
        # 2024 国庆: Sun 09-29 make-up, 10-01..10-07 off, Sat 10-12 make-up.
        (date(2024, 9, 27), 1, date(2024, 9, 29)),
        (date(2024, 9, 30), 5, date(2024, 10, 12)),
        # crossing the year boundary: 12-31 Wed, then 元旦 01-01..01-03, Sun 01-04, Mon 01-05 …
        (date(2025, 12, 30), 5, date(2026, 1, 7)),
        # a plain week: Monday + 5 → next Monday
        (date(2026, 3, 9), 5, date(2026, 3, 16)),
    ],
)
def test_add_working_days_spots(start, n, expected):
    assert CAL.add_working_days(start, n) == expected
    assert CAL.working_days_between(start, expected) == n


def test_n_zero_returns_start_even_on_a_holiday():
    assert CAL.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    assert CAL.add_days(date(2026, 10, 3), 0, "工作日") == date(2026, 10, 3)


def test_negative_n_is_rejected():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 5), -1)


def test_start_on_a_holiday_counts_from_the_next_working_day():
    # 交办 on 2026-10-02 (holiday): first working day after it is Thu 10-08.
    assert CAL.add_working_days(date(2026, 10, 2), 1) == date(2026, 10, 8)


def test_add_days_modes():
    assert CAL.add_days(date(2026, 9, 30), 3, "自然日") == date(2026, 10, 3)
    assert CAL.add_days(date(2026, 9, 30), 3, "工作日") == date(2026, 10, 10)
    with pytest.raises(ValueError):
        CAL.add_days(date(2026, 9, 30), 3, "小时")


def test_working_days_between_a_week_with_a_holiday():
    # 2026 清明: Sat 04-04..Mon 04-06 off. Week Sun 04-05 .. Sun 04-12 → Tue–Fri only.
    assert CAL.working_days_between(date(2026, 4, 5), date(2026, 4, 12)) == 4
    # 2026 劳动节 week: Thu 04-30 → Sat 05-09 (make-up): 05-06, 05-07, 05-08, 05-09.
    assert CAL.working_days_between(date(2026, 4, 30), date(2026, 5, 9)) == 4
    # start itself is excluded, end included
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 10)) == 1
    assert CAL.working_days_between(date(2026, 3, 10), date(2026, 3, 10)) == 0
    assert CAL.working_days_between(date(2026, 3, 12), date(2026, 3, 10)) == 0


def test_working_days_between_whole_years():
    # chinese_calendar agrees day by day, so the yearly totals must match too.
    for y in BUILTIN_YEARS:
        expected = len(chinese_calendar.get_workdays(date(y, 1, 1), date(y, 12, 31)))
        assert CAL.working_days_between(date(y - 1, 12, 31), date(y, 12, 31)) == expected, y


# --- years before 2018, provisional years and the 节假日 sheet ---------------------------------


def test_years_before_2018_raise_with_a_clear_message():
    with pytest.raises(YearNotCovered) as info:
        CAL.add_working_days(date(2017, 12, 20), 3)
    assert info.value.year == 2017
    assert str(info.value) == "2017年不在工作日历范围内（2018—2099年）：工作日只能按2018年以后的放假安排计算，请核对日期是否填错"
    for call in (
        lambda: CAL.is_working_day(date(2017, 12, 29)),
        lambda: CAL.working_days_between(date(2017, 12, 1), date(2018, 1, 10)),
        lambda: CAL.add_days(date(2017, 12, 28), 10, "工作日"),
        lambda: CAL.is_working_day(date(2100, 1, 4)),
    ):
        with pytest.raises(YearNotCovered):
            call()


def test_start_on_31_december_2017_needs_only_2018():
    assert CAL.add_working_days(date(2017, 12, 31), 1) == date(2018, 1, 2)
    assert CAL.working_days_between(date(2017, 12, 31), date(2018, 1, 2)) == 1


# The law's days off in 2027 (《全国年节及纪念日放假办法》 as amended from 2025, with 补假), worked
# out from the lunar dates: 除夕 Fri 02-05, 初一–初三 Sat–Mon 02-06..08 → 补假 Tue 02-09, Wed 02-10;
# 清明 Mon 04-05; 劳动节 Sat–Sun 05-01..02 → Mon–Tue 05-03..04; 端午 Wed 06-09; 中秋 Wed 09-15;
# 国庆 Fri–Sun 10-01..03 → Mon–Tue 10-04..05; 元旦 Fri 01-01. No 调休 make-up working days.
LAW_2027 = [date(2027, 1, 1), *(date(2027, 2, d) for d in range(5, 11)), date(2027, 4, 5),
            *(date(2027, 5, d) for d in range(1, 5)), date(2027, 6, 9), date(2027, 9, 15),
            *(date(2027, 10, d) for d in range(1, 6))]


def test_provisional_2027_follows_the_law():
    days_off = [d for d in _days(date(2027, 1, 1), date(2027, 12, 31)) if not CAL.is_working_day(d) and d.weekday() < 5]
    weekend_off = [d for d in LAW_2027 if d.weekday() >= 5]
    assert days_off == [d for d in LAW_2027 if d.weekday() < 5]
    assert weekend_off == [date(2027, 2, 6), date(2027, 2, 7), date(2027, 5, 1), date(2027, 5, 2),
                           date(2027, 10, 2), date(2027, 10, 3)]
    assert all(not CAL.is_working_day(d) for d in _days(date(2027, 1, 1), date(2027, 12, 31)) if d.weekday() >= 5)
    # 261 weekdays in 2027 (2027-01-01 is a Friday: 365 days = 52 weeks + a Friday), 13 of them off
    assert CAL.working_days_between(date(2026, 12, 31), date(2027, 12, 31)) == 261 - 13
    assert CAL.source(2027) == ("推算", "") and CAL.source(2026) == ("内置", "国办发明电〔2025〕7号")


def test_tracking_names_the_provisional_years_a_computation_went_through():
    with track_provisional() as years:
        assert CAL.add_working_days(date(2026, 12, 20), 5) == date(2026, 12, 25)
    assert years == set()
    with track_provisional() as years:
        # 12-29, 12-30, 12-31, (01-01 off), 01-04 … 01-08, 01-11, 01-12
        assert CAL.add_working_days(date(2026, 12, 28), 10) == date(2027, 1, 12)
    assert years == {2027}
    with track_provisional() as outer:
        with track_provisional() as inner:
            CAL.is_working_day(date(2028, 3, 1))
        CAL.is_working_day(date(2027, 3, 1))
    assert inner == {2028} and outer == {2027, 2028}
    with track_provisional() as outer:      # a query that fails still passes on what it went through
        with pytest.raises(YearNotCovered):
            with track_provisional():
                CAL.is_working_day(date(2029, 3, 1))
                CAL.is_working_day(date(2100, 3, 1))
    assert outer == {2029}


_LAW_DAYS_SCRIPT = """
import json, sys
if sys.argv[1] == "package":
    import holidays
    china = holidays.China
else:
    from ledger.core.calendar import _china_holidays
    china = _china_holidays()
days = {}
for year in range(2027, 2061):
    for observed in (True, False):
        cal = china(years=year, language="zh_CN", observed=observed)
        days[f"{year} {observed}"] = {d.isoformat(): cal.get_list(d) for d in sorted(cal)}
print(json.dumps({"others": "holidays.countries.france" in sys.modules, "days": days}))
"""


def test_law_days_come_from_the_china_module_alone():
    """The provisional years need only holidays' China: it is loaded without the other countries
    (0.15 s of a weekly run), and answers exactly as the package's own `holidays.China`."""
    import json
    import subprocess
    import sys

    def run(how: str) -> dict:
        out = subprocess.run([sys.executable, "-c", _LAW_DAYS_SCRIPT, how], capture_output=True, text=True,
                             check=True)
        return json.loads(out.stdout)

    alone, package = run("alone"), run("package")
    assert not alone["others"] and package["others"]
    assert alone["days"] == package["days"]
    assert alone["days"]["2027 True"]["2027-10-04"] == ["国庆节（补假）"]


# A partial 2027 typed by a clerk: 元旦 and one make-up Saturday.
SCHEDULE_2027 = {
    date(2027, 1, 1): (False, "元旦"),
    date(2027, 2, 20): (True, "春节"),   # make-up Saturday
    date(2027, 2, 11): (False, "春节"),  # one more day off
}


def test_sheet_rows_add_to_the_provisional_year_never_complete_it():
    cal = WorkCalendar(SCHEDULE_2027)
    assert cal.is_provisional(2027)
    assert not cal.is_working_day(date(2027, 2, 8))          # 春节 still off: from the law
    assert not cal.is_working_day(date(2027, 2, 11))         # the sheet's extra day
    assert cal.is_working_day(date(2027, 2, 20))
    assert cal.day_name(date(2027, 2, 20)) == "春节"
    # Thu 02-04 + 1 → Fri 02-05 … Thu 02-11 all off (law and sheet) → Fri 02-12
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)
    assert cal.add_working_days(date(2027, 2, 19), 1) == date(2027, 2, 20)
    # Feb 2027 after Mon 02-01: 19 weekdays, 02-05, 02-08..02-11 off, plus make-up Sat 02-20.
    assert cal.working_days_between(date(2027, 2, 1), date(2027, 2, 28)) == 19 - 5 + 1
    assert cal.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)   # built-in untouched
    with track_provisional() as years:
        cal.add_working_days(date(2027, 12, 20), 30)
    assert years == {2027, 2028}


def test_published_year_from_the_sheet_is_not_provisional():
    cal = WorkCalendar({date(2027, 1, 1): (False, "元旦")}, published={2027: "国办发明电〔2026〕9号"})
    assert not cal.is_provisional(2027) and cal.is_provisional(2028)
    assert cal.source(2027) == ("节假日表", "国办发明电〔2026〕9号")
    assert cal.is_working_day(date(2027, 2, 8))              # only the sheet's days count now
    with track_provisional() as years:
        cal.add_working_days(date(2027, 2, 1), 20)
    assert years == set()


def test_override_beats_builtin_both_ways():
    cal = WorkCalendar({
        date(2026, 10, 2): (True, "国庆节（本县调整）"),   # built-in holiday → working day (班)
        date(2026, 10, 10): (False, "本县调休"),           # built-in make-up day → rest day (休)
    })
    assert CAL.is_working_day(date(2026, 10, 2)) is False
    assert cal.is_working_day(date(2026, 10, 2)) is True
    assert cal.is_working_day(date(2026, 10, 10)) is False
    assert cal.day_name(date(2026, 10, 2)) == "国庆节（本县调整）"
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 2)
    assert cal.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 9)
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4


def test_calendar_is_immutable_and_overrides_are_copied():
    source = dict(SCHEDULE_2027)
    cal = WorkCalendar(source)
    source[date(2027, 3, 1)] = (False, "后加")
    assert cal.is_working_day(date(2027, 3, 1))
    assert cal.overrides == SCHEDULE_2027
    with pytest.raises(AttributeError):
        cal.foo = 1
    with pytest.raises(TypeError):
        cal.overrides[date(2027, 3, 2)] = (False, "x")


# --- properties and speed -------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(
    start=st.dates(min_value=date(2018, 1, 1), max_value=date(2026, 9, 1)),
    n=st.integers(min_value=0, max_value=60),
)
def test_add_then_count_roundtrip(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n > 0:
        assert end > start
        assert CAL.is_working_day(end)
        assert chinese_calendar.is_workday(end)
        # minimal: the day before end does not already reach n
        assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1
    else:
        assert end == start


def test_fifty_thousand_calls_are_fast():
    cal = WorkCalendar()
    starts = [date(2018, 1, 1) + timedelta(days=i % 3100) for i in range(50_000)]
    t0 = time.perf_counter()
    for i, s in enumerate(starts):
        cal.add_working_days(s, i % 30)
    elapsed = time.perf_counter() - t0
    print(f"\n50,000 add_working_days calls: {elapsed * 1000:.1f} ms")
    assert elapsed < 2.0
