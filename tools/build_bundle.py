"""Build the offline installation bundle for office PCs: `dist/督办台账-<版本>-<平台>.zip`.

Clerks install on Windows or domestic Linux desktops that have no internet access and no
administrator rights, so everything the program needs travels in one zip: the project wheel, every
dependency as a wheel for the target platform and Python, the pip wheel that installs them, the
install/uninstall scripts and 使用说明.txt. Only this build step talks to the package index, and
only through pip:

    python tools/build_bundle.py --platform win_amd64 [--python 3.12 ...] [--out dist]

Dependencies are resolved by pip itself (`pip download --only-binary=:all: --platform ...`).
pip evaluates environment markers such as `sys_platform == "win32"` for the building machine,
not the target, so after downloading, the requirement closure is checked against the target
platform and whatever is missing is downloaded too. A dependency published only as an sdist is
built into a wheel here, and accepted only when that wheel is pure Python (py3-none-any).
"""

from __future__ import annotations

import argparse
import email.parser
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "bundle"
APP_NAME = "督办台账"
# The bundle's folder for the wheels and the uninstall helper, beside the scripts. ASCII, unlike
# the scripts' names: were an unzip tool to garble Chinese names, the scripts still find it.
FILES_DIR = "packages"
DEFAULT_PYTHON = "3.12"
MIN_PYTHON = (3, 11)


def _manylinux(arch: str, oldest: int) -> list[str]:
    # Newest first: pip prefers earlier tags. 2_28 is the glibc of 统信 UOS 20 / 麒麟 V10.
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(28, oldest - 1, -1)]
    return tags + [f"manylinux2014_{arch}"]  # the legacy alias; pip adds manylinux2010/1 itself


PLATFORMS: dict[str, dict] = {
    "win_amd64": {"tags": ["win_amd64"], "windows": True,
                  "markers": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                              "platform_machine": "AMD64"}},
    "manylinux_x86_64": {"tags": _manylinux("x86_64", 5), "windows": False,
                         "markers": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                                     "platform_machine": "x86_64"}},
    "manylinux_aarch64": {"tags": _manylinux("aarch64", 17), "windows": False,
                          "markers": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                                      "platform_machine": "aarch64"}},
}


class BuildError(Exception):
    """A bundle cannot be built; the message says why."""


def project_metadata(root: Path = ROOT) -> tuple[str, str, list[str]]:
    """(name, version, dependencies) from pyproject.toml."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["name"], project["version"], list(project["dependencies"])


def build_bundle(platform: str, pythons: list[str], out_dir: Path, *, root: Path = ROOT) -> Path:
    """Build the zip for `platform` and the Python versions `pythons` ("3.12"); return its path."""
    if platform not in PLATFORMS:
        raise BuildError(f"unknown platform {platform!r}; choose one of {', '.join(PLATFORMS)}")
    for version in pythons:
        if not re.fullmatch(r"3\.\d+", version) or tuple(map(int, version.split("."))) < MIN_PYTHON:
            raise BuildError(f"--python {version}: give a version like 3.12, at least 3.11")
    name, version, dependencies = project_metadata(root)
    folder = f"{APP_NAME}-{version}-{platform}"
    with tempfile.TemporaryDirectory(prefix="bundle-") as tmp:
        stage = Path(tmp) / folder
        wheels = stage / FILES_DIR
        wheels.mkdir(parents=True)
        # From a clean copy: setuptools' build/ folder in the checkout can hold modules since moved
        source = Path(tmp) / "source"
        shutil.copytree(root, source, ignore=shutil.ignore_patterns(
            ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "reports", ".venv"))
        _pip("wheel", "--no-deps", "--wheel-dir", str(wheels), str(source))
        for py in pythons:
            download_wheels(dependencies + ["pip"], wheels, platform, py)
        check_wheels(wheels, platform, pythons)
        pip_wheel = max(wheels.glob("pip-*.whl"), key=lambda p: parse_wheel_filename(p.name)[1]).name
        write_scripts(stage, platform, script_values(name, version, pythons, pip_wheel))
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{folder}.zip"
        _zip(stage, target)
    return target


def download_wheels(requirements: list[str], dest: Path, platform: str, python: str) -> None:
    """Every requirement and its dependencies as wheels for the target, into `dest`."""
    pending = list(requirements)
    for _round in range(10):
        if not pending:
            return
        done = _pip("download", "--dest", str(dest), "--find-links", str(dest), "--only-binary=:all:",
                    *(f"--platform={tag}" for tag in PLATFORMS[platform]["tags"]),
                    f"--python-version={python}", "--implementation=cp", *pending, check=False)
        if done.returncode != 0:
            missing = re.search(r"No matching distribution found for (\S+)", done.stderr)
            if missing is None:
                raise BuildError(f"pip download failed:\n{done.stderr[-3000:]}")
            build_pure_wheel(missing.group(1), dest)
            continue  # retry: the built wheel is now found through --find-links
        pending = missing_requirements(dest, platform, python)
    raise BuildError(f"the dependencies of {requirements} did not settle: still missing {pending}")


def build_pure_wheel(requirement: str, dest: Path) -> Path:
    """Build a wheel from an sdist-only dependency; refuse it unless it is pure Python."""
    with tempfile.TemporaryDirectory(prefix="sdist-") as tmp:
        done = _pip("wheel", "--no-deps", "--no-binary=:all:", "--wheel-dir", tmp, requirement, check=False)
        built = list(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or len(built) != 1:
            raise BuildError(f"{requirement} has no wheel for the target and could not be built:\n"
                             f"{done.stderr[-3000:]}")
        tags = parse_wheel_filename(built[0].name)[3]
        if not all(t.abi == "none" and t.platform == "any" and t.interpreter.startswith("py3") for t in tags):
            raise BuildError(f"{requirement} is published only as an sdist with compiled code "
                             f"({built[0].name}); it cannot be built here for another platform")
        return Path(shutil.copy2(built[0], dest))


def missing_requirements(wheels: Path, platform: str, python: str) -> list[str]:
    """Requirements of the wheels in `wheels` that hold on the target but no wheel satisfies."""
    env = dict(PLATFORMS[platform]["markers"], python_version=python, python_full_version=f"{python}.0",
               implementation_name="cpython", platform_python_implementation="CPython", extra="")
    # wheels for another Python version of a multi-version bundle neither count nor need anything
    usable = [w for w in wheels.glob("*.whl") if _wheel_fits(w.name, platform, python)]
    have: dict[str, list] = {}
    for wheel in usable:
        dist, ver, _build, _tags = parse_wheel_filename(wheel.name)
        have.setdefault(dist, []).append(ver)
    missing = []
    for wheel in usable:
        for text in _requires_dist(wheel):
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            versions = have.get(canonicalize_name(req.name), [])
            if not any(req.specifier.contains(v, prereleases=True) for v in versions):
                missing.append(f"{req.name}{req.specifier}")
    return sorted(set(missing))


def check_wheels(wheels: Path, platform: str, pythons: list[str]) -> None:
    """Every wheel runs on the platform and on at least one of the bundle's Pythons."""
    wrong = [w.name for w in wheels.glob("*.whl") if not any(_wheel_fits(w.name, platform, p) for p in pythons)]
    if wrong:
        raise BuildError(f"wheels not for {platform} / Python {' '.join(pythons)}: {', '.join(sorted(wrong))}")


def _wheel_fits(filename: str, platform: str, python: str) -> bool:
    minor = int(python.split(".")[1])
    cp = f"cp3{minor}"
    allowed = set(PLATFORMS[platform]["tags"]) | {"any"}
    if platform.startswith("manylinux"):
        arch = platform.split("_", 1)[1]
        allowed |= {f"manylinux2010_{arch}", f"manylinux1_{arch}"}
    for tag in parse_wheel_filename(filename)[3]:
        stable = re.fullmatch(r"cp3(\d+)", tag.interpreter) if tag.abi == "abi3" else None
        interpreter_ok = tag.interpreter in (cp, "py3", "py2") or (stable is not None and int(stable.group(1)) <= minor)
        abi_ok = tag.abi in ("none", "abi3", cp)
        if interpreter_ok and abi_ok and tag.platform in allowed:
            return True
    return False


def _requires_dist(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        message = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))
    return message.get_all("Requires-Dist") or []


def script_values(project: str, version: str, pythons: list[str], pip_wheel: str) -> dict[str, str]:
    """What the @NAME@ placeholders of the script templates stand for."""
    return {"APP": APP_NAME, "VERSION": version, "PROJECT": project, "PYTHONS": " ".join(pythons),
            "PYTHONS_TEXT": " 或 ".join(pythons), "FIRST_PYTHON": pythons[0], "PIP_WHEEL": pip_wheel,
            "FILES": FILES_DIR}


def write_scripts(stage: Path, platform: str, values: dict[str, str]) -> None:
    """The install/uninstall scripts and 使用说明.txt for the platform, with the bundle's values."""
    windows = PLATFORMS[platform]["windows"]
    names = ["安装.cmd", "卸载.cmd"] if windows else ["安装.sh", "卸载.sh"]
    for name in names:
        (stage / name).write_bytes(render(TEMPLATES / name, values, crlf=windows))
        if not windows:
            (stage / name).chmod(0o755)
    shutil.copy2(TEMPLATES / "remove_shortcuts.py", stage / FILES_DIR / "remove_shortcuts.py")
    guide = render(TEMPLATES / ("使用说明-windows.txt" if windows else "使用说明-linux.txt"), values, crlf=windows)
    # Notepad before Windows 10 1903 recognises UTF-8 only with a BOM
    (stage / "使用说明.txt").write_bytes((b"\xef\xbb\xbf" if windows else b"") + guide)


def render(template: Path, values: dict[str, str], *, crlf: bool) -> bytes:
    """The template with @NAME@ replaced; CRLF line endings for Windows (cmd.exe, Notepad)."""
    text = template.read_text(encoding="utf-8")
    text = re.sub(r"@([A-Z_]+)@", lambda m: values[m.group(1)], text)
    text = text.replace("\r\n", "\n")
    return (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")


def _zip(stage: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w") as zf:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                # wheels are zips already: storing them is as small and much faster
                method = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
                info = zipfile.ZipInfo.from_file(path, path.relative_to(stage.parent).as_posix())
                info.compress_type = method
                with open(path, "rb") as fh:
                    zf.writestr(info, fh.read())
    partial.replace(target)


def _pip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise BuildError(f"pip {args[0]} failed:\n{done.stderr[-3000:]}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the offline installation bundle for office PCs.")
    parser.add_argument("--platform", required=True, choices=sorted(PLATFORMS))
    parser.add_argument("--python", action="append", dest="pythons", metavar="3.X",
                        help=f"target Python version, repeatable (default {DEFAULT_PYTHON})")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    args = parser.parse_args(argv)
    try:
        target = build_bundle(args.platform, args.pythons or [DEFAULT_PYTHON], args.out)
    except BuildError as exc:
        print(f"build_bundle: {exc}", file=sys.stderr)
        return 1
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
