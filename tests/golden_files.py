"""Golden-file comparison shared by the document tests (regenerate with UPDATE_GOLDEN=1, then
review the diff: a golden file is only as good as the reading it got)."""

import os
from pathlib import Path

GOLDEN_ROOT = Path(__file__).parent / "golden"


def check_golden(folder: str, name: str, actual: str) -> None:
    path = GOLDEN_ROOT / folder / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"
