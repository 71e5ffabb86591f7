"""The official China working-day calendar (SPEC §3.1).

A working day is a Monday–Friday that is not an official holiday, or a weekend day the State
Council declared a make-up working day (调休上班). The schedules of every year from 2018 through
2026 (国务院办公厅关于部分节假日安排的通知) are carried as data in ``ledger/data/holidays.json``;
the workbook's ``节假日`` sheet adds to or overrides them and is how the clerk supplies a new year.

A computation that needs a year covered by neither raises :class:`YearNotCovered`, whose message
tells the clerk exactly what to add — the calendar never guesses that a year has no holidays.

Deadlines are computed for tens of thousands of rows per run, so each covered year is turned once
(lazily, then cached) into a sorted list of working-day ordinals; every query is a few bisections.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from .schema import HOLIDAY_SHEET

BUILTIN_YEARS = range(2018, 2027)
"""Years whose official schedule is built in (2018..2026 inclusive)."""

NATURAL_DAYS = "自然日"
WORKING_DAYS = "工作日"
DAY_MODES = (NATURAL_DAYS, WORKING_DAYS)

_DATA_FILE = "holidays.json"


class YearNotCovered(Exception):
    """A computation needed a year that neither the built-in data nor the 节假日 sheet covers."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year

    def __str__(self) -> str:
        y = self.year
        return (
            f"{y}年的法定节假日安排尚未内置：请在“{HOLIDAY_SHEET}”工作表中补充{y}年的放假日期"
            f"（类型填“休”）和调休上班日期（类型填“班”），依据当年国务院办公厅节假日安排通知。"
        )


# ---------------------------------------------------------------------------------------------
# Built-in data


def _parse_entry(text: str) -> list[date]:
    """``"2026-01-01"`` → one date; ``"2026-01-01..2026-01-03"`` → the closed range."""
    if ".." in text:
        first_text, last_text = text.split("..", 1)
        first, last = date.fromisoformat(first_text.strip()), date.fromisoformat(last_text.strip())
        if last < first:
            raise ValueError(f"holiday data: empty range {text!r}")
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [date.fromisoformat(text.strip())]


def _parse_schedule(raw: Mapping[str, object]) -> tuple[dict[date, tuple[bool, str]], dict[int, str]]:
    """Validate the JSON data and flatten it into date → (is_working_day, name), plus sources."""
    days: dict[date, tuple[bool, str]] = {}
    sources: dict[int, str] = {}
    for key, notice in raw.items():
        if key.startswith("_"):
            continue
        year = int(key)
        sources[year] = str(notice.get("source", ""))
        for kind, working in (("holidays", False), ("workdays", True)):
            for name, entries in notice.get(kind, {}).items():
                for entry in entries:
                    for d in _parse_entry(entry):
                        # A notice may reach back into late December of the previous year (元旦).
                        if not (d.year == year or (d.year == year - 1 and d.month == 12)):
                            raise ValueError(f"holiday data {year}: {d} outside the notice's year")
                        if working and d.weekday() < 5:
                            raise ValueError(f"holiday data {year}: make-up day {d} is not a weekend")
                        if d in days:
                            raise ValueError(f"holiday data {year}: {d} listed twice")
                        days[d] = (working, name)
    missing = [y for y in BUILTIN_YEARS if y not in sources]
    if missing:
        raise ValueError(f"holiday data: years {missing} missing")
    return days, sources


@lru_cache(maxsize=1)
def _builtin() -> tuple[Mapping[date, tuple[bool, str]], Mapping[int, str]]:
    text = resources.files("ledger.data").joinpath(_DATA_FILE).read_text(encoding="utf-8")
    days, sources = _parse_schedule(json.loads(text))
    return MappingProxyType(days), MappingProxyType(sources)


def builtin_schedule() -> Mapping[date, tuple[bool, str]]:
    """The built-in official days: date → (is_working_day, holiday name). Read-only."""
    return _builtin()[0]


def builtin_source(year: int) -> str | None:
    """The 文号 of the State Council notice a built-in year comes from, None if not built in."""
    return _builtin()[1].get(year)


# ---------------------------------------------------------------------------------------------
# The calendar


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return d


class WorkCalendar:
    """Working days on the official China calendar, plus the clerk's 节假日 sheet overrides.

    Immutable after construction (the per-year lookup tables it builds lazily are a cache).
    """

    __slots__ = ("_special", "_overrides", "_covered", "_years")

    def __init__(self, overrides: Mapping[date, tuple[bool, str]] | None = None):
        clean: dict[date, tuple[bool, str]] = {}
        for d, (working, name) in (overrides or {}).items():
            clean[_as_date(d)] = (bool(working), "" if name is None else str(name))
        special = {d.toordinal(): v for d, v in builtin_schedule().items()}
        special.update((d.toordinal(), v) for d, v in clean.items())
        object.__setattr__(self, "_special", special)
        object.__setattr__(self, "_overrides", MappingProxyType(clean))
        object.__setattr__(self, "_covered", frozenset(BUILTIN_YEARS) | {d.year for d in clean})
        object.__setattr__(self, "_years", {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("WorkCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("WorkCalendar is immutable")

    def __repr__(self) -> str:
        return f"WorkCalendar(covered={sorted(self._covered)}, overrides={len(self._overrides)})"

    @property
    def overrides(self) -> Mapping[date, tuple[bool, str]]:
        """The 节假日 sheet entries this calendar was built with (read-only)."""
        return self._overrides

    @property
    def covered_years(self) -> frozenset[int]:
        """Every year the calendar can answer for: built in, or named by an override date."""
        return self._covered

    def covers(self, year: int) -> bool:
        """True when the year is built in or at least one override date falls in it."""
        return year in self._covered

    def _require(self, year: int) -> None:
        if year not in self._covered:
            raise YearNotCovered(year)

    def _working_days(self, year: int) -> list[int]:
        """Sorted ordinals of the year's working days (built once per year, then cached)."""
        days = self._years.get(year)
        if days is None:
            self._require(year)
            special = self._special
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            days = []
            for o in range(first, last + 1):
                entry = special.get(o)
                # date.weekday() == (ordinal + 6) % 7: Monday 0 … Sunday 6.
                if (entry[0] if entry is not None else (o + 6) % 7 < 5):
                    days.append(o)
            self._years[year] = days
        return days

    def is_working_day(self, d: date) -> bool:
        """Whether d is a working day; raises YearNotCovered when d's year is not covered."""
        d = _as_date(d)
        self._require(d.year)
        entry = self._special.get(d.toordinal())
        return entry[0] if entry is not None else d.weekday() < 5

    def day_name(self, d: date) -> str | None:
        """The holiday or make-up day's name (e.g. 春节), None for an ordinary day.

        Raises YearNotCovered when d's year is not covered (we cannot know it is ordinary).
        """
        d = _as_date(d)
        self._require(d.year)
        entry = self._special.get(d.toordinal())
        return (entry[1] or None) if entry is not None else None

    def add_working_days(self, start: date, n: int) -> date:
        """The N-th working day after start ("N 个工作日内"; start itself is not counted).

        n == 0 returns start unchanged; n < 0 is a ValueError. Raises YearNotCovered for the
        first uncovered year the count would need.
        """
        start = _as_date(start)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            return start
        s = start.toordinal()
        # Days after start begin in start's year, unless start is 31 December.
        year = start.year + 1 if (start.month, start.day) == (12, 31) else start.year
        remaining = n
        while True:
            days = self._working_days(year)
            i = bisect_right(days, s)
            available = len(days) - i
            if remaining <= available:
                return date.fromordinal(days[i + remaining - 1])
            remaining -= available
            year += 1

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days d satisfy start < d <= end (0 when end <= start)."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        s, e = start.toordinal(), end.toordinal()
        first_year = start.year + 1 if (start.month, start.day) == (12, 31) else start.year
        total = 0
        for year in range(first_year, end.year + 1):
            days = self._working_days(year)
            total += bisect_right(days, e) - bisect_right(days, s)
        return total

    def add_days(self, start: date, n: int, mode: str) -> date:
        """start + n days counted as 自然日 (calendar days) or 工作日 (working days)."""
        if mode == NATURAL_DAYS:
            if n < 0:
                raise ValueError(f"n must be >= 0, got {n}")
            return _as_date(start) + timedelta(days=n)
        if mode == WORKING_DAYS:
            return self.add_working_days(start, n)
        raise ValueError(f"unknown day mode {mode!r}; expected one of {DAY_MODES}")
