"""Benchmark: render 1,000 督办单 (mixed colours) with `render_notices` and print the time.

    python benchmarks/render_notices.py [COUNT]

Target: under 3 s for 1,000 notices (docx per colour, the HTML and the SMS list). Blue notices
are printed too (蓝色打印 = 是), the heaviest setting.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.rendering.notices import UnitContact, compose, render_notices  # noqa: E402
from ledger.reading.params import DEFAULT_PARAMS  # noqa: E402
from ledger.core.schema import Color  # noqa: E402
from ledger.rules.ladder import Rung  # noqa: E402

UNITS = ["县发展和改革局", "县财政局", "县教育局", "县住房和城乡建设局", "县自然资源局", "县交通运输局",
         "县农业农村局", "县卫生健康局", "城关镇", "新市镇", "金龙镇", "文星街道"]


def views(count: int) -> list:
    params = DEFAULT_PARAMS.with_values(蓝色打印=True)
    run = date(2026, 11, 23)
    out = []
    for i in range(count):
        color = "蓝黄红"[i % 3]
        unit = UNITS[i % len(UNITS)]
        deadline = run - timedelta(days=(i % 3) * 6)
        out.append(compose(
            number=f"{color}督〔2026〕{i // 3 + 1}号", color=color, issued=run, units=[unit],
            task_id=f"2026-{i:04d}", content=f"第{i}项督办事项：推进重点项目建设，按期完成年度投资任务，"
                                             f"并报送进展情况（含资金拨付、征地拆迁等）。",
            deadline=deadline, params=params, source="县长批示", basis=f"县政府常务会议纪要〔2026〕{i % 40}号",
            assigned=deadline - timedelta(days=20), leader="张副县长", copy_units=["县财政局"] if i % 4 == 0 else [],
            progress="已完成前期工作，正在推进。" if i % 2 else "", next_rung=Rung(Color.RED if color != "蓝" else Color.YELLOW, run + timedelta(days=10)),
            reply_by=run + timedelta(days=7), unit_rank=i % len(UNITS),
            contacts=[UnitContact(unit, "负责人", "13800000000")]))
    return out


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    items = views(count)
    params = DEFAULT_PARAMS.with_values(蓝色打印=True)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = render_notices(items, Path(tmp), params)
        elapsed = time.perf_counter() - start
        sizes = ", ".join(f"{p.name} {p.stat().st_size // 1024} KB" for p in paths)
    print(f"render_notices: {count} 份督办单 {elapsed:.2f} 秒（{sizes}）")


if __name__ == "__main__":
    main()
