"""Reporting periods (统计期间): 月, 季度, 半年 and 年, plus the 7-day window of the weekly summary.

A `Period` is a closed range of calendar days with a kind, a first and last day and the label a
report prints (2026年11月, 2026年第三季度, 2026年上半年, 2026年; 2026年11月17日至11月23日 for a week).

Notation. `parse_period` reads what a user types on the command line or in a cell:

* 月 (month):      2026-11, 2026/11, 2026.11, 202611, 2026年11月, 2026年11月份
* 季 (quarter):    2026Q3, 2026-Q3, 2026年第三季度, 2026第3季度
* 半年 (half):     2026H1, 2026-H2, 2026年上半年, 2026下半年
* 年 (year):       2026, 2026年, 2026年度

Full-width characters and spaces are tolerated (NFKC); anything else is a ValueError whose message
ends with `PERIOD_HINT`, the suggestion shown to the user.

The "just ended" rule (`periods_just_ended`). A run reports every month, quarter, half-year and
year whose last day E satisfies prev_run ≤ E < run_date, where prev_run is the latest earlier run
(批次 in the 督办记录 log, see `previous_run`). So the first run after a period ends reports it;
a rerun on the same date reports it again; a first-ever run reports nothing from the past; and a
run after a long gap catches up on every period it missed, in order of end date, shorter first.

Deliberately free of pandas (standard library only): every run works out period boundaries, and
the aggregation that needs pandas lives in `ledger.figures.stats`.
"""

from __future__ import annotations

import calendar as _cal
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

_CN_QUARTER = "一二三四"


@dataclass(frozen=True)
class Period:
    kind: str       # week | month | quarter | half | year
    start: date
    end: date
    label: str      # 2026年第三季度, 2026年11月, 2026年上半年, 2026年, 2026年11月17日至11月23日

    @property
    def title_label(self) -> str:
        """The label as it reads inside a title: 2026年度 for a year."""
        return f"{self.start.year}年度" if self.kind == "year" else self.label

    @property
    def slot(self) -> int:
        """Position of the period in its year (month 1–12, quarter 1–4, half 1–2, year 1)."""
        if self.kind == "month":
            return self.start.month
        if self.kind == "quarter":
            return (self.start.month - 1) // 3 + 1
        if self.kind == "half":
            return 1 if self.start.month == 1 else 2
        return 1


def month(year: int, m: int) -> Period:
    return Period("month", date(year, m, 1), date(year, m, _cal.monthrange(year, m)[1]), f"{year}年{m}月")


def quarter(year: int, q: int) -> Period:
    end_m = 3 * q
    return Period("quarter", date(year, end_m - 2, 1), date(year, end_m, _cal.monthrange(year, end_m)[1]),
                  f"{year}年第{_CN_QUARTER[q - 1]}季度")


def half(year: int, h: int) -> Period:
    return Period("half", date(year, 1 if h == 1 else 7, 1), date(year, 6, 30) if h == 1 else date(year, 12, 31),
                  f"{year}年{'上' if h == 1 else '下'}半年")


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31), f"{year}年")


def week_ending(day: date) -> Period:
    """The 7 days ending on `day` (the weekly summary's window)."""
    start = day - timedelta(days=6)
    tail = f"{day.month}月{day.day}日" if start.year == day.year else f"{day.year}年{day.month}月{day.day}日"
    return Period("week", start, day, f"{start.year}年{start.month}月{start.day}日至{tail}")


_PERIOD_FORMS = (
    (re.compile(r"^(\d{4})[-/.]?(\d{1,2})$|^(\d{4})年(\d{1,2})月(?:份)?$"), "month"),
    (re.compile(r"^(\d{4})[-]?Q([1-4])$|^(\d{4})年?第?([一二三四1-4])季度$"), "quarter"),
    (re.compile(r"^(\d{4})[-]?H([12])$|^(\d{4})年?([上下])半年$"), "half"),
    (re.compile(r"^(\d{4})(?:年度?)?$"), "year"),
)
PERIOD_HINT = "请写成 2026-11（月）、2026Q3（季度）、2026H1（半年）或 2026（全年）"


def parse_period(text: str) -> Period:
    """"2026-11" | "2026Q3" | "2026H1" | "2026" (and 2026年11月, 2026年第三季度, 2026年上半年, 2026年)."""
    s = "".join(unicodedata.normalize("NFKC", str(text)).split()).upper()
    for pattern, kind in _PERIOD_FORMS:
        m = pattern.match(s)
        if not m:
            continue
        groups = [g for g in m.groups() if g is not None]
        year = int(groups[0])
        if not 1990 <= year <= 2100:
            break
        if kind == "year":
            return year_period(year)
        part = groups[1]
        if kind == "month":
            if not 1 <= int(part) <= 12:
                raise ValueError(f"期间“{text}”中的月份{int(part)}不存在：{PERIOD_HINT}")
            return month(year, int(part))
        if kind == "quarter":
            return quarter(year, int(part) if part.isdigit() else _CN_QUARTER.index(part) + 1)
        return half(year, 1 if part in ("1", "上") else 2)
    raise ValueError(f"期间“{text}”无法识别：{PERIOD_HINT}")


def periods_just_ended(prev_run: date | None, run_date: date) -> list[Period]:
    """Month, quarter, half-year and year periods that ended after the previous run and before
    `run_date`: prev_run ≤ end < run_date. The first run after a period reports it; a rerun on the
    same date reports it again (pass the latest run *before* run_date, see `previous_run`).
    No previous run → [] (a first run does not report the past). Ordered by end, shorter first."""
    if prev_run is None or prev_run >= run_date:
        return []
    found: list[Period] = []
    for year in range(prev_run.year, run_date.year + 1):
        candidates = ([month(year, m) for m in range(1, 13)] + [quarter(year, q) for q in range(1, 5)]
                      + [half(year, 1), half(year, 2), year_period(year)])
        found += [p for p in candidates if prev_run <= p.end < run_date]
    order = {"month": 0, "quarter": 1, "half": 2, "year": 3}
    return sorted(found, key=lambda p: (p.end, order[p.kind]))


def previous_run(notices, run_date: date) -> date | None:
    """The latest 批次 (issue date) in the log before `run_date`, or None."""
    return max((n.issued for n in notices if n.issued < run_date), default=None)
