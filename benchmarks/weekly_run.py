"""Weekly-run speed and memory against an openpyxl load+save of the same workbook.

Builds 1k / 10k / 50k-task ledgers (realistic columns, mixed states, 10% overdue), then for each
size runs, in separate child processes so peak memory is per measurement:
  * the full weekly run (`ledger.batch.run_weekly`: read, rules, write-back, outputs), and
  * `openpyxl.load_workbook(p); wb.save(q)` — what a naive tool would do.
  * the core of the run alone (read, rules, write-back into the workbook: no documents).
Prints seconds, the ratios (target at 10k: ≤ 0.5) and peak RSS (ru_maxrss).

    python benchmarks/weekly_run.py [--sizes 1000,10000,50000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

RUN_DATE = date(2026, 11, 23)
UNITS = ["县发展和改革局", "县财政局", "县住房和城乡建设局", "县自然资源局", "县交通运输局", "县教育局",
         "县卫生健康局", "县应急管理局", "城关镇", "文星街道", "县农业农村局", "县生态环境分局"]
HEADER = ["任务编号", "任务来源", "交办依据", "任务内容", "牵头单位", "协办单位", "责任领导", "紧急程度",
          "交办日期", "办理时限", "延期至", "延期审批人", "办结日期", "办结审核", "正当理由", "销号日期", "办理进展",
          "备注1", "备注2", "备注3"]


def build(path: Path, n: int, seed: int = 7) -> None:
    import openpyxl

    rnd = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("督办台账")
    ws.append(["县政府督查督办事项台账"])
    ws.append(HEADER)
    for i in range(n):
        # a realistic mix: ~10% overdue and open, the rest done or not yet due
        assigned = RUN_DATE - timedelta(days=rnd.randint(1, 200))
        overdue = rnd.random() < 0.10
        if overdue:
            limit = "5个工作日"
            assigned = RUN_DATE - timedelta(days=rnd.randint(10, 60))
            done = None
        elif assigned < RUN_DATE - timedelta(days=25):
            limit = rnd.choice(["10个工作日", "15天", None, assigned + timedelta(days=20)])
            done = assigned + timedelta(days=rnd.randint(1, 20))
        else:
            limit = rnd.choice(["12月底", "年底前", "第四季度", assigned + timedelta(days=40)])
            done = None
        ws.append([
            f"DB{i + 1:06d}", rnd.choice(["县长批示", "常务会议", "政府工作报告", "群众诉求"]), f"会议纪要〔2026〕{i % 50}号",
            f"推进第{i + 1}项重点工作，确保按期完成并报送进展情况" * rnd.randint(1, 3),
            "、".join(rnd.sample(UNITS, rnd.choice([1, 1, 1, 2]))), rnd.choice(["", "", UNITS[0]]), "副县长",
            rnd.choice(["", "急件", "要件", "普件"]), assigned, limit, None, None, done, None, None, None,
            "正在推进", "x", i, i * 2,
        ])
    for name, rows in (("参数设置", [["参数", "值", "说明"]]), ("统计", [["合计", f"=COUNTA(督办台账!A3:A{n + 2})"]])):
        s = wb.create_sheet(name)
        for r in rows:
            s.append(r)
    wb.save(path)


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from datetime import date
kind, src, dst = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
if kind == "core":
    from ledger.pipeline import evaluate_all, load
    from ledger.writeback import commit
    outcome = evaluate_all(load(src, date(2026, 11, 23)), date(2026, 11, 23))
    commit(src, outcome)
    extra = {"notices": len(outcome.new_notices)}
elif kind == "ledger":
    from ledger.batch import run_weekly
    r = run_weekly(src, date(2026, 11, 23), dst)
    ok = r.exit_code in (0, 1)
    extra = {"notices": len(r.outcome.new_notices) if r.outcome else 0, "exit": r.exit_code,
             "msg": "" if ok else r.text[:300]}
else:
    import openpyxl
    wb = openpyxl.load_workbook(src)
    wb.save(dst)
    extra = {}
secs = time.perf_counter() - t
print(json.dumps({"secs": secs, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def measure(kind: str, src: Path, dst: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(src), str(dst)], capture_output=True, text=True,
                         check=False, cwd=Path(__file__).resolve().parents[1])
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'任务数':>7} {'完整运行(s)':>10} {'核心(s)':>8} {'openpyxl读存(s)':>14} {'完整/openpyxl':>13} "
          f"{'核心/openpyxl':>13} {'完整峰值(MB)':>11} {'openpyxl峰值(MB)':>15} {'督办单':>6}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in sizes:
            base = tmp / f"ledger_{n}.xlsx"
            t = time.perf_counter()
            build(base, n)
            build_secs = time.perf_counter() - t
            best_run = best_opx = best_core = None
            for _ in range(args.repeat):
                work = tmp / f"run_{n}.xlsx"
                shutil.copy(base, work)
                r = measure("ledger", work, tmp / f"out_{n}")
                shutil.copy(base, work)
                c = measure("core", work, tmp / f"core_{n}")
                o = measure("openpyxl", base, tmp / f"opx_{n}.xlsx")
                best_run = r if best_run is None or r["secs"] < best_run["secs"] else best_run
                best_core = c if best_core is None or c["secs"] < best_core["secs"] else best_core
                best_opx = o if best_opx is None or o["secs"] < best_opx["secs"] else best_opx
            if best_run.get("msg"):
                print("run failed:", best_run["msg"])
            results[n] = best_run["secs"]
            print(f"{n:>7} {best_run['secs']:>10.2f} {best_core['secs']:>8.2f} {best_opx['secs']:>14.2f} "
                  f"{best_run['secs'] / best_opx['secs']:>13.2f} {best_core['secs'] / best_opx['secs']:>13.2f} "
                  f"{best_run['maxrss_mb']:>11.0f} {best_opx['maxrss_mb']:>15.0f} {best_run['notices']:>6}"
                  f"   (生成台账 {build_secs:.1f}s)")
    if 10000 in results and 50000 in results:
        print(f"50k / 10k 时间比：{results[50000] / results[10000]:.2f}（目标 ≤ 5.5）")


if __name__ == "__main__":
    main()
