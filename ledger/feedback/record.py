"""反馈记录: the tool-owned, append-only record of every change a returned form made (SPEC §5).

It keeps what the ledger cell held before (so a replaced 进展情况 is never lost) and is the
memory of collection: which form already reported on which task (the same form collected twice
changes nothing; an older form does not overwrite a newer one). Like 督办记录 it is created
whole the first time and only appended to afterwards, each value under its header wherever the
clerk moved it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.dates import BadValue, is_blank, parse_date, normalize_text
from ..core.schema import FEEDBACK_HEADERS, FEEDBACK_SHEET
from ..reading.reader import Book, find_header
from ..xlsx.patch import CellWrite, SheetTable
from ..writeback import complete_header

HEADERS = tuple(h for h, _ in FEEDBACK_HEADERS)
DATE_COLUMNS = frozenset({0, 7})          # 时间, 反馈表日期
_ALIASES = {normalize_text(h): h for h in HEADERS}


@dataclass(frozen=True)
class Entry:
    """One row of 反馈记录 (a change applied)."""

    when: date
    file: str
    unit: str
    task_id: str
    field: str
    old: str
    new: str
    form_date: date | None
    filler: str = ""
    phone: str = ""
    form_id: str = ""

    def as_row(self) -> tuple:
        return (self.when, self.file, self.unit, self.task_id, self.field, self.old, self.new, self.form_date,
                self.filler, self.phone, self.form_id)


@dataclass(frozen=True)
class RecordLayout:
    sheet: str
    header_row: int | None
    columns: dict[str, int]
    last_row: int
    last_col: int


def read_record(book: Book) -> tuple[list[Entry], RecordLayout | None]:
    """The entries already recorded and where the sheet keeps things (None: no sheet yet).
    Rows the clerk typed into or damaged are skipped: the record only guards against repeats."""
    sheet = book.get(FEEDBACK_SHEET)
    if sheet is None:
        return [], None
    header = find_header(sheet, _ALIASES, [])
    last_row = next((r for r in range(sheet.max_row, 0, -1) if any(not is_blank(v) for v in sheet.cells[r - 1])), 0)
    last_col = max((c for row in sheet.cells[:last_row] for c, v in enumerate(row, start=1) if not is_blank(v)),
                   default=0)
    if header is None:
        return [], RecordLayout(sheet.name, None, {}, last_row, last_col)
    cols = dict(header.columns)
    entries = []
    for r in range(header.row + 1, last_row + 1):
        def text(name: str) -> str:
            v = sheet.value(r, cols[name]) if name in cols else ""
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return "" if is_blank(v) else str(v).strip()

        def day(name: str) -> date | None:
            v = sheet.value(r, cols[name]) if name in cols else ""
            try:
                return None if is_blank(v) else parse_date(v, date1904=book.date1904)
            except BadValue:
                return None

        if not text("任务编号"):
            continue
        entries.append(Entry(day("时间") or date.min, text("文件"), text("单位"), text("任务编号"), text("字段"),
                             text("原值"), text("新值"), day("反馈表日期"), text("填报人"), text("联系电话"),
                             text("反馈表编号")))
    return entries, RecordLayout(sheet.name, header.row, cols, last_row, last_col)


def record_table(entries: list[Entry]) -> SheetTable:
    return SheetTable(headers=HEADERS, rows=tuple(e.as_row() for e in entries),
                      widths=tuple(w for _, w in FEEDBACK_HEADERS), date_columns=DATE_COLUMNS)


def record_writes(entries: list[Entry], layout: RecordLayout) -> tuple[list[CellWrite], dict[int, float]]:
    """New entries appended below the last row of an existing 反馈记录 (header cells added for
    any standard column the sheet lacks, to the right of everything)."""
    header_row = layout.header_row or 1
    cols, writes, widths = complete_header(layout.columns, header_row, layout.last_col,
                                           [(name, name, width) for name, width in FEEDBACK_HEADERS])
    row = max(layout.last_row, header_row)
    for e in entries:
        row += 1
        for i, (name, value) in enumerate(zip(HEADERS, e.as_row())):
            if value is not None and value != "":
                style = "date" if i in DATE_COLUMNS else ("quote" if isinstance(value, str) and value[:1] in "=+-@"
                                                          else None)
                writes.append(CellWrite(row, cols[name], value, style))
    return writes, widths
