"""`ledger holidays`: where each year's calendar comes from, and the new year's schedule in one step.

When the State Council publishes a year's 放假安排 (usually in November), the clerk saves or
copies the notice and runs ``ledger holidays 台账.xlsx --import 通知.txt``. The text is parsed and
checked (:mod:`ledger.reading.holiday_notice`); nothing is written when it fails. The days then go
into the workbook's ``节假日`` sheet (created when missing) through the same lossless patcher,
lock, backup and atomic replace as the weekly run, each row with the notice as its 依据, which is
what makes the year count as published rather than estimated (:mod:`ledger.reading.holiday_sheet`).
Rows already there are kept; a day the notice settles differently is corrected in place. A second
import of the same notice writes nothing.

The report says how many tasks' 应办结日期 the schedule moved — the next weekly run recomputes
them and flags notices that had been issued on an estimated deadline that moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .core.calendar import BUILTIN_YEARS, WorkCalendar
from .core import problems as P
from .core.schema import HOLIDAY_HEADERS, HOLIDAY_SHEET
from .reading.holiday_notice import HolidayNotice, NoticeError, parse_notices
from .reading.holiday_sheet import HolidayRows, holiday_aliases, published_years, read_holidays
from .reading.reader import find_header, read_book

_WIDTHS = (14, 8, 20, 30)
_KIND_TEXT = {False: "休", True: "班"}


# ---------------------------------------------------------------------------------------------
# The notice as the clerk has it


def notice_text(data: bytes, name: str = "") -> str:
    """A saved page (.html/.htm) or plain text, in UTF-8 or GB18030 (older government pages)."""
    head = data[:4096].lower()
    if name.lower().endswith((".html", ".htm")) or b"<html" in head or b"<body" in head or b"<p" in head:
        from lxml import html

        # lxml honours a <meta charset>; without one it would guess Latin-1, so decode first
        source = data if re.search(rb"charset\s*=", head) else _decode(data, name)
        if isinstance(source, str):
            source = re.sub(r"^\s*<\?xml[^>]*>", "", source)
        try:
            doc = html.document_fromstring(source)
        except Exception:  # lxml raises ParserError (a ValueError) and others on pages it cannot read
            raise P.HOLIDAY_NOT_HTML.error(name=name or "输入") from None
        for bad in doc.xpath("//script|//style"):
            bad.drop_tree()
        for block in doc.xpath("//p|//br|//div|//h1|//h2|//h3|//li|//tr"):
            block.tail = "\n" + (block.tail or "")
        return doc.text_content()
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise P.HOLIDAY_ENCODING.error(name=name or "输入")


def read_notice_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise P.HOLIDAY_NOTICE_MISSING.error(path=path) from None
    except OSError as exc:
        raise P.HOLIDAY_NOTICE_UNREADABLE.error(path=path, reason=exc.strerror) from None
    return notice_text(data, path.name)


def parse(texts: list[str]) -> HolidayNotice:
    """The notice(s), or a LedgerError quoting the sentence that could not be read."""
    try:
        return parse_notices(texts)
    except NoticeError as exc:
        raise P.HOLIDAY_NOTICE_INVALID.error(reason=exc.message) from None


# ---------------------------------------------------------------------------------------------
# Where each year comes from


@dataclass(frozen=True)
class YearSource:
    year: int
    kind: str                # 内置 / 节假日表 / 推算
    source: str              # 文号 or 依据; "" when estimated
    sheet_days: int          # rows of the 节假日 sheet in this year

    def text(self) -> str:
        extra = f"；节假日表另有 {self.sheet_days} 天补充或更正" if self.sheet_days and self.kind != "节假日表" else ""
        if self.kind == "内置":
            return f"{self.year}年  内置  {self.source}{extra}"
        if self.kind == "节假日表":
            return f"{self.year}年  节假日表  {self.source}（{self.sheet_days} 天）"
        return (f"{self.year}年  推算  放假安排尚未公布，按法定假日推算（不含调休）{extra}；"
                f"公布后请运行 ledger holidays 台账.xlsx --import 通知.txt")


def year_sources(rows: HolidayRows, today: date) -> list[YearSource]:
    cal = WorkCalendar(rows.days, rows.published)
    first_estimated = BUILTIN_YEARS[-1] + 1
    while first_estimated in rows.published:
        first_estimated += 1
    last = max([first_estimated, today.year + 1, *(d.year for d in rows.days)])
    out = []
    for year in range(BUILTIN_YEARS[0], last + 1):
        kind, source = cal.source(year)
        out.append(YearSource(year, kind, source, sum(1 for d in rows.days if d.year == year)))
    return out


def list_sources(path: Path, today: date) -> str:
    """`ledger holidays 台账.xlsx`: one line per year."""
    book = read_book(path)
    rows, problems = read_holidays(book)
    lines = [f"“{path.name}”的工作日历（{BUILTIN_YEARS[0]}年起）："]
    lines += [f"  {s.text()}" for s in year_sources(rows, today)]
    if problems:
        lines.append("“节假日”表中有需要更正的内容：")
        lines += [f"  {p.text()}" for p in problems]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class ImportReport:
    notice: HolidayNotice
    added: int                                   # rows appended
    corrected: tuple[date, ...]                  # existing rows whose 类型 the notice changed
    changed: tuple[tuple[str, date | None, date | None], ...]   # (task id, D before, D after)
    backup: Path | None
    published: bool                              # the year now counts as published

    @property
    def written(self) -> bool:
        return self.backup is not None


def import_notice(path: Path, texts: list[str], today: date) -> ImportReport:
    """Parse the notice(s) and write their days into the 节假日 sheet. Raises LedgerError (the
    workbook untouched) when the text cannot be read or the workbook cannot be written."""
    from .pipeline import load
    from .rules.deadline import compute_deadline
    from .workbook_io import RunLock

    notice = parse(texts)
    with RunLock(path):
        loaded = load(path, today)
        rows, _ = read_holidays(loaded.book)
        writes, widths, owned, added, corrected = _sheet_changes(loaded.book, rows, notice)
        days = dict(rows.days)
        days.update(notice.days())
        basis = dict(rows.basis)
        basis.update((d, notice.source) for d in notice.days())
        published = published_years(days, basis)
        after = WorkCalendar(days, published)
        changed = []
        for task in loaded.tasks.tasks:
            old = compute_deadline(task, loaded.calendar, loaded.params, loaded.book.date1904).due
            new = compute_deadline(task, after, loaded.params, loaded.book.date1904).due
            if old != new:
                changed.append((task.id, old, new))
        saved = None
        if writes or owned:
            saved = _write(path, loaded, writes, widths, owned)
    return ImportReport(notice, added, tuple(corrected), tuple(changed), saved,
                        notice.year in published or notice.year in BUILTIN_YEARS)


def _sheet_changes(book, rows: HolidayRows, notice: HolidayNotice):
    """The cell writes that put the notice's days into the 节假日 sheet (or the sheet to create)."""
    from .xlsx.patch import CellWrite, SheetTable

    days = notice.days()
    sheet = book.get(HOLIDAY_SHEET)
    if sheet is None:
        table = SheetTable(
            headers=HOLIDAY_HEADERS,
            rows=tuple((d, _KIND_TEXT[w], name, notice.source) for d, (w, name) in sorted(days.items())),
            widths=_WIDTHS, date_columns=frozenset({0}))
        return [], {}, {HOLIDAY_SHEET: table}, len(days), []
    header = find_header(sheet, holiday_aliases(), [], min_matches=2)
    writes: list[CellWrite] = []
    widths: dict[int, float] = {}
    if header is None:
        if any(v not in (None, "") for row in sheet.cells for v in row):
            raise P.HOLIDAY_SHEET_NO_HEADER.error()
        cols, header_row = {"date": 1, "kind": 2, "name": 3, "basis": 4}, 1
        writes += [CellWrite(1, c, h, "header") for c, h in enumerate(HOLIDAY_HEADERS, start=1)]
        widths.update(enumerate(_WIDTHS, start=1))
    else:
        cols, header_row = dict(header.columns), header.row
        if "date" not in cols or "kind" not in cols:
            raise P.HOLIDAY_SHEET_MISSING_HEADER.error()
        right = max(sheet.max_col, *cols.values())
        for key, title, width in (("name", "名称", 20), ("basis", "依据", 30)):
            if key not in cols:
                right += 1
                cols[key] = right
                writes.append(CellWrite(header_row, right, title, "header"))
                widths[right] = width
    last = max([header_row, *(r for r in range(1, sheet.max_row + 1)
                              if any(v not in (None, "") for v in sheet.cells[r - 1]))])
    added = 0
    corrected = []
    for d, (working, name) in sorted(days.items()):
        r = rows.rows.get(d)
        if r is None:
            last += 1
            added += 1
            writes += [CellWrite(last, cols["date"], d, "date"), CellWrite(last, cols["kind"], _KIND_TEXT[working]),
                       CellWrite(last, cols["name"], name), CellWrite(last, cols["basis"], notice.source)]
            continue
        if rows.days[d][0] != working:
            corrected.append(d)
            writes += [CellWrite(r, cols["kind"], _KIND_TEXT[working]), CellWrite(r, cols["name"], name)]
        if rows.basis.get(d) != notice.source:
            writes.append(CellWrite(r, cols["basis"], notice.source))
    return writes, widths, {}, added, corrected


def _write(path: Path, loaded, writes, widths, owned) -> Path:
    from .workbook_io import check_unchanged, ensure_writable, replace_with_patched
    from .xlsx.patch import patch_workbook

    ensure_writable(path)
    check_unchanged(path, loaded.fingerprint)
    sheet = loaded.tasks.sheets[0].name if owned else loaded.book.get(HOLIDAY_SHEET).name
    return replace_with_patched(
        path, loaded.fingerprint, int(loaded.params.int("备份份数")),
        lambda tmp: patch_workbook(path, tmp, sheet, writes, column_widths=widths, owned_sheets=owned),
        advice="请用 Excel/WPS 打开后“另存为”新文件再导入。")


# ---------------------------------------------------------------------------------------------
# What the clerk reads


def _ranges(days: tuple[date, ...]) -> str:
    parts: list[str] = []
    run: list[date] = []

    def flush() -> None:
        if run:
            a, b = run[0], run[-1]
            parts.append(f"{a.month}月{a.day}日" if a == b else
                         f"{a.month}月{a.day}日至{'' if a.month == b.month else f'{b.month}月'}{b.day}日")
    for d in sorted(days):
        if run and d == run[-1] + timedelta(days=1):
            run.append(d)
            continue
        flush()
        run = [d]
    flush()
    return "、".join(parts)


def notice_table(notice: HolidayNotice) -> list[str]:
    wd = "一二三四五六日"
    lines = [f"{notice.title}（{notice.source}）："]
    for a in notice.arrangements:
        work = "、".join(f"{d.month}月{d.day}日（周{wd[d.weekday()]}）" for d in a.workdays) or "无"
        lines.append(f"  {a.name}：放假 {_ranges(a.holidays)}（{len(a.holidays)}天）；调休上班 {work}")
    return lines


def report_text(path: Path, report: ImportReport) -> str:
    n = report.notice
    lines = notice_table(n)
    if not report.written:
        lines.append(f"“{path.name}”的“节假日”表已包含这份通知的全部日期，未作改动。")
    else:
        what = f"新增 {report.added} 行" + (f"，更正 {len(report.corrected)} 行（"
                                            + "、".join(d.isoformat() for d in report.corrected) + "）"
                                            if report.corrected else "")
        lines.append(f"已写入“{path.name}”的“节假日”表：{what}（写入前的备份：{report.backup}）。")
    if not report.published:
        lines.append(f"注意：导入后{n.year}年仍缺少法定假日，仍按推算处理，请核对通知全文。")
    if report.changed:
        lines.append(f"{len(report.changed)} 项任务的应办结日期随之改变（下次每周运行时更新）：")
        for task_id, old, new in report.changed[:30]:
            lines.append(f"  任务{task_id}  {old.isoformat() if old else '无'} → {new.isoformat() if new else '无'}")
        if len(report.changed) > 30:
            lines.append(f"  ……另有 {len(report.changed) - 30} 项")
    else:
        lines.append("没有任务的应办结日期因此改变。")
    return "\n".join(lines)
