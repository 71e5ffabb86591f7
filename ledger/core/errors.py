"""Problems found in the clerk's input, as values (never exceptions that escape a run).

Every problem has a kind from the catalogue (`ledger.core.problems`): a stable code scripts can
rely on (`--json`), a sentence template and a fix. It knows where it is — sheet, physical row,
column letter — and quotes the offending text, so the clerk can find it in Excel:
``督办台账!I14 办理时限“下周一”无法识别：请填写……``. Readers name places with a `RowRef`;
rules collect problems and return them; only the CLI edge decides how to show them. A run that
cannot proceed at all raises `LedgerError`, which carries one Problem of the same shape.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from enum import Enum

from ..xlsx.cells import column_index, column_letter  # noqa: F401  (re-exported: messages name cells)


class Severity(Enum):
    ERROR = "错误"      # the row (or the run) cannot be processed as typed
    WARNING = "提示"    # processed, but the clerk should look at it


@dataclass(frozen=True)
class Location:
    """A place in the workbook as the clerk sees it: sheet, 1-based row, column letter.
    `NOWHERE` (an empty sheet) is a problem of the file or the command, not of a cell."""

    sheet: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.sheet if self.column is None else f"{self.sheet}!{self.column}列"
        return f"{self.sheet}!{self.column or ''}{self.row}" if self.column else f"{self.sheet}!第{self.row}行"


NOWHERE = Location("")


@dataclass(frozen=True)
class RowRef:
    """One row of one sheet, the way every sheet reader names the cells of its problems."""

    sheet: str
    row: int | None = None

    def at(self, column: str | int | None = None) -> Location:
        """The cell in `column` (a letter or a 1-based index); None: the whole row."""
        letter = column_letter(column) if isinstance(column, int) else column
        return Location(self.sheet, self.row, letter or None)

    def problem(self, kind: "Kind", column: str | int | None = None, /, **fields: object) -> "Problem":
        return kind.at(self.at(column), **fields)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: what kind, where, what text, what is wrong, how to fix it."""

    location: Location
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def text(self) -> str:
        """The full sentence shown to the clerk: location first, then message, then the fix."""
        where = str(self.location)
        return _sentence(f"{where} {self.message}" if where else self.message, self.hint)

    def short(self) -> str:
        """Text for the 程序提示 cell of the task's own row (the row is implied)."""
        col = f"{self.location.column}列" if self.location.column else ""
        return _sentence(f"{col}{self.message}", self.hint)

    def as_warning(self) -> "Problem":
        return replace(self, severity=Severity.WARNING)

    def reworded(self, say) -> "Problem":
        """The same problem with `say` applied to its message and hint (e.g. the clerk's headers)."""
        return replace(self, message=say(self.message), hint=say(self.hint))


def _sentence(body: str, hint: str) -> str:
    if hint:
        body += f"：{hint}"
    return body if body.endswith("。") else body + "。"


class _Formatter(string.Formatter):
    """`str.format` plus `!q`: the field quoted and shortened as cell text is (`quote`)."""

    def convert_field(self, value, conversion):
        return quote(value) if conversion == "q" else super().convert_field(value, conversion)


_FORMAT = _Formatter()


@dataclass(frozen=True)
class Kind:
    """A kind of problem: a stable code, a sentence template, a fix, how serious it is.
    Templates are `str.format` strings; `{text!q}` quotes cell text the way messages do."""

    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def at(self, where: Location = NOWHERE, /, **fields: object) -> Problem:
        return Problem(where, self.format(self.message, fields), self.format(self.hint, fields),
                       self.severity, self.code)

    def error(self, where: Location = NOWHERE, /, *, problems=(), **fields: object) -> "LedgerError":
        """The run cannot proceed: the exception to raise, carrying this problem (and `problems`)."""
        return LedgerError(self.at(where, **fields), problems)

    @staticmethod
    def format(template: str, fields: dict) -> str:
        return _FORMAT.vformat(template, (), fields)


def quote(text: object, limit: int = 40) -> str:
    """Quote cell text for a message, shortened so a 10,000-character cell stays readable."""
    s = str(text).replace("\n", "⏎")
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return f"“{s}”"


class LedgerError(Exception):
    """A run cannot proceed at all (exit code 2). Carries the problem that says why, and the
    problems behind it (e.g. each setting to correct)."""

    def __init__(self, problem: Problem, problems=()):
        self.problem = problem
        self.problems = list(problems)
        super().__init__("\n  ".join([problem.text(), *(p.text() for p in self.problems)]))

    def along_with(self, problems) -> "LedgerError":
        """The same refusal, also listing `problems` found before it (all shown together)."""
        return LedgerError(self.problem, [*self.problems, *problems]) if problems else self

    @property
    def message(self) -> str:
        return self.problem.text()

    @property
    def code(self) -> str:
        return self.problem.code
