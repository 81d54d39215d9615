"""Small dialogs: the first unit and year, a new report."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from core.templates import available_years
from db.models import DEPARTMENT, UNIT


class NewReportDialog(QDialog):
    """单位名称, 单位编码, 年度, 部门 or 单位; the template set follows the year."""

    def __init__(self, parent=None, first_start: bool = False):
        super().__init__(parent)
        self.setWindowTitle("欢迎使用：新建单位和年度" if first_start else "新建报表")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：武汉市人力资源和社会保障局")
        self.code = QLineEdit()
        self.code.setPlaceholderText("可不填")
        self.year = QComboBox()
        for year in reversed(available_years()):
            self.year.addItem(f"{year} 年度", year)
        self.department = QRadioButton("部门（汇总所属单位）")
        self.unit = QRadioButton("单位")
        self.unit.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.department)
        kinds.addButton(self.unit)
        kind_row = QWidget()
        row = QHBoxLayout(kind_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.department)
        row.addWidget(self.unit)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        if first_start:
            form.addRow(QLabel("数据库中还没有报表。请先填写单位和年度，表式按年度自动选用。"))
        form.addRow("单位名称", self.name)
        form.addRow("单位编码", self.code)
        form.addRow("年度", self.year)
        form.addRow("类型", kind_row)
        form.addRow(self.problem)
        form.addRow(buttons)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.problem.setText("请填写单位名称")
            return
        self.accept()

    def values(self) -> dict:
        return {
            "unit_name": self.name.text().strip(),
            "unit_code": self.code.text().strip() or None,
            "year": self.year.currentData(),
            "kind": DEPARTMENT if self.department.isChecked() else UNIT,
        }
