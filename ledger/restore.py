"""`ledger restore`: list the workbook's backups and put one back (SPEC §5).

Restoring is itself a write to the clerk's file, so it follows the same rules as a run: refuse
while the workbook is open elsewhere, back up the current file first, replace atomically.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .core.errors import LedgerError
from .workbook_io import BACKUP_DIR, RunLock, backup, ensure_writable, glob_escape, replace_atomically, temp_path


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    size: int


def list_backups(path: Path) -> list[Backup]:
    """Backups of this workbook, newest first."""
    folder = path.parent / BACKUP_DIR
    found = []
    for f in folder.glob(f"{glob_escape(path.stem)}.*{path.suffix}") if folder.is_dir() else []:
        stamp = f.name[len(path.stem) + 1: -len(path.suffix)]
        try:
            taken = datetime.strptime(stamp, "%Y%m%d-%H%M%S-%f")
        except ValueError:
            continue
        found.append(Backup(f, taken, f.stat().st_size))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def listing_text(path: Path, backups: list[Backup]) -> str:
    if not backups:
        return f"“{path.name}”还没有备份（每次运行写入台账前会自动备份到“{BACKUP_DIR}”文件夹）。"
    lines = [f"“{path.name}”的备份（最新在前）："]
    lines += [f"  {i}. {b.taken:%Y-%m-%d %H:%M:%S}  {b.size / 1024:,.0f} KB  {b.path.name}"
              for i, b in enumerate(backups, start=1)]
    lines.append("恢复其中一份：ledger restore 台账.xlsx --pick 序号")
    return "\n".join(lines)


def restore(path: Path, pick: int, keep: int = 20) -> tuple[Backup, Path]:
    """Put backup number `pick` (1 = newest) back. Returns (restored, backup of the current file)."""
    backups = list_backups(path)
    if not 1 <= pick <= len(backups):
        raise LedgerError(f"没有序号为 {pick} 的备份：现有 {len(backups)} 份，请先运行 ledger restore {path.name} 查看。")
    chosen = backups[pick - 1]
    with RunLock(path):
        if path.exists():
            ensure_writable(path)
            saved = backup(path, keep + 1)  # the current file is kept too, beyond the usual count
        else:
            saved = chosen.path
        tmp = temp_path(path)
        try:
            shutil.copyfile(chosen.path, tmp)
            replace_atomically(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return chosen, saved
