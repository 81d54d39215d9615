"""The walls between the layers: core ← db ← app ← ui, and no import cycles among the project's modules."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "db", "app", "ui")

#: What each layer may not import (at any depth of the module, lazy imports included).
FORBIDDEN = {
    "core": {"PySide6", "shiboken6", "sqlalchemy", "alembic", "db", "app", "ui"},
    "db": {"PySide6", "shiboken6", "app", "ui"},
    "app": {"PySide6", "shiboken6", "ui"},
    "ui": {"sqlalchemy", "alembic", "db"},
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path, top_level_only: bool) -> set[str]:
    """Modules named by `import` statements (at module level only, or anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif top_level_only and isinstance(node, ast.If | ast.Try):
            # `if TYPE_CHECKING:` and platform branches still import at module level
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                    names.add(inner.module)
                elif isinstance(inner, ast.Import):
                    names |= {alias.name for alias in inner.names}
    return names


@pytest.mark.parametrize("layer", PACKAGES)
def test_a_layer_imports_nothing_above_it(layer):
    wrong = []
    for name, path in modules().items():
        if name.split(".")[0] != layer:
            continue
        for imported in imports(path, top_level_only=False):
            if imported.split(".")[0] in FORBIDDEN[layer]:
                wrong.append(f"{name} imports {imported}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles_between_the_projects_modules():
    known = modules()
    graph = {}
    for name, path in known.items():
        graph[name] = {i for i in imports(path, top_level_only=True) if i in known and i != name}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as cycle:
        pytest.fail("import cycle: " + " → ".join(cycle.args[1]))


def test_the_walls_are_seen(tmp_path):
    """The checks would catch a module that broke them (they read real import statements)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from db import repository\n", encoding="utf-8")
    assert "db" in imports(bad, top_level_only=False)
    assert "db" not in imports(bad, top_level_only=True)
