"""The official China working-day calendar (SPEC §3.1).

A working day is a Monday–Friday that is not an official holiday, or a weekend day the State
Council declared a make-up working day (调休上班). The schedules of every year from 2018 through
2026 (国务院办公厅关于部分节假日安排的通知) are carried as data in ``ledger/data/holidays.json``;
the workbook's ``节假日`` sheet adds to or overrides single days of any year.

A year after the last built-in one is *provisional* until its schedule is published: its days off
are those fixed by 《全国年节及纪念日放假办法》 (as amended from 2025) with the law's 补假 rule, as
computed by the maintained ``holidays`` package (no hand-written lunar table), and it has no 调休
make-up working days. Rows of the 节假日 sheet add to or override that; they never make a year
count as published by themselves — only a schedule imported from the State Council notice does
(`published` years: rows carrying the notice as their 依据 and holding every statutory day).
Which provisional years a computation went through is recorded by :func:`track_provisional`, so a
row can say its dates are estimates. Years before 2018 raise :class:`YearNotCovered`.

Deadlines are computed for tens of thousands of rows per run, so each covered year is turned once
(lazily, then cached) into a sorted list of working-day ordinals; every query is a few bisections.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from types import MappingProxyType


BUILTIN_YEARS = range(2018, 2027)
"""Years whose official schedule is built in (2018..2026 inclusive)."""
_FIRST_BUILTIN, _LAST_BUILTIN = BUILTIN_YEARS[0], BUILTIN_YEARS[-1]

LAST_YEAR = 2099
"""The last year the law's lunar holidays can be computed for (the lunar tables end in 2100)."""

NATURAL_DAYS = "自然日"
WORKING_DAYS = "工作日"
DAY_MODES = (NATURAL_DAYS, WORKING_DAYS)

_DATA_FILE = "holidays.json"


class YearNotCovered(Exception):
    """A computation needed a year the calendar cannot answer for: before 2018 or after 2099."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year

    def __str__(self) -> str:
        y = self.year
        return (f"{y}年不在工作日历范围内（{BUILTIN_YEARS[0]}—{LAST_YEAR}年）：工作日只能按{BUILTIN_YEARS[0]}年以后的"
                f"放假安排计算，请核对日期是否填错")


def provisional_text(year: int) -> str:
    """The 程序提示 of a row whose dates went through a provisional year."""
    return f"{year}年放假安排尚未公布，按法定假日推算，公布后请导入"


PROVISIONAL_HINT = "国务院办公厅放假安排通知公布后，运行 ledger holidays 台账.xlsx --import 通知.txt 导入"


# ---------------------------------------------------------------------------------------------
# The law's days (provisional years)


def _law_days(year: int, observed: bool) -> dict[date, str]:
    """Days off fixed by law for a year, with the law's 补假 when `observed`; no schedule-specific
    days (the package also carries published 调休 and extensions, which are left out here)."""
    cal = _china_holidays()(years=year, language="zh_CN", observed=observed)
    days: dict[date, str] = {}
    for d in sorted(cal):
        names = [n for n in cal.get_list(d) if "调休" not in n and "延长" not in n]
        if names:
            days[d] = "、".join(n.replace("农历除夕", "春节") for n in names)
    return days


@lru_cache(maxsize=1)
def _china_holidays():
    """The ``holidays`` package's China class, imported only when a provisional year is needed.

    ``holidays.China`` imports the whole ``holidays.countries`` package first — some 250 countries,
    ≈0.15 s of a weekly run that only needs one of them. The class lives in its own module
    (``holidays/countries/china.py``, which imports only the package's shared base classes), so
    that module is loaded by itself, under its own name, unless the package is already loaded or
    the module is not where this expects it; then the package's own way is used."""
    import importlib.util
    import sys
    from pathlib import Path

    import holidays

    name = "holidays.countries.china"
    if "holidays.countries" in sys.modules or name in sys.modules:
        return holidays.China
    path = Path(holidays.__file__).parent / "countries" / "china.py"
    spec = importlib.util.spec_from_file_location(name, path) if path.is_file() else None
    if spec is None or spec.loader is None:
        return holidays.China
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module          # as a normal import would: a later package import reuses it
    try:
        spec.loader.exec_module(module)
        return module.China
    except Exception:                   # noqa: BLE001 — a layout this does not know: the package's way
        del sys.modules[name]
        return holidays.China


@lru_cache(maxsize=32)
def provisional_days(year: int) -> Mapping[date, str]:
    """A provisional year's days off: the law's holidays and 补假 (``2027-02-09 → 春节（补假）``)."""
    return MappingProxyType(_law_days(year, observed=True))


@lru_cache(maxsize=64)
def statutory_days(year: int) -> Mapping[date, str]:
    """The law's holidays of a year without 补假: every official schedule gives each of them off."""
    return MappingProxyType(_law_days(year, observed=False))


# ---------------------------------------------------------------------------------------------
# Which provisional years a computation went through

_TRACKING: ContextVar[set[int] | None] = ContextVar("provisional_tracking", default=None)


def track_provisional() -> "_Tracking":
    """``with track_provisional() as years:`` — the provisional years every calendar query inside
    the block needed (nested blocks each see their own queries, and the outer one sees them too)."""
    return _Tracking()


class _Tracking:
    """The context manager of `track_provisional`: a plain class, not a generator, because the
    weekly run enters two of them for every task row."""

    __slots__ = ("years", "_outer", "_token")

    def __enter__(self) -> set[int]:
        self._outer = _TRACKING.get()
        self.years = set()
        self._token = _TRACKING.set(self.years)
        return self.years

    def __exit__(self, *exc: object) -> None:
        _TRACKING.reset(self._token)
        if self._outer is not None:
            self._outer |= self.years


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

    __slots__ = ("_special", "_overrides", "_published", "_years", "_estimated")

    def __init__(self, overrides: Mapping[date, tuple[bool, str]] | None = None,
                 published: Mapping[int, str] | None = None):
        """`overrides`: the 节假日 sheet's days. `published`: later years whose whole official
        schedule the sheet holds (year → the notice it came from); every other year after the
        built-in ones is provisional."""
        clean: dict[date, tuple[bool, str]] = {}
        for d, (working, name) in (overrides or {}).items():
            clean[_as_date(d)] = (bool(working), "" if name is None else str(name))
        special = {d.toordinal(): v for d, v in builtin_schedule().items()}
        special.update((d.toordinal(), v) for d, v in clean.items())
        object.__setattr__(self, "_special", special)
        object.__setattr__(self, "_overrides", MappingProxyType(clean))
        object.__setattr__(self, "_published", MappingProxyType(
            {y: s for y, s in (published or {}).items() if y not in BUILTIN_YEARS}))
        object.__setattr__(self, "_years", {})
        object.__setattr__(self, "_estimated", set())   # provisional years merged into _special

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("WorkCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("WorkCalendar is immutable")

    def __repr__(self) -> str:
        return f"WorkCalendar(published={sorted(self._published)}, overrides={len(self._overrides)})"

    @property
    def overrides(self) -> Mapping[date, tuple[bool, str]]:
        """The 节假日 sheet entries this calendar was built with (read-only)."""
        return self._overrides

    def covers(self, year: int) -> bool:
        """True when the calendar can answer for the year (2018 … 2099), provisionally or not."""
        return BUILTIN_YEARS[0] <= year <= LAST_YEAR

    def is_provisional(self, year: int) -> bool:
        """A year after the built-in ones whose official schedule has not been imported."""
        return year > BUILTIN_YEARS[-1] and year not in self._published

    def source(self, year: int) -> tuple[str, str]:
        """Where the year's days come from: ("内置", 文号) / ("节假日表", 依据) / ("推算", "")."""
        if year in BUILTIN_YEARS:
            return "内置", builtin_source(year) or ""
        if year in self._published:
            return "节假日表", self._published[year]
        return "推算", ""

    def _require(self, year: int) -> None:
        if _FIRST_BUILTIN <= year <= _LAST_BUILTIN:
            return                      # the common case, asked for tens of thousands of dates a run
        if not self.covers(year):
            raise YearNotCovered(year)
        if self.is_provisional(year):
            tracking = _TRACKING.get()
            if tracking is not None:
                tracking.add(year)
            if year not in self._estimated:
                self._estimate(year)

    def _estimate(self, year: int) -> None:
        """Merge a provisional year's law days into the lookup (sheet rows keep precedence)."""
        special = self._special
        for d, name in provisional_days(year).items():
            if d not in self._overrides:
                special[d.toordinal()] = (False, name)
        self._estimated.add(year)

    def _working_days(self, year: int) -> list[int]:
        """Sorted ordinals of the year's working days (built once per year, then cached)."""
        self._require(year)
        days = self._years.get(year)
        if days is None:
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
        """Whether d is a working day; raises YearNotCovered when d's year is outside the calendar."""
        if d.__class__ is not date:
            d = _as_date(d)
        self._require(d.year)
        entry = self._special.get(d.toordinal())
        return entry[0] if entry is not None else d.weekday() < 5

    def day_name(self, d: date) -> str | None:
        """The holiday or make-up day's name (e.g. 春节), None for an ordinary day.

        Raises YearNotCovered when d's year is outside the calendar.
        """
        d = _as_date(d)
        self._require(d.year)
        entry = self._special.get(d.toordinal())
        return (entry[1] or None) if entry is not None else None

    def add_working_days(self, start: date, n: int) -> date:
        """The N-th working day after start ("N 个工作日内"; start itself is not counted).

        n == 0 returns start unchanged; n < 0 is a ValueError. Raises YearNotCovered when the
        count would need a year outside the calendar.
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
