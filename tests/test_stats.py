"""SPEC §4 figures: periods, the weekly summary, the 通报 table and the annual scores, on small
ledgers whose expected figures were computed by hand (the comments show the working)."""

from dataclasses import astuple, replace
from datetime import date

import pytest

from conftest import task, write_ledger
from ledger.reading.notice_log import Notice
from ledger.pipeline import evaluate_all, load
from ledger.core.periods import parse_period, periods_just_ended, previous_run
from ledger.figures.stats import annual_scores, period_report
from ledger.figures.weekly import weekly_summary

D = date


def units(*names):
    return [(n, "", "县直单位", f"{n}负责人", "13800000000") for n in names]


def log_row(number, task_id, color, issued, unit):
    return (number, task_id, color, issued, unit, None, None, "", issued.isoformat())


def outcome(path, rows, run, *, log=(), unit_names=None, keep_new=True, params=None):
    write_ledger(path, rows, log=list(log), units=units(*unit_names) if unit_names else None, params=params)
    result = evaluate_all(load(path, run), run)
    return result if keep_new else replace(result, new_notices=())


def table(rows, *fields):
    return [tuple(getattr(r, f) for f in fields) for r in rows]


# --- periods -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, start, end, label", [
    ("2026-11", "month", D(2026, 11, 1), D(2026, 11, 30), "2026年11月"),
    ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
    ("2026年1月", "month", D(2026, 1, 1), D(2026, 1, 31), "2026年1月"),
    ("2026Q3", "quarter", D(2026, 7, 1), D(2026, 9, 30), "2026年第三季度"),
    ("２０２６ｑ４", "quarter", D(2026, 10, 1), D(2026, 12, 31), "2026年第四季度"),
    ("2026年第一季度", "quarter", D(2026, 1, 1), D(2026, 3, 31), "2026年第一季度"),
    ("2026H1", "half", D(2026, 1, 1), D(2026, 6, 30), "2026年上半年"),
    ("2026H2", "half", D(2026, 7, 1), D(2026, 12, 31), "2026年下半年"),
    ("2026年下半年", "half", D(2026, 7, 1), D(2026, 12, 31), "2026年下半年"),
    ("2026", "year", D(2026, 1, 1), D(2026, 12, 31), "2026年"),
    ("2026年度", "year", D(2026, 1, 1), D(2026, 12, 31), "2026年"),
])
def test_parse_period(text, kind, start, end, label):
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.label) == (kind, start, end, label)


@pytest.mark.parametrize("text, message", [
    ("2026-13", "期间“2026-13”中的月份13不存在"),
    ("2026Q5", "期间“2026Q5”无法识别"),
    ("下个月", "期间“下个月”无法识别"),
    ("", "期间“”无法识别"),
    ("1899", "期间“1899”无法识别"),
])
def test_parse_period_errors_are_chinese(text, message):
    with pytest.raises(ValueError) as exc:
        parse_period(text)
    assert str(exc.value).startswith(message)
    assert "2026Q3（季度）" in str(exc.value)


@pytest.mark.parametrize("prev, run, labels", [
    (None, D(2027, 1, 4), []),                                   # a first run reports no past period
    (D(2026, 11, 23), D(2026, 11, 30), []),
    (D(2026, 11, 23), D(2026, 11, 23), []),                      # same date
    (D(2026, 11, 23), D(2026, 12, 1), ["2026年11月"]),
    (D(2026, 9, 28), D(2026, 10, 5), ["2026年9月", "2026年第三季度"]),
    (D(2026, 9, 30), D(2026, 10, 1), ["2026年9月", "2026年第三季度"]),   # a run on the last day did not report it
    (D(2026, 10, 1), D(2026, 10, 8), []),                        # already reported by the 10-01 run
    (D(2026, 6, 29), D(2026, 7, 6), ["2026年6月", "2026年第二季度", "2026年上半年"]),
    (D(2026, 12, 28), D(2027, 1, 4), ["2026年12月", "2026年第四季度", "2026年下半年", "2026年"]),
    (D(2026, 8, 15), D(2026, 11, 2), ["2026年8月", "2026年9月", "2026年第三季度", "2026年10月"]),
])
def test_periods_just_ended(prev, run, labels):
    assert [p.label for p in periods_just_ended(prev, run)] == labels


def test_previous_run_ignores_the_run_date_itself():
    log = [Notice("n1", "T", "蓝", D(2026, 9, 28), (), None, None, "", ""),
           Notice("n2", "T", "黄", D(2026, 10, 5), (), None, None, "", "")]
    assert previous_run(log, D(2026, 10, 5)) == D(2026, 9, 28)   # a rerun on 10-05 reports Q3 again
    assert previous_run(log, D(2026, 10, 12)) == D(2026, 10, 5)
    assert previous_run([], D(2026, 10, 12)) is None


# --- the quarterly 通报 ------------------------------------------------------------------------------

Q3_UNITS = ("县财政局", "县教育局", "城关镇", "县水利局")
Q3_ROWS = [
    task("A1", D(2026, 6, 20), D(2026, 7, 10), unit="县财政局", 办结日期=D(2026, 7, 10)),         # done on D: on time
    task("A2", D(2026, 7, 1), D(2026, 8, 31), unit="县财政局、县教育局", 办结日期=D(2026, 8, 30)),  # two lead units
    task("A3", D(2026, 8, 1), D(2026, 9, 30), unit="城关镇"),                                  # due on the last day
    task("A4", D(2026, 5, 1), D(2026, 6, 15), unit="县教育局"),                                # due Q2, still open
    task("A5", D(2026, 9, 1), D(2026, 11, 30), unit="县水利局"),                               # assigned Q3, due Q4
    task("A6", D(2026, 7, 10), D(2026, 7, 20), unit="县水利局", 办结日期=D(2026, 10, 5)),       # done after Q3
    task("A7", D(2026, 7, 1), D(2026, 7, 31), unit="城关镇", 办结日期=D(2026, 7, 25), 办结审核="不合格"),
    task("A8", "下周一", D(2026, 7, 31), unit="县财政局"),                                     # data error
    task("A9", D(2026, 7, 1), D(2026, 7, 31), unit="县教育局", 销号日期=D(2026, 8, 10)),         # struck off late
]
Q3_LOG = [
    log_row("蓝督〔2026〕1号", "A6", "蓝", D(2026, 7, 20), "县水利局"),
    log_row("黄督〔2026〕1号", "A6", "黄", D(2026, 7, 27), "县水利局"),
    log_row("红督〔2026〕1号", "A6", "红", D(2026, 8, 6), "县水利局"),
    log_row("红督〔2026〕2号", "A6", "红", D(2026, 8, 16), "县水利局"),
    log_row("蓝督〔2026〕2号", "A4", "蓝", D(2026, 6, 15), "县教育局"),       # Q2
    log_row("黄督〔2026〕2号", "A4", "黄", D(2026, 6, 20), "县教育局"),       # Q2
    log_row("红督〔2026〕3号", "A4", "红", D(2026, 7, 1), "县教育局"),
    log_row("蓝督〔2026〕3号", "A7", "蓝", D(2026, 7, 31), "城关镇"),
    log_row("红督〔2026〕4号", "A4", "红", D(2026, 10, 2), "县教育局"),       # Q4
]
ROW_FIELDS = ("unit", "due", "done", "on_time", "rate", "overdue_open", "blue", "yellow", "red", "points")


def q3_outcome(tmp_path, run=D(2026, 10, 8), **kw):
    return outcome(tmp_path / "台账.xlsx", Q3_ROWS, run, log=Q3_LOG, unit_names=Q3_UNITS, **kw)


def test_quarter_table_by_hand(tmp_path):
    r = period_report(q3_outcome(tmp_path), parse_period("2026Q3"))
    assert (r.cutoff, r.provisional) == (D(2026, 9, 30), False)
    assert table(r.rows, *ROW_FIELDS) == [
        # A1 on time, A2 on time (also 县教育局's)
        ("县财政局", 2, 2, 2, 1.0, 0, 0, 0, 0, 0),
        # A2 on time, A9 struck off 8-10 > 7-31; A4 (due Q2) overdue at 9-30; 红督3 on 7-01: 5 points
        ("县教育局", 2, 2, 1, 0.5, 1, 0, 0, 1, 5),
        # A3 due on 9-30 itself is not yet overdue; A7's failed review keeps it open; 蓝督3: 1 point
        ("城关镇", 2, 0, 0, 0.0, 1, 1, 0, 0, 1),
        # A6 done 10-05, after the cut-off; A5 due in Q4; 蓝1 黄1 红2 = 1 + 2 + 10
        ("县水利局", 1, 0, 0, 0.0, 1, 1, 1, 2, 13),
    ]
    # the 合计 row counts A2 once: due A1 A2 A3 A6 A7 A9, done A1 A2 A9, on time A1 A2
    assert astuple(r.total) == ("合计", 6, 3, 2, 2 / 6, 3, 2, 1, 3, 19)
    assert r.assigned == 6          # A2 A3 A5 A6 A7 A9 (A8's date is unreadable)
    assert r.excluded == ("A8",)
    assert r.commended == ("县财政局",)
    # 点名通报: A4 overdue 6-15 → 9-30 = 107 days, A6 7-20 → 9-30 = 72 days (its 10-05 completion is later)
    assert [(t.task_id, t.units, t.numbers, t.due, t.overdue_days, t.done) for t in r.red_tasks] == [
        ("A4", ("县教育局",), ("红督〔2026〕3号",), D(2026, 6, 15), 107, None),
        ("A6", ("县水利局",), ("红督〔2026〕1号", "红督〔2026〕2号"), D(2026, 7, 20), 72, None),
    ]
    assert r.annual is None


def test_month_and_reproducibility_later(tmp_path):
    """The July figures are the same whether the report is made in August or in December."""
    july = parse_period("2026-07")
    # in August the ledger did not yet say that A6 was done on 10-05 (a future 办结日期 is an error)
    august_rows = [r if r["任务编号"] != "A6" else {k: v for k, v in r.items() if k != "办结日期"} for r in Q3_ROWS]
    early = period_report(outcome(tmp_path / "台账.xlsx", august_rows, D(2026, 8, 3), log=Q3_LOG,
                                  unit_names=Q3_UNITS, keep_new=False), july)
    (tmp_path / "b").mkdir()
    late = period_report(q3_outcome(tmp_path / "b", run=D(2026, 12, 7), keep_new=False), july)
    assert early.rows == late.rows and early.red_tasks == late.red_tasks
    # July: A1 (7-10), A6 (7-20), A7 (7-31), A9 (7-31) fall due; A9 struck off 8-10 is not done by 7-31
    assert table(early.rows, *ROW_FIELDS) == [
        ("县财政局", 1, 1, 1, 1.0, 0, 0, 0, 0, 0),
        ("县教育局", 1, 0, 0, 0.0, 1, 0, 0, 1, 5),      # A4 overdue since 6-15; A9 due 7-31 = cut-off day
        ("城关镇", 1, 0, 0, 0.0, 0, 1, 0, 0, 1),        # A7 due 7-31 = cut-off day: not yet overdue
        ("县水利局", 1, 0, 0, 0.0, 1, 1, 1, 0, 3),
    ]


def test_provisional_period_counts_only_what_fell_due(tmp_path):
    r = period_report(q3_outcome(tmp_path, keep_new=False), parse_period("2026Q4"))
    assert (r.cutoff, r.provisional) == (D(2026, 10, 8), True)
    # A5 (due 11-30) is not counted; overdue at 10-08: A3 A7 (城关镇), A4 (县教育局); A6 done 10-05
    assert table(r.rows, *ROW_FIELDS) == [
        ("县教育局", 0, 0, 0, None, 1, 0, 0, 1, 5),     # 红督4 on 10-02
        ("城关镇", 0, 0, 0, None, 2, 0, 0, 0, 0),
    ]
    assert r.commended == ()


def test_notices_of_this_run_count_and_charge_every_lead_unit(tmp_path):
    rows = [task("B1", D(2026, 9, 1), D(2026, 9, 30), unit="县财政局、城关镇")]
    o = outcome(tmp_path / "台账.xlsx", rows, D(2026, 10, 8), unit_names=("县财政局", "城关镇"))
    assert [(n.color, n.units) for n in o.new_notices] == [("黄", ("县财政局", "城关镇"))]
    r = period_report(o, parse_period("2026Q4"))
    assert table(r.rows, "unit", "yellow", "points", "overdue_open") == [("县财政局", 1, 2, 1), ("城关镇", 1, 2, 1)]
    assert (r.total.yellow, r.total.points, r.total.overdue_open) == (1, 4, 1)


def test_without_a_directory_units_are_ordered_by_rate_then_points(tmp_path):
    rows = [task("C1", D(2026, 3, 1), D(2026, 3, 10), unit="乙局", 办结日期=D(2026, 3, 9)),
            task("C2", D(2026, 3, 1), D(2026, 3, 10), unit="甲局"),
            task("C3", D(2026, 3, 1), D(2026, 3, 10), unit="丙局", 办结日期=D(2026, 3, 12)),
            task("C4", D(2026, 3, 1), D(2026, 3, 12), unit="丁局", 办结日期=D(2026, 3, 12))]
    log = [log_row("蓝督〔2026〕1号", "C2", "蓝", D(2026, 3, 10), "甲局")]
    o = outcome(tmp_path / "台账.xlsx", rows, D(2026, 4, 7), log=log, keep_new=False)
    r = period_report(o, parse_period("2026-03"))
    assert table(r.rows, "unit", "rate", "points") == [
        ("丁局", 1.0, 0), ("乙局", 1.0, 0), ("丙局", 0.0, 0), ("甲局", 0.0, 1)]


def test_an_empty_ledger_gives_empty_tables(tmp_path):
    o = outcome(tmp_path / "台账.xlsx", [], D(2026, 10, 8))
    r = period_report(o, parse_period("2026"))
    assert (r.rows, astuple(r.total), r.red_tasks, r.commended) == ((), ("合计", 0, 0, 0, None, 0, 0, 0, 0, 0), (), ())
    assert r.annual.rows == () and r.annual.criticized == ()
    assert weekly_summary(o).rows == () and astuple(weekly_summary(o).total)[1:] == (0,) * 11


# --- the weekly summary --------------------------------------------------------------------------

WEEK_RUN = D(2026, 11, 23)   # week 11-17 … 11-23
WEEK_ROWS = [
    task("W1", D(2026, 11, 18), D(2026, 11, 27), unit="甲局"),                           # new, due soon
    task("W2", D(2026, 11, 2), D(2026, 11, 20), unit="乙局", 办结日期=D(2026, 11, 19)),     # on time this week
    task("W3", D(2026, 11, 2), D(2026, 11, 16), unit="甲局、乙局", 办结日期=D(2026, 11, 18)),  # late, two units
    task("W4", D(2026, 11, 1), D(2026, 11, 23), unit="乙局"),                             # due today: 蓝 now
    task("W5", D(2026, 10, 1), D(2026, 11, 10), unit="丙局"),                             # 13 days: 黄 now
    task("W6", D(2026, 10, 1), D(2026, 11, 20), unit="丙局"),                             # 3 days: 蓝 now
    task("W7", D(2026, 9, 1), D(2026, 10, 10), unit="甲局"),                              # 黄 11-10 → 红 now
    task("W8", D(2026, 9, 1), D(2026, 11, 30), unit="丙局"),                              # due in 7 days
    task("W9", D(2026, 9, 1), D(2026, 12, 1), unit="丙局"),                               # due in 8 days
    task("W10", D(2026, 10, 1), D(2026, 11, 1), unit="乙局", 正当理由="等待省厅批复"),      # 蓝, held there
    task("W11", D(2026, 11, 20), D(2026, 11, 1), unit="丙局", 办结日期="某天"),             # data error
]
WEEK_LOG = [log_row("黄督〔2026〕1号", "W7", "黄", D(2026, 11, 10), "甲局"),
            log_row("蓝督〔2026〕1号", "W10", "蓝", D(2026, 11, 1), "乙局")]
WEEK_UNITS = ("甲局", "乙局", "丙局")


def week_outcome(tmp_path):
    return outcome(tmp_path / "台账.xlsx", WEEK_ROWS, WEEK_RUN, log=WEEK_LOG, unit_names=WEEK_UNITS)


def test_weekly_summary_by_hand(tmp_path):
    run = WEEK_RUN
    o = week_outcome(tmp_path)
    assert sorted((n.task_id, n.color) for n in o.new_notices) == [
        ("W4", "蓝"), ("W5", "黄"), ("W6", "蓝"), ("W7", "红")]
    s = weekly_summary(o)
    assert (s.period.start, s.period.end) == (D(2026, 11, 17), run)
    assert [astuple(r) for r in s.rows] == [
        # unit  new on_time late due_soon | overdue none blue yellow red | issued blue yellow red
        ("甲局", 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1),
        ("乙局", 0, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0),
        ("丙局", 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0),
    ]
    assert astuple(s.total) == ("合计", 1, 1, 1, 3, 0, 2, 1, 1, 2, 1, 1)
    assert s.total.overdue == 4
    assert [(t.task_id, t.due) for t in s.due_soon] == [
        ("W4", D(2026, 11, 23)), ("W1", D(2026, 11, 27)), ("W8", D(2026, 11, 30))]
    assert [(t.task_id, t.units, t.days, t.level) for t in s.overdue] == [
        # W10's 办理时限 Sun 11-01 moves to Mon 11-02 (SPEC §3.2 rule 5): 21 days at 11-23
        ("W7", ("甲局",), 44, "红"), ("W10", ("乙局",), 21, "蓝"), ("W5", ("丙局",), 13, "黄"),
        ("W6", ("丙局",), 3, "蓝")]
    assert s.excluded == ("W11",)


# --- annual scores (第九条 / 第十条) -------------------------------------------------------------------

def test_annual_bonuses_at_the_thresholds_and_the_tenth_article_lists(tmp_path):
    def tasks(unit: str, n: int):
        return [task(f"{unit}{i}", D(2026, 1, 5), "年底前", unit=unit) for i in range(1, n + 1)]

    rows = tasks("甲局", 5) + tasks("乙局", 4) + tasks("丙局", 20) + tasks("丁局", 19) + tasks("戊局", 20)
    rows.append(task("己1", D(2025, 12, 1), "年底前", unit="己局"))     # a 2025 task: not counted for 2026
    log = [
        log_row("红督〔2026〕1号", "X1", "红", D(2026, 3, 2), "丙局"),
        log_row("蓝督〔2026〕1号", "X2", "蓝", D(2026, 3, 2), "丁局"),
        log_row("红督〔2026〕2号", "X3", "红", D(2026, 3, 2), "己局"),
        log_row("红督〔2026〕3号", "X4", "红", D(2026, 4, 2), "己局"),
        log_row("红督〔2026〕4号", "G1", "红", D(2026, 2, 2), "庚局"),
        log_row("红督〔2026〕5号", "G1", "红", D(2026, 2, 12), "庚局"),
        log_row("红督〔2026〕6号", "G1", "红", D(2026, 2, 22), "庚局"),
        log_row("红督〔2025〕9号", "H1", "红", D(2025, 12, 20), "辛局"),   # same task across the new year
        log_row("红督〔2026〕7号", "H1", "红", D(2026, 1, 5), "辛局"),
        log_row("黄督〔2025〕9号", "Y1", "黄", D(2025, 12, 1), "甲局"),   # last year's: does not cost 2026 bonus
    ]
    o = outcome(tmp_path / "台账.xlsx", rows, D(2026, 6, 30), log=log, keep_new=False)
    a = annual_scores(o, 2026)
    assert (a.year, a.as_of, a.provisional) == (2026, D(2026, 6, 30), True)
    fields = ("unit", "tasks", "blue", "yellow", "red", "deduction", "bonus_no_yellow", "bonus_no_red",
              "bonus_high_no_yellow", "bonus_high_no_red", "extra_ratio", "bonus", "total")
    # no directory: ordered by total, best first
    assert table(a.rows, *fields) == [
        ("戊局", 20, 0, 0, 0, 0, 10, 5, 20, 10, 5, 45, 45),    # 20 tasks, nothing received
        ("丙局", 20, 0, 0, 1, 5, 10, 0, 20, 0, 3, 30, 25),     # 20 tasks, one 红
        ("甲局", 5, 0, 0, 0, 0, 10, 5, 0, 0, 0, 15, 15),       # exactly 5
        ("丁局", 19, 1, 0, 0, 1, 10, 5, 0, 0, 0, 15, 14),      # 19: below the high threshold
        ("乙局", 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),          # 4: no bonus
        ("辛局", 0, 0, 0, 1, 5, 0, 0, 0, 0, 0, 0, -5),
        ("己局", 0, 0, 0, 2, 10, 0, 0, 0, 0, 0, 0, -10),
        ("庚局", 0, 0, 0, 3, 15, 0, 0, 0, 0, 0, 0, -15),
    ]
    assert [(t.unit, t.reds, t.reason) for t in a.criticized] == [
        ("辛局", 1, "任务H1累计2次"),                     # the 2nd 红 of H1 came in 2026
        ("己局", 2, "年度内累计2次"),
        ("庚局", 3, "年度内累计3次；任务G1累计3次"),
    ]
    assert [(t.unit, t.reason) for t in a.admonished] == [("庚局", "年度内累计3次；任务G1累计3次")]
    final = annual_scores(o, 2026, as_of=D(2027, 1, 4))
    assert final.provisional is False and final.rows == a.rows
    assert annual_scores(o, 2026, as_of=D(2026, 12, 31)).provisional      # the last day is not over yet
    last_year = annual_scores(o, 2025)
    assert table(last_year.rows, "unit", "tasks", "yellow", "red", "total") == [
        ("己局", 1, 0, 0, 0), ("甲局", 0, 1, 0, -2), ("辛局", 0, 0, 1, -5)]
    assert last_year.criticized == ()


def test_score_parameters_come_from_the_workbook(tmp_path):
    rows = [task(f"T{i}", D(2026, 2, 1), "年底前", unit="甲局") for i in range(3)]
    log = [log_row("红督〔2026〕1号", "T0", "红", D(2026, 3, 1), "甲局")]
    o = outcome(tmp_path / "台账.xlsx", rows, D(2026, 4, 1), log=log, keep_new=False,
                params={"加分门槛": 3, "无黄加分": 8, "红色扣分": 4, "通报批评红单数": 1, "诫勉谈话红单数": 0})
    a = annual_scores(o, 2026)
    assert table(a.rows, "unit", "deduction", "bonus", "total") == [("甲局", 4, 8, 4)]
    assert [t.unit for t in a.criticized] == ["甲局"] and a.admonished == ()   # 0 switches a list off
