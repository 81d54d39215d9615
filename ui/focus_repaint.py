"""Item views that repaint only what focus changes, not the whole view."""

from __future__ import annotations

from PySide6.QtGui import QRegion


class FocusRepaint:
    """A QTableView mixin. QAbstractItemView repaints the whole viewport when focus comes back (after every
    Enter, from the closed editor), and QWidget's handler the whole view with everything beneath it: only
    the frame, the current cell and the selection look different, so only they are repainted."""

    #: Whether, with no current cell, Qt's own handler should pick one (and repaint all).
    qt_picks_current = False

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.qt_picks_current and not self.currentIndex().isValid():
            super().focusInEvent(event)
            return
        event.accept()
        self._repaint_current()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        event.accept()
        self._repaint_current()

    def _repaint_current(self) -> None:
        """The frame, the current cell and the selection: all that is drawn differently with and without focus."""
        self.update(QRegion(self.rect()).subtracted(QRegion(self.contentsRect())))
        current = self.currentIndex()
        if current.isValid():
            self.viewport().update(self.visualRect(current))
        if self.selectionModel() is not None:
            self.viewport().update(self.visualRegionForSelection(self.selectionModel().selection()))
