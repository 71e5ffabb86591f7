"""督办记录: the append-only log of every notice ever issued (SPEC §2.3).

The log is the tool's memory: it makes runs idempotent, drives red repetition, and feeds scoring.
Numbers are one sequence per color per year and are never reused or renumbered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..core.dates import BadValue, is_blank, parse_date, normalize_text
from ..core import problems as P
from ..core.errors import Location, Problem, RowRef
from .params import Params
from .reader import Book, find_header
from ..core.schema import LOG_HEADERS, LOG_SHEET, PARAM_DEFAULTS, Color

_COLORS = frozenset(Color)
from .units import split_units

LOG_KEYS = ("number", "task_id", "color", "issued", "units", "deadline", "overdue", "signer", "batch", "basis")
"""The field of each LOG_HEADERS column, in order (the order of Notice.as_row)."""
_ALIASES = {normalize_text(h): k for (h, _), k in zip(LOG_HEADERS, LOG_KEYS)}


@dataclass(frozen=True)
class Notice:
    number: str
    task_id: str
    color: str                      # 蓝 / 黄 / 红
    issued: date
    units: tuple[str, ...]
    deadline: date | None
    overdue_days: int | None
    signer: str
    batch: str
    row: int | None = None          # physical row in 督办记录 (None for notices of this run)
    basis: str = ""                 # 应办结日期依据: set when D was estimated (a provisional year)

    @property
    def on_provisional_deadline(self) -> bool:
        return PROVISIONAL_MARK in self.basis

    def as_row(self) -> tuple:
        return (self.number, self.task_id, self.color, self.issued, "、".join(self.units),
                self.deadline, self.overdue_days, self.signer, self.batch, self.basis)


PROVISIONAL_MARK = "推算"


def provisional_basis(years) -> str:
    """The log's 应办结日期依据 of a notice whose D went through provisional years."""
    return f"按法定假日推算（{'、'.join(f'{y}年' for y in sorted(years))}放假安排未公布）"


@dataclass(frozen=True)
class LogLayout:
    """Where an existing 督办记录 keeps things: new notices go in as rows below `last_row`, each
    value under its header wherever the clerk has moved the columns; columns the clerk added stay."""

    sheet: str                      # the sheet's actual name
    header_row: int | None          # None: the sheet is empty (a header row is written first)
    columns: dict[str, int]         # field key → 1-based column, for the headers present
    last_row: int                   # last row holding anything (0 when empty)
    last_col: int                   # rightmost column holding anything (0 when empty)


def log_layout(book: Book) -> LogLayout | None:
    """The layout of the existing log sheet, or None when the workbook has none. A sheet with
    content but no recognisable header is reported by read_log and stops the run before this."""
    sheet = book.get(LOG_SHEET)
    if sheet is None:
        return None
    header = find_header(sheet, _ALIASES, [])
    last_row = next((r for r in range(sheet.max_row, 0, -1) if any(not is_blank(v) for v in sheet.cells[r - 1])), 0)
    last_col = max((c for row in sheet.cells[:last_row] for c, v in enumerate(row, start=1) if not is_blank(v)),
                   default=0)
    if header is None:
        return LogLayout(sheet.name, None, {}, last_row, last_col)
    return LogLayout(sheet.name, header.row, dict(header.columns), last_row, last_col)


def read_log(book: Book) -> tuple[list[Notice], list[Problem]]:
    sheet = book.get(LOG_SHEET)
    problems: list[Problem] = []
    if sheet is None:
        return [], problems
    header = find_header(sheet, _ALIASES, problems)
    if header is None:
        if any(any(not is_blank(v) for v in row) for row in sheet.cells):
            problems.append(P.LOG_NO_HEADER.at(RowRef(sheet.name, 1).at()))
        return [], problems
    cols = header.columns
    missing = [h for (h, _), k in zip(LOG_HEADERS, LOG_KEYS) if k in ("number", "task_id", "color", "issued")
               and k not in cols]
    if missing:
        problems.append(P.LOG_MISSING_HEADER.at(RowRef(sheet.name, header.row).at(), missing="、".join(missing)))
        return [], problems
    notices: list[Notice] = []
    for r in range(header.row + 1, sheet.max_row + 1):
        def raw(key: str) -> object:
            return sheet.value(r, cols[key]) if key in cols else ""

        ref = RowRef(sheet.name, r)

        def loc(key: str) -> Location:
            return ref.at(cols[key])

        if all(is_blank(raw(k)) for k in LOG_KEYS if k in cols):
            continue
        number, color = str(raw("number")).strip(), str(raw("color")).strip().rstrip("色")
        if not number:
            problems.append(P.LOG_NUMBER_EMPTY.at(loc("number")))
            continue
        if color not in _COLORS:
            problems.append(P.LOG_COLOR.at(loc("color"), text=raw("color")))
            continue
        try:
            issued = parse_date(raw("issued"), date1904=book.date1904)
        except BadValue as exc:
            problems.append(exc.at(loc("issued")))
            continue
        deadline = None
        if not is_blank(raw("deadline")):
            try:
                deadline = parse_date(raw("deadline"), date1904=book.date1904)
            except BadValue:
                deadline = None
        overdue = raw("overdue")
        notices.append(Notice(
            number=number, task_id=_id_text(raw("task_id")), color=color, issued=issued,
            units=tuple(split_units(raw("units"))), deadline=deadline,
            overdue_days=int(overdue) if isinstance(overdue, (int, float)) and not isinstance(overdue, bool) else None,
            signer=str(raw("signer")).strip(), batch=_batch_text(raw("batch")), row=r,
            basis="" if is_blank(raw("basis")) else str(raw("basis")).strip(),
        ))
    seen: dict[str, int] = {}
    for n in notices:
        if n.number in seen:
            problems.append(RowRef(sheet.name, n.row).problem(P.LOG_NUMBER_DUPLICATE, cols["number"],
                                                               number=n.number, first=seen[n.number]))
        seen.setdefault(n.number, n.row or 0)
    return notices, problems


def number_key(number: str) -> tuple:
    """Orders 黄督〔2026〕10号 after 黄督〔2026〕9号 (as the 发文登记簿 does), not as text."""
    return tuple(int(x) for x in re.findall(r"\d+", number)), number


def _id_text(value: object) -> str:
    """任务编号 normalised as task rows are (full/half width, spaces), so the two always match."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if is_blank(value) else normalize_text(value)


def _batch_text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if is_blank(value) else str(value).strip()


@lru_cache(maxsize=64)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """The regular expression of a 督办单编号 pattern (compiled once: asked for every status cell)."""
    parts = re.split(r"(\{年\}|\{号\})", pattern)
    out = []
    for p in parts:
        out.append({"{年}": r"(?P<year>\d{4})", "{号}": r"(?P<seq>\d+)"}.get(p, re.escape(p)))
    return re.compile("^" + "".join(out) + "$")


def is_notice_number(text: str, params: Params, logged: frozenset[str] = frozenset()) -> bool:
    """Whether `text` is a number the tool issued: one the log holds (`logged`), one the colour
    patterns of 参数设置 (or the defaults) produce, or one shaped like a document number
    (〔2026〕…号) — a pattern changed mid-year leaves numbers of its old form in the ledger."""
    if text in logged or _NUMBER_SHAPE.search(text):
        return True
    patterns = {params.number_pattern(c) for c in Color} | {DEFAULT_NUMBER_PATTERNS[c] for c in Color}
    return any(_pattern_regex(p).match(text) for p in patterns)


_NUMBER_SHAPE = re.compile(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）].*?\d+\s*号$")


DEFAULT_NUMBER_PATTERNS = {c: str(PARAM_DEFAULTS[f"{c}色编号"][0]) for c in Color}


def format_number(pattern: str, year: int, seq: int) -> str:
    return pattern.replace("{年}", str(year)).replace("{号}", str(seq))


class Numberer:
    """Hands out the next number per color per year, never reusing one already in the log."""

    def __init__(self, notices: list[Notice], params: Params, reserved: tuple[str, ...] = ()):
        self._params = params
        self._last: dict[tuple[str, int], int] = {}
        self._used = {n.number for n in notices} | set(reserved)
        for number in reserved:     # issued before a restore: later numbers follow them
            for color in Color:
                m = _pattern_regex(params.number_pattern(color)).match(number)
                if m and m.groupdict().get("year"):
                    key = (color, int(m["year"]))
                    self._last[key] = max(self._last.get(key, 0), int(m["seq"]))
        for n in notices:
            key = (n.color, n.issued.year)
            m = _pattern_regex(params.number_pattern(n.color)).match(n.number)
            seq = int(m["seq"]) if m else 0
            # a number in an older pattern still occupies a place in the year's sequence
            self._last[key] = max(self._last.get(key, 0) + (0 if m else 1), seq)

    def next(self, color: str, day: date) -> str:
        key = (color, day.year)
        seq = self._last.get(key, 0)
        while True:
            seq += 1
            number = format_number(self._params.number_pattern(color), day.year, seq)
            if number not in self._used:
                break
        self._last[key] = seq
        self._used.add(number)
        return number
