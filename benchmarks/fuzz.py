"""Fuzzing the whole weekly run: generated cell values and mutated workbook bytes.

Every case runs `run_weekly` in-process (read, rules, write-back, documents) on a small ledger.
A case passes when the run returns a report (exit 0/1/2) and, when it wrote, the workbook still
opens; any exception that escapes is a crash. Prints cases tried, crashes, damaged files.

    python benchmarks/fuzz.py [--cases 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ledger.batch import run_weekly  # noqa: E402
from tests.conftest import HEADER, write_ledger  # noqa: E402

RUN = date(2026, 11, 23)
WORDS = ["5个工作日", "十天", "13月底", "第五季度", "立即", "=1+1", "@x", "-3", "２０２６年１月１日", "急件", "不合格",
         "县财政局、", "、、", "\n", "  ", "0", "1e308", "<script>alert(1)</script>", "&amp;", "../../etc", "CON",
         "2026-02-30", "2026/13/1", "11月31日", "年底前", "上半年", "1900-01-01", "9999-12-31", "合格", "😀", "\u202e"]


def random_cell(rnd: random.Random):
    kind = rnd.randrange(8)
    if kind == 0:
        return None
    if kind == 1:
        return rnd.choice(WORDS)
    if kind == 2:
        return rnd.randint(-10**6, 10**7)
    if kind == 3:
        return rnd.choice([rnd.random() * 10**rnd.randint(0, 9), float("inf"), -0.0, 1e-300])
    if kind == 4:
        return date(2026, 1, 1) + timedelta(days=rnd.randint(-40000, 40000) // 10)
    if kind == 5:
        return "".join(chr(rnd.choice([rnd.randint(0x20, 0x7e), rnd.randint(0x4e00, 0x9fff)])) for _ in range(rnd.randint(0, 40)))
    if kind == 6:
        return rnd.choice([True, False])
    return "长" * rnd.randint(1000, 12000)


def generated_case(rnd: random.Random, path: Path) -> None:
    rows = [{h: random_cell(rnd) for h in HEADER if rnd.random() < 0.8} for _ in range(rnd.randint(1, 5))]
    write_ledger(path, rows, params={"黄色督办": rnd.choice([0, 5, "x"])} if rnd.random() < 0.2 else None,
                 units=[("县财政局", "财政局", "", "", "")] if rnd.random() < 0.3 else None)


def mutated_case(rnd: random.Random, seed_bytes: bytes, path: Path) -> None:
    """Damage the workbook: flip raw bytes, truncate, or corrupt one decompressed XML part."""
    choice = rnd.randrange(3)
    if choice == 0:
        data = bytearray(seed_bytes)
        for _ in range(rnd.randint(1, 20)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path.write_bytes(bytes(data))
    elif choice == 1:
        path.write_bytes(seed_bytes[: rnd.randrange(len(seed_bytes))])
    else:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(seed_bytes)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            names = zin.namelist()
            victim = rnd.choice([n for n in names if n.endswith(".xml")])
            for name in names:
                data = zin.read(name)
                if name == victim and data:
                    data = bytearray(data)
                    for _ in range(rnd.randint(1, 8)):
                        i = rnd.randrange(len(data))
                        op = rnd.randrange(3)
                        if op == 0:
                            data[i] = rnd.choice(b'<>&"/= 0123456789abcdefrct')
                        elif op == 1:
                            del data[i: i + rnd.randint(1, 30)]
                        else:
                            data[i:i] = rnd.choice([b"<c r=\"Z9\">", b"</row>", b"&lol;", b"<![CDATA[", b"\x00", b"<f>1/0</f>"])
                    data = bytes(data)
                zout.writestr(name, data)
        path.write_bytes(out.getvalue())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    crashes: list[str] = []
    damaged = 0
    codes = {0: 0, 1: 0, 2: 0}
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seed_book = tmp / "seed.xlsx"
        shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", seed_book)
        seed_bytes = seed_book.read_bytes()
        for i in range(args.cases):
            case = tmp / f"c{i % 50}"
            shutil.rmtree(case, ignore_errors=True)
            case.mkdir()
            book = case / "台账.xlsx"
            if i % 2 == 0:
                generated_case(rnd, book)
            else:
                mutated_case(rnd, seed_bytes, book)
            try:
                r = run_weekly(book, RUN, case / "out")
                codes[r.exit_code] = codes.get(r.exit_code, 0) + 1
                if r.written:
                    from python_calamine import CalamineWorkbook
                    try:
                        CalamineWorkbook.from_path(str(book)).get_sheet_by_name("督办台账").to_python()
                    except Exception:  # noqa: BLE001
                        damaged += 1
            except Exception:  # noqa: BLE001 — that is what we count
                crashes.append(f"case {i}: {traceback.format_exc(limit=8)}")
            if (i + 1) % 1000 == 0:
                print(f"  {i + 1} 例，{time.perf_counter() - t:.0f}s，崩溃 {len(crashes)}", flush=True)
    print(f"模糊测试：{args.cases} 例（生成单元格 {args.cases - args.cases // 2}，损坏文件 {args.cases // 2}），"
          f"崩溃 {len(crashes)}，写坏文件 {damaged}；退出码分布 {codes}；用时 {time.perf_counter() - t:.0f}s")
    kinds: dict[str, int] = {}
    for c in crashes:
        last = c.strip().splitlines()[-1]
        kinds[last] = kinds.get(last, 0) + 1
    for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {n:>4} × {kind}")
    for c in crashes[:3]:
        print(c)
    sys.exit(1 if crashes or damaged else 0)


if __name__ == "__main__":
    main()
