"""`ledger init`: create a new, ready-to-use 督办台账 workbook.

The workbook is brand new, so it is built with openpyxl (the lossless round-trip concerns of the
weekly run do not apply here). Every sheet name, header, alias, column width, header note and
parameter default comes from `ledger.core.schema`, so what `init` writes is exactly what the reader
recognises.

Sheets, in order: 督办台账 (title row + header row, dropdowns, date formats, frozen header,
autofilter; no status columns — the weekly run adds them), 督办记录 (header only; the tool owns it),
单位名录, 参数设置 (one row per default parameter) and 节假日 (header only).
"""

from __future__ import annotations

import io
import os
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ledger.core import schema
from ledger.core import problems as P
from ledger.core.errors import column_letter

TITLE = "县人民政府督查督办事项台账"
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
LAST_FORMATTED_ROW = 2000       # dropdowns cover rows FIRST_DATA_ROW..LAST_FORMATTED_ROW

DATE_FORMAT = "yyyy-mm-dd"
FONT_NAME = "宋体"               # present on every Chinese Windows; Excel and WPS both use it
COMMENT_AUTHOR = "督办台账"

HOLIDAY_NOTE = (
    "内置2018—2026年国务院节假日安排；以后年度未公布前按法定假日推算。新年度的安排公布后，"
    "运行 ledger holidays 台账.xlsx --import 通知.txt 导入到本表。也可手工补充或更正个别日期"
    "（类型“休”为放假，“班”为调休上班），例如 2027-01-01 / 休 / 元旦。"
)
LOG_NOTE = "本表由程序自动维护（每发出一张督办单记一行），请勿修改、删除或排序。"
PARAM_NOTE = "参数名请勿改动；值可按本单位制度修改，留空或删除的行取默认值。"

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FILL = PatternFill("solid", fgColor="EDEDED")     # grey: visibly not a real task
EXAMPLE_NOTE = "示例行：任务编号以“示例”开头的行不计入、不发督办单。登记正式任务后请整行删除。"
REQUIRED_COLOR = "C00000"


def _font(**kwargs) -> Font:
    """A font that always names a CJK-capable face (a nameless font renders oddly in Excel)."""
    return Font(name=FONT_NAME, **kwargs)


HEADER_FONT = _font(bold=True, size=11)
REQUIRED_FONT = _font(bold=True, size=11, color=REQUIRED_COLOR)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
MIDDLE = Alignment(vertical="center")


# ---------------------------------------------------------------------------------------------
# public entry point


def create_ledger(path: Path, *, today: date, examples: bool = True) -> None:
    """Create a new ledger workbook at `path`; never overwrites an existing file.

    Raises LedgerError (Chinese message) when the suffix is not .xlsx, the file already exists,
    or the file cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise P.INIT_NOT_XLSX.error(name=path.name)
    if path.exists():
        raise P.INIT_EXISTS.error(path=path, more="，或先将原文件移走")

    data = _serialize(build_ledger(today=today, examples=examples))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # "x" = exclusive create: if someone created the file meanwhile, we still never overwrite it.
        with open(path, "xb") as fh:
            try:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            except BaseException:
                fh.close()
                path.unlink(missing_ok=True)
                raise
    except FileExistsError:
        raise P.INIT_EXISTS.error(path=path, more="") from None
    except OSError as exc:
        raise P.INIT_CANNOT_CREATE.error(path=path, reason=exc.strerror or exc) from exc


def created_text(path: Path, *, examples: bool) -> str:
    """What `ledger init` tells the clerk."""
    lines = [f"已新建督办台账“{Path(os.path.abspath(path))}”。"]
    if examples:
        lines.append("“督办台账”表中灰色的 6 行是示例（任务编号以“示例”开头），运行时不计入、不发督办单；"
                     "登记正式任务后请整行删除。“单位名录”中的单位也是示例，请换成本地单位。"
                     "（下次可用 ledger init 文件名 --empty 新建不带示例的台账。）")
    lines.append("请在“督办台账”表中登记任务，在“单位名录”“参数设置”表中按本单位实际修改，然后运行 ledger run。")
    return "\n".join(lines)


def build_ledger(*, today: date, examples: bool = True) -> Workbook:
    """The new workbook, in memory (used by create_ledger and by tests)."""
    wb = Workbook()
    _set_default_font(wb)
    _build_task_sheet(wb.active, today=today, examples=examples)
    _build_log_sheet(wb.create_sheet(schema.LOG_SHEET))
    _build_unit_sheet(wb.create_sheet(schema.UNIT_SHEET), examples=examples)
    _build_param_sheet(wb.create_sheet(schema.PARAM_SHEET))
    _build_holiday_sheet(wb.create_sheet(schema.HOLIDAY_SHEET))
    wb.active = 0
    return wb


# ---------------------------------------------------------------------------------------------
# helpers


def _serialize(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _set_default_font(wb: Workbook) -> None:
    """Make 宋体 the workbook's default (Normal) font; silently keep openpyxl's on API changes."""
    try:
        from openpyxl.utils.indexed_list import IndexedList

        default = Font(name=FONT_NAME, size=11, family=3, charset=134)
        wb._fonts = IndexedList([default])            # font 0 = the default cell font
        wb._named_styles["Normal"].font = default
    except Exception:  # pragma: no cover - only on an incompatible openpyxl
        pass


def _comment(text: str, *, width: int = 260, height: int = 90) -> Comment:
    c = Comment(text, COMMENT_AUTHOR)
    c.width = width
    c.height = height
    return c


def _style_header_cell(cell, *, required: bool = False) -> None:
    cell.font = REQUIRED_FONT if required else HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGN
    cell.border = BORDER


def _write_header(ws: Worksheet, row: int, headers, widths) -> None:
    for col, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=row, column=col, value=header)
        _style_header_cell(cell)
        ws.column_dimensions[column_letter(col)].width = width
    ws.row_dimensions[row].height = 24


def _list_validation(values, *, prompt: str = "", strict: bool = True) -> DataValidation:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.showErrorMessage = strict
    dv.errorStyle = "stop" if strict else "information"
    dv.errorTitle = "输入有误"
    dv.error = "请从下拉列表中选择：" + "、".join(values)
    if prompt:
        dv.showInputMessage = True
        dv.promptTitle = "填写提示"
        dv.prompt = prompt
    return dv


def _weekday_on_or_before(d: date) -> date:
    """Shift a Saturday/Sunday back to Friday so example dates look like office days."""
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def _task_column(key: str) -> str:
    index = next(i for i, f in enumerate(schema.TASK_FIELDS, start=1) if f.key == key)
    return column_letter(index)


# ---------------------------------------------------------------------------------------------
# 督办台账


def _build_task_sheet(ws: Worksheet, *, today: date, examples: bool) -> None:
    ws.title = schema.TASK_SHEET
    fields = schema.TASK_FIELDS
    last_col = column_letter(len(fields))

    # title banner
    ws.merge_cells(f"A{TITLE_ROW}:{last_col}{TITLE_ROW}")
    title = ws.cell(row=TITLE_ROW, column=1, value=TITLE)
    title.font = _font(bold=True, size=18)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 36

    # header row
    for col, field in enumerate(fields, start=1):
        letter = column_letter(col)
        cell = ws.cell(row=HEADER_ROW, column=col, value=field.header)
        _style_header_cell(cell, required=field.required)
        note = field.note
        if field.required and "必填" not in note:
            note = f"必填。{note}" if note else "必填"
        if note:
            cell.comment = _comment(note)
        dim = ws.column_dimensions[letter]
        dim.width = field.width
        # Column styles: every cell the clerk types later in this column inherits them.
        if field.kind == "date":
            dim.number_format = DATE_FORMAT
            dim.alignment = MIDDLE
        elif field.key in ("content", "progress"):
            dim.alignment = WRAP_TOP
    ws.row_dimensions[HEADER_ROW].height = 30

    first, last = FIRST_DATA_ROW, LAST_FORMATTED_ROW
    grade_col, review_col = _task_column("grade"), _task_column("review")
    dv_grade = _list_validation(schema.GRADES, prompt="急件 / 要件 / 普件；不填则按默认办理时限")
    dv_grade.add(f"{grade_col}{first}:{grade_col}{last}")
    dv_review = _list_validation(schema.REVIEWS, prompt="办结后由督查室审核；不填视为合格")
    dv_review.add(f"{review_col}{first}:{review_col}{last}")
    ws.add_data_validation(dv_grade)
    ws.add_data_validation(dv_review)

    n_rows = 0
    if examples:
        rows = _example_tasks(today)
        for r, values in enumerate(rows, start=FIRST_DATA_ROW):
            for col, field in enumerate(fields, start=1):
                value = values.get(field.key)
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=col, value=value)
                cell.font = _font(size=11, italic=True, color="595959")
                if field.kind == "date":
                    cell.number_format = DATE_FORMAT
                    cell.alignment = MIDDLE
                elif field.key in ("content", "progress"):
                    cell.alignment = WRAP_TOP
                else:
                    cell.alignment = Alignment(vertical="top", wrap_text=field.kind == "units")
            for col in range(1, len(fields) + 1):
                ws.cell(row=r, column=col).fill = EXAMPLE_FILL
        ws.cell(row=FIRST_DATA_ROW, column=1).comment = _comment(EXAMPLE_NOTE)
        n_rows = len(rows)

    ws.freeze_panes = f"B{FIRST_DATA_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{HEADER_ROW + max(n_rows, 1)}"
    # on paper: A4 landscape, all columns on one page width, the header row repeated on every page
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _example_tasks(today: date) -> list[dict[str, object]]:
    """About six plausible tasks around `today`, using units of the example 单位名录; their ids
    (示例-1 …) mark them as examples, which no run issues, logs or counts."""
    t = today
    wd = _weekday_on_or_before
    y = t.year
    # "M月底" next month, kept inside the current year so no next-year calendar is needed yet
    month_after = min(t.month + 1, 12)
    return [
        {
            "id": f"{schema.EXAMPLE_ID_PREFIX}-1", "source": "县长批示", "basis": f"县长批示〔{y}〕1号",
            "content": "冬季道路结冰路段安全隐患排查，落实防滑、警示和除冰措施",
            "lead": "县交通运输局", "assist": "城关镇", "leader": "李副县长", "grade": "急件",
            "assigned": wd(t - timedelta(days=3)),
            "progress": "已排查重点路段12处，正在设置警示标志",
        },
        {
            "id": f"{schema.EXAMPLE_ID_PREFIX}-2", "source": "常务会议", "basis": "县政府常务会议纪要",
            "content": "老旧小区改造项目进度滞后问题整改，倒排工期并书面报告",
            "lead": "县住建局", "assist": "文星街道", "leader": "张副县长",
            "assigned": wd(t - timedelta(days=7)), "limit": "10个工作日",
        },
        {
            "id": f"{schema.EXAMPLE_ID_PREFIX}-3", "source": "政府工作报告", "basis": "《政府工作报告》重点任务",
            "content": "重点项目资金申报和中央预算内投资项目储备",
            "lead": "县发改局、县财政局", "leader": "王副县长",
            "assigned": wd(t - timedelta(days=20)), "limit": f"{month_after}月底",
        },
        {
            "id": f"{schema.EXAMPLE_ID_PREFIX}-4", "source": "群众诉求", "basis": "12345热线工单",
            "content": "文星街道某小区居民反映夜间施工噪音扰民",
            "lead": "文星街道", "assist": "县住建局", "leader": "张副县长",
            "assigned": wd(t - timedelta(days=30)), "limit": wd(t - timedelta(days=16)),
            "done": wd(t - timedelta(days=18)), "review": "合格",
            "progress": "已约谈施工单位，限定夜间施工时段，居民表示满意",
        },
        {
            "id": f"{schema.EXAMPLE_ID_PREFIX}-5", "source": "县委交办", "basis": "县委督查交办单",
            "content": "工业园区标准厂房项目用地报批",
            "lead": "县自然资源局", "assist": "县发展和改革局", "leader": "王副县长",
            "assigned": wd(t - timedelta(days=40)), "limit": wd(t - timedelta(days=10)),
            "ext_to": wd(t + timedelta(days=20)), "ext_by": "常务副县长",
            "ext_applied": wd(t - timedelta(days=13)),
            "progress": "用地报件需报省级审批，已书面申请延期并获批准",
        },
        {
            "id": f"{schema.EXAMPLE_ID_PREFIX}-6", "source": "县长批示", "basis": f"县长批示〔{y}〕2号",
            "content": "中小学校园周边交通安全隐患排查整治",
            "lead": "县教育局", "assist": "县交通运输局", "leader": "刘副县长",
            "assigned": wd(t - timedelta(days=1)),
        },
    ]


# ---------------------------------------------------------------------------------------------
# 督办记录


def _build_log_sheet(ws: Worksheet) -> None:
    headers = [h for h, _ in schema.LOG_HEADERS]
    _write_header(ws, 1, headers, [w for _, w in schema.LOG_HEADERS])
    ws.cell(row=1, column=1).comment = _comment(LOG_NOTE)
    for col, header in enumerate(headers, start=1):
        if header in ("发出日期", "应办结日期"):
            ws.column_dimensions[column_letter(col)].number_format = DATE_FORMAT
    ws.freeze_panes = "A2"


# ---------------------------------------------------------------------------------------------
# 单位名录

EXAMPLE_UNITS: tuple[tuple[str, str, str, str, str], ...] = (
    ("县发展和改革局", "县发改局、发改局", "县直单位", "周建国", "138-0000-0001"),
    ("县财政局", "财政局", "县直单位", "吴立新", "138-0000-0002"),
    ("县住房和城乡建设局", "县住建局、住建局", "县直单位", "郑宏伟", "138-0000-0003"),
    ("县自然资源局", "自然资源局", "县直单位", "王海峰", "138-0000-0004"),
    ("县交通运输局", "县交通局、交通局", "县直单位", "冯志强", "138-0000-0005"),
    ("县教育局", "教育局", "县直单位", "陈晓梅", "138-0000-0006"),
    ("城关镇", "城关镇人民政府", "乡镇", "朱永红", "138-0000-0007"),
    ("文星街道", "文星街道办事处、文星街道办", "街道", "秦思远", "138-0000-0008"),
)


def _build_unit_sheet(ws: Worksheet, *, examples: bool) -> None:
    headers = [names for names, _, _ in schema.UNIT_HEADERS]
    _write_header(ws, 1, headers, [w for _, _, w in schema.UNIT_HEADERS])
    ws.cell(row=1, column=2).comment = _comment("多个别名用顿号、逗号或分号分隔；台账中写别名也能识别")
    ws.cell(row=1, column=4).comment = _comment("蓝色督办短信发送对象")
    ws.column_dimensions["E"].number_format = "@"      # phone numbers stay text
    if examples:
        for r, unit in enumerate(EXAMPLE_UNITS, start=2):
            for c, value in enumerate(unit, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                cell.font = _font(size=11)
                if c == 5:
                    cell.number_format = "@"
    dv = _list_validation(("乡镇", "街道", "县直单位"), strict=False)
    dv.add("C2:C500")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


# ---------------------------------------------------------------------------------------------
# 参数设置


def param_cell_value(value: object) -> object:
    """How a PARAM_DEFAULTS value is written into the 值 column."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value == "":
        return None
    return value


def _build_param_sheet(ws: Worksheet) -> None:
    _write_header(ws, 1, schema.PARAM_HEADERS, (18, 26, 70))
    ws.cell(row=1, column=1).comment = _comment(PARAM_NOTE)
    key_font = _font(bold=True, size=11)
    for r, (key, (default, kind, note)) in enumerate(schema.PARAM_DEFAULTS.items(), start=2):
        k = ws.cell(row=r, column=1, value=key)
        k.font = key_font
        v = ws.cell(row=r, column=2, value=param_cell_value(default))
        v.font = _font(size=11)
        v.alignment = Alignment(horizontal="left")
        if kind in ("text", "pattern", "idpattern"):
            v.number_format = "@"
        n = ws.cell(row=r, column=3, value=note)
        n.font = _font(size=10, color="595959")
        n.alignment = Alignment(wrap_text=True, vertical="top")
        if kind == "bool":
            dv = _list_validation(("是", "否"))
            dv.add(v.coordinate)
            ws.add_data_validation(dv)
        elif kind == "daymode":
            dv = _list_validation(("自然日", "工作日"))
            dv.add(v.coordinate)
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


# ---------------------------------------------------------------------------------------------
# 节假日


def _build_holiday_sheet(ws: Worksheet) -> None:
    _write_header(ws, 1, schema.HOLIDAY_HEADERS, (14, 8, 20, 30))
    ws.cell(row=1, column=1).comment = _comment(HOLIDAY_NOTE, width=300, height=110)
    ws.cell(row=1, column=2).comment = _comment("“休”＝放假；“班”＝调休上班（周末上班）")
    ws.column_dimensions["A"].number_format = DATE_FORMAT
    dv = _list_validation(("休", "班"), prompt="休＝放假；班＝调休上班")
    dv.add(f"B2:B{LAST_FORMATTED_ROW}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
