"""One table per reader: the cells a clerk got wrong, as [row, column, code].

Each sheet below is typed with one mistake per row (or per cell), worked out by hand; the reader
must report exactly those cells with exactly those kinds — no more, no fewer — so a script that
reads `--json` can rely on the codes and the clerk on the places.
"""

from __future__ import annotations

from datetime import date

import openpyxl

from ledger.feedback.commands import collect
from ledger.pipeline import evaluate_all, load
from ledger.reading.holiday_sheet import read_holidays
from ledger.reading.notice_log import read_log
from ledger.reading.params import read_params
from ledger.reading.reader import read_book
from ledger.reading.units import read_units
from tests.conftest import task, write_ledger
from tests.test_feedback import COLLECT, RUN as FORM_DAY, fill, forms, ledger_rows

RUN = date(2026, 11, 23)


def table(problems) -> list[list]:
    return sorted(([p.location.row, p.location.column, p.code] for p in problems), key=lambda t: (t[0] or 0, t[1] or "", t[2]))


def test_task_sheet(ledger_path):
    # columns: A 任务编号 B 任务来源 C 任务内容 D 牵头单位 E 协办单位 F 紧急程度 G 交办日期 H 办理时限
    #          I 延期至 J 延期审批人 K 延期申请日期 L 办结日期 M 办结审核 N 正当理由 O 销号日期 P 办理进展
    assigned = date(2026, 11, 2)
    rows = [
        task("A1", assigned, "10个工作日"),                                        # row 2: duplicate id (row 13)
        task("A2", assigned, "10个工作日", 任务内容=""),                            # row 3
        task("A3", "下周一", "10个工作日"),                                         # row 4
        task("A4", assigned, "10个工作日", unit=""),                               # row 5
        task("A5", assigned, "10个工作日", 紧急程度="超急"),                         # row 6
        task("A6", assigned, "10个工作日", 办结日期=date(2026, 11, 10), 办结审核="还行"),  # row 7
        task("A7", assigned, "10个工作日", 延期至=date(2026, 12, 10)),              # row 8
        task("A8", assigned, "10个工作日", 办结日期=date(2026, 12, 1)),             # row 9: after the run date
        task("A9", assigned, "10个工作日", 办结日期=date(2026, 10, 1)),             # row 10: before 交办日期
        task("A10", assigned, "10个工作日", 销号日期=date(2026, 11, 20)),           # row 11: warning
        task("A11", assigned, "尽快"),                                             # row 12
        task("A1", assigned, "10个工作日"),                                        # row 13
        task("A13", assigned, "10个工作日", unit="县发改委"),                        # row 14
        task("A14", date(2026, 12, 1), "5个工作日"),                               # row 15: warning
        task("A15", assigned, "市级6月完成，区、县12月完成"),                          # row 16
        task("A16", assigned, "10个工作日", unit="县财政局（配合）"),                 # row 17: no lead unit
        task("A17", assigned, "10个工作日", unit="、"),                              # row 18: no unit at all
    ]
    write_ledger(ledger_path, rows, units=[("县财政局",), ("县发展和改革局",)])
    out = evaluate_all(load(ledger_path, RUN), RUN)
    assert table(p for e in out.evaluations for p in e.problems) == [
        [2, "A", "task-id-duplicate"],
        [3, "C", "task-content-empty"],
        [4, "G", "date-unreadable"],
        [5, "D", "task-lead-empty"],
        [6, "F", "task-grade"],
        [7, "M", "task-review"],
        [8, "J", "task-extension-unapproved"],
        [9, "L", "task-done-future"],
        [10, "L", "task-done-before-assigned"],
        [11, "O", "task-closed-not-done"],
        [12, "H", "limit-unreadable"],
        [13, "A", "task-id-duplicate"],
        [14, "D", "task-unit-unknown"],
        [15, "G", "task-assigned-future"],
        [16, "H", "limit-two"],
        [17, "D", "task-lead-none"],
        [18, "D", "task-lead-none"],
    ]


def test_settings_sheet(ledger_path):
    write_ledger(ledger_path, [task("A1", RUN)], params={
        "临期提示": 3,          # row 2: not a parameter (临期提醒)
        "临期提醒": "三天",     # row 3: not a whole number
        "督办单按单位排列": "是",
        "临期提醒 ": 2,         # row 5: the same parameter again
    })
    _, problems = read_params(read_book(ledger_path))
    assert table(problems) == [[2, "A", "param-unknown"], [3, "B", "param-value"], [5, "A", "param-duplicate"]]


def test_unit_sheet(ledger_path):
    write_ledger(ledger_path, [task("A1", RUN)], units=[
        ("县发展和改革局", "县发改委"),
        ("县财政局", ""),
        ("县发改局", "县财政局"),      # row 4: an alias already the name of row 3
        ("县发改委", ""),              # row 5: a name already an alias of row 2
    ])
    _, problems = read_units(read_book(ledger_path))
    assert table(problems) == [[4, "B", "unit-name-conflict"], [5, "A", "unit-name-conflict"]]


def test_holiday_sheet(ledger_path):
    write_ledger(ledger_path, [task("A1", RUN)], holidays=[
        (date(2027, 1, 1), "休", "元旦"),
        ("2027-02-30", "休", "春节"),        # row 3: no such day
        (date(2027, 2, 7), "放假了", "春节"),  # row 4: neither 休 nor 班
        (date(2027, 1, 1), "休", "元旦"),    # row 5: the same day again
    ])
    _, problems = read_holidays(read_book(ledger_path))
    assert table(problems) == [[3, "A", "date-invalid"], [4, "B", "holiday-kind"], [5, "A", "holiday-duplicate"]]


def test_notice_log(ledger_path):
    # columns: A 督办单编号 B 任务编号 C 督办等级 D 发出日期 …
    write_ledger(ledger_path, [task("A1", RUN)], log=[
        ("蓝督〔2026〕1号", "A1", "蓝", date(2026, 11, 9)),
        ("", "A1", "黄", date(2026, 11, 16)),               # row 3: no number
        ("黄督〔2026〕2号", "A1", "紫", date(2026, 11, 16)),  # row 4: no such colour
        ("黄督〔2026〕3号", "A1", "黄", "上周"),              # row 5: not a date
        ("蓝督〔2026〕1号", "A1", "蓝", date(2026, 11, 9)),   # row 6: number used twice
    ])
    _, problems = read_log(read_book(ledger_path))
    assert table(problems) == [[3, "A", "log-number-empty"], [4, "C", "log-color"], [5, "D", "date-unreadable"],
                               [6, "A", "log-number-duplicate"]]


def test_returned_form(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", ledger_rows(), params={"督查机构": "青山县人民政府督查室"})
    form = forms(book, tmp_path, FORM_DAY)["县财政局"]
    ws = openpyxl.load_workbook(form)["反馈表"]
    assert [ws[f"A{r}"].value for r in (6, 7, 8)] == ["F1", "F2", "F4"]
    # columns: A 任务编号 B 任务内容 … H 本次进展 I 办结日期 J 申请延期至 K 延期理由
    back = fill(form, tmp_path / "r.xlsx", {
        "I6": date(2026, 11, 26),                  # F1: done after the day it is collected
        "B7": "改过的内容", "J7": "明年", "K7": "理由",  # F2: a locked cell edited; not a date
        "K8": "人手不足",                           # F4: a reason without a date
    })
    report = collect(book, [back], COLLECT, apply=False)
    assert table(p for r in report.results for p in r.problems) == [
        [6, "I", "return-done-future"], [7, "B", "return-locked-edited"], [7, "J", "return-not-a-date"],
        [8, "J", "return-reason-only"]]


def test_a_refusal_names_its_place_for_scripts(ledger_path):
    """--json of a run that cannot proceed: the refusal's code and place, and the problems behind it."""
    from ledger.batch import check_workbook
    from ledger.summary import report_json

    header = ["任务编号", "任务内容", "交办日期", "办理时限"]          # no 牵头单位
    write_ledger(ledger_path, [{"任务编号": "A1", "任务内容": "x", "交办日期": RUN}], header=header,
                 params={"任务工作表": "督办台账", "临期提示": 3})
    data = report_json(check_workbook(ledger_path, RUN))
    assert data["exit_code"] == 2 and data["code"] == "sheet-missing-columns"
    error = data["error"]
    assert (error["code"], error["sheet"], error["row"], error["column"]) == ("sheet-missing-columns", "督办台账", 1, None)
    assert error["message"] == "表头缺少必填列：牵头单位（已识别：任务编号、任务内容、交办日期、办理时限）"
    # what else is wrong is said with it, not one refusal at a time
    assert [(p["sheet"], p["row"], p["column"], p["code"]) for p in data["problems"]] == [
        ("参数设置", 3, "A", "param-unknown")]
