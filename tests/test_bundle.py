"""The offline installation bundle (tools/build_bundle.py, tools/bundle/): built from PyPI, installed
with the network cut off, run through the Desktop launcher it creates, uninstalled without touching
the ledger. Tests that need the package index skip, with the reason, when it cannot be reached.
The Windows scripts are checked as text here, and run under Wine's cmd.exe when Wine is present."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
UNREACHABLE_PROXY = "http://127.0.0.1:9"


def _load_build():
    spec = importlib.util.spec_from_file_location("build_bundle", TOOLS / "build_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build()


@functools.cache
def _index_problem() -> str | None:
    try:
        urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=5).close()
    except OSError as exc:
        return f"PyPI is not reachable ({exc}): the bundle cannot be built here"
    return None


def _needs_index() -> None:
    problem = _index_problem()
    if problem:
        pytest.skip(problem)


def _build(platform_name: str, out: Path) -> Path:
    done = subprocess.run([sys.executable, str(TOOLS / "build_bundle.py"), "--platform", platform_name,
                           "--python", PYTHON, "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory) -> Path:
    """The manylinux_x86_64 bundle for this Python, unzipped; built once for the module."""
    _needs_index()
    if platform.machine() != "x86_64" or not sys.platform.startswith("linux"):
        pytest.skip("the manylinux_x86_64 bundle installs only on x86_64 Linux")
    out = tmp_path_factory.mktemp("dist")
    archive = _build("manylinux_x86_64", out)
    assert archive.name == f"督办台账-{build.project_metadata()[1]}-manylinux_x86_64.zip"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(out)
    return out / archive.stem


@pytest.fixture(scope="module")
def windows_bundle(tmp_path_factory) -> Path:
    _needs_index()
    return _build("win_amd64", tmp_path_factory.mktemp("dist-win"))


def _render(name: str, pythons=("3.12",)) -> bytes:
    values = build.script_values("ledger", "0.1.0", list(pythons), "pip-26.3-py3-none-any.whl")
    return build.render(build.TEMPLATES / name, values, crlf=name.endswith(".cmd"))


# --- Linux: install offline, run through the launcher, uninstall ---------------------------------

def _offline_env(home: Path, path: str) -> dict[str, str]:
    """A clerk's session with no way out for pip: no index, an unreachable proxy, no pip.conf."""
    env = {"HOME": str(home), "PATH": path, "LANG": "C.UTF-8", "PIP_NO_INDEX": "1", "PIP_PROXY": UNREACHABLE_PROXY,
           "PIP_CONFIG_FILE": os.devnull}
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[var] = UNREACHABLE_PROXY
    return env


def _desktop_exec(entry: str) -> list[str]:
    """The argv of a .desktop Exec line: key-file string unescaping, then the Exec quoting rules."""
    line = next(t for t in entry.splitlines() if t.startswith("Exec="))[len("Exec="):]
    line = re.sub(r"\\(.)", lambda m: {"s": " ", "t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(m[1], m[0]), line)
    argv = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\S+)', line):
        arg = re.sub(r'\\(["`$\\])', r"\1", m[1]) if m[1] is not None else m[2]
        argv.append(arg.replace("%%", "%"))
    return argv


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_linux_bundle_installs_offline_runs_from_the_launcher_and_uninstalls(linux_bundle, tmp_path):
    home = tmp_path / "home" / "张 三"                       # a user name with Chinese and a space
    desktop = home / "桌面"
    desktop.mkdir(parents=True)
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DESKTOP_DIR="$HOME/桌面"\n', encoding="utf-8")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    opened = tmp_path / "opened.txt"
    (stubs / "xdg-open").write_text(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{opened}'\n", encoding="utf-8")
    (stubs / "xdg-open").chmod(0o755)
    python_dir = Path(os.path.realpath(sys._base_executable)).parent
    env = _offline_env(home, f"{stubs}:{python_dir}:/usr/bin:/bin")
    app = home / ".local" / "share" / "督办台账"
    installer = linux_bundle / "安装.sh"

    # 1. First install, no ledger given and nobody at the terminal: installs, asks nothing.
    first = subprocess.run(["sh", str(installer)], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=300, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"正在安装督办台账到：{app}" in first.stdout
    assert "以后要创建桌面快捷方式，请再运行一次：sh 安装.sh 台账文件.xlsx" in first.stdout
    assert list(desktop.iterdir()) == []
    python = app / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import ledger; print(ledger.__file__)"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(app))                       # the bundled wheel, not this checkout

    # 2. Again with a ledger that does not exist yet, nobody at the terminal: upgrades in place,
    #    creates no ledger and no launcher, and does not wait for an answer.
    ledger = tmp_path / "督查 室" / "台账 2026.xlsx"            # Chinese and spaces in the path
    again = subprocess.run(["sh", str(installer), str(ledger)], env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"正在升级已安装的督办台账：{app}" in again.stdout
    assert f"找不到台账“{ledger}”，未创建桌面快捷方式。" in again.stdout
    assert not ledger.parent.exists() and list(desktop.iterdir()) == []

    # 3. The clerk at a terminal answers y: the installer makes the ledger with `ledger init` and
    #    puts the launcher on the Desktop.
    import pty  # POSIX only, like this test

    master, terminal = pty.openpty()
    os.write(master, b"y\n")
    try:
        third = subprocess.run(["sh", str(installer), str(ledger)], env=env, stdin=terminal, capture_output=True,
                               text=True, timeout=300, cwd=tmp_path)
    finally:
        os.close(terminal)
        os.close(master)
    assert third.returncode == 0, third.stdout + third.stderr
    assert f"找不到台账“{ledger}”。输入 y 并回车，在这个位置新建台账；直接回车跳过：" in third.stdout
    assert f"已新建督办台账“{ledger}”" in third.stdout
    launcher = desktop / "督办台账每周运行（台账 2026）.desktop"
    assert sorted(p.name for p in desktop.iterdir()) == [launcher.name]
    assert f"已创建桌面快捷方式：{launcher}" in third.stdout

    # 4. Double-click: the launcher's own command line, in its own working folder.
    entry = launcher.read_text(encoding="utf-8")
    argv = _desktop_exec(entry)
    # no --out: the run writes to the output folder of every command (督办输出 beside the ledger)
    assert argv[4:] == [str(python), "-m", "ledger.cli", "run", str(ledger), "--open"]
    cwd = next(t for t in entry.splitlines() if t.startswith("Path="))[len("Path="):]
    before = hashlib.sha256(ledger.read_bytes()).hexdigest()
    run = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=300)
    today = date.today().isoformat()
    out_dir = ledger.parent / "督办输出" / today
    assert f"已写回台账“{ledger.name}”" in run.stdout, run.stdout + run.stderr
    assert "运行结束。请阅读上面的运行摘要" in run.stdout
    assert (out_dir / "运行摘要.txt").read_text(encoding="utf-8").startswith(f"督办台账 每周运行：{today}")
    assert hashlib.sha256(ledger.read_bytes()).hexdigest() != before          # status columns written
    assert opened.read_text(encoding="utf-8").splitlines() == [str(out_dir)]
    kept = {"台账": ledger.read_bytes(), "输出": _digest(ledger.parent / "督办输出"),
            "备份": _digest(ledger.parent / "台账备份")}
    assert kept["备份"]

    # A launcher of another installation (another Python) for another ledger must survive the uninstall.
    from ledger.shortcut import create_shortcut

    other_ledger = tmp_path / "其他台账.xlsx"
    shutil.copy2(ROOT / "fixtures" / "示例台账.xlsx", other_ledger)
    other = create_shortcut(other_ledger, desktop=desktop, platform="linux", python=Path(sys.executable))

    # 5. Uninstall: environment and launcher go, the ledger and everything it produced stay.
    gone = subprocess.run(["sh", str(linux_bundle / "卸载.sh")], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert f"已删除桌面快捷方式：{launcher}" in gone.stdout
    assert not app.exists() and app.parent.is_dir()
    assert desktop.is_dir() and list(desktop.iterdir()) == [other]
    assert kept == {"台账": ledger.read_bytes(), "输出": _digest(ledger.parent / "督办输出"),
                    "备份": _digest(ledger.parent / "台账备份")}


def _run_installer_without(tmp_path: Path, stub_version: str | None) -> subprocess.CompletedProcess:
    script = tmp_path / "安装.sh"
    script.write_bytes(_render("安装.sh"))
    (tmp_path / "packages").mkdir()
    (tmp_path / "packages" / "pip-26.3-py3-none-any.whl").write_bytes(b"")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    if stub_version:
        (bindir / "python3").write_text(f"#!/bin/sh\necho {stub_version}\n", encoding="utf-8")
        (bindir / "python3").chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    return subprocess.run(["/bin/sh", str(script)], env={"HOME": str(home), "PATH": str(bindir), "LANG": "C.UTF-8"},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)


def test_linux_installer_without_python_names_what_to_install_and_changes_nothing(tmp_path):
    done = _run_installer_without(tmp_path, None)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "没有找到可用的 Python，未做任何改动。",
        "本安装包需要 Python 3.12（64 位）。",
        "请先安装 Python 3.12，再重新运行本程序：",
        "  统信 UOS、麒麟：在“应用商店”中搜索安装 Python 3.12（软件包名一般为 python3.12），",
        "  或请本单位信息中心按 https://www.python.org/downloads/ 安装 Python 3.12。",
    ]
    assert list((tmp_path / "home").iterdir()) == []


def test_linux_installer_run_without_its_packages_folder_says_to_unzip_first(tmp_path):
    script = tmp_path / "安装.sh"
    script.write_bytes(_render("安装.sh"))
    done = subprocess.run(["/bin/sh", str(script)], env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert done.stdout == (f"找不到安装文件（{tmp_path}/packages），未做任何改动："
                           "请先把压缩包完整解压，再运行解压出的 安装.sh。\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["安装.sh"]


def test_linux_installer_with_the_wrong_python_says_which_one_it_found(tmp_path):
    done = _run_installer_without(tmp_path, "3.10")
    assert done.returncode == 1
    assert "本机已有的 Python 3.10（python3） 版本不符。" in done.stdout.splitlines()
    assert list((tmp_path / "home").iterdir()) == []


# --- Windows --------------------------------------------------------------------------------------

def test_windows_bundle_holds_only_windows_wheels_that_pip_resolves_offline(windows_bundle, tmp_path):
    with zipfile.ZipFile(windows_bundle) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path)
    top = windows_bundle.stem
    assert {f"{top}/安装.cmd", f"{top}/卸载.cmd", f"{top}/使用说明.txt",
            f"{top}/packages/remove_shortcuts.py"} <= set(names)
    wheels = [n.rsplit("/", 1)[1] for n in names if n.endswith(".whl")]
    cp = "cp" + PYTHON.replace(".", "")
    for wheel in wheels:
        tags = wheel[:-len(".whl")].split("-")[-3:]
        assert tags[2] in ("win_amd64", "any"), wheel
        assert tags[2] == "any" or tags[0] == cp, wheel
    assert any(w.startswith("ledger-") and w.endswith("-py3-none-any.whl") for w in wheels)
    assert any(w.startswith(("numpy-", "lxml-")) for w in wheels)
    # pip itself, offline and for Windows, finds everything the program needs in the bundle
    folder = tmp_path / top / "packages"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-index",
                           "--find-links", str(folder), "--only-binary=:all:", "--platform=win_amd64",
                           f"--python-version={PYTHON}", "--implementation=cp", "--target", str(tmp_path / "t"),
                           "ledger"], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1"))
    assert done.returncode == 0, done.stderr
    assert "Would install" in done.stdout and "ledger-" in done.stdout


@pytest.mark.parametrize("name", ["安装.cmd", "卸载.cmd"])
def test_windows_scripts_are_utf8_crlf_and_ascii_until_chcp(name):
    data = _render(name)
    assert not data.startswith(b"\xef\xbb\xbf")             # cmd.exe would run the BOM as a command
    assert data.count(b"\n") == data.count(b"\r\n") > 10    # cmd.exe's labels and goto need CRLF
    lines = data.decode("utf-8").split("\r\n")
    assert lines[:3] == ["@echo off", "chcp 65001 >nul", "setlocal EnableExtensions DisableDelayedExpansion"]
    assert data[:data.index(b"chcp 65001")].isascii()


def _code_lines(name: str) -> list[str]:
    return [t for t in _render(name).decode("utf-8").split("\r\n") if t and not t.lower().startswith("rem")]


PATH_VARS = ("HERE", "WHEELS", "APP", "VPY", "PY", "LEDGER", "DEFAULT_LEDGER", "LOCALAPPDATA", "USERPROFILE",
             "PROBED_EXE")


@pytest.mark.parametrize("name", ["安装.cmd", "卸载.cmd"])
def test_every_percent_in_windows_scripts_is_a_known_variable_or_parameter(name):
    lines = _code_lines(name)
    defined = {m[1] for t in lines for m in re.finditer(r'set "([A-Z_]+)=', t)} | {"LOCALAPPDATA", "USERPROFILE"}
    for line in lines:
        used = re.findall(r"%([A-Z_]+)(?::\"=)?%", line)
        assert set(used) <= defined, line
        rest = re.sub(r"%[A-Z_]+(?::\"=)?%|%%[a-zV]|%~dp0|%~1|%\*", "", line)
        assert "%" not in rest, line


@pytest.mark.parametrize("name", ["安装.cmd", "卸载.cmd"])
def test_every_path_in_windows_scripts_is_quoted_and_never_passed_through_call(name):
    for line in _code_lines(name):
        for m in re.finditer(r"%(?:(" + "|".join(PATH_VARS) + r")%|~dp0|~1)", line):
            assert line[:m.start()].count('"') % 2 == 1, f"unquoted {m[0]} in: {line}"
        if re.search(r"\bcall\b", line):  # its arguments: literal text or a for variable only
            assert "%" not in re.sub(r"%%V", "", re.split(r"\bcall\b", line, maxsplit=1)[1]), line


def test_install_cmd_installs_only_from_the_bundle_into_local_appdata():
    lines = _code_lines("安装.cmd")
    assert 'set "APP=%LOCALAPPDATA%\\督办台账"' in lines
    assert 'set "WHEELS=%~dp0packages"' in lines
    assert 'set "PIP_CONFIG_FILE=nul"' in lines                # os.devnull on Windows: no pip.ini
    pip = [t for t in lines if " install " in t]
    pip_run = '"%VPY%" "%WHEELS%\\pip-26.3-py3-none-any.whl\\pip" install --no-index --find-links "%WHEELS%" '
    quiet = "--no-warn-script-location --disable-pip-version-check --quiet"
    assert pip == [f'{pip_run}--upgrade --upgrade-strategy eager {quiet} "ledger==0.1.0"',
                   f'{pip_run}--force-reinstall --no-deps {quiet} "ledger==0.1.0"']
    assert [lines[lines.index(t) + 1] for t in pip] == ["if errorlevel 1 goto install_failed"] * 2
    assert not [t for t in lines if "http" in t and not t.startswith("echo ")]
    # Python is looked for before anything is created: py -3.12, py -3, python, python3
    probes = [t for t in lines if ":probe " in t]
    assert probes == ["for %%V in (%VERSIONS%) do if not defined PY call :probe py -%%V",
                      "if not defined PY call :probe py -3", "if not defined PY call :probe python",
                      "if not defined PY call :probe python3"]
    assert lines.index('if not exist "%WHEELS%\\pip-26.3-py3-none-any.whl" goto not_extracted') < \
        lines.index("if not defined PY goto no_python")
    first_change = min(i for i, t in enumerate(lines) if "-m venv" in t or t.startswith(("mkdir", "rmdir")))
    assert lines.index("if not defined PY goto no_python") < first_change


def test_install_cmd_python_missing_message_names_what_to_install():
    lines = _code_lines("安装.cmd")
    block = lines[lines.index(":no_python") + 1:]
    block = block[:block.index("exit /b 1") + 1]
    assert all(t.startswith(("echo ", "if defined FOUND echo ", "pause", "exit /b 1")) for t in block)
    text = "\n".join(block)
    assert "本安装包需要 Python 3.12（64 位）。" in text
    assert "https://www.python.org/downloads/windows/ 下载 Python 3.12 的“Windows installer (64-bit)”" in text
    assert "“Add python.exe to PATH”" in text and "不需要管理员权限" in text


def test_uninstall_cmd_removes_only_the_environment():
    lines = _code_lines("卸载.cmd")
    assert [t for t in lines if t.startswith(("rmdir", "rd ", "del ", "erase "))] == ['rmdir /s /q "%APP%"']
    assert 'set "APP=%LOCALAPPDATA%\\督办台账"' in lines
    assert 'if not exist "%APP%\\pyvenv.cfg" goto not_installed' in lines


def _wine() -> str | None:
    return shutil.which("wine") or shutil.which("wine64") or next(
        (p for p in ("/usr/lib/wine/wine64", "/usr/lib/wine/wine") if os.path.exists(p)), None)


@pytest.fixture(scope="module")
def wine(tmp_path_factory) -> tuple[str, Path]:
    """Wine's cmd.exe with a fresh prefix (its C:\\users\\<name>\\AppData\\Local is LOCALAPPDATA)."""
    wine = _wine()
    if wine is None:
        pytest.skip("Wine is not installed: the .cmd scripts are checked as text only")
    prefix = tmp_path_factory.mktemp("wine") / "prefix"
    env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all")
    # create the prefix and wait until Wine has finished setting it up
    subprocess.run([wine, "cmd", "/c", "exit"], env=env, capture_output=True, timeout=180, stdin=subprocess.DEVNULL)
    server = next((str(p) for p in (Path(wine).with_name("wineserver64"), Path(wine).with_name("wineserver"))
                   if p.exists()), None) or shutil.which("wineserver")
    if server:
        subprocess.run([server, "-w"], env=env, timeout=180, check=False)
    return wine, prefix


def _wine_cmd(wine, folder: Path, script: str, path_dir: Path | None = None, *,
              unzipped: bool = True) -> tuple[int, str]:
    (folder / script).write_bytes(_render(script))
    if unzipped:
        (folder / "packages").mkdir(exist_ok=True)
        (folder / "packages" / "pip-26.3-py3-none-any.whl").write_bytes(b"")
    env = dict(os.environ, WINEPREFIX=str(wine[1]), WINEDEBUG="-all")
    if path_dir is not None:
        env["WINEPATH"] = "Z:" + str(path_dir).replace("/", "\\")
    done = subprocess.run([wine[0], "cmd", "/c", script], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=180)
    return done.returncode, done.stdout.decode("utf-8", "replace")


def _local_appdata(wine) -> Path:
    return next((wine[1] / "drive_c" / "users").glob("*/AppData/Local"))


def test_install_cmd_under_wine_cmd_stops_without_python_and_changes_nothing(wine, tmp_path):
    """Wine 8's cmd.exe decodes batch files with the OEM code page whatever chcp says, so the
    Chinese text comes out garbled here; the control flow (probing py/python/python3 with for /f,
    the version check, stopping before anything is created) is what this run shows."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "python.bat").write_bytes(b"@echo 3 10 C:\\fake\\python.exe\r\n")  # an old Python on PATH
    code, out = _wine_cmd(wine, tmp_path, "安装.cmd", fake)
    assert code == 1, out
    assert "Python 3.12" in out and "Python 3.10" in out and "https://www.python.org/downloads/windows/" in out
    assert sorted(p.name for p in _local_appdata(wine).iterdir()) == ["Microsoft"]   # as in a new prefix


def test_install_cmd_under_wine_cmd_run_from_inside_the_zip_stops_at_once(wine, tmp_path):
    code, out = _wine_cmd(wine, tmp_path, "安装.cmd", unzipped=False)
    assert code == 1, out
    assert "Python" not in out                              # stopped before looking for Python
    assert sorted(p.name for p in _local_appdata(wine).iterdir()) == ["Microsoft"]


def test_uninstall_cmd_under_wine_cmd_without_an_installation_removes_nothing(wine, tmp_path):
    code, out = _wine_cmd(wine, tmp_path, "卸载.cmd")
    assert code == 0, out
    assert sorted(p.name for p in _local_appdata(wine).iterdir()) == ["Microsoft"]


# --- The build's own checks -----------------------------------------------------------------------

def _fake_wheel(folder: Path, filename: str, requires: list[str]) -> None:
    dist = "-".join(filename.split("-")[:2])
    meta = "Metadata-Version: 2.1\nName: x\nVersion: 1\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(folder / filename, "w") as zf:
        zf.writestr(f"{dist}.dist-info/METADATA", meta)


def test_missing_requirements_evaluates_markers_for_the_target_platform(tmp_path):
    _fake_wheel(tmp_path, "app-1.0-py3-none-any.whl",
                ['colorama; sys_platform == "win32"', "lxml>=5", 'tomli; python_version < "3.11"'])
    _fake_wheel(tmp_path, "lxml-6.0-cp312-cp312-win_amd64.whl", [])
    assert build.missing_requirements(tmp_path, "win_amd64", "3.12") == ["colorama"]
    assert build.missing_requirements(tmp_path, "manylinux_x86_64", "3.12") == ["lxml>=5"]  # that lxml is for Windows
    assert build.missing_requirements(tmp_path, "win_amd64", "3.11") == ["colorama", "lxml>=5"]
    _fake_wheel(tmp_path, "lxml-4.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", [])
    assert build.missing_requirements(tmp_path, "manylinux_x86_64", "3.12") == ["lxml>=5"]


@pytest.mark.parametrize(("filename", "platform_name", "python", "fits"), [
    ("numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "manylinux_x86_64", "3.11", True),
    ("numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "manylinux_x86_64", "3.12", False),
    ("numpy-2.4.6-cp311-cp311-manylinux_2_31_x86_64.whl", "manylinux_x86_64", "3.11", False),  # newer glibc
    ("x-1-cp39-abi3-win_amd64.whl", "win_amd64", "3.12", True),
    ("x-1-cp313-abi3-win_amd64.whl", "win_amd64", "3.12", False),
    ("x-1-cp312-cp312-win32.whl", "win_amd64", "3.12", False),
    ("x-1-py3-none-any.whl", "manylinux_aarch64", "3.13", True),
    ("x-1-cp312-cp312-manylinux2014_aarch64.whl", "manylinux_aarch64", "3.12", True),
])
def test_wheel_fits_the_target(filename, platform_name, python, fits):
    assert build._wheel_fits(filename, platform_name, python) is fits


def test_a_pure_python_sdist_only_dependency_is_built_into_a_wheel(tmp_path, monkeypatch):
    _needs_index()   # building the sdist fetches setuptools from the index
    sdists = tmp_path / "sdists"
    src = tmp_path / "src" / "ledger_sdist_only_probe-1.0"
    (src / "ledger_sdist_only_probe").mkdir(parents=True)
    (src / "ledger_sdist_only_probe" / "__init__.py").write_text("", encoding="utf-8")
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "ledger-sdist-only-probe"\nversion = "1.0"\ndependencies = ["defusedxml>=0.7"]\n'
        '[tool.setuptools]\npackages = ["ledger_sdist_only_probe"]\n', encoding="utf-8")
    (src / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: ledger-sdist-only-probe\nVersion: 1.0\n",
                                  encoding="utf-8")
    sdists.mkdir()
    shutil.make_archive(str(sdists / "ledger_sdist_only_probe-1.0"), "gztar", src.parent, src.name)
    monkeypatch.setenv("PIP_FIND_LINKS", str(sdists))
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build.download_wheels(["ledger-sdist-only-probe"], wheels, "win_amd64", "3.12")
    names = sorted(p.name for p in wheels.iterdir())
    assert names[0].startswith("defusedxml-") and names[1] == "ledger_sdist_only_probe-1.0-py3-none-any.whl"
    assert len(names) == 2


# --- Startup of the launcher's `ledger run` --------------------------------------------------------

def test_first_progress_line_of_a_weekly_run_comes_before_any_heavy_import(tmp_path):
    """What the launcher runs: the first progress line must not wait for pandas, matplotlib,
    openpyxl or docxtpl. -X importtime writes each import to stderr as it happens, so the order of
    stderr lines shows what was imported before the clerk saw anything (timing-independent)."""
    workbook = tmp_path / "台账.xlsx"
    shutil.copy2(ROOT / "fixtures" / "示例台账.xlsx", workbook)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ledger.cli", "run", str(workbook),
                           "--date", "2026-11-23", "--out", str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, stdin=subprocess.DEVNULL)
    lines = done.stderr.splitlines()
    first = next(i for i, t in enumerate(lines) if not t.startswith("import time:"))
    assert "读取台账" in lines[first]
    before = [t.rsplit("|", 1)[1].strip() for t in lines[:first] if "|" in t]
    heavy = ("pandas", "matplotlib", "openpyxl", "docxtpl", "docx", "numpy", "jinja2")
    assert [m for m in before if m.split(".")[0] in heavy] == []
    assert done.returncode == 1                              # the sample's 3 rows of bad data
