"""The Desktop launcher: exact .cmd text for Windows, a .desktop entry whose Exec line really runs
the weekly command with every awkward path character intact, and finding the real Desktop."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger import shortcut
from ledger.core.errors import LedgerError
from ledger.shortcut import (
    DONE_MESSAGE,
    PRESS_ENTER,
    cmd_text,
    create_shortcut,
    find_desktop,
    open_folder,
)

WINDOWS_RESERVED = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


def book(folder: Path, name: str = "台账.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"PK\x03\x04")  # the launcher never opens the workbook; it only has to exist
    return path


# --- Windows -------------------------------------------------------------------------------------

def test_cmd_text_quotes_absolute_paths_and_doubles_percent():
    text = cmd_text(r"D:\督查室\2026 台账 100%\重点 任务!台账.xlsx", r"D:\督查室\2026 台账 100%\督办输出",
                    r"C:\Program Files\Python311\python.exe")
    assert text == (
        "@echo off\r\n"
        "chcp 65001 >nul\r\n"
        "setlocal EnableExtensions DisableDelayedExpansion\r\n"
        "title 督办台账每周运行\r\n"
        'pushd "D:\\督查室\\2026 台账 100%%"\r\n'
        '"C:\\Program Files\\Python311\\python.exe" -m ledger.cli run '
        '"D:\\督查室\\2026 台账 100%%\\重点 任务!台账.xlsx" --out "D:\\督查室\\2026 台账 100%%\\督办输出" --open\r\n'
        "echo.\r\n"
        "echo 运行结束。请阅读上面的运行摘要：督办单和运行摘要.txt 在摘要所列的输出文件夹中。\r\n"
        "pause\r\n"
    )


def test_cmd_text_for_a_workbook_at_a_drive_root_enters_the_root():
    assert 'pushd "E:\\"\r\n' in cmd_text(r"E:\台账.xlsx", r"E:\督办输出", r"C:\Python311\python.exe")


def test_windows_launcher_file_is_utf8_without_bom_with_ascii_lines_before_chcp(tmp_path):
    wb = book(tmp_path / "督查室 2026 100%", "台账 2026.xlsx")
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    python = tmp_path / "Python 311" / "python.exe"

    written = create_shortcut(wb, desktop=desktop, platform="windows", python=python)

    assert written == desktop / "督办台账每周运行（台账 2026）.cmd"
    assert not WINDOWS_RESERVED & set(written.name)
    data = written.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8") == cmd_text(str(wb), None, str(python))
    assert b"\n" not in data.replace(b"\r\n", b"")
    first, second = data.split(b"\r\n")[:2]
    assert (first, second) == (b"@echo off", b"chcp 65001 >nul")
    first_non_ascii = next(i for i, b in enumerate(data) if b >= 0x80)
    assert data.index(b"chcp 65001") < first_non_ascii
    # no --out: the run uses the output folder every command uses (参数“输出目录” or 督办输出 beside it)
    assert f'"{wb}" --open\r\n'.replace("%", "%%") in data.decode("utf-8")
    assert "--out" not in data.decode("utf-8")


def test_windows_refuses_a_double_quote_in_a_path(tmp_path):
    wb = book(tmp_path / 'say "hi"')
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    with pytest.raises(LedgerError, match="双引号"):
        create_shortcut(wb, desktop=desktop, platform="windows", python=Path("/py/python.exe"))
    assert list(desktop.iterdir()) == []
    with pytest.raises(LedgerError, match="换行"):
        cmd_text("D:\\a\nb.xlsx", "D:\\out", "C:\\python.exe")


def test_missing_workbook_is_refused(tmp_path):
    with pytest.raises(LedgerError, match="找不到台账文件") as err:
        create_shortcut(tmp_path / "没有这个台账.xlsx", desktop=tmp_path, platform="windows")
    assert "没有这个台账.xlsx" in err.value.message


def test_xls_workbook_is_refused(tmp_path):
    with pytest.raises(LedgerError, match=r"另存为.*\.xlsx"):
        create_shortcut(book(tmp_path, "旧台账.xls"), desktop=tmp_path, platform="windows")


def test_missing_desktop_folder_is_refused(tmp_path):
    with pytest.raises(LedgerError, match="找不到桌面文件夹"):
        create_shortcut(book(tmp_path), desktop=tmp_path / "没有桌面", platform="linux")


# --- finding the Desktop on Windows --------------------------------------------------------------

def test_windows_desktop_from_registry_expands_userprofile(tmp_path):
    real = tmp_path / "王科员" / "OneDrive - 某县人民政府" / "桌面"
    real.mkdir(parents=True)
    (tmp_path / "王科员" / "Desktop").mkdir()  # the stale local one must lose
    env = {"userprofile": str(tmp_path / "王科员")}  # Windows variable names ignore case
    found = find_desktop("windows", env, registry=lambda: r"%USERPROFILE%\OneDrive - 某县人民政府\桌面")
    assert found == real


def test_windows_desktop_without_registry_uses_onedrive_desktop(tmp_path):
    (tmp_path / "OneDrive" / "Desktop").mkdir(parents=True)
    (tmp_path / "user" / "Desktop").mkdir(parents=True)
    env = {"OneDrive": str(tmp_path / "OneDrive"), "USERPROFILE": str(tmp_path / "user")}
    assert find_desktop("windows", env, registry=lambda: None) == tmp_path / "OneDrive" / "Desktop"


def test_windows_desktop_falls_back_to_userprofile(tmp_path):
    (tmp_path / "OneDrive").mkdir()  # OneDrive without a redirected Desktop
    (tmp_path / "user" / "Desktop").mkdir(parents=True)
    env = {"OneDrive": str(tmp_path / "OneDrive"), "USERPROFILE": str(tmp_path / "user")}
    def registry() -> str:
        return r"%USERPROFILE%\已删除的桌面"  # points nowhere: ignored

    assert find_desktop("windows", env, registry=registry) == tmp_path / "user" / "Desktop"


def test_windows_desktop_not_found_says_how_to_choose_one(tmp_path):
    with pytest.raises(LedgerError, match="--desktop"):
        find_desktop("windows", {"USERPROFILE": str(tmp_path)}, registry=lambda: None)


# --- Linux ---------------------------------------------------------------------------------------

def test_linux_desktop_from_user_dirs_file(tmp_path):
    (tmp_path / "桌面").mkdir()
    (tmp_path / "Desktop").mkdir()
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/文档"\nXDG_DESKTOP_DIR="$HOME/桌面"\n',
                                                        encoding="utf-8")
    assert find_desktop("linux", {"HOME": str(tmp_path), "PATH": ""}) == tmp_path / "桌面"


@pytest.mark.skipif(shutil.which("xdg-user-dir") is None, reason="xdg-user-dir not installed")
def test_linux_desktop_from_xdg_user_dir(tmp_path):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "我的 桌面").mkdir()
    (tmp_path / "cfg" / "user-dirs.dirs").write_text('XDG_DESKTOP_DIR="$HOME/我的 桌面"\n', encoding="utf-8")
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "PATH": os.environ["PATH"]}
    assert find_desktop("linux", env) == tmp_path / "我的 桌面"


def test_linux_desktop_falls_back_to_home_desktop(tmp_path):
    (tmp_path / "Desktop").mkdir()
    assert find_desktop("linux", {"HOME": str(tmp_path), "PATH": ""}) == tmp_path / "Desktop"


def unescape_string(value: str) -> str:
    """Key-file string escapes; any other backslash sequence is invalid (GLib refuses it)."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[value[i + 1]])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def split_exec(command: str) -> list[str]:
    """Exec argument splitting per the Desktop Entry spec, written independently of shortcut.py."""
    args, current, quoted, i = [], None, False, 0
    while i < len(command):
        c = command[i]
        if c == "%":
            assert command[i + 1] == "%", "unexpected field code"
            current = (current or "") + "%"
            i += 2
            continue
        if quoted:
            if c == "\\":
                assert command[i + 1] in '"`$\\', f"bad escape in quoted argument: {command[i:i + 2]!r}"
                current += command[i + 1]
                i += 2
                continue
            if c == '"':
                quoted = False
            else:
                current += c
        elif c == " ":
            if current is not None:
                args.append(current)
            current = None
        elif c == '"':
            quoted, current = True, current or ""
        else:
            assert c not in "\t\n\"'\\><~|&;$*?#()`", f"reserved character {c!r} outside quotes"
            current = (current or "") + c
        i += 1
    assert not quoted
    if current is not None:
        args.append(current)
    return args


@pytest.mark.parametrize("folder", ["/srv/督办/100%", "/home/王科员/桌面", "/data/a'b(1)~#", "/opt/\\x\\$y"])
def test_exec_line_round_trips_each_path(folder):
    text = shortcut.desktop_entry_text(f"{folder}/台账.xlsx", f"{folder}/督办输出", "/usr/bin/python3", "督办")
    exec_value = next(line for line in text.splitlines() if line.startswith("Exec="))[len("Exec="):]
    assert split_exec(unescape_string(exec_value))[3:] == [
        "ledger", "/usr/bin/python3", "-m", "ledger.cli", "run", f"{folder}/台账.xlsx", "--out", f"{folder}/督办输出",
        "--open"]


AWKWARD = "督查室 $HOME `id` it's 100% a\\b \"q\" ;&|*#"


@pytest.fixture
def linux_launcher(tmp_path, monkeypatch):
    """A .desktop launcher for a workbook whose folder name holds every awkward character, with a
    fake python (records its argv) and a fake gio (records the trust call) on PATH."""
    folder = tmp_path / AWKWARD
    wb = book(folder, "台账 2026.xlsx")
    record = tmp_path / "argv.json"
    python = folder / "假 python"
    python.write_text(f"#!{sys.executable}\nimport json, sys\n"
                      f"open({str(record)!r}, 'w', encoding='utf-8').write(json.dumps(sys.argv[1:]))\n",
                      encoding="utf-8")
    python.chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gio").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/gio.txt"\n', encoding="utf-8")
    (bin_dir / "gio").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    desktop = tmp_path / "桌面"
    desktop.mkdir()
    out = folder / "督办输出"
    written = create_shortcut(wb, desktop=desktop, platform="linux", python=python)
    return written, wb, out, python, record


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_entry_keys(linux_launcher):
    written, wb, _out, _python, _record = linux_launcher
    assert written.name == "督办台账每周运行（台账 2026）.desktop"
    assert stat.S_IMODE(written.stat().st_mode) == 0o755
    entry = read_entry(written)
    assert {k: entry[k] for k in ("Type", "Name", "Terminal", "Icon")} == {
        "Type": "Application", "Name": "督办台账每周运行（台账 2026）", "Terminal": "true",
        "Icon": "x-office-spreadsheet"}
    assert unescape_string(entry["Path"]) == str(wb.parent)
    gio_args = (written.parent.parent / "gio.txt").read_text(encoding="utf-8").splitlines()
    assert gio_args == ["set", str(written), "metadata::trusted", "true"]


def test_desktop_entry_exec_runs_the_weekly_command_and_waits(linux_launcher):
    written, wb, out, _python, record = linux_launcher
    entry = read_entry(written)
    argv = split_exec(unescape_string(entry["Exec"]))
    done = subprocess.run(argv, input=b"\n", capture_output=True, timeout=60, cwd=unescape_string(entry["Path"]),
                          check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(record.read_text(encoding="utf-8")) == [
        "-m", "ledger.cli", "run", str(wb), "--open"]
    shown = done.stdout.decode("utf-8")
    assert shown.endswith(f"{DONE_MESSAGE}\n{PRESS_ENTER}")


SYSTEM_GLIB = "/usr/bin/python3"


def _has_glib() -> bool:
    try:
        return subprocess.run([SYSTEM_GLIB, "-c", "from gi.repository import GLib"], capture_output=True,
                              timeout=30, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.skipif(not _has_glib(), reason="no system python with GLib introspection")
def test_glib_reads_the_exec_line_the_same_way(linux_launcher):
    written, wb, out, python, _record = linux_launcher
    probe = ("import json, sys\nfrom gi.repository import GLib\nkf = GLib.KeyFile()\n"
             "kf.load_from_file(sys.argv[1], GLib.KeyFileFlags.NONE)\n"
             "cmd = kf.get_string('Desktop Entry', 'Exec').replace('%%', '%')\n"
             "print(json.dumps(GLib.shell_parse_argv(cmd)[1]))\n")
    done = subprocess.run([SYSTEM_GLIB, "-c", probe, str(written)], capture_output=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr.decode()
    argv = json.loads(done.stdout)
    assert argv[:3] == ["/bin/sh", "-c", shortcut.WAIT_SCRIPT]
    assert argv[3:] == ["ledger", str(python), "-m", "ledger.cli", "run", str(wb), "--open"]


# --- open_folder ---------------------------------------------------------------------------------

def test_open_folder_without_an_opener_returns_false(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("PATH", "")
    assert open_folder(tmp_path) is False
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    assert open_folder(tmp_path) is False


def test_open_folder_starts_xdg_open_with_the_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "xdg-open").write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{tmp_path}/opened.tmp"\n'
                                      f'/bin/mv "{tmp_path}/opened.tmp" "{tmp_path}/opened.txt"\n', encoding="utf-8")
    (bin_dir / "xdg-open").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    folder = tmp_path / "督办输出 2026"
    folder.mkdir()
    assert open_folder(folder) is True
    deadline = time.monotonic() + 30
    while not (tmp_path / "opened.txt").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "opened.txt").read_text(encoding="utf-8") == str(folder)
    assert open_folder(tmp_path / "不存在") is False


def test_usage_text_names_the_icon_and_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")  # no gio
    wb = book(tmp_path / "督查室")
    written = create_shortcut(wb, desktop=tmp_path, platform="linux", python=Path("/usr/bin/python3"))
    text = shortcut.usage_text(written, wb)
    assert text.splitlines() == [
        f"已创建桌面快捷方式：{tmp_path / '督办台账每周运行（台账）.desktop'}",
        ("以后每周先关闭台账，再双击桌面上的“督办台账每周运行（台账）”：按当天日期运行，显示运行摘要，"
         f"并打开“{tmp_path / '督查室' / '督办输出'}”中以运行日期命名的输出文件夹。"),
        ("台账移动或改名后，请重新创建快捷方式：把台账文件拖到安装程序（安装.cmd 或 安装.sh）上再运行一次，"
         '或在台账所在文件夹的命令行中运行 ledger shortcut "台账.xlsx"。'),
        "如双击时提示“不可信的启动器”，请右键该图标选择“允许运行”（或“信任”）。",
    ]
