"""Tool-owned sheets (督办记录): generated whole, replaced in place or appended as the last sheet.

The tool owns these sheets outright, so unlike the task sheet they are not patched: each run
writes a clean worksheet (frozen generated header row, column widths, dates in the date
format). An existing one keeps its part and sheetId — its relationships part is dropped, since
the fresh sheet has no drawings or comments — and its calcChain entries are dropped by the
caller. A new one gets a fresh ``sheetN.xml`` part, a relationship in workbook.xml.rels, a
``<sheet>`` entry in workbook.xml and a content-type override.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from .cells import column_letter
from .package import _Package
from .styles import CellRenderer
from .types import PatchError, SheetTable
from .workbook import _ContentTypes, _rels_part, _Workbook
from .xml import _STANDARD_DECL, MAIN_NS, REL_NS, WORKSHEET_CT


def _write_owned_sheets(pkg: _Package, wb: _Workbook, ct: _ContentTypes,
                        owned: Mapping[str, SheetTable], renderer: CellRenderer) -> set[str]:
    """(Re)write each owned sheet; the sheetIds of the existing sheets that were replaced."""
    calc_sheets: set[str] = set()
    rel_type = wb.worksheet_rel_type()
    for name, table in owned.items():
        xml = _owned_sheet_xml(table, renderer, wb.ns or MAIN_NS)
        existing = wb.find(name)
        if existing is not None:
            if not existing.part or not existing.rel_type.endswith("/worksheet"):
                raise PatchError(f"工作簿中的“{existing.name}”不是普通工作表，工具无法改写它")
            pkg.set(existing.part, xml)
            pkg.remove(_rels_part(existing.part))
            calc_sheets.add(existing.sheet_id)
        else:
            part = _new_sheet_part(pkg, wb)
            pkg.set(part, xml)
            rid = wb.add_relationship(rel_type, part)
            wb.append_sheet(name, rid, rel_type, part)
            ct.add_override(part, WORKSHEET_CT)
    return calc_sheets


def _owned_sheet_xml(table: SheetTable, cells: CellRenderer, ns: str) -> bytes:
    """A clean worksheet: generated header row (frozen), widths, dates in the date format."""
    ncols = max([len(table.headers), *(len(r) for r in table.rows)], default=0)
    letters = [column_letter(i) for i in range(1, max(ncols, 1) + 1)]
    last = f"{letters[-1]}{1 + len(table.rows)}"
    out = [f'<worksheet xmlns="{ns}" xmlns:r="{REL_NS}">',
           f'<dimension ref="{"A1" if last == "A1" else "A1:" + last}"/>',
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
           'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
           'sqref="A2"/></sheetView></sheetViews>']
    if table.widths:
        out.append("<cols>")
        for i, w in enumerate(table.widths, start=1):
            out.append(f'<col min="{i}" max="{i}" width="{float(w):.10g}" customWidth="1"/>')
        out.append("</cols>")
    out.append('<sheetData><row r="1">')
    for i, h in enumerate(table.headers):
        out.append(cells.cell(f"{letters[i]}1", h, "header"))
    out.append("</row>")
    for n, row in enumerate(table.rows, start=2):
        out.append(f'<row r="{n}">')
        for i, v in enumerate(row):
            if v is None or v == "":
                continue
            out.append(cells.cell(f"{letters[i]}{n}", v, "date" if i in table.date_columns else None))
        out.append("</row>")
    out.append('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
               'header="0.3" footer="0.3"/></worksheet>')
    return _STANDARD_DECL + b"\r\n" + "".join(out).encode("utf-8")


_BAD_SHEET_CHARS = set('[]:*?/\\')


def _check_sheet_name(name: str) -> None:
    """Refuse a name Excel would reject (31 chars, no []:*?/\\, no edge quote, not History)."""
    if not name or len(name) > 31 or _BAD_SHEET_CHARS & set(name) or name.startswith("'") \
            or name.endswith("'") or name.casefold() == "history":
        raise ValueError(f"invalid sheet name {name!r}")


def _new_sheet_part(pkg: _Package, wb: _Workbook) -> str:
    """A free ``worksheets/sheetN.xml`` name (N above every sheetN in use, rels parts included)."""
    folder = posixpath.join(wb.dir, "worksheets")
    nums = [int(m.group(1)) for name in list(pkg.names) + list(pkg.added)
            if (m := re.search(r"sheet(\d+)\.xml(\.rels)?$", name, re.I))]
    n = max(nums, default=0) + 1
    while pkg.actual(f"{folder}/sheet{n}.xml") or pkg.actual(_rels_part(f"{folder}/sheet{n}.xml")):
        n += 1
    return f"{folder}/sheet{n}.xml"
