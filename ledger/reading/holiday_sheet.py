"""节假日: the clerk's additions to the official calendar (SPEC §2.6, §3.1).

Each row is 日期 / 类型 (休 = day off, 班 = make-up working day) / 名称 / 依据. A row adds to or
overrides the calendar of its day's year — built in, or provisional (a later year computed from
the law). Rows never make a year count as published by themselves: one typed 元旦 row must not
turn 2027 into a year without 春节. A later year counts as published only when its rows carry a
State Council notice as 依据 (``ledger holidays --import`` writes them so) and give every day the
law fixes off as 休 — a year imported whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..core.calendar import BUILTIN_YEARS, statutory_days
from ..core.dates import BadValue, is_blank, normalize_text, parse_date
from ..core import problems as P
from ..core.errors import Problem, RowRef
from .reader import Book, settings_sheet
from ..core.schema import HOLIDAY_BASIS_ALIASES, HOLIDAY_HEADERS, HOLIDAY_SHEET

_KIND = {"休": False, "放假": False, "假": False, "休息": False,
         "班": True, "上班": True, "调休上班": True, "补班": True}
_KEYS = ("date", "kind", "name", "basis")


@dataclass(frozen=True)
class HolidayRows:
    """What the 节假日 sheet says: its days, and the later years it holds whole (year → 依据)."""

    days: dict[date, tuple[bool, str]] = field(default_factory=dict)
    published: dict[int, str] = field(default_factory=dict)
    rows: dict[date, int] = field(default_factory=dict)      # day → physical row
    basis: dict[date, str] = field(default_factory=dict)     # day → 依据, where filled


def holiday_aliases() -> dict[str, str]:
    aliases = {normalize_text(h): k for h, k in zip(HOLIDAY_HEADERS, _KEYS)}
    aliases.update((normalize_text(h), "basis") for h in HOLIDAY_BASIS_ALIASES)
    return aliases


def published_years(days: dict[date, tuple[bool, str]], basis: dict[date, str]) -> dict[int, str]:
    """Years after the built-in ones that the rows hold whole: some row names a State Council
    notice as 依据, and every day the law fixes off is a 休 row."""
    out: dict[int, str] = {}
    for year in sorted({d.year for d, text in basis.items() if "国" in text and d.year > BUILTIN_YEARS[-1]}):
        law = statutory_days(year) if year <= 2099 else {}
        if law and all(d in days and not days[d][0] for d in law):
            out[year] = next(text for d, text in sorted(basis.items()) if d.year == year and "国" in text)
    return out


def read_holidays(book: Book) -> tuple[HolidayRows, list[Problem]]:
    problems: list[Problem] = []
    overrides: dict[date, tuple[bool, str]] = {}
    basis: dict[date, str] = {}
    found = settings_sheet(book, HOLIDAY_SHEET, holiday_aliases(), {"date", "kind"}, P.HOLIDAY_NO_HEADER, problems)
    if found is None:
        return HolidayRows(), problems
    sheet, header = found
    dcol, kcol = header.columns["date"], header.columns["kind"]
    ncol, bcol = header.columns.get("name"), header.columns.get("basis")
    rows: dict[date, int] = {}
    for r in range(header.row + 1, sheet.max_row + 1):
        raw_date, raw_kind = sheet.value(r, dcol), sheet.value(r, kcol)
        if is_blank(raw_date) and is_blank(raw_kind):
            continue
        try:
            day = parse_date(raw_date, date1904=book.date1904)
        except BadValue as exc:
            problems.append(exc.at(RowRef(sheet.name, r).at(dcol)))
            continue
        kind = _KIND.get(normalize_text(raw_kind))
        if kind is None:
            problems.append(RowRef(sheet.name, r).problem(P.HOLIDAY_KIND, kcol, text=raw_kind))
            continue
        if day in rows:
            problems.append(RowRef(sheet.name, r).problem(P.HOLIDAY_DUPLICATE, dcol, day=day.isoformat(), first=rows[day]))
            continue
        rows[day] = r
        name = "" if ncol is None or is_blank(sheet.value(r, ncol)) else str(sheet.value(r, ncol)).strip()
        overrides[day] = (kind, name)
        if bcol is not None and not is_blank(sheet.value(r, bcol)):
            basis[day] = str(sheet.value(r, bcol)).strip()
    return HolidayRows(overrides, published_years(overrides, basis), rows, basis), problems
