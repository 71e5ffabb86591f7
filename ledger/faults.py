"""Fault-injection checkpoints for the crash-safety tests (SPEC §5).

`checkpoint("after-replace")` does nothing unless the environment variable LEDGER_FAULT names
that checkpoint; then the process kills itself on the spot (SIGKILL where there is one), exactly
as a power cut or a closed console window would. The tests run real subprocesses with each
checkpoint and check that the workbook, the log and the documents are never out of step.
"""

from __future__ import annotations

import os
import signal

CHECKPOINTS = (
    "after-load",        # workbook read, nothing computed
    "after-evaluate",    # notices numbered, nothing written
    "after-stage",       # documents rendered into the staging folder
    "after-temp",        # the new workbook is complete in its temp file
    "after-backup",      # backup taken, original not yet replaced
    "after-replace",     # commit point passed; documents not yet published
    "mid-publish",       # some documents moved into the output folder
)


def checkpoint(name: str) -> None:
    if os.environ.get("LEDGER_FAULT") != name:
        return
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(137)
