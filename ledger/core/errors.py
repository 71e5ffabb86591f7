"""Problems found in the clerk's input, as values (never exceptions that escape a run).

Every problem knows where it is — sheet, physical row, column letter — and quotes the offending
text, so the clerk can find it in Excel: ``督办台账!I14 办理时限“下周一”无法识别：请填写……``.
Rules collect problems and return them; only the CLI edge decides how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..xlsx.cells import column_index, column_letter  # noqa: F401  (re-exported: messages name cells)


class Severity(Enum):
    ERROR = "错误"      # the row (or the run) cannot be processed as typed
    WARNING = "提示"    # processed, but the clerk should look at it


@dataclass(frozen=True)
class Location:
    """A place in the workbook as the clerk sees it: sheet, 1-based row, column letter."""

    sheet: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.sheet if self.column is None else f"{self.sheet}!{self.column}列"
        return f"{self.sheet}!{self.column or ''}{self.row}" if self.column else f"{self.sheet}!第{self.row}行"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, what text, what is wrong, how to fix it."""

    location: Location
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def text(self) -> str:
        """The full sentence shown to the clerk: location first, then message, then the fix."""
        body = f"{self.location} {self.message}"
        if self.hint:
            body += f"：{self.hint}"
        return body if body.endswith("。") else body + "。"

    def short(self) -> str:
        """Text for the 程序提示 cell of the task's own row (the row is implied)."""
        col = f"{self.location.column}列" if self.location.column else ""
        body = f"{col}{self.message}"
        if self.hint:
            body += f"：{self.hint}"
        return body if body.endswith("。") else body + "。"


def quote(text: object, limit: int = 40) -> str:
    """Quote cell text for a message, shortened so a 10,000-character cell stays readable."""
    s = str(text).replace("\n", "⏎")
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return f"“{s}”"


class LedgerError(Exception):
    """A run cannot proceed at all (exit code 2). Carries the problems that say why."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
