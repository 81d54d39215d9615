"""添加到科目目录: a code the catalogue lacks, accepted in the open report with the name the user gives it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from app.errors import OperationFailed
from core.catalogue import NAMES, addition_problem
from core.findings import Finding
from ui.dialogs import ok_cancel
from ui.open_report import OpenReport

ACTION_TEXT = "添加到科目目录…"


def unknown_code(finding: Finding | None, report: OpenReport) -> tuple[str, str] | None:
    """(kind, code) of a 科目编码 finding (a code not in the catalogue), else None."""
    if finding is None or not finding.rule.endswith(".科目编码") or not finding.cells:
        return None
    table = report.templates.tables.get(finding.table)
    if table is None or table.catalogue is None:
        return None
    return table.catalogue, finding.cells[0].split(":")[1]


class CatalogueDialog(QDialog):
    """Code (prefilled) and name; refuses, in Chinese and inside the dialog, what cannot be added."""

    def __init__(self, report: OpenReport, kind: str, code: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.report, self.kind = report, kind
        self.setWindowTitle("添加到科目目录")
        year = report.checker.year
        intro = QLabel(
            f"把科目加入本报表（{report.info.unit_name} {year}年度）的{NAMES[kind]}目录；"
            "此后该编码不再提示，行名称显示为所填名称。随报表文件导出、导入。"
        )
        intro.setWordWrap(True)
        self.code = QLineEdit(code)
        self.name = QLineEdit()
        self.name.setPlaceholderText("科目名称（按政府收支分类科目填写）")
        self.problem = QLabel()
        self.problem.setStyleSheet("QLabel { color: #b00020; }")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("科目编码：", self.code)
        form.addRow("科目名称：", self.name)
        buttons = ok_cancel("添加", self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.name.setFocus()
        self.setMinimumWidth(420)

    def accept(self) -> None:  # Qt's name: only a code that was added closes the dialog
        code, name = self.code.text().strip(), self.name.text().strip()
        problem = addition_problem(self.kind, code, name, self.report.checker.catalogue(self.kind))
        if problem is None:
            try:
                self.report.add_catalogue_code(self.kind, code, name)
            except OperationFailed as exc:
                problem = f"未添加：{exc}"
        if problem:
            self.problem.setText(problem)
            return
        super().accept()


def add_catalogue_action(menu: QMenu, finding: Finding | None, report: OpenReport, parent: QWidget) -> None:
    """Put 添加到科目目录… on a menu: enabled on a 科目编码 finding of a report that can be changed."""
    target = unknown_code(finding, report)
    action = menu.addAction(ACTION_TEXT)
    action.setEnabled(target is not None and not report.read_only)
    if report.read_only and target is not None:
        action.setToolTip(report.read_only_reason or "")
    if target is not None:
        action.triggered.connect(lambda: CatalogueDialog(report, *target, parent).exec())
