"""Start the window: open the database (telling the user what is wrong, in Chinese) and show the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from db import backups
from db.database import Database, DatabaseCorrupt, DatabaseError, DatabaseInUse


def open_database(path: str | None, parent=None) -> Database | None:
    """Open the file, offering read-only use when it is in use and a restore when it is damaged."""
    try:
        return Database.open(path)
    except DatabaseInUse as exc:
        answer = QMessageBox.question(parent, "数据库正在使用", f"{exc}\n\n是否以只读方式打开？")
        if answer == QMessageBox.StandardButton.Yes:
            return Database.open(path, read_only=True)
        return None
    except DatabaseCorrupt as exc:
        if exc.backup is None:
            QMessageBox.critical(parent, "数据库已损坏", str(exc))
            return None
        answer = QMessageBox.question(parent, "数据库已损坏", f"{exc}\n\n是否现在恢复该备份？")
        if answer != QMessageBox.StandardButton.Yes:
            return None
        kept = backups.restore_backup(exc.path, exc.backup)
        QMessageBox.information(
            parent, "已恢复", f"已用备份 {exc.backup.name} 恢复；原文件保存为 {kept.name if kept else '（无）'}。"
        )
        return Database.open(path)
    except DatabaseError as exc:
        QMessageBox.critical(parent, "无法打开数据库", str(exc))
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
