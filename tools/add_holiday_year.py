"""Add (or refresh) a year of the built-in calendar from the State Council notice text.

    python tools/add_holiday_year.py fixtures/holiday_notices/2027.txt [amending notices …] [--write]

Prints the year's entry of ``ledger/data/holidays.json`` as the parser reads it — the notice's
文号 as its source — and with ``--write`` puts it into the file (replacing the year's entry, other
years untouched). Keep the notice text beside the others in ``fixtures/holiday_notices/`` so that
``tests/test_holiday_notice.py`` proves the entry parses from it; then extend ``BUILTIN_YEARS`` in
``ledger/core/calendar.py``. The same parser reads the notices clerks import
(``ledger holidays 台账.xlsx --import``), with the same checks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger.reading.holiday_notice import NoticeError, as_json_entry, parse_notices  # noqa: E402

DATA = ROOT / "ledger" / "data" / "holidays.json"


def dump(data: dict) -> str:
    """The file's layout: two-space indent, each list of dates on one line."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return re.sub(r"\[\s*((?:\"[^\"]*\",?\s*)+)\]",
                  lambda m: "[" + ", ".join(re.findall(r"\"[^\"]*\"", m[1])) + "]", text) + "\n"


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="由国务院办公厅节假日安排通知生成内置日历的一年")
    p.add_argument("notices", nargs="+", type=Path, help="通知全文（先年度通知，再调整、延长假期的通知）")
    p.add_argument("--write", action="store_true", help="写入 ledger/data/holidays.json")
    p.add_argument("--source", default=None, help="依据的写法（默认为通知文号）")
    args = p.parse_args(argv)
    try:
        notice = parse_notices([read_text(path) for path in args.notices])
    except NoticeError as exc:
        print(f"无法读取通知：{exc.message}", file=sys.stderr)
        return 2
    entry = as_json_entry(notice)
    if args.source:
        entry["source"] = args.source
    if not args.write:
        print(dump({str(notice.year): entry}), end="")
        return 0
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data[str(notice.year)] = entry
    ordered = {k: data[k] for k in sorted(data, key=lambda k: (not k.startswith("_"), k))}
    DATA.write_text(dump(ordered), encoding="utf-8")
    print(f"已写入 {DATA.relative_to(ROOT)}：{notice.year}年（{entry['source']}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
