"""SPEC §5 反馈表: forms out to the units, returned forms back into the ledger.

The tests play the units: they fill the generated forms with openpyxl (as Excel would leave
them), re-save one with LibreOffice, rename them, and collect. Expected values are worked out by
hand from the ledger below (run date Monday 2026-11-23, no holidays in late November):

    F1 县财政局            交办 11-02, 10个工作日 → D 11-16 (逾期)
    F2 县财政局            交办 11-16, 2026-12-31 → D 12-31 (未到期)
    F3 县教育局            交办 11-10, 20个工作日 → D 12-08 (未到期)
    F4 县财政局、县教育局  交办 11-18, 5个工作日  → D 11-25 (临期: 2 working days left)
    F5 县财政局            办结 11-20 (not open)      F6 县财政局  销号 10-22 (not open)

反馈时限 3 working days: the forms of 11-23 are due Thursday 11-26.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ledger.cli import main
from ledger.feedback.commands import collect, make_forms
from ledger.xlsx.patch import sheet_part_paths
from tests.conftest import task, write_ledger

RUN = date(2026, 11, 23)
COLLECT = date(2026, 11, 25)
FORM_HEADER = ["任务编号", "任务内容", "交办日期", "应办结日期", "当前状态", "督办等级", "进展情况（台账记录）",
               "本次进展", "办结日期", "申请延期至", "延期理由", "填报人", "联系电话"]
COL = {h: chr(65 + i) for i, h in enumerate(FORM_HEADER)}
FIRST = 6                        # first task row of a form
WRITE_PARTS = {"xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}


def ledger_rows() -> list[dict]:
    return [
        task("F1", date(2026, 11, 2), "10个工作日", 办理进展="已完成前期调研"),
        task("F2", date(2026, 11, 16), date(2026, 12, 31)),
        task("F3", date(2026, 11, 10), "20个工作日", unit="县教育局"),
        task("F4", date(2026, 11, 18), "5个工作日", unit="县财政局、县教育局"),
        task("F5", date(2026, 11, 2), "10个工作日", 办结日期=date(2026, 11, 20)),
        task("F6", date(2026, 10, 8), "5个工作日", 办结日期=date(2026, 10, 14), 销号日期=date(2026, 10, 22)),
    ]


@pytest.fixture
def book(tmp_path) -> Path:
    return write_ledger(tmp_path / "台账.xlsx", ledger_rows(), params={"督查机构": "青山县人民政府督查室"})


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rows_of(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def ledger_cell(path: Path, task_id: str, header: str):
    rows = rows_of(path, "督办台账")
    col = rows[0].index(header)
    value = next(r for r in rows if r[0] == task_id)[col]
    return value.date() if isinstance(value, datetime) else value


def forms(book: Path, tmp_path: Path, day: date = RUN) -> dict[str, Path]:
    report = make_forms(book, day, tmp_path / "out")
    assert report.exit_code == 0, report.text
    return {p.name.split("_")[1]: p for p in report.files}


def fill(form: Path, dest: Path, cells: dict[str, object], *, sheet: str = "反馈表") -> Path:
    """The unit fills cells (e.g. {"H6": "…"}) and saves under a name of its own."""
    wb = openpyxl.load_workbook(form)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def only_changed(before: dict[str, bytes], after: dict[str, bytes], allowed: set[str]) -> set[str]:
    """The parts that changed; asserts that every other part is byte-identical."""
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= allowed, changed - allowed
    assert all(before[n] == after[n] for n in set(before) - changed)
    return changed


def soffice_resave(src: Path, dest: Path, tmp_path: Path) -> Path:
    out = tmp_path / "lo-out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(out / src.name, dest)
    return dest


# ----------------------------------------------------------------------------------- the forms

def test_one_form_per_lead_unit_with_its_open_tasks(book, tmp_path):
    made = forms(book, tmp_path)
    assert sorted(made) == ["县教育局", "县财政局"]
    assert made["县财政局"] == tmp_path / "out" / "2026-11-23" / "反馈表" / "反馈表_县财政局_2026-11-23.xlsx"
    ws = openpyxl.load_workbook(made["县财政局"])["反馈表"]
    assert [c.value for c in ws[5]] == FORM_HEADER
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=FIRST, max_col=7)]
    assert [r[0] for r in rows] == ["F1", "F2", "F4"]           # F5 done, F6 struck off: not asked
    assert rows[0][2:7] == [datetime(2026, 11, 2), datetime(2026, 11, 16), "逾期", None, "已完成前期调研"]
    assert rows[2][3:5] == [datetime(2026, 11, 25), "临期"]
    edu = openpyxl.load_workbook(made["县教育局"])["反馈表"]
    assert [edu.cell(r, 1).value for r in (6, 7)] == ["F3", "F4"]
    assert edu["D6"].value == datetime(2026, 12, 8)


def test_form_is_locked_except_the_answers_with_date_checks_and_hints(book, tmp_path):
    wb = openpyxl.load_workbook(forms(book, tmp_path)["县财政局"])
    ws = wb["反馈表"]
    assert ws.protection.sheet and not ws.protection.password
    editable = {h for h in FORM_HEADER if not ws[f"{COL[h]}6"].protection.locked}
    assert editable == {"本次进展", "办结日期", "申请延期至", "延期理由", "填报人", "联系电话"}
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert dvs["I6:I8"].type == "date" and dvs["I6:I8"].formula1 == "$C6"          # not before 交办日期
    assert dvs["J6:J8"].type == "date" and dvs["J6:J8"].formula1 == "$D6"          # after 应办结日期
    assert all(dv.showInputMessage and dv.prompt for dv in dvs.values()) and len(dvs) == 6
    assert ws["A1"].value == "青山县人民政府督查室督办事项进展情况反馈表"
    text = ws["A3"].value
    assert text.startswith("县财政局：\n")
    assert "请于2026年11月26日（星期四）前将本表报送青山县人民政府督查室" in text
    assert "申请延期至" in text and "第八条" in text


def test_reply_due_follows_the_parameter_on_the_working_day_calendar(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", ledger_rows(), params={"反馈时限": 5, "反馈联系方式": "电话 6012345"})
    ws = openpyxl.load_workbook(forms(book, tmp_path)["县财政局"])["反馈表"]
    # 5 working days after Monday 11-23: 24, 25, 26, 27, then Monday 11-30 (the weekend skipped)
    assert "请于2026年11月30日（星期一）前将本表报送县人民政府督查室（电话 6012345）" in ws["A3"].value


def test_no_forms_under_settings_that_need_correcting(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", ledger_rows(), params={"反馈时限": "三天"})
    r = make_forms(book, RUN, tmp_path / "out")
    assert r.exit_code == 2 and not (tmp_path / "out").exists()
    assert "参数设置!B2 参数“反馈时限”的值“三天”无法识别：请填写不小于 0 的整数。" in r.text


def test_identity_in_a_hidden_sheet_and_document_properties(book, tmp_path):
    wb = openpyxl.load_workbook(forms(book, tmp_path)["县教育局"])
    assert wb["反馈表标识"].sheet_state == "hidden"
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props["反馈单位"] == "县教育局" and props["反馈表日期"] == "2026-11-23"
    assert props["反馈任务1"] == "F3、F4" and props["反馈表编号"] == "反馈〔2026-11-23〕县教育局"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装")
def test_libreoffice_resave_keeps_the_identity(book, tmp_path):
    from ledger.feedback.identity import read_identity

    again = soffice_resave(forms(book, tmp_path)["县教育局"], tmp_path / "改名.xlsx", tmp_path)
    wb = openpyxl.load_workbook(again)
    ident, why = read_identity(wb)
    assert why == "" and (ident.unit, ident.form_date, ident.task_ids) == ("县教育局", RUN, ("F3", "F4"))
    assert wb["反馈表标识"].sheet_state == "hidden" and "反馈单位" in {p.name for p in wb.custom_doc_props}


# ------------------------------------------------------------------------------- the round trip

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装")
def test_units_return_forms_and_the_ledger_takes_them_in(book, tmp_path):
    made = forms(book, tmp_path)
    back = tmp_path / "收回"
    fill(made["县财政局"], back / "财政局反馈（终稿）.xlsx", {
        "H6": "已完成资金测算，报县政府审定", "L6": "张三", "M6": "13800000000",
        "I7": date(2026, 11, 20),
        "J8": date(2026, 12, 15), "K8": "需市级部门会签"})
    filled = fill(made["县教育局"], tmp_path / "教育局填好.xlsx", {
        "H6": '=HYPERLINK("http://example.org","见附件")', "H7": "教育局已完成校舍摸排"})
    soffice_resave(filled, back / "教育局.xlsx", tmp_path)
    before = parts(book)

    preview = collect(book, [back], COLLECT)
    assert preview.exit_code == 0 and not preview.written and parts(book) == before
    assert "  F2        办结日期    （空） → “2026-11-20”" in preview.text.splitlines()

    done = collect(book, [back], COLLECT, apply=True)
    assert done.exit_code == 0 and done.written, done.text
    assert ledger_cell(book, "F1", "办理进展") == "已完成资金测算，报县政府审定"
    assert ledger_cell(book, "F2", "办结日期") == date(2026, 11, 20)
    assert ledger_cell(book, "F3", "办理进展") == '=HYPERLINK("http://example.org","见附件")'
    assert ledger_cell(book, "F4", "办理进展") == "【县教育局】教育局已完成校舍摸排"     # a joint task
    assert ledger_cell(book, "F4", "延期申请至") == date(2026, 12, 15)
    assert ledger_cell(book, "F4", "延期申请理由") == "需市级部门会签"
    assert ledger_cell(book, "F4", "延期申请日期") == RUN
    assert ledger_cell(book, "F4", "延期至") == ""                 # approval stays with the leader
    header = rows_of(book, "督办台账")[0]
    assert header[16:] == ["延期申请至", "延期申请理由"]             # tool columns at the right end

    record = rows_of(book, "反馈记录")
    assert record[0] == ["时间", "文件", "单位", "任务编号", "字段", "原值", "新值", "反馈表日期", "填报人", "联系电话",
                         "反馈表编号"]
    body = [[v.isoformat()[:10] if isinstance(v, date) else v for v in r] for r in record[1:]]
    assert [r[1:7] for r in body] == [
        ["教育局.xlsx", "县教育局", "F3", "办理进展", "", '=HYPERLINK("http://example.org","见附件")'],
        ["教育局.xlsx", "县教育局", "F4", "办理进展", "", "【县教育局】教育局已完成校舍摸排"],
        ["财政局反馈（终稿）.xlsx", "县财政局", "F1", "办理进展", "已完成前期调研", "已完成资金测算，报县政府审定"],
        ["财政局反馈（终稿）.xlsx", "县财政局", "F2", "办结日期", "", "2026-11-20"],
        ["财政局反馈（终稿）.xlsx", "县财政局", "F4", "延期申请至", "", "2026-12-15"],
        ["财政局反馈（终稿）.xlsx", "县财政局", "F4", "延期申请理由", "", "需市级部门会签"],
        ["财政局反馈（终稿）.xlsx", "县财政局", "F4", "延期申请日期", "", "2026-11-23"],
    ]
    assert {r[0] for r in body} == {"2026-11-25"} and {r[7] for r in body} == {"2026-11-23"}
    assert body[2][8:10] == ["张三", "13800000000"]

    after = parts(book)
    sheets = sheet_part_paths(book)
    assert set(after) - set(before) == {sheets["反馈记录"]}
    assert sheets["督办台账"] in only_changed(before, after, {sheets["督办台账"], *WRITE_PARTS})
    backups = list((book.parent / "台账备份").iterdir())
    assert len(backups) == 1 and parts(backups[0]) == before

    # the formula-looking text is stored as text: an inline string with a quote prefix, no <f>
    sheet_xml = after[sheets["督办台账"]].decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml and 'HYPERLINK("http://example.org"' in sheet_xml
    assert 'quotePrefix="1"' in after["xl/styles.xml"].decode()

    # the weekly run that follows counts F2 as done on the date the unit reported
    from ledger.batch import run_weekly

    run = run_weekly(book, date(2026, 11, 30), tmp_path / "out")
    assert {e.task.id: e.state for e in run.outcome.evaluations}["F2"] == "按时办结"


def test_a_second_week_appends_to_the_record_and_keeps_what_the_clerk_did(book, tmp_path):
    """Week 1 collected; the clerk approves F4's extension and edits the record; week 2's forms
    come back: the new rows go below the old ones, the clerk's edits stay."""
    made = forms(book, tmp_path)
    collect(book, [fill(made["县财政局"], tmp_path / "w1" / "a.xlsx", {"H6": "第一周进展"})], COLLECT, apply=True)
    wb = openpyxl.load_workbook(book)                        # the clerk works in Excel between weeks
    ws = wb["督办台账"]
    ws["I5"], ws["J5"] = date(2026, 12, 15), "县政府办主任"        # F4: 延期至 / 延期审批人
    wb["反馈记录"]["L1"], wb["反馈记录"]["L2"] = "核实情况", "已电话核实"
    wb.save(book)
    made2 = forms(book, tmp_path, date(2026, 11, 30))
    ws2 = openpyxl.load_workbook(made2["县财政局"])["反馈表"]
    assert [ws2.cell(r, 1).value for r in (6, 7, 8)] == ["F1", "F2", "F4"]
    assert ws2["D8"].value == datetime(2026, 12, 15) and ws2["G6"].value == "第一周进展"
    record_part = sheet_part_paths(book)["反馈记录"]
    before = parts(book)
    r = collect(book, [fill(made2["县财政局"], tmp_path / "w2" / "b.xlsx", {"H6": "第二周进展"})],
                date(2026, 12, 1), apply=True)
    assert r.exit_code == 0 and r.written
    after = parts(book)
    assert set(after) == set(before)
    assert only_changed(before, after, {sheet_part_paths(book)["督办台账"], record_part, "xl/styles.xml"}) >= {record_part}
    record = rows_of(book, "反馈记录")
    assert record[1][11] == "已电话核实" and record[1][6] == "第一周进展"
    assert [record[2][i] for i in (3, 5, 6)] == ["F1", "第一周进展", "第二周进展"]
    assert ledger_cell(book, "F1", "办理进展") == "第二周进展"


def test_cli_forms_and_collect(book, tmp_path, capsys):
    assert main(["forms", str(book), "--date", "2026-11-23", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    # open tasks F1, F2, F3 and F4; F4 is led by both units, so it is on both forms (3 + 2 rows)
    assert out.startswith("已生成反馈表 2 份（4 项任务，几个单位共同牵头的任务在各单位的表中都有），请于 2026-11-26 前收回：")
    form = tmp_path / "out" / "2026-11-23" / "反馈表" / "反馈表_县教育局_2026-11-23.xlsx"
    fill(form, tmp_path / "back" / "x.xlsx", {"H6": "进展"})
    assert main(["collect", str(book), str(tmp_path / "back"), "--date", "2026-11-25"]) == 0
    assert "以上为预览，台账未被修改" in capsys.readouterr().out
    assert main(["collect", str(book), str(tmp_path / "back"), "--date", "2026-11-25", "--apply"]) == 0
    assert "共 1 个文件，1 处更改，已写入“台账.xlsx”并记入“反馈记录”" in capsys.readouterr().out
    assert main(["run", str(book), "--date", "2026-11-30", "--out", str(tmp_path / "out"), "--forms"]) == 0
    assert len(list((tmp_path / "out" / "2026-11-30" / "反馈表").iterdir())) == 2
    assert "至今收回反馈表 1 份（县教育局），写入台账 1 处（见“反馈记录”）" in capsys.readouterr().out


def test_units_leading_a_task_together_each_keep_their_line(book, tmp_path):
    """F4 is led by 县财政局 and 县教育局: each unit's report replaces its own 【单位】 line only,
    lines in the order of 牵头单位; in one collection the second form builds on the first."""
    made = forms(book, tmp_path)
    fin = fill(made["县财政局"], tmp_path / "a.xlsx", {"H8": "财政进展"})
    edu = fill(made["县教育局"], tmp_path / "b.xlsx", {"H7": "教育进展"})
    collect(book, [edu, fin], COLLECT, apply=True)
    assert ledger_cell(book, "F4", "办理进展") == "【县财政局】财政进展\n【县教育局】教育进展"
    record = rows_of(book, "反馈记录")
    assert [r[5:7] for r in record[1:]] == [["", "【县财政局】财政进展"],
                                            ["【县财政局】财政进展", "【县财政局】财政进展\n【县教育局】教育进展"]]
    week2 = forms(book, tmp_path, date(2026, 11, 30))
    collect(book, [fill(week2["县教育局"], tmp_path / "c.xlsx", {"H7": "教育进展二"})], date(2026, 12, 1), apply=True)
    assert ledger_cell(book, "F4", "办理进展") == "【县财政局】财政进展\n【县教育局】教育进展二"


# ------------------------------------------------------------------------- bad and hostile returns

def problems_of(report) -> list[str]:
    return [p.text() for r in report.results for p in r.problems]


def applied(book: Path, before: dict[str, bytes], report) -> None:
    """The rest of the return was applied and nothing else in the workbook changed."""
    assert report.written
    after = parts(book)
    sheets = sheet_part_paths(book)
    assert set(after) - set(before) == {sheets["反馈记录"]}
    only_changed(before, after, {sheets["督办台账"], *WRITE_PARTS})


def test_task_now_led_by_another_unit_is_refused_the_rest_applies(book, tmp_path):
    form = forms(book, tmp_path)["县财政局"]
    wb = openpyxl.load_workbook(book)
    wb["督办台账"]["D2"] = "县商务局"                   # F1 reassigned after the forms went out
    wb.save(book)
    back = fill(form, tmp_path / "r.xlsx", {"H6": "财政局的进展", "H7": "F2进展"})
    before = parts(book)
    r = collect(book, [back], COLLECT, apply=True)
    assert problems_of(r) == ["r.xlsx!A6 任务“F1”的牵头单位是“县商务局”，不是本表的填报单位“县财政局”，本行未写入："
                              "请核对是否错用了其他单位的反馈表。"]
    assert r.exit_code == 1
    assert ledger_cell(book, "F1", "办理进展") == "已完成前期调研" and ledger_cell(book, "F2", "办理进展") == "F2进展"
    applied(book, before, r)


def test_a_form_relabelled_as_another_units_is_refused_for_that_units_tasks(book, tmp_path):
    """Both identity copies say 县教育局, the rows are 县财政局's tasks: only F4, which the two
    units lead together, is taken — as 县教育局's answer."""
    wb = openpyxl.load_workbook(forms(book, tmp_path)["县财政局"])
    wb["反馈表标识"]["B4"] = "县教育局"
    for prop in wb.custom_doc_props:
        if prop.name == "反馈单位":
            prop.value = "县教育局"
    wb["反馈表"]["H6"], wb["反馈表"]["H7"], wb["反馈表"]["H8"] = "甲", "乙", "丙"
    wb.save(tmp_path / "r.xlsx")
    before = parts(book)
    r = collect(book, [tmp_path / "r.xlsx"], COLLECT, apply=True)
    assert problems_of(r) == [
        "r.xlsx!A6 任务“F1”的牵头单位是“县财政局”，不是本表的填报单位“县教育局”，本行未写入：请核对是否错用了其他单位的反馈表。",
        "r.xlsx!A7 任务“F2”的牵头单位是“县财政局”，不是本表的填报单位“县教育局”，本行未写入：请核对是否错用了其他单位的反馈表。",
    ]
    assert [ledger_cell(book, t, "办理进展") for t in ("F1", "F2", "F4")] == ["已完成前期调研", "", "【县教育局】丙"]
    assert rows_of(book, "反馈记录")[1][2] == "县教育局"
    applied(book, before, r)


def test_collect_apply_refused_while_the_ledger_is_open_in_excel(book, tmp_path):
    back = fill(forms(book, tmp_path)["县财政局"], tmp_path / "r.xlsx", {"H6": "进展"})
    (book.parent / "~$台账.xlsx").write_bytes(b"owner")
    before = book.read_bytes()
    r = collect(book, [back], COLLECT, apply=True)
    assert r.exit_code == 2 and not r.written and book.read_bytes() == before
    assert r.text.startswith("未能运行：“台账.xlsx”正在被 Excel/WPS 或其他程序打开（发现锁定文件“~$台账.xlsx”）")
    assert not (book.parent / "台账备份").exists()


def test_task_id_not_on_the_form_or_no_longer_in_the_ledger_is_refused(book, tmp_path):
    form = forms(book, tmp_path)["县财政局"]
    wb = openpyxl.load_workbook(book)
    wb["督办台账"].delete_rows(3)                     # F2 deleted from the ledger meanwhile
    wb.save(book)
    # the unit lifted the sheet protection and typed another unit's task id over F1
    back = fill(form, tmp_path / "r.xlsx", {"A6": "F3", "H6": "冒填", "H7": "F2进展", "H8": "F4进展"})
    before = parts(book)
    r = collect(book, [back], COLLECT, apply=True)
    assert problems_of(r) == [
        "r.xlsx!A6 任务编号“F3”不是本表发出的任务，本行未写入：任务编号列已锁定，请勿改动；请让该单位在原反馈表上填报。",
        "r.xlsx!A7 台账中没有任务编号“F2”，本行未写入：该任务可能已被删除或改号：请核对后手工处理。",
    ]
    assert ledger_cell(book, "F3", "办理进展") == "" and ledger_cell(book, "F4", "办理进展") == "【县财政局】F4进展"
    applied(book, before, r)


def test_edited_locked_column_is_ignored_and_reported(book, tmp_path):
    form = forms(book, tmp_path)["县财政局"]
    back = fill(form, tmp_path / "r.xlsx", {"B6": "改短的任务内容", "D6": date(2026, 12, 31), "H6": "进展"})
    before = parts(book)
    r = collect(book, [back], COLLECT, apply=True)
    assert problems_of(r) == [
        "r.xlsx!B6 “任务内容”是台账记录，被改为“改短的任务内容”，已忽略：台账记录以台账为准；如确需更正，请直接在台账中修改。",
        "r.xlsx!D6 “应办结日期”是台账记录，被改为“2026-12-31”，已忽略：台账记录以台账为准；如确需更正，请直接在台账中修改。",
    ]
    assert r.exit_code == 0                      # a warning: the answer itself was applied
    assert ledger_cell(book, "F1", "任务内容") == "任务F1的内容" and ledger_cell(book, "F1", "办理进展") == "进展"
    applied(book, before, r)


@pytest.mark.parametrize("cells, message", [
    ({"I7": "下周五"}, "r.xlsx!I7 办结日期“下周五”不是日期，未写入：请填写日期，如 2026-11-30。"),
    ({"I7": date(2026, 11, 26)}, "r.xlsx!I7 办结日期2026-11-26晚于今天（2026-11-25），未写入：办结日期只能填写已经办结的日子。"),
    ({"I7": date(2026, 11, 13)}, "r.xlsx!I7 办结日期2026-11-13早于交办日期2026-11-16，未写入：请核对办结日期。"),
    ({"J7": "明年", "K7": "理由"}, "r.xlsx!J7 申请延期至“明年”不是日期，未写入：请填写日期，如 2026-11-30。"),
    ({"J7": date(2026, 12, 20), "K7": "理由"},
     "r.xlsx!J7 申请延期至2026-12-20不晚于应办结日期2026-12-31，延期申请未写入：申请延期至应晚于应办结日期。"),
    ({"J7": date(2027, 1, 20)}, "r.xlsx!K7 填写了申请延期至，但延期理由为空，延期申请未写入：延期须书面说明理由（三色督办单制度第八条）。"),
    ({"K7": "人手不足"}, "r.xlsx!J7 填写了延期理由，但申请延期至为空，延期申请未写入：请填写申请延期到哪一天。"),
])
def test_bad_dates_are_refused_the_rest_applies(book, tmp_path, cells, message):
    form = forms(book, tmp_path)["县财政局"]
    back = fill(form, tmp_path / "r.xlsx", {**cells, "H7": "F2进展"})
    before = parts(book)
    r = collect(book, [back], COLLECT, apply=True)
    assert problems_of(r) == [message] and r.exit_code == 1
    assert ledger_cell(book, "F2", "办理进展") == "F2进展"
    assert ledger_cell(book, "F2", "办结日期") == "" and "延期申请至" not in rows_of(book, "督办台账")[0]
    applied(book, before, r)


def test_an_older_form_does_not_overwrite_a_newer_one(book, tmp_path):
    old_form = forms(book, tmp_path)["县财政局"]
    new_form = forms(book, tmp_path, date(2026, 11, 24))["县财政局"]
    newer = fill(new_form, tmp_path / "新.xlsx", {"H6": "24日的进展"})
    older = fill(old_form, tmp_path / "旧.xlsx", {"H6": "23日的进展", "H7": "F2进展"})
    collect(book, [newer], COLLECT, apply=True)
    before = parts(book)
    r = collect(book, [older], COLLECT, apply=True)
    assert problems_of(r) == ["旧.xlsx!A6 已收集任务“F1”2026-11-24的反馈表，本表（2026-11-23）较早，本行未写入："
                              "以较新的反馈为准；如确需采用本表内容，请在台账中手工修改。"]
    assert ledger_cell(book, "F1", "办理进展") == "24日的进展" and ledger_cell(book, "F2", "办理进展") == "F2进展"
    after = parts(book)
    sheets = sheet_part_paths(book)
    only_changed(before, after, {sheets["督办台账"], sheets["反馈记录"], "xl/styles.xml"})
    # both in one collection: the older goes first, the newer stays
    book2 = write_ledger(tmp_path / "台账2.xlsx", ledger_rows())
    collect(book2, [newer, older], COLLECT, apply=True)
    assert ledger_cell(book2, "F1", "办理进展") == "24日的进展"


def test_the_same_form_collected_twice_changes_nothing_the_second_time(book, tmp_path):
    form = forms(book, tmp_path)["县财政局"]
    back = fill(form, tmp_path / "r.xlsx", {"H6": "进展", "I7": date(2026, 11, 20)})
    collect(book, [back], COLLECT, apply=True)
    wb = openpyxl.load_workbook(book)
    wb["督办台账"]["P2"] = "督查室核实后改写的进展"        # the clerk edits after collecting
    wb.save(book)
    before = book.read_bytes()
    copy = shutil.copy(back, tmp_path / "同一份改了名.xlsx")
    r = collect(book, [Path(copy)], COLLECT, apply=True)
    assert problems_of(r) == ["同一份改了名.xlsx!A6 本表已于2026-11-25收集过，已写入的内容未重复写入。",
                              "同一份改了名.xlsx!A7 本表已于2026-11-25收集过，已写入的内容未重复写入。"]
    assert not r.written and r.exit_code == 0 and book.read_bytes() == before


def test_a_file_that_is_not_a_form_is_refused(book, tmp_path):
    other = tmp_path / "back" / "随便一个表.xlsx"
    other.parent.mkdir()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "任务编号"
    wb.save(other)
    form = fill(forms(book, tmp_path)["县财政局"], tmp_path / "back" / "z.xlsx", {"H6": "进展"})
    before = parts(book)
    r = collect(book, [other.parent], COLLECT, apply=True)
    assert problems_of(r) == ["随便一个表.xlsx 不是督办台账反馈表（没有反馈表标识）：请使用 ledger forms 生成的反馈表填报；"
                              "如该单位另制了表格，请手工录入。"]
    assert ledger_cell(book, "F1", "办理进展") == "进展" and form.exists()
    applied(book, before, r)


@pytest.mark.parametrize("name, content, message", [
    ("坏了.xlsx", b"PK\x03\x04 truncated", "坏了.xlsx 文件已损坏，无法打开：请让该单位重新发送。"),
    ("加密.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     "加密.xlsx 设置了打开密码（或是旧版 .xls 文件），无法读取：请让该单位取消密码（文件→信息→保护工作簿）或另存为 .xlsx 后重新发送。"),
    ("旧版.xls", b"\xd0\xcf\x11\xe0", "旧版.xls 是旧版 .xls 格式：请让该单位用 Excel/WPS 打开后“另存为”.xlsx 再发送。"),
])
def test_damaged_or_password_protected_files_are_refused(book, tmp_path, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    before = book.read_bytes()
    r = collect(book, [bad], COLLECT, apply=True)
    assert problems_of(r) == [message] and r.exit_code == 1
    assert not r.written and book.read_bytes() == before


def test_identity_copies_that_disagree_refuse_the_form(book, tmp_path):
    form = forms(book, tmp_path)["县财政局"]
    wb = openpyxl.load_workbook(form)
    wb["反馈表标识"]["B4"] = "县教育局"                   # someone re-labelled the hidden sheet
    wb.save(tmp_path / "r.xlsx")
    before = book.read_bytes()
    r = collect(book, [tmp_path / "r.xlsx"], COLLECT, apply=True)
    assert problems_of(r) == ["r.xlsx 反馈表的标识信息前后不一致（隐藏的标识表与文件属性不符，可能被改动过）："
                              "请让该单位在原反馈表上重新填报。"]
    assert book.read_bytes() == before


def test_formula_text_in_a_free_text_cell_is_stored_as_text(book, tmp_path):
    form = forms(book, tmp_path)["县财政局"]
    back = fill(form, tmp_path / "r.xlsx", {"H6": "=HYPERLINK(\"http://evil.example\",\"点此\")",
                                            "J7": date(2027, 3, 31), "K7": "+cmd|' /C calc'!A0"})
    r = collect(book, [back], COLLECT, apply=True)
    assert r.exit_code == 0 and problems_of(r) == []
    assert ledger_cell(book, "F1", "办理进展") == '=HYPERLINK("http://evil.example","点此")'
    assert ledger_cell(book, "F2", "延期申请理由") == "+cmd|' /C calc'!A0"
    xml = parts(book)[sheet_part_paths(book)["督办台账"]].decode()
    assert "<f>" not in xml and "<f " not in xml
    cell = openpyxl.load_workbook(book)["督办台账"]["P2"]
    assert cell.data_type == "s" and cell.quotePrefix


# ------------------------------------------------------------------------------ the weekly loop

def test_weekly_loop_run_with_forms_and_the_summary_of_feedback(book, tmp_path):
    """发反馈表 → 收回 → 运行 → (clerk approves) → 收回 → 运行: the run writes the forms beside its
    documents, says what was collected since the previous run and which extension requests wait
    for whose approval."""
    from ledger.batch import run_weekly

    made = forms(book, tmp_path)
    collect(book, [fill(made["县财政局"], tmp_path / "w1" / "a.xlsx", {
        "H6": "进展一", "J8": date(2026, 12, 15), "K8": "需市级部门会签"})], COLLECT, apply=True)

    r = run_weekly(book, date(2026, 11, 30), tmp_path / "out", forms=True)
    folder = tmp_path / "out" / "2026-11-30" / "反馈表"
    assert sorted(p.name for p in folder.iterdir()) == ["反馈表_县教育局_2026-11-30.xlsx", "反馈表_县财政局_2026-11-30.xlsx"]
    ws = openpyxl.load_workbook(folder / "反馈表_县财政局_2026-11-30.xlsx")["反馈表"]
    # F4 (D 11-25) gets its 黄 in this run (a late first run does not owe the 蓝): the form shows it
    assert [ws.cell(8, c).value for c in (1, 5, 6)] == ["F4", "逾期", "黄"]
    lines = r.text.splitlines()
    assert "至今收回反馈表 1 份（县财政局），写入台账 4 处（见“反馈记录”）" in lines
    assert "待审批的延期申请 1 项（延期至须经领导同意后由督查室填写，三色督办单制度第八条）：" in lines
    assert "  F4  县财政局、县教育局  申请延期至 2026-12-15  报常务副县长同意  理由：需市级部门会签" in lines
    assert "  反馈表" in lines
    from ledger.summary import report_json

    assert report_json(r)["feedback"] == {
        "since": None, "forms": 1, "changes": 4, "units": ["县财政局"],
        "pending_extensions": [{"task_id": "F4", "units": "县财政局、县教育局", "requested": "2026-12-15",
                                "reason": "需市级部门会签", "approver": "常务副县长"}]}
    quiet = _quiet_screen(r)                        # the request needs the clerk: said under --quiet too
    assert quiet[-2:] == ["待审批的延期申请 1 项（延期至须经领导同意后由督查室填写，三色督办单制度第八条）：",
                          "  F4  县财政局、县教育局  申请延期至 2026-12-15  报常务副县长同意  理由：需市级部门会签"]

    wb = openpyxl.load_workbook(book)               # the leader agreed: the clerk writes 延期至
    wb["督办台账"]["I5"], wb["督办台账"]["J5"] = date(2026, 12, 15), "常务副县长"
    wb.save(book)
    week2 = forms(book, tmp_path, date(2026, 11, 30))
    collect(book, [fill(week2["县教育局"], tmp_path / "w2" / "b.xlsx", {"H6": "进展二"})], date(2026, 12, 2),
            apply=True)
    r2 = run_weekly(book, date(2026, 12, 7), tmp_path / "out")
    lines = r2.text.splitlines()
    assert "自上次运行（2026-11-30）以来收回反馈表 1 份（县教育局），写入台账 1 处（见“反馈记录”）" in lines
    assert not any(line.startswith("待审批的延期申请") for line in lines)
    assert report_json(r2)["feedback"] == {"since": "2026-11-30", "forms": 1, "changes": 1, "units": ["县教育局"],
                                           "pending_extensions": []}
    assert not any(line.startswith("待审批的延期申请") for line in _quiet_screen(r2))


def _quiet_screen(report) -> list[str]:
    import argparse
    import contextlib
    import io

    from ledger.cli import _show

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _show(argparse.Namespace(quiet=True, json=False), report)
    return out.getvalue().splitlines()


def test_extension_approver_follows_the_colour_already_issued():
    from ledger.reading.params import DEFAULT_PARAMS
    from ledger.rules.extension import extension_approver

    assert [extension_approver(c, DEFAULT_PARAMS) for c in (None, "蓝", "黄", "红")] == [
        "县政府办主任", "县政府办主任", "常务副县长", "县长"]


def test_answers_keep_the_format_of_the_clerks_cells(book, tmp_path):
    """进展情况 and 办结日期 are the clerk's columns: the written cells keep their borders and
    font; a date gets a date format only where the cell shows none."""
    from openpyxl.styles import Border, Font, Side

    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    thin = Side(style="thin")
    for ref in ("P2", "L3"):                       # F1 办理进展, F2 办结日期
        ws[ref].font, ws[ref].border = Font(name="仿宋", size=12), Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["L3"].number_format = "yyyy年m月d日"
    wb.save(book)
    form = forms(book, tmp_path)["县财政局"]
    collect(book, [fill(form, tmp_path / "r.xlsx", {"H6": "新进展", "I7": date(2026, 11, 20)})], COLLECT, apply=True)
    ws = openpyxl.load_workbook(book)["督办台账"]
    for ref in ("P2", "L3"):
        assert (ws[ref].font.name, ws[ref].font.sz, ws[ref].border.left.style) == ("仿宋", 12, "thin")
    assert ws["P2"].value == "新进展" and ws["L3"].value == datetime(2026, 11, 20)
    assert ws["L3"].number_format == "yyyy年m月d日"


def test_every_subpackage_is_listed_for_installation():
    """A wheel holds only the packages pyproject.toml lists: a new subpackage must be named there."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {"ledger." + p.parent.relative_to(root / "ledger").as_posix().replace("/", ".")
             for p in (root / "ledger").glob("*/__init__.py")}
    assert found <= listed
