"""What the window tests share: a real MainWindow on a real database file, and typing as a user does."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from app.context import AppContext
from db import repository
from tests.conftest import SEED_REPORTS
from ui.main_window import MainWindow

WAN = 1_000_000


def open_window(qtbot, tmp_path, seed: str = "000", size: tuple[int, int] | None = None) -> MainWindow:
    """The main window on a new database holding one seed's report; `size` sets a normal window's size."""
    context = AppContext.open(tmp_path / "window.sqlite")
    context.import_file(SEED_REPORTS[seed])
    main = MainWindow(context, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    if size:
        main.setWindowState(Qt.WindowState.WindowNoState)  # the offscreen screen is smaller than an office PC's
        main.resize(*size)
        qtbot.waitExposed(main)
    return main


def close_window(main: MainWindow) -> None:
    main.close()
    main.context.close()


def stored(window, address):
    """What the database holds for a cell of the open report (not what the window shows)."""
    return repository.load_report(window.context.db, window.session.report_id).cells.get(address)


def index_of(view, address):
    return view.model.index(*view.model.position(address))


def type_into(qtbot, view, address, text):
    """Type over a cell as a user does: the first key opens the editor, Enter commits."""
    view.body.setCurrentIndex(index_of(view, address))
    qtbot.keyClicks(view.body, text[0])
    (editor,) = view.body.findChildren(QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits an editor's data on the next turn of the event loop.
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState)
    settle()


def settle() -> None:
    """Let the event loop run as it does between two keys: the typed cell is painted first, then the
    views around it (tree marks, counts, findings list, self-evaluation entries) follow the change."""
    QApplication.processEvents()
