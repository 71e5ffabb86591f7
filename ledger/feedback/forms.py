"""`ledger forms`: one 反馈表 per lead unit with open tasks (SPEC §5, seed 004 第八条 and item 18).

A form is a new file the tool owns, so openpyxl writes it. The unit sees its open tasks with the
facts on record (locked: sheet protection without a password — protection here prevents slips,
not attacks; `collect` checks every returned value anyway) and fills the white columns: 本次进展,
办结日期, 申请延期至 + 延期理由, 填报人, 联系电话. Dates carry data validation (办结日期 not before
交办日期, 申请延期至 after 应办结日期) and every editable column an input hint. The instruction block
says what to fill, by when (参数 反馈时限 working days after the form date) and to whom, in the
office's name (参数 督查机构).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.calendar import YearNotCovered
from ..core import problems as P
from ..core.dates import cell_text
from ..core.errors import column_letter
from ..core.schema import Color, State
from ..pipeline import Outcome
from .identity import FormIdentity, form_id, write_identity

_COLORS = frozenset(Color)

FORM_SHEET = "反馈表"
FOLDER = "反馈表"
HEADER_ROW = 5
# (header, width, editable)
COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("任务编号", 11, False), ("任务内容", 28, False), ("交办日期", 10.5, False), ("应办结日期", 10.5, False),
    ("当前状态", 8, False), ("督办等级", 5, False), ("进展情况（台账记录）", 22, False),
    ("本次进展", 30, True), ("办结日期", 10.5, True), ("申请延期至", 10.5, True), ("延期理由", 18, True),
    ("填报人", 7, True), ("联系电话", 12, True),
)
EDITABLE = tuple(h for h, _, e in COLUMNS if e)
HINTS = {
    "本次进展": "填写截至目前的办理进展（做了什么、还差什么）。将替换台账中的“进展情况”。",
    "办结日期": "已办结的，填写办结日期，如 2026-11-30；未办结的不填。不得早于交办日期。",
    "申请延期至": "确需延期的，在应办结日期前填写申请延期到哪一天，并填写延期理由。延期须经县政府领导同意后生效。",
    "延期理由": "申请延期的，写明客观原因和滞后原因（三色督办单制度第八条）。",
    "填报人": "填写本单位填报人姓名。",
    "联系电话": "填写填报人联系电话。",
}


@dataclass(frozen=True)
class UnitForm:
    """What one unit's form lists."""

    unit: str
    rows: tuple[tuple[object, ...], ...]     # the locked values per task, in COLUMNS order (first 7)


def open_evaluations(outcome: Outcome) -> list:
    """The tasks a form asks about: open (SPEC §3.3, 待核实办结 included) with a usable id; rows
    with data errors are left to the clerk first (their deadline is unknown)."""
    from collections import Counter

    ids = Counter(e.task.id for e in outcome.evaluations)
    return [e for e in outcome.evaluations
            if e.task.is_open and e.task.id and ids[e.task.id] == 1 and e.state not in (State.BAD_DATA, State.CLOSED)]


def unit_forms(outcome: Outcome) -> list[UnitForm]:
    """One UnitForm per lead unit with open tasks, units in order of first appearance."""
    # the colour already issued (a form written without a run issues nothing: Evaluation.level
    # would include the notice a run would issue today)
    issued: dict[str, str] = {}
    for n in (*outcome.loaded.log, *outcome.new_notices):
        if n.task_id not in issued or Color(n.color).rank > Color(issued[n.task_id]).rank:
            issued[n.task_id] = n.color
    by_unit: dict[str, list[tuple[object, ...]]] = {}
    for ev in open_evaluations(outcome):
        t = ev.task
        row = (t.id, t.content, t.assigned, ev.deadline.due, ev.state, issued.get(t.id, ""), t.progress)
        for unit in t.lead:
            by_unit.setdefault(unit, []).append(row)
    return [UnitForm(unit, tuple(rows)) for unit, rows in by_unit.items()]


def reply_due(outcome: Outcome) -> date:
    days = outcome.loaded.params.int("反馈时限")
    try:
        return outcome.loaded.calendar.add_working_days(outcome.run_date, days)
    except YearNotCovered as exc:
        raise P.RUN_FORM_DEADLINE.error(reason=exc) from exc


def write_forms(outcome: Outcome, folder: Path) -> list[Path]:
    """Write every unit's form into `folder` (created); returns the files in unit order."""
    from ..outputs import safe_filename

    folder.mkdir(parents=True, exist_ok=True)
    due = reply_due(outcome)
    written = []
    for form in unit_forms(outcome):
        path = folder / f"反馈表_{safe_filename(form.unit, 40)}_{outcome.run_date.isoformat()}.xlsx"
        ident = FormIdentity(form_id(form.unit, outcome.run_date), form.unit, outcome.run_date,
                             tuple(str(r[0]) for r in form.rows), due, outcome.loaded.book.path.name)
        build_form(form, ident, outcome.loaded.params).save(path)
        written.append(path)
    return written


def instructions(unit: str, ident: FormIdentity, params) -> str:
    office = str(params["督查机构"])
    how = str(params["反馈联系方式"]).strip()
    due = ident.due
    weekday = "一二三四五六日"[due.weekday()] if due else ""
    return (
        f"{unit}：\n"
        f"　　请对照下表逐项反馈本单位牵头督办事项的办理情况。灰色各列为台账记录，已锁定，请勿改动；请在白色各列填写："
        f"“本次进展”写明截至目前的进展；已办结的填写“办结日期”；因客观原因确需延期的，请在应办结日期前填写“申请延期至”"
        f"和“延期理由”（《“蓝、黄、红”三色督办单制度》第八条），延期经县政府领导同意后方可生效。\n"
        f"　　请于{due.year}年{due.month}月{due.day}日（星期{weekday}）前将本表报送{office}"
        f"{'（' + how + '）' if how else ''}。文件名可以修改，请勿增删行列或改动表格结构。"
    )


def build_form(form: UnitForm, ident: FormIdentity, params):
    """The form as an openpyxl workbook (not saved)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.workbook.protection import WorkbookProtection

    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    last = column_letter(len(COLUMNS))
    thin = Side(style="thin", color="FF808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name="宋体", size=10)
    grey = PatternFill("solid", fgColor="FFF2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")

    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = f"{params['督查机构']}督办事项进展情况反馈表"
    ws["A1"].font = Font(name="黑体", size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = (f"填报单位：{ident.unit}　　　　表日期：{ident.form_date.isoformat()}　　　　"
                f"报送截止：{ident.due.isoformat() if ident.due else ''}　　　　共 {len(form.rows)} 项")
    ws["A2"].font = Font(name="宋体", size=11, bold=True)
    ws.merge_cells(f"A3:{last}3")
    ws["A3"] = instructions(ident.unit, ident, params)
    ws["A3"].font = Font(name="仿宋", size=11)
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[3].height = 78

    for c, (name, width, editable) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, name)
        cell.font = Font(name="黑体", size=10)
        cell.fill = PatternFill("solid", fgColor="FFDDEBF7" if editable else "FFD9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[column_letter(c)].width = width
    ws.row_dimensions[HEADER_ROW].height = 30

    first = HEADER_ROW + 1
    for r, values in enumerate(form.rows, start=first):
        for c, (name, width, editable) in enumerate(COLUMNS, start=1):
            value = values[c - 1] if c <= len(values) else None
            cell = ws.cell(r, c)
            if value not in (None, ""):
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"              # '=…' on record stays text in the form too
            cell.font, cell.border, cell.alignment = body, border, wrap
            if isinstance(value, date) or name in ("办结日期", "申请延期至"):
                cell.number_format = "yyyy-mm-dd"
            if editable:
                cell.protection = Protection(locked=False)
            elif name == "督办等级" and value in _COLORS:
                cell.fill = PatternFill("solid", fgColor=Color(value).fill)   # as in the ledger
                cell.alignment = Alignment(horizontal="center", vertical="top")
            else:
                cell.fill = grey
        # no auto-fit in openpyxl: about two width units per Chinese character at 10 pt
        lines = max(math.ceil(len(cell_text(values[i])) / (COLUMNS[i][1] / 1.9)) for i in (1, 6))
        ws.row_dimensions[r].height = max(30, 13.5 * lines + 4)
    end = max(first, first + len(form.rows) - 1)

    def letter(name: str) -> str:
        return column_letter(next(i for i, (h, _, _) in enumerate(COLUMNS, start=1) if h == name))

    for name in EDITABLE:
        col = letter(name)
        if name == "办结日期":
            dv = DataValidation(type="date", operator="greaterThanOrEqual", formula1=f"${letter('交办日期')}{first}",
                                error="办结日期应为日期（如 2026-11-30），且不早于交办日期。", errorTitle="日期有误")
        elif name == "申请延期至":
            dv = DataValidation(type="date", operator="greaterThan", formula1=f"${letter('应办结日期')}{first}",
                                error="申请延期至应为晚于应办结日期的日期（如 2026-12-31）。", errorTitle="日期有误")
        else:
            dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000",
                                error="内容过长，请精简到 2000 字以内。", errorTitle="内容过长")
        dv.prompt, dv.promptTitle = HINTS[name], name
        dv.showInputMessage = dv.showErrorMessage = True
        dv.allow_blank = True
        dv.add(f"{col}{first}:{col}{end}")
        ws.add_data_validation(dv)

    ws.freeze_panes = f"B{first}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False      # widening a column is fine
    sent = [tuple(cell_text(v) for v in row[:7]) for row in form.rows]
    write_identity(wb, ident, sent)
    wb.security = WorkbookProtection(lockStructure=True)                # no unhiding, renaming sheets
    wb.active = 0
    return wb
