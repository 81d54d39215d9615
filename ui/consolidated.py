"""A department's 汇总 open in the window: read-only, with each cell's breakdown by unit."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.department import ConsolidatedReport
from app.errors import OperationFailed
from core.findings import Finding
from core.money import format_amount
from core.status import DEPARTMENT


@dataclass(frozen=True)
class ConsolidatedInfo:
    """What the window shows of the report it has open (as ReportInfo does for a unit's)."""

    unit_name: str
    year: int
    unit_kind: str = DEPARTMENT
    status: str = "汇总"


class OpenConsolidation(QObject):
    """Looks to the views like an open report (OpenReport's reading side); every change is refused."""

    changed = Signal(object)
    settled = Signal(object)
    failed = Signal(object)
    saved = Signal()

    def __init__(self, consolidated: ConsolidatedReport, parent: QObject | None = None):
        super().__init__(parent)
        self.consolidated = consolidated
        self.undo_stack = QUndoStack(self)
        self.display_unit = "万元"
        self.info = ConsolidatedInfo(consolidated.unit_name, consolidated.year)
        self.report_id = None
        self.explanations: dict[str, str] = {}
        self.by_cell: dict[str, list[Finding]] = {}
        for finding in consolidated.findings():
            for cell in finding.cells:
                self.by_cell.setdefault(cell, []).append(finding)

    locked = True
    read_only = True

    def settle(self) -> None:
        """Nothing changes here, so nothing is ever owed to the views."""

    @property
    def read_only_reason(self) -> str:
        return self.consolidated.read_only_reason

    @property
    def templates(self):
        return self.consolidated.templates

    @property
    def checker(self):
        return self.consolidated.checker

    @property
    def amount_unit(self) -> str:
        return self.consolidated.amount_unit

    def value(self, address: str) -> int | None:
        return self.consolidated.value(address)

    def findings(self) -> list[Finding]:
        return self.consolidated.findings()

    def findings_at(self, address: str) -> list[Finding]:
        return list(self.by_cell.get(address, ()))

    def breakdown_text(self, address: str) -> str | None:
        """The cell's amount unit by unit (and the adjustments), for its tooltip."""
        parts = [
            f"{unit}：{format_amount(fen, self.display_unit)}" for unit, fen in self.consolidated.breakdown(address)
        ]
        parts += [
            f"调整（{entry.note}）：{format_amount(fen, self.display_unit)}"
            for entry, fen in self.consolidated.adjustments_at(address)
        ]
        return ("各单位：\n" + "\n".join(parts)) if parts else None

    def contributors(self, finding: Finding) -> list[str]:
        return self.consolidated.contributors(finding)

    def export(self, path):
        """The 汇总 as a report file or a checked workbook."""
        from app.errors import failing_as_operation

        with failing_as_operation():
            return self.consolidated.export(path)

    def summary(self, now=None):
        """The audit summary of the 汇总 (its findings; no 说明, it is not edited)."""
        from datetime import datetime

        from core.summary import build_summary
        from core.version import version

        return build_summary(
            self.consolidated.report(),
            self.templates,
            self.findings(),
            {},
            "汇总（只读）",
            now or datetime.now(),
            version(),
        )

    def _refuse(self, *_args, **_kwargs):
        failure = OperationFailed(self.read_only_reason)
        self.failed.emit(failure)
        raise failure

    edit = rename_row = remove_row = fill_formulas = edit_selfeval = set_explanation = set_status = _refuse

    def undo(self) -> bool:
        return False

    def redo(self) -> bool:
        return False
