"""桌面快捷方式: a Desktop launcher for the weekly run of one workbook (`ledger shortcut 台账.xlsx`).

Clerks start the weekly batch by double-clicking an icon, not by typing a command. The launcher
runs ``<python> -m ledger.cli run <台账> --open`` (with ``--out`` only when the clerk chose a folder;
otherwise the run's own output folder, the same for every command) in a console window that stays
open until the clerk has read the run summary.

- Windows: a ``.cmd`` file (a ``.lnk`` would need pywin32). cmd.exe decodes every line with the
  console code page in force when it reads that line, so the file is UTF-8 without BOM and all
  bytes up to and including ``chcp 65001`` are ASCII. Paths are double-quoted; ``%`` is doubled
  because batch files expand ``%…%`` even inside quotes; ``"`` and line breaks cannot be quoted
  in cmd at all and are refused.
- Linux (统信 UOS、麒麟 and other freedesktop desktops): a ``.desktop`` entry with Terminal=true.
  The command reaches a fixed ``sh -c`` script as ``"$@"``, so paths are quoted only by the
  desktop-entry Exec rules, never by shell rules.

Finding the Desktop is the fiddly part: OneDrive and group policy move it on Windows, and a Chinese
locale names it 桌面 on Linux. The registry reader and the environment are injectable for tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from .core import problems as P
from .core.errors import LedgerError

TITLE = "督办台账每周运行"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SHELL_FOLDERS_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders"
DONE_MESSAGE = "运行结束。请阅读上面的运行摘要：督办单和运行摘要.txt 在摘要所列的输出文件夹中。"
PRESS_ENTER = "按回车键关闭窗口"
# The Linux launcher's shell script. The command arrives as positional arguments ("$@"), so no
# path is ever pasted into shell source; the messages are constants without quotes.
WAIT_SCRIPT = f"\"$@\"; echo; echo '{DONE_MESSAGE}'; printf '{PRESS_ENTER}'; read _"

RegistryReader = Callable[[], str | None]


def launcher_name(workbook: Path) -> str:
    """督办台账每周运行（台账）: the icon's title, safe as a file name on Windows and Linux."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", workbook.stem).strip(" .") or "台账"
    return f"{TITLE}（{stem}）"


def create_shortcut(workbook: Path, *, desktop: Path | None = None, out_dir: Path | None = None,
                    platform: str | None = None, python: Path | None = None) -> Path:
    """Write the launcher for `workbook` onto the Desktop and return the file written."""
    platform = platform or _current_platform()
    if platform not in ("windows", "linux"):
        raise P.SHORTCUT_PLATFORM.error(platform=platform)
    workbook = _absolute(workbook)
    if not workbook.is_file():
        raise P.SHORTCUT_NO_WORKBOOK.error(path=workbook)
    if workbook.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise P.SHORTCUT_NOT_XLSX.error(name=workbook.name)
    out = str(_absolute(out_dir)) if out_dir is not None else None   # None: the run's own default
    if not python and not sys.executable:
        raise P.SHORTCUT_NO_PYTHON.error()
    python = _absolute(python or Path(sys.executable))
    desktop = _absolute(desktop) if desktop is not None else find_desktop(platform)
    if not desktop.is_dir():
        raise P.SHORTCUT_NO_DESKTOP.error(where=f"“{desktop}”")

    name = launcher_name(workbook)
    if platform == "windows":
        target = desktop / f"{name}.cmd"
        text = cmd_text(str(workbook), out, str(python))
    else:
        target = desktop / f"{name}.desktop"
        text = desktop_entry_text(str(workbook), out, str(python), name)
    try:
        target.write_bytes(text.encode("utf-8"))  # no BOM: cmd.exe would try to run it as a command
        if platform == "linux":
            target.chmod(0o755)
    except OSError as exc:
        raise P.SHORTCUT_CANNOT_WRITE.error(folder=desktop, reason=exc.strerror or exc) from exc
    if platform == "linux":
        _trust(target)
    return target


def default_out_dir(workbook: Path) -> Path:
    """Where the launcher's runs put their dated folders when no --out is given: the output folder
    every command uses (参数“输出目录”, else 督办输出 beside the workbook)."""
    from .outputs import output_root
    from .reading.params import read_params
    from .reading.reader import read_book

    try:
        params, _ = read_params(read_book(workbook))
    except LedgerError:
        from .reading.params import DEFAULT_PARAMS as params
    return output_root(params, _absolute(workbook))


def usage_text(written: Path, workbook: Path, out_dir: Path | None = None) -> str:
    """What the clerk is told after `ledger shortcut`: where the icon is and how to use it."""
    out_dir = _absolute(out_dir) if out_dir is not None else default_out_dir(workbook)
    lines = [f"已创建桌面快捷方式：{written}",
             (f"以后每周先关闭台账，再双击桌面上的“{written.stem}”：按当天日期运行，显示运行摘要，"
              f"并打开“{out_dir}”中以运行日期命名的输出文件夹。"),
             (f"台账移动或改名后，请重新创建快捷方式：把台账文件拖到安装程序（安装.cmd 或 安装.sh）上再运行一次，"
              f"或在台账所在文件夹的命令行中运行 ledger shortcut \"{workbook.name}\"。")]
    if written.suffix == ".desktop":
        lines.append("如双击时提示“不可信的启动器”，请右键该图标选择“允许运行”（或“信任”）。")
    return "\n".join(lines)


def cmd_text(workbook: str, out_dir: str | None, python: str) -> str:
    """The .cmd launcher for Windows paths given as text (CRLF line endings)."""
    for path in (workbook, out_dir or "", python):
        if '"' in path or "\n" in path or "\r" in path:
            raise P.SHORTCUT_BAD_PATH.error(path=path.strip(), what="英文双引号或换行", target="Windows 快捷方式")
    folder = _windows_parent(workbook)
    lines = [
        "@echo off",
        "chcp 65001 >nul",  # from here on cmd.exe reads the file as UTF-8
        "setlocal EnableExtensions DisableDelayedExpansion",  # a "!" in a path stays literal
        f"title {TITLE}",
        f"pushd {_cmd_quote(folder)}",  # unlike `cd /d`, also enters \\server\share folders
        f"{_cmd_quote(python)} -m ledger.cli run {_cmd_quote(workbook)}"
        + (f" --out {_cmd_quote(out_dir)}" if out_dir else "") + " --open",
        "echo.",
        f"echo {DONE_MESSAGE}",
        "pause",
    ]
    return "\r\n".join(lines) + "\r\n"


def desktop_entry_text(workbook: str, out_dir: str | None, python: str, name: str) -> str:
    """The freedesktop .desktop launcher (Terminal=true; the shell waits for Enter at the end)."""
    for path in (workbook, out_dir or "", python):
        if "\n" in path or "\r" in path:
            raise P.SHORTCUT_BAD_PATH.error(path=path.strip(), what="换行", target="桌面快捷方式")
    argv = ["/bin/sh", "-c", WAIT_SCRIPT, "ledger", python, "-m", "ledger.cli", "run", workbook,
            *(["--out", out_dir] if out_dir else []), "--open"]
    exec_line = " ".join(_exec_quote(a) for a in argv)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={_string_escape(name)}",
        f"Comment={_string_escape('每周运行督办台账：计算状态、发出督办单、回写台账')}",
        f"Exec={_string_escape(exec_line)}",
        f"Path={_string_escape(str(Path(workbook).parent))}",
        "Terminal=true",
        "Icon=x-office-spreadsheet",
        "Categories=Office;",
    ]
    return "\n".join(lines) + "\n"


def find_desktop(platform: str, env: Mapping[str, str] | None = None, *,
                 registry: RegistryReader | None = None) -> Path:
    """The user's real Desktop folder. `registry` returns the raw (unexpanded) value of
    User Shell Folders\\Desktop or None; by default it is read with winreg when available."""
    env = os.environ if env is None else env
    if platform == "windows":
        found = _windows_desktop(env, registry or _registry_desktop)
    else:
        found = _linux_desktop(env)
    if found is None:
        raise P.SHORTCUT_NO_DESKTOP.error(where="")
    return found


def open_folder(path: Path) -> bool:
    """Show `path` in the file manager; True when an opener was started. Never raises: this is a
    courtesy at the end of a run and must not turn a finished run into a failure."""
    try:
        if not Path(path).is_dir():
            return False
        if sys.platform.startswith("win"):
            os.startfile(str(path))  # type: ignore[attr-defined]  # Windows only
            return True
        opener = shutil.which("open" if sys.platform == "darwin" else "xdg-open")
        if opener is None:
            return False
        subprocess.Popen([opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
        return True
    except Exception:  # noqa: BLE001 - see docstring
        return False


# --- Windows -------------------------------------------------------------------------------------

def _cmd_quote(path: str) -> str:
    return '"' + path.replace("%", "%%") + '"'


def _windows_parent(path: str) -> str:
    cut = max(path.rfind("\\"), path.rfind("/"))
    parent = path[:cut] if cut > 0 else path
    return parent + "\\" if parent.endswith(":") else parent  # "D:" alone means D:'s current folder


def _windows_desktop(env: Mapping[str, str], registry: RegistryReader) -> Path | None:
    raw = registry()
    if raw:
        candidate = _windows_path(_expand_percent(raw, env))
        if candidate is not None and candidate.is_dir():
            return candidate
    for var, names in (("OneDrive", ("Desktop", "桌面")), ("OneDriveCommercial", ("Desktop", "桌面")),
                       ("USERPROFILE", ("Desktop", "桌面"))):
        base = _windows_path(_env_get(env, var) or "")
        for name in names:
            if base is not None and (base / name).is_dir():
                return base / name
    return None


def _registry_desktop() -> str | None:
    try:
        import winreg
    except ImportError:  # not Windows
        return None
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, SHELL_FOLDERS_KEY) as key:
            value, _kind = winreg.QueryValueEx(key, "Desktop")
    except OSError:
        return None
    return value if isinstance(value, str) else None


def _env_get(env: Mapping[str, str], name: str) -> str | None:
    """Environment lookup, case-insensitive as on Windows."""
    if name in env:
        return env[name]
    folded = name.casefold()
    return next((v for k, v in env.items() if k.casefold() == folded), None)


def _expand_percent(text: str, env: Mapping[str, str]) -> str:
    """%USERPROFILE%\\Desktop → C:\\Users\\x\\Desktop (REG_EXPAND_SZ); unknown names stay as they are."""
    return re.sub(r"%([^%]+)%", lambda m: _env_get(env, m.group(1)) or m.group(0), text)


def _windows_path(text: str) -> Path | None:
    # Path accepts "/" on Windows (and turns it into "\"), so this is exact there and lets the
    # same lookup run on POSIX in the tests.
    return Path(text.replace("\\", "/")) if text.strip() else None


# --- Linux ---------------------------------------------------------------------------------------

def _linux_desktop(env: Mapping[str, str]) -> Path | None:
    home = Path(env.get("HOME") or Path.home())
    for candidate in (_xdg_user_dir(env), _user_dirs_file(env, home)):
        # user-dirs.dirs sets the Desktop to $HOME to mean "no Desktop"
        if candidate is not None and candidate != home and candidate.is_dir():
            return candidate
    for name in ("Desktop", "桌面"):
        if (home / name).is_dir():
            return home / name
    return None


def _xdg_user_dir(env: Mapping[str, str]) -> Path | None:
    tool = shutil.which("xdg-user-dir", path=env.get("PATH"))
    if tool is None:
        return None
    try:
        done = subprocess.run([tool, "DESKTOP"], env=dict(env), capture_output=True, timeout=10,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    text = os.fsdecode(done.stdout).strip()
    return Path(text) if done.returncode == 0 and text.startswith("/") else None


def _user_dirs_file(env: Mapping[str, str], home: Path) -> Path | None:
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    try:
        lines = (config / "user-dirs.dirs").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        m = re.fullmatch(r'\s*XDG_DESKTOP_DIR\s*=\s*"(.*)"\s*', line)
        if m:
            value = re.sub(r"\\(.)", r"\1", m.group(1))  # the file is shell-quoted
            if value.startswith("$HOME"):
                return home / value[len("$HOME"):].lstrip("/")
            return Path(value) if value.startswith("/") else None
    return None


_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


def _exec_quote(arg: str) -> str:
    """One Exec argument per the Desktop Entry spec: double-quoted when it holds a reserved
    character, with `"` `` ` `` `$` `\\` backslash-escaped inside; a literal % is %% (field codes)."""
    if arg and not _EXEC_RESERVED.intersection(arg):
        return arg.replace("%", "%%")
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return quoted.replace("%", "%%")


def _string_escape(value: str) -> str:
    """The key-file escaping of string values, applied before Exec unquoting (hence \\\\ for \\)."""
    return value.replace("\\", "\\\\").replace("\t", "\\t")


def _trust(target: Path) -> None:
    """Mark the launcher trusted so GNOME-style desktops run it on double-click (best effort)."""
    gio = shutil.which("gio")
    if gio is None:
        return
    try:
        subprocess.run([gio, "set", str(target), "metadata::trusted", "true"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        pass


def _current_platform() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    return "linux" if sys.platform.startswith("linux") else sys.platform


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): resolve() would turn a mapped drive Z:\ into \\server\share and
    # follow links the clerk deliberately made.
    return Path(os.path.abspath(Path(path).expanduser()))
