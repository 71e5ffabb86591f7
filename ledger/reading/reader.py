"""Reading the clerk's workbook with python-calamine (fast, and real dates for Chinese formats).

The reader knows nothing of the rules: it returns each sheet as a grid of raw cell values with
physical (Excel) row numbers, finds the header row the way a clerk lays a sheet out (title rows and
merged banners above it), and maps recognised headers to field keys.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.dates import normalize_text
from ..core import problems as P
from ..core.errors import Kind, LedgerError, Problem, RowRef, column_letter
from .formulas import FormulaCell, formula_cells

HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 3


@dataclass(frozen=True)
class Sheet:
    """One worksheet as values: ``cells[r][c]`` is row r+1, column c+1 ('' when empty)."""

    name: str
    cells: list[list[object]]
    merged: tuple[tuple[int, int, int, int], ...] = ()   # 1-based (min_row, min_col, max_row, max_col)

    @property
    def max_row(self) -> int:
        return len(self.cells)

    @property
    def max_col(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def value(self, row: int, col: int) -> object:
        """1-based access; '' outside the used area."""
        if 1 <= row <= len(self.cells):
            r = self.cells[row - 1]
            if 1 <= col <= len(r):
                return r[col - 1]
        return ""


class Book:
    """The workbook's worksheets, each read on first use (a clerk's other sheets may be large
    and the run needs only its own five)."""

    def __init__(self, path: Path, names: tuple[str, ...], loader, date1904: bool = False):
        self.path = path
        self.names = names
        self.date1904 = date1904
        self._loader = loader
        self._cache: dict[str, Sheet] = {}
        self._parts: dict[str, str] | None = None
        self._names: list[tuple[str, str | None, str]] | None = None

    @property
    def sheets(self) -> dict[str, None]:
        """Sheet names in workbook order (values are not loaded)."""
        return dict.fromkeys(self.names)

    def get(self, name: str) -> Sheet | None:
        """Sheet by name, tolerating stray spaces and full-width characters in the tab name."""
        if name not in self.names:
            wanted = normalize_text(name)
            name = next((n for n in self.names if normalize_text(n) == wanted), None)  # type: ignore[assignment]
            if name is None:
                return None
        if name not in self._cache:
            self._cache[name] = self._loader(name)
        return self._cache[name]

    def defined_names(self) -> list[tuple[str, str | None, str]]:
        """(name, sheet scope or None, reference) of every defined name; [] when unreadable."""
        if self._names is None:
            from ..xlsx.patch import PatchError, defined_names
            try:
                self._names = [(d.name, d.sheet, d.ref) for d in defined_names(self.path)]
            except (PatchError, *ZIP_DAMAGE):
                self._names = []
        return self._names

    def formulas(self, name: str) -> dict[tuple[int, int], FormulaCell]:
        """The formula cells of sheet `name` with their cached results (see `formulas`)."""
        if self._parts is None:
            from ..xlsx.patch import PatchError, sheet_part_paths
            try:
                self._parts = sheet_part_paths(self.path)
            except (PatchError, *ZIP_DAMAGE):
                self._parts = {}
        part = self._parts.get(name)
        try:
            return formula_cells(self.path, part) if part else {}
        except ZIP_DAMAGE:
            return {}


def check_format(path: Path) -> None:
    """Refuse what is not an .xlsx/.xlsm workbook, with a message that says what to do."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise P.FILE_NOT_FOUND.error(path=path)
    if suffix in (".xls", ".et"):
        raise P.FILE_OLD_FORMAT.error(name=path.name, suffix=suffix)
    if suffix not in (".xlsx", ".xlsm"):
        raise P.FILE_NOT_XLSX.error(name=path.name)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise P.FILE_ENCRYPTED.error(name=path.name)
    if not zipfile.is_zipfile(path):
        raise P.FILE_NOT_ZIP.error(name=path.name)
    check_sizes(path)


# What zipfile/zlib raise for damaged archives (a flipped "version needed" field raises
# NotImplementedError, a corrupt deflate stream zlib.error).
ZIP_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, zlib.error,
              ValueError, UnicodeDecodeError)

MAX_PART_BYTES = 512 * 1024 * 1024      # a 50,000-task sheet unpacks to well under 100 MB
MAX_TOTAL_BYTES = 1024 * 1024 * 1024


def check_sizes(path: Path) -> None:
    """Refuse a zip bomb before any part is decompressed (sizes come from the zip directory)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except ZIP_DAMAGE as exc:
        raise P.FILE_DAMAGED.error(name=path.name) from exc
    if "[Content_Types].xml" not in {i.filename for i in infos}:
        raise P.FILE_ZIP_NOT_WORKBOOK.error(name=path.name)
    big = max(infos, key=lambda i: i.file_size, default=None)
    total = sum(i.file_size for i in infos)
    if big is not None and (big.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES):
        raise P.FILE_TOO_BIG.error(name=path.name, part=big.filename, mb=f"{big.file_size / 1024 / 1024:,.0f}")


def read_book(path: Path) -> Book:
    """The workbook, its sheets read lazily. Raises LedgerError when unreadable."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    check_format(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = tuple(m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet)
    except Exception as exc:  # calamine raises several types for corrupt parts
        raise _unreadable(path, exc) from exc

    def load(name: str) -> Sheet:
        try:
            sh = wb.get_sheet_by_name(name)
            cells = sh.to_python(skip_empty_area=False)
            merged = tuple(
                (r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in (sh.merged_cell_ranges or [])
            )
        except Exception as exc:
            raise _unreadable(path, exc, name) from exc
        return Sheet(name, cells, merged)

    return Book(path, names, load, _is_date1904(path))


def _unreadable(path: Path, exc: Exception, sheet: str | None = None) -> LedgerError:
    where = f"的工作表“{sheet}”" if sheet else ""
    # the library's own words (e.g. “styleSheet”, “invalid zip”) mean nothing to a clerk
    return P.FILE_UNREADABLE.error(name=path.name, where=where)


def _is_date1904(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            head = zf.read("xl/workbook.xml")[:4000]
    except (KeyError, *ZIP_DAMAGE):
        return False  # calamine reports a damaged workbook.xml in words the clerk can act on
    return b'date1904="1"' in head or b"date1904=\"true\"" in head


@dataclass(frozen=True)
class HeaderMap:
    """Where each recognised field sits: header row and field key → 1-based column.

    With a two-row grouped header (``办理情况`` merged over ``办结日期 | 进展情况``) `row` is the
    lower row, the one that names the fields; `top` is the upper one."""

    row: int
    columns: dict[str, int]
    names: dict[int, str]          # column → header text as typed (for messages)
    texts: dict[int, str] = field(default_factory=dict)   # column → every non-empty header text
    top: int = 0                   # first header row (== row unless the header has two rows)


def header_texts(sheet: Sheet, r: int, aliases: dict[str, str]) -> tuple[dict[int, str], int]:
    """The header texts of row r by column, and the last header row.

    A cell merged across several columns in row r whose columns hold recognised headers in row
    r+1 is a group title: those columns are named by row r+1, and the title itself names nothing
    (``办理情况`` over ``办结日期 | 进展情况`` is not the 办理进展 column)."""
    def texts(row: int) -> dict[int, str]:
        return {c + 1: str(v).strip() for c, v in enumerate(sheet.cells[row - 1]) if not _blank(v)} \
            if row <= sheet.max_row else {}

    upper = texts(r)
    groups = [(c0, c1) for r0, c0, r1, c1 in sheet.merged if r0 == r == r1 and c1 > c0]
    if not groups:
        return upper, r
    lower = texts(r + 1)
    grouped = {c for c0, c1 in groups for c in range(c0, c1 + 1)}
    if not (any(normalize_text(t) in aliases for c, t in lower.items() if c in grouped)
            and any(normalize_text(t) in aliases for c, t in upper.items() if c not in grouped)):
        return upper, r     # no group titles over field names (a banner above the header is not one)
    # other columns are named by the upper row (merged down over both), or by the lower one where
    # only it has text (the tool's own columns are written into the lower row)
    names = {c: t for c, t in lower.items() if c in grouped or c not in upper}
    names.update({c: t for c, t in upper.items() if c not in grouped})
    return dict(sorted(names.items())), r + 1


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def settings_sheet(book: "Book", name: str, aliases: dict[str, str], required: set[str], no_header: "Kind",
                   problems: list[Problem], min_matches: int = 2) -> "tuple[Sheet, HeaderMap] | None":
    """One of the tool's own sheets (参数设置, 单位名录, 节假日) and its header: None when the sheet is
    absent, or when its header (with the `required` columns) is not found — then `no_header` is said."""
    sheet = book.get(name)
    if sheet is None:
        return None
    header = find_header(sheet, aliases, problems, min_matches)
    if header is None or not required <= header.columns.keys():
        problems.append(no_header.at(RowRef(sheet.name, 1).at()))
        return None
    return sheet, header


def find_header(
    sheet: Sheet, aliases: dict[str, str], problems: list[Problem], min_matches: int = MIN_HEADER_MATCHES
) -> HeaderMap | None:
    """The first row in the first 10 holding at least `min_matches` recognised headers.

    `aliases` maps a normalised header text to its field key. A field named twice is reported.
    """
    for r in range(1, min(HEADER_SEARCH_ROWS, sheet.max_row) + 1):
        texts, last = header_texts(sheet, r, aliases)
        hits = [(c, aliases[normalize_text(v)]) for c, v in texts.items() if normalize_text(v) in aliases]
        if len({key for _, key in hits}) < min_matches:
            continue
        columns: dict[str, int] = {}
        names: dict[int, str] = {}
        for col, key in hits:
            names[col] = texts[col]
            if key in columns:
                first = columns[key]
                problems.append(RowRef(sheet.name, last).problem(P.HEADER_DUPLICATE, col, name=names[col],
                                                                 other_column=column_letter(first), other=names[first]))
                continue
            columns[key] = col
        return HeaderMap(last, columns, names, texts, r)
    return None
