"""Reading a returned 反馈表, whatever it is called and whichever program saved it last.

Returned files are the units' files, not the clerk's ledger, so openpyxl may read them (formulas
as their text: a unit's ``=HYPERLINK(…)`` is data, never evaluated). A file is recognised by its
identity (`identity`), not by its name; the table is found by its header texts, so a unit that
widened or moved a column does not break it. Anything that is not a readable form becomes a
problem naming the file, never an exception.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core.dates import normalize_text, cell_text
from ..core import problems as P
from ..core.errors import Location, Problem, column_letter
from .forms import COLUMNS, EDITABLE, FORM_SHEET
from .identity import ID_SHEET, LOCKED, FormIdentity, read_identity

SUFFIXES = (".xlsx", ".xlsm")
OLD_SUFFIXES = (".xls", ".et", ".ett", ".xlt")
MAX_UNPACKED = 20 * 1024 * 1024         # a form of 220 tasks unpacks to 0.37 MB
MAX_BLANK_RUN = 200


@dataclass(frozen=True)
class ReturnedRow:
    row: int                            # physical row in the form
    task_id: str
    values: dict[str, object]           # editable header → the cell's value (formulas as text)
    locked: dict[str, str]              # locked header → the cell's text as returned
    letters: dict[str, str]             # header → column letter (for messages)


@dataclass(frozen=True)
class ReturnedForm:
    path: Path
    identity: FormIdentity
    rows: tuple[ReturnedRow, ...]

    @property
    def name(self) -> str:
        return self.path.name


def find_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The files named, and the workbook-like files inside the folders named (recursively),
    skipping the lock files Office leaves beside an open workbook."""
    found: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES + OLD_SUFFIXES
                            and not f.name.startswith(("~$", ".~lock", ".")))
        elif p.exists():
            found.append(p)
        else:
            problems.append(P.FORM_FILE_MISSING.at(Location(p.name)))
    return list(dict.fromkeys(found)), problems


def read_form(path: Path) -> tuple[ReturnedForm | None, Problem | None]:
    """The returned form, or the problem that makes the file unusable (a refusal of the file)."""
    refuse = _check_file(path)
    if refuse:
        return None, refuse
    import openpyxl

    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged parts
        return None, P.FORM_UNOPENABLE.at(Location(path.name), reason=type(exc).__name__)
    ident, why = read_identity(wb)
    if ident is None:
        return None, (P.FORM_IDENTITY_TAMPERED.at(Location(path.name), reason=why) if why
                      else P.FORM_NOT_OURS.at(Location(path.name)))
    ws = wb[FORM_SHEET] if FORM_SHEET in wb.sheetnames else next(
        (s for s in wb.worksheets if s.title != ID_SHEET), None)
    header = _header(ws) if ws is not None else None
    if header is None:
        return None, P.FORM_NO_HEADER.at(Location(path.name))
    head_row, cols = header
    rows = []
    blank = 0
    for r in range(head_row + 1, ws.max_row + 1):
        raw = {name: ws.cell(r, c).value for name, c in cols.items()}
        task_id = cell_text(raw.get("任务编号"))
        if not task_id and all(cell_text(raw.get(h)) == "" for h in EDITABLE if h in raw):
            blank += 1
            if blank > MAX_BLANK_RUN:     # a sheet "used" down to row 1,048,576 by formatting
                break
            continue
        blank = 0
        rows.append(ReturnedRow(
            r, task_id, {h: _value(raw.get(h)) for h in EDITABLE if h in cols},
            {h: cell_text(raw.get(h)) for h in LOCKED if h in cols},
            {h: column_letter(c) for h, c in cols.items()}))
    return ReturnedForm(path, ident, tuple(rows)), None


def _value(value: object) -> object:
    """A cell value as the unit left it; formula objects (array formulas …) as their text."""
    if value is None or isinstance(value, (str, int, float)) or hasattr(value, "year"):
        return value
    return str(getattr(value, "text", value))


def _header(ws) -> tuple[int, dict[str, int]] | None:
    """(header row, header → column): the first row in 15 that names 任务编号 and 本次进展."""
    known = {normalize_text(h): h for h, _, _ in COLUMNS}
    for r in range(1, min(ws.max_row, 15) + 1):
        cols: dict[str, int] = {}
        for c in range(1, min(ws.max_column, 40) + 1):
            name = known.get(normalize_text(ws.cell(r, c).value))
            if name and name not in cols:
                cols[name] = c
        if "任务编号" in cols and "本次进展" in cols:
            return r, cols
    return None


def _check_file(path: Path) -> Problem | None:
    """Why the file cannot be read as a form at all (before it is opened); None when it can."""
    where = Location(path.name)
    suffix = path.suffix.lower()
    if suffix in OLD_SUFFIXES:
        return P.FORM_OLD_FORMAT.at(where, suffix=suffix)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return P.FORM_UNREADABLE.at(where, reason=exc.strerror or exc)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return P.FORM_ENCRYPTED.at(where)
    if suffix not in SUFFIXES:
        return P.FORM_NOT_XLSX.at(where)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return P.FORM_DAMAGED.at(where)
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        return P.FORM_TOO_BIG.at(where)
    return None
