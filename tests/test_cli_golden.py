"""The whole screen of `check`, `run` and `run --json` on the sample at 2026-11-23, with the exit
code: golden files in tests/golden/cli/, so any change of wording, order or figures is a diff a
reviewer reads (regenerate with UPDATE_GOLDEN=1, then read the diff).

The figures in them are the sample's hand-computed ones (tests/test_sample_run.py: 13 notices,
蓝 5 / 黄 5 / 红 3, the three rows with data errors I28, E30, J41). Paths that depend on the machine
are normalised: the folder of the workbook becomes <台账文件夹>, the time stamp in a backup's name
<时间>.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.golden_files import check_golden
from tests.test_console import ROOT, ledger

DATE = "2026-11-23"


@pytest.fixture
def folder(tmp_path) -> Path:
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", tmp_path / "示例台账.xlsx")
    return tmp_path


def screen(folder: Path, *args: str) -> str:
    r = ledger(*args, cwd=folder)
    out = r.stdout.decode("utf-8")
    for form in (str(folder), json.dumps(str(folder), ensure_ascii=False)[1:-1]):
        out = out.replace(form, "<台账文件夹>")
    out = re.sub(r"\d{8}-\d{6}-\d{6}", "<时间>", out)
    return f"{out}--- 退出码 {r.returncode}\n"


def test_check(folder):
    check_golden("cli", "check.txt", screen(folder, "check", "示例台账.xlsx", "--date", DATE))


def test_run(folder):
    check_golden("cli", "run.txt", screen(folder, "run", "示例台账.xlsx", "--date", DATE))


def test_run_json(folder):
    text = screen(folder, "run", "示例台账.xlsx", "--date", DATE, "--json")
    check_golden("cli", "run-json.txt", text)
    data = json.loads(text.rsplit("--- 退出码", 1)[0])
    assert data["exit_code"] == 1 and len(data["issued"]) == 13


def test_a_refused_run_json(folder):
    """A run dated before the log's last batch: exit 2, the refusal's code, nothing written."""
    screen(folder, "run", "示例台账.xlsx", "--date", DATE)
    check_golden("cli", "run-json-refused.txt", screen(folder, "run", "示例台账.xlsx", "--date", "2026-11-16", "--json"))
