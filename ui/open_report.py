"""The report open in the window: the application's session, its undo stack, and the signals views listen to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.changes import OpChanges
from app.errors import OperationFailed
from app.session import Outcome, ReportSession, Step
from core.findings import Finding


class OpenReport(QObject):
    """Every operation runs in the application's ReportSession; what it changed goes out as `changed`.

    A write that fails changes nothing — not the report, not the undo stack: the operation raises
    OperationFailed (so the caller can keep what was typed) and `failed` tells the window.
    """

    #: app.changes.OpChanges, at once: for the models of the views typed into (tables, indicators).
    changed = Signal(object)
    #: The same OpChanges, in order, once the event loop has painted the edit: for what surrounds it (the
    #: tree's marks and the counts, the findings list, the self-evaluation entries and totals), so that the
    #: typed cell is on screen first and a burst of changes repaints them once.
    settled = Signal(object)
    failed = Signal(object)  # app.errors.OperationFailed
    saved = Signal()

    def __init__(self, session: ReportSession, parent: QObject | None = None):
        super().__init__(parent)
        self.app = session
        self.undo_stack = QUndoStack(self)
        self.display_unit = "万元"
        self._stepping = False  # inside undo()/redo(): a failed step is put back there
        self._replaying = False  # moving the stack's index back after a failed step: commands do nothing
        self._failure: OperationFailed | None = None
        self._recoloured: tuple[OpChanges | None, set[str]] = (None, set())
        self._unsettled: list[OpChanges] = []

    # -- what views read (the session's own state, never a copy) ---------------------------------

    @property
    def report_id(self) -> int:
        return self.app.report_id

    @property
    def info(self):
        return self.app.info

    @property
    def templates(self):
        return self.app.templates

    @property
    def checker(self):
        return self.app.checker

    @property
    def variants(self) -> dict[str, str]:
        """table id → the layout variant the report prints (absent: the default)."""
        return getattr(self.app, "variants", {})

    @property
    def explanations(self) -> dict[str, str]:
        return self.app.explanations

    @property
    def locked(self) -> bool:
        """已锁定: nothing in the report changes (the window does not even open an editor)."""
        return self.app.locked

    @property
    def read_only(self) -> bool:
        return self.app.read_only

    @property
    def read_only_reason(self) -> str | None:
        return self.app.read_only_reason

    @property
    def amount_unit(self) -> str:
        return self.app.amount_unit

    def value(self, address: str) -> int | None:
        return self.app.value(address)

    def findings(self) -> list[Finding]:
        return self.app.findings()

    def findings_at(self, address: str) -> list[Finding]:
        return self.app.findings_at(address)

    def recoloured(self, changes: OpChanges) -> set[str]:
        """The cells an operation gave another colour (their worst finding changed): worked out once per
        operation, however many views ask."""
        if self._recoloured[0] is not changes:
            self._recoloured = (changes, self.app.recoloured(changes.audit))
        return self._recoloured[1]

    def export(self, path):
        """The report as a file (the format its name says)."""
        return self.app.export(path)

    def summary(self, now=None):
        return self.app.summary(now)

    def check_narrative(self, path) -> OpChanges:
        return self._announce(self._run(lambda: self.app.check_narrative(path)))

    def previous_value(self, address: str) -> int | None | bool:
        """Last year's figure for a cell (False when there is no report of last year)."""
        return self.app.previous_value(address)

    # -- operations ---------------------------------------------------------------------------------

    def edit(
        self,
        values: Iterable[tuple[str, int | None]],
        text: str,
        source: str = "typed",
        labels: dict[str, str | None] | None = None,
    ) -> OpChanges | None:
        """Set cells (and row names) now, saved before this returns, as one undo step; None when nothing changed."""
        return self._push(lambda: self.app.edit_cells(values, text, source, labels))

    def rename_row(self, table: str, row: str, label: str | None) -> OpChanges | None:
        return self._push(lambda: self.app.rename_row(table, row, label))

    def remove_row(self, table: str, row: str) -> OpChanges | None:
        return self._push(lambda: self.app.remove_row(table, row))

    def add_catalogue_code(self, kind: str, code: str, name: str) -> OpChanges | None:
        """添加到科目目录: the code accepted in this report, one undo step."""
        return self._push(lambda: self.app.add_catalogue_code(kind, code, name))

    def fill_formulas(self, table: str) -> OpChanges | None:
        return self._push(lambda: self.app.fill_formulas(table))

    def edit_selfeval(self, tables: list[dict[str, Any]], text: str) -> OpChanges | None:
        return self._push(lambda: self.app.edit_selfeval(tables, text))

    @property
    def narrative(self) -> dict[str, str]:
        """The 情况说明's supplementary answers as stored (core.narrative.form keys → text)."""
        return self.app.narrative

    def set_narrative_extra(
        self, values: dict[str, str | None], text: str = "修改情况说明补充信息"
    ) -> OpChanges | None:
        """Answer fields of the 情况说明 form, saved at once, as one undo step; OperationFailed says why not."""
        return self._push(lambda: self.app.set_narrative_extra(values, text))

    def set_explanation(self, finding: Finding, text: str) -> OpChanges:
        """Write or remove a 说明 (refused on a locked report); not an undo step."""
        return self._announce(self._run(lambda: self.app.set_explanation(finding, text)))

    def set_status(self, status: str) -> OpChanges:
        return self._announce(self._run(lambda: self.app.set_status(status)))

    def _push(self, operation: Callable[[], Outcome]) -> OpChanges | None:
        outcome = self._run(operation)
        if outcome.step is None:
            return None
        self.undo_stack.push(_StepCommand(self, outcome.step))
        return self._announce(outcome.changes)

    def _run(self, operation: Callable[[], Any]) -> Any:
        try:
            return operation()
        except OperationFailed as failure:
            self.failed.emit(failure)
            raise

    def _announce(self, changes: OpChanges) -> OpChanges:
        self.saved.emit()
        self.changed.emit(changes)
        self._unsettled.append(changes)
        if len(self._unsettled) == 1:
            QTimer.singleShot(0, self, self.settle)  # a zero timer runs after the pending paint
        return changes

    def settle(self) -> None:
        """Send `settled` for every change not yet sent (the event loop does this after each paint)."""
        while self._unsettled:
            self.settled.emit(self._unsettled.pop(0))

    # -- undo and redo: a step whose write fails leaves the stack where it was ---------------------

    def undo(self) -> bool:
        """Undo one step; False (and `failed` emitted) when its write failed and nothing changed."""
        return self._step(self.undo_stack.undo)

    def redo(self) -> bool:
        return self._step(self.undo_stack.redo)

    def _step(self, move: Callable[[], None]) -> bool:
        index = self.undo_stack.index()
        self._stepping, self._failure = True, None
        try:
            move()
        finally:
            self._stepping = False
        failure, self._failure = self._failure, None
        if failure is None:
            return True
        self._put_back(index)
        self.failed.emit(failure)
        return False

    def _put_back(self, index: int) -> None:
        self._replaying = True
        try:
            self.undo_stack.setIndex(index)
        finally:
            self._replaying = False

    def _run_step(self, write: Callable[[], OpChanges]) -> None:
        """An undo or redo write, run from inside QUndoStack, where an exception would only reach stderr."""
        if self._replaying:
            return
        try:
            changes = write()
        except OperationFailed as failure:
            if self._stepping:
                self._failure = failure
                return
            # Called on the stack directly: its index has already moved; put it back once it returns.
            index = self.undo_stack.index()
            QTimer.singleShot(0, self, lambda: self._put_back(index))
            self.failed.emit(failure)
            return
        self._announce(changes)


class _StepCommand(QUndoCommand):
    """An operation already carried out when pushed; undo and redo apply its step's two sides."""

    def __init__(self, report: OpenReport, step: Step):
        super().__init__(step.text)
        self.report, self.step = report, step
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.report._run_step(lambda: self.report.app.redo(self.step))

    def undo(self) -> None:
        self.report._run_step(lambda: self.report.app.undo(self.step))
