"""The self-evaluation editor inside the real main window at 1366×768, driven with keys and the mouse.

An officer changes a 得分 or an 实际完成值, presses Enter or Ctrl+Z, and stays where they were: on
the same table, the tree on it, the cursor on the next cell; Qt says nothing about stray editors.
"""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QLineEdit

from app.context import AppContext
from core.reportfile import read_report
from db import repository
from db.database import Database
from tests.conftest import SEED_REPORTS
from tests.window_helpers import settle
from ui.main_window import MainWindow
from ui.selfeval_editor import SelfEvalEditor
from ui.selfeval_model import ACTUAL, SCORE
from ui.table_model import SEVERITY_COLOURS

PROJECT = "项目：2023年机关业务工作经费项目"  # seed 000's first project table, the second self-evaluation table
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, tmp_path):
    SelfEvalEditor.header_open, SelfEvalEditor.texts_open = None, False  # the folds as a new user finds them
    db = Database.open(tmp_path / "window.sqlite")
    repository.import_report(db, read_report(SEED_REPORTS["000"])[0])
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(AppContext(db), settings)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()
    db.close()


def tree_item(window, label):
    return next(item for item in window.selfeval_items.values() if item.text(0) == label)


def open_from_tree(qtbot, window, label) -> SelfEvalEditor:
    """Click the table's entry in the tree, as the officer does."""
    item = tree_item(window, label)
    window.tree.scrollToItem(item)
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=window.tree.visualItemRect(item).center())
    editor = window.stack.currentWidget()
    assert isinstance(editor, SelfEvalEditor)
    qtbot.waitUntil(lambda: editor.view.viewport().height() > 100)
    return editor


def type_and_enter(qtbot, view, row, column, text):
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, column))
    qtbot.keyClicks(view, text[0])
    (line,) = [e for e in view.findChildren(QLineEdit) if e.isVisible() and not isinstance(e.parent(), QComboBox)]
    ascii_part = len(text) - len(text.lstrip("0123456789.-"))
    qtbot.keyClicks(line, text[1:ascii_part])
    if text[ascii_part:]:  # Chinese arrives as an input method commits it (QTest cannot type it)
        event = QInputMethodEvent()
        event.setCommitString(text[ascii_part:])
        QApplication.sendEvent(line, event)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    settle()


def score_of(window, table, row):
    indicators = [
        i
        for goal in repository.load_report(window.context.db, window.session.report_id).selfeval[table]["goals"]
        for l1 in goal["groups"]
        for l2 in l1["groups"]
        for i in l2["indicators"]
    ]
    return indicators[row].get("score"), indicators[row].get("actual")


def cursor(editor):
    return editor.view.currentIndex().row(), editor.view.currentIndex().column()


def assert_still_on(window, editor, label):
    settle()
    assert window.stack.currentWidget() is editor, "the centre stays on the table being edited"
    assert window.tree.currentItem() is tree_item(window, label), "the tree stays on it"


def assert_no_stray_editor(qtlog):
    said = [r.message for r in qtlog.records if "commitData" in r.message or "editor" in r.message.lower()]
    assert said == []


def test_a_typed_score_or_actual_keeps_the_officer_on_the_table_and_moves_down(window, qtbot, qtlog):
    editor = open_from_tree(qtbot, window, PROJECT)
    assert score_of(window, 1, 0) == ("4", "382件")

    type_and_enter(qtbot, editor.view, 0, SCORE, "3")
    assert score_of(window, 1, 0)[0] == "3"
    assert_still_on(window, editor, PROJECT)
    assert cursor(editor) == (1, SCORE), "Enter moves down, as in a spreadsheet"
    assert editor.view.hasFocus(), "typing goes on in the grid"

    qtbot.keyClicks(editor.view, "2")  # the next cell takes typing at once: no click needed
    (line,) = [e for e in editor.view.findChildren(QLineEdit) if e.isVisible()]
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.view.state() != QAbstractItemView.State.EditingState)
    assert score_of(window, 1, 1)[0] == "2" and cursor(editor) == (2, SCORE)

    type_and_enter(qtbot, editor.view, 2, ACTUAL, "1500人")
    assert score_of(window, 1, 2) == ("4", "1500人")
    assert_still_on(window, editor, PROJECT)
    assert cursor(editor) == (3, ACTUAL)

    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL)
    assert score_of(window, 1, 2) == ("4", "4,800人")
    assert_still_on(window, editor, PROJECT)
    assert cursor(editor) == (3, ACTUAL) and editor.view.hasFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL)
    assert score_of(window, 1, 0)[0] == "4" and score_of(window, 1, 1)[0] == "3.06"
    assert_still_on(window, editor, PROJECT)
    qtbot.keyClick(editor.view, Qt.Key.Key_Y, CTRL)
    assert score_of(window, 1, 0)[0] == "3"
    assert_still_on(window, editor, PROJECT)
    assert_no_stray_editor(qtlog)


def test_a_refused_score_in_the_window_keeps_its_text_and_says_why_at_the_cell(window, qtbot, qtlog):
    editor = open_from_tree(qtbot, window, PROJECT)
    view = editor.view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, SCORE))
    qtbot.keyClicks(view, "5")  # weight 4
    (line,) = [e for e in view.findChildren(QLineEdit) if e.isVisible()]
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert view.state() == QAbstractItemView.State.EditingState and line.text() == "5"
    assert view.note.isVisible() and "超过权重 4" in view.note.text()
    assert score_of(window, 1, 0)[0] == "4" and window.session.undo_stack.count() == 0
    assert_still_on(window, editor, PROJECT)
    qtbot.keyClick(line, Qt.Key.Key_Backspace)
    qtbot.keyClicks(line, "3.5")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert score_of(window, 1, 0)[0] == "3.5" and cursor(editor) == (1, SCORE) and not view.note.isVisible()
    assert_no_stray_editor(qtlog)


def test_renaming_the_project_keeps_the_tree_on_it_and_ctrl_z_in_the_entry_undoes(window, qtbot, qtlog):
    editor = open_from_tree(qtbot, window, PROJECT)
    qtbot.mouseClick(editor.header.toggle, Qt.MouseButton.LeftButton)
    name = next(f for f in editor.fields if f.key == "项目名称")
    assert name.isVisible()
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Jiguan")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert_still_on(window, editor, "项目：Jiguan")
    assert "Jiguan" in editor.title.text()
    following = editor._in_order()[editor._in_order().index(name) + 1]
    assert following.hasFocus(), "Enter moves on to the next entry"

    qtbot.keyClick(following, Qt.Key.Key_Z, CTRL)  # nothing typed there: Ctrl+Z is the report's undo
    settle()
    assert name.text() == "2023年机关业务工作经费项目"
    assert_still_on(window, editor, PROJECT)
    assert_no_stray_editor(qtlog)


def test_ctrl_z_after_enter_in_the_last_entry_undoes_the_saved_total(window, qtbot):
    """总分 is the last entry: Enter saves it and the cursor stays; Ctrl+Z then takes the saved step back
    (as after Enter in the grid), rather than only the typing, which would leave an unsaved 总分 on screen."""
    editor = open_from_tree(qtbot, window, PROJECT)
    total = type_total(qtbot, editor, "88")
    assert score_table(window)["total"] == "88" and total.hasFocus()
    qtbot.keyClick(total, Qt.Key.Key_Z, CTRL)
    settle()
    assert score_table(window)["total"] == "98.9" and total.text() == "98.9" and not total.isModified()


def score_table(window):
    return repository.load_report(window.context.db, window.session.report_id).selfeval[1]


def type_total(qtbot, editor, text):
    """Type over the 总分 entry and press Enter, as the officer does."""
    total = editor.total_field
    total.setFocus()
    total.selectAll()
    qtbot.keyClicks(total, text)
    qtbot.keyClick(total, Qt.Key.Key_Return)
    settle()
    return total


def test_typed_scores_drive_the_sum_beside_the_printed_total_and_both_grades(window, qtbot):
    editor = open_from_tree(qtbot, window, PROJECT)
    totals = editor.totals
    assert editor.total_field.text() == "98.9" and totals.typed_sum.text() == "98.90"
    assert (totals.printed_grade.text(), totals.sum_grade.text()) == ("优", "优")
    assert "相符" in totals.typed_sum.toolTip()

    type_and_enter(qtbot, editor.view, 10, SCORE, "5")  # 全市劳动人事争议调解成功率: 15 → 5
    assert totals.typed_sum.text() == "88.90", "the sum follows the typed score at once"
    assert SEVERITY_COLOURS["error"].name() in totals.typed_sum.styleSheet()
    assert "不符，相差 10.0" in totals.typed_sum.toolTip()
    assert (totals.printed_grade.text(), totals.sum_grade.text()) == ("优", "良")
    assert "等级不一致" in totals.sum_grade.toolTip()
    assert totals.rule_total.text() == "98.90" and totals.rule_grade.text() == "优", "the rules give 15 still"

    type_total(qtbot, editor, "88.9")
    assert score_table(window)["total"] == "88.9"
    assert (totals.printed_grade.text(), totals.sum_grade.text()) == ("良", "良")
    assert (
        "相符" in totals.typed_sum.toolTip() and SEVERITY_COLOURS["error"].name() not in totals.typed_sum.styleSheet()
    )


@pytest.mark.parametrize("label", ["整体绩效自评", PROJECT])
def test_the_grid_shows_at_least_eight_indicators_at_1366_by_768(window, qtbot, label):
    editor = open_from_tree(qtbot, window, label)
    view = editor.view
    shown = view.viewport().height() // view.rowHeight(0)
    assert shown >= 8, f"{shown} indicator rows visible"
    assert not editor.reason.isVisible() and editor.texts.toggle.isVisible()
    qtbot.mouseClick(editor.texts.toggle, Qt.MouseButton.LeftButton)
    assert editor.reason.isVisible()


def test_a_self_evaluation_finding_jumps_with_the_tree(window, qtbot):
    window.show_table("公开01")
    finding = next(f for f in window.session.findings() if f.table == "整体绩效自评")
    window.jump_to(finding)
    editor = window.stack.currentWidget()
    assert isinstance(editor, SelfEvalEditor) and editor.table_name == "整体绩效自评"
    assert window.tree.currentItem() is tree_item(window, "整体绩效自评")
    assert editor.header.is_open, "the entry the finding names is shown, not folded away"
