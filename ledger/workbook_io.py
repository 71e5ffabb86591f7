"""Touching the clerk's file safely (SPEC §5): lock detection, backups, atomic replace.

The workbook is sacred. Before a write: refuse when Excel/WPS/LibreOffice holds it open or it
changed since it was read; take a timestamped backup; write a temp file in the same folder and
`os.replace` it over the original, so a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .core import problems as P

BACKUP_DIR = "台账备份"


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> "Fingerprint":
        st = path.stat()
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return cls(st.st_size, st.st_mtime_ns, h.hexdigest())


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def locate_workbook(path: Path) -> Path:
    """The workbook the clerk means, or a LedgerError saying what to type instead — before any
    progress is shown. Windows hides extensions, so `示例台账` finds `示例台账.xlsx` when exactly
    one workbook has that name; a folder is named as a folder. The path returned is absolute, so
    every summary says exactly which file and folders were used."""
    path = Path(os.path.abspath(path))
    if path.is_file():
        return path
    if path.is_dir():
        inside = _workbooks_in(path)
        hint = ("，其中的台账有：" + "、".join(f"“{f.name}”" for f in inside[:5])) if inside else "，其中没有 .xlsx 台账"
        example = path / (inside[0].name if inside else "台账.xlsx")
        raise P.FILE_IS_FOLDER.error(path=path, inside=hint, example=example)
    if path.suffix.lower() not in (*WORKBOOK_SUFFIXES, ".xls", ".et"):
        found = [p for p in (path.with_name(path.name + s) for s in (*WORKBOOK_SUFFIXES, ".xls", ".et"))
                 if p.is_file()]
        if len(found) == 1:
            return found[0]
        if found:
            raise P.FILE_AMBIGUOUS.error(name=path.name, found="、".join(f"“{f.name}”" for f in found))
    inside = _workbooks_in(path.parent) if path.parent.is_dir() else []
    hint = (f"“{path.parent}”中的台账有：" + "、".join(f"“{f.name}”" for f in inside[:5]) + "。") if inside else ""
    raise P.FILE_MISSING.error(path=path, inside=hint)


def _workbooks_in(folder: Path) -> list[Path]:
    try:
        return sorted(f for f in folder.iterdir() if f.suffix.lower() in WORKBOOK_SUFFIXES
                      and not f.name.startswith(("~$", ".")) and f.is_file())
    except OSError:
        return []


def owner_files(path: Path) -> list[Path]:
    """Lock files Office programs leave beside an open workbook."""
    name = path.name
    candidates = {
        path.with_name("~$" + name),             # Excel / WPS
        path.with_name("~$" + name[2:]) if len(name) > 2 else path.with_name("~$" + name),  # long names
        path.with_name(f".~lock.{name}#"),       # LibreOffice
    }
    return sorted(p for p in candidates if p.exists())


def ensure_writable(path: Path) -> None:
    """Raise LedgerError when the workbook is open elsewhere or cannot be written."""
    locks = owner_files(path)
    if locks:
        raise P.FILE_OPEN_ELSEWHERE.error(name=path.name, lock=locks[0].name)
    try:
        with path.open("r+b"):
            pass
    except PermissionError:
        raise P.FILE_READ_ONLY.error(name=path.name) from None


def check_unchanged(path: Path, before: Fingerprint) -> None:
    if Fingerprint.of(path) != before:
        raise P.FILE_CHANGED.error(name=path.name)


STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
STAMP_LENGTH = 22


def backup(path: Path, keep: int, now: datetime | None = None, label: str = "") -> Path:
    """Copy the workbook into 台账备份/ beside it; keep the newest `keep` backups of this file.
    `label` says what the backup preceded (`2026-11-30运行前`, `恢复前`); it follows the time stamp
    in the file name, so `ledger restore` can show it and the names still sort by time."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = (now or datetime.now()).strftime(STAMP_FORMAT)
    tag = f".{label}" if label else ""
    target = folder / f"{path.stem}.{stamp}{tag}{path.suffix}"
    shutil.copy2(path, target)
    if keep > 0:
        mine = sorted(folder.glob(f"{glob_escape(path.stem)}.*{path.suffix}"))
        for old in mine[:-keep]:
            old.unlink(missing_ok=True)
    return target


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "[]*?" else c for c in text)


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")


def replace_atomically(tmp: Path, path: Path, attempts: int = 5, delay: float = 0.4) -> Path:
    """`os.replace` with bounded retries (Windows refuses while a reader holds the file).

    When it still fails, keep the result as ``<name>.updated.xlsx`` and say so, instead of losing it.
    """
    for i in range(attempts):
        try:
            _fsync(tmp)
            os.replace(tmp, path)
            return path
        except PermissionError:
            if i + 1 < attempts:
                time.sleep(delay)
    fallback = path.with_name(f"{path.stem}.updated{path.suffix}")
    os.replace(tmp, fallback)
    raise P.FILE_REPLACE_BLOCKED.error(name=path.name, fallback=fallback.name)


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class RunLock:
    """Exclusive claim on a workbook for one `ledger run`, from reading it to replacing it.

    Two runs at once would compute the same notice numbers; the second one is refused. The lock
    file (``.<name>.ledger-lock`` beside the workbook) holds the owner's pid; a lock whose process
    is gone, or that is older than `stale_after` seconds, is taken over.
    """

    def __init__(self, path: Path, stale_after: float = 3600):
        self.lock = path.with_name(f".{path.name}.ledger-lock")
        self.path = path
        self.stale_after = stale_after
        self._held = False

    def __enter__(self) -> "RunLock":
        for _ in range(2):
            try:
                fd = os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                if self._stale():
                    self.lock.unlink(missing_ok=True)
                    continue
                raise P.FILE_LOCKED_BY_RUN.error(name=self.path.name, lock=self.lock.name) from None
            except OSError:
                return self  # a read-only folder: the write itself will report the problem
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            self._held = True
            return self
        raise P.FILE_LOCK_FAILED.error(name=self.path.name)

    def __exit__(self, *exc) -> None:
        if self._held:
            self.lock.unlink(missing_ok=True)
            self._held = False

    def _stale(self) -> bool:
        try:
            age = time.time() - self.lock.stat().st_mtime
            pid = int(self.lock.read_text().strip() or 0)
        except (OSError, ValueError):
            return True
        if age > self.stale_after:
            return True
        return pid > 0 and not _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate on Windows; trust the age check there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def replace_with_patched(path: Path, fingerprint: "Fingerprint | None", keep: int, patch, *, label: str = "",
                         untouched: str = "台账未被修改。", advice: str = "请用 Excel/WPS 打开后“另存为”新文件，"
                         "或用 ledger restore 从备份恢复。", step=lambda name: None) -> Path:
    """The one way the clerk's workbook is rewritten (SPEC §7): `patch(tmp)` writes the patched copy
    beside it, the original is backed up, checked unchanged since it was read, and atomically
    replaced. A refusal of the patcher or a damaged package becomes a LedgerError saying the
    workbook was not touched (`untouched`) and what to do (`advice`). `step(name)` marks the
    commit order for the crash tests. Returns the backup."""
    from lxml import etree

    from .reading.reader import ZIP_DAMAGE
    from .xlsx.patch import PatchError

    tmp = temp_path(path)
    try:
        patch(tmp)
        step("after-temp")
        saved = backup(path, keep, label=label)
        step("after-backup")
        check_unchanged(path, fingerprint)
        replace_atomically(tmp, path)
    except PatchError as exc:
        raise P.FILE_WRITE_REFUSED.error(reason=exc, untouched=untouched) from exc
    except (*ZIP_DAMAGE, etree.XMLSyntaxError) as exc:
        raise P.FILE_WRITE_DAMAGED.error(name=path.name, reason=f"{type(exc).__name__}: {exc}", untouched=untouched,
                                         advice=advice) from exc
    finally:
        tmp.unlink(missing_ok=True)  # gone after a successful replace; never left behind otherwise
    return saved
