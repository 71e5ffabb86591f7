"""SPEC §5 under fire: a run killed (SIGKILL) at any point never leaves a damaged workbook, nor
notice numbers in documents that the log does not hold; rerunning the same date completes it."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from ledger.faults import CHECKPOINTS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "示例台账.xlsx"
NUMBER = re.compile(r"[蓝黄红]督〔\d{4}〕\d+号")
RUN = [sys.executable, "-m", "ledger.cli", "run"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL needs a POSIX system")


def run(book: Path, out: Path, fault: str | None = None, wait: bool = True):
    env = dict(os.environ, LEDGER_FAULT=fault or "")
    cmd = [*RUN, str(book), "--date", "2026-11-23", "--out", str(out)]
    proc = subprocess.Popen(cmd, env=env, cwd=book.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if wait:
        proc.wait(timeout=120)
    return proc


def log_numbers(book: Path) -> set[str]:
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("督办记录").to_python()
    return {r[0] for r in rows[1:]}


def document_numbers(folder: Path) -> set[str]:
    found: set[str] = set()
    for f in folder.glob("*") if folder.exists() else []:
        if f.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(f) as zf:
                text = "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))
        elif f.suffix == ".html":
            text = f.read_text(encoding="utf-8")
        else:
            continue
        found |= set(NUMBER.findall(text))
    return found


def documents(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in folder.iterdir() if f.suffix != ".txt"}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run: what every interrupted run must end up as after a rerun."""
    tmp = tmp_path_factory.mktemp("ref")
    book = tmp / "示例台账.xlsx"
    shutil.copy(SAMPLE, book)
    assert run(book, tmp / "out").returncode == 1
    return log_numbers(book), documents(tmp / "out" / "2026-11-23")


def check_consistent(book: Path, out: Path, original: bytes) -> None:
    data = book.read_bytes()
    assert zipfile.is_zipfile(book), "workbook damaged"
    logged = log_numbers(book)      # opens: never half a file
    if data == original:
        assert logged == log_numbers(SAMPLE)
    assert document_numbers(out / "2026-11-23") <= logged, "documents name notices the log does not hold"
    assert not list(out.glob("2026-11-23/.*"))


@pytest.mark.parametrize("fault", CHECKPOINTS)
def test_killed_at_each_checkpoint_then_rerun_completes(fault, tmp_path, reference):
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(SAMPLE, book)
    original = book.read_bytes()
    proc = run(book, tmp_path / "out", fault)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    check_consistent(book, tmp_path / "out", original)
    if fault in ("after-load", "after-evaluate", "after-stage", "after-temp", "after-backup"):
        assert book.read_bytes() == original  # the commit point was not reached
    else:
        assert book.read_bytes() != original
    # the next run (same date) finishes the job: same log, same documents as an uninterrupted run
    assert run(book, tmp_path / "out").returncode == 1
    numbers, docs = reference
    assert log_numbers(book) == numbers
    assert documents(tmp_path / "out" / "2026-11-23") == docs
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temp or lock files left


def test_timing_sweep_kills_anywhere(tmp_path, reference):
    """Kill at evenly spread moments of a real run (mid-read, mid-write, mid-publish…)."""
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(SAMPLE, book)
    t = time.perf_counter()
    run(book, tmp_path / "probe")
    duration = time.perf_counter() - t
    damaged = 0
    for i in range(12):
        shutil.copy(SAMPLE, book)
        out = tmp_path / f"out{i}"
        proc = run(book, out, wait=False)
        time.sleep(duration * i / 12)
        proc.kill()
        proc.wait(timeout=60)
        check_consistent(book, out, SAMPLE.read_bytes())
        rerun = run(book, out)
        assert rerun.returncode == 1, (i, rerun.stderr.read().decode("utf-8", "replace"))
        damaged += log_numbers(book) != reference[0]
    assert damaged == 0
