"""单位名录: the unit directory, and resolving the unit names typed in tasks (SPEC §2.4).

Several units in one cell are separated by 、 ， , ； ; ／ / 和 及, spaces or line breaks, and clerks
mark roles inside the cell: ``县交通运输局（牵头）、县公安局`` or ``牵头：县发改局；配合：县财政局``.
A marked lead makes the unmarked names assisting units; the markers never stay in a name. 和/及
split only between two unit names (``县公安局和县交通运输局``), never inside one
(``县发展和改革局``). When the directory exists,
every name must resolve to it by name or alias; an unknown name is a row problem that suggests
the closest known names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from ..core.dates import is_blank, normalize_text
from ..core import problems as P
from ..core.errors import Problem, RowRef
from .reader import Book, settings_sheet
from ..core.schema import UNIT_HEADERS, UNIT_SHEET

SEPARATORS = re.compile(r"[、，,；;/／\s]+")
# 和/及 between a name ending like a unit and one starting like a unit
_AND = re.compile(r"(?<=[局委办院府会心所队站处室部镇乡道司厅组])[和及](?=[县市区省州镇乡])")
_LABEL = re.compile(r"(牵头单位|牵头|主办单位|主办|责任单位|配合单位|配合|协办单位|协办)\s*[:：]")
_MARK = re.compile(r"[（(]\s*(牵头|主办|配合|协办)\s*[)）]")
_ASSIST_WORDS = ("配合", "协办")
_UNIT_KEYS = ("name", "aliases", "category", "head", "phone")


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...] = ()
    category: str = ""
    head: str = ""          # 主要负责人
    phone: str = ""
    order: int = 0          # position in the directory (report ordering)


def split_units(text: object) -> list[str]:
    if is_blank(text):
        return []
    return [p for p in (normalize_text(x) for x in SEPARATORS.split(_AND.sub("、", str(text)))) if p]


def split_roles(text: object) -> tuple[list[str], list[str]]:
    """(lead, assisting) names of a unit cell, role markers stripped.

    ``牵头：A、B；配合：C`` — a label applies to the names after it up to the next label;
    ``A（牵头）、B（配合）`` — a marker applies to the name it follows. When any name is marked
    lead, unmarked names are assisting; otherwise unmarked names are lead."""
    if is_blank(text):
        return [], []
    lead, assist = _split_roles(str(text))
    return list(lead), list(assist)


@lru_cache(maxsize=4096)
def _split_roles(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """split_roles of a non-blank text, memoised: a ledger names the same units (and the same
    combinations of them) in row after row."""
    roles: list[tuple[str, str | None]] = []     # (name, "lead" | "assist" | None)
    label: str | None = None
    parts = _LABEL.split(text)
    for i, chunk in enumerate(parts):
        if i % 2 == 1:
            label = "assist" if chunk.startswith(_ASSIST_WORDS) else "lead"
            continue
        for piece in SEPARATORS.split(_AND.sub("、", chunk)):
            marks = _MARK.findall(piece)
            name = normalize_text(_MARK.sub("", piece))
            if not name:
                continue
            role = ("assist" if marks[-1] in _ASSIST_WORDS else "lead") if marks else label
            roles.append((name, role))
    marked_lead = any(r == "lead" for _, r in roles)
    lead = [n for n, r in roles if r == "lead" or (r is None and not marked_lead)]
    assist = [n for n, r in roles if r == "assist" or (r is None and marked_lead)]
    return tuple(dict.fromkeys(lead)), tuple(n for n in dict.fromkeys(assist) if n not in lead)


@dataclass(frozen=True)
class UnitDirectory:
    units: tuple[Unit, ...]
    lookup: dict[str, Unit]

    def resolve(self, name: str) -> Unit | None:
        return self.lookup.get(normalize_text(name))

    def closest(self, name: str, n: int = 3) -> list[str]:
        key = normalize_text(name)
        scored = difflib.get_close_matches(key, list(self.lookup), n=8, cutoff=0.3)
        # containment catches 发改委 vs 县发展和改革局's alias 发改局 less well than overlap does
        contains = [k for k in self.lookup if key and (key in k or k in key)]
        result: list[str] = []
        for k in contains + scored:
            canonical = self.lookup[k].name
            if canonical not in result:
                result.append(canonical)
        return result[:n]


def read_units(book: Book) -> tuple[UnitDirectory | None, list[Problem]]:
    problems: list[Problem] = []
    aliases: dict[str, str] = {}
    for key, (title, alts, _) in zip(_UNIT_KEYS, UNIT_HEADERS):
        for h in (title, *alts):
            aliases[normalize_text(h)] = key
    found = settings_sheet(book, UNIT_SHEET, aliases, {"name"}, P.UNIT_NO_HEADER, problems, min_matches=1)
    if found is None:
        return None, problems
    sheet, header = found
    cols = header.columns
    units: list[Unit] = []
    lookup: dict[str, Unit] = {}
    owner_row: dict[str, int] = {}

    def text(r: int, key: str) -> str:
        if key not in cols:
            return ""
        v = sheet.value(r, cols[key])
        if isinstance(v, float) and v.is_integer():
            v = int(v)  # a phone typed as a number
        return "" if is_blank(v) else str(v).strip()

    for r in range(header.row + 1, sheet.max_row + 1):
        raw = sheet.value(r, cols["name"])
        # the name as the directory spells it — printed on notices and in the 通报, so full-width
        # （） stay full-width; only spaces go. Lookups match it (and its aliases) normalised.
        name = "" if is_blank(raw) else "".join(str(raw).split())
        if not name:
            continue
        unit = Unit(name, tuple(split_units(text(r, "aliases"))), text(r, "category"),
                    text(r, "head"), text(r, "phone"), len(units))
        units.append(unit)
        for key in (normalize_text(name), *unit.aliases):
            if key in lookup and lookup[key].name != name:
                col = cols["name"] if key == normalize_text(name) else cols.get("aliases", cols["name"])
                problems.append(RowRef(sheet.name, r).problem(P.UNIT_NAME_CONFLICT, col, key=key, first=lookup[key].name,
                                                              first_row=owner_row[key], name=name))
                continue
            lookup[key] = unit
            owner_row[key] = r
    return UnitDirectory(tuple(units), lookup), problems
