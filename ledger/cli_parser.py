"""argparse in Chinese: the `ledger` command's help pages and usage errors (issue 16 item 11).

argparse writes its own words in English (`usage:`, `positional arguments`, `options`, `the
following arguments are required`, `invalid choice` …). It offers two hooks for them: the help
formatter (the usage prefix) and `ArgumentParser.error` (every usage error passes through it with
the English message already formatted). `ChineseArgumentParser` uses both, names its sections in
Chinese and adds a Chinese `-h/--help`; `add_subparsers` builds every subcommand's parser with the
same class, so a new subcommand is Chinese without doing anything.

The error messages are translated from argparse's fixed English templates (Python 3.11–3.13);
one that is not recognised is shown as argparse wrote it, after a Chinese lead.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata

_TYPE_NAMES = {"int": "整数", "float": "数字"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _names(text: str) -> str:
    """'a', 'b' / a, b → “a”、“b” (argparse lists choices and argument names with commas)."""
    items = [s.strip().strip("'\"") for s in text.split(",") if s.strip()]
    return "、".join(f"“{s}”" for s in items)


def _value(text: str) -> str:
    return f"“{text.strip().strip(chr(39) + chr(34))}”"


def _argument(name: str) -> str:
    return "命令" if name in ("命令", "command") else f"参数 {name}"


_MESSAGES: tuple[tuple[re.Pattern[str], object], ...] = tuple((re.compile(p, re.S), f) for p, f in (
    (r"the following arguments are required: (.*)",
     lambda m: f"缺少必须填写的参数：{m[1]}（可加 -h 查看用法）"),
    (r"argument (.+?): invalid choice: (.*?) \(choose from (.*)\)",
     lambda m: (f"没有{_value(m[2])}这个命令，可用的命令：{_names(m[3])}" if _argument(m[1]) == "命令"
                else f"{_argument(m[1])} 的值{_value(m[2])}不在可选范围内，可选：{_names(m[3])}")),
    (r"unrecognized arguments: (.*)", lambda m: f"无法识别的参数：{m[1]}（可加 -h 查看用法）"),
    (r"argument (.+?): expected one argument", lambda m: f"{_argument(m[1])} 后面需要填写一个值"),
    (r"argument (.+?): expected at most one argument", lambda m: f"{_argument(m[1])} 后面最多填写一个值"),
    (r"argument (.+?): expected at least one argument", lambda m: f"{_argument(m[1])} 后面至少填写一个值"),
    (r"argument (.+?): expected (\d+) arguments?", lambda m: f"{_argument(m[1])} 后面需要填写 {m[2]} 个值"),
    (r"argument (.+?): invalid (\w+) value: (.*)",
     lambda m: f"{_argument(m[1])} 的值{_value(m[3])}无效：请填写{_TYPE_NAMES.get(m[2], '正确的值')}"),
    (r"argument (.+?): not allowed with argument (.*)", lambda m: f"{_argument(m[1])} 不能与 {m[2]} 同时使用"),
    (r"argument (.+?): ignored explicit argument (.*)", lambda m: f"{_argument(m[1])} 后面不能带值{_value(m[2])}"),
    (r"ambiguous option: (.+?) could match (.*)", lambda m: f"选项 {m[1]} 不明确，可能是：{m[2]}"),
    (r"one of the arguments (.*) is required", lambda m: f"必须填写以下参数之一：{m[1]}"),
    (r"unexpected option string: (.*)", lambda m: f"无法识别的选项：{m[1]}"),
    (r"argument (.+?): (.*)", lambda m: f"{_argument(m[1])}：{m[2]}"),   # our own ArgumentTypeError text
))


def translate(message: str) -> str:
    """argparse's English usage error in Chinese."""
    for pattern, make in _MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m:
            return make(m)  # type: ignore[operator]
    return f"命令行参数有误：{message}"


# Placeholders shown for an argument's value in usage and help, by its dest; a value option not
# listed shows “值”, so a new subcommand's help has no English even before it names its own.
METAVARS = {"workbook": "台账.xlsx", "date": "日期", "out": "文件夹", "templates": "文件夹", "pick": "序号",
            "period": "期间", "desktop": "文件夹", "number": "编号"}


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def start_section(self, heading):
        self._headings = [*getattr(self, "_headings", []), heading]
        super().start_section(heading)

    # argparse pads the help column by len(); a Chinese character takes two columns on a console
    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            inv = self._format_action_invocation(action)
            self._action_max_length = max(self._action_max_length, _width(inv) + self._current_indent)

    def _format_action(self, action):
        text = super()._format_action(action)
        inv = self._format_action_invocation(action)
        extra = _width(inv) - len(inv)
        head = " " * self._current_indent + inv
        if extra and text.startswith(head) and text[len(head):len(head) + 2 + extra] == " " * (2 + extra):
            text = head + text[len(head) + extra:]
        return text

    def format_help(self) -> str:
        text = super().format_help()
        for heading in getattr(self, "_headings", []):   # argparse ends a section title with “:”
            text = text.replace(f"{heading}:\n", f"{heading}：\n")
        return text


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in Chinese; its subcommands inherit it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        if "metavar" not in kwargs and action.nargs != 0 and not isinstance(action, argparse._SubParsersAction):
            action.metavar = METAVARS.get(action.dest, "值" if action.option_strings else action.dest)
        return action

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate(message)}\n")
