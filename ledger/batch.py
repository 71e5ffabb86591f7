"""`ledger run`, `check`, `report` and `reprint` as library calls returning a report (the CLI only
prints it).

`run_weekly` tells the weekly run in one function, top to bottom: locate the workbook → (dry run:
evaluate and say what would happen) → ensure it is writable → lock → read → refuse if unsafe →
evaluate → render the documents into staging → commit (backup and write-back) → publish → forms →
summary. What is not part of that story is wrapped so it does not interrupt it: the collector
policy for the long-lived rows (`_LongLivedHeap`), the progress stages (`_render`, `_commit`) and
the kill points of the crash tests (`_passed`, `ledger.faults`). The stages themselves live below:
reading and rules in `pipeline`, documents in `outputs`, the write-back in `writeback`.

Exit codes: 0 clean; 1 some rows had data errors (the rest processed); 2 nothing could be done
(unreadable file, missing required column, settings to correct, locked file, --date too early).
"""

from __future__ import annotations

import gc
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from .core import stages
from .core import problems as P
from .core.errors import LedgerError
from .faults import checkpoint
from .outputs import SUMMARY_FILE
from .pipeline import Outcome, check_history, config_error, evaluate_all, load, refuse_unsafe
from .summary import Summary, summarize



@dataclass(frozen=True)
class RunReport:
    exit_code: int
    text: str
    outcome: Outcome | None = None
    error: LedgerError | None = None
    backup: Path | None = None
    out_dir: Path | None = None
    written: bool = False
    summary: Summary | None = None      # the text in parts, for the console's tables


def _fatal(exc: LedgerError) -> RunReport:
    from .summary import fatal_text

    return RunReport(2, fatal_text(exc), error=exc)


def run_weekly(path: Path, run_date: date, out_root: Path | None = None, dry_run: bool = False,
               templates: Path | None = None, forms: bool = False) -> RunReport:
    """The weekly batch, top to bottom (SPEC §1, §5). Documents are rendered into a staging folder
    before the workbook is replaced (the commit point) and published after it: see `outputs` for
    why in that order. Stages are reported through `ledger.core.stages` (the CLI draws progress
    bars); `_passed` marks the kill points of the crash tests (`ledger.faults`). `out_root` None:
    the output folder of `outputs.output_root`."""
    from .outputs import missing_folders, output_root, publish, run_folder, templates_for
    from .workbook_io import RunLock, ensure_writable, locate_workbook

    staging, created = None, []
    try:
        path = locate_workbook(path)        # before any progress: a wrong name shows no bars
        if dry_run:
            return _dry_run(path, run_date, out_root)
        ensure_writable(path)               # open in Excel/WPS: said before reading, not after rendering
        with RunLock(path), _LongLivedHeap() as heap:
            with heap.building():           # the rows and their evaluations live until the run ends
                loaded = _passed("after-load", _read(path, run_date))
                refuse_unsafe(loaded, run_date)
                out_root = output_root(loaded.params, path, out_root)
                outcome = _rules(loaded, run_date, _issued_elsewhere(loaded, path, out_root))
            _passed("after-evaluate")
            folder = templates_for(outcome, path, templates)
            created = missing_folders(out_root)
            staging = _passed("after-stage", _render(outcome, out_root, folder))
            saved = _passed("after-replace", _commit(path, outcome))     # the commit point
    except LedgerError as exc:
        _discard(staging, created)
        return _fatal(exc)
    out_dir = run_folder(out_root, run_date, path)
    files = publish(staging, out_dir)       # documents in place only once the workbook says they were issued
    if forms:      # after the commit: the forms show the notices just issued; a rerun rewrites them
        files += _write_forms(outcome, out_dir)
    summary = summarize(outcome, mode="run", backup=saved, out_dir=out_dir, files=files)
    (out_dir / SUMMARY_FILE).write_text(summary.text() + "\n", encoding="utf-8")
    return RunReport(_code(outcome), summary.text(), outcome, backup=saved, out_dir=out_dir, written=True,
                     summary=summary)


def _dry_run(path: Path, run_date: date, out_root: Path | None) -> RunReport:
    """`ledger run --dry-run`: the weekly run's reading, refusals and rules; no lock, nothing written."""
    from .outputs import output_root

    with _no_collection():
        loaded = _passed("after-load", _read(path, run_date))
        refuse_unsafe(loaded, run_date)
        outcome = _rules(loaded, run_date, _issued_elsewhere(loaded, path, output_root(loaded.params, path, out_root)))
    summary = summarize(outcome, mode="dry-run")
    return RunReport(_code(outcome), summary.text(), outcome, summary=summary)


def _render(outcome: Outcome, out_root: Path, templates) -> Path:
    """Every document of the run, into a staging folder beside the output folder."""
    from .outputs import document_count, stage

    with stages.stage(f"生成督办单（{len(outcome.new_notices)} 份新发）和周汇总", document_count(outcome)):
        return stage(outcome, out_root, templates)


def _commit(path: Path, outcome: Outcome) -> Path:
    """Backup, then status columns and log written back: the commit point. Returns the backup."""
    from .writeback import commit

    with stages.stage("备份并写回台账", len(outcome.evaluations)):
        return commit(path, outcome)


def _discard(staging: Path | None, created: list[Path]) -> None:
    """A run that stopped leaves neither its staging folder nor output folders it made empty."""
    from .outputs import remove_empty

    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    remove_empty(created)


_T = TypeVar("_T")


def _passed(name: str, value: _T = None) -> _T:  # type: ignore[assignment]
    """`value`, once the kill point `name` is passed: the crash tests stop the process there."""
    checkpoint(name)
    return value


def _write_forms(outcome: Outcome, out_dir: Path) -> list[Path]:
    """`ledger run --forms`: the units' 反馈表 in the run's output folder (SPEC §5)."""
    from .feedback.forms import FOLDER, write_forms

    return [out_dir / FOLDER] if write_forms(outcome, out_dir / FOLDER) else []


def report_period(path: Path, period_text: str, out_root: Path | None, run_date: date,
                  templates: Path | None = None) -> RunReport:
    """`ledger report`: the 通报 of a month / quarter / half-year / year, from the workbook alone."""
    from dataclasses import replace

    from .outputs import output_root, templates_for
    from .rendering.reports import render_period
    from .core.periods import parse_period
    from .workbook_io import locate_workbook

    try:
        path = locate_workbook(path)
        try:
            period = parse_period(period_text)
        except ValueError as exc:
            raise P.RUN_PERIOD_UNREADABLE.error(reason=exc) from None
        if period.start > run_date:
            raise P.RUN_PERIOD_FUTURE.error(label=period.label, date=run_date.isoformat())
        loaded = _read(path, run_date)
        err = config_error(loaded)
        if err:
            raise err
        # figures come from the log as it stands: notices a run would issue today are not counted
        outcome = replace(_rules(loaded, run_date), new_notices=())
        folder = templates_for(outcome, path, templates)
        out_dir = output_root(outcome.loaded.params, path, out_root) / period.label
        with stages.stage(f"生成{period.label}通报"):
            files = render_period(outcome, period, out_dir, folder)
    except LedgerError as exc:
        return _fatal(exc)
    running = f"（暂计：本期尚未结束，数据截至{run_date.isoformat()}）" if run_date < period.end else ""
    text = "\n".join([f"已生成{period.label}通报{running}：", *(f"  {f}" for f in files)])
    return RunReport(0, text, outcome, out_dir=out_dir)


def reprint(path: Path, key: str, out_root: Path | None, templates: Path | None = None, *,
            today: date) -> RunReport:
    """Re-render a notice already in the log (by number, or the latest of a task id). `today`: the
    date the workbook is read on (the caller's clock; the notice keeps what was logged when issued)."""
    from .rendering.notices import build_views, render_notices
    from .outputs import output_root, safe_filename, templates_for
    from .rules.escalation import last_notice
    from .workbook_io import locate_workbook

    try:
        path = locate_workbook(path)
        loaded = load(path, today)
        picked = find_notices(loaded.log, key)
        if not picked:
            wanted = normalize_number(key).casefold()
            mine = [n for n in loaded.log if normalize_number(n.task_id).casefold() == wanted]
            picked = [last_notice(mine)] if mine else []
        if not picked:
            raise P.RUN_NOTICE_UNKNOWN.error(key=key)
        outcome = evaluate_all(loaded, max(today, *(n.issued for n in loaded.log)))
        folder = templates_for(outcome, path, templates)
        out_dir = output_root(loaded.params, path, out_root) / "补打" / safe_filename(picked[0].number)
        params = loaded.params.with_values(**{"蓝色打印": True})
        files = render_notices(build_views(outcome, picked), out_dir, params, folder)
    except LedgerError as exc:
        return _fatal(exc)
    text = "\n".join([f"已补打督办单 {picked[0].number}（任务{picked[0].task_id}，{picked[0].issued.isoformat()}发出）：",
                      *(f"  {f}" for f in files)])
    return RunReport(0, text, outcome, out_dir=out_dir)


_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔", "{": "〔",
                           "]": "〕", "］": "〕", ")": "〕", "）": "〕", "】": "〕", "}": "〕"})


def find_notices(log, key: str) -> list:
    """The notice a clerk means by `key`: the exact number with its brackets typed any common way,
    else the number typed without its year (黄督7号: the latest year's 黄督〔…〕7号)."""
    wanted = normalize_number(key)
    exact = [n for n in log if normalize_number(n.number) == wanted]
    if exact:
        return exact
    import re

    bare = [n for n in log if re.sub(r"〔\d{4}〕", "", normalize_number(n.number)) == wanted]
    latest = max((n.issued.year for n in bare), default=None)
    return [n for n in bare if n.issued.year == latest][:1]


def normalize_number(text: str) -> str:
    """A notice number as typed, with the year brackets in any common form: 黄督[2026]7号 → 黄督〔2026〕7号."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).translate(_BRACKETS).split())


class _LongLivedHeap:
    """The workbook's rows and their evaluations live until the run ends, yet Python's cyclic
    garbage collector re-scans them every time the documents allocate enough to trigger a full
    collection: 1.8 s of an 8.4 s run at 50,000 tasks. Reading builds them without collections
    (it makes no cyclic garbage); `gc.freeze()` once they exist moves them out of every later
    scan (0.7 s). Undone when the run ends, so library callers keep their usual collector (unless
    they had frozen objects of their own: those cannot be told apart, so all stay frozen)."""

    def __enter__(self) -> "_LongLivedHeap":
        self._mine = gc.get_freeze_count() == 0
        return self

    def __exit__(self, *exc) -> None:
        if self._mine:
            gc.unfreeze()

    @contextmanager
    def building(self):
        """One uncollected stretch while the long-lived objects are made (re-enabling the collector
        in between would make its next young collection walk every object just read); frozen after."""
        with _no_collection():
            yield
        gc.freeze()


@contextmanager
def _no_collection():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(path: Path, run_date: date):
    with _no_collection(), stages.stage("读取台账"):
        return load(path, run_date)


def _rules(loaded, run_date: date, issued_elsewhere: frozenset[str] = frozenset()) -> Outcome:
    with _no_collection(), stages.stage("计算应办结日期和状态", len(loaded.tasks.tasks)):
        return evaluate_all(loaded, run_date, issued_elsewhere)


def _issued_elsewhere(loaded, path: Path, out_root: Path) -> frozenset[str]:
    """Numbers issued but missing from the log, from the run summaries in the output folder `out_root`."""
    from .restore import issued_elsewhere

    latest = max((n.batch for n in loaded.log if n.batch), default=None)
    return issued_elsewhere(path, out_root, latest)


def check_workbook(path: Path, run_date: date) -> RunReport:
    """Validation only: every problem at once, nothing written."""
    from .workbook_io import locate_workbook

    try:
        path = locate_workbook(path)
        loaded = _read(path, run_date)
    except LedgerError as exc:
        return _fatal(exc)
    err = config_error(loaded)
    if err is None:
        try:
            check_history(loaded, run_date)     # a lost log would stop the run: say so now
        except LedgerError as exc:
            err = exc
    outcome = _rules(loaded, run_date)
    summary = summarize(outcome, mode="check", config=err)
    return RunReport(2 if err else _code(outcome), summary.text(), outcome, error=err, summary=summary)


def _code(outcome: Outcome) -> int:
    return 1 if outcome.error_rows else 0
