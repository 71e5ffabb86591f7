"""The documents of a run, staged so that log, workbook and documents stay consistent (SPEC §5).

Order of a run: render every document into a hidden staging folder → replace the workbook (the
commit point: the log inside it now holds the run's notices) → move the staged files into
``<out>/<run date>/``. A crash before the commit leaves the old workbook and no documents; a crash
after it leaves the log complete, and rerunning the same date re-renders the same documents from
the log (a run's documents are the notices whose 批次 is that date, not only the new ones).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from .core import stages
from .core import problems as P
from .faults import checkpoint
from .reading.notice_log import Notice
from .pipeline import Outcome

STAGING_PREFIX = ".staging-"
OUT_DIR_NAME = "督办输出"
SUMMARY_FILE = "运行摘要.txt"
_WORKBOOK_LINE = re.compile(r"^台账：(.+?)，共 \d+ 项任务")
_RUN_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}(（.+）)?")      # 2026-11-23, or 2026-11-23（台账名）: `run_folder`
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(text: str, limit: int = 80) -> str:
    """A file name from cell text that cannot leave its folder or upset Windows."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", str(text)).strip().strip(".")
    name = name.replace("..", "_")[:limit].rstrip(" .")
    if not name or name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    return name


def output_root(params, workbook: Path, override: Path | None = None) -> Path:
    """The one output folder of every command (run, report, reprint, the desktop shortcut): --out
    when given, else 参数“输出目录” (relative to the workbook's folder), else 督办输出 beside the
    workbook — never the folder the command happened to be started from. Absolute, so summaries
    say exactly where the files are."""
    if override is not None:
        return Path(os.path.abspath(override))
    configured = str(params["输出目录"] or "").strip()
    if configured:
        return Path(os.path.abspath(Path(workbook).parent / configured))
    return default_root(workbook)


def default_root(workbook: Path) -> Path:
    """督办输出 beside the workbook; 督办输出（台账名） when another ledger of the folder has it."""
    shared = Path(os.path.abspath(Path(workbook).parent / OUT_DIR_NAME))
    ran = workbooks_run_in(shared)
    if ran and Path(workbook).name not in ran:   # never mix two ledgers' documents and numbers
        return shared.with_name(f"{OUT_DIR_NAME}（{Path(workbook).stem}）")
    return shared


def run_folder(out_root: Path, run_date: date, workbook: Path) -> Path:
    """The weekly run's dated folder: 2026-11-23, or 2026-11-23（台账名） when another workbook's
    run of that date is already there (an output folder shared on purpose): its documents stay."""
    folder = out_root / run_date.isoformat()
    if run_workbook(folder / SUMMARY_FILE) not in ("", Path(workbook).name):
        return out_root / f"{run_date.isoformat()}（{Path(workbook).stem}）"
    return folder


def workbooks_run_in(root: Path) -> set[str]:
    """The workbooks whose weekly runs wrote the dated folders of `root`: two ledgers kept in one
    folder must not share documents or notice numbers."""
    return {workbook for _, workbook, _ in run_summaries(root) if workbook}


def run_summaries(root: Path | None) -> Iterator[tuple[str, str, list[str]]]:
    """(run date, workbook, lines) of the 运行摘要.txt of each weekly run's folder under `root`; the
    workbook is "" for a summary that does not name one."""
    if root is None or not root.is_dir():
        return
    for folder in root.iterdir():
        if _RUN_FOLDER.fullmatch(folder.name):
            lines = _summary_lines(folder / SUMMARY_FILE)
            if lines:
                yield folder.name[:10], _workbook_named(lines), lines


def run_workbook(summary: Path) -> str:
    """The workbook a 运行摘要.txt was written for ("" when unknown)."""
    return _workbook_named(_summary_lines(summary))


def _summary_lines(summary: Path) -> list[str]:
    try:
        return summary.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _workbook_named(lines: list[str]) -> str:
    m = _WORKBOOK_LINE.match(lines[1]) if len(lines) > 1 else None
    return m[1] if m else ""


def missing_folders(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, deepest first: what a failed run
    removes again so that it leaves no empty folder behind."""
    missing = []
    for f in (folder, *folder.parents):
        if f.exists():
            break
        missing.append(f)
    return missing


def remove_empty(folders: list[Path]) -> None:
    for f in folders:
        try:
            f.rmdir()
        except OSError:
            return


def run_notices(outcome: Outcome) -> list[Notice]:
    """The notices that belong to this run date: earlier attempts at the same date included."""
    ids = {t.id for t in outcome.loaded.tasks.tasks}
    return [n for n in outcome.batch_notices if n.task_id in ids]


def templates_for(outcome: Outcome, workbook: Path, override: Path | None):
    from .rendering.notices import builtin_templates, check_templates, template_dir

    folder = template_dir(outcome.loaded.params, override, workbook.parent)
    if str(folder) == str(builtin_templates()):
        return folder  # the shipped templates are checked by the test suite, not on every run
    problems = check_templates(folder)
    if problems:
        raise P.RUN_TEMPLATES.error(problems=problems)
    return folder


def stage(outcome: Outcome, out_root: Path, templates) -> Path:
    """Render the run's documents into a fresh staging folder under out_root."""
    from .rendering.notices import build_views, render_notices

    out_root.mkdir(parents=True, exist_ok=True)
    for old in out_root.glob(f"{STAGING_PREFIX}*"):   # left by an interrupted run
        shutil.rmtree(old, ignore_errors=True)
    staging = out_root / f"{STAGING_PREFIX}{outcome.batch}-{os.getpid()}"
    staging.mkdir()
    notices = run_notices(outcome)
    if notices:
        render_notices(build_views(outcome, notices), staging, outcome.loaded.params, templates, checked=True)
    from .rendering.reports import render_period, render_weekly

    render_weekly(outcome, staging, templates)
    stages.advance(1)
    for period in periods_to_report(outcome):
        render_period(outcome, period, staging, templates)
        stages.advance(1)
    return staging


def periods_to_report(outcome: Outcome) -> list:
    """The periods whose 通报 this run renders: those that ended since the previous run."""
    from .core.periods import periods_just_ended

    return periods_just_ended(previous_run_date(outcome), outcome.run_date)


def document_count(outcome: Outcome) -> int:
    """Units of work of `stage` for a progress bar: one per notice, the weekly summary, each 通报."""
    return len(run_notices(outcome)) + 1 + len(periods_to_report(outcome))


def previous_run_date(outcome: Outcome):
    """The last run before this one: the latest 更新日期 written into the task sheet, or the latest
    notice in the log (a run that issued nothing still leaves its date in 更新日期). A rerun of the
    same date sees the same previous run, so it reproduces the same period reports."""
    from .core.periods import previous_run

    T = outcome.run_date
    logged = previous_run(outcome.loaded.log, T)
    seen = [] if logged is None else [logged]
    for ts in outcome.loaded.tasks.sheets:
        col = ts.status_columns.get("更新日期")
        if col is not None:
            for t in ts.tasks:
                v = ts.sheet.value(t.row, col)
                if isinstance(v, date) and v < T:
                    seen.append(v)
    return max(seen, default=None)


def publish(staging: Path, out_dir: Path) -> list[Path]:
    """Move staged files into the run's output folder (replacing an earlier attempt's files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    moved = []
    for f in sorted(staging.iterdir()):
        target = out_dir / f.name
        os.replace(f, target)
        moved.append(target)
        checkpoint("mid-publish")
    shutil.rmtree(staging, ignore_errors=True)
    return moved
