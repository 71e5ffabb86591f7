"""节假日: the clerk's additions to the official calendar (SPEC §2.6).

Each row is 日期 / 类型 (休 = day off, 班 = make-up working day) / 名称. The rows override the
built-in schedule and make their years count as covered (a new year's schedule, once published).
"""

from __future__ import annotations

from datetime import date

from ..core.dates import BadValue, is_blank, normalize_text, parse_date
from ..core.errors import Location, Problem, column_letter, quote
from .reader import Book, find_header
from ..core.schema import HOLIDAY_HEADERS, HOLIDAY_SHEET, normalize_header

_KIND = {"休": False, "放假": False, "假": False, "休息": False,
         "班": True, "上班": True, "调休上班": True, "补班": True}


def read_holidays(book: Book) -> tuple[dict[date, tuple[bool, str]], list[Problem]]:
    sheet = book.get(HOLIDAY_SHEET)
    problems: list[Problem] = []
    overrides: dict[date, tuple[bool, str]] = {}
    if sheet is None:
        return overrides, problems
    aliases = {normalize_header(h): k for h, k in zip(HOLIDAY_HEADERS, ("date", "kind", "name"))}
    header = find_header(sheet, aliases, problems, min_matches=2)
    if header is None or not {"date", "kind"} <= header.columns.keys():
        problems.append(Problem(Location(sheet.name, 1), "找不到“日期”“类型”表头",
                                "请在前10行内设置表头：日期、类型、名称"))
        return overrides, problems
    dcol, kcol = header.columns["date"], header.columns["kind"]
    ncol = header.columns.get("name")
    rows: dict[date, int] = {}
    for r in range(header.row + 1, sheet.max_row + 1):
        raw_date, raw_kind = sheet.value(r, dcol), sheet.value(r, kcol)
        if is_blank(raw_date) and is_blank(raw_kind):
            continue
        try:
            day = parse_date(raw_date, date1904=book.date1904)
        except BadValue as exc:
            problems.append(Problem(Location(sheet.name, r, column_letter(dcol)), exc.message, exc.hint))
            continue
        kind = _KIND.get(normalize_text(raw_kind))
        if kind is None:
            problems.append(Problem(Location(sheet.name, r, column_letter(kcol)),
                                    f"类型{quote(raw_kind)}无法识别", "请填写“休”（放假）或“班”（调休上班）"))
            continue
        if day in rows:
            problems.append(Problem(Location(sheet.name, r, column_letter(dcol)),
                                    f"日期{day.isoformat()}重复（第{rows[day]}行已填写）", "请只保留一行"))
            continue
        rows[day] = r
        name = "" if ncol is None or is_blank(sheet.value(r, ncol)) else str(sheet.value(r, ncol)).strip()
        overrides[day] = (kind, name)
    return overrides, problems
