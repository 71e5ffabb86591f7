"""SPEC §2.1/§2.4–2.6: reading a workbook as a clerk types it, and the exact messages for bad input."""

from datetime import date

import openpyxl
import pytest

from ledger.batch import check_workbook
from ledger.core.errors import LedgerError
from ledger.pipeline import config_error, evaluate_all, load
from tests.conftest import task, write_ledger

RUN = date(2026, 11, 23)


def outcome(path, run=RUN):
    return evaluate_all(load(path, run), run)


def by_id(out):
    return {e.task.id: e for e in out.evaluations}


def messages(out):
    return [p.text() for e in out.evaluations for p in e.problems]


def test_aliases_title_rows_and_full_width_headers(ledger_path):
    header = ["编号", "督办事项", " 责任单位 ", "交办时间", "完成时限", "备注"]
    rows = [{"编号": "A1", "督办事项": "修路", " 责任单位 ": "县交通运输局", "交办时间": date(2026, 11, 2),
             "完成时限": "10个工作日"}]
    write_ledger(ledger_path, rows, header=header, title_rows=2)
    out = outcome(ledger_path)
    (e,) = out.evaluations
    assert e.task.row == 4 and e.task.lead == ("县交通运输局",)
    assert e.deadline.due == date(2026, 11, 16)
    # full-width letters/spaces in a header are normalised
    write_ledger(ledger_path, rows and [{"任务编号": "A1", "任务内容": "x", "牵头单位": "u", "交办日期": "２０２６年１１月２日"}],
                 header=["任务编号", "任务内容", "牵头单位", "交办日期"])
    assert by_id(outcome(ledger_path))["A1"].task.assigned == date(2026, 11, 2)


@pytest.mark.parametrize("typed, expected", [
    ("2026-03-05", date(2026, 3, 5)), ("2026/3/5", date(2026, 3, 5)), ("2026.3.5", date(2026, 3, 5)),
    ("2026年3月5日", date(2026, 3, 5)), ("３月５日", date(2026, 3, 5)), (46086, date(2026, 3, 5)),
    ("12月30日", date(2025, 12, 30)),   # a year-less date later than the run date means last year
])
def test_assigned_date_forms(ledger_path, typed, expected):
    write_ledger(ledger_path, [task("A1", typed)])
    assert by_id(outcome(ledger_path))["A1"].task.assigned == expected


def test_chinese_builtin_date_format_reads_as_date(ledger_path):
    write_ledger(ledger_path, [task("A1", date(2026, 3, 5))])
    wb = openpyxl.load_workbook(ledger_path)
    wb["督办台账"]["E2"].number_format = 'yyyy"年"m"月"d"日"'
    wb.save(ledger_path)
    assert by_id(outcome(ledger_path))["A1"].task.assigned == date(2026, 3, 5)


def test_bad_cells_are_located_and_other_rows_still_processed(ledger_path):
    write_ledger(ledger_path, [
        task("A1", "下周一"),
        task("A2", date(2026, 11, 2), "尽快"),
        task("A3", date(2026, 11, 2), "3个工作日", 紧急程度="很急"),
        task("A4", date(2026, 11, 2), "3个工作日"),
    ])
    out = outcome(ledger_path)
    assert messages(out) == [
        "督办台账!G2 交办日期“下周一”无法识别为日期：请填写日期，如 2026-11-23、2026年11月23日 或 11月23日。",
        "督办台账!H3 办理时限“尽快”无法识别：请填写日期（如 2026-11-30），或“5个工作日”“10天”“6月底”“年底前”“第三季度”“立即”等。",
        "督办台账!F4 紧急程度“很急”无法识别：请填写 急件、要件 或 普件。",
    ]
    states = {k: v.state for k, v in by_id(out).items()}
    assert states == {"A1": "数据有误", "A2": "数据有误", "A3": "数据有误", "A4": "逾期"}
    assert [n.task_id for n in out.new_notices] == ["A4"]


def test_required_cells_duplicates_and_extension_without_approver(ledger_path):
    write_ledger(ledger_path, [
        {"任务编号": "A1", "牵头单位": "县财政局", "交办日期": date(2026, 11, 2)},
        task("A2", date(2026, 11, 2)), task("A2", date(2026, 11, 3)),
        task("A3", date(2026, 11, 2), "10天", 延期至=date(2026, 12, 30)),
    ])
    assert messages(outcome(ledger_path)) == [
        "督办台账!C2 任务内容为空：请填写任务内容。",
        "督办台账!A3 任务编号“A2”与第4行重复：任务编号不得重复，请修改其中一行。",
        "督办台账!A4 任务编号“A2”与第3行重复：任务编号不得重复，请修改其中一行。",
        "督办台账!J5 填写了延期至，但延期审批人为空：延期须经审批（三色督办单制度第八条），请填写延期审批人，或清空延期至。",
    ]


def test_unknown_unit_suggests_closest_names(ledger_path):
    units = [("县发展和改革局", "县发改局、发改局", "县直单位", "张三", "13800000001"),
             ("县财政局", "财政局", "县直单位", "李四", "13800000002")]
    write_ledger(ledger_path, [task("A1", date(2026, 11, 2), unit="县发改委"),
                               task("A2", date(2026, 11, 2), unit="发改局、财政局")], units=units)
    out = outcome(ledger_path)
    assert messages(out) == ["督办台账!D2 牵头单位“县发改委”不在单位名录中：是否是：县发展和改革局？"
                             "请改为单位名录中的名称，或在“单位名录”中为它添加别名。"]
    assert by_id(out)["A2"].task.lead == ("县发展和改革局", "县财政局")


def test_missing_required_column_is_fatal_and_lists_what_was_found(ledger_path):
    write_ledger(ledger_path, [{"任务编号": "A1", "任务内容": "x", "交办日期": date(2026, 11, 2)}],
                 header=["任务编号", "任务内容", "交办日期", "备注"])
    with pytest.raises(LedgerError) as info:
        load(ledger_path, RUN)
    assert info.value.message == ("督办台账!第1行 表头缺少必填列：牵头单位（已识别：任务编号、任务内容、交办日期）："
                                  "请添加这些列，或把现有列名改为标准名称（别名见说明）。")


def test_xls_and_not_a_workbook(tmp_path):
    xls = tmp_path / "台账.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    r = check_workbook(xls, RUN)
    assert r.exit_code == 2
    assert "另存为" in r.text and ".xlsx" in r.text
    fake = tmp_path / "台账.xlsx"
    fake.write_text("任务编号,任务内容\n", encoding="utf-8")
    r = check_workbook(fake, RUN)
    assert (r.exit_code, r.text) == (2, "未能运行：“台账.xlsx”不是有效的 .xlsx 文件（文件已损坏，或是改了扩展名的其他文件）："
                                        "请用 Excel/WPS 打开确认，或从备份恢复。")


def test_params_sheet_values_and_errors(ledger_path):
    write_ledger(ledger_path, [task("A1", date(2026, 11, 2))],
                 params={"黄色督办": 3, "计日方式": "工作日", "蓝色打印": "是", "红色督查": 5, "红色重复": "很多"})
    loaded = load(ledger_path, RUN)
    assert loaded.params.int("黄色督办") == 3 and loaded.params.day_mode == "工作日" and loaded.params["蓝色打印"] is True
    err = config_error(loaded)
    assert [p.text() for p in err.problems] == [
        "参数设置!A5 参数“红色督查”不认识：是否想填写：“红色督办”、“黄色督办”、“蓝色督办”。",
        "参数设置!B6 参数“红色重复”的值“很多”无法识别：请填写不小于 0 的整数。",
    ]
    r = check_workbook(ledger_path, RUN)
    assert r.exit_code == 2 and "参数设置!A5" in r.text


def test_holiday_sheet_adds_a_new_year(ledger_path):
    write_ledger(ledger_path, [task("A1", date(2026, 12, 28), "10个工作日")],
                 holidays=[(date(2027, 1, 1), "休", "元旦"), ("2027-02-06", "班", "春节")])
    loaded = load(ledger_path, RUN)
    assert loaded.calendar.covers(2027) and loaded.calendar.is_working_day(date(2027, 2, 6))
    e = by_id(evaluate_all(loaded, RUN))["A1"]
    assert e.deadline.due == date(2027, 1, 12)


def test_holiday_sheet_errors(ledger_path):
    write_ledger(ledger_path, [task("A1", date(2026, 11, 2))], holidays=[("明年元旦", "休", ""), (date(2027, 1, 1), "放", "")])
    assert [p.text() for p in load(ledger_path, RUN).config_problems] == [
        "节假日!A2 “明年元旦”无法识别为日期：请填写日期，如 2026-11-23、2026年11月23日 或 11月23日。",
        "节假日!B3 类型“放”无法识别：请填写“休”（放假）或“班”（调休上班）。",
    ]


def test_merged_lead_unit_applies_to_every_merged_row(ledger_path):
    write_ledger(ledger_path, [task("A1", date(2026, 11, 2), unit="县教育局"), task("A2", date(2026, 11, 2), unit=None)])
    wb = openpyxl.load_workbook(ledger_path)
    wb["督办台账"].merge_cells("D2:D3")
    wb.save(ledger_path)
    assert by_id(outcome(ledger_path))["A2"].task.lead == ("县教育局",)


def test_a_unit_is_named_as_the_directory_spells_it(ledger_path):
    """Full-width （） in 单位名录 stay full-width on notices and reports, whichever way the row
    typed them: the name is printed on a document a leader signs."""
    write_ledger(ledger_path, [task("A1", date(2026, 10, 26), date(2026, 11, 9), unit="县财政局(国资办)"),
                               task("A2", date(2026, 10, 26), date(2026, 11, 9), unit="国资办")],
                 units=[("县财政局（国资办）", "国资办")])
    out = outcome(ledger_path)
    assert [e.task.lead for e in out.evaluations] == [("县财政局（国资办）",), ("县财政局（国资办）",)]
    assert [n.units for n in out.new_notices] == [("县财政局（国资办）",)] * 2
    assert not [p for e in out.evaluations for p in e.problems]
