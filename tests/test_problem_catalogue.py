"""The problem catalogue (`ledger.core.problems`) is the one home of every message.

Checked statically over the package source, so a kind used on a path no other test reaches
still cannot go out with a missing field or an unknown code:
- every kind has a unique, well-formed code;
- no module builds a Problem or a LedgerError by hand (only through a kind);
- every use of a kind passes exactly the fields its sentence and hint name.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import ledger
from ledger.core import problems as P
from ledger.core.errors import NOWHERE, Kind, LedgerError, Location, RowRef, Severity

PACKAGE = Path(ledger.__file__).parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py"))
MACHINERY = {PACKAGE / "core" / "errors.py", PACKAGE / "core" / "problems.py"}


def _fields(kind: Kind) -> set[str]:
    return {name for text in (kind.message, kind.hint)
            for _, name, _, _ in string.Formatter().parse(text) if name}


def test_codes_are_unique_and_well_formed():
    kinds = [k for k in vars(P).values() if isinstance(k, Kind)]
    codes = [k.code for k in kinds]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert all(re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", c) for c in codes), codes
    assert len(P.catalogue()) == len(kinds) > 100


def test_no_module_builds_a_problem_or_an_error_by_hand():
    """`Problem(...)` and `LedgerError(...)` are built only by the catalogue's machinery."""
    hand_made = []
    for path in SOURCES:
        if path in MACHINERY:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("Problem", "LedgerError")):
                hand_made.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.func.id}(...)")
    assert hand_made == []


def _uses():
    """(where, kind, keyword names) for each `P.KIND.at/error(...)`, `ref.problem(P.KIND, ...)`,
    `task.problem(P.KIND, ...)`, `BadValue(P.KIND, ...)` and `refuse(P.KIND, ...)` in the package."""
    for path in SOURCES:
        if path in MACHINERY:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            target = None
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in ("at", "error")
                    and isinstance(func.value, ast.Attribute) and isinstance(func.value.value, ast.Name)
                    and func.value.value.id == "P"):
                target = func.value.attr
            elif node.args and isinstance(node.args[0], ast.Attribute) and isinstance(node.args[0].value, ast.Name) \
                    and node.args[0].value.id == "P":
                target = node.args[0].attr
            if target is None:
                continue
            if any(k.arg is None for k in node.keywords):     # **fields: checked where they are built
                continue
            names = {k.arg for k in node.keywords} - {"problems", "prefix"}
            yield f"{path.relative_to(PACKAGE)}:{node.lineno}", target, names


def test_every_use_passes_exactly_the_fields_of_its_sentence():
    wrong, seen = [], set()
    for where, name, given in _uses():
        kind = getattr(P, name, None)
        if not isinstance(kind, Kind):
            wrong.append(f"{where}: P.{name} is not a kind of the catalogue")
            continue
        seen.add(name)
        if given != _fields(kind):
            wrong.append(f"{where}: P.{name} given {sorted(given)}, its sentence names {sorted(_fields(kind))}")
    assert wrong == []
    # a kind handed on as a value (e.g. the "no header" kind of a settings sheet) is placed later
    # without fields: its sentence must have none
    for where, name in _references():
        kind = getattr(P, name, None)
        if isinstance(kind, Kind) and name not in seen:
            seen.add(name)
            if _fields(kind):
                wrong.append(f"{where}: P.{name} is passed on, but its sentence needs {sorted(_fields(kind))}")
    assert wrong == []
    unused = sorted(n for n, k in vars(P).items() if isinstance(k, Kind) and n not in seen)
    assert unused == []


def _references():
    for path in SOURCES:
        if path in MACHINERY:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "P":
                yield f"{path.relative_to(PACKAGE)}:{node.lineno}", node.attr


def test_a_kind_makes_the_same_sentence_the_clerk_has_always_read():
    loc = RowRef("督办台账", 14).at("I")
    p = P.LIMIT_UNREADABLE.at(loc, text="下周一")
    assert p.text() == ("督办台账!I14 办理时限“下周一”无法识别：请填写日期（如 2026-11-30），"
                        "或“5个工作日”“10天”“6月底”“年底前”“第三季度”“立即”等。")
    assert p.short().startswith("I列办理时限“下周一”无法识别：")
    assert (p.code, p.severity) == ("limit-unreadable", Severity.ERROR)
    long = P.TASK_GRADE.at(loc, text="特" * 60 + "\n")     # {text!q} quotes and shortens cell text
    assert "“" + "特" * 39 + "…”" in long.message
    assert P.TASK_CLOSED_NOT_DONE.at(loc).severity is Severity.WARNING


def test_row_refs_name_cells_by_letter_or_index():
    ref = RowRef("参数设置", 7)
    assert ref.at(2) == ref.at("B") == Location("参数设置", 7, "B")
    assert str(ref.at()) == "参数设置!第7行"
    assert ref.problem(P.PARAM_DUPLICATE, 1, key="临期提醒", first=3).text() == \
        "参数设置!A7 参数“临期提醒”重复（第3行已设置）：请只保留一行。"


def test_a_ledger_error_carries_its_problem_and_the_problems_behind_it():
    behind = [P.PARAM_NO_HEADER.at(RowRef("参数设置", 1).at())]
    exc = P.RUN_SETTINGS.error(problems=behind, sheets="“参数设置”", count=1)
    assert isinstance(exc, LedgerError)
    assert exc.code == "run-settings" and exc.problem.location == NOWHERE
    assert exc.message == "“参数设置”中有1处设置需要更正，本次未写入台账、未发出督办单。"
    assert exc.problems == behind
    assert str(exc) == exc.message + "\n  参数设置!第1行 找不到“参数”“值”表头：请在前10行内设置表头：参数、值、说明。"
    with pytest.raises(LedgerError) as caught:
        raise P.FILE_NOT_FOUND.error(path="台账.xlsx")
    assert caught.value.message == "找不到文件“台账.xlsx”：请检查路径是否正确。"


def test_the_code_table_for_scripts_is_the_catalogue():
    """docs/问题代码.md is what scripts reading --json look codes up in: it lists every kind."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("problem_codes", PACKAGE.parent / "tools" / "problem_codes.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    doc = (PACKAGE.parent / "docs" / "问题代码.md").read_text(encoding="utf-8")
    assert doc == tool.render(), "run: python tools/problem_codes.py --write"
    assert all(f"| `{code}` |" in doc for code in P.catalogue())
