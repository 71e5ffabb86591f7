"""Tests for `ledger.init_workbook.create_ledger`: the new workbook is read back with openpyxl
and python-calamine and checked against the schema tables."""

from __future__ import annotations

from ledger.core.dates import normalize_text

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from ledger.core import schema
from ledger.core.errors import LedgerError, column_letter
from ledger.init_workbook import FIRST_DATA_ROW, HEADER_ROW, LAST_FORMATTED_ROW, create_ledger

TODAY = date(2026, 11, 23)
SHEETS = [schema.TASK_SHEET, schema.LOG_SHEET, schema.UNIT_SHEET, schema.PARAM_SHEET, schema.HOLIDAY_SHEET]


def col_of(key: str) -> str:
    return column_letter([f.key for f in schema.TASK_FIELDS].index(key) + 1)


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("init") / "督办台账.xlsx"
    create_ledger(path, today=TODAY)
    return path


@pytest.fixture(scope="module")
def wb(ledger_path):
    return load_workbook(ledger_path)


@pytest.fixture(scope="module")
def cal(ledger_path):
    return CalamineWorkbook.from_path(str(ledger_path))


def cal_rows(cal, sheet):
    return cal.get_sheet_by_name(sheet).to_python()


def validations(ws):
    """{formula1: set of sqref strings} for the sheet's list validations."""
    out: dict[str, set[str]] = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        out.setdefault(dv.formula1, set()).update(str(r) for r in dv.sqref.ranges)
    return out


def quoted_list(values) -> str:
    return '"' + ",".join(values) + '"'


# ---------------------------------------------------------------------------------------------


def test_sheet_names_and_order(wb, cal):
    assert wb.sheetnames == SHEETS
    assert cal.sheet_names == SHEETS


def test_task_title_row_merged_and_header_from_schema(wb, cal):
    ws = wb[schema.TASK_SHEET]
    last = column_letter(len(schema.TASK_FIELDS))
    assert f"A1:{last}1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "县人民政府督查督办事项台账"
    assert ws["A1"].font.b and ws["A1"].font.sz >= 16
    assert ws["A1"].alignment.horizontal == "center"

    expected = [f.header for f in schema.TASK_FIELDS]
    assert [c.value for c in ws[HEADER_ROW]] == expected
    rows = cal_rows(cal, schema.TASK_SHEET)
    assert rows[HEADER_ROW - 1] == expected
    # The reader normalises headers; the written text must already be canonical.
    assert [normalize_text(h) for h in expected] == expected
    # No status columns: the weekly run adds them.
    assert not set(expected) & set(schema.STATUS_NAMES)
    assert ws.max_column == len(schema.TASK_FIELDS)


def test_task_header_styles_comments_widths(wb):
    ws = wb[schema.TASK_SHEET]
    for col, field in enumerate(schema.TASK_FIELDS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col)
        assert cell.font.b
        assert cell.fill.fgColor.rgb.endswith("DDEBF7")
        assert cell.alignment.wrap_text
        assert cell.border.left.style == "thin"
        if field.required:
            assert cell.font.color.rgb.endswith("C00000"), field.header
            assert cell.comment is not None and "必填" in cell.comment.text
        if field.note:
            assert cell.comment is not None and field.note in cell.comment.text
        if not field.note and not field.required:
            assert cell.comment is None
        assert ws.column_dimensions[column_letter(col)].width == field.width


def test_task_freeze_filter_validations(wb):
    ws = wb[schema.TASK_SHEET]
    assert ws.freeze_panes == f"B{FIRST_DATA_ROW}"
    last = column_letter(len(schema.TASK_FIELDS))
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:{last}")
    dvs = validations(ws)
    g, r = col_of("grade"), col_of("review")
    assert dvs[quoted_list(schema.GRADES)] == {f"{g}{FIRST_DATA_ROW}:{g}{LAST_FORMATTED_ROW}"}
    assert dvs[quoted_list(schema.REVIEWS)] == {f"{r}{FIRST_DATA_ROW}:{r}{LAST_FORMATTED_ROW}"}
    assert FIRST_DATA_ROW == 3 and LAST_FORMATTED_ROW >= 2000


def test_task_date_columns_formatted(wb):
    ws = wb[schema.TASK_SHEET]
    date_cols = [column_letter(i) for i, f in enumerate(schema.TASK_FIELDS, start=1) if f.kind == "date"]
    assert len(date_cols) == 5
    for letter in date_cols:
        # Column style → every cell typed later in rows 3..2000 (and beyond) shows yyyy-mm-dd.
        assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd", letter
    for letter in (col_of("content"), col_of("progress")):
        assert ws.column_dimensions[letter].alignment.wrap_text
    # Example rows that hold dates carry the format on the cell itself too.
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
        for cell in row:
            if isinstance(cell.value, datetime):
                assert cell.number_format == "yyyy-mm-dd"
    # No phantom formatted-but-empty rows below the examples.
    assert ws.max_row == FIRST_DATA_ROW + 5


def test_example_rows_dates_and_units(wb, cal):
    rows = cal_rows(cal, schema.TASK_SHEET)[FIRST_DATA_ROW - 1:]
    rows = [r for r in rows if any(v != "" for v in r)]
    assert 5 <= len(rows) <= 8
    keys = [f.key for f in schema.TASK_FIELDS]
    tasks = [dict(zip(keys, r)) for r in rows]

    ids = [t["id"] for t in tasks]
    assert len(set(ids)) == len(ids) and all(ids)
    for t in tasks:
        assert t["content"] and t["lead"]
        assert type(t["assigned"]) is date, t          # a real date cell, not datetime/text
        assert t["assigned"] <= TODAY
        for key in ("limit", "ext_to", "ext_applied", "done", "closed"):
            if t[key] != "" and not isinstance(t[key], str):
                assert type(t[key]) is date, (key, t)
        assert t["grade"] in ("", *schema.GRADES)
        assert t["review"] in ("", *schema.REVIEWS)

    assert any(t["grade"] == "急件" for t in tasks)
    assert any(t["limit"] == "10个工作日" for t in tasks)
    assert any(isinstance(t["limit"], str) and t["limit"].endswith("月底") for t in tasks)
    assert any(type(t["done"]) is date for t in tasks)
    extended = [t for t in tasks if t["ext_to"] != ""]
    assert extended and all(t["ext_by"] for t in extended)
    assert all(type(t["ext_to"]) is date and t["ext_to"] > TODAY for t in extended)

    # Every unit named in a task resolves in the example 单位名录 (by name or alias).
    known = set()
    for name, aliases, *_ in cal_rows(cal, schema.UNIT_SHEET)[1:]:
        known.add(name)
        known.update(a for a in aliases.replace("，", "、").split("、") if a)
    for t in tasks:
        for field in ("lead", "assist"):
            for unit in filter(None, t[field].replace("；", "、").split("、")):
                assert unit in known, unit


def test_log_sheet(wb, cal):
    ws = wb[schema.LOG_SHEET]
    expected = [h for h, _ in schema.LOG_HEADERS]
    assert cal_rows(cal, schema.LOG_SHEET) == [expected]
    assert [c.value for c in ws[1]] == expected
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1
    for col, (_, width) in enumerate(schema.LOG_HEADERS, start=1):
        assert ws.column_dimensions[column_letter(col)].width == width


def test_unit_sheet(wb, cal):
    ws = wb[schema.UNIT_SHEET]
    rows = cal_rows(cal, schema.UNIT_SHEET)
    assert rows[0] == [names for names, _, _ in schema.UNIT_HEADERS]
    for col, (_, _, width) in enumerate(schema.UNIT_HEADERS, start=1):
        assert ws.column_dimensions[column_letter(col)].width == width
    units = rows[1:]
    assert 6 <= len(units) <= 12
    by_name = {u[0]: u for u in units}
    assert "县发改局" in by_name["县发展和改革局"][1]
    assert "县住建局" in by_name["县住房和城乡建设局"][1]
    assert {u[2] for u in units} == {"乡镇", "街道", "县直单位"}
    for u in units:
        assert all(isinstance(v, str) and v for v in u), u
        assert u[4].startswith("138-0000-")            # clearly fake numbers, kept as text


def test_param_sheet_matches_defaults(wb, cal):
    ws = wb[schema.PARAM_SHEET]
    rows = cal_rows(cal, schema.PARAM_SHEET)
    assert rows[0] == list(schema.PARAM_HEADERS)
    body = rows[1:]
    assert [r[0] for r in body] == list(schema.PARAM_DEFAULTS)
    for (key, value, note), (default, kind, exp_note) in zip(body, schema.PARAM_DEFAULTS.values()):
        if isinstance(default, bool):
            assert value == ("是" if default else "否"), key
        elif isinstance(default, int):
            assert value == default and not isinstance(value, str), key
        else:
            assert value == default, key
        assert note == exp_note
    # openpyxl view: ints are real numbers, keys bold.
    for r, (key, (default, _, _)) in enumerate(schema.PARAM_DEFAULTS.items(), start=2):
        assert ws.cell(row=r, column=1).value == key
        assert ws.cell(row=r, column=1).font.b
        if isinstance(default, int) and not isinstance(default, bool):
            assert ws.cell(row=r, column=2).value == default
            assert isinstance(ws.cell(row=r, column=2).value, int)
    dvs = validations(ws)
    assert quoted_list(("是", "否")) in dvs
    assert quoted_list(("自然日", "工作日")) in dvs


def test_holiday_sheet(wb, cal):
    ws = wb[schema.HOLIDAY_SHEET]
    assert cal_rows(cal, schema.HOLIDAY_SHEET) == [list(schema.HOLIDAY_HEADERS)]
    assert ws.max_row == 1
    assert ws.column_dimensions["A"].number_format == "yyyy-mm-dd"
    assert validations(ws) == {quoted_list(("休", "班")): {f"B2:B{LAST_FORMATTED_ROW}"}}
    assert "2018—2026" in ws["A1"].comment.text and "调休上班" in ws["A1"].comment.text
    assert ws.freeze_panes == "A2"


def test_without_examples(tmp_path):
    path = tmp_path / "空白台账.xlsx"
    create_ledger(path, today=TODAY, examples=False)
    cal = CalamineWorkbook.from_path(str(path))
    assert cal.sheet_names == SHEETS
    task_rows = cal_rows(cal, schema.TASK_SHEET)
    assert len(task_rows) == HEADER_ROW
    assert cal_rows(cal, schema.UNIT_SHEET) == [[n for n, _, _ in schema.UNIT_HEADERS]]
    # Parameters are always written: they are the settings, not examples.
    assert len(cal_rows(cal, schema.PARAM_SHEET)) == len(schema.PARAM_DEFAULTS) + 1


def test_examples_follow_today(tmp_path):
    path = tmp_path / "a.xlsx"
    create_ledger(path, today=date(2027, 12, 15))
    rows = cal_rows(CalamineWorkbook.from_path(str(path)), schema.TASK_SHEET)[FIRST_DATA_ROW - 1:]
    assigned = [r[8] for r in rows]
    assert all(type(d) is date and d.weekday() < 5 and d <= date(2027, 12, 15) for d in assigned)
    assert [r[0] for r in rows] == [f"示例-{i}" for i in range(1, 7)]   # marked: never issued or counted
    assert "12月底" in [r[9] for r in rows]             # "M月底" stays inside the year


def test_refuses_to_overwrite(tmp_path):
    path = tmp_path / "台账.xlsx"
    create_ledger(path, today=TODAY)
    before = path.read_bytes()
    with pytest.raises(LedgerError) as info:
        create_ledger(path, today=date(2027, 1, 4))
    assert "已经存在" in info.value.message
    assert path.read_bytes() == before

    other = tmp_path / "别人的文件.xlsx"
    other.write_bytes(b"not a workbook")
    with pytest.raises(LedgerError):
        create_ledger(other, today=TODAY)
    assert other.read_bytes() == b"not a workbook"


@pytest.mark.parametrize("name", ["台账.xls", "台账.xlsm", "台账.csv", "台账"])
def test_refuses_wrong_suffix(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(LedgerError) as info:
        create_ledger(path, today=TODAY)
    assert ".xlsx" in info.value.message
    assert not path.exists()


def test_uppercase_suffix_accepted_and_parent_created(tmp_path):
    path = tmp_path / "新文件夹" / "台账.XLSX"
    create_ledger(path, today=TODAY)
    assert CalamineWorkbook.from_path(str(path)).sheet_names == SHEETS


# ---------------------------------------------------------------------------------------------
# The bundled sample (fixtures/示例台账.xlsx) is generated by fixtures/make_fixtures.py.

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def make_fixtures():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_is_up_to_date_and_deterministic(make_fixtures, tmp_path):
    out = tmp_path / "sample.xlsx"
    make_fixtures.save_deterministic(make_fixtures.build(), out)
    again = tmp_path / "again.xlsx"
    make_fixtures.save_deterministic(make_fixtures.build(), again)
    assert out.read_bytes() == again.read_bytes()
    # The committed file holds what the generator makes (compared by content, so another
    # openpyxl version writing slightly different XML does not matter).
    fresh = CalamineWorkbook.from_path(str(out))
    committed = CalamineWorkbook.from_path(str(FIXTURES / "示例台账.xlsx"))
    assert fresh.sheet_names == committed.sheet_names
    for name in fresh.sheet_names:
        assert cal_rows(fresh, name) == cal_rows(committed, name), f"请运行 python fixtures/make_fixtures.py（{name}）"


def test_sample_headers_recognised(make_fixtures):
    cal = CalamineWorkbook.from_path(str(FIXTURES / "示例台账.xlsx"))
    assert cal.sheet_names[0] == schema.TASK_SHEET
    assert {schema.LOG_SHEET, schema.UNIT_SHEET, schema.PARAM_SHEET, schema.HOLIDAY_SHEET, "统计"} <= set(cal.sheet_names)
    rows = cal_rows(cal, schema.TASK_SHEET)
    names = {normalize_text(n): f.key for f in schema.TASK_FIELDS for n in f.names}
    recognised = [sum(normalize_text(v) in names for v in row) for row in rows[:10]]
    assert recognised.index(next(n for n in recognised if n >= 3)) == make_fixtures.HEADER_ROW - 1
    header = [normalize_text(v) for v in rows[make_fixtures.HEADER_ROW - 1]]
    assert [names.get(h) for h in header] == [*make_fixtures.KEYS[:-1], None]   # 备注 is unknown
    assert sum(h != f.header for h, f in zip(header, schema.TASK_FIELDS)) >= 5   # aliases in use
    tasks = rows[make_fixtures.HEADER_ROW:]
    assert len(tasks) == len(make_fixtures.TASKS) == len(make_fixtures.EXPECTED_2026_11_23)
    assert [r[0] for r in tasks] == list(make_fixtures.EXPECTED_2026_11_23)


def test_sample_log_and_params(make_fixtures):
    cal = CalamineWorkbook.from_path(str(FIXTURES / "示例台账.xlsx"))
    log = cal_rows(cal, schema.LOG_SHEET)
    assert log[0] == [h for h, _ in schema.LOG_HEADERS[:9]]   # an older log: no 应办结日期依据
    seq = {"蓝": 0, "黄": 0, "红": 0}
    for number, task_id, color, issued, units, deadline, overdue, signer, batch in log[1:]:
        seq[color] += 1
        assert number == f"{color}督〔2026〕{seq[color]}号"
        assert type(issued) is date and type(deadline) is date
        assert batch == issued.isoformat() and overdue == (issued - deadline).days
        assert make_fixtures.EXPECTED_2026_11_23[task_id][0] == deadline
        assert signer == schema.PARAM_DEFAULTS[f"{color}色签发"][0]
    assert max(r[3] for r in log[1:]) < date(2026, 11, 23)
    params = cal_rows(cal, schema.PARAM_SHEET)
    assert [r[0] for r in params[1:]] == list(schema.PARAM_DEFAULTS)
    units = cal_rows(cal, schema.UNIT_SHEET)
    assert sum(1 for u in units[1:] if u[4] == "") == 1


def test_sample_clerk_features(make_fixtures):
    wb = load_workbook(FIXTURES / "示例台账.xlsx")
    ws = wb[schema.TASK_SHEET]
    assert ws.freeze_panes and ws.auto_filter.ref
    assert ws.conditional_formatting and ws.data_validations.dataValidation
    assert any(c.comment for row in ws.iter_rows() for c in row)
    assert wb["统计"]["B3"].value.startswith("=COUNTA(督办台账!")
    assert wb.properties.creator == "督查室"
