"""A department in the window: its units in the tree, the 汇总 read-only with each cell's breakdown, the overview."""

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.context import AppContext
from tests.conftest import SEED_REPORTS
from ui.main_window import REPORT_ROLE, MainWindow

DEPARTMENT = "武汉经济技术开发区人社系统"
SECOND = "武汉经济技术开发区（汉南区）就业训练中心"


@pytest.fixture
def units_folder(tmp_path):
    """Seed 003 and a second unit with its own figures (seed 003's, doubled)."""
    folder = tmp_path / "units"
    folder.mkdir()
    data = json.loads(SEED_REPORTS["003"].read_text(encoding="utf-8"))
    (folder / "003.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    data["unit"] = {"name": SECOND}
    data["cells"] = {k: str(round(float(v) * 2, 2)) for k, v in data["cells"].items()}
    data.pop("selfeval", None)
    (folder / "second.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture
def window(qtbot, tmp_path, units_folder, monkeypatch):
    context = AppContext.open(tmp_path / "dept.sqlite")
    main = MainWindow(context, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    monkeypatch.setattr(QMessageBox, "open", lambda self: None)  # the summary box would wait for a click
    result = main.import_folder(str(units_folder), DEPARTMENT)
    assert len(result.read) == 2 and not result.refused
    yield main
    main.close()
    context.close()


def tree_lines(window):
    lines, stack = [], [(window.tree.topLevelItem(i), 0) for i in range(window.tree.topLevelItemCount())][::-1]
    while stack:
        item, depth = stack.pop()
        lines.append((depth, item.text(0), item.data(0, REPORT_ROLE)))
        stack += [(item.child(i), depth + 1) for i in range(item.childCount())][::-1]
    return lines


def open_consolidation(window):
    (item,) = window.tree.findItems("2023年度 汇总", Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
    window.tree.setCurrentItem(item)
    return window.current_view()


def test_the_tree_holds_the_department_its_total_and_its_units(window):
    lines = tree_lines(window)
    assert lines[0][:2] == (0, DEPARTMENT)
    names = [text for depth, text, _ in lines if depth == 1]
    assert "2023年度 汇总" in names and SECOND in names


def test_the_consolidation_is_the_sum_read_only_with_a_breakdown(window, qtbot):
    view = open_consolidation(window)
    session = window.session
    assert session.read_only and "汇总" in window.notice.message.text()
    unit_one = 1_578_600_000  # seed 003's 公开01:1:1, 1,578.60 万元
    assert session.value("公开01:1:1") == unit_one + 2 * unit_one
    index = view.model.index(*view.model.position("公开01:1:1"))
    tip = view.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert SECOND in tip and "3,157.20" in tip and "1,578.60" in tip
    assert not view.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert view.model.data(index) == "4,735.80"


def test_the_overview_counts_each_units_findings(window, qtbot):
    open_consolidation(window)
    dialog = window.show_overview()
    assert dialog is not None
    units = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert SECOND in units and len(units) == 2
    assert "强制/提示/尾差" in dialog.html()


def test_a_broken_file_in_the_folder_is_named_and_the_rest_go_in(window, tmp_path, monkeypatch):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "broken.json").write_text("{ not json", encoding="utf-8")
    data = json.loads(SEED_REPORTS["003"].read_text(encoding="utf-8"))
    data["unit"] = {"name": "第三个单位"}
    data.pop("selfeval", None)
    (folder / "third.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = window.import_folder(str(folder), DEPARTMENT)
    assert [f.split("/")[-1] for f, _ in result.refused] == ["broken.json"]
    assert any(unit == "第三个单位" for _, unit, _, _ in result.read)
    assert "第三个单位" in [text for _, text, _ in tree_lines(window)]


def test_a_unit_can_be_renamed_from_the_tree(window, monkeypatch):
    item = next(iter(window.tree.findItems(SECOND, Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)))
    window.tree.setCurrentItem(item)
    unit_id, name = window._chosen_unit()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("就业训练中心（新）", True))
    window._unit_operation("rename", unit_id, name)
    assert "就业训练中心（新）" in [text for _, text, _ in tree_lines(window)]
