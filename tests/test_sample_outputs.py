"""Every file a weekly run writes for the bundled sample, pinned byte for byte.

A refactoring of the rules, the vocabulary or the orchestration must not change a single document:
a changed 督办单 is a notice the clerk did not expect. The weekly run of the sample at 2026-11-23
(the README's demonstration) is compared against `golden/sample_run/2026-11-23.txt`, one line per
file — or per zip member for .docx/.xlsx, so the compression level of the local zlib does not
matter — with the SHA-256 of its content. The manifest was made from the code before the colour
and state vocabulary moved into `ledger.core.schema` and checked then against a second run.

After a deliberate change of a document: UPDATE_GOLDEN=1, then look at the documents themselves
(a hash says only *that* something changed) before committing the new manifest.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

from golden_files import check_golden

from ledger.batch import run_weekly

ROOT = Path(__file__).resolve().parents[1]
RUN = date(2026, 11, 23)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(files: dict[str, Path], tmp: Path) -> str:
    """name[:member]  sha256 — text files with the temporary folder and backup time stamp masked."""
    lines = []
    for name, path in sorted(files.items()):
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as zf:
                lines += [f"{name}:{m}  {_digest(zf.read(m))}" for m in sorted(zf.namelist())]
        else:
            text = path.read_text(encoding="utf-8").replace(str(tmp), "<tmp>")
            text = re.sub(r"\d{8}-\d{6}-\d{6}", "<stamp>", text)
            lines.append(f"{name}  {_digest(text.encode('utf-8'))}")
    return "\n".join(lines) + "\n"


def test_sample_run_writes_exactly_the_pinned_files(tmp_path):
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    report = run_weekly(book, RUN, tmp_path / "out")
    assert report.exit_code == 1
    out = tmp_path / "out" / RUN.isoformat()
    files = {p.name: p for p in out.iterdir()}
    assert sorted(files) == sorted(["周汇总.docx", "周汇总.html", "督办单.html", "红色督办单.docx", "黄色督办单.docx",
                                    "蓝色督办短信.xlsx", "运行摘要.txt"])
    files["台账（运行后）.xlsx"] = book
    check_golden("sample_run", "2026-11-23.txt", manifest(files, tmp_path))
