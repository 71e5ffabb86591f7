"""督办台账 rows → `Task` records that remember where they came from (SPEC §2.1).

Parsing never raises for bad data: each row becomes a Task carrying its problems, so one bad
row never stops the others. Dates are parsed here; the 办理时限 text is kept raw for
`deadline`, which needs the calendar to understand it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Mapping

from ..core import stages
from ..core.dates import BadValue, cell_text, is_blank, normalize_text, parse_date
from ..core import problems as P
from ..core.errors import Kind, Location, Problem, RowRef, column_index, column_letter
from .formulas import FormulaCell
from .reader import Book, HeaderMap, Sheet, find_header
from ..core.schema import (AUTO_SUFFIX, GRADES, HOLIDAY_SHEET, LOG_SHEET, PARAM_SHEET, STATUS_MARKERS, STATUS_NAMES,
                           TASK_FIELDS, TASK_SHEET, UNIT_SHEET)
from .units import UnitDirectory, split_roles

_GRADE_ALIASES = {"急": "急件", "特急": "急件", "加急": "急件", "紧急": "急件", "特急件": "急件",
                  "要": "要件", "重要": "要件", "普": "普件", "普通": "普件", "一般": "普件", "平件": "普件"}
_REVIEW_ALIASES = {"合格": "合格", "通过": "合格", "已审核": "合格", "不合格": "不合格", "不通过": "不合格",
                   "退回": "不合格", "未通过": "不合格"}


@dataclass(frozen=True)
class Task:
    """One ledger row. `columns` maps field key → column letter for messages."""

    sheet: str
    row: int
    columns: Mapping[str, str]
    id: str = ""
    source: str = ""
    basis: str = ""
    content: str = ""
    lead: tuple[str, ...] = ()
    assist: tuple[str, ...] = ()
    leader: str = ""
    grade: str | None = None
    assigned: date | None = None
    limit: object = ""
    ext_to: date | None = None
    ext_by: str = ""
    ext_applied: date | None = None
    done: date | None = None
    review: str = ""
    reason: str = ""
    closed: date | None = None
    progress: str = ""
    problems: tuple[Problem, ...] = ()
    category: str = ""                  # 任务类别: the section heading above the row
    labels: Mapping[str, str] = field(default_factory=dict)  # standard header → the clerk's, where they differ

    def loc(self, key: str | None = None) -> Location:
        return RowRef(self.sheet, self.row).at(self.columns.get(key) if key else None)

    def problem(self, kind: Kind, key: str | None = None, /, **fields: object) -> Problem:
        """A problem of this row, in the cell of field `key` (None: the row), in the clerk's words."""
        return in_clerks_words(kind.at(self.loc(key), **fields), self.labels)

    def located(self, exc: BadValue, key: str) -> Problem:
        """A value of field `key` that could not be understood, in its cell, in the clerk's words."""
        return in_clerks_words(exc.at(self.loc(key)), self.labels)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def is_open(self) -> bool:
        """SPEC §3.3: no 销号日期, and not done (or done but the review failed)."""
        return self.closed is None and (self.done is None or self.review == "不合格")


@dataclass(frozen=True)
class TaskSheet:
    sheet: Sheet
    header: HeaderMap
    tasks: tuple[Task, ...]
    status_columns: dict[str, int] = field(default_factory=dict)   # the tool's status columns that exist
    clerk_status: dict[str, int] = field(default_factory=dict)     # clerk's columns named like one
    sections: tuple[tuple[int, str], ...] = ()     # (row, text) of each section heading (任务类别)
    footers: tuple[int, ...] = ()                  # rows such as 合计：3项 / 填表人：… (not tasks)
    new_ids: Mapping[int, str] = field(default_factory=dict)   # row → id the tool assigned

    @property
    def name(self) -> str:
        return self.sheet.name


@dataclass(frozen=True)
class TaskBook:
    """Every task sheet of the workbook (SPEC §2.1), and the sheets that looked like task lists
    but lack a required column (named in the summary)."""

    sheets: tuple[TaskSheet, ...]
    tasks: tuple[Task, ...]
    incomplete: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (sheet, missing headers)

    @classmethod
    def of(cls, sheets, incomplete=()) -> "TaskBook":
        return cls(tuple(sheets), tuple(t for ts in sheets for t in ts.tasks), tuple(incomplete))

    @cached_property
    def _by_name(self) -> dict[str, TaskSheet]:
        return {ts.name: ts for ts in self.sheets}

    def by_name(self) -> dict[str, TaskSheet]:
        return self._by_name


def in_clerks_words(problem: Problem, labels: Mapping[str, str]) -> Problem:
    """The problem with each standard field name replaced by the header the clerk's sheet uses
    (`办理时限` → `完成时限` where the column is headed 完成时限); quoted cell text is left alone."""
    if not labels:
        return problem
    pattern = _label_pattern(tuple(sorted(labels, key=len, reverse=True)))

    def say(text: str) -> str:
        return pattern.sub(lambda m: m[1] or labels[m[2]], text)

    return problem.reworded(say)


@lru_cache(maxsize=8)
def _label_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(“[^”]*”)|(" + "|".join(map(re.escape, names)) + ")")


def header_labels(header: HeaderMap) -> Mapping[str, str]:
    """Standard header → the clerk's header text, for the recognised columns named differently."""
    labels = {}
    for key, col in header.columns.items():
        standard, own = next(f.header for f in TASK_FIELDS if f.key == key), header.names.get(col, "")
        if own and normalize_text(own) != normalize_text(standard):
            labels[standard] = own
    return MappingProxyType(labels)


def field_aliases() -> dict[str, str]:
    return {normalize_text(name): f.key for f in TASK_FIELDS for name in f.names}


def normalize_id(value: object) -> str:
    """任务编号 as matched everywhere (SPEC §2): full-width → half-width, spaces removed, so
    ``ＤＢ-1`` and `` DB-1`` are one task."""
    return normalize_text(cell_text(value))


_REQUIRED = tuple(f for f in TASK_FIELDS if f.required and f.key != "id")   # the id may be missing
_TOOL_SHEETS = frozenset(normalize_text(n) for n in (LOG_SHEET, UNIT_SHEET, PARAM_SHEET, HOLIDAY_SHEET))


def find_task_sheets(book: Book, params) -> tuple[list[tuple[Sheet, HeaderMap]], list[tuple[str, tuple[str, ...]]],
                                                  list[Problem]]:
    """The task sheets: those named by 参数“任务工作表”; else 督办台账; else every sheet whose header
    row (first 10 rows) has task content, lead unit and 交办日期. Raises LedgerError when none."""
    aliases = field_aliases()
    named = params.task_sheets if params is not None else ()
    if named or book.get(TASK_SHEET) is not None:
        chosen = []
        problems: list[Problem] = []
        for name in named or (TASK_SHEET,):
            sheet = book.get(name)
            if sheet is None:
                names = "、".join(f"“{n}”" for n in book.sheets) or "（无）"
                raise P.SHEET_NAMED_UNKNOWN.error(name=name, names=names)
            header = find_header(sheet, aliases, problems)
            if header is None:
                raise P.SHEET_NO_HEADER.error(name=sheet.name)
            missing = [f.header for f in _REQUIRED if f.key not in header.columns]
            if missing:
                found = "、".join(header.names[c] for c in sorted(header.names))
                raise P.SHEET_MISSING_COLUMNS.error(RowRef(sheet.name, header.row).at(), problems=problems,
                                                    missing="、".join(missing), found=found)
            chosen.append((sheet, header))
        return chosen, [], problems
    chosen, incomplete, problems = [], [], []
    for name in book.sheets:
        if normalize_text(name) in _TOOL_SHEETS:
            continue
        sheet = book.get(name)
        found: list[Problem] = []
        header = find_header(sheet, aliases, found) if sheet is not None else None
        if header is None:      # two task headers are enough to say what the sheet lacks
            header = find_header(sheet, aliases, [], min_matches=2) if sheet is not None else None
            if header is not None:
                incomplete.append((name, tuple(f.header for f in _REQUIRED if f.key not in header.columns)))
            continue
        missing = tuple(f.header for f in _REQUIRED if f.key not in header.columns)
        if missing:
            incomplete.append((name, missing))
            continue
        chosen.append((sheet, header))
        problems += found
    if not chosen:
        names = "、".join(f"“{n}”" for n in book.sheets) or "（无）"
        detail = "；".join(f"“{n}”缺少{'、'.join(m)}" for n, m in incomplete)
        raise P.SHEET_NO_TASKS.error(names=names, detail="；" + detail if detail else "")
    return chosen, incomplete, problems


def read_tasks(book: Book, units: UnitDirectory | None, run_date: date,
               params=None) -> tuple[TaskBook, list[Problem]]:
    """Parse every task sheet. Raises LedgerError when no task sheet or a required column is missing."""
    found, incomplete, problems = find_task_sheets(book, params)
    stages.set_total(sum(max(sheet.max_row - header.row, 0) for sheet, header in found))
    sheets = [_read_sheet(book, sheet, header, units, run_date) for sheet, header in found]
    return TaskBook.of(_flag_duplicate_ids(sheets), incomplete), problems


def _read_sheet(book: Book, sheet: Sheet, header: HeaderMap, units: UnitDirectory | None,
                run_date: date) -> TaskSheet:
    status_columns, clerk_status = _status_columns(book, sheet, header)
    formulas = book.formulas(sheet.name)
    letters = MappingProxyType({k: column_letter(c) for k, c in header.columns.items()})
    layout = _Layout(header)
    filled = _filled_values(sheet, header.row + 1, layout)
    labels = header_labels(header)
    tasks: list[Task] = []
    sections: list[tuple[int, str]] = []
    footers: list[int] = []
    category = ""
    columns = list(header.columns.items())
    for r in range(header.row + 1, sheet.max_row + 1):
        if (r - header.row) % stages.EVERY == 0:
            stages.advance(stages.EVERY)
        row = sheet.cells[r - 1]
        kind, text = layout.kind(row, r)
        if kind == "section":
            sections.append((r, text))
            category = text
            continue
        if kind == "footer":
            footers.append(r)
            continue
        width = len(row)
        raw = {k: row[c - 1] if c <= width else "" for k, c in columns}
        if filled:
            raw.update({k: filled[(r, c)] for k, c in columns if (r, c) in filled})
        if all(v == "" or v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        parsed = _parse_row(sheet.name, r, letters, raw, units, run_date, book.date1904, category, labels)
        if formulas:
            parsed = _check_formulas(parsed, header, formulas)
        tasks.append(parsed)
    return TaskSheet(sheet, header, tuple(tasks), status_columns, clerk_status, tuple(sections), tuple(footers))


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）]|第[一二三四五六七八九十\d]+[部分类项章节])")
_FOOTER = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|共\s*计)|^(?:填表人|制表人|填报人|审核人|统计人|负责人|联系人|联系电话|"
                     r"填表日期|制表日期|填报日期|填报单位|注|备注|说明)\s*[:：]")


class _Layout:
    """Tells task rows from section headings and footer rows (SPEC §2.1), from the raw cells alone.

    A heading has no 交办日期 and no unit, and only text in the table's first three columns; it
    is numbered like a heading (一、 （二） 第三部分), or merged across the row, or lies left of the
    task content column outside every field (in 序号, say). A footer starts with 合计/填表人：… and has no unit."""

    def __init__(self, header: HeaderMap):
        first = min(header.texts, default=1)
        self.first_cells = first + 2
        self.content = header.columns.get("content", first)
        self.fields = set(header.columns.values())
        self.lead = header.columns.get("lead", 0) or 10**6
        self.blank_keys = [header.columns[k] for k in ("assigned", "lead") if k in header.columns]
        self.wide: set[tuple[int, int]] = set()       # (row, first col) of merges ≥ 3 columns wide

    def kind(self, row: list, r: int | None = None) -> tuple[str, str]:
        width = len(row)
        if self.lead <= width and not _blank(row[self.lead - 1]):
            return "task", ""
        filled = [(c + 1, v) for c, v in enumerate(row) if not _blank(v)]
        if not filled:
            return "task", ""
        first_text = str(filled[0][1]).strip()
        if isinstance(filled[0][1], str) and _FOOTER.match(normalize_text(first_text)):
            return "footer", first_text     # 填表人：… may be followed by 审核人：… in any column
        if any(c <= width and not _blank(row[c - 1]) for c in self.blank_keys):
            return "task", ""
        if any(not isinstance(v, str) or c > self.first_cells for c, v in filled):
            return "task", ""
        text = " ".join(str(v).strip() for _, v in filled)
        if (_HEADING.match(normalize_text(first_text)) or (r, filled[0][0]) in self.wide
                or all(c < self.content and c not in self.fields for c, _ in filled)):
            return "section", text
        return "task", ""


def _blank(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, str) and not v.strip())


def _filled_values(sheet: Sheet, first_row: int, layout: _Layout) -> dict[tuple[int, int], object]:
    """Values of merged data cells spread over the whole merge (a merged 牵头单位 applies to every
    row); a merged section heading or footer spreads into nothing."""
    filled: dict[tuple[int, int], object] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r0 == r1 and c1 - c0 >= 2:
            layout.wide.add((r0, c0))
    for r0, c0, r1, c1 in sheet.merged:
        if r1 < first_row:
            continue
        if r0 >= first_row and layout.kind(sheet.cells[r0 - 1], r0)[0] != "task":
            continue
        top = sheet.value(r0, c0)
        for r in range(max(r0, first_row), r1 + 1):
            for c in range(c0, c1 + 1):
                filled[(r, c)] = top
    return filled


_CELL_REF = re.compile(r"^(?:(?:'(?:[^']|'')+'|[^!]+)!)?\$?([A-Za-z]{1,3})\$?\d+$")
_MIN_LEGACY = 6     # unmarked status headers that still count as the tool's own block (see below)


def _status_columns(book: Book, sheet: Sheet, header: HeaderMap) -> tuple[dict[str, int], dict[str, int]]:
    """The tool's status columns, and the clerk's own columns that carry a status column's name.

    The tool's columns are found by their markers (schema.STATUS_MARKERS), or by a header ending in
    （自动）. A ledger written before the markers existed has the whole block of status headers
    unmarked: when at least six of the nine are there, they are the tool's. Anything else with a
    status name is the clerk's column: read by nobody, written never.
    """
    by_marker = {m: name for name, m in STATUS_MARKERS.items()}
    wanted = normalize_text(sheet.name)
    owned: dict[str, int] = {}
    for name, scope, ref in book.defined_names():
        if name in by_marker and scope is not None and normalize_text(scope) == wanted:
            m = _CELL_REF.match(ref)
            if m:
                owned[by_marker[name]] = column_index(m.group(1))
    plain = {normalize_text(n): n for n in STATUS_NAMES}
    auto = {normalize_text(n + AUTO_SUFFIX): n for n in STATUS_NAMES}
    if any(_stale(name, col, header, plain, auto) for name, col in owned.items()):
        owned = {}      # markers a program left behind when it moved columns: the headers decide
    named: dict[str, int] = {}
    for c, v in header.texts.items():       # both rows of a two-row header
        key = normalize_text(v)
        if key in auto and auto[key] not in owned and c not in owned.values():
            owned[auto[key]] = c
        elif key in plain:
            named.setdefault(plain[key], c)
    if not owned and len(named) >= _MIN_LEGACY:
        return named, {}
    taken = set(owned.values())
    return owned, {n: c for n, c in named.items() if c not in taken}


def _stale(name: str, col: int, header: HeaderMap, plain: dict[str, str], auto: dict[str, str]) -> bool:
    """A marker that no longer points at its column: the header there is one of the clerk's fields,
    or another status column. (Excel, WPS and LibreOffice move the markers with the columns; a
    script that inserts or deletes columns, e.g. openpyxl, leaves them where they were.) A header
    the clerk merely renamed is still the tool's column."""
    if col in header.columns.values():
        return True
    text = normalize_text(header.texts.get(col, ""))
    return plain.get(text, name) != name or auto.get(text, name) != name


def _parse_row(sheet: str, row: int, letters: Mapping[str, str], raw: dict[str, object],
               units: UnitDirectory | None, run_date: date, date1904: bool, category: str = "",
               labels: Mapping[str, str] = MappingProxyType({})) -> Task:
    probs: list[Problem] = []
    values: dict[str, object] = {}

    here = RowRef(sheet, row)

    def loc(key: str) -> Location:
        return here.at(letters.get(key))

    def date_field(key: str, reference: date | None) -> date | None:
        v = raw.get(key, "")
        if is_blank(v):
            return None
        try:
            return parse_date(v, reference, date1904)
        except BadValue as exc:
            probs.append(exc.at(loc(key), prefix=_header(key)))
            return None

    for key in ("source", "basis", "content", "leader", "ext_by", "reason", "progress"):
        values[key] = cell_text(raw.get(key, ""))
    values["id"] = normalize_id(raw.get("id", ""))     # an empty id is filled by the tool (ids.py)
    if not values["content"]:
        probs.append(P.TASK_CONTENT_EMPTY.at(loc("content")))

    # 交办日期: a year-less 11月23日 means the latest such day not after the run date
    assigned_raw = raw.get("assigned", "")
    assigned = None
    if is_blank(assigned_raw):
        probs.append(P.TASK_ASSIGNED_EMPTY.at(loc("assigned")))
    else:
        assigned = date_field("assigned", date(run_date.year, 1, 1))
        if assigned is not None and assigned > run_date and not _has_year(assigned_raw):
            assigned = assigned.replace(year=assigned.year - 1)
        if assigned is not None and assigned > run_date:
            probs.append(P.TASK_ASSIGNED_FUTURE.at(loc("assigned"), day=assigned.isoformat(), date=run_date.isoformat()))
    values["assigned"] = assigned
    ref = assigned
    for key in ("ext_to", "ext_applied", "done", "closed"):
        values[key] = date_field(key, ref)

    lead, marked_assist = split_roles(raw.get("lead", ""))
    assist_lead, assist = split_roles(raw.get("assist", ""))
    values["lead"] = _units(lead, "lead", units, loc, probs)
    values["assist"] = tuple(u for u in _units([*marked_assist, *assist_lead, *assist], "assist", units, loc, probs)
                             if u not in values["lead"])
    if is_blank(raw.get("lead", "")):
        probs.append(P.TASK_LEAD_EMPTY.at(loc("lead")))
    elif not lead:              # only 配合/协办 units, or only separators: a notice would go to no one
        probs.append(P.TASK_LEAD_NONE.at(loc("lead"), text=raw.get("lead")))

    grade_raw = _normalized(raw.get("grade", ""))
    grade = None
    if grade_raw:
        grade = grade_raw if grade_raw in GRADES else _GRADE_ALIASES.get(grade_raw)
        if grade is None:
            probs.append(P.TASK_GRADE.at(loc("grade"), text=raw.get("grade")))
    values["grade"] = grade

    review_raw = _normalized(raw.get("review", ""))
    review = ""
    if review_raw:
        review = _REVIEW_ALIASES.get(review_raw, "")
        if not review:
            probs.append(P.TASK_REVIEW.at(loc("review"), text=raw.get("review")))
    elif values["done"] is not None:
        review = "合格"
    values["review"] = review
    values["limit"] = raw.get("limit", "")

    if values["ext_to"] is not None and not values["ext_by"]:
        probs.append(P.TASK_EXTENSION_UNAPPROVED.at(loc("ext_by")))
    # SPEC §3.2 rule 6: an impossible 办结日期 is an error, never read as "done on time" or "not yet due"
    if values["done"] is not None and values["done"] > run_date:
        probs.append(P.TASK_DONE_FUTURE.at(loc("done"), day=values["done"].isoformat(), date=run_date.isoformat()))
    if values["done"] is not None and assigned is not None and values["done"] < assigned:
        probs.append(P.TASK_DONE_BEFORE_ASSIGNED.at(loc("done"), day=values["done"].isoformat(),
                                                    assigned=assigned.isoformat()))
    if values["closed"] is not None and values["done"] is None:
        probs.append(P.TASK_CLOSED_NOT_DONE.at(loc("closed")))
    problems = tuple(in_clerks_words(p, labels) for p in probs)
    return Task(sheet=sheet, row=row, columns=letters, problems=problems, category=category,  # type: ignore[arg-type]
                labels=labels, **values)


_UNIT_FIELDS = ("lead", "assist")


def _check_formulas(task: Task, header: HeaderMap, formulas: Mapping[tuple[int, int], FormulaCell]) -> Task:
    """Formula cells in the row's fields: no stored result, an error result, or a unit "name" that is a
    number is a row error naming the cell (calamine reads all three as empty or 0, which the rules would
    take for "not done", "no 办理时限" or a unit called 0); a result that changes by itself is a warning.
    Problems the parser found in the same cells (e.g. "为空") are replaced by these."""
    found: list[Problem] = []
    for key, col in header.columns.items():
        cell = formulas.get((task.row, col))
        if cell is None:
            continue
        loc = RowRef(task.sheet, task.row).at(col)
        name, formula = header.names.get(col, _header(key)), "=" + cell.formula
        if cell.error is not None:
            found.append(P.FORMULA_ERROR.at(loc, field=name, formula=formula, error=cell.error))
        elif cell.cached is None or (cell.cached == "" and not cell.is_text):
            found.append(P.FORMULA_NO_RESULT.at(loc, field=name, formula=formula))
        elif key in _UNIT_FIELDS and not cell.is_text:
            found.append(P.FORMULA_NOT_UNIT.at(loc, field=name, formula=formula, value=cell.cached))
        elif cell.volatile:
            found.append(P.FORMULA_VOLATILE.at(loc, field=name, formula=formula))
    if not found:
        return task
    replaced = {p.location.column for p in found if p.is_error}
    kept = tuple(p for p in task.problems if p.location.column not in replaced)
    return replace(task, problems=tuple(found) + kept)


def _normalized(value: object) -> str:
    """normalize_text, without the Unicode pass for the empty cells most optional columns hold."""
    return "" if value == "" else normalize_text(value)


def _has_year(value: object) -> bool:
    return not isinstance(value, str) or "年" in value or len([c for c in normalize_text(value) if c.isdigit()]) > 4


def _header(key: str) -> str:
    return next(f.header for f in TASK_FIELDS if f.key == key)


def _units(names: list[str], key: str, units: UnitDirectory | None, loc, probs: list[Problem]) -> tuple[str, ...]:
    if units is None:
        return tuple(dict.fromkeys(names))
    resolved: list[str] = []
    for name in names:
        unit = units.resolve(name)
        if unit is None:
            close = units.closest(name)
            hint = ("是否是：" + "、".join(close) + "？请改为单位名录中的名称，或在“单位名录”中为它添加别名") if close \
                else "请在“单位名录”中添加该单位，或改为名录中的名称"
            probs.append(P.TASK_UNIT_UNKNOWN.at(loc(key), field=_header(key), name=name, hint=hint))
            continue
        if unit.name not in resolved:
            resolved.append(unit.name)
    return tuple(resolved)


def _flag_duplicate_ids(sheets: list[TaskSheet]) -> list[TaskSheet]:
    """Ids are unique across all task sheets: each copy is flagged, naming where the other is."""
    first: dict[str, Task] = {}
    other: dict[tuple[str, int], Task] = {}
    for t in (t for ts in sheets for t in ts.tasks):
        if not t.id:
            continue
        if t.id in first:
            other[(t.sheet, t.row)] = first[t.id]
            other.setdefault((first[t.id].sheet, first[t.id].row), t)
        else:
            first[t.id] = t
    if not other:
        return sheets

    def flagged(t: Task) -> Task:
        o = other.get((t.sheet, t.row))
        if o is None:
            return t
        where = f"第{o.row}行" if o.sheet == t.sheet else f"“{o.sheet}”第{o.row}行"
        return _with_problem(t, t.problem(P.TASK_ID_DUPLICATE, "id", id=t.id, where=where))
    return [replace(ts, tasks=tuple(flagged(t) for t in ts.tasks)) for ts in sheets]


def _with_problem(task: Task, problem: Problem) -> Task:
    return replace(task, problems=task.problems + (problem,))
