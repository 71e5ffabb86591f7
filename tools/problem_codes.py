"""Write the table of problem codes (docs/问题代码.md) from the catalogue in ledger/core/problems.py.

    python tools/problem_codes.py            # print the table
    python tools/problem_codes.py --write    # refresh docs/问题代码.md

`tests/test_problem_catalogue.py` fails when the document and the catalogue differ, so a new
kind of problem is documented for the scripts that read `--json` in the same commit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "问题代码.md"

HEAD = """# 问题代码

`ledger run --json` 和 `ledger check --json` 输出中的每个问题都带 `code`：稳定的问题代码，
供其他程序判断问题种类（中文说明可能调整措辞，代码不变）。不能运行时（退出码 2），顶层的 `code`
说明原因，`error` 是这一原因本身（代码、位置、说明、处理办法），`problems` 列出同时发现的各处问题；
能运行时顶层 `code` 和 `error` 为 `null`。

位置（工作表、行、列）不在说明文字中，而在每个问题的 `sheet`、`row`、`column` 中；
说明中的 `{…}` 是随问题填入的内容。本表由 `python tools/problem_codes.py --write` 从
`ledger/core/problems.py` 生成，请勿手工修改。

| 代码 | 严重程度 | 说明 | 处理办法 |
|---|---|---|---|
"""


def render() -> str:
    sys.path.insert(0, str(ROOT))
    from ledger.core.problems import catalogue

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("!q}", "}").replace("{{", "{").replace("}}", "}") or "—"

    rows = [f"| `{k.code}` | {k.severity.value} | {cell(k.message)} | {cell(k.hint)} |"
            for k in catalogue().values()]
    return HEAD + "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"写入 {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    text = render()
    if args.write:
        DOC.write_text(text, encoding="utf-8")
        print(f"已写入 {DOC.relative_to(ROOT)}（{text.count(chr(10)) - HEAD.count(chr(10))} 种问题）")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
