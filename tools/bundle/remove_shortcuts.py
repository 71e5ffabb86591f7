"""Remove the Desktop launchers that run this installation's Python (used by 卸载.cmd / 卸载.sh).

Run with the installed environment's python before the environment is deleted: it finds the
Desktop the same way `ledger shortcut` does and removes every 督办台账每周运行（…） launcher whose
command line runs this very interpreter. Launchers of another installation stay; the ledgers and
their outputs are never touched. Prints one line per removed launcher.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ledger.core.errors import LedgerError
from ledger.shortcut import TITLE, cmd_text, desktop_entry_text, find_desktop


def our_python_token(windows: bool) -> str:
    """How this interpreter's path appears in a launcher written by `ledger shortcut`."""
    if windows:  # the line starts with the quoted interpreter
        line = next(t for t in cmd_text("C:\\x\\x.xlsx", "C:\\x", sys.executable).splitlines()
                    if " -m ledger.cli run " in t)
        return line.split(" -m ledger.cli run ", 1)[0]
    # Exec=/bin/sh -c "<script>" ledger <interpreter> -m ledger.cli run ...; the script has no "ledger"
    line = next(t for t in desktop_entry_text("/x.xlsx", "/x", sys.executable, "x").splitlines()
                if t.startswith("Exec="))
    return line.split(" -m ledger.cli run ", 1)[0].split(" ledger ", 1)[1]


def main() -> int:
    windows = sys.platform.startswith("win")
    try:
        desktop = find_desktop("windows" if windows else "linux")
    except LedgerError:
        return 0
    token = our_python_token(windows)
    suffix = ".cmd" if windows else ".desktop"
    for launcher in sorted(desktop.glob(f"{TITLE}（*）{suffix}")):
        try:
            text = launcher.read_text(encoding="utf-8")
            if token in text and " -m ledger.cli run " in text:
                launcher.unlink()
                print(f"已删除桌面快捷方式：{launcher}")
        except (OSError, UnicodeDecodeError):
            continue
    return 0


if __name__ == "__main__":
    sys.exit(main())
