"""The clerk's console: GBK code pages, --json for scripts, --quiet, and Windows-safe code."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sample(tmp_path) -> Path:
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    return book


def ledger(*args: str, encoding: str = "utf-8", cwd: Path | None = None,
           terminal: bool = False) -> subprocess.CompletedProcess:
    """The CLI in a child process; `terminal` makes it draw as on a console window (rich's
    TTY_COMPATIBLE), otherwise it writes as into a pipe or log file."""
    env = dict(os.environ, PYTHONIOENCODING=encoding, TTY_COMPATIBLE="1" if terminal else "0", COLUMNS="100")
    env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-m", "ledger.cli", *args], capture_output=True, env=env, cwd=cwd,
                          timeout=120)


def test_gbk_console_gets_gbk_text_and_no_traceback(sample, tmp_path):
    # “✂”, “—” and emoji-free Chinese: everything the run prints must survive a GBK (cp936) console
    r = ledger("run", str(sample), "--date", "2026-11-23", "--out", str(tmp_path / "out"), encoding="gbk")
    assert r.returncode == 1, r.stderr.decode("gbk", "replace")
    out = r.stdout.decode("gbk")
    assert "本次发出督办单 13 份：蓝色 5 份，黄色 5 份，红色 3 份" in out
    assert "Traceback" not in out + r.stderr.decode("gbk", "replace")
    assert "生成督办单" in r.stderr.decode("gbk")   # stage progress goes to stderr


def test_console_window_gets_bars_and_tables_in_gbk(sample, tmp_path):
    """On a console (here a GBK one, as on Chinese Windows) the stages are progress bars and the
    summary's figures are tables; rich falls back to ASCII lines where the encoding lacks box
    drawing, so the bytes are strict GBK."""
    r = ledger("run", str(sample), "--date", "2026-11-23", "--out", str(tmp_path / "out"), encoding="gbk",
               terminal=True)
    assert r.returncode == 1
    out, err = r.stdout.decode("gbk"), r.stderr.decode("gbk")      # strict: raises on mojibake
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert "Traceback" not in out + err
    assert re.search(r"\|\s+7 \|\s+1 \|\s+1 \|\s+15 \|", plain)          # 未到期 临期 今日到期 逾期 …
    assert re.search(r"\| 红督〔2026〕3号\s+\| DB2026-016 \| 县应急管理局\s+\|\s+24 天 \|", plain)
    assert "本次发出督办单 13 份：蓝色 5 份，黄色 5 份，红色 3 份" in plain
    assert "督办台账!I28 交办日期“下周一”无法识别为日期" in plain      # problems stay whole lines
    bars = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err).replace("\r", "\n")
    for name in ("读取台账", "计算应办结日期和状态", "生成督办单（13 份新发）和周汇总", "备份并写回台账"):
        assert re.search(re.escape(name) + r"\s+-+ 100% \d:\d\d:\d\d", bars), name


def test_gbk_console_survives_characters_gbk_lacks(tmp_path):
    from tests.conftest import task, write_ledger

    book = write_ledger(tmp_path / "台账.xlsx", [task("A1", "下周一😀")])
    r = ledger("check", str(book), "--date", "2026-11-23", encoding="gbk")
    assert r.returncode == 1
    assert "交办日期“下周一?”无法识别为日期" in r.stdout.decode("gbk")


def test_json_output_schema(sample, tmp_path):
    r = ledger("run", str(sample), "--date", "2026-11-23", "--out", str(tmp_path / "out"), "--json")
    assert r.returncode == 1 and r.stderr == b""          # no progress lines mixed into JSON
    data = json.loads(r.stdout.decode("utf-8"))
    assert set(data) == {"exit_code", "written", "message", "code", "error", "problems", "out_dir", "backup", "run_date",
                         "workbook", "tasks", "sheets", "incomplete_sheets", "states", "issued",
                         "provisional_years", "moved_notices", "feedback", "notices_of_the_day"}
    assert [(s["sheet"], s["header_row"], s["tasks"]) for s in data["sheets"]] == [("督办台账", 3, 42)]
    # rows 6, 9 and 14 (年底前, 第四季度, 12月底: D 2026-12-31) have their 黄 date in 2027 (D + 5 days),
    # estimated until 2027 is published
    assert (data["provisional_years"], data["moved_notices"]) == ([2027], [])
    estimated = [p["row"] for p in data["problems"] if p["message"].startswith("2027年放假安排尚未公布")]
    assert estimated == [6, 9, 14]
    assert {p["code"] for p in data["problems"] if p["row"] in estimated} == {"calendar-provisional"}
    assert (data["exit_code"], data["written"], data["tasks"], data["run_date"]) == (1, True, 42, "2026-11-23")
    assert len(data["issued"]) == 13
    assert set(data["issued"][0]) == {"number", "task_id", "color", "units", "deadline", "overdue_days"}
    errors = [p for p in data["problems"] if p["severity"] == "错误"]
    # I28 交办日期“下周一”, E30 责任单位“县发改委” (not in 单位名录), J41 完成时限“尽快”
    assert [(p["sheet"], p["row"], p["column"], p["code"]) for p in errors] == [
        ("督办台账", 28, "I", "date-unreadable"), ("督办台账", 30, "E", "task-unit-unknown"),
        ("督办台账", 41, "J", "limit-unreadable")]
    assert data["code"] is None
    again = json.loads(ledger("run", str(sample), "--date", "2026-11-23", "--out", str(tmp_path / "out"),
                              "--json").stdout.decode("utf-8"))
    assert again["issued"] == [] and again["notices_of_the_day"] == data["issued"]   # a rerun: nothing new
    refused = ledger("run", str(sample), "--date", "2026-11-01", "--json")
    data = json.loads(refused.stdout.decode("utf-8"))
    assert refused.returncode == 2 and data["written"] is False and "早于督办记录中最近一次运行" in data["message"]
    assert data["code"] == "run-date-before-log"


def test_quiet_prints_only_what_needs_attention(sample, tmp_path):
    r = ledger("run", str(sample), "--date", "2026-11-23", "--out", str(tmp_path / "out"), "--quiet")
    lines = r.stdout.decode("utf-8").splitlines()
    assert r.returncode == 1 and r.stderr == b""
    # the estimated year is said once, not once per row
    assert lines[0].startswith("2027年放假安排尚未公布：3 项任务")
    assert len(lines) == 6 and all(line.strip().startswith("督办台账!") for line in lines[1:])


POSIX_ONLY = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "posix", "crypt"}


def test_package_uses_no_posix_only_modules_or_calls():
    """Clerks run this on Windows: the package must not import POSIX-only modules or call
    os.fork / os.getuid / os.chown / signal.SIGKILL unguarded."""
    offenders = []
    for path in (ROOT / "ledger").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                offenders += [f"{path.name}: import {a.name}" for a in node.names if a.name.split(".")[0] in POSIX_ONLY]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_ONLY:
                offenders.append(f"{path.name}: from {node.module}")
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                    and node.attr in ("fork", "getuid", "geteuid", "chown", "setsid", "killpg", "getpgid"):
                offenders.append(f"{path.name}: os.{node.attr}")
    assert offenders == []


def test_output_file_names_are_valid_on_windows(sample, tmp_path):
    from ledger.batch import run_weekly

    out = tmp_path / "out"
    run_weekly(sample, __import__("datetime").date(2026, 11, 23), out)
    names = [p.name for p in out.rglob("*")] + [p.name for p in (sample.parent / "台账备份").iterdir()]
    bad = [n for n in names if set(n) & set('<>:"/\\|?*') or n.rstrip() != n or n.endswith(".")
           or n.split(".")[0].upper() in {"CON", "PRN", "AUX", "NUL"}]
    assert names and bad == []


HEAVY = ("pandas", "matplotlib", "docxtpl", "docx", "openpyxl")


def test_heavy_libraries_load_only_where_needed(sample, tmp_path):
    """`ledger --help` starts with none of them; a weekly run with no period ending needs neither
    pandas (period reports) nor matplotlib (their chart) nor openpyxl (workbook building)."""
    code = (
        "import sys, datetime, pathlib\n"
        "import ledger.cli\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "from ledger.batch import run_weekly\n"
        "r = run_weekly(pathlib.Path(sys.argv[1]), datetime.date(2026, 11, 23), pathlib.Path(sys.argv[2]))\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), r.exit_code, len(r.outcome.new_notices))\n")
    out = subprocess.run([sys.executable, "-c", code, str(sample), str(tmp_path / "out")], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    startup, run = out.stdout.splitlines()
    assert startup == "[]"
    assert run == "['docx', 'docxtpl'] 1 13"       # the 13 notices were rendered, with docxtpl's patching


def test_every_styled_state_and_colour_is_one_of_the_vocabulary():
    """A style keyed by a word the tool never writes (once: 已办结) silently never shows."""
    from ledger import console
    from ledger.core.schema import STATES, Color

    assert set(console._STATE_STYLE) <= set(STATES)
    assert set(console._STYLE) == set(Color)
    assert "按时办结" in console._STATE_STYLE
