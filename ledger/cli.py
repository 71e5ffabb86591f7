"""The `ledger` command: a thin shell over the library (SPEC §1).

    ledger init 台账.xlsx                      create a new, ready-to-use ledger
    ledger run 台账.xlsx [--date D] [--out DIR] [--dry-run]   the weekly batch
    ledger check 台账.xlsx [--date D]          validation only, nothing written
    ledger reprint 台账.xlsx 黄督〔2026〕7号     re-render a notice already in the log
    ledger restore 台账.xlsx [--pick N]        list backups / put one back
    ledger report 台账.xlsx --period 2026Q3    通报 for a month / quarter / half / year
    ledger shortcut 台账.xlsx [--out DIR]      desktop launcher for the weekly run
    ledger holidays 台账.xlsx [--import 通知.txt]  calendar sources per year / import a new schedule
    ledger forms 台账.xlsx [--date D] [--out DIR]            反馈表 for the units with open tasks
    ledger collect 台账.xlsx 文件或文件夹… [--apply]           returned 反馈表 into the ledger

Each command is a handler of a few lines over a library call, registered in `COMMANDS`; `main`
keeps what they share: tolerant output streams, parsing, today's date (the library never reads the
clock), LedgerError → its Chinese message (exit 2), Ctrl+C, a crash report for bugs (exit 3),
showing the report (`--json`, `--quiet`, tables on a console) and `--open`. Heavy libraries are
imported inside the handlers so `ledger --help` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cli_parser import ChineseArgumentParser
from .core.errors import LedgerError


OUT_HELP = "输出文件夹（默认为参数“输出目录”，未设置时为台账旁的“督办输出”文件夹）"


def _date(text: str) -> date:
    from .core.dates import BadValue, parse_date

    try:
        return parse_date(text)
    except BadValue as exc:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，请写成 2026-11-23 的形式") from exc


CRASH_DUMP = "ledger-错误详情.txt"


def _crash_dump_dir(args: argparse.Namespace, today: date) -> Path:
    """Where the clerk looks: the run's output folder when it exists (beside 运行摘要.txt), else the
    workbook's folder, else the current one. Never a guess that could fail in turn."""
    workbook = getattr(args, "workbook", None)
    candidates = []
    if isinstance(workbook, Path):
        try:
            from .outputs import default_root

            root = getattr(args, "out", None) or default_root(workbook)
            candidates.append(Path(root) / (getattr(args, "date", None) or today).isoformat())
        except Exception:       # noqa: BLE001 — finding a folder for the report must not fail
            pass
        candidates.append(workbook.parent)
    candidates.append(Path.cwd())
    return next((c for c in candidates if c.is_dir()), Path.cwd())


def build_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(prog="ledger", description="督办台账：读取台账、计算应办结日期、三色督办、回写状态。")
    sub = p.add_subparsers(dest="command", metavar="命令")
    sub.required = True

    init = sub.add_parser("init", help="新建一个可直接使用的督办台账", description="新建督办台账（不会覆盖已有文件）。")
    init.add_argument("workbook", type=Path, help="新台账的文件名，如 台账.xlsx")
    init.add_argument("--empty", action="store_true", help="不添加示例任务和示例单位（只有表头和参数）")

    run = sub.add_parser("run", help="每周运行：计算状态、发出督办单、回写台账",
                         description="每周运行：计算应办结日期和状态，按蓝黄红规则发出督办单，回写台账状态列。")
    run.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    run.add_argument("--date", type=_date, default=None, help="运行日期（默认今天），如 2026-11-23")
    run.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    run.add_argument("--dry-run", action="store_true", help="试运行：只显示结果，不修改台账、不占用编号")
    run.add_argument("--templates", type=Path, default=None, help="自定义模板文件夹（默认见参数“模板目录”，再默认内置模板）")
    run.add_argument("--open", action="store_true", help="运行结束后打开本次的输出文件夹")
    _output_options(run)

    rp = sub.add_parser("reprint", help="补打督办记录中已有的督办单", description="按督办单编号（或任务编号，取其最近一份）重新生成督办单。")
    rp.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    rp.add_argument("number", help="督办单编号，如 黄督〔2026〕7号；或任务编号")
    rp.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    rp.add_argument("--templates", type=Path, default=None, help="自定义模板文件夹")

    rp2 = sub.add_parser("report", help="生成月度、季度、半年或年度通报（年度另附考核表）",
                         description="按台账和督办记录生成一个期间的通报；年度期间另生成年度考核表。")
    rp2.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    rp2.add_argument("--period", required=True, help="期间：2026-11（月）、2026Q3（季度）、2026H1（半年）、2026（年度）")
    rp2.add_argument("--date", type=_date, default=None, help="成文日期（默认今天）")
    rp2.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    rp2.add_argument("--templates", type=Path, default=None, help="自定义模板文件夹")

    rs = sub.add_parser("restore", help="列出台账的备份，或用其中一份恢复台账",
                        description="不加 --pick 时列出备份；加 --pick 序号 时用该备份恢复台账（恢复前先备份当前文件）。")
    rs.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    rs.add_argument("--pick", type=int, default=None, help="要恢复的备份序号（1 = 最新）")

    check = sub.add_parser("check", help="只检查数据，列出全部问题，不写入任何内容",
                           description="检查台账数据，一次列出全部问题；不写入任何内容。")
    check.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    check.add_argument("--date", type=_date, default=None, help="按哪一天检查（默认今天）")
    _output_options(check)

    sc = sub.add_parser("shortcut", help="在桌面创建每周运行的快捷方式（双击即可运行）",
                        description="在桌面创建快捷方式：双击即按当天日期运行本台账的每周督办，显示运行摘要并打开输出文件夹。")
    sc.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    sc.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    sc.add_argument("--desktop", type=Path, default=None, help="快捷方式放在哪个文件夹（默认自动查找桌面）")
    _holidays_parser(sub)
    _feedback_commands(sub)
    for name, handler in COMMANDS.items():
        sub.choices[name].set_defaults(handler=handler)
    return p


def _holidays_parser(sub) -> None:
    hd = sub.add_parser("holidays", help="查看各年工作日历的来源，或导入国务院办公厅放假安排通知",
                        description="不加 --import 时列出各年放假安排的来源（内置文号 / 节假日表 / 按法定假日推算）；"
                                    "加 --import 时读取通知全文（.txt、.html，或“-”从标准输入读入），核对后写入“节假日”表。")
    hd.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    hd.add_argument("--import", dest="notices", action="append", default=None, metavar="通知",
                    help="通知全文文件；调整、延长假期的通知可再加一个 --import（放在原通知之后）")


def _feedback_commands(sub) -> None:
    """`forms` and `collect`: the units' feedback (SPEC §5)."""
    fm = sub.add_parser("forms", help="为有未办结任务的牵头单位各生成一份反馈表",
                        description="为每个有未办结任务的牵头单位生成一份反馈表（.xlsx），发给单位填写进展、办结日期和延期申请。")
    fm.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    fm.add_argument("--date", type=_date, default=None, help="表日期（默认今天），如 2026-11-23")
    fm.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    co = sub.add_parser("collect", help="收回反馈表：显示（加 --apply 写入）各单位反馈的进展、办结日期和延期申请",
                        description="读取收回的反馈表（文件名不限，可给文件夹），列出将对台账做的更改；加 --apply 写入台账并记入“反馈记录”。")
    co.add_argument("workbook", type=Path, help="督办台账 .xlsx 文件")
    co.add_argument("returns", type=Path, nargs="+", help="收回的反馈表文件，或存放它们的文件夹")
    co.add_argument("--apply", action="store_true", help="写入台账（写入前自动备份）；不加时只预览")
    co.add_argument("--date", type=_date, default=None, help="收集日期（默认今天），用于判断办结日期是否晚于今天")
    sub.choices["run"].add_argument("--forms", action="store_true",
                                    help="同时为有未办结任务的牵头单位生成反馈表（在输出文件夹的“反馈表”中）")


def _output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quiet", action="store_true", help="只显示需要处理的问题，不显示进度和摘要")
    group.add_argument("--json", action="store_true", help="以 JSON 输出结果（供其他程序调用）")


# --- the commands: each a few lines over a library call; LedgerError is turned into text in main ---

@dataclass(frozen=True)
class Printed:
    """The result of a command that has one text to show (init, shortcut, holidays, restore)."""

    text: str
    exit_code: int = 0
    summary: None = None
    written: bool = False
    out_dir: Path | None = None


def _init(args: argparse.Namespace, today: date) -> Printed:
    from .init_workbook import create_ledger, created_text

    create_ledger(args.workbook, today=today, examples=not args.empty)
    return Printed(created_text(args.workbook, examples=not args.empty))


def _shortcut(args: argparse.Namespace, today: date) -> Printed:
    from .shortcut import create_shortcut, usage_text
    from .workbook_io import locate_workbook

    args.workbook = locate_workbook(args.workbook)      # found: a crash report goes beside it
    written = create_shortcut(args.workbook, desktop=args.desktop, out_dir=args.out)
    return Printed(usage_text(written, args.workbook, args.out))


def _check(args: argparse.Namespace, today: date):
    from .batch import check_workbook

    with _progress(args):
        return check_workbook(args.workbook, args.date or today)


def _run(args: argparse.Namespace, today: date):
    from .batch import run_weekly

    with _progress(args):
        return run_weekly(args.workbook, args.date or today, args.out, args.dry_run, args.templates, forms=args.forms)


def _report(args: argparse.Namespace, today: date):
    from .batch import report_period

    with _progress(args):
        return report_period(args.workbook, args.period, args.out, args.date or today, args.templates)


def _reprint(args: argparse.Namespace, today: date):
    from .batch import reprint

    return reprint(args.workbook, args.number, args.out, args.templates, today=today)


def _restore(args: argparse.Namespace, today: date) -> Printed:
    from .restore import list_backups, listing_text, locate, restore, restored_text

    args.workbook = locate(args.workbook)
    if args.pick is None:
        return Printed(listing_text(args.workbook, list_backups(args.workbook)))
    return Printed(restored_text(args.workbook, *restore(args.workbook, args.pick)))


def _holidays(args: argparse.Namespace, today: date) -> Printed:
    from .holiday_import import import_notice, list_sources, notice_text, read_notice_file, report_text

    if not args.notices:
        return Printed(list_sources(args.workbook, today))
    texts = [notice_text(sys.stdin.buffer.read(), "-") if name == "-" else read_notice_file(Path(name))
             for name in args.notices]
    return Printed(report_text(args.workbook, import_notice(args.workbook, texts, today)))


def _forms(args: argparse.Namespace, today: date):
    from .feedback.commands import make_forms

    return make_forms(args.workbook, args.date or today, args.out)


def _collect(args: argparse.Namespace, today: date):
    from .feedback.commands import collect

    return collect(args.workbook, args.returns, args.date or today, args.apply)


COMMANDS = {"init": _init, "shortcut": _shortcut, "check": _check, "run": _run, "report": _report,
            "reprint": _reprint, "restore": _restore, "holidays": _holidays, "forms": _forms, "collect": _collect}
"""Subcommand → handler(args, today): returns a report (exit_code, text, …) for `main` to show."""


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # a GBK console must not crash on a rare character
        except (AttributeError, ValueError):
            pass
    args = build_parser().parse_args(argv)
    today = date.today()
    try:
        report = args.handler(args, today)
    except LedgerError as exc:
        from .summary import fatal_text

        print(fatal_text(exc))
        return 2
    except KeyboardInterrupt:
        print("已中断：台账未被修改。")
        return 2
    except Exception:  # a bug, not bad input: say so plainly, keep the details for the maintainer
        _crash_report(args, today, traceback.format_exc())
        return 3
    try:
        _show(args, report)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error of the run
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
    if getattr(args, "open", False) and report.written and report.out_dir is not None:
        from .shortcut import open_folder

        open_folder(report.out_dir)
    return report.exit_code


def _crash_report(args: argparse.Namespace, today: date, detail: str) -> None:
    log = _crash_dump_dir(args, today) / CRASH_DUMP
    try:
        log.write_text(detail, encoding="utf-8")
        where = f"详细信息已保存到“{log}”"
    except OSError:
        where = "详细信息：\n" + detail
    print(f"程序内部错误，本次运行未完成（台账未被修改）。请把此信息发给维护人员：{where}")


@contextmanager
def _progress(args: argparse.Namespace):
    """Progress of the stages on stderr: bars on a console, lines in a log; none for --quiet/--json."""
    from .core.stages import reporting

    reporter = None
    if not (getattr(args, "quiet", False) or getattr(args, "json", False)):
        from .console import reporter_for

        reporter = reporter_for(sys.stderr)
    try:
        with reporting(reporter):
            yield
    finally:
        if reporter is not None:
            reporter.close()


def _show(args: argparse.Namespace, report) -> None:
    if getattr(args, "json", False):
        import json

        from .summary import report_json

        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    elif getattr(args, "quiet", False):
        lines = [f"未能运行：{report.error.message}"] if report.error and not report.outcome else []
        problems = list(report.error.problems) if report.error else []
        if report.outcome is not None:
            from .summary import row_attention

            from .feedback.status import pending_lines

            note, rows = row_attention(report.outcome)
            lines += note
            problems += rows
        lines += [f"  {p.text()}" for p in problems]
        if report.outcome is not None:
            lines += pending_lines(report.outcome)
        if lines:
            print("\n".join(lines))
    elif report.summary is not None:
        from .console import print_summary, terminal

        if terminal(sys.stdout):
            print_summary(report.summary)
        else:
            print(report.text)
    else:
        print(report.text)


if __name__ == "__main__":
    sys.exit(main())
