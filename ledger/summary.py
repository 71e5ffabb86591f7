"""The plain-Chinese account of a run that the clerk reads (console and 运行摘要.txt)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .core.dates import normalize_text
from .core.calendar import PROVISIONAL_HINT, provisional_text
from .core.errors import LedgerError, Problem, column_letter
from .core.schema import ID_HEADER, STATUS_NAMES, TASK_FIELDS, UNUSED_HEADERS, Color, State
from .reading.notice_log import Notice
from .pipeline import Outcome

MAX_LISTED = 60
WEEKDAYS = "一二三四五六日"


def _problem_lines(problems: list[Problem], title: str) -> list[str]:
    if not problems:
        return []
    lines = [title]
    lines += [f"  {p.text()}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  ……另有 {len(problems) - MAX_LISTED} 处，请运行 ledger check 查看全部")
    return lines


@dataclass(frozen=True)
class Summary:
    """A run's account in parts, so the console can draw the figures as tables (`ledger.console`)
    while 运行摘要.txt and pipes get the same content as plain lines (`text`)."""

    head: tuple[str, ...]
    states: dict[str, int]
    issued_title: str               # 本次发出督办单 13 份：… / 本次发出督办单：无
    notices: tuple[Notice, ...]     # 红, 黄, 蓝, each in number order
    body: tuple[str, ...]           # settings problems, data errors, warnings
    tail: tuple[str, ...]           # what was written where

    def text(self) -> str:
        lines = list(self.head)
        if self.states:
            lines.append("状态：" + "，".join(f"{k} {v} 项" for k, v in self.states.items()))
        lines.append(self.issued_title)
        lines += [f"  {n.number}  任务{n.task_id}  {'、'.join(n.units)}  {late_text(n)}" for n in self.notices]
        return "\n".join([*lines, *self.body, *self.tail])


def late_text(n: Notice) -> str:
    return f"逾期 {n.overdue_days} 天" if n.overdue_days else "今日到期"


def summarize(outcome: Outcome, mode: str, backup: Path | None = None, out_dir: Path | None = None,
              config: LedgerError | None = None, files: list[Path] | None = None) -> Summary:
    T = outcome.run_date
    title = {"run": "每周运行", "dry-run": "试运行（不写入）", "check": "检查"}[mode]
    name = outcome.loaded.book.path.name
    head = (f"督办台账 {title}：{T.isoformat()}（星期{WEEKDAYS[T.weekday()]}）",
            f"台账：{name}，共 {len(outcome.evaluations)} 项任务")
    # A run reports its batch: a rerun of the same date (or one finishing an interrupted run) lists
    # the notices of that date as the documents do, saying how many were new this time.
    listed = outcome.batch_notices if mode == "run" else outcome.new_notices
    counts = Counter(n.color for n in listed)
    order = {n.number: i for i, n in enumerate(listed)}  # issue order = number order
    notices = tuple(sorted(listed, key=lambda n: (-Color(n.color).rank, order[n.number])))
    by_color = "，".join(f"{c.cn} {counts[c]} 份" for c in Color if counts[c])
    fresh = len(outcome.new_notices)
    if not listed:
        issued_title = f"{'本次发出' if mode == 'run' else '本次应发'}督办单：无"
    elif mode != "run" or fresh == len(listed):
        issued_title = f"{'本次发出' if mode == 'run' else '本次应发'}督办单 {len(listed)} 份：{by_color}"
    else:
        issued_title = (f"{T.isoformat()} 已发出督办单 {len(listed)} 份：{by_color}（本次新发 {fresh} 份；"
                        f"其余为同一日期此前运行所发，未重复发出）")
    if mode == "check":
        head += tuple(understood_lines(outcome))
    lines: list[str] = [f"未作为任务表：“{name}”（表头缺少{'、'.join(missing)}）"
                        for name, missing in outcome.loaded.tasks.incomplete]
    new_ids = sum(len(ts.new_ids) for ts in outcome.loaded.tasks.sheets)
    if new_ids:
        lines.append(f"{'已' if mode == 'run' else '将'}填写任务编号 {new_ids} 个（以后不再改变）")
    unverified = [e.task for e in outcome.evaluations if e.state == State.UNVERIFIED_DONE]
    if unverified:
        lines.append(f"待核实办结（进展写明已完成、办结日期为空，未发督办单）{len(unverified)} 项：")
        lines += [f"  {t.sheet}!第{t.row}行 {t.id}：{t.progress}" for t in unverified[:MAX_LISTED]]
    if outcome.passed_over:
        shown = "、".join(outcome.passed_over[:6]) + ("等" if len(outcome.passed_over) > 6 else "")
        lines.append(f"已经发出但督办记录中没有的编号（台账从备份恢复过，或督办记录被删减）：{shown}"
                     f"共 {len(outcome.passed_over)} 个，本次不再使用，新督办单编号接在其后。")
    examples = outcome.loaded.example_rows
    if examples:
        by_sheet: dict[str, list[int]] = {}
        for s, r in examples:
            by_sheet.setdefault(s, []).append(r)
        rows = "；".join(f"{s}!第{'、'.join(map(str, rs[:10]))}{'……' if len(rs) > 10 else ''}行"
                        for s, rs in by_sheet.items())
        lines.append(f"示例行 {len(examples)} 行（{rows}，任务编号以“示例”开头）未计入、未发督办单："
                     f"登记正式任务后请删除这些行。")
    if config is not None:
        lines.append(config.message + "：")
        lines += [f"  {p.text()}" for p in config.problems]
    errors = [p for e in outcome.evaluations for p in e.problems if p.is_error]
    estimated = {provisional_text(y) for y in outcome.provisional_years}
    warnings = [p for e in outcome.evaluations for p in e.problems if not p.is_error and p.message not in estimated]
    rows = len(outcome.error_rows)
    rest = "其余各行已正常处理" if mode == "run" else "其余各行可以正常处理"
    lines += _problem_lines(errors, f"需要更正的数据（{rows} 行，{len(errors)} 处；这些行未发督办单，{rest}）：")
    lines += provisional_lines(outcome)
    lines += _problem_lines(warnings, f"请留意（{len(warnings)} 处）：")
    from .writeback import renamed_columns      # said once: on the run that creates such a column

    lines += [f"  {s}。" for s in renamed_columns(outcome)]
    lines += _feedback_lines(outcome)
    tail: list[str] = []
    if mode == "run":
        tail.append(f"已写回台账“{name}”（运行前的备份：{backup}）")
        if out_dir is not None:
            tail.append(f"输出文件夹：{out_dir}")
            tail += [f"  {f.name}" for f in files or []]
    elif mode == "dry-run":
        tail.append("试运行：台账未修改，未占用督办单编号。")
    else:
        tail.append("检查完毕：未写入任何内容。")
    return Summary(head, outcome.state_counts(), issued_title, notices, tuple(lines), tuple(tail))


def row_attention(outcome: Outcome) -> tuple[list[str], list[Problem]]:
    """For `--quiet`: the provisional years said once, and every other row problem."""
    estimated = {provisional_text(y) for y in outcome.provisional_years}
    rows = [p for e in outcome.evaluations for p in e.problems if p.message not in estimated]
    return provisional_lines(outcome)[:1], rows


def provisional_lines(outcome: Outcome) -> list[str]:
    """The provisional years, named once, and the notices an official schedule showed were early."""
    lines: list[str] = []
    years = outcome.provisional_years
    if years:
        rows = sum(1 for e in outcome.evaluations
                   if any(p.message in {provisional_text(y) for y in years} for p in e.problems))
        named = "、".join(f"{y}年" for y in years)
        lines.append(f"{named}放假安排尚未公布：{rows} 项任务的应办结日期、剩余工作日或督办日期按法定假日推算"
                     f"（不含调休），这些行的程序提示已注明。{PROVISIONAL_HINT}。")
    if outcome.moved:
        lines.append(f"放假安排公布后应办结日期改变、发出时尚不应发的督办单（{len(outcome.moved)} 份，督办记录保留不改）：")
        lines += [f"  {n.number}  任务{n.task_id}  {n.issued.isoformat()}发出  应办结日期 {n.deadline} → {D.isoformat()}"
                  for n, D in outcome.moved]
    return lines


_STATUS = {normalize_text(h) for h in STATUS_NAMES}
_UNUSED = {normalize_text(h) for h in UNUSED_HEADERS}
_FIELD_HEADERS = {f.key: f.header for f in TASK_FIELDS}


def understood(outcome: Outcome) -> list[dict]:
    """What the reading made of each task sheet (SPEC §2.1): header row, each column's meaning,
    the columns the tool will add, the section headings and the number of task rows."""
    sheets = []
    for ts in outcome.loaded.tasks.sheets:
        keys = {c: k for k, c in ts.header.columns.items()}
        columns = []
        for c, text in ts.header.texts.items():
            norm = normalize_text(text)
            meaning = (_FIELD_HEADERS[keys[c]] if c in keys else "状态列（本工具写入）" if norm in _STATUS
                       else "不使用" if norm in _UNUSED else "保留不动")
            columns.append({"column": column_letter(c), "header": text, "meaning": meaning})
        adds = ([] if "id" in ts.header.columns else [ID_HEADER]) + \
            [h for h in STATUS_NAMES if h not in ts.status_columns]
        sheets.append({"sheet": ts.name, "header_row": ts.header.row, "columns": columns, "adds": adds,
                       "sections": [{"row": r, "text": t} for r, t in ts.sections],
                       "tasks": len(ts.tasks), "new_ids": len(ts.new_ids)})
    return sheets


def understood_lines(outcome: Outcome) -> list[str]:
    lines = []
    for sh in understood(outcome):
        lines.append(f"任务工作表“{sh['sheet']}”：表头在第{sh['header_row']}行，任务 {sh['tasks']} 项，"
                     f"分类标题 {len(sh['sections'])} 个")
        lines += [f"  {c['column']}列 {c['header']} → {c['meaning']}" for c in sh["columns"]]
        if sh["adds"]:
            lines.append("  将在右侧添加：" + "、".join(sh["adds"]))
        if sh["sections"]:
            lines.append("  分类标题：" + "；".join(f"第{x['row']}行“{x['text']}”" for x in sh["sections"]))
    return lines


def _feedback_lines(outcome: Outcome) -> list[str]:
    """Forms collected since the previous run, extension requests awaiting approval (SPEC §5)."""
    from .feedback.status import feedback_lines
    from .outputs import previous_run_date

    return feedback_lines(outcome, previous_run_date(outcome))


def fatal_text(exc: LedgerError) -> str:
    lines = [f"未能运行：{exc.message}"]
    lines += [f"  {p.text()}" for p in exc.problems[:MAX_LISTED]]
    if len(exc.problems) > MAX_LISTED:
        lines.append(f"  ……另有 {len(exc.problems) - MAX_LISTED} 处")
    return "\n".join(lines)


def report_json(report) -> dict:
    """The run as data for scripts (`ledger run --json`): stable keys, ISO dates, Chinese values."""
    outcome = report.outcome
    problems = [] if report.error is None else list(report.error.problems)
    data: dict = {
        "exit_code": report.exit_code,
        "written": report.written,
        "message": report.error.message if report.error else "",
        "code": report.error.code if report.error else None,
        "error": _problem_json(report.error.problem) if report.error else None,
        "problems": [_problem_json(p) for p in problems],
        "out_dir": str(report.out_dir) if report.out_dir else None,
        "backup": str(report.backup) if report.backup else None,
    }
    if outcome is not None:
        data.update({
            "run_date": outcome.run_date.isoformat(),
            "workbook": str(outcome.loaded.book.path),
            "tasks": len(outcome.evaluations),
            "sheets": understood(outcome),
            "incomplete_sheets": [{"sheet": n, "missing": list(m)} for n, m in outcome.loaded.tasks.incomplete],
            "states": outcome.state_counts(),
            "issued": [_notice_json(n) for n in outcome.new_notices],
            # a rerun of the same date issues nothing new: the day's notices are still these
            "notices_of_the_day": [_notice_json(n) for n in outcome.batch_notices],
            "provisional_years": list(outcome.provisional_years),
            "moved_notices": [{"number": n.number, "task_id": n.task_id, "deadline_then": n.deadline.isoformat()
                               if n.deadline else None, "deadline_now": D.isoformat()} for n, D in outcome.moved],
        })
        data["problems"] += [_problem_json(p) for e in outcome.evaluations for p in e.problems]
        from .feedback.status import feedback_json
        from .outputs import previous_run_date

        data["feedback"] = feedback_json(outcome, previous_run_date(outcome))
    return data


def _notice_json(n) -> dict:
    return {"number": n.number, "task_id": n.task_id, "color": n.color, "units": list(n.units),
            "deadline": n.deadline.isoformat() if n.deadline else None, "overdue_days": n.overdue_days}


def _problem_json(p: Problem) -> dict:
    return {"code": p.code, "sheet": p.location.sheet or None, "row": p.location.row, "column": p.location.column,
            "severity": p.severity.value, "message": p.message, "hint": p.hint, "text": p.text()}
