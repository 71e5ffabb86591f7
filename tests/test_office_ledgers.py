"""Ledgers as offices keep them (issue 10): weekly runs over the two office fixtures, with the
clerk editing between runs. Every expected value below was worked out by hand from the fixture
rows (fixtures/make_office_fixtures.py), the China working-day calendar and the default rules
(蓝 on D, 黄 on D+5, 红 10 days after 黄)."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ledger.batch import check_workbook, run_weekly
from ledger.cli import main
from ledger.xlsx.patch import sheet_part_paths

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "fixtures" / "office"
D = date


def copy(name: str, tmp_path: Path) -> Path:
    book = tmp_path / name
    shutil.copy(OFFICE / name, book)
    return book


def table(report) -> dict:
    return {e.task.id: (e.deadline.due, e.state, e.issue, e.level) for e in report.outcome.evaluations}


def issued(report) -> list[tuple[str, str]]:
    return [(n.number, n.task_id) for n in report.outcome.new_notices]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def row_xml(xml: bytes, r: int) -> bytes:
    m = re.search(rb'<row r="%d"[ >].*?</row>' % r, xml, re.S)
    return m.group(0) if m else b""


def values(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


# --- (a) seed 003 typed into "2026年台账": 序号 only, section headings, 12月完成 -------------------

A = "效能建设台账.xlsx"
A_SHEET = "2026年台账"
# task rows of fixture (a) → the id the tool gives them (row order; all assigned 2026-03-17)
A_IDS = {5: "DB2026-001", 6: "DB2026-002", 8: "DB2026-003", 9: "DB2026-004", 10: "DB2026-005", 11: "DB2026-006",
         13: "DB2026-007", 14: "DB2026-008", 15: "DB2026-009", 17: "DB2026-010", 19: "DB2026-011", 20: "DB2026-012"}
DEC31, JUN30, NOV30 = D(2026, 12, 31), D(2026, 6, 30), D(2026, 11, 30)
# 建设公文办理通用软件系统: no limit → 7 working days after Tue 2026-03-17 → Thu 03-26
MAR26 = D(2026, 3, 26)

A_RUN1 = {   # 2026-11-23
    "DB2026-001": (DEC31, "未到期", None, None),
    "DB2026-002": (DEC31, "未到期", None, None),
    "DB2026-003": (D(2026, 4, 30), "待核实办结", None, None),      # 进展 已完成, no 办结日期: no 黄
    "DB2026-004": (JUN30, "按时办结", None, None),
    "DB2026-005": (JUN30, "逾期办结", None, None),
    "DB2026-006": (DEC31, "未到期", None, None),
    "DB2026-007": (JUN30, "逾期", "黄", "黄"),                      # first run long after D: straight to 黄
    "DB2026-008": (NOV30, "未到期", None, None),                    # 5 working days left (> 2)
    "DB2026-009": (MAR26, "逾期", "黄", "黄"),
    "DB2026-010": (None, "数据有误", None, None),                   # 市级6月完成，区、县12月完成
    "DB2026-011": (NOV30, "未到期", None, None),
    "DB2026-012": (NOV30, "待核实办结", None, None),
}
A_RUN2 = dict(A_RUN1, **{   # 2026-11-30; the clerk filled 办结日期 2026-04-28 of DB2026-003
    "DB2026-003": (D(2026, 4, 30), "按时办结", None, None),
    "DB2026-007": (JUN30, "逾期", None, "黄"),                      # 红 due 11-23 + 10 = 12-03
    "DB2026-008": (NOV30, "今日到期", "蓝", "蓝"),
    "DB2026-009": (MAR26, "逾期", None, "黄"),
    "DB2026-011": (NOV30, "今日到期", "蓝", "蓝"),
})
A_RUN3 = dict(A_RUN2, **{   # 2026-12-07
    "DB2026-007": (JUN30, "逾期", "红", "红"),
    "DB2026-008": (NOV30, "逾期", "黄", "黄"),                      # 黄 due 11-30 + 5 = Sat 12-05 → Mon 12-07
    "DB2026-009": (MAR26, "逾期", "红", "红"),
    "DB2026-011": (NOV30, "逾期", "黄", "黄"),
})


def test_seed_003_ledger_three_weekly_runs(tmp_path):
    book = copy(A, tmp_path)
    r1 = run_weekly(book, D(2026, 11, 23), tmp_path / "out")
    assert r1.exit_code == 1                                   # only the two-deadline row
    assert table(r1) == A_RUN1
    assert issued(r1) == [("黄督〔2026〕1号", "DB2026-007"), ("黄督〔2026〕2号", "DB2026-009")]
    assert {e.task.row: e.task.id for e in r1.outcome.evaluations} == A_IDS
    cats = {e.task.id: e.task.category for e in r1.outcome.evaluations}
    assert cats["DB2026-001"] == "（一）巩固扩大行政审批制度改革成果"
    assert cats["DB2026-012"] == "二、切实提升政务中心服务水平"
    units = {e.task.id: (e.task.lead, e.task.assist) for e in r1.outcome.evaluations}
    assert units["DB2026-002"] == (("市政府法制办", "市监察局"), ())           # 牵头单位：… label stripped
    assert units["DB2026-006"] == (("市效能办", "市政务服务中心"), ())       # line break separates
    assert units["DB2026-010"] == (("市编办",), ("市监察局", "市效能办", "市政务服务中心"))
    (err,) = [p for e in r1.outcome.evaluations for p in e.problems if p.is_error]
    assert err.text().startswith("2026年台账!E17 完成时限“市级6月完成，区、县12月完成”含有两个时限")
    assert "拆成每个时限一行" in err.hint
    assert "待核实办结（进展写明已完成、办结日期为空，未发督办单）2 项：" in r1.text
    from ledger.rendering.notices import build_views

    # no 任务来源 column: the notice names the section the task stands under
    assert [v.source for v in build_views(r1.outcome)] == ["（三）建设互联互通的电子政务网络"] * 2

    # ids were written into the tool's 任务编号 column (I), status columns follow
    grid = values(book, A_SHEET)
    assert grid[1][8:11] == ["任务编号", "应办结日期", "当前状态"]
    assert {r: grid[r - 1][8] for r in A_IDS} == A_IDS
    assert grid[7][10] == "待核实办结" and grid[7][15] == "请核实是否已办结，并填写办结日期"

    wb = openpyxl.load_workbook(book)                         # the clerk, in Excel: 办结日期 of row 8
    wb[A_SHEET].cell(8, 6, D(2026, 4, 28))
    wb.save(book)
    r2 = run_weekly(book, D(2026, 11, 30), tmp_path / "out")
    assert table(r2) == A_RUN2
    assert issued(r2) == [("蓝督〔2026〕1号", "DB2026-008"), ("蓝督〔2026〕2号", "DB2026-011")]
    nxt = {e.task.id: e.next_step for e in r2.outcome.evaluations}
    assert nxt["DB2026-007"] == "2026-12-03 起发红色督办单"
    assert nxt["DB2026-008"] == "2026-12-07 起发黄色督办单"        # D + 5 = Sat 12-05 → Monday

    r3 = run_weekly(book, D(2026, 12, 7), tmp_path / "out")
    assert table(r3) == A_RUN3
    assert issued(r3) == [("红督〔2026〕1号", "DB2026-007"), ("黄督〔2026〕3号", "DB2026-008"),
                          ("红督〔2026〕2号", "DB2026-009"), ("黄督〔2026〕4号", "DB2026-011")]
    # ids stay: the column is now read as the sheet's id column, nothing new to fill
    assert all(not ts.new_ids for ts in r3.outcome.loaded.tasks.sheets)
    assert {e.task.row: e.task.id for e in r3.outcome.evaluations} == A_IDS


def test_seed_003_ledger_run_writes_only_status_id_and_log(tmp_path):
    book = copy(A, tmp_path)
    before, grid0 = parts(book), values(book, A_SHEET)
    sheet = sheet_part_paths(book)[A_SHEET]
    run_weekly(book, D(2026, 11, 23), tmp_path / "out")
    after, grid1 = parts(book), values(book, A_SHEET)
    log_part = sheet_part_paths(book)["督办记录"]
    assert set(after) - set(before) == {log_part}
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {sheet, "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    # section headings, banner and footers: byte for byte
    for r in (1, 3, 4, 7, 12, 16, 18, 21, 22):
        assert row_xml(after[sheet], r) == row_xml(before[sheet], r) != b""
    # the clerk's eight columns are unchanged everywhere; new cells only in the header and task rows
    assert [row[:8] for row in grid1] == [row[:8] for row in grid0]
    written = {r + 1 for r, row in enumerate(grid1) if any(v not in ("", None) for v in row[8:])}
    assert written == {2, *A_IDS}
    # a rerun of the same date changes nothing
    run_weekly(book, D(2026, 11, 23), tmp_path / "out")
    assert parts(book) == after


def test_check_shows_what_it_understood(tmp_path, capsys):
    book = copy(A, tmp_path)
    before = book.read_bytes()
    assert main(["check", str(book), "--date", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    assert book.read_bytes() == before
    head = out.split("状态：")[0]
    assert "任务工作表“2026年台账”：表头在第2行，任务 12 项，分类标题 6 个" in head
    for line in ("A列 序号 → 不使用", "B列 工作任务 → 任务内容", "C列 牵头单位 → 牵头单位", "E列 完成时限 → 办理时限",
                 "G列 进展情况 → 办理进展", "H列 备注 → 保留不动",
                 "将在右侧添加：任务编号、应办结日期、当前状态、剩余工作日、逾期天数、督办等级、督办单编号、下一步、程序提示、更新日期",
                 "第3行“一、强力推进“两集中、两到位”，建设一流的政务服务中心”", "第18行“二、切实提升政务中心服务水平”"):
        assert line in head
    assert "将填写任务编号 12 个" in out

    import json

    assert main(["check", str(book), "--date", "2026-11-23", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    (sh,) = data["sheets"]
    assert (sh["sheet"], sh["header_row"], sh["tasks"], sh["new_ids"]) == ("2026年台账", 2, 12, 12)
    assert sh["columns"][0] == {"column": "A", "header": "序号", "meaning": "不使用"}
    assert [s["row"] for s in sh["sections"]] == [3, 4, 7, 12, 16, 18]


# --- (b) two category sheets, empty ids, （牵头）, 长期, 每月25日前, 已完成, grouped header -----------

B = "分类台账.xlsx"
S1, S2 = "重大决策部署", "县长批示件"


def test_category_ledger_three_weekly_runs(tmp_path):
    book = copy(B, tmp_path)
    r1 = run_weekly(book, D(2026, 11, 16), tmp_path / "out")
    assert r1.exit_code == 0
    assert [ts.name for ts in r1.outcome.loaded.tasks.sheets] == [S1, S2]
    assert r1.outcome.loaded.tasks.incomplete == (("统计", ("交办日期",)),)
    assert "未作为任务表：“统计”（表头缺少交办日期）" in r1.text
    # existing ids DB2026-001, -002 and the full-width ＤＢ２０２６－００５ (= DB2026-005): new ones from 006
    assert {(e.task.sheet, e.task.row): e.task.id for e in r1.outcome.evaluations} == {
        (S1, 3): "DB2026-001", (S1, 4): "DB2026-006", (S1, 5): "DB2026-007", (S1, 6): "DB2026-002",
        (S2, 4): "DB2026-005", (S2, 5): "DB2026-008"}
    assert table(r1) == {
        "DB2026-001": (D(2026, 11, 20), "未到期", None, None),         # 4 working days left
        "DB2026-006": (None, "持续推进", None, None),
        "DB2026-007": (None, "持续推进", None, None),
        "DB2026-002": (D(2026, 11, 16), "待核实办结", None, None),     # 10个工作日 from 11-02
        "DB2026-005": (D(2026, 11, 12), "逾期", "蓝", "蓝"),           # 5个工作日 from Thu 11-05
        "DB2026-008": (D(2026, 11, 30), "按时办结", None, None),       # 2026.11.30前完成, done 11-13
    }
    assert issued(r1) == [("蓝督〔2026〕1号", "DB2026-005")]
    ev = {e.task.id: e for e in r1.outcome.evaluations}
    assert ev["DB2026-006"].next_step == "长期任务，持续推进（不发督办单）"
    assert ev["DB2026-007"].next_step == "每月25日前报送：下次 2026-11-25"
    assert (ev["DB2026-005"].task.lead, ev["DB2026-005"].task.assist) == (("县市场监管局",), ("县消防救援大队",))
    assert (ev["DB2026-001"].task.lead, ev["DB2026-001"].task.assist) == (("县住建局",), ("县财政局",))
    # the grouped header: 办理情况 names nothing, 办结日期 and 进展情况 below it do
    header = r1.outcome.loaded.tasks.by_name()[S2].header
    assert (header.row, header.columns["done"], header.columns["progress"]) == (3, 6, 7)
    g1, g2 = values(book, S1), values(book, S2)
    assert [g1[r - 1][0] for r in (3, 4, 5, 6)] == ["DB2026-001", "DB2026-006", "DB2026-007", "DB2026-002"]
    assert g2[3][0] == "ＤＢ２０２６－００５" and g2[4][0] == "DB2026-008"    # the clerk's own id is left as typed
    assert g2[2][7:9] == ["应办结日期", "当前状态"] and g2[6][7] in ("", None)  # footer row not written

    wb = openpyxl.load_workbook(book)          # the clerk adds a task above the footer, leaves its id empty
    ws = wb[S2]
    ws.cell(8, 1, ws.cell(7, 1).value)
    for c, v in enumerate((None, "县长批示：背街小巷路灯维修", "县城管局", D(2026, 11, 20), "3个工作日"), start=1):
        ws.cell(7, c).value = v
    ws.cell(7, 4).number_format = "yyyy-mm-dd"
    wb.save(book)
    r2 = run_weekly(book, D(2026, 11, 23), tmp_path / "out")
    assert table(r2) == {
        "DB2026-001": (D(2026, 11, 20), "逾期", "蓝", "蓝"),
        "DB2026-006": (None, "持续推进", None, None),
        "DB2026-007": (None, "持续推进", None, None),
        "DB2026-002": (D(2026, 11, 16), "待核实办结", None, None),
        "DB2026-005": (D(2026, 11, 12), "逾期", "黄", "黄"),           # 黄 due 11-12 + 5 = 11-17
        "DB2026-008": (D(2026, 11, 30), "按时办结", None, None),
        "DB2026-009": (D(2026, 11, 25), "临期", None, None),           # 3个工作日 from Fri 11-20; 2 left
    }
    assert issued(r2) == [("蓝督〔2026〕2号", "DB2026-001"), ("黄督〔2026〕1号", "DB2026-005")]
    from ledger.figures.weekly import weekly_summary

    duties = weekly_summary(r2.outcome).duties
    assert [(d.task_id, d.due) for d in duties] == [("DB2026-007", D(2026, 11, 25))]

    wb = openpyxl.load_workbook(book)          # the clerk verifies DB2026-002: done on 11-13
    wb[S1].cell(6, 6, D(2026, 11, 13))
    wb.save(book)
    r3 = run_weekly(book, D(2026, 11, 30), tmp_path / "out")
    assert table(r3) == {
        "DB2026-001": (D(2026, 11, 20), "逾期", "黄", "黄"),           # 黄 due 11-25
        "DB2026-006": (None, "持续推进", None, None),
        "DB2026-007": (None, "持续推进", None, None),
        "DB2026-002": (D(2026, 11, 16), "按时办结", None, None),
        "DB2026-005": (D(2026, 11, 12), "逾期", None, "黄"),           # 红 due 11-23 + 10 = 12-03
        "DB2026-008": (D(2026, 11, 30), "按时办结", None, None),
        "DB2026-009": (D(2026, 11, 25), "逾期", "黄", "黄"),           # first notice on D + 5 = 11-30
    }
    assert issued(r3) == [("黄督〔2026〕2号", "DB2026-001"), ("黄督〔2026〕3号", "DB2026-009")]
    ev = {e.task.id: e for e in r3.outcome.evaluations}
    assert ev["DB2026-007"].next_step == "每月25日前报送：下次 2026-12-25"
    assert weekly_summary(r3.outcome).duties == ()
    assert values(book, S2)[6][0] == "DB2026-009"
    log = values(book, "督办记录")
    assert [row[:2] for row in log[1:]] == [
        ["蓝督〔2026〕1号", "DB2026-005"], ["蓝督〔2026〕2号", "DB2026-001"], ["黄督〔2026〕1号", "DB2026-005"],
        ["黄督〔2026〕2号", "DB2026-001"], ["黄督〔2026〕3号", "DB2026-009"]]


def test_category_ledger_run_writes_only_status_id_and_log(tmp_path):
    book = copy(B, tmp_path)
    before = parts(book)
    grids0 = {s: values(book, s) for s in (S1, S2, "统计", "说明")}
    paths = sheet_part_paths(book)
    run_weekly(book, D(2026, 11, 16), tmp_path / "out")
    after = parts(book)
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {paths[S1], paths[S2], "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                       "[Content_Types].xml"}
    assert paths["统计"] not in changed and paths["说明"] not in changed
    for r in (1, 2, 7):                                        # banner, upper header row, footer
        assert row_xml(after[paths[S2]], r) == row_xml(before[paths[S2]], r) != b""
    g1, g2 = values(book, S1), values(book, S2)
    # only the empty id cells of the clerk's columns were filled
    diff1 = {(r + 1, c + 1) for r, row in enumerate(grids0[S1]) for c, v in enumerate(row) if g1[r][c] != v}
    diff2 = {(r + 1, c + 1) for r, row in enumerate(grids0[S2]) for c, v in enumerate(row) if g2[r][c] != v}
    assert diff1 == {(4, 1), (5, 1)} and diff2 == {(5, 1)}
    run_weekly(book, D(2026, 11, 16), tmp_path / "out")       # a rerun of the same date changes nothing
    assert parts(book) == after


def test_ids_follow_their_rows_when_the_clerk_sorts_and_renumbers(tmp_path):
    """序号 is renumbered by the clerk; the id the tool wrote moves with its row, so the log still
    knows which task got which notice (no second 黄 for DB2026-007 after the sort)."""
    book = copy(A, tmp_path)
    run_weekly(book, D(2026, 11, 23), tmp_path / "out")
    wb = openpyxl.load_workbook(book)
    ws = wb[A_SHEET]
    width = ws.max_column
    row13 = [ws.cell(13, c).value for c in range(1, width + 1)]
    row15 = [ws.cell(15, c).value for c in range(1, width + 1)]
    for c in range(1, width + 1):                               # swap the two task rows, keep 序号 1, 2, 3
        ws.cell(13, c).value, ws.cell(15, c).value = row15[c - 1], row13[c - 1]
    ws.cell(13, 1).value, ws.cell(15, 1).value = 1, 3
    wb.save(book)
    r2 = run_weekly(book, D(2026, 11, 30), tmp_path / "out")
    rows = {e.task.id: e.task.row for e in r2.outcome.evaluations}
    assert (rows["DB2026-007"], rows["DB2026-009"]) == (15, 13)
    assert table(r2) == dict(A_RUN2, **{"DB2026-003": (D(2026, 4, 30), "待核实办结", None, None)})   # not verified yet
    assert issued(r2) == [("蓝督〔2026〕1号", "DB2026-008"), ("蓝督〔2026〕2号", "DB2026-011")]
    assert all(not ts.new_ids for ts in r2.outcome.loaded.tasks.sheets)


# --- reading: sheets, headings, footers, units, limits, ids ---------------------------------------

def _book(tmp_path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for m in (merges or {}).get(name, []):
            ws.merge_cells(m)
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    return path


HDR = ["序号", "工作任务", "责任单位", "交办日期", "完成时限"]


def test_task_sheets_named_by_parameter_override_detection(tmp_path):
    book = _book(tmp_path, {
        "甲": [HDR, [1, "甲任务", "县财政局", D(2026, 11, 2), "11月完成"]],
        "乙": [HDR, [1, "乙任务", "县财政局", D(2026, 11, 2), "11月完成"]],
        "参数设置": [["参数", "值", "说明"], ["任务工作表", "乙", ""]],
    })
    r = check_workbook(book, D(2026, 11, 16))
    assert [ts.name for ts in r.outcome.loaded.tasks.sheets] == ["乙"]
    assert [e.task.content for e in r.outcome.evaluations] == ["乙任务"]


def test_no_task_sheet_says_what_each_sheet_lacks(tmp_path):
    book = _book(tmp_path, {"Sheet1": [["任务内容", "牵头单位", "进展情况"], ["某任务", "县财政局", ""]]})
    r = check_workbook(book, D(2026, 11, 16))
    assert r.exit_code == 2
    assert "没有找到任务清单" in r.text and "“Sheet1”缺少交办日期" in r.text


def test_heading_rows_footers_and_unmerged_headings(tmp_path):
    book = _book(tmp_path, {"Sheet1": [
        HDR,
        ["一、县委县政府重大决策部署"],
        [1, "任务一", "县财政局", D(2026, 11, 2), "11月完成"],
        ["重点民生实事"],                                   # unnumbered, only in the 序号 column
        [1, "任务二", "县财政局", D(2026, 11, 2), "11月完成"],
        [None, "（二）县长批示件"],                           # numbered, in the content column
        [1, "任务三", "县财政局", D(2026, 11, 2), "11月完成"],
        ["合计：3项"],
        ["填表人：张三", None, None, "审核人：李四"],
    ]})
    r = check_workbook(book, D(2026, 11, 16))
    ts = r.outcome.loaded.tasks.sheets[0]
    assert ts.sections == ((2, "一、县委县政府重大决策部署"), (4, "重点民生实事"), (6, "（二）县长批示件"))
    assert ts.footers == (8, 9)
    assert [(e.task.content, e.task.category, e.state) for e in r.outcome.evaluations] == [
        ("任务一", "一、县委县政府重大决策部署", "未到期"), ("任务二", "重点民生实事", "未到期"),
        ("任务三", "（二）县长批示件", "未到期")]
    assert r.exit_code == 0


def test_grouped_title_alone_never_names_a_field(tmp_path):
    # 办理情况 is an alias of 办理进展, but as a title over 办结日期 | 进展情况 it names nothing
    book = _book(tmp_path, {"台账": [
        ["序号", "工作任务", "责任单位", "交办日期", "完成时限", "办理情况", None],
        [None, None, None, None, None, "办结日期", "进展情况"],
        [1, "任务一", "县财政局", D(2026, 11, 2), "11月完成", D(2026, 11, 10), "已于11月10日完成"],
    ]}, {"台账": ["F1:G1", "A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2"]})
    r = check_workbook(book, D(2026, 11, 16))
    ts = r.outcome.loaded.tasks.sheets[0]
    assert (ts.header.top, ts.header.row) == (1, 2)
    assert ts.header.columns["done"] == 6 and ts.header.columns["progress"] == 7
    (e,) = r.outcome.evaluations
    assert (e.task.done, e.state) == (D(2026, 11, 10), "按时办结")


def test_full_width_and_spaced_ids_are_one_task(tmp_path):
    book = _book(tmp_path, {"督办台账": [
        ["任务编号", "任务内容", "牵头单位", "交办日期"],
        ["ＤＢ-1", "甲", "县财政局", D(2026, 11, 2)],
        [" DB-1 ", "乙", "县财政局", D(2026, 11, 2)],
    ]})
    r = check_workbook(book, D(2026, 11, 16))
    ids = [e.task.id for e in r.outcome.evaluations]
    assert ids == ["DB-1", "DB-1"]
    assert [p.message for e in r.outcome.evaluations for p in e.problems] == [
        "任务编号“DB-1”与第3行重复", "任务编号“DB-1”与第2行重复"]


def test_ids_continue_after_the_log_and_follow_the_format_parameter(tmp_path):
    book = _book(tmp_path, {
        "督办台账": [["任务编号", "任务内容", "牵头单位", "交办日期"],
                     [None, "甲", "县财政局", D(2026, 11, 2)], ["督2026-4", "乙", "县财政局", D(2026, 11, 2)],
                     [None, "丙", "县财政局", D(2025, 12, 2)]],
        "参数设置": [["参数", "值", "说明"], ["任务编号格式", "督{年}-{号}", ""]],
        "督办记录": [["督办单编号", "任务编号", "督办等级", "发出日期"], ["蓝督〔2026〕1号", "督2026-7", "蓝", D(2026, 10, 9)]],
    })
    r = check_workbook(book, D(2026, 11, 16))
    assert [e.task.id for e in r.outcome.evaluations] == ["督2026-8", "督2026-4", "督2025-1"]


@pytest.mark.parametrize("text, due", [
    ("2027年3月底", D(2027, 3, 31)), ("2026年11月", D(2026, 11, 30)), ("2026.11.30前完成", D(2026, 11, 30)),
    ("2026年11月30日前", D(2026, 11, 30)), ("12月完成", D(2026, 12, 31)),
])
def test_deadline_forms_clerks_write(text, due):
    from ledger.core.calendar import WorkCalendar
    from ledger.rules.deadline import parse_limit

    assert parse_limit(text, D(2026, 3, 17), WorkCalendar()) == due


@pytest.mark.parametrize("text, T, due", [
    ("每月25日前", D(2026, 11, 26), D(2026, 12, 25)),
    ("每月25日", D(2026, 11, 25), D(2026, 11, 25)),           # the due day itself is still this month's
    ("每月底", D(2026, 1, 5), D(2026, 2, 2)),                  # 1-31 is a Saturday → Monday 2-02
    ("每季度末", D(2026, 10, 1), D(2026, 12, 31)),
    ("每周五前", D(2026, 11, 28), D(2026, 12, 4)),
    ("每月5日前", D(2026, 9, 30), D(2026, 10, 8)),             # 10-05…07 国庆 days off → Thursday 10-08
])
def test_report_duties_next_due(text, T, due):
    from ledger.core.calendar import WorkCalendar
    from ledger.rules.deadline import ongoing_kind

    cal = WorkCalendar()
    _, duty = ongoing_kind(text)
    assert duty.next_on_or_after(T, cal) == due


@pytest.mark.parametrize("cell, lead, assist", [
    ("县交通运输局（牵头）、县公安局", ("县交通运输局",), ("县公安局",)),
    ("牵头：县发改局；配合：县财政局、县住建局", ("县发改局",), ("县财政局", "县住建局")),
    ("县公安局和县交通运输局", ("县公安局", "县交通运输局"), ()),
    ("县发展和改革局", ("县发展和改革局",), ()),
    ("县住建局(牵头) 县财政局（协办）", ("县住建局",), ("县财政局",)),
])
def test_unit_cells_as_clerks_write_them(cell, lead, assist):
    from ledger.reading.units import split_roles

    got_lead, got_assist = split_roles(cell)
    assert (tuple(got_lead), tuple(got_assist)) == (lead, assist)


@pytest.mark.parametrize("text, done", [
    ("已完成", True), ("已办结", True), ("已全部完成", True), ("完成", True), ("项目已完成验收", True),
    ("未完成", False), ("基本完成", False), ("正在推进", False), ("已完成60%", False),
    ("场地围挡已完成，占道摊点清理后反弹", False),
])
def test_progress_that_says_done(text, done):
    from ledger.rules.escalation import says_done

    assert says_done(text) is done


def test_ids_are_unique_across_task_sheets(tmp_path):
    book = _book(tmp_path, {
        "甲": [["编号", *HDR[1:]], ["A-1", "甲任务", "县财政局", D(2026, 11, 2), "11月完成"]],
        "乙": [["编号", *HDR[1:]], ["Ａ-1", "乙任务", "县财政局", D(2026, 11, 2), "11月完成"]],
    })
    r = check_workbook(book, D(2026, 11, 16))
    assert r.exit_code == 1
    assert [p.text() for e in r.outcome.evaluations for p in e.problems] == [
        "甲!A2 编号“A-1”与“乙”第2行重复：编号不得重复，请修改其中一行。",      # the clerk's header 编号
        "乙!A2 编号“A-1”与“甲”第2行重复：编号不得重复，请修改其中一行。"]


def test_settings_for_task_sheets_and_id_format_are_checked(tmp_path):
    book = _book(tmp_path, {
        "甲": [HDR, [1, "甲任务", "县财政局", D(2026, 11, 2), "11月完成"]],
        "参数设置": [["参数", "值", "说明"], ["任务编号格式", "DB-{序号}", ""]],
    })
    r = check_workbook(book, D(2026, 11, 16))
    assert r.exit_code == 2 and "参数“任务编号格式”的值“DB-{序号}”无法识别" in r.text
    book = _book(tmp_path, {
        "甲": [HDR, [1, "甲任务", "县财政局", D(2026, 11, 2), "11月完成"]],
        "参数设置": [["参数", "值", "说明"], ["任务工作表", "甲、丙", ""]],
    })
    r = check_workbook(book, D(2026, 11, 16))
    assert r.exit_code == 2 and "参数“任务工作表”中的“丙”不是本工作簿的工作表" in r.text
