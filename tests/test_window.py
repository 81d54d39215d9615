"""The real window on a real database file, driven as a finance officer would (offscreen)."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QLineEdit

from app.context import AppContext
from core.reportfile import read_report
from db import repository
from db.database import Database
from tests.conftest import SEED_REPORTS
from tests.window_helpers import WAN, close_window, index_of, open_window, settle, stored, type_into
from ui.main_window import MainWindow
from ui.table_model import SEVERITY_COLOURS


@pytest.fixture
def window(qtbot, tmp_path):
    main = open_window(qtbot, tmp_path)
    yield main
    close_window(main)


def test_models_pass_the_qt_model_tester(window, qtmodeltester):
    for table in ("公开01", "公开02", "公开06", "公开09"):
        qtmodeltester.check(window.show_table(table).model)
    qtmodeltester.check(window.findings.model)


def test_typed_amount_is_saved_at_once(window, qtbot):
    view = window.show_table("公开01")
    type_into(qtbot, view, "公开01:6:1", "1,234.5")
    assert stored(window, "公开01:6:1") == 1_234_500_000
    assert view.body.currentIndex() == index_of(view, "公开01:7:1"), "Enter moves down"


def test_a_violation_colours_its_cells_in_every_table_and_is_listed_then_undone(window, qtbot):
    view = window.show_table("公开02")
    other = window.view("公开01")
    type_into(qtbot, view, "公开02:合计:1", "84,175.24")
    colour = view.model.data(index_of(view, "公开02:合计:2"), Qt.ItemDataRole.BackgroundRole).color()
    assert colour == SEVERITY_COLOURS["error"]
    cross = other.model.data(index_of(other, "公开01:27:1"), Qt.ItemDataRole.BackgroundRole).color()
    assert cross == SEVERITY_COLOURS["error"], "the 公开01 total that 公开02 合计 must equal turns red too"
    rules = {window.findings.model.rows[r].rule for r in range(window.findings.model.rowCount())}
    assert {"公开02.本年收入合计", "表间.公开01公开02.本年收入合计"} <= rules
    window.session.undo_stack.undo()
    assert stored(window, "公开02:合计:1") == 84_174_240_000
    assert view.model.data(index_of(view, "公开02:合计:2"), Qt.ItemDataRole.BackgroundRole) is None
    settle()
    tables = window.session.templates.tables
    assert all(f.severity != "error" for f in window.findings.model.rows if f.table in tables)


def test_paste_a_block_is_one_undo_step(window):
    view = window.show_table("公开09")
    view.body.setCurrentIndex(index_of(view, "公开09:1:1"))
    assert view.body.paste("90.63\t10\t75.92\t16.03\t59.89\t4.71\n")
    assert stored(window, "公开09:1:1") == 90_630_000 and stored(window, "公开09:1:2") == 10_000_000
    assert not any(f.table == "公开09" and f.severity == "error" for f in window.session.findings())
    window.session.undo_stack.undo()
    assert stored(window, "公开09:1:1") == 80_630_000 and stored(window, "公开09:1:2") is None


def test_paste_with_a_bad_field_changes_nothing(window):
    view = window.show_table("公开09")
    view.body.setCurrentIndex(index_of(view, "公开09:1:1"))
    assert not view.body.paste("1,000.00\t二十")
    assert stored(window, "公开09:1:1") == 80_630_000


def type_without_waiting(qtbot, view, address, text):
    """Type and press Enter; the editor may stay open (refused input)."""
    view.body.setCurrentIndex(index_of(view, address))
    qtbot.keyClicks(view.body, text[0])
    (editor,) = view.body.findChildren(QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(50)
    return editor


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("8l993.54", "无法识别的金额"),
        ("abc", "无法识别的金额"),
        ("1e5", "无法识别的金额"),
        ("1.2345678", "小数超过两位"),
        ("0.001", "小数超过两位"),
        ("1" * 30, "超出范围"),
    ],
)
def test_rejected_input_stays_in_its_editor_with_the_reason_at_the_cell(window, qtbot, typed, said):
    view = window.show_table("公开01")
    editor = type_without_waiting(qtbot, view, "公开01:1:1", typed)
    assert view.body.state() == QAbstractItemView.State.EditingState, "the editor stays open"
    assert editor.text() == typed, "what was typed is still there, to correct"
    assert view.body.note.isVisible() and said in view.body.note.text()
    assert said in window.statusBar().currentMessage()
    assert stored(window, "公开01:1:1") == 81_993_540_000
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState)
    assert not view.body.note.isVisible()
    assert view.model.data(index_of(view, "公开01:1:1")) == "81,993.54"


def test_a_corrected_entry_is_taken_and_the_refusal_goes(window, qtbot):
    view = window.show_table("公开01")
    editor = type_without_waiting(qtbot, view, "公开01:6:1", "12.345")
    editor.setText("12.34")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState)
    assert stored(window, "公开01:6:1") == 12_340_000
    assert not view.body.note.isVisible() and "小数" not in window.statusBar().currentMessage()


def test_accounting_negatives_in_parentheses_are_taken(window, qtbot):
    view = window.show_table("公开01")
    type_into(qtbot, view, "公开01:6:1", "(100)")  # QTest types Latin-1 only; （100） is the same (test_money)
    assert stored(window, "公开01:6:1") == -100 * WAN


def test_delete_clears_the_selection(window, qtbot):
    view = window.show_table("公开01")
    view.body.setCurrentIndex(index_of(view, "公开01:5:1"))
    qtbot.keyClick(view.body, Qt.Key.Key_Delete)
    assert stored(window, "公开01:5:1") is None


def test_double_clicking_a_finding_jumps_to_its_cells(window):
    window.session.edit([("公开06:30217:1", 5 * WAN)], "test")
    finding = next(f for f in window.session.findings() if f.rule == "表间.公开06公开09.公务接待费")
    window.findings.jump.emit(finding)
    view = window.current_view()
    assert view.model.table.id == "公开06"
    selected = {view.model.cell(i).address for i in view.body.selectedIndexes()}
    assert "公开06:30217:1" in selected


def test_a_warning_gets_an_explanation_that_is_saved(window, monkeypatch):
    window.session.edit([("公开06:30217:1", 5 * WAN)], "test")
    dock = window.findings
    row = next(
        r
        for r in range(dock.proxy.rowCount())
        if dock.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).severity == "warning"
    )
    dock.view.setCurrentIndex(dock.proxy.index(row, 0))
    finding = dock.current_finding()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("项目支出中列支的接待费", True))
    dock.explain_current()
    assert dock.current_finding() == finding, "the list keeps its place"
    assert repository.explanations(window.context.db, window.session.report_id) == {
        finding.key: "项目支出中列支的接待费"
    }
    assert dock.proxy.index(row, 2).data() == "项目支出中列支的接待费", "the list shows the 说明 itself"


def test_fill_by_formula_mends_a_total(window):
    view = window.show_table("公开01")
    window.session.edit([("公开01:27:1", 1 * WAN)], "break")
    view.body.setCurrentIndex(index_of(view, "公开01:27:1"))
    window.fill_current()
    assert stored(window, "公开01:27:1") == 84_174_240_000


def test_a_new_code_row_is_added_and_can_be_removed(window, qtbot):
    view = window.show_table("公开03")
    new_row = view.model.rowCount() - 1
    assert view.model.setData(view.model.index(new_row, 0), "2080107 就业管理事务")
    assert view.model.position("公开03:2080107:1") is not None
    type_into(qtbot, view, "公开03:2080107:3", "5")
    assert any(f.cells[0] == "公开03:20801:3" for f in window.session.findings())
    view.body.setCurrentIndex(index_of(view, "公开03:2080107:1"))
    window.remove_current_row()
    assert view.model.position("公开03:2080107:1") is None
    assert stored(window, "公开03:2080107:3") is None


def test_first_start_creates_the_first_report(qtbot, tmp_path):
    with Database.open(tmp_path / "empty.sqlite") as db:
        main = MainWindow(AppContext(db), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(main)
        report_id = main._create({"unit_name": "某区人社局", "unit_code": None, "year": 2024, "kind": "部门"})
        assert main.session.report_id == report_id
        assert main.current_view().model.table.printed == "公开01表"


def test_a_locked_report_shows_but_refuses_edits(window, qtbot):
    repository.set_status(window.context.db, window.session.report_id, "已锁定")
    window.populate_tree()
    window.session = None
    window._tree_selected()
    view = window.show_table("公开01")
    assert not view.model.flags(index_of(view, "公开01:1:1")) & Qt.ItemFlag.ItemIsEditable


@pytest.mark.parametrize("seed", sorted(SEED_REPORTS))
def test_every_cell_of_every_model_can_be_shown_for_each_seed(qtbot, tmp_path, seed):
    # An exception inside data() while Qt paints can bring the whole program down: ask for every role.
    with Database.open(tmp_path / "s.sqlite") as db:
        repository.import_report(db, read_report(SEED_REPORTS[seed])[0])
        main = MainWindow(AppContext(db), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(main)
        models = [main.findings.model] + [main.view(t).model for t in main.session.templates.tables]
        for model in models:
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    for role in range(14):
                        model.data(model.index(row, column), role)
        main.show()
        main.close()


def test_the_summary_preview_opens_from_the_window(window, qtbot):
    dialog = window.preview_summary()
    assert dialog is not None and dialog.isVisible()
    dialog.close()


def test_summary_command_from_the_database(tmp_path):
    from main import main

    path = tmp_path / "a.sqlite"
    assert main(["import", str(SEED_REPORTS["003"]), "--db", str(path)]) == 0
    unit = read_report(SEED_REPORTS["003"])[0].unit_name
    out = tmp_path / "s.pdf"
    assert main(["summary", "--unit", unit, "--year", "2023", "--db", str(path), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_self_evaluation_tables_are_saved_rechecked_and_undone(window):
    tables = window.session.checker.selfeval
    changed = [dict(t) for t in tables]
    changed[0] = dict(changed[0], header=dict(changed[0]["header"], 基本支出总额="46675.71"))
    change = window.session.edit_selfeval(changed, "修改整体绩效自评表头")
    assert any(f.rule == "表间.自评公开03.基本支出" for f in change.audit.disappeared)
    stored_tables = repository.load_report(window.context.db, window.session.report_id).selfeval
    assert stored_tables[0]["header"]["基本支出总额"] == "46675.71"
    window.session.undo_stack.undo()
    assert (
        repository.load_report(window.context.db, window.session.report_id).selfeval[0]["header"]["基本支出总额"]
        == "46675.73"
    )
    assert any(f.rule == "表间.自评公开03.基本支出" for f in window.session.findings())


def test_self_evaluation_tables_are_in_the_tree_and_findings_jump_to_them(window):
    year = window.year_item
    labels = [year.child(i).text(0) for i in range(year.childCount())]
    assert labels[9] == "整体绩效自评" and len(labels) == 9 + len(window.session.checker.selfeval)
    finding = next(f for f in window.session.findings() if f.table == "整体绩效自评")
    window.findings.jump.emit(finding)
    assert window.stack.currentWidget() is window.selfeval_editors[0]
    assert "✖" in window.selfeval_items["整体绩效自评"].text(1)
