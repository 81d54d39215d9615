"""Small dialogs and notices: the first unit and year, a new report, the window's banners."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.status import DEPARTMENT, UNIT
from core.templates import DEFAULT_REGION, available_regions, available_years


def ok_cancel(ok_text: str, accept, reject) -> QDialogButtonBox:
    """确定/取消 buttons with the OK button named for what it does (创建, 添加…)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(accept)
    buttons.rejected.connect(reject)
    return buttons


class NewReportDialog(QDialog):
    """单位名称, 单位编码, 地区 and 年度 (the layout: the years listed are those of the region), 部门 or 单位."""

    def __init__(self, parent=None, first_start: bool = False):
        super().__init__(parent)
        self.setWindowTitle("欢迎使用：新建单位和年度" if first_start else "新建报表")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：武汉市人力资源和社会保障局")
        self.code = QLineEdit()
        self.code.setPlaceholderText("可不填")
        self.region = QComboBox()
        for region in available_regions():
            self.region.addItem(region, region)
        self.year = QComboBox()
        self.region.currentIndexChanged.connect(self._list_years)
        self.region.setCurrentIndex(max(self.region.findData(DEFAULT_REGION), 0))
        self._list_years()
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
        buttons = ok_cancel("创建", self._accept, self.reject)
        form = QFormLayout(self)
        if first_start:
            form.addRow(QLabel("数据库中还没有报表。请先填写单位、地区和年度，表式按地区和年度自动选用。"))
        form.addRow("单位名称", self.name)
        form.addRow("单位编码", self.code)
        form.addRow("地区（表式）", self.region)
        form.addRow("年度", self.year)
        form.addRow("类型", kind_row)
        form.addRow(self.problem)
        form.addRow(buttons)

    def _list_years(self) -> None:
        """The region's years, newest first (and selected)."""
        self.year.clear()
        for year in reversed(available_years(self.region.currentData() or DEFAULT_REGION)):
            self.year.addItem(f"{year} 年度", year)

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
            "region": self.region.currentData() or DEFAULT_REGION,
            "kind": DEPARTMENT if self.department.isChecked() else UNIT,
        }


class Banner(QFrame):
    """A notice across the top of the window that stays until its cause is gone (or it is closed).

    Not a message box: a finance officer typing all day on a file that cannot be written wants to
    see why once, plainly, not to dismiss a dialog per keystroke.
    """

    STYLES = {
        "problem": "#fdecea; color: #8a1c12; border: 1px solid #e0a39c",
        "notice": "#fff4d6; color: #6b4b00; border: 1px solid #e6c770",
    }

    def __init__(self, kind: str, closable: bool, parent=None):
        super().__init__(parent)
        self.setObjectName(f"{kind}_banner")
        self.setStyleSheet(f"#{kind}_banner {{ background: {self.STYLES[kind]}; border-radius: 3px; }}")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        self.detail_button = QPushButton("详细信息")
        self.detail_button.setCheckable(True)
        self.detail_button.toggled.connect(self.detail.setVisible)
        self.detail_button.hide()
        line = QHBoxLayout()
        line.addWidget(self.message, 1)
        line.addWidget(self.detail_button)
        if closable:
            close = QPushButton("关闭")
            close.clicked.connect(self.clear)
            line.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(line)
        layout.addWidget(self.detail)
        self.hide()

    def show_message(self, message: str, detail: str | None = None) -> None:
        """`detail` is the technical text (SQLite's or the system's words), shown only on request."""
        self.message.setText(message)
        self.detail.setText(f"技术信息：{detail}" if detail else "")
        self.detail_button.setVisible(bool(detail))
        self.detail_button.setChecked(False)
        self.show()

    def clear(self) -> None:
        self.message.setText("")
        self.hide()
