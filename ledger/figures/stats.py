"""Figures for the 通报 and the annual score table (SPEC §4.2, §4.3); the definitions here hold
for the weekly summary too (`ledger.figures.weekly`, counted without pandas because it is made on every run).

Every figure comes from the ledger rows and the 督办记录 log (plus the notices of the current run),
never from the clock, so a report can be reproduced later from the same workbook. Pure pandas
aggregation over `ledger.figures.weekly.Facts`, no file IO; pandas is imported inside the functions so
`ledger --help` and the weekly run stay fast. The periods (月/季度/半年/年 and the weekly window)
are in `ledger.core.periods`.

Definitions. A task with several lead units counts once for every lead unit; a notice charges every
unit in its 被督办单位; the 合计 row counts each task or notice once, and its 扣分 is the sum of
the units' (every lead unit is charged, SPEC §3.3), so the note under the table says so. Rows with data errors are left
out of the weekly and period figures and listed in `excluded` (the annual 承办任务数 needs only a
readable 交办日期 and 牵头单位).

* 应办结 (the SPEC's 承办 column of the 通报): tasks whose effective deadline D falls in the
  period. D, not 交办日期, because a period can only judge what fell due in it: a task assigned in
  late September and due in November is judged once, in November; a 年底 task assigned in January
  is not counted as undone in every month before December.
* 办结: of those, accepted as done by the cut-off (办结日期 with 办结审核 not 不合格, or 销号日期).
  按时办结: done on or before D. 按时办结率 = 按时办结 ÷ 应办结 (the 按时办结率 that seed 003 wants
  at 100%: on-time completions over everything that should have been completed); None (shown
  "—") when nothing fell due.
* 逾期未办结: a stock at the cut-off, whatever period the task fell due in: D before the cut-off
  and not done by the cut-off (a task due on the cut-off day itself is 今日到期, not yet overdue).
* Notices: 督办记录 rows (and this run's) issued from the period's first day to the cut-off.
* The cut-off is the period's last day, or the run date when the period is not over (then the
  report is provisional — 暂计 — and tasks due after the run date are not counted).
* Annual 承办任务数 (第九条 thresholds): tasks whose 交办日期 is in the year.
* 第十条: a unit is listed for year Y when it received ≥ N 红 in Y, or when the 红 notices of one
  task to it reached N during Y (that task's 红 of earlier years count too: "同一督办事项N次").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.periods import Period
from ..core.schema import Color
from .weekly import Facts, NoticeFact, TaskFact, finished_on


# --- result records ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodRow:
    unit: str
    due: int = 0                    # 应办结
    done: int = 0                   # 办结
    on_time: int = 0                # 按时办结
    rate: float | None = None       # 按时办结率
    overdue_open: int = 0           # 逾期未办结 at the cut-off
    blue: int = 0
    yellow: int = 0
    red: int = 0
    points: int = 0                 # 扣分


@dataclass(frozen=True)
class RedTask:
    task_id: str
    content: str
    units: tuple[str, ...]
    numbers: tuple[str, ...]
    due: date | None
    overdue_days: int | None        # at the cut-off, or when it was done
    done: date | None               # finished by the cut-off on this day, else None


@dataclass(frozen=True)
class AnnualRow:
    unit: str
    tasks: int = 0                  # 承办任务数 (交办日期 in the year)
    blue: int = 0
    yellow: int = 0
    red: int = 0
    deduction: int = 0
    bonus_no_yellow: int = 0
    bonus_no_red: int = 0
    bonus_high_no_yellow: int = 0
    bonus_high_no_red: int = 0
    extra_ratio: int = 0            # 优岗比例, percent

    @property
    def bonus(self) -> int:
        return self.bonus_no_yellow + self.bonus_no_red + self.bonus_high_no_yellow + self.bonus_high_no_red

    @property
    def total(self) -> int:
        return self.bonus - self.deduction


@dataclass(frozen=True)
class Tenth:
    """A unit on a 第十条 list."""

    unit: str
    reds: int                       # 红 received in the year
    reason: str                     # 年度内累计3次 / 任务X累计2次


@dataclass(frozen=True)
class AnnualScores:
    year: int
    as_of: date
    provisional: bool               # the year is not over: bonuses are 暂计
    rows: tuple[AnnualRow, ...]
    criticized: tuple[Tenth, ...]   # 全县通报批评并书面检讨
    admonished: tuple[Tenth, ...]   # 诫勉谈话


@dataclass(frozen=True)
class PeriodReport:
    period: Period
    as_of: date
    cutoff: date
    provisional: bool
    rows: tuple[PeriodRow, ...]
    total: PeriodRow
    assigned: int                   # 新交办 in the period (by 交办日期)
    red_tasks: tuple[RedTask, ...]  # 点名通报
    commended: tuple[str, ...]      # 表扬
    excluded: tuple[str, ...]
    annual: AnnualScores | None = None


# --- frames --------------------------------------------------------------------------------------

class _Facts(Facts):
    """`Facts` with its records as two frames: `tf` per (task, lead unit), `nf` per (notice, unit)."""

    def __init__(self, outcome, evaluations=None):
        import pandas as pd

        super().__init__(outcome, evaluations)
        self.tf = pd.DataFrame(self.task_rows, columns=list(TaskFact._fields))
        self.tf["ok"] = self.tf["ok"].astype(bool)    # an empty object column would select columns
        for col in ("assigned", "due", "finished"):
            self.tf[col] = pd.to_datetime(self.tf[col])
        self.nf = pd.DataFrame(self.notice_rows, columns=list(NoticeFact._fields))
        self.nf["issued"] = pd.to_datetime(self.nf["issued"])


def _count(frame, by: str = "unit") -> dict[str, int]:
    return frame.groupby(by)["task_id"].nunique().to_dict() if len(frame) else {}


def _colors(nf, mask) -> dict[str, dict[str, int]]:
    """unit → colour → number of notices."""
    part = nf[mask]
    table = part.groupby(["unit", "color"])["number"].nunique().unstack(fill_value=0) if len(part) else None
    return {u: {c: int(table.loc[u].get(c, 0)) for c in Color} for u in table.index} if table is not None else {}


# --- period report (§4.2) --------------------------------------------------------------------------

def period_report(outcome, period: Period, evaluations=None, as_of: date | None = None) -> PeriodReport:
    """The 通报 figures of `period` (definitions in the module docstring)."""
    import pandas as pd

    as_of = outcome.run_date if as_of is None else as_of
    provisional = as_of <= period.end
    cutoff = min(period.end, as_of)
    f = _Facts(outcome, evaluations)
    tf = f.tf[f.tf["ok"]]
    s, c = pd.Timestamp(period.start), pd.Timestamp(cutoff)
    finished = tf["finished"].notna() & (tf["finished"] <= c)
    due = tf["due"].between(s, c)
    masks = {"due": due, "done": due & finished, "on_time": due & finished & (tf["finished"] <= tf["due"]),
             "overdue_open": (tf["due"] < c) & ~finished}
    counts = {k: _count(tf[m]) for k, m in masks.items()}
    in_period = f.nf["issued"].between(s, c)
    colors = _colors(f.nf, in_period)

    def row(unit: str, n: dict[str, int], col: dict[str, int], points: int) -> PeriodRow:
        rate = n["on_time"] / n["due"] if n["due"] else None
        return PeriodRow(unit, n["due"], n["done"], n["on_time"], rate, n["overdue_open"],
                         *(col.get(k, 0) for k in Color), points)

    def unit_row(unit: str) -> PeriodRow:
        col = colors.get(unit, {})
        return row(unit, {k: v.get(unit, 0) for k, v in counts.items()}, col,
                   sum(col.get(k, 0) * f.points(k) for k in Color))

    rows = {u: unit_row(u) for u in set().union(*counts.values(), colors)}
    units = f.order(rows, lambda u: (-(rows[u].rate if rows[u].rate is not None else -1), rows[u].points))
    part = f.nf[in_period]
    total = row("合计", {k: int(tf[m]["task_id"].nunique()) for k, m in masks.items()},
                {k: int(part[part["color"] == k]["number"].nunique()) for k in Color},
                sum(r.points for r in rows.values()))

    reds = part[part["color"] == Color.RED]
    red_tasks = []
    for tid, g in reds.sort_values(["issued", "number"]).groupby("task_id", sort=False):
        ev = f.tasks.get(tid)
        notice_due = next((n.deadline for n in f.notices if n.task_id == tid and n.deadline), None)
        D = ev.deadline.due if ev is not None and ev.deadline.due else notice_due
        done = finished_on(ev.task) if ev is not None else None
        done = done if done is not None and done <= cutoff else None
        days = max(((done or cutoff) - D).days, 0) if D else None
        red_tasks.append(RedTask(tid, ev.task.content if ev else "", tuple(f.order(g["unit"])),
                                 tuple(dict.fromkeys(g["number"])), D, days, done))
    named = {u for r in red_tasks for u in r.units}
    commended = tuple(u for u in units if rows[u].due and rows[u].on_time == rows[u].due and u not in named)
    assigned = int(tf[tf["assigned"].between(s, c)]["task_id"].nunique())
    annual = annual_scores(outcome, period.start.year, as_of=as_of) if period.kind == "year" else None
    return PeriodReport(period, as_of, cutoff, provisional, tuple(rows[u] for u in units), total, assigned,
                        tuple(red_tasks), commended, f.excluded, annual)


# --- annual scores (§4.3, seed 004 第九条/第十条) ----------------------------------------------------

def annual_scores(outcome, year: int, as_of: date | None = None) -> AnnualScores:
    """Points per lead unit for `year`: −蓝色扣分/−黄色扣分/−红色扣分 per notice received; bonuses for
    units with ≥ 加分门槛 tasks (无黄加分, 无红加分) and ≥ 高门槛 tasks (the further 高门槛 bonuses and
    优岗 percentages); the 第十条 lists. Bonuses are provisional while the year is not over."""
    import pandas as pd

    as_of = outcome.run_date if as_of is None else as_of
    f = _Facts(outcome)
    p = f.params
    tf = f.tf[f.tf["assigned"].dt.year == year]
    tasks = _count(tf)
    nf = f.nf[(f.nf["issued"].dt.year == year) & (f.nf["issued"] <= pd.Timestamp(as_of))]
    colors = _colors(nf, nf["unit"].notna())

    def row(unit: str) -> AnnualRow:
        n, col = tasks.get(unit, 0), colors.get(unit, {})
        b, y, r = (col.get(k, 0) for k in Color)
        low, high = n >= p.int("加分门槛"), n >= p.int("高门槛")
        return AnnualRow(
            unit, n, b, y, r, sum(col.get(k, 0) * f.points(k) for k in Color),
            p.int("无黄加分") if low and not y else 0, p.int("无红加分") if low and not r else 0,
            p.int("高门槛无黄加分") if high and not y else 0, p.int("高门槛无红加分") if high and not r else 0,
            (p.int("高门槛无黄优岗") if high and not y else 0) + (p.int("高门槛无红优岗") if high and not r else 0))

    rows = {u: row(u) for u in set(tasks) | set(colors)}
    units = f.order(rows, lambda u: -rows[u].total)
    year_end = pd.Timestamp(min(as_of, date(year, 12, 31)))   # a task's later 红 belong to later years

    def listed(threshold: int) -> tuple[Tenth, ...]:
        out: list[Tenth] = []
        if threshold < 1:
            return ()   # 0 switches the list off
        for unit in units:
            reasons = [f"年度内累计{rows[unit].red}次"] if rows[unit].red >= threshold else []
            reds = f.nf[(f.nf["unit"] == unit) & (f.nf["color"] == Color.RED) & (f.nf["issued"] <= year_end)]
            for tid, g in reds.sort_values(["issued", "number"]).groupby("task_id", sort=False):
                if len(g) >= threshold and g["issued"].iloc[threshold - 1].year == year:
                    reasons.append(f"任务{tid}累计{len(g)}次")
            if reasons:
                out.append(Tenth(unit, rows[unit].red, "；".join(reasons)))
        return tuple(out)

    return AnnualScores(year, as_of, as_of <= date(year, 12, 31), tuple(rows[u] for u in units),
                        listed(p.int("通报批评红单数")), listed(p.int("诫勉谈话红单数")))
