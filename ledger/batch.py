"""`ledger run` and `ledger check` as library calls returning a report (the CLI only prints it).

Exit codes: 0 clean; 1 some rows had data errors (the rest processed); 2 nothing could be done
(unreadable file, missing required column, settings to correct, locked file, --date too early).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import LedgerError
from .pipeline import Outcome, check_run_date, config_error, evaluate_all, load
from .summary import summary_text

SUMMARY_FILE = "运行摘要.txt"


@dataclass(frozen=True)
class RunReport:
    exit_code: int
    text: str
    outcome: Outcome | None = None
    error: LedgerError | None = None
    backup: Path | None = None
    out_dir: Path | None = None
    written: bool = False


def _fatal(exc: LedgerError) -> RunReport:
    from .summary import fatal_text

    return RunReport(2, fatal_text(exc), error=exc)


def run_weekly(path: Path, run_date: date, out_root: Path, dry_run: bool = False) -> RunReport:
    """The weekly batch: evaluate every row, write status columns and the log, render outputs."""
    from .workbook_io import RunLock
    from .writeback import commit

    try:
        if dry_run:
            outcome = _evaluate(path, run_date)
            return RunReport(_code(outcome), summary_text(outcome, mode="dry-run"), outcome)
        with RunLock(path):
            outcome = _evaluate(path, run_date)
            saved = commit(path, outcome)
    except LedgerError as exc:
        return _fatal(exc)
    out_dir = out_root / run_date.isoformat()
    text = summary_text(outcome, mode="run", backup=saved, out_dir=out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / SUMMARY_FILE).write_text(text + "\n", encoding="utf-8")
    return RunReport(_code(outcome), text, outcome, backup=saved, out_dir=out_dir, written=True)


def _evaluate(path: Path, run_date: date) -> Outcome:
    loaded = load(path, run_date)
    err = config_error(loaded)
    if err:
        raise err
    check_run_date(loaded, run_date)
    return evaluate_all(loaded, run_date)


def check_workbook(path: Path, run_date: date) -> RunReport:
    """Validation only: every problem at once, nothing written."""
    try:
        loaded = load(path, run_date)
    except LedgerError as exc:
        return _fatal(exc)
    err = config_error(loaded)
    outcome = evaluate_all(loaded, run_date)
    text = summary_text(outcome, mode="check", config=err)
    return RunReport(2 if err else _code(outcome), text, outcome, error=err)


def _code(outcome: Outcome) -> int:
    return 1 if outcome.error_rows else 0
