"""What `pip install .` ships: every template and data file must be covered by package-data."""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_template_and_data_file_is_packaged():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = config["package-data"]
    folders = {"ledger.templates": ROOT / "templates", "ledger.data": ROOT / "ledger" / "data"}
    missing = []
    for package, folder in folders.items():
        for f in folder.rglob("*"):
            if f.is_dir() or f.suffix in (".py", ".pyc") or "__pycache__" in f.parts:
                continue
            rel = f.relative_to(folder).as_posix()
            if not any(fnmatch.fnmatch(rel, p) for p in patterns.get(package, [])):
                missing.append(f"{package}: {rel}")
    assert missing == []
