"""Reading dates the way a clerk types them (SPEC §2.1).

A date cell may hold a real Excel date, an Excel serial number, or text: ``2026-11-23``,
``2026/11/23``, ``2026.11.23``, ``2026年11月23日``, ``20261123``, ``11月23日`` (year taken from a
reference date), with full-width digits and separators. Anything else raises `BadValue`, whose
message and hint the caller turns into a located `Problem`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timedelta

from . import problems as P
from .errors import Kind, Location, Problem

EXCEL_EPOCH_1900 = date(1899, 12, 30)   # serial 1 = 1900-01-01 (Lotus leap-year bug accounted)
EXCEL_EPOCH_1904 = date(1904, 1, 1)
MIN_YEAR, MAX_YEAR = 1990, 2100        # anything outside is a typing slip, not a real task date



class BadValue(ValueError):
    """A cell value that cannot be understood: its kind of problem (`ledger.core.problems`), not
    yet located — `message` says what, `hint` how to fix it; `at(...)` places it in a cell."""

    def __init__(self, kind: Kind, **fields: object):
        self.kind, self.fields = kind, fields
        self.message = Kind.format(kind.message, fields)
        self.hint = Kind.format(kind.hint, fields)
        super().__init__(self.message)

    def at(self, where: Location, prefix: str = "") -> Problem:
        """The problem in the cell `where`; `prefix` names the field (``交办日期“…”不是有效日期``)."""
        problem = self.kind.at(where, **self.fields)
        return replace(problem, message=prefix + problem.message) if prefix else problem


def normalize_text(value: object) -> str:
    """Text as matched — headers, aliases, typed words: NFKC (full-width digits and punctuation →
    half-width), all white space removed; None is empty."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    return "".join(s.split())


_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD_CN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})[月/.-](\d{1,2})[日号]?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.0+)?$")
_DECORATION = re.compile(r"(之前|以前|前|止|截止)$")


def serial_to_date(serial: float, date1904: bool = False) -> date:
    """Excel serial number → date (the time-of-day fraction is dropped)."""
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH_1900
    return epoch + timedelta(days=int(serial))


def _checked(y: int, m: int, d: int, text: str) -> date:
    try:
        result = date(y, m, d)
    except ValueError:
        raise BadValue(P.DATE_INVALID, text=text) from None
    return _plausible(result, text)


def _plausible(result: date, text: object) -> date:
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise BadValue(P.DATE_YEAR, text=text, year=result.year)
    return result


def parse_date(value: object, reference: date | None = None, date1904: bool = False) -> date:
    """Turn a cell value into a date.

    `reference` resolves a year-less ``11月23日``: its year, or the next year when that would
    fall before the reference (a deadline written in December for January).
    """
    if isinstance(value, datetime):     # a real date cell: its isoformat only for a message
        day = value.date()
        return day if MIN_YEAR <= day.year <= MAX_YEAR else _plausible(day, day.isoformat())
    if isinstance(value, date):
        return value if MIN_YEAR <= value.year <= MAX_YEAR else _plausible(value, value.isoformat())
    if isinstance(value, bool):
        raise BadValue(P.DATE_NOT_A_DATE, text=value)
    if isinstance(value, (int, float)):
        if not 1 <= value < 2958466:
            raise BadValue(P.DATE_NOT_A_DATE, text=f"{value:g}")
        return _plausible(serial_to_date(value, date1904), f"{value:g}")
    if isinstance(value, timedelta):
        raise BadValue(P.DATE_IS_TIME)
    text = normalize_text(value)
    if not text:
        raise BadValue(P.DATE_EMPTY)
    core = _DECORATION.sub("", text)
    for pattern in (_YMD, _YMD_CN, _COMPACT):
        m = pattern.match(core)
        if m:
            return _checked(int(m[1]), int(m[2]), int(m[3]), str(value).strip())
    m = _MD.match(core)
    if m:
        if reference is None:
            raise BadValue(P.DATE_NO_YEAR, text=str(value).strip())
        month, day = int(m[1]), int(m[2])
        result = _checked(reference.year, month, day, str(value).strip())
        if result < reference:
            result = _checked(reference.year + 1, month, day, str(value).strip())
        return result
    if _SERIAL_TEXT.match(core):
        return _plausible(serial_to_date(float(core), date1904), core)
    raise BadValue(P.DATE_UNREADABLE, text=_short(value))


def _short(value: object, limit: int = 30) -> str:
    s = str(value).strip().replace("\n", "⏎")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cn_date(day: date | None) -> str:
    """A date as documents write it: 2026年11月23日 (empty for None)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cell_text(value: object) -> str:
    """A cell value as text to show or compare: dates as 2026-11-23, 3.0 as 3, trimmed; blank is empty."""
    if type(value) is str:      # nearly every cell: the same result as the general path, sooner
        return value.strip()
    if is_blank(value):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
