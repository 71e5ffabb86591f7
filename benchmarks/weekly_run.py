"""Weekly-run speed and memory against an openpyxl load+save of the same workbook.

Builds 1k / 10k / 50k-task ledgers (realistic columns, mixed states, 10% overdue), then for each
size runs, in separate child processes so peak memory is per measurement:
  * the full weekly run (`ledger.batch.run_weekly`: read, rules, write-back, outputs), and
  * `openpyxl.load_workbook(p); wb.save(q)` — what a naive tool would do.
  * the core of the run alone (read, rules, write-back into the workbook: no documents).
Prints seconds (the median of --repeat measurements, each kind measured in turn so that a noisy
machine slows all three alike), the ratios (target at 10k: ≤ 0.5), peak RSS (ru_maxrss) and, per
size, where the full run's time went: its stages as the console shows them, plus the imports
before the run and what follows its last stage (publishing the documents, the summary).
--next-week also times the run a week later on the workbook the first run wrote (status columns
and 督办记录 in place: the usual weekly run).

Each child starts a fresh interpreter, so the time includes importing (and, where no bytecode
is cached — an editable install with PYTHONDONTWRITEBYTECODE set — compiling) the package.

    python benchmarks/weekly_run.py [--sizes 1000,10000,50000] [--repeat 3] [--next-week]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
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
kind, src, dst, day = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), date.fromisoformat(sys.argv[4])
t = time.perf_counter()
if kind == "core":
    from ledger.pipeline import evaluate_all, load
    from ledger.writeback import commit
    outcome = evaluate_all(load(src, day), day)
    commit(src, outcome)
    extra = {"notices": len(outcome.new_notices)}
elif kind == "ledger":
    from ledger.batch import run_weekly
    from ledger.core import stages

    class Stages:       # wall time of each stage the console would draw
        def __init__(self):
            self.secs, self.name, self.began = {"导入": time.perf_counter() - t}, "", 0.0
        def begin(self, name, total):
            self.name, self.began = name.split("（")[0], time.perf_counter()
        def end(self):
            self.secs[self.name] = self.secs.get(self.name, 0.0) + time.perf_counter() - self.began
        def total(self, n): pass
        def advance(self, n): pass

    timer = Stages()
    with stages.reporting(timer):
        r = run_weekly(src, day, dst)
    ok = r.exit_code in (0, 1)
    extra = {"notices": len(r.outcome.new_notices) if r.outcome else 0, "exit": r.exit_code,
             "msg": "" if ok else r.text[:300], "stages": timer.secs}
else:
    import openpyxl
    wb = openpyxl.load_workbook(src)
    wb.save(dst)
    extra = {}
secs = time.perf_counter() - t
print(json.dumps({"secs": secs, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def measure(kind: str, src: Path, dst: Path, day: date = RUN_DATE) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(src), str(dst), day.isoformat()],
                         capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[1])
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    """The median run by time (the run itself, so its other figures belong to it), with every
    stage's time the median over the runs."""
    mid = sorted(runs, key=lambda r: r["secs"])[len(runs) // 2]
    if "stages" in mid:
        names = dict.fromkeys(k for r in runs for k in r["stages"])
        mid = dict(mid, stages={k: statistics.median(r["stages"].get(k, 0.0) for r in runs) for k in names},
                   rest=statistics.median(r["secs"] - sum(r["stages"].values()) for r in runs))
    return mid


def stage_line(run: dict) -> str:
    parts = [f"{name} {secs:.2f}" for name, secs in run["stages"].items()]
    return "          其中（秒）：" + "，".join(parts + [f"其余 {run['rest']:.2f}"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--repeat", type=int, default=1, help="measurements per figure; the median is shown")
    ap.add_argument("--next-week", action="store_true", help="also time the run a week later")
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
            runs, cores, opxs, laters = [], [], [], []
            for _ in range(args.repeat):
                work = tmp / f"run_{n}.xlsx"
                shutil.copy(base, work)
                runs.append(measure("ledger", work, tmp / f"out_{n}"))
                if args.next_week:
                    later = tmp / f"later_{n}.xlsx"
                    shutil.copy(work, later)
                    laters.append(measure("ledger", later, tmp / f"out_{n}", RUN_DATE + timedelta(days=7)))
                shutil.copy(base, work)
                cores.append(measure("core", work, tmp / f"core_{n}"))
                opxs.append(measure("openpyxl", base, tmp / f"opx_{n}.xlsx"))
            run, core, opx = median_of(runs), median_of(cores), median_of(opxs)
            failed = [r["msg"] for r in runs + laters if r.get("msg")]
            if failed:
                print("run failed:", failed[0])
            results[n] = run["secs"]
            print(f"{n:>7} {run['secs']:>10.2f} {core['secs']:>8.2f} {opx['secs']:>14.2f} "
                  f"{run['secs'] / opx['secs']:>13.2f} {core['secs'] / opx['secs']:>13.2f} "
                  f"{run['maxrss_mb']:>11.0f} {opx['maxrss_mb']:>15.0f} {run['notices']:>6}"
                  f"   (生成台账 {build_secs:.1f}s)")
            print(stage_line(run))
            if laters:
                later = median_of(laters)
                print(f"{'下周':>7} {later['secs']:>10.2f} {'':>8} {'':>14} {later['secs'] / opx['secs']:>13.2f} "
                      f"{'':>13} {later['maxrss_mb']:>11.0f} {'':>15} {later['notices']:>6}")
                print(stage_line(later))
    if 10000 in results and 50000 in results:
        print(f"50k / 10k 时间比：{results[50000] / results[10000]:.2f}（目标 ≤ 5.5）")


if __name__ == "__main__":
    main()
