"""The department's screens: the overview of its units, a folder of units read at once, the units' tree menu."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.department import FolderImport, Overview
from app.errors import OperationFailed, failing_as_operation


class OverviewDialog(QDialog):
    """Units × tables: counts of 强制/提示/尾差 (and 提示 left without a 说明); printable; the long table out."""

    open_report = Signal(int)  # a unit's report, double-clicked

    def __init__(self, context, department_id: int, year: int, parent=None):
        super().__init__(parent)
        self.context, self.department_id, self.year = context, department_id, year
        with failing_as_operation():
            self.overview: Overview = context.department.overview(department_id, year)
        self.setWindowTitle(f"{self.overview.department} {year}年度 审核概览")
        grid = self.overview.as_rows()
        self.table = QTableWidget(len(grid) - 1, len(grid[0]))
        self.table.setHorizontalHeaderLabels(grid[0])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(grid[1:]):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if text and not text.startswith("0/"):
                        item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        self.table.cellDoubleClicked.connect(self._open_row)
        legend = QLabel("每格为 强制/提示/尾差 的条数；括号内为未写说明的提示。双击单位可打开其报表。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_overview)
        self.export_button = QPushButton("导出各单位明细长表…")
        self.export_button.clicked.connect(self.export_long_table)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(legend)
        layout.addWidget(buttons)
        self.resize(1100, 520)

    def _open_row(self, row: int, _column: int) -> None:
        report_id = self.overview.rows[row].report_id
        if report_id is not None:
            self.open_report.emit(report_id)
            self.accept()

    def html(self) -> str:
        """The overview as a printable page (A4 landscape fits 公开01–09 plus the totals)."""
        grid = self.overview.as_rows()
        head = "".join(f"<th>{escape(h)}</th>" for h in grid[0])
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in grid[1:])
        return (
            f"<h3>{escape(self.overview.department)} {self.year}年度 部门决算审核概览</h3>"
            f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>"
            "<p>每格为 强制/提示/尾差 的条数；括号内为未写说明的提示。</p>"
        )

    def print_overview(self) -> None:
        from PySide6.QtGui import QPageLayout
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        if QPrintDialog(printer, self).exec():
            document = QTextDocument()
            document.setHtml(self.html())
            document.print_(printer)

    def export_long_table(self) -> Path | None:
        name = f"{self.overview.department}{self.year}各单位明细.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出各单位明细长表", name, "Excel 工作簿 (*.xlsx);;CSV (*.csv)")
        if not path:
            return None
        try:
            with failing_as_operation():
                return self.context.department.export_long_table(self.department_id, self.year, path)
        except OperationFailed as failure:
            QMessageBox.warning(self, "未能导出", str(failure))
            return None


def folder_summary(result: FolderImport) -> str:
    """What a folder import did, file by file, for a message box."""
    lines = [f"导入到部门“{result.department}”：读入 {len(result.read)} 个文件，拒绝 {len(result.refused)} 个。"]
    lines += [
        f"✔ {Path(f).name}：{unit}，{cells} 个金额" + ("（覆盖）" if replaced else "")
        for f, unit, cells, replaced in result.read
    ]
    lines += [f"✖ {Path(f).name}：{why}" for f, why in result.refused]
    lines += [f"移动：{unit} → {where}" for unit, where in result.moved]
    return "\n".join(lines)
