"""添加到科目目录 in the real window: from a 科目编码 finding in the list, through the dialog, and undone."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from tests.window_helpers import close_window, open_window, settle
from ui.catalogue_dialog import ACTION_TEXT, CatalogueDialog, add_catalogue_action

UNKNOWN = "2089999"


def test_a_code_added_from_the_findings_list_is_accepted_named_and_undone(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    try:
        window.show_table("公开02")
        window.session.rename_row("公开02", UNKNOWN, UNKNOWN)  # as a new row typed with its code
        settle()
        proxy = window.findings.proxy
        rows = [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(proxy.rowCount())]
        finding = next(f for f in rows if f.rule == "公开02.科目编码" and f.cells == (f"公开02:{UNKNOWN}",))
        menu = QMenu(window)
        add_catalogue_action(menu, finding, window.session, window)
        (action,) = [a for a in menu.actions() if a.text() == ACTION_TEXT]
        assert action.isEnabled()
        other = next(f for f in rows if not f.rule.endswith("科目编码"))
        menu_other = QMenu(window)
        add_catalogue_action(menu_other, other, window.session, window)
        assert not menu_other.actions()[0].isEnabled()

        seen = []

        def fill():
            dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, CatalogueDialog) and w.isVisible())
            assert dialog.code.text() == UNKNOWN
            dialog.accept()  # no name yet: refused inside the dialog
            seen.append(dialog.problem.text())
            dialog.code.setText("20899X")
            dialog.name.setText("其他社会保障和就业支出")
            dialog.accept()
            seen.append(dialog.problem.text())
            dialog.code.setText(UNKNOWN)
            dialog.accept()

        QTimer.singleShot(0, fill)
        action.trigger()
        assert seen == [f"请填写科目“{UNKNOWN}”的名称", "支出功能分类科目编码应为 3、5、7 位数字，实为“20899X”"]
        assert not [f for f in window.session.findings() if f.cells == (f"公开02:{UNKNOWN}",)]
        view = window.show_table("公开02")
        shown = [
            view.model.index(r, c).data() for r in range(view.model.rowCount()) for c in range(view.model.columnCount())
        ]
        assert any(text and "其他社会保障和就业支出" in text for text in shown)
        assert window.session.undo()
        assert [f for f in window.session.findings() if f.cells == (f"公开02:{UNKNOWN}",)]
    finally:
        close_window(window)
