"""Formula cells of a sheet, as the file stores them: the formula text and its cached result.

python-calamine reads a formula cell as its cached value and gives '' both when the program that
saved the file stored no result (openpyxl, some converters and web editors) and when the result is
an error (#DIV/0!, #N/A). A rule that reads '' there sees "办结日期 empty" and issues a notice for a
finished task, or "办理时限 empty" and silently uses the default. So the reader asks this module
which cells of the fields it uses are formulas, and turns a formula without a usable result into a
row error that names the cell (SPEC §7: never a silent guess).

The scan reads the sheet part once with a regular expression over its ``<c>`` elements and only when
the part contains ``<f`` at all; a ledger without formulas pays one substring search.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from ..xlsx.cells import column_index

# <c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>, with an optional namespace prefix
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR = re.compile(rb'\b(r|t)="([^"]*)"')
_F = re.compile(rb"<(?:\w+:)?f(\s[^>]*?)?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_SI = re.compile(rb'\bsi="(\d+)"')
_V = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_REF = re.compile(r"^([A-Z]+)(\d+)$")

# Functions whose result changes by itself from one day (or recalculation) to the next.
VOLATILE = re.compile(r"\b(TODAY|NOW|RAND|RANDBETWEEN|OFFSET|INDIRECT)\s*\(", re.I)


@dataclass(frozen=True)
class FormulaCell:
    formula: str            # as typed, without the leading '=' (shared formulas: the master's text)
    cached: str | None      # the stored result as text, None when the file holds none
    cell_type: str          # the cell's t attribute: '' (number), 'str', 'b', 'e' (error) …

    @property
    def error(self) -> str | None:
        """The error value (#DIV/0!, #N/A …) when the cached result is one."""
        return self.cached if self.cell_type == "e" else None

    @property
    def is_text(self) -> bool:
        return self.cell_type in ("str", "s", "inlineStr")

    @property
    def volatile(self) -> bool:
        return bool(VOLATILE.search(self.formula))


def scan(data: bytes) -> dict[tuple[int, int], FormulaCell]:
    """(row, column) → FormulaCell for every formula cell in a worksheet part (1-based)."""
    if b"<f" not in data and b":f" not in data:
        return {}
    found: dict[tuple[int, int], FormulaCell] = {}
    shared: dict[bytes, str] = {}
    for m in _CELL.finditer(data):
        body = m.group(2)
        if not body or b"f" not in body:
            continue
        f = _F.search(body)
        if f is None:
            continue
        attrs = dict(_ATTR.findall(m.group(1)))
        ref = _REF.match(attrs.get(b"r", b"").decode("ascii", "replace"))
        if ref is None:
            continue
        text = unescape((f.group(2) or b"").decode("utf-8", "replace"))
        si = _SI.search(f.group(1) or b"")
        if si is not None:
            if text:
                shared[si.group(1)] = text
            else:
                text = shared.get(si.group(1), "")
        v = _V.search(body)
        cached = unescape(v.group(1).decode("utf-8", "replace")) if v else None
        found[(int(ref.group(2)), column_index(ref.group(1)))] = FormulaCell(
            text, cached, attrs.get(b"t", b"").decode("ascii", "replace"))
    return found


def formula_cells(path: Path, part: str) -> dict[tuple[int, int], FormulaCell]:
    """The formula cells of the worksheet stored at `part` in the workbook at `path`."""
    with zipfile.ZipFile(path) as zf:
        try:
            data = zf.read(part)
        except KeyError:
            return {}
    return scan(data)
