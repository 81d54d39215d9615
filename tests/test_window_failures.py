"""A write that fails in the window: the officer sees why, keeps what was typed, and nothing is half-saved."""

import hashlib

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QLineEdit

from app.context import AppContext
from app.errors import OperationFailed
from core.reportfile import read_report
from db import repository
from db.database import Database, DatabaseError
from db.models import STATUS_LOCKED
from tests.conftest import SEED_REPORTS
from ui.grid import NAME
from ui.main_window import MainWindow
from ui.selfeval_model import SCORE

WAN = 1_000_000
DISK_FULL = "磁盘已满，修改未保存"


def disk_full(*_args, **_kwargs):
    raise DatabaseError(DISK_FULL, detail="database or disk is full")


def open_window(qtbot, tmp_path, path, read_only=False):
    db = Database.open(path, read_only=read_only)
    main = MainWindow(AppContext(db), QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "window.sqlite"
    with Database.open(path) as db:
        repository.import_report(db, read_report(SEED_REPORTS["000"])[0])
    return path


@pytest.fixture
def window(qtbot, tmp_path, path):
    main = open_window(qtbot, tmp_path, path)
    yield main
    main.close()
    main.context.close()


def files(window):
    """The database as it is on disk (its write-ahead log included)."""
    sides = [window.context.db.path, window.context.db.path.with_name(window.context.db.path.name + "-wal")]
    return [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in sides]


class Snapshot:
    """Everything a failed write must leave as it was: the file, the checker, the undo stack."""

    def __init__(self, window):
        self.window = window
        session = window.session
        self.files = files(window)
        self.report = repository.load_report(window.context.db, session.report_id)
        self.log = len(repository.edit_log(window.context.db, session.report_id))
        self.values = dict(session.checker.values)
        self.labels = dict(session.checker.labels)
        self.selfeval = [dict(t) for t in session.checker.selfeval]
        self.findings = sorted(f.key for f in session.findings())
        self.stack = (session.undo_stack.count(), session.undo_stack.index())

    def assert_unchanged(self):
        window, session = self.window, self.window.session
        assert files(window) == self.files, "the database file is untouched"
        assert repository.load_report(window.context.db, session.report_id) == self.report
        assert len(repository.edit_log(window.context.db, session.report_id)) == self.log
        assert session.checker.values == self.values and session.checker.labels == self.labels
        assert session.checker.selfeval == self.selfeval
        assert sorted(f.key for f in session.findings()) == self.findings
        assert (session.undo_stack.count(), session.undo_stack.index()) == self.stack


def index_of(view, address):
    return view.model.index(*view.model.position(address))


def type_and_enter(qtbot, view, index, text):
    """Type over a cell as a user does (the first key opens the editor) and press Enter; returns the editor."""
    view.setCurrentIndex(index)
    qtbot.keyClicks(view, text[0])
    (editor,) = [e for e in view.findChildren(QLineEdit) if e.isVisible()]
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(30)  # Qt commits, then closes (or here keeps) the editor on the next turns of the loop
    return editor


def assert_told(window, *words):
    banner = window.problem
    assert banner.isVisible()
    for word in words:
        assert word in banner.message.text()
    assert "database or disk" not in banner.message.text(), "the technical text is behind 详细信息"


def assert_editor_kept(view, editor, text):
    assert view.state() == QAbstractItemView.State.EditingState
    assert editor.isVisible() and editor.text() == text


def test_a_typed_amount_that_cannot_be_saved_stays_in_its_editor(window, qtbot, monkeypatch):
    view = window.show_table("公开01")
    before = Snapshot(window)
    monkeypatch.setattr(repository, "set_cells", disk_full)
    editor = type_and_enter(qtbot, view.body, index_of(view, "公开01:6:1"), "1234.5")
    assert_told(window, "磁盘已满", "数据库和审核结果都未改动")
    assert window.problem.detail_button.isVisible()
    window.problem.detail_button.click()
    assert "database or disk is full" in window.problem.detail.text()
    assert_editor_kept(view.body, editor, "1234.5")
    assert view.body.currentIndex() == index_of(view, "公开01:6:1"), "the cursor stays on the cell"
    before.assert_unchanged()
    # The disk has room again: Enter in the same editor saves what was typed, and the banner goes.
    monkeypatch.undo()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState)
    assert repository.load_report(window.context.db, window.session.report_id).cells["公开01:6:1"] == 1_234_500_000
    assert not window.problem.isVisible()


def test_escape_drops_the_text_that_could_not_be_saved(window, qtbot, monkeypatch):
    view = window.show_table("公开01")
    shown = view.model.data(index_of(view, "公开01:6:1"))
    before = Snapshot(window)
    monkeypatch.setattr(repository, "set_cells", disk_full)
    editor = type_and_enter(qtbot, view.body, index_of(view, "公开01:6:1"), "99")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState)
    assert view.model.data(index_of(view, "公开01:6:1")) == shown
    before.assert_unchanged()


def test_a_pasted_block_that_cannot_be_saved_changes_nothing(window, monkeypatch):
    view = window.show_table("公开09")
    view.body.setCurrentIndex(index_of(view, "公开09:1:1"))
    before = Snapshot(window)
    monkeypatch.setattr(repository, "set_cells", disk_full)
    assert not view.body.paste("90.63\t10\t75.92\n")
    assert_told(window, "磁盘已满")
    assert "剪贴板" in window.statusBar().currentMessage()
    before.assert_unchanged()


def test_fill_by_formula_and_row_changes_that_cannot_be_saved_change_nothing(window, qtbot, monkeypatch):
    window.session.edit([("公开01:27:1", 1 * WAN)], "break a total")
    view = window.show_table("公开01")
    view.body.setCurrentIndex(index_of(view, "公开01:27:1"))
    before = Snapshot(window)
    monkeypatch.setattr(repository, "set_cells", disk_full)
    window.fill_current()
    assert_told(window, "磁盘已满")
    window.fill_table()
    before.assert_unchanged()

    classification = window.show_table("公开03")
    classification.body.setCurrentIndex(index_of(classification, "公开03:2080101:1"))
    window.remove_current_row()
    assert classification.model.position("公开03:2080101:1") is not None
    before.assert_unchanged()

    new_row = classification.model.index(classification.model.rowCount() - 1, 0)
    editor = type_and_enter(qtbot, classification.body, new_row, "2080107")
    assert_editor_kept(classification.body, editor, "2080107")
    assert classification.model.position("公开03:2080107:1") is None
    before.assert_unchanged()


def test_a_rename_that_cannot_be_saved_stays_in_its_editor(window, qtbot, monkeypatch):
    view = window.show_table("公开02")
    (name,) = [
        view.model.index(r, c)
        for r, c in view.model._positions["公开02:2050201"]
        if view.model.grid.body[r][c].kind == NAME
    ]
    before = Snapshot(window)
    monkeypatch.setattr(repository, "set_cells", disk_full)
    editor = type_and_enter(qtbot, view.body, name, "Preschool")
    assert_told(window, "磁盘已满")
    assert_editor_kept(view.body, editor, "Preschool")
    before.assert_unchanged()


def test_undo_and_redo_that_cannot_be_saved_leave_the_stack_where_it_was(window, qtbot, monkeypatch):
    window.session.edit([("公开01:6:1", 7 * WAN)], "an edit")
    before = Snapshot(window)
    monkeypatch.setattr(repository, "set_cells", disk_full)
    window.undo_action.trigger()
    assert_told(window, "磁盘已满")
    before.assert_unchanged()
    assert window.session.value("公开01:6:1") == 7 * WAN
    window.session.undo_stack.undo()  # straight on the stack, as a shortcut might: put back all the same
    qtbot.waitUntil(lambda: window.session.undo_stack.index() == before.stack[1])
    before.assert_unchanged()
    monkeypatch.undo()
    assert window.session.undo()
    log = repository.edit_log(window.context.db, window.session.report_id)
    assert log[-1].source == "undo"
    after_undo = Snapshot(window)
    monkeypatch.setattr(repository, "set_cells", disk_full)
    window.redo_action.trigger()
    after_undo.assert_unchanged()
    monkeypatch.undo()
    assert window.session.redo()
    entry = repository.edit_log(window.context.db, window.session.report_id)[-1]
    assert (entry.address, entry.new_value, entry.source) == ("公开01:6:1", "7.00", "redo")


def test_a_self_evaluation_edit_that_cannot_be_saved_keeps_the_typed_text(window, qtbot, monkeypatch):
    editor = window.show_selfeval(1)
    qtbot.waitExposed(editor)
    before = Snapshot(window)
    monkeypatch.setattr(repository, "set_selfeval", disk_full)
    cell = type_and_enter(qtbot, editor.view, editor.model.index(0, SCORE), "3")
    assert_told(window, "磁盘已满")
    assert_editor_kept(editor.view, cell, "3")
    qtbot.keyClick(cell, Qt.Key.Key_Escape)
    entry = next(f for f in editor.fields if f.what == "预算数（A）")
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClicks(entry, "8000")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert entry.text() == "8000", "the typed figure stays in the entry"
    assert "磁盘已满" in editor.message.text()
    editor.refresh()
    assert entry.text() == "8000", "a refresh does not wipe what could not be saved"
    before.assert_unchanged()


def test_an_explanation_that_cannot_be_saved_is_offered_again(window, monkeypatch):
    window.session.edit([("公开06:30217:1", 5 * WAN)], "a warning")
    dock = window.findings
    row = next(
        r
        for r in range(dock.proxy.rowCount())
        if dock.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).severity == "warning"
    )
    dock.view.setCurrentIndex(dock.proxy.index(row, 0))
    before = Snapshot(window)
    asked = []

    def dialog(_parent, _title, label, text):
        asked.append((label, text))
        return ("项目支出中列支的接待费", True) if len(asked) == 1 else (text, False)

    monkeypatch.setattr(QInputDialog, "getMultiLineText", dialog)
    monkeypatch.setattr(repository, "set_explanation", disk_full)
    assert not dock.explain_current()
    assert asked[1][1] == "项目支出中列支的接待费", "what was written comes back to retry or copy"
    assert "说明未保存" in asked[1][0] and "磁盘已满" in asked[1][0]
    assert_told(window, "磁盘已满")
    assert window.session.explanations == {}
    before.assert_unchanged()


# -- a read-only database (case 4, the window side) ------------------------------------------------


def test_a_read_only_database_shows_a_notice_and_refuses_edits_with_its_reason(qtbot, tmp_path, path):
    window = open_window(qtbot, tmp_path, path, read_only=True)
    window.context.db.read_only_reason = "另一程序正在使用该数据库"
    window._show_notice()
    assert window.notice.isVisible()
    assert window.notice.message.text() == "只读：另一程序正在使用该数据库，修改不会保存"
    view = window.show_table("公开01")
    before = Snapshot(window)
    editor = type_and_enter(qtbot, view.body, index_of(view, "公开01:6:1"), "12")
    assert_told(window, "只读", "另一程序正在使用该数据库")
    assert_editor_kept(view.body, editor, "12")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not window.findings.explain_button.isEnabled()
    assert "只读" in window.findings.explain_button.toolTip()
    before.assert_unchanged()
    window.close()
    window.context.db.close()


# -- a locked report (case 18) ---------------------------------------------------------------------


def test_a_locked_report_takes_no_explanation_in_the_dock(qtbot, tmp_path, path, monkeypatch):
    with Database.open(path) as db:
        (info,) = repository.list_reports(db)
        repository.set_status(db, info.id, STATUS_LOCKED)
    window = open_window(qtbot, tmp_path, path)
    dock = window.findings
    assert not dock.explain_button.isEnabled() and "已锁定" in dock.explain_button.toolTip()
    assert "已锁定" in window.notice.message.text() and window.notice.isVisible()
    warning = next(f for f in window.session.findings() if f.severity == "warning")
    row = next(
        r for r in range(dock.proxy.rowCount()) if dock.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == warning
    )
    dock.view.setCurrentIndex(dock.proxy.index(row, 0))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: pytest.fail("no dialog on a locked report"))
    before = Snapshot(window)
    assert not dock.explain_current()
    with pytest.raises(OperationFailed, match="已锁定"):
        window.session.set_explanation(warning, "锁定后写的说明")
    assert window.problem.isVisible()
    before.assert_unchanged()
    assert repository.explanations(window.context.db, window.session.report_id) == {}
    # Typing on a locked table says why nothing happens.
    view = window.show_table("公开01")
    view.body.setCurrentIndex(index_of(view, "公开01:6:1"))
    qtbot.keyClicks(view.body, "5")
    assert "已锁定" in window.statusBar().currentMessage()
    assert view.body.state() != QAbstractItemView.State.EditingState
    before.assert_unchanged()
    window.close()
    window.context.db.close()
