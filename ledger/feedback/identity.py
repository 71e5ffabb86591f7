"""What makes a returned file recognisable as one of our 反馈表, whatever the unit renamed it to.

The identity (form number, unit, form date, task ids) is stored twice: in a hidden sheet, which
also keeps the locked task facts as they were sent (to tell when a unit overwrote one), and in
custom document properties. Excel, WPS and LibreOffice keep hidden sheets when they re-save
(``veryHidden`` is dropped to plain hidden by some of them, so plain ``hidden`` is used); custom
properties survive a re-save in Excel and WPS. Either copy is enough to recognise the form; when
both survive they must agree, so an edit of one of them is noticed.

Excel limits a custom property value to 255 characters, so the task ids are split over
``反馈任务1``, ``反馈任务2`` … properties of at most 200 characters each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..core.dates import BadValue, cell_text, parse_date

KIND = "督办台账反馈表"
VERSION = 1
ID_SHEET = "反馈表标识"
LOCKED = ("任务内容", "交办日期", "应办结日期", "当前状态", "督办等级", "进展情况（台账记录）")
"""The task facts printed on the form (besides 任务编号), locked, kept in the hidden sheet as sent."""

_PROP_MARK, _PROP_ID, _PROP_UNIT, _PROP_DATE, _PROP_TASKS = "督办台账反馈表", "反馈表编号", "反馈单位", "反馈表日期", "反馈任务"
_CHUNK = 200
_TASKS_ROW = 10                 # hidden sheet: header of the task table


@dataclass(frozen=True)
class FormIdentity:
    form_id: str
    unit: str
    form_date: date
    task_ids: tuple[str, ...]
    due: date | None = None
    ledger: str = ""
    sent: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    """task id → the LOCKED values as sent (text), when the hidden sheet survived."""


def form_id(unit: str, form_date: date) -> str:
    return f"反馈〔{form_date.isoformat()}〕{unit}"




def write_identity(wb, ident: FormIdentity, sent_rows: list[tuple[str, ...]]) -> None:
    """Add the hidden identity sheet and the custom properties to an openpyxl workbook."""
    from openpyxl.packaging.custom import StringProperty

    ws = wb.create_sheet(ID_SHEET)
    ws.sheet_state = "hidden"
    for r, (key, value) in enumerate((("类型", KIND), ("版本", str(VERSION)), ("反馈表编号", ident.form_id),
                                      ("单位", ident.unit), ("表日期", ident.form_date.isoformat()),
                                      ("反馈截止", ident.due.isoformat() if ident.due else ""),
                                      ("台账", ident.ledger)), start=1):
        ws.cell(r, 1, key)
        ws.cell(r, 2, value).data_type = "s"
    ws.cell(_TASKS_ROW, 1, "任务编号")
    for c, name in enumerate(LOCKED, start=2):
        ws.cell(_TASKS_ROW, c, name)
    for r, row in enumerate(sent_rows, start=_TASKS_ROW + 1):
        for c, text in enumerate(row, start=1):
            ws.cell(r, c, text).data_type = "s"     # text as sent: '=…' must never become a formula
    ws.protection.sheet = True
    props = wb.custom_doc_props
    ids = "、".join(ident.task_ids)
    for name, value in ((_PROP_MARK, str(VERSION)), (_PROP_ID, ident.form_id), (_PROP_UNIT, ident.unit),
                        (_PROP_DATE, ident.form_date.isoformat()),
                        *((f"{_PROP_TASKS}{i + 1}", ids[k:k + _CHUNK])
                          for i, k in enumerate(range(0, max(len(ids), 1), _CHUNK)))):
        props.append(StringProperty(name=name, value=value))


def read_identity(wb) -> tuple[FormIdentity | None, str]:
    """The identity of an openpyxl workbook: (identity, "") or (None, why it is not one of ours)."""
    from_sheet = _from_sheet(wb)
    from_props = _from_props(wb)
    if from_sheet is None and from_props is None:
        return None, ""
    if from_sheet is not None and from_props is not None and (
            (from_sheet.form_id, from_sheet.unit, from_sheet.form_date, from_sheet.task_ids)
            != (from_props.form_id, from_props.unit, from_props.form_date, from_props.task_ids)):
        return None, "反馈表的标识信息前后不一致（隐藏的标识表与文件属性不符，可能被改动过）"
    ident = from_sheet or from_props
    if isinstance(ident, str):
        return None, ident
    return ident, ""


def _date(text: object) -> date | None:
    try:
        return parse_date(text)
    except BadValue:
        return None


def _from_sheet(wb) -> FormIdentity | str | None:
    if ID_SHEET not in wb.sheetnames:
        return None
    ws = wb[ID_SHEET]
    meta = {cell_text(ws.cell(r, 1).value): cell_text(ws.cell(r, 2).value) for r in range(1, _TASKS_ROW)}
    if meta.get("类型") != KIND:
        return None
    when = _date(meta.get("表日期"))
    if when is None or not meta.get("单位") or not meta.get("反馈表编号"):
        return "反馈表的隐藏标识表不完整（单位或表日期缺失）"
    sent: dict[str, tuple[str, ...]] = {}
    for r in range(_TASKS_ROW + 1, ws.max_row + 1):
        task_id = cell_text(ws.cell(r, 1).value)
        if task_id:
            sent[task_id] = tuple(cell_text(ws.cell(r, c).value) for c in range(2, 2 + len(LOCKED)))
    return FormIdentity(meta["反馈表编号"], meta["单位"], when, tuple(sent), _date(meta.get("反馈截止")),
                        meta.get("台账", ""), sent)


def _from_props(wb) -> FormIdentity | str | None:
    try:
        props = {p.name: p.value for p in wb.custom_doc_props}
    except (AttributeError, TypeError):
        return None
    if _PROP_MARK not in props:
        return None
    when = _date(props.get(_PROP_DATE))
    unit = cell_text(props.get(_PROP_UNIT))
    if when is None or not unit or not props.get(_PROP_ID):
        return "反馈表的文件属性不完整（单位或表日期缺失）"
    chunks = sorted((int(k[len(_PROP_TASKS):]), str(v or "")) for k, v in props.items()
                    if k.startswith(_PROP_TASKS) and k[len(_PROP_TASKS):].isdigit())
    ids = "".join(v for _, v in chunks)
    return FormIdentity(str(props[_PROP_ID]), unit, when, tuple(i for i in ids.split("、") if i))
