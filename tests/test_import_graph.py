"""The modules of core/ import each other without a circle, and each can be imported alone."""

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "core"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _core_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(CORE.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules `path` imports anywhere in it: at the top, inside functions, or for type checking only.

    `from core.selfeval import model` is an edge to core.selfeval.model, `from core.selfeval import grade`
    one to core.selfeval (its __init__).
    """
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in modules:
            for alias in node.names:
                found.add(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _core_modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_core_module_graph_has_no_cycle():
    graph = _graph()
    assert "core.rules.binding" in graph and "core.selfeval.checks" in graph
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle among core modules: {' → '.join(exc.args[1])}")
    assert set(order) == set(graph)


def test_the_rule_language_knows_no_template():
    graph = _graph()
    assert graph["core.rules.syntax"] == set()
    assert "core.rules.syntax" in graph["core.templates"]
    assert "core.templates" in graph["core.rules.binding"]
    assert not any(m.startswith("core.rules") for m in graph["core.rules"])


def test_imports_for_type_checking_and_inside_functions_count(tmp_path):
    # The old circle was rules.py importing core.templates under TYPE_CHECKING: such an import counts.
    source = tmp_path / "old_rules.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from core.templates import TemplateSet\n"
        "def f():\n    from core.selfeval import model\n",
        encoding="utf-8",
    )
    assert _imports(source, _core_modules()) == {"core.templates", "core.selfeval.model"}


@pytest.mark.parametrize(
    "module",
    [
        "core.rules.syntax",
        "core.rules.binding",
        "core.rules.coded",
        "core.templates",
        "core.findings",
        "core.selfeval.model",
        "core.selfeval.scoring",
        "core.selfeval.checks",
        "core.selfeval.tracking",
        "core.selfeval",
        "core.audit",
    ],
)
def test_each_module_imports_alone(module):
    subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, check=True, capture_output=True)


def test_no_core_module_or_package_part_loads_qt_or_sqlalchemy():
    # tests/test_core_wall.py imports core/*.py; this also covers the packages' parts.
    modules = sorted(_core_modules())
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6', 'db', 'ui')))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "core.selfeval.tracking" in modules and result.stdout.strip() == ""


def test_no_core_module_is_over_600_lines():
    long = {name: n for name, path in _core_modules().items() if (n := len(path.read_text().splitlines())) > 600}
    assert not long, long
