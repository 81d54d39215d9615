"""Start the window: open the database (telling the user what is wrong, in Chinese) and show the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from db.database import (
    Database,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseInUse,
    DatabaseWalLost,
    restore_backup,
)

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


def open_database(path: str | None, parent=None) -> Database | None:
    """Open the file: read-only when it is in use, a restore only when it is damaged, never when busy."""
    try:
        db = Database.open(path)
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
            _, kept = restore_backup(path, exc.backup)
        except DatabaseError as failure:
            ask(parent, "critical", "无法恢复", str(failure), failure.detail)
            return None
        ask(
            parent,
            "information",
            "已恢复",
            f"已用备份 {exc.backup.name} 恢复；原文件保存为 {kept.name if kept else '（无）'}。",
        )
        return open_database(path, parent)
    except DatabaseError as exc:
        ask(parent, "critical", "无法打开数据库", str(exc), exc.detail)
        return None
    if db.warnings:
        ask(parent, "warning", "数据库提醒", "\n\n".join(db.warnings))
    return db


def _open_read_only(path: str | None, parent) -> Database | None:
    try:
        return Database.open(path, read_only=True)
    except DatabaseError as exc:
        ask(parent, "critical", "无法打开数据库", str(exc), exc.detail)
        return None


def run(db_path: str | None) -> int:
    from app.context import AppContext
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("决算审核台")
    app.setOrganizationName("juesuan")
    db = open_database(db_path)
    if db is None:
        return 2
    window = MainWindow(AppContext(db))
    window.show()
    window.first_start()
    try:
        return app.exec()
    finally:
        db.close()
