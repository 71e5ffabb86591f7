"""Weekly summary, 通报 and annual score table as documents (SPEC §4), from editable templates.

    render_weekly(outcome, out_dir)            → 周汇总.docx, 周汇总.html
    render_period(outcome, period, out_dir)    → 通报_2026年第三季度.docx/.html
                                                 (+ 年度考核_2026年.xlsx for a year)

Figures come from `ledger.figures.stats`; this module only words and lays them out. Templates are found
like the 督办单's (`notice_render.template_dir`: --templates DIR, else 参数设置 模板目录, else
built-in; a file missing from the clerk's folder falls back to the built-in one).

通报 numbering (发文字号 from 参数设置 通报字号, 督通〔{年}〕{号}号) keeps no state and never
collides: {年} is the year of the day after the period ends (the year the 通报 is issued), and {号}
is the period's fixed slot — 1–12 for the months, 13–16 for the quarters, 17–18 for the halves, 19
for the year. A December, Q4, H2 or year report is issued in January and numbered in the new year,
where its slot is not otherwise used, so every slot of a 〔年〕 is taken exactly once.

Cell text is data: HTML is autoescaped, xlsx text starting with = + - @ is stored as text.
Outputs are byte-for-byte reproducible from the same workbook and run date.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import problems as P
from ..core.errors import LedgerError
from ..reading.notice_log import format_number, number_key
from .docx_fast import BrokenMarkup, FastDocx, has_column_tags
from .docx_tools import fast_template_class, release, saved_bytes, stable_zip
from .notice_render import is_builtin, jinja_env, template_dir, template_file
from ..core.dates import cn_date
from ..core.schema import Color
from ..core.periods import Period
from ..figures.weekly import weekly_summary

if TYPE_CHECKING:       # the period reports' modules are imported when a period report is made
    from ..figures.stats import AnnualScores, PeriodReport

WEEKLY_DOCX, WEEKLY_HTML = "周汇总.docx", "周汇总.html"
BULLETIN_DOCX, BULLETIN_HTML = "通报.docx", "通报.html"
SLOT_BASE = {"month": 0, "quarter": 12, "half": 16, "year": 18}
TEXT_WIDTH_PT = 156 / 25.4 * 72     # GB/T 9704 text area width
CHART_MAX_H_MM = 200                # the text area is 225 mm high; leave room for the caption
_FORMULA_START = ("=", "+", "-", "@")


# --- words ---------------------------------------------------------------------------------------

def bulletin_number(period: Period, pattern: str) -> str:
    """督通〔2026〕15号 for 2026Q3 (see the module docstring)."""
    issue_year = (period.end + timedelta(days=1)).year
    return format_number(pattern, issue_year, SLOT_BASE[period.kind] + period.slot)


def _n(value: int) -> str:
    return str(value)


def _units(units) -> str:
    return "、".join(units)


def org_mark(org: str) -> tuple[str, int]:
    """发文机关标志: params 发文机关 + 文件, and the largest size (pt, 22…42) that fits one line."""
    text = f"{org}文件"
    return text, max(22, min(42, int(TEXT_WIDTH_PT / max(len(text), 1))))


# --- the 通报 ---------------------------------------------------------------------------------------

def _bulletin_context(report: PeriodReport, params, run_date: date, by_directory: bool) -> dict:
    from .chart import rate_text, text_bars

    t = report.total
    cutoff = cn_date(report.cutoff)
    notices = t.blue + t.yellow + t.red
    overall = (f"本期应办结督办事项{t.due}项，已办结{t.done}项，其中按时办结{t.on_time}项，按时办结率"
               f"{rate_text(t.rate)}；" if t.due else "本期没有应办结的督办事项；")
    overall += f"截至{cutoff}，逾期未办结{t.overdue_open}项。本期新交办督办事项{report.assigned}项。"
    if notices:
        overall += (f"本期共发出督办单{notices}份（蓝色{t.blue}份、黄色{t.yellow}份、红色{t.red}份），"
                    f"各单位合计扣{t.points}分。")
    else:
        overall += "本期未发出督办单。"
    notes = []
    if report.provisional:
        notes.append(f"本期尚未结束，以上为截至{cutoff}的暂计数据，应办结日期在此之后的事项未计入。")
    # rows left out for data errors are the clerk's business, not the public's: `report.excluded`
    # goes to the run summary, not into the bulletin
    rows = [dict(i=_n(i), unit=r.unit, due=_n(r.due), done=_n(r.done), on_time=_n(r.on_time), rate=rate_text(r.rate),
                 overdue_open=_n(r.overdue_open), blue=_n(r.blue), yellow=_n(r.yellow), red=_n(r.red),
                 points=_n(r.points)) for i, r in enumerate(report.rows, start=1)]
    total = dict(i="", unit="合计", due=_n(t.due), done=_n(t.done), on_time=_n(t.on_time),
                 rate=rate_text(t.rate), overdue_open=_n(t.overdue_open), blue=_n(t.blue), yellow=_n(t.yellow),
                 red=_n(t.red), points=_n(t.points))
    pts = "、".join(_n(params.int(f"{c}色扣分")) for c in Color)
    red_tasks = []
    for i, r in enumerate(report.red_tasks, start=1):
        if r.done is not None:
            status = f"逾期{r.overdue_days}天后于{r.done.month}月{r.done.day}日办结" if r.overdue_days else "已办结"
        else:
            status = f"逾期{r.overdue_days}天未办结" if r.overdue_days else "未办结"
        red_tasks.append(dict(i=_n(i), task_id=r.task_id, content=r.content or "（台账中已无此任务）",
                              units=_units(r.units), numbers="、".join(r.numbers), status=status))
    rated = [(r.unit, r.rate) for r in report.rows if r.rate is not None]
    return dict(
        number=bulletin_number(report.period, str(params["通报字号"])), org=str(params["发文机关"]),
        period_label=report.period.label, title_label=report.period.title_label,
        start_cn=cn_date(report.period.start), cutoff_cn=cutoff, date_cn=cn_date(run_date),
        print_date_cn=cn_date(run_date), overall_text=overall, notes=notes, rows=rows, total=total,
        order_text="按单位名录顺序排列" if by_directory else "按按时办结率从高到低排列", table_note=(
            f"应办结指应办结日期在本期内的督办事项；按时办结率＝按时办结÷应办结；逾期未办结为截至{cutoff}已过应办结日期"
            f"仍未办结的事项（含以前各期）；蓝色、黄色、红色为本期收到的督办单份数，每份分别扣{pts}分。多个牵头单位共同"
            f"承办的事项在各单位分别计数、分别扣分，合计栏中事项和督办单只计一次，扣分为各单位扣分之和。"),
        status_head=f"办理情况（截至{report.cutoff.month}月{report.cutoff.day}日）",
        rated=rated, bars=[asdict(b) for b in text_bars(rated)], red_tasks=red_tasks,
        commended="、".join(report.commended), provisional=report.provisional,
        title_mark="（暂计）" if report.provisional else "",
        page_mark=f"暂计（截至{cutoff}，本期尚未结束）" if report.provisional else "",
        annual=_annual_context(report.annual, params) if report.annual else None,
    )


def _annual_context(scores: AnnualScores, params) -> dict:
    criticized = {t.unit: t for t in scores.criticized}
    admonished = {t.unit: t for t in scores.admonished}
    rows = []
    for i, r in enumerate(scores.rows, start=1):
        tenth = "诫勉谈话" if r.unit in admonished else ("通报批评" if r.unit in criticized else "")
        note = "；".join(x for x in (tenth, "加分暂计" if scores.provisional and r.bonus else "") if x)
        rows.append(dict(i=_n(i), unit=r.unit, tasks=_n(r.tasks), blue=_n(r.blue), yellow=_n(r.yellow),
                         red=_n(r.red), deduction=_n(r.deduction), bonus=_n(r.bonus), total=_n(r.total),
                         ratio=f"{r.extra_ratio}%" if r.extra_ratio else "", note=note))
    p = params
    notes = [
        f"说明：交办任务为交办日期在{scores.year}年内的督办事项。每收到一次蓝色、黄色、红色督办单分别扣{p.int('蓝色扣分')}、"
        f"{p.int('黄色扣分')}、{p.int('红色扣分')}分；承办{p.int('加分门槛')}项及以上任务的单位，全年未收到黄色督办单的加"
        f"{p.int('无黄加分')}分，未收到红色督办单的加{p.int('无红加分')}分；承办{p.int('高门槛')}项及以上任务的单位，"
        f"全年未收到黄色督办单的另加{p.int('高门槛无黄加分')}分并增加{p.int('高门槛无黄优岗')}%优岗比例，未收到红色督办单的"
        f"另加{p.int('高门槛无红加分')}分并增加{p.int('高门槛无红优岗')}%优岗比例（三色督办单制度第九条）。",
    ]
    if scores.provisional:
        notes.append(f"{scores.year}年尚未结束，以上为截至{cn_date(scores.as_of)}的暂计得分，加分待年度结束后确定。")
    for label, items, n in (
            ("全县通报批评，并责令单位主要负责人向县政府作出书面检讨", scores.criticized, "通报批评红单数"),
            ("由县政府主要领导对单位主要负责人进行诫勉谈话", scores.admonished, "诫勉谈话红单数")):
        listed = "；".join(f"{t.unit}（{t.reason}）" for t in items) or "无"
        notes.append(f"年度内累计{p.int(n)}次或同一督办事项{p.int(n)}次收到红色督办单，{label}（第十条）：{listed}。")
    return dict(title=f"{scores.year}年度督查督办考核得分表{'（暂计）' if scores.provisional else ''}",
                rows=rows, notes=notes, provisional=scores.provisional)


def _score_xlsx(scores: AnnualScores, context: dict, org: str, stamp: datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "年度考核"
    headers = (("序号", 6), ("单位", 24), ("交办任务数", 10), ("蓝色督办单", 10), ("黄色督办单", 10),
               ("红色督办单", 10), ("扣分", 8), ("无黄加分", 9), ("无红加分", 9), ("高门槛无黄加分", 13),
               ("高门槛无红加分", 13), ("加分合计", 9), ("得分", 8), ("增加优岗比例(%)", 14), ("备注", 18))
    for col, (text, width) in enumerate(headers, start=1):
        cell = ws.cell(1, col, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F4")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    for i, (r, shown) in enumerate(zip(scores.rows, context["rows"]), start=2):
        values = (i - 1, r.unit, r.tasks, r.blue, r.yellow, r.red, r.deduction, r.bonus_no_yellow, r.bonus_no_red,
                  r.bonus_high_no_yellow, r.bonus_high_no_red, r.bonus, r.total, r.extra_ratio, shown["note"])
        for col, value in enumerate(values, start=1):
            _put_cell(ws, i, col, value)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:O{len(scores.rows) + 1}"
    notes = wb.create_sheet("说明")
    notes.column_dimensions["A"].width = 120
    for i, line in enumerate([context["title"], *context["notes"]], start=1):
        _put_cell(notes, i, 1, line)
        notes.cell(i, 1).alignment = Alignment(wrap_text=True, vertical="top")
    if scores.provisional:      # the year is not over: said on every sheet's tab and printed page
        mark = f"暂计（截至{cn_date(scores.as_of)}）"
        ws.title, notes.title = "年度考核（暂计）", "说明（暂计）"
        for sheet in (ws, notes):
            sheet.oddHeader.center.text = f"{context['title']}  {mark}"
    wb.properties.creator = org
    wb.properties.title = context["title"]
    buffer = BytesIO()
    wb.save(buffer)
    return stable_zip(buffer.getvalue(), stamp)


def _put_cell(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row, col)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"        # text, never a live formula (SPEC §5)
        cell.quotePrefix = True


# --- the weekly summary ----------------------------------------------------------------------------

def _weekly_context(outcome) -> dict:
    s = weekly_summary(outcome)
    t = s.total
    week = s.period
    span = f"{week.start.month}月{week.start.day}日至{week.end.month}月{week.end.day}日"
    overall = (f"本周（{span}）新交办督办事项{t.new}项；"
               f"办结{t.on_time + t.late}项，其中按时办结{t.on_time}项、逾期办结{t.late}项；7日内到期{t.due_soon}项；"
               f"逾期未办结{t.overdue}项（未督办{t.overdue_none}项、蓝色{t.overdue_blue}项、黄色{t.overdue_yellow}项、"
               f"红色{t.overdue_red}项）。")
    issued = len(s.issued)
    overall += (f"本次发出督办单{issued}份（蓝色{t.issued_blue}份、黄色{t.issued_yellow}份、红色{t.issued_red}份）。"
                if issued else "本次未发出督办单。")
    if s.ongoing:
        overall += f"另有持续推进事项{s.ongoing}项（长期任务和定期报送，不发督办单），其中7日内应报送{len(s.duties)}项。"
    notes = [f"另有{len(s.excluded)}项任务因台账数据有误未计入（{'、'.join(s.excluded)}），请按运行摘要更正。"] \
        if s.excluded else []
    if s.unit_total != s.total:
        notes.append(f"注：{s.multi_unit}项任务由两个及以上单位牵头，在“各单位情况”表中每个牵头单位各计一次，"
                     f"表中合计为各单位之和；上文按任务计，每项任务只计一次。")

    def row(r) -> dict:
        return dict(asdict(r), overdue=r.overdue)

    contents = {e.task.id: e.task.content for e in outcome.evaluations}
    states = {e.task.id: e.state for e in outcome.evaluations}
    return dict(
        period_label=week.label, date_cn=cn_date(outcome.run_date), office=str(outcome.loaded.params["督查机构"]),
        overall_text=overall, notes=notes, rows=[row(r) for r in s.rows], total=row(s.unit_total),
        due_soon=[dict(i=i, task_id=x.task_id, content=x.content, units=_units(x.units), due=x.due.isoformat(),
                       state=states.get(x.task_id, "")) for i, x in enumerate(s.due_soon, start=1)]
        + [dict(i=i, task_id=x.task_id, content=x.content, units=_units(x.units), due=x.due.isoformat(),
                state="定期报送") for i, x in enumerate(s.duties, start=len(s.due_soon) + 1)],
        overdue=[dict(i=i, task_id=x.task_id, content=x.content, units=_units(x.units), due=x.due.isoformat(),
                      days=x.days, level=Color(x.level).cn if x.level else "未督办") for i, x in enumerate(s.overdue, start=1)],
        issued=[dict(i=i, number=n.number, color=Color(n.color).cn, color_code=n.color, task_id=n.task_id,
                     content=contents.get(n.task_id, ""), units=_units(n.units))
                for i, n in enumerate(sorted(s.issued, key=lambda n: (-Color(n.color).rank, number_key(n.number))),
                                      start=1)],
    )


# --- rendering -----------------------------------------------------------------------------------

def _template_error(name: str, exc: Exception) -> LedgerError:
    from jinja2 import TemplateSyntaxError, UndefinedError

    if isinstance(exc, UndefinedError):
        return P.TEMPLATE_UNDEFINED.error(name=name, reason=exc.message)
    if isinstance(exc, TemplateSyntaxError):
        return P.TEMPLATE_SYNTAX.error(name=name, line=exc.lineno, reason=exc.message)
    if isinstance(exc, BrokenMarkup):
        return P.TEMPLATE_BROKEN_OUTPUT.error(name=name, reason=exc)
    return P.TEMPLATE_UNUSABLE.error(name=name, reason=exc)


def _chart_image(tpl, png: bytes, InlineImage, Mm):
    """The chart 150 mm wide, or less when that would make it taller than CHART_MAX_H_MM (many units)."""
    import struct

    width, height = struct.unpack(">II", png[16:24])        # the PNG IHDR chunk
    if 150 * height / width > CHART_MAX_H_MM:
        return InlineImage(tpl, BytesIO(png), height=Mm(CHART_MAX_H_MM))
    return InlineImage(tpl, BytesIO(png), width=Mm(150))


def _render_docx(template, context: dict, stamp: datetime, title: str, chart: bytes | None = None) -> bytes:
    from docxtpl import InlineImage
    from docx.shared import Mm

    try:
        data = template.read_bytes()
        # text-level rendering unless the context needs docxtpl's document object (chart, RichText)
        fast = None if chart or "org" in context else FastDocx.open(data, validate=not is_builtin(template))
        if fast is not None:
            return fast.render(dict(context, chart=None), jinja_env(strict=True), stamp, title)
        tpl = fast_template_class()(BytesIO(data))
        with zipfile.ZipFile(BytesIO(data)) as zf:
            tpl.dynamic_columns = has_column_tags(zf.read("word/document.xml"))
        context = dict(context)
        if "org" in context:
            from docxtpl import RichText

            text, size = org_mark(context["org"])
            context["org_mark"] = RichText(text, size=size * 2)   # half-points
        context["chart"] = _chart_image(tpl, chart, InlineImage, Mm) if chart else None
        tpl.render(context, jinja_env=jinja_env(strict=True), autoescape=True)
    except Exception as exc:  # a clerk-edited template: every failure becomes a plain message
        raise _template_error(template.name, exc) from exc
    data = saved_bytes(tpl, stamp, title)
    del tpl
    release()
    return stable_zip(data, stamp)


def _render_html(template, context: dict, chart: bytes | None = None) -> bytes:
    import base64

    context = dict(context, chart=base64.b64encode(chart).decode("ascii") if chart else None)
    if "org" in context:
        context["org_mark"], context["org_mark_pt"] = org_mark(context["org"])
    try:
        env = jinja_env(strict=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        text = env.from_string(template.read_text(encoding="utf-8"))
        return text.render(context).encode("utf-8")
    except Exception as exc:
        raise _template_error(template.name, exc) from exc


def _write_all(outputs: list[tuple[Path, bytes]]) -> list[Path]:
    """Everything is rendered before the first file is replaced: a failure leaves no half set."""
    for path, data in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
    return [path for path, _ in outputs]


def _folder(outcome, templates):
    loaded = outcome.loaded
    return template_dir(loaded.params, templates, loaded.book.path.parent if loaded.book.path else None)


def render_weekly(outcome, out_dir: Path, templates=None) -> list[Path]:
    """周汇总.docx and 周汇总.html for the 7 days ending at the run date (SPEC §4.1)."""
    folder = _folder(outcome, templates)
    context = _weekly_context(outcome)
    stamp = datetime.combine(outcome.run_date, time(9, 0))
    title = f"督查督办事项周汇总（{context['period_label']}）"
    return _write_all([
        (out_dir / WEEKLY_DOCX, _render_docx(template_file(folder, WEEKLY_DOCX), context, stamp, title)),
        (out_dir / WEEKLY_HTML, _render_html(template_file(folder, WEEKLY_HTML), context)),
    ])


def render_period(outcome, period: Period, out_dir: Path, templates=None) -> list[Path]:
    """通报_<期间>.docx/.html (SPEC §4.2); for a year also 年度考核_<年>.xlsx and the score table as
    the 通报's 附件 (SPEC §4.3)."""
    from ..figures.stats import period_report
    from .chart import rate_chart_png

    params = outcome.loaded.params
    folder = _folder(outcome, templates)
    report = period_report(outcome, period)
    context = _bulletin_context(report, params, outcome.run_date, outcome.loaded.units is not None)
    chart = rate_chart_png(context["rated"])
    stamp = datetime.combine(outcome.run_date, time(9, 0))
    title = f"关于{period.title_label}县政府督查督办事项落实情况的通报"
    name = f"通报_{period.label}"
    outputs = [(out_dir / f"{name}.docx", _render_docx(template_file(folder, BULLETIN_DOCX), context, stamp, title, chart)),
               (out_dir / f"{name}.html", _render_html(template_file(folder, BULLETIN_HTML), context, chart))]
    if report.annual is not None:
        outputs.append((out_dir / f"年度考核_{period.label}.xlsx",
                        _score_xlsx(report.annual, context["annual"], context["org"], stamp)))
    return _write_all(outputs)


__all__ = ["render_weekly", "render_period", "bulletin_number", "org_mark"]
