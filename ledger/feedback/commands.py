"""`ledger forms` and `ledger collect` as library calls returning a report (the CLI only prints).

Exit codes as for a run: 0 clean; 1 something was refused or needs a look (the rest applied);
2 nothing could be done (the ledger unreadable, locked, changed meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..core.errors import LedgerError, Problem, quote
from ..pipeline import config_error, evaluate_all, load
from .collect import FormResult, check_forms
from .write import apply_changes
from .forms import FOLDER, unit_forms, write_forms
from .returns import find_files, read_form


@dataclass(frozen=True)
class FeedbackReport:
    exit_code: int
    text: str
    files: tuple[Path, ...] = ()            # forms written (ledger forms)
    results: tuple[FormResult, ...] = ()     # per returned file (ledger collect)
    backup: Path | None = None
    out_dir: Path | None = None
    written: bool = False
    summary: None = None                    # the CLI's table view is for runs only
    error: LedgerError | None = None


def _fatal(exc: LedgerError) -> FeedbackReport:
    from ..summary import fatal_text

    return FeedbackReport(2, fatal_text(exc), error=exc)


def make_forms(path: Path, run_date: date, out_root: Path | None = None) -> FeedbackReport:
    """Write the forms of every lead unit with open tasks into <out>/<date>/反馈表/."""
    try:
        loaded = load(path, run_date)
        err = config_error(loaded)        # forms under settings the clerk did not intend go out to units
        if err:
            raise err
        outcome = replace(evaluate_all(loaded, run_date), new_notices=())   # forms issue nothing
        from ..outputs import output_root

        folder = output_root(loaded.params, path, out_root) / run_date.isoformat() / FOLDER
        files = write_forms(outcome, folder)
    except LedgerError as exc:
        return _fatal(exc)
    return FeedbackReport(0, forms_text(outcome, files, folder), tuple(files), out_dir=folder, written=bool(files))


def forms_text(outcome, files: list[Path], folder: Path) -> str:
    if not files:
        return "没有未办结的任务，未生成反馈表。"
    forms = unit_forms(outcome)
    from .forms import reply_due

    due = reply_due(outcome)
    tasks = len({row[0] for f in forms for row in f.rows})
    shared = "，几个单位共同牵头的任务在各单位的表中都有" if sum(len(f.rows) for f in forms) > tasks else ""
    lines = [f"已生成反馈表 {len(files)} 份（{tasks} 项任务{shared}），请于 {due.isoformat()} 前收回：",
             f"  {folder}"]
    lines += [f"  {f.unit}：{len(f.rows)} 项" for f in forms]
    lines.append("收回后运行：ledger collect 台账.xlsx 收回的文件或文件夹 （先查看，确认无误后加 --apply 写入台账）")
    return "\n".join(lines)


def collect(path: Path, inputs: list[Path], today: date, apply: bool = False) -> FeedbackReport:
    """Show (and with apply=True write) what the returned forms change in the ledger."""
    from ..workbook_io import RunLock

    try:
        files, missing = find_files(inputs)
        forms, results = [], []
        for f in files:
            form, problem = read_form(f)
            if form is None:
                results.append(FormResult(f, problems=[problem]))
            else:
                forms.append(form)
        with RunLock(path) if apply else _nothing():
            outcome = evaluate_all(load(path, today), today)
            checked, entries = check_forms(outcome, forms, today)
            changes = [c for r in checked for c in r.changes]
            saved = apply_changes(path, outcome, changes, entries) if apply else None
    except LedgerError as exc:
        return _fatal(exc)
    results = checked + results
    problems = missing + [p for r in results for p in r.problems]
    code = 1 if any(p.is_error for p in problems) else 0
    text = collect_text(results, missing, apply, saved, path)
    return FeedbackReport(code, text, results=tuple(results), backup=saved, written=saved is not None)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def collect_text(results: list[FormResult], missing: list[Problem], applied: bool, saved: Path | None,
                 path: Path) -> str:
    if not results and not missing:
        return "没有找到反馈表文件（.xlsx）。"
    lines: list[str] = []
    total = 0
    for r in results:
        ident = r.identity
        head = f"{r.path.name}" + (f"（{ident.unit}，{ident.form_date.isoformat()} 反馈表）" if ident else "")
        lines.append(head)
        if r.changes:
            lines.append(f"  {_pad('任务', 10)}{_pad('字段', 12)}台账现有 → 反馈")
            for c in r.changes:
                lines.append(f"  {_pad(c.task.id, 10)}{_pad(c.field, 12)}{_show(c.old)} → {_show(c.new)}")
        elif ident:
            lines.append("  无需更改")
        lines += [f"  {'×' if p.is_error else '!'} {p.text()}" for p in r.problems]
        total += len(r.changes)
    lines += [f"× {p.text()}" for p in missing]
    refused = sum(1 for r in results for p in r.problems if p.is_error) + len(missing)
    tail = f"共 {len(results)} 个文件，{total} 处更改" + (f"，{refused} 处未采用（见 ×）" if refused else "")
    if applied:
        lines.append(tail + (f"，已写入“{path.name}”并记入“反馈记录”（写入前的备份：{saved}）。" if saved
                             else "，台账无需写入。"))
    else:
        lines.append(tail + "。以上为预览，台账未被修改；确认无误后加 --apply 写入。")
    return "\n".join(lines)


def _show(value: object) -> str:
    from ..core.dates import cell_text

    text = cell_text(value)
    return quote(text, 30) if text else "（空）"


def _pad(text: str, width: int) -> str:
    """Left-justify for a console where a Chinese character takes two columns."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)
