"""Every `ledger` subcommand is documented: its own --help page in Chinese with a help text for
each argument, a line in the top-level help, and a mention in README.md. The list of subcommands
comes from the parser itself, so a new command without documentation fails here."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from ledger.cli import COMMANDS, build_parser, main

README = Path(__file__).resolve().parents[1] / "README.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_the_parser_knows_the_ten_commands_and_each_has_a_handler():
    names = subcommands()
    assert sorted(names) == sorted(["init", "check", "run", "report", "reprint", "restore", "shortcut", "holidays",
                                    "forms", "collect"])
    assert {name: p.get_default("handler") for name, p in names.items()} == COMMANDS


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_subcommand_help_is_chinese_and_documents_every_argument(name, capsys):
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    page = capsys.readouterr().out
    parser = subcommands()[name]
    assert page.startswith(f"用法：ledger {name} ")
    assert parser.description and CJK.search(parser.description), f"{name}: no Chinese description"
    assert parser.description.split("（")[0][:12] in page
    for action in parser._actions:
        shown = action.option_strings[-1] if action.option_strings else action.metavar
        assert action.help and action.help != argparse.SUPPRESS and CJK.search(action.help), \
            f"ledger {name} {shown}: no Chinese help text"
        assert shown in page, f"ledger {name} --help does not show {shown}"
    assert "usage" not in page and "options:" not in page and "positional arguments" not in page


def test_top_level_help_lists_every_command_with_a_chinese_line(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    page = capsys.readouterr().out
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {a.dest: a.help for a in sub._choices_actions}
    assert set(helps) == set(subcommands())
    for name, text in helps.items():
        assert text and CJK.search(text), name
        assert re.search(rf"^\s+{name}\s+\S", page, re.M), f"{name} missing from ledger --help"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_appears_in_the_readme(name):
    assert re.search(rf"\bledger {name}\b", README.read_text(encoding="utf-8")), f"README.md never shows `ledger {name}`"
