"""The architecture as the folder list shows it: each layer imports only itself and the layers below.

    xlsx (the lossless patcher) < core < reading < rules < figures < rendering < the edges at the top

Walks every module's imports (AST, including imports inside functions) and fails when a lower layer
imports a higher one. Imports made only for type annotations (``if TYPE_CHECKING:``) are not
dependencies at run time and are skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ledger"
LAYERS = ["xlsx", "core", "reading", "rules", "figures", "rendering"]     # lowest first; the rest is the top
TOP = len(LAYERS)


def layer(module: str) -> int:
    """'ledger.reading.tasks' → 2; a module directly under ledger/ is the top."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else TOP


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    return skip


def imports(path: Path) -> set[str]:
    """Absolute names of the ledger modules (or packages) `path` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    skip = _type_checking_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "ledger" or node.module is None:
                found |= {f"{target}.{a.name}" for a in node.names}
            elif target.startswith("ledger"):
                found.add(target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ledger")}
    return found


def violations() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = module_name(path)
        for target in sorted(imports(path)):
            if layer(target) > layer(me):
                out.append(f"{me} (layer {layer(me)}) imports {target} (layer {layer(target)})")
    return out


def test_no_lower_layer_imports_a_higher_one():
    assert violations() == []


def test_the_patcher_imports_nothing_else_of_the_package():
    outside = {f"{module_name(p)} → {t}" for p in (PACKAGE / "xlsx").rglob("*.py") for t in imports(p)
               if not t.startswith("ledger.xlsx")}
    assert outside == set()


def test_the_walk_sees_a_violation_when_there_is_one(tmp_path, monkeypatch):
    """The checker itself: a core module importing the rules is reported."""
    fake = tmp_path / "ledger"
    (fake / "core").mkdir(parents=True)
    (fake / "rules").mkdir()
    (fake / "core" / "x.py").write_text("def f():\n    from ..rules import deadline\n", encoding="utf-8")
    (fake / "rules" / "deadline.py").write_text("from ..core import x\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert violations() == ["ledger.core.x (layer 1) imports ledger.rules (layer 3)"]


def test_fewer_than_thirty_modules_at_the_top():
    top = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert len(top) < 30, top
