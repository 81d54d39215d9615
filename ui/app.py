"""Start the window: open the database (telling the user what is wrong, in Chinese) and show the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from app.context import AppContext
from app.errors import DatabaseBusy, DatabaseCorrupt, DatabaseError, DatabaseInUse, DatabaseWalLost
from app.storage import open_database as open_context
from app.storage import restore

_ICONS = {
    "question": QMessageBox.Icon.Question,
    "critical": QMessageBox.Icon.Critical,
    "warning": QMessageBox.Icon.Warning,
    "information": QMessageBox.Icon.Information,
}


def ask(parent, kind: str, title: str, text: str, detail: str | None = None, question: bool = False) -> bool:
    """One message box, with the technical text behind 详细信息; True if the user answered Yes."""
    box = QMessageBox(_ICONS[kind], title, text, parent=parent)
    if detail:
        box.setDetailedText(detail)
    if question:
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def open_database(path: str | None, parent=None) -> AppContext | None:
    """Open the file: read-only when it is in use, a restore only when it is damaged, never when busy."""
    try:
        context = open_context(path)
    except DatabaseInUse as exc:
        if not ask(parent, "question", "数据库正在使用", f"{exc}\n\n是否以只读方式打开？", exc.detail, question=True):
            return None
        return _open_read_only(path, parent)
    except DatabaseWalLost as exc:
        if not ask(parent, "warning", "有修改不在数据库中", f"{exc}\n\n是否继续打开？", exc.detail, question=True):
            return None
        return open_database(path, parent)  # reported once: this open goes on with what the file holds
    except DatabaseBusy as exc:  # another program holds it: in use, not damaged, so no restore is offered
        ask(parent, "critical", "数据库正被占用", str(exc), exc.detail)
        return None
    except DatabaseCorrupt as exc:
        if exc.backup is None:
            ask(parent, "critical", "数据库已损坏", str(exc), exc.detail)
            return None
        if not ask(parent, "question", "数据库已损坏", f"{exc}\n\n是否现在恢复该备份？", exc.detail, question=True):
            return None
        try:
            restored = restore(path, exc.backup)
        except DatabaseError as failure:
            ask(parent, "critical", "无法恢复", str(failure), failure.detail)
            return None
        ask(parent, "information", "已恢复", restored.note)
        return open_database(path, parent)
    except DatabaseError as exc:
        ask(parent, "critical", "无法打开数据库", str(exc), exc.detail)
        return None
    if context.warnings:
        ask(parent, "warning", "数据库提醒", "\n\n".join(context.warnings))
    return context


def _open_read_only(path: str | None, parent) -> AppContext | None:
    try:
        return open_context(path, read_only=True)
    except DatabaseError as exc:
        ask(parent, "critical", "无法打开数据库", str(exc), exc.detail)
        return None


def install_chinese(app: QApplication) -> bool:
    """Qt's own words (file dialogs, OK/Cancel, context menus) in Chinese, from the translations PySide6 ships."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = False
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            loaded = True
    return loaded


def run(db_path: str | None) -> int:
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("决算审核台")
    app.setOrganizationName("juesuan")
    install_chinese(app)
    context = open_database(db_path)
    if context is None:
        return 2
    window = MainWindow(context)
    window.show()
    window.first_start()
    try:
        return app.exec()
    finally:
        context.close()
