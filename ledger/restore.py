"""`ledger restore`: list the workbook's backups and put one back (SPEC §5).

Restoring is itself a write to the clerk's file, so it follows the same rules as a run: refuse
while the workbook is open elsewhere, back up the current file first, replace atomically.

A restored workbook's 督办记录 no longer holds the notices issued after that backup — yet they were
printed and may have been sent. Restoring writes their numbers into 台账备份/<台账>.已发出编号.txt,
and every later run (`issued_elsewhere`) also reads the run summaries of output folders dated on or after
the log's last run; the numbering then continues after those numbers, never reusing one (issue 16).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .core import problems as P
from .core.errors import LedgerError
from .workbook_io import (BACKUP_DIR, STAMP_FORMAT, STAMP_LENGTH, RunLock, backup, ensure_writable, glob_escape,
                          replace_atomically, temp_path)

LEFT_SUFFIX = ".已发出编号.txt"
_NUMBER_LINE = re.compile(r"^  (\S+)  任务")     # a notice line of 运行摘要.txt


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    size: int
    label: str = ""     # what the backup preceded: 2026-11-30运行前, 恢复前 ('' for older backups)


def list_backups(path: Path) -> list[Backup]:
    """Backups of this workbook, newest first."""
    folder = path.parent / BACKUP_DIR
    found = []
    for f in folder.glob(f"{glob_escape(path.stem)}.*{path.suffix}") if folder.is_dir() else []:
        rest = f.name[len(path.stem) + 1: -len(path.suffix)]
        stamp, label = rest[:STAMP_LENGTH], rest[STAMP_LENGTH + 1:]
        if rest[STAMP_LENGTH:STAMP_LENGTH + 1] not in ("", "."):
            continue
        try:
            taken = datetime.strptime(stamp, STAMP_FORMAT)
        except ValueError:
            continue
        found.append(Backup(f, taken, f.stat().st_size, label))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def listing_text(path: Path, backups: list[Backup]) -> str:
    if not backups:
        return f"“{path.name}”还没有备份（每次运行写入台账前会自动备份到“{BACKUP_DIR}”文件夹）。"
    lines = [f"“{path.name}”的备份（最新在前）："]
    lines += [f"  {i}. {b.taken:%Y-%m-%d %H:%M:%S}  {label_text(b.label):<16}{b.size / 1024:,.0f} KB  {b.path.name}"
              for i, b in enumerate(backups, start=1)]
    lines.append("恢复其中一份：ledger restore 台账.xlsx --pick 序号")
    return "\n".join(lines)


def label_text(label: str) -> str:
    if label.endswith("运行前"):
        return f"{label[:-3]} 运行前"
    return label or "（早期备份）"


def restored_text(path: Path, chosen: Backup, saved: Path) -> str:
    """What `ledger restore --pick` says once the backup is back."""
    label = f"“{label_text(chosen.label)}”" if chosen.label else ""
    return (f"已用{label}的备份（{chosen.taken:%Y-%m-%d %H:%M:%S}）恢复“{path.name}”；"
            f"恢复前的文件已另存为“{saved}”。"
            f"恢复前已发出的督办单编号已记下，以后运行不会重复使用。")


def locate(path: Path) -> Path:
    """The workbook as `workbook_io.locate_workbook` finds it; a deleted workbook that has backups
    is still restorable, under the name given."""
    from .workbook_io import locate_workbook

    try:
        return locate_workbook(path)
    except LedgerError:
        if not list_backups(path):
            raise
        return path


def restore(path: Path, pick: int, keep: int = 20) -> tuple[Backup, Path]:
    """Put backup number `pick` (1 = newest) back. Returns (restored, backup of the current file)."""
    backups = list_backups(path)
    if not 1 <= pick <= len(backups):
        raise P.RUN_NO_BACKUP.error(pick=pick, count=len(backups), name=path.name)
    chosen = backups[pick - 1]
    with RunLock(path):
        if path.exists():
            ensure_writable(path)
            _record_left(path, chosen.path)
            saved = backup(path, keep + 1, label="恢复前")  # the current file is kept too, beyond the usual count
        else:
            saved = chosen.path
        tmp = temp_path(path)
        try:
            shutil.copyfile(chosen.path, tmp)
            replace_atomically(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return chosen, saved


def _log_numbers(path: Path) -> dict[str, str]:
    """Number → issue date of the notices in a workbook's 督办记录 ({} when unreadable)."""
    from .reading.notice_log import read_log
    from .reading.reader import read_book

    try:
        notices, _ = read_log(read_book(path))
    except LedgerError:
        return {}
    return {n.number: n.issued.isoformat() for n in notices}


def _record_left(path: Path, chosen: Path) -> None:
    """Numbers issued by the current file's log but missing from the backup put back."""
    current, restored = _log_numbers(path), _log_numbers(chosen)
    left = [(n, d) for n, d in current.items() if n not in restored]
    if left:
        sidecar = path.parent / BACKUP_DIR / f"{path.stem}{LEFT_SUFFIX}"
        with sidecar.open("a", encoding="utf-8") as fh:
            fh.writelines(f"{n}\t{d}\n" for n, d in left)


def issued_elsewhere(path: Path, out_root: Path | None, latest_batch: str | None) -> frozenset[str]:
    """Numbers that left the office without being in the workbook's log: recorded by `restore`, or
    listed in the 运行摘要.txt of an output folder dated on or after the log's last run — that day's
    own summary too, for a log whose last rows were cut (a summary of another workbook's run in the
    same folder is not this workbook's history)."""
    from .outputs import run_summaries

    found: set[str] = set()
    sidecar = path.parent / BACKUP_DIR / f"{path.stem}{LEFT_SUFFIX}"
    if sidecar.is_file():
        found |= {line.split("\t")[0] for line in sidecar.read_text(encoding="utf-8").splitlines() if line.strip()}
    for day, workbook, lines in run_summaries(out_root):
        if (latest_batch is None or day >= latest_batch) and workbook in ("", path.name):
            found |= {m[1] for line in lines if (m := _NUMBER_LINE.match(line))}
    return frozenset(found)
