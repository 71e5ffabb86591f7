"""Never a wrong notice: sequences of weekly runs with the edits a clerk makes between them.

Each scenario builds the ledger, runs the dates a 督查室 would run (Mondays unless said), edits the
workbook between runs as the clerk would in Excel, and checks the notices, states and 下一步 by
value. Expected dates are worked out by hand on the 2026 calendar (国庆 10-01…10-07, 调休 10-10).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import task, write_ledger
from ledger.batch import run_weekly
from ledger.rendering.notices import build_views


def run(book: Path, day: date, tmp: Path):
    return run_weekly(book, day, tmp / "out")


def edit(book: Path, task_id: str, **values) -> None:
    """The clerk changes cells of one task row in Excel (header names as keys)."""
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == task_id:
            for name, value in values.items():
                cell = row[header.index(name)]
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
    wb.save(book)


def state(report, task_id: str):
    ev = next(e for e in report.outcome.evaluations if e.task.id == task_id)
    return ev.state, ev.issue, ev.next_step


def issued(report) -> list[tuple[str, str]]:
    return [(n.task_id, n.color) for n in report.outcome.new_notices]


# --- 1. an extension (or a corrected 办理时限) approved after a 黄 --------------------------------

@pytest.mark.parametrize("how", ["extension", "corrected limit"])
def test_no_red_while_a_moved_deadline_has_not_passed_and_the_ladder_resumes_at_red(tmp_path, how):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 26), date(2026, 11, 9))])
    # D = Mon 11-09: 蓝 on 11-09; 黄 from 11-14 (Sat) → Mon 11-16
    assert issued(run(book, date(2026, 11, 9), tmp_path)) == [("T1", "蓝")]
    r = run(book, date(2026, 11, 16), tmp_path)
    assert issued(r) == [("T1", "黄")]
    assert state(r, "T1")[2] == "2026-11-26 起发红色督办单"          # 11-16 + 10
    if how == "extension":
        edit(book, "T1", 延期至=date(2026, 12, 4), 延期审批人="常务副县长", 延期申请日期=date(2026, 11, 20))
    else:
        edit(book, "T1", 办理时限=date(2026, 12, 4))
    # 11-26 was the red date under the old D; the new D (Fri 12-04) has not passed: nothing, and
    # 红 waits for the later of 11-26 and D + 5 = 12-09 (Wed)
    r = run(book, date(2026, 11, 26), tmp_path)
    assert issued(r) == []
    assert state(r, "T1") == ("未到期", None, "2026-12-09 起发红色督办单")
    assert issued(run(book, date(2026, 12, 4), tmp_path)) == []      # 今日到期: never 蓝 again
    r = run(book, date(2026, 12, 7), tmp_path)
    assert (issued(r), state(r, "T1")[0]) == ([], "逾期")
    r = run(book, date(2026, 12, 9), tmp_path)
    assert issued(r) == [("T1", "红")]
    red = r.outcome.new_notices[0]
    assert (red.deadline, red.overdue_days) == (date(2026, 12, 4), 5)
    view = build_views(r.outcome)[0]
    assert view.status_text == "已超过规定完成时限5天，至今未办结"
    if how == "extension":
        assert view.original_deadline == "2026年11月9日"


def test_red_repeat_after_an_extension_waits_for_the_new_deadline_too(tmp_path):
    log = [("黄督〔2026〕1号", "T1", "黄", date(2026, 10, 12), "县财政局", date(2026, 10, 5), 7, "常务副县长",
            "2026-10-12"),
           ("红督〔2026〕1号", "T1", "红", date(2026, 10, 22), "县财政局", date(2026, 10, 5), 17, "县长",
            "2026-10-22")]
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 9, 1), date(2026, 10, 5),
                                                     延期至=date(2026, 11, 30), 延期审批人="县长")], log=log)
    # the next 红 would have been due 11-01; the extension to Mon 11-30 holds it until 12-05 (Sat) → 12-07
    r = run(book, date(2026, 11, 2), tmp_path)
    assert (issued(r), state(r, "T1")) == ([], ("未到期", None, "2026-12-07 起再发红色督办单"))
    assert issued(run(book, date(2026, 11, 30), tmp_path)) == []
    assert issued(run(book, date(2026, 12, 7), tmp_path)) == [("T1", "红")]


# --- 2. placeholders in 正当理由 ----------------------------------------------------------------

@pytest.mark.parametrize("placeholder", ["无", "/", "／", "—", "——", "-", "否", "没有", "暂无", " 无 ", "无。"])
def test_a_placeholder_in_the_reason_column_is_not_a_reason(tmp_path, placeholder):
    # D = Mon 10-19, first run 11-23 (35 days late): straight to 黄, as with an empty cell
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19),
                                                     正当理由=placeholder)])
    r = run(book, date(2026, 11, 23), tmp_path)
    assert issued(r) == [("T1", "黄")]
    assert state(r, "T1")[2] == "2026-12-03 起发红色督办单"
    r = run(book, date(2026, 12, 7), tmp_path)
    assert issued(r) == [("T1", "红")]


def test_a_real_reason_still_holds_yellow_and_red(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19),
                                                     正当理由="须报省厅审批，已书面说明")])
    r = run(book, date(2026, 11, 23), tmp_path)
    assert issued(r) == [("T1", "蓝")]
    assert state(r, "T1")[2] == "有正当理由，暂缓黄色、红色督办"
    assert issued(run(book, date(2026, 12, 7), tmp_path)) == []
    # the reason is withdrawn (cleared): the ladder goes on from 蓝 → 黄 at once (D + 5 long past)
    edit(book, "T1", 正当理由="无")
    assert issued(run(book, date(2026, 12, 14), tmp_path)) == [("T1", "黄")]


# --- 4. a deadline on a day off --------------------------------------------------------------------

def test_a_deadline_in_the_national_day_holiday_moves_to_the_first_working_day(tmp_path):
    # 10-04 is in 国庆 (10-01…10-07): D = Thu 10-08. Weekly runs 09-28, 10-12, 10-19:
    # 10-12 ≥ D → 蓝 (not 黄: D + 5 = 10-13); 10-19 ≥ 10-13 → 黄
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 9, 14), date(2026, 10, 4))])
    r = run(book, date(2026, 9, 28), tmp_path)
    assert (issued(r), r.outcome.evaluations[0].deadline.due) == ([], date(2026, 10, 8))
    r = run(book, date(2026, 10, 12), tmp_path)
    assert issued(r) == [("T1", "蓝")]
    assert state(r, "T1")[2] == "2026-10-13 起发黄色督办单"
    assert issued(run(book, date(2026, 10, 19), tmp_path)) == [("T1", "黄")]


def test_month_end_on_a_saturday_is_due_the_next_monday(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), "10月完成")])
    r = run(book, date(2026, 10, 30), tmp_path)          # Fri 10-30: D is Mon 11-02, not yet due
    ev = r.outcome.evaluations[0]
    assert (ev.deadline.due, ev.state, ev.remaining, ev.issue) == (date(2026, 11, 2), "临期", 1, None)
    r = run(book, date(2026, 11, 2), tmp_path)
    assert state(r, "T1")[:2] == ("今日到期", "蓝")


def test_the_rollover_can_be_switched_off(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), "10月完成")],
                        params={"截止日顺延": "否"})
    r = run(book, date(2026, 11, 2), tmp_path)
    ev = r.outcome.evaluations[0]
    assert (ev.deadline.due, ev.state, ev.overdue, ev.issue) == (date(2026, 10, 31), "逾期", 2, "蓝")


# --- 5. impossible 办结日期 -------------------------------------------------------------------------

def test_completion_before_assignment_or_in_the_future_is_a_row_error(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [
        task("T1", date(2026, 11, 2), date(2026, 11, 9), 办结日期=date(2025, 11, 5)),    # typo in the year
        task("T2", date(2026, 10, 1), date(2026, 10, 20), 办结日期=date(2026, 12, 1)),   # after the run date
        task("T3", date(2026, 10, 1), date(2026, 10, 20)),
    ])
    r = run(book, date(2026, 11, 23), tmp_path)
    assert r.exit_code == 1
    assert issued(r) == [("T3", "黄")]
    by_id = {e.task.id: e for e in r.outcome.evaluations}
    assert (by_id["T1"].state, by_id["T2"].state) == ("数据有误", "数据有误")
    assert [p.text() for p in by_id["T1"].problems] == [
        "督办台账!L2 办结日期2025-11-05早于交办日期2026-11-02：请核对办结日期和交办日期（常见为年份或月份录错）。"]
    assert [p.text() for p in by_id["T2"].problems] == [
        "督办台账!L3 办结日期2026-12-01晚于本次运行日期2026-11-23：办结日期不能是将来的日期，请核对（任务尚未办结时请留空）。"]


# --- the dates a notice prints agree with each other and with 下一步 -------------------------------

def _cn(text: str) -> list[date]:
    return [date(int(y), int(m), int(d)) for y, m, d in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)]


def test_reply_date_is_never_after_the_next_colour_and_both_are_working_days(tmp_path):
    import shutil

    book = tmp_path / "示例台账.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "示例台账.xlsx", book)
    r = run(book, date(2026, 11, 23), tmp_path)
    cal = r.outcome.loaded.calendar
    steps = {e.task.id: e.next_step for e in r.outcome.evaluations}
    checked = 0
    for v in build_views(r.outcome):
        (reply,) = _cn(v.reply_by)
        assert cal.is_working_day(reply), v.number
        if v.next_step:
            (nxt,) = _cn(v.next_step)
            assert reply <= nxt, (v.number, reply, nxt)
            assert cal.is_working_day(nxt), v.number
            # 下一步 in the ledger names the same day as the notice
            assert steps[v.task_id].startswith(nxt.isoformat()), (v.number, steps[v.task_id])
            checked += 1
    assert checked == 13    # every notice of that run names its next colour


# --- 3. formula cells without a result, or with an error ------------------------------------------

def _lo_resave(book: Path, tmp: Path) -> Path:
    """The workbook as LibreOffice saves it (results and error values cached)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) 未安装：跳过另存为检查")
    out = tmp / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(book)],
                   check=True, capture_output=True, timeout=180)
    return out / book.name


def _messages(report, task_id):
    ev = next(e for e in report.outcome.evaluations if e.task.id == task_id)
    return ev.state, [p.text() for p in ev.problems]


def test_formulas_saved_without_results_are_row_errors_not_empty_cells(tmp_path):
    # openpyxl, like some converters and web editors, stores formulas without their results
    book = write_ledger(tmp_path / "台账.xlsx", [
        task("T1", date(2026, 10, 9), date(2026, 10, 19), 办结日期="=G2+3"),   # a finished task
        task("T2", date(2026, 10, 9), "=G3+10"),                                # would become the default 7 days
        task("T3", date(2026, 10, 9), date(2026, 10, 19), unit='="县住建局"'),
        task("T4", date(2026, 10, 9), date(2026, 10, 19)),
    ])
    r = run(book, date(2026, 11, 23), tmp_path)
    assert r.exit_code == 1
    assert issued(r) == [("T4", "黄")]
    hint = "请在 Excel 或 WPS 中打开台账、保存一次（让公式算出结果）后再运行，或把公式改为直接填写的内容。"
    assert _messages(r, "T1") == ("数据有误", [f"督办台账!L2 办结日期是公式“=G2+3”，但文件中没有保存它的计算结果：{hint}"])
    assert _messages(r, "T2") == ("数据有误", [f"督办台账!H3 办理时限是公式“=G3+10”，但文件中没有保存它的计算结果：{hint}"])
    assert _messages(r, "T3") == ("数据有误", [f"督办台账!D4 牵头单位是公式“=\"县住建局\"”，但文件中没有保存它的计算结果：{hint}"])


def test_a_unit_formula_cached_as_zero_is_not_a_unit_called_zero(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19),
                                                     unit='="县住建局"')])
    # what a program that does not compute writes: the formula and a cached 0
    import zipfile

    parts = {i.filename: zipfile.ZipFile(book).read(i) for i in zipfile.ZipFile(book).infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b'<c r="D2"')
    end = sheet.index(b"</c>", start) + 4
    parts["xl/worksheets/sheet1.xml"] = sheet[:start] + b'<c r="D2"><f>"\xe5\x8e\xbf\xe4\xbd\x8f\xe5\xbb\xba\xe5\xb1\x80"</f><v>0</v></c>' + sheet[end:]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    r = run(book, date(2026, 11, 23), tmp_path)
    assert issued(r) == []
    assert _messages(r, "T1") == ("数据有误", [
        "督办台账!D2 牵头单位公式“=\"县住建局\"”的结果“0”不是单位名称：请在 Excel 或 WPS 中打开台账、保存一次（让公式算出结果）"
        "后再运行，或把公式改为直接填写的内容。"])


def test_formula_errors_in_a_libreoffice_saved_ledger_are_row_errors(tmp_path):
    src = write_ledger(tmp_path / "台账.xlsx", [
        task("T1", date(2026, 10, 9), "=1/0"),
        task("T2", date(2026, 10, 9), date(2026, 10, 19), 办结日期="=NA()"),
        task("T3", date(2026, 10, 9), date(2026, 10, 19), unit="=#N/A"),
        task("T4", "=TODAY()-30", "10个工作日"),
    ])
    book = _lo_resave(src, tmp_path)
    r = run(book, date(2026, 11, 23), tmp_path)
    assert _messages(r, "T1") == ("数据有误", ["督办台账!H2 办理时限公式“=1/0”的结果是错误值#DIV/0!：请修正公式，或改为直接填写的内容。"])
    assert _messages(r, "T2") == ("数据有误", ["督办台账!L3 办结日期公式“=NA()”的结果是错误值#N/A：请修正公式，或改为直接填写的内容。"])
    assert _messages(r, "T3") == ("数据有误", ["督办台账!D4 牵头单位公式“=#N/A”的结果是错误值#N/A：请修正公式，或改为直接填写的内容。"])
    state4, msgs4 = _messages(r, "T4")
    assert state4 != "数据有误"
    assert msgs4 == ["督办台账!G5 交办日期公式“=TODAY()-30”的结果每天都会变化：请改为直接填写固定的日期或内容，"
                     "否则应办结日期和督办时间会随打开文件的日期而变。"]
    assert [n for n in issued(r) if n[0] != "T4"] == []


# --- 7. 督办记录 deleted or cut ----------------------------------------------------------------------

def _sample(tmp: Path) -> Path:
    import shutil

    book = tmp / "示例台账.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "示例台账.xlsx", book)
    return book


@pytest.mark.parametrize("damage", ["deleted", "cut"])
def test_a_lost_log_stops_the_run_before_any_number_is_reused(tmp_path, damage):
    book = _sample(tmp_path)
    assert run(book, date(2026, 11, 23), tmp_path).exit_code == 1       # 13 notices, 黄督7—11 among them
    wb = openpyxl.load_workbook(book)
    if damage == "deleted":
        del wb["督办记录"]
    else:
        ws = wb["督办记录"]
        ws.delete_rows(ws.max_row - 4, 5)                                 # the last five rows of the log
    wb.save(book)
    before = book.read_bytes()
    r = run(book, date(2026, 11, 30), tmp_path)
    assert r.exit_code == 2
    assert r.outcome is None or r.outcome.new_notices == ()
    assert "督办记录可能被删除或删减。为免重复使用已经发出的编号，本次未写入台账、未发出督办单。" in r.text
    assert "ledger restore" in r.text
    assert book.read_bytes() == before
    assert not (tmp_path / "out" / "2026-11-30").exists()


def test_a_lost_log_still_refuses_a_run_dated_before_the_last_one(tmp_path):
    # a week in which nothing was issued leaves no number behind; 更新日期 keeps the date guard
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 11, 2), "年底前")])
    assert run(book, date(2026, 11, 23), tmp_path).exit_code == 0
    wb = openpyxl.load_workbook(book)
    del wb["督办记录"]
    wb.save(book)
    r = run(book, date(2026, 11, 16), tmp_path)
    assert r.exit_code == 2
    assert "运行日期2026-11-16早于台账中记录的上次运行日期（督办台账!" in r.text
    assert run(book, date(2026, 11, 30), tmp_path).exit_code == 0


def test_text_a_clerk_typed_into_the_number_column_is_not_a_lost_notice(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19))])
    assert issued(run(book, date(2026, 10, 19), tmp_path)) == [("T1", "蓝")]
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    col = [c.value for c in ws[1]].index("督办单编号") + 1
    ws.cell(2, col, "已电话提醒")
    wb.save(book)
    r = run(book, date(2026, 10, 26), tmp_path)
    assert (r.exit_code, issued(r)) == (0, [("T1", "黄")])


# --- 11. a rerun of the same date keeps the record of that day --------------------------------------

def test_a_rerun_of_the_same_date_reports_the_notices_of_that_date(tmp_path):
    book = _sample(tmp_path)
    first = run(book, date(2026, 11, 23), tmp_path)
    summary_file = tmp_path / "out" / "2026-11-23" / "运行摘要.txt"
    first_text = summary_file.read_text(encoding="utf-8")
    assert "本次发出督办单 13 份：蓝色 5 份，黄色 5 份，红色 3 份" in first_text
    again = run(book, date(2026, 11, 23), tmp_path)
    assert again.outcome.new_notices == ()
    text = summary_file.read_text(encoding="utf-8")
    assert ("2026-11-23 已发出督办单 13 份：蓝色 5 份，黄色 5 份，红色 3 份（本次新发 0 份；"
            "其余为同一日期此前运行所发，未重复发出）") in text
    assert "本次发出督办单：无" not in text
    listed = [line.split()[0] for line in text.splitlines() if line.startswith("  ") and "督〔2026〕" in line]
    first_listed = [line.split()[0] for line in first_text.splitlines() if line.startswith("  ") and "督〔2026〕" in line]
    assert listed == first_listed and len(listed) == 13


# --- 8. a clerk's own column with a status column's name; 10. a cleared row -----------------------

def _sheet_xml(book: Path) -> str:
    import zipfile

    from ledger.xlsx.patch import sheet_part_paths

    with zipfile.ZipFile(book) as zf:
        return zf.read(sheet_part_paths(book)["督办台账"]).decode("utf-8")


def _header(book: Path) -> list:
    return [c.value for c in openpyxl.load_workbook(book)["督办台账"][1]]


def test_a_clerks_column_named_like_a_status_column_is_left_alone(tmp_path):
    from conftest import HEADER

    header = [*HEADER, "逾期天数"]
    rows = [task("T1", date(2026, 10, 9), date(2026, 10, 19), 逾期天数="=MAX(0,TODAY()-H2)"),
            task("T2", date(2026, 11, 2), "年底前", 逾期天数="=MAX(0,TODAY()-H3)")]
    book = write_ledger(tmp_path / "台账.xlsx", rows, header=header)
    r = run(book, date(2026, 11, 23), tmp_path)
    assert r.exit_code == 0 and issued(r) == [("T1", "黄")]
    xml = _sheet_xml(book)
    assert "<f>MAX(0,TODAY()-H2)</f>" in xml and "<f>MAX(0,TODAY()-H3)</f>" in xml    # the clerk's formulas
    got = _header(book)
    assert got[:len(header)] == header
    assert got[len(header):] == ["应办结日期", "当前状态", "剩余工作日", "逾期天数（自动）", "督办等级", "督办单编号",
                                 "下一步", "程序提示", "更新日期"]
    summary = (tmp_path / "out" / "2026-11-23" / "运行摘要.txt").read_text(encoding="utf-8")
    assert "“督办台账”Q列“逾期天数”是台账原有的列，程序不改动它；程序填写的列名为“逾期天数（自动）”（U列）。" in summary
    ws = openpyxl.load_workbook(book)["督办台账"]
    assert ws["U2"].value == 35 and ws["U3"].value is None      # T1: 10-19 → 11-23; T2 not yet due
    # the next week: the same columns, no new ones, the clerk's formulas still there, said no more
    r = run(book, date(2026, 11, 30), tmp_path)
    assert _header(book) == got
    assert "<f>MAX(0,TODAY()-H2)</f>" in _sheet_xml(book)
    assert openpyxl.load_workbook(book)["督办台账"]["U2"].value == 42
    summary = (tmp_path / "out" / "2026-11-30" / "运行摘要.txt").read_text(encoding="utf-8")
    assert "是台账原有的列" not in summary


def test_the_tool_finds_its_column_after_the_clerk_renames_the_header(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19))])
    run(book, date(2026, 11, 16), tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    col = [c.value for c in ws[1]].index("当前状态") + 1
    ws.cell(1, col, "状态")                     # the clerk's own wording; the hidden marker stays
    wb.save(book)
    width = len(_header(book))
    r = run(book, date(2026, 11, 23), tmp_path)
    assert len(_header(book)) == width          # no new 当前状态 column
    assert openpyxl.load_workbook(book)["督办台账"].cell(2, col).value == "逾期"
    assert issued(r) == []                      # 黄 on 11-16; 红 not before 11-26


def test_a_cleared_row_keeps_no_stale_status(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19)),
                                                 task("T2", date(2026, 10, 9), date(2026, 10, 19))])
    run(book, date(2026, 11, 23), tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    for c in range(1, 17):                      # the clerk clears T2's task cells, not the status cells
        ws.cell(3, c).value = None
    wb.save(book)
    run(book, date(2026, 11, 30), tmp_path)
    ws = openpyxl.load_workbook(book)["督办台账"]
    assert [ws.cell(3, c).value for c in range(17, 26)] == [None] * 9
    assert ws.cell(2, 18).value == "逾期"


def test_text_typed_into_a_status_cell_is_overwritten_and_said(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19))])
    run(book, date(2026, 11, 16), tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    col = [c.value for c in ws[1]].index("当前状态") + 1
    ws.cell(2, col, "已办结（电话确认）")
    wb.save(book)
    r = run(book, date(2026, 11, 23), tmp_path)
    ev = r.outcome.evaluations[0]
    assert ev.state == "逾期"
    assert [p.text() for p in ev.problems] == [
        f"督办台账!{chr(64 + col)}2 当前状态列由程序填写，手工填入的“已办结（电话确认）”已按本次计算结果覆盖："
        "任务已办结请填写“办结日期”，已销号请填写“销号日期”，暂缓督办请填写“正当理由”。"]
    ws = openpyxl.load_workbook(book)["督办台账"]
    assert ws.cell(2, col).value == "逾期"
    assert ws.cell(2, col).fill.fgColor.rgb == "FFFFC7CE"            # an overdue state is filled
    hints = ws.cell(1, [c.value for c in ws[1]].index("程序提示") + 1)
    assert ws.cell(2, hints.column).alignment.wrap_text
    # the next run, with the tool's own value back in the cell, says nothing
    r = run(book, date(2026, 11, 30), tmp_path)
    assert r.outcome.evaluations[0].problems == ()


def test_check_says_the_log_is_cut_before_the_weekly_run_does(tmp_path):
    from ledger.batch import check_workbook

    book = _sample(tmp_path)
    run(book, date(2026, 11, 23), tmp_path)
    wb = openpyxl.load_workbook(book)
    del wb["督办记录"]
    wb.save(book)
    r = check_workbook(book, date(2026, 11, 30))
    assert r.exit_code == 2
    assert "督办记录可能被删除或删减" in r.text


@pytest.mark.parametrize("progress, verify", [
    ("已完成", True), ("项目已完成验收", True), ("已完成。", True),
    ("已完成前期调研", False), ("已完成方案设计，正在招标", False), ("已完成，待验收", False)])
def test_progress_that_reports_a_stage_done_does_not_hold_the_notices(tmp_path, progress, verify):
    """待核实办结 holds every notice: only text that reports the whole task done may put a row there."""
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 9), date(2026, 10, 19), 办理进展=progress)])
    r = run(book, date(2026, 11, 23), tmp_path)
    assert (r.outcome.evaluations[0].state, issued(r)) == (("待核实办结", []) if verify else ("逾期", [("T1", "黄")]))


# --- a 牵头单位 cell that names no lead unit -------------------------------------------------------

def test_a_lead_cell_with_only_assisting_units_issues_no_notice_to_no_one(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 26), date(2026, 11, 9)),
                                                 task("T2", date(2026, 10, 26), date(2026, 11, 9), unit="、")])
    # D = Mon 11-09: T1 gets its 蓝; T2's cell names no unit at all
    r = run(book, date(2026, 11, 9), tmp_path)
    assert issued(r) == [("T1", "蓝")]
    assert state(r, "T2")[:2] == ("数据有误", None)
    # the clerk marks the only unit as assisting: the 黄 due on 11-16 must not go out addressed to no one
    edit(book, "T1", 牵头单位="县财政局（配合）")
    r = run(book, date(2026, 11, 16), tmp_path)
    assert issued(r) == [] and state(r, "T1")[:2] == ("数据有误", None)
    (p,) = [p for e in r.outcome.evaluations if e.task.id == "T1" for p in e.problems]
    assert p.text() == ("督办台账!D2 牵头单位“县财政局（配合）”中没有牵头单位：督办单发给牵头单位：请至少填写一个"
                        "不带（配合）（协办）的单位名称，配合单位可写在“协办单位”列。")
    assert p.code == "task-lead-none"
    # corrected: the 黄 goes to the lead unit only, the assisting one is copied
    edit(book, "T1", 牵头单位="县教育局（牵头）、县财政局（配合）")
    r = run(book, date(2026, 11, 17), tmp_path)
    assert issued(r) == [("T1", "黄")]
    assert r.outcome.new_notices[0].units == ("县教育局",)
    assert all(n.units for n in r.outcome.loaded.log)


# --- a 任务编号 retyped after its notices; the log's last rows cut with their task row ----------------

def test_a_retyped_id_does_not_restart_the_ladder(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 26), date(2026, 11, 9)),
                                                 task("T2", date(2026, 10, 26), date(2026, 11, 9))])
    # D = Mon 11-09: 蓝 on 11-09, 黄 on 11-16, 红 from 11-16 + 10 = 11-26
    assert issued(run(book, date(2026, 11, 9), tmp_path)) == [("T1", "蓝"), ("T2", "蓝")]
    assert issued(run(book, date(2026, 11, 16), tmp_path)) == [("T1", "黄"), ("T2", "黄")]
    edit(book, "T1", 任务编号="T1-改")
    r = run(book, date(2026, 11, 16), tmp_path)          # a rerun of the same date: still nothing new
    assert issued(r) == [] and state(r, "T1-改")[:2] == ("数据有误", None)
    (p,) = [p for e in r.outcome.evaluations if e.task.id == "T1-改" for p in e.problems]
    assert p.code == "task-id-changed"
    assert p.text() == ("督办台账!A2 任务编号“T1-改”与本行的督办单编号黄督〔2026〕1号不符：督办记录中这份督办单发给的是任务“T1”："
                        "任务编号发出督办单后不能更改，请改回“T1”；如本行确是另一项新任务，请清空本行的督办单编号。")
    r = run(book, date(2026, 11, 30), tmp_path)          # not a second 黄 for T1: nothing until the id is back
    assert issued(r) == [("T2", "红")]
    edit(book, "T1-改", 任务编号="T1")
    r = run(book, date(2026, 12, 1), tmp_path)
    assert issued(r) == [("T1", "红")]


def test_a_copied_row_with_a_new_id_is_a_new_task(tmp_path):
    """Clerks add a task by copying a row: the copy carries the tool's status cells, but the
    original row still has the old id, so the copy is a new task, not a retyped one."""
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 26), date(2026, 11, 9))])
    assert issued(run(book, date(2026, 11, 9), tmp_path)) == [("T1", "蓝")]
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    for c in range(1, ws.max_column + 1):
        ws.cell(3, c).value = ws.cell(2, c).value
    ws["A3"], ws["G3"], ws["H3"] = "T9", date(2026, 11, 2), date(2026, 11, 20)
    wb.save(book)
    r = run(book, date(2026, 11, 16), tmp_path)
    assert issued(r) == [("T1", "黄")]
    assert state(r, "T9")[:2] == ("未到期", None) and not [p for e in r.outcome.evaluations for p in e.problems]


def test_a_number_cut_from_the_log_with_its_task_row_is_not_reused(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T3", date(2026, 11, 2), date(2026, 11, 16)),
                                                 task("T1", date(2026, 10, 26), date(2026, 11, 9)),
                                                 task("T2", date(2026, 10, 26), date(2026, 11, 9))])
    run(book, date(2026, 11, 9), tmp_path)
    r = run(book, date(2026, 11, 16), tmp_path)
    assert [(n.task_id, n.number) for n in r.outcome.new_notices if n.color == "黄"] == [
        ("T1", "黄督〔2026〕1号"), ("T2", "黄督〔2026〕2号")]
    # the clerk withdraws T2: its row and the log's last row (黄督〔2026〕2号, already printed) go
    wb = openpyxl.load_workbook(book)
    wb["督办台账"].delete_rows(4)
    log = wb["督办记录"]
    assert log.cell(log.max_row, 1).value == "黄督〔2026〕2号"
    log.delete_rows(log.max_row)
    wb.save(book)
    # T3 (D 11-16) gets its 黄 on 11-23 (11-16 + 5 = Sat 11-21 → Mon): the next number, not 2号 again
    r = run(book, date(2026, 11, 23), tmp_path)
    assert [(n.task_id, n.number) for n in r.outcome.new_notices] == [("T3", "黄督〔2026〕3号")]
    assert "已经发出但督办记录中没有的编号（台账从备份恢复过，或督办记录被删减）：黄督〔2026〕2号共 1 个" in r.text


# --- settings and structure changed between runs -------------------------------------------------

def _set_param(book: Path, key: str, value) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["参数设置"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, 2).value = value
    wb.save(book)


def test_a_number_pattern_changed_mid_year_is_still_the_tools_own(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 26), date(2026, 11, 9))],
                        params={"黄色编号": "县督黄字〔{年}〕第{号}号"})
    run(book, date(2026, 11, 9), tmp_path)
    r = run(book, date(2026, 11, 16), tmp_path)
    assert [n.number for n in r.outcome.new_notices] == ["县督黄字〔2026〕第1号"]
    _set_param(book, "黄色编号", "黄督〔{年}〕{号}号")          # back to the default form
    r = run(book, date(2026, 11, 23), tmp_path)                   # 红 from 11-26: nothing yet
    assert issued(r) == [] and [p for e in r.outcome.evaluations for p in e.problems] == []   # not "typed by hand"
    # the log loses the 黄 row: the number in the row (old form) still shows the log was cut
    wb = openpyxl.load_workbook(book)
    log = wb["督办记录"]
    assert log.cell(log.max_row, 1).value == "县督黄字〔2026〕第1号"
    log.delete_rows(log.max_row)
    wb.save(book)
    before = book.read_bytes()
    r = run(book, date(2026, 11, 30), tmp_path)
    assert r.exit_code == 2 and r.outcome is None and r.error.code == "run-log-cut"
    assert "县督黄字〔2026〕第1号" in r.text and book.read_bytes() == before


def test_columns_inserted_by_a_script_do_not_send_status_values_into_the_clerks_cells(tmp_path):
    """Excel, WPS and LibreOffice move the tool's column markers with the columns; a script
    (openpyxl, pandas) that inserts a column leaves them behind. The headers then decide."""
    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 10, 26), date(2026, 11, 9), 办理进展="正在推进")])
    assert issued(run(book, date(2026, 11, 9), tmp_path)) == [("T1", "蓝")]
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    ws.insert_cols(5)
    ws.cell(1, 5).value = "联系人"
    ws.cell(2, 5).value = "张三"
    wb.save(book)
    r = run(book, date(2026, 11, 16), tmp_path)
    assert issued(r) == [("T1", "黄")]
    ws = openpyxl.load_workbook(book)["督办台账"]
    row = {ws.cell(1, c).value: ws.cell(2, c).value for c in range(1, ws.max_column + 1)}
    assert (row["联系人"], row["办理进展"], row["办理时限"].date()) == ("张三", "正在推进", date(2026, 11, 9))
    assert (row["当前状态"], row["督办等级"], row["督办单编号"]) == ("逾期", "黄", "黄督〔2026〕1号")
    assert row["应办结日期"].date() == date(2026, 11, 9)
