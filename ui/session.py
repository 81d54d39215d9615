"""One open report in the window: its checker, its database row, and every edit as an undoable command."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.audit import Change, Checker, compose
from core.findings import Finding
from core.report import Report, parse_address
from core.selfeval import selfevaluations
from core.templates import load_template_set
from db import repository
from db.database import Database, DatabaseError
from db.models import STATUS_LOCKED


class ReportSession(QObject):
    """Edits go to the database first (durable), then to the checker; views listen to `changed`.

    A write that fails changes nothing: not the checker, not the undo stack. The edit methods raise
    the DatabaseError (so the caller can keep what was typed) and `failed` tells the window.
    """

    changed = Signal(object)  # core.audit.Change
    rows_changed = Signal(str)  # a table whose rows were added or removed
    saved = Signal()
    selfeval_changed = Signal()  # the self-evaluation tables were replaced (an edit, undo or redo)
    failed = Signal(object)  # a DatabaseError: a write that did not happen

    def __init__(self, db: Database, report_id: int, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.report_id = report_id
        self.info = next(r for r in repository.list_reports(db) if r.id == report_id)
        self.report = repository.load_report(db, report_id)
        self.templates = load_template_set(self.report.year)
        self.checker = Checker(self.templates, self.report)
        self.explanations = repository.explanations(db, report_id)
        self.undo_stack = QUndoStack(self)
        self.display_unit = "万元"
        self.by_cell: dict[str, dict[str, Finding]] = {}
        self._index(Change(frozenset(), tuple(self.checker.findings()), ()))
        self._stepping = False  # inside undo()/redo(): a failed step is put back there
        self._replaying = False  # moving the stack's index back after a failed step: commands do nothing
        self._failure: DatabaseError | None = None

    @property
    def read_only(self) -> bool:
        return self.db.read_only or self.locked

    @property
    def locked(self) -> bool:
        """已锁定: nothing in the report changes (the window does not even open an editor)."""
        return self.info.status == STATUS_LOCKED

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            yield
        except DatabaseError as exc:
            self.failed.emit(exc)
            raise

    @property
    def amount_unit(self) -> str:
        return self.checker.unit

    def value(self, address: str) -> int | None:
        return self.checker.values.get(address)

    def findings(self) -> list[Finding]:
        return self.checker.findings()

    def findings_at(self, address: str) -> list[Finding]:
        return list(self.by_cell.get(address, {}).values())

    # -- edits -------------------------------------------------------------------------------

    def edit(self, values: Iterable[tuple[str, int | None]], text: str, source: str = "typed") -> Change | None:
        """Apply an edit now (saved before this returns) and put it on the undo stack."""
        new = {str(parse_address(a, self.templates)): v for a, v in values}
        old = {a: self.value(a) for a in new}
        if old == new:
            return None
        with self._writing():
            change = self._apply(new, {}, source)
        self.undo_stack.push(_EditCommand(self, old, new, {}, {}, text))
        return change

    def rename_row(self, table: str, row: str, label: str | None) -> None:
        key = f"{table}:{row}"
        old = {key: self.checker.labels.get(key)}
        new = {key: (label or "").strip() or None}
        if old == new:
            return
        with self._writing():
            self._apply({}, new, "typed")
        self.undo_stack.push(_EditCommand(self, {}, {}, old, new, f"修改 {key} 名称"))

    def remove_row(self, table: str, row: str) -> None:
        key = f"{table}:{row}"
        columns = self.templates.table(table).row_columns(row)
        old_values = {f"{key}:{c}": self.value(f"{key}:{c}") for c in columns}
        old_labels = {key: self.checker.labels.get(key)}
        with self._writing():
            self._apply(dict.fromkeys(old_values), dict.fromkeys(old_labels), "typed", remove=(table, row))
        self.undo_stack.push(
            _EditCommand(
                self,
                old_values,
                dict.fromkeys(old_values),
                old_labels,
                {key: None},
                f"删除行 {row}",
                remove=(table, row),
            )
        )

    def edit_selfeval(self, tables: list[dict], text: str) -> Change:
        """Replace the self-evaluation tables (saved at once) as one undoable edit."""
        old = copy.deepcopy(self.checker.selfeval)
        with self._writing():
            change = self._apply_selfeval(copy.deepcopy(tables))
        self.undo_stack.push(_SelfEvalCommand(self, old, copy.deepcopy(tables), text))
        return change

    def _apply_selfeval(self, tables: list[dict], source: str = "typed") -> Change:
        selfevaluations(Report(self.report.unit_name, self.report.year, selfeval=tables))  # refuse before saving
        repository.set_selfeval(self.db, self.report_id, tables, source)
        self.saved.emit()
        change = self.checker.set_selfeval(tables)
        self._index(change)
        self.changed.emit(change)
        self.selfeval_changed.emit()
        return change

    def _apply(
        self,
        values: dict[str, int | None],
        labels: dict[str, str | None],
        source: str,
        remove: tuple[str, str] | None = None,
    ) -> Change:
        repository.set_cells(self.db, self.report_id, values.items(), source, labels=labels)
        self.saved.emit()
        rows_before = {t: set(r) for t, r in self.checker.present.items()}
        changes = [self.checker.set(a, v) for a, v in values.items()]
        for key, label in labels.items():
            table, row = key.split(":")
            changes.append(self.checker.set_label(table, row, label))
        if remove:
            changes.append(self.checker.remove_row(*remove))
        change = compose(changes)
        self._index(change)
        self.changed.emit(change)
        for table, rows in self.checker.present.items():
            if rows != rows_before.get(table, set()) and self.templates.table(table).kind == "classification":
                self.rows_changed.emit(table)
        return change

    def _index(self, change: Change) -> None:
        for finding in change.disappeared:
            for cell in finding.cells:
                self.by_cell.get(cell, {}).pop(finding.key, None)
        for finding in change.appeared:
            for cell in finding.cells:
                self.by_cell.setdefault(cell, {})[finding.key] = finding

    def set_explanation(self, finding: Finding, text: str) -> None:
        """Write or remove a 说明 (refused on a locked report); not an undo step."""
        with self._writing():
            repository.set_explanation(self.db, self.report_id, finding.key, finding.rule, text)
        if text.strip():
            self.explanations[finding.key] = text.strip()
        else:
            self.explanations.pop(finding.key, None)
        self.saved.emit()
        self.changed.emit(Change(frozenset(finding.cells), (), ()))

    # -- undo and redo: a step whose write fails leaves the stack where it was -----------------

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

    def _run_step(self, write: Callable[[], object]) -> None:
        """Run an undo or redo write from inside QUndoStack, where an exception would only reach stderr."""
        if self._replaying:
            return
        try:
            write()
        except DatabaseError as exc:
            if self._stepping:
                self._failure = exc
                return
            # Called on the stack directly: its index has already moved; put it back once it returns.
            index = self.undo_stack.index()
            QTimer.singleShot(0, self, lambda: self._put_back(index))
            self.failed.emit(exc)


class _EditCommand(QUndoCommand):
    """An edit already applied when pushed; undo and redo write the database again."""

    def __init__(self, session, old_values, new_values, old_labels, new_labels, text, remove=None):
        super().__init__(text)
        self.session = session
        self.old_values, self.new_values = old_values, new_values
        self.old_labels, self.new_labels = old_labels, new_labels
        self.remove = remove
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.session._run_step(
            lambda: self.session._apply(self.new_values, self.new_labels, "redo", remove=self.remove)
        )

    def undo(self) -> None:
        self.session._run_step(lambda: self.session._apply(self.old_values, self.old_labels, "undo"))


class _SelfEvalCommand(QUndoCommand):
    """Self-evaluation tables replaced whole; already applied when pushed."""

    def __init__(self, session: ReportSession, old: list[dict], new: list[dict], text: str):
        super().__init__(text)
        self.session, self.old, self.new = session, old, new
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.session._run_step(lambda: self.session._apply_selfeval(copy.deepcopy(self.new), "redo"))

    def undo(self) -> None:
        self.session._run_step(lambda: self.session._apply_selfeval(copy.deepcopy(self.old), "undo"))
