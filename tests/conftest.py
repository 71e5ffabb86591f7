"""Shared test helpers: small ledgers written from row lists inside the tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

HEADER = ["任务编号", "任务来源", "任务内容", "牵头单位", "协办单位", "紧急程度", "交办日期", "办理时限",
          "延期至", "延期审批人", "延期申请日期", "办结日期", "办结审核", "正当理由", "销号日期", "办理进展"]


def write_ledger(path: Path, rows: list[dict], *, header: list[str] | None = None, title_rows: int = 0,
                 params: dict | None = None, units: list[tuple] | None = None, holidays: list[tuple] | None = None,
                 log: list[tuple] | None = None) -> Path:
    """A ledger with the given task rows (dicts keyed by header); optional settings sheets."""
    header = header or HEADER
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "督办台账"
    for i in range(title_rows):
        ws.cell(i + 1, 1, "县政府督查督办事项台账" if i == 0 else "")
    ws.append(header) if not title_rows else [ws.cell(title_rows + 1, c + 1, h) for c, h in enumerate(header)]
    for r, row in enumerate(rows, start=title_rows + 2):
        for c, h in enumerate(header, start=1):
            if h in row and row[h] is not None:
                cell = ws.cell(r, c, row[h])
                if isinstance(row[h], date):
                    cell.number_format = "yyyy-mm-dd"
    if params is not None:
        ps = wb.create_sheet("参数设置")
        ps.append(["参数", "值", "说明"])
        for k, v in params.items():
            ps.append([k, v])
    if units is not None:
        us = wb.create_sheet("单位名录")
        us.append(["单位名称", "别名", "类别", "主要负责人", "联系电话"])
        for u in units:
            us.append(list(u))
    if holidays is not None:
        hs = wb.create_sheet("节假日")
        hs.append(["日期", "类型", "名称"])
        for h in holidays:
            hs.append(list(h))
    if log is not None:
        ls = wb.create_sheet("督办记录")
        ls.append(["督办单编号", "任务编号", "督办等级", "发出日期", "被督办单位", "应办结日期", "逾期天数", "签发人", "批次"])
        for row in log:
            ls.append(list(row))
    wb.save(path)
    return path


def task(id: str, assigned, limit=None, **extra) -> dict:
    row = {"任务编号": id, "任务内容": f"任务{id}的内容", "牵头单位": extra.pop("unit", "县财政局"),
           "交办日期": assigned}
    if limit is not None:
        row["办理时限"] = limit
    row.update(extra)
    return row


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "台账.xlsx"
