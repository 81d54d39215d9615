"""文件 → 情况说明补充信息…: what the tables lack (年初预算, reasons, 政府采购, 国有资产 …), saved field by field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.changes import OpChanges
from app.errors import OperationFailed
from core.money import format_amount, parse_amount
from core.narrative.form import (
    AMOUNT,
    FIELDS,
    MAX_TEXT,
    TEXT,
    ExtraError,
    budget_key,
    budget_reason_key,
    check_value,
    use_key,
)
from ui.open_report import OpenReport

ERROR_STYLE = "color: #b00020;"
BAD_CELL = QColor("#fde0e0")
#: 年初预算 table columns.
CODE, NAME, SPENT, BUDGET, RATE, REASON = range(6)
TOTAL = "合计"


class NarrativeForm(QDialog):
    """One box per answer, grouped by section; each is checked as typed and saved when left (one undo step)."""

    def __init__(self, report: OpenReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.report = report
        info = report.info
        self.setWindowTitle(f"情况说明补充信息 — {info.unit_name} {info.year}年度")
        self.resize(960, 660)  # inside a 1366×768 screen with the taskbar and title bar
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._loading = False

        body = QWidget()
        column = QVBoxLayout(body)
        note = QLabel(
            f"报表中没有、但情况说明要写的内容。金额单位：{report.amount_unit}。每项离开输入框即保存（可撤销）；"
            "留空的内容在生成的情况说明中标为【待填写】。"
        )
        note.setWordWrap(True)
        column.addWidget(note)
        column.addWidget(self._budget_group())
        sections: dict[str, QFormLayout] = {}
        for spec in FIELDS:
            if spec.key == "年初预算/合计":
                continue  # the first row of the 年初预算 table
            if spec.section not in sections:
                group = QGroupBox(spec.section)
                sections[spec.section] = QFormLayout(group)
                column.addWidget(group)
            self._add_field(sections[spec.section], spec.key, spec.label, spec.kind)
        uses = self._class_codes()
        if uses:
            group = QGroupBox("一般公共预算财政拨款支出的主要用途（按类）")
            form = QFormLayout(group)
            for code, name in uses:
                self._add_field(form, use_key(code), f"{code} {name}", TEXT)
            column.addWidget(group)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        if report.read_only:
            banner = QLabel(f"只能查看：{report.read_only_reason}")
            banner.setStyleSheet(ERROR_STYLE)
            layout.addWidget(banner)
        layout.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText("关闭")
        close.setAutoDefault(False)  # Enter in a box saves that box; it must not close the form
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.load()
        report.changed.connect(self._on_changed)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # QDialog would take Enter for its default button (closing the form); here Enter accepts one box.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    # -- building -----------------------------------------------------------------------------------

    def _add_field(self, form: QFormLayout, key: str, label: str, kind: str) -> None:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setMaxLength(MAX_TEXT + 1)  # one more, so that too long is said rather than silently cut
        edit.setReadOnly(self.report.read_only)
        if kind == AMOUNT:
            edit.setPlaceholderText(f"金额（{self.report.amount_unit}）")
            edit.setMaximumWidth(220)
        elif kind != TEXT:
            edit.setPlaceholderText("个数")
            edit.setMaximumWidth(120)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box = QWidget()
        stack = QVBoxLayout(box)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.addWidget(edit)
        stack.addWidget(error)
        form.addRow(label, box)
        self.edits[key], self.errors[key] = edit, error
        edit.textEdited.connect(lambda text, k=key: self._validate(k, text))
        edit.editingFinished.connect(lambda k=key: self._save(k, self.edits[k].text()))

    def _budget_group(self) -> QGroupBox:
        group = QGroupBox("一般公共预算财政拨款支出：年初预算与主要原因（按公开05表的项）")
        layout = QVBoxLayout(group)
        rows = [(TOTAL, "一般公共预算财政拨款支出合计")] + self._item_codes()
        table = QTableWidget(len(rows), 6)
        table.setObjectName("年初预算")
        table.setHorizontalHeaderLabels(
            [
                "科目编码",
                "科目名称",
                f"支出决算（{self.report.amount_unit}）",
                "年初预算",
                "完成率",
                "决算数与年初预算不同的主要原因",
            ]
        )
        table.verticalHeader().hide()
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = table.horizontalHeader()
        for col, mode in ((NAME, QHeaderView.ResizeMode.Interactive), (REASON, QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(col, mode)
        table.setColumnWidth(NAME, 240)
        unit = self.report.amount_unit
        for n, (code, name) in enumerate(rows):
            spent = self.report.value(f"公开05:{code}:1")
            for col, text in ((CODE, code), (NAME, name), (SPENT, format_amount(spent or 0, unit)), (RATE, "")):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col in (SPENT, RATE):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(n, col, item)
            budget = QTableWidgetItem("")
            budget.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            reason = QTableWidgetItem("")
            if self.report.read_only:
                budget.setFlags(budget.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if code == TOTAL or self.report.read_only:
                reason.setFlags(reason.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(n, BUDGET, budget)
            table.setItem(n, REASON, reason)
        table.setMinimumHeight(min(360, 60 + 30 * len(rows)))
        table.itemChanged.connect(self._table_edited)
        self.budget_table = table
        self.budget_error = QLabel()
        self.budget_error.setStyleSheet(ERROR_STYLE)
        self.budget_error.hide()
        layout.addWidget(table)
        layout.addWidget(self.budget_error)
        return group

    def _item_codes(self) -> list[tuple[str, str]]:
        """The 项 of 公开05 the report holds, in code order, with their names."""
        checker = self.report.checker
        table = self.report.templates.table("公开05")
        codes = sorted(r for r in checker.present.get("公开05", ()) if table.level(r) == len(table.levels) - 1)
        return [(code, checker.row_name("公开05", code) or "") for code in codes]

    def _class_codes(self) -> list[tuple[str, str]]:
        checker = self.report.checker
        table = self.report.templates.table("公开05")
        codes = sorted(r for r in checker.present.get("公开05", ()) if table.level(r) == 0)
        return [(code, checker.row_name("公开05", code) or "") for code in codes]

    # -- showing what is stored -----------------------------------------------------------------------

    def load(self) -> None:
        """Every box and cell as stored (after an undo, too); typed text not yet accepted is replaced."""
        answers = self.report.narrative
        self._loading = True
        try:
            for key, edit in self.edits.items():
                edit.setText(answers.get(key, ""))
                self.errors[key].hide()
            table = self.budget_table
            for n in range(table.rowCount()):
                code = table.item(n, CODE).text()
                table.item(n, BUDGET).setText(answers.get(budget_key(code), ""))
                table.item(n, BUDGET).setBackground(QBrush())
                table.item(n, REASON).setText(answers.get(budget_reason_key(code), "") if code != TOTAL else "")
                self._show_rate(n)
            self.budget_error.hide()
        finally:
            self._loading = False

    def _show_rate(self, n: int) -> None:
        table, unit = self.budget_table, self.report.amount_unit
        code = table.item(n, CODE).text()
        spent = self.report.value(f"公开05:{code}:1") or 0
        try:
            budget = parse_amount(table.item(n, BUDGET).text(), unit)
        except ValueError:
            budget = None
        text = "" if budget is None else ("无年初预算" if budget == 0 else f"{spent / budget * 100:.1f}%")
        table.item(n, RATE).setText(text)

    def _on_changed(self, changes: OpChanges) -> None:
        if changes.narrative and not self._loading:
            self.load()

    # -- checking and saving ---------------------------------------------------------------------------

    def _validate(self, key: str, text: str) -> str | None:
        """The message for what is typed now (None: acceptable), shown under the box."""
        try:
            check_value(key, text, self.report.amount_unit, typed=True)
            message = None
        except ExtraError as exc:
            message = str(exc)
        error = self.errors.get(key)
        if error is not None:
            error.setText(message or "")
            error.setVisible(message is not None)
        return message

    def _save(self, key: str, text: str) -> bool:
        if self._loading or self.report.read_only:
            return False
        if self._validate(key, text) is not None:
            return False
        try:
            self._loading = True
            self.report.set_narrative_extra({key: text})
        except OperationFailed as failure:
            self._show_failure(key, str(failure))
            return False
        finally:
            self._loading = False
        if key in self.edits:
            self.edits[key].setText(self.report.narrative.get(key, ""))  # as stored: 1234.5 → 1234.50
        return True

    def _show_failure(self, key: str, message: str) -> None:
        error = self.errors.get(key, self.budget_error)
        error.setText(message)
        error.show()

    def _table_edited(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() not in (BUDGET, REASON):
            return
        code = self.budget_table.item(item.row(), CODE).text()
        key = budget_key(code) if item.column() == BUDGET else budget_reason_key(code)
        try:
            check_value(key, item.text(), self.report.amount_unit, typed=True)
        except ExtraError as exc:
            self._loading = True
            item.setBackground(BAD_CELL)
            self._loading = False
            self.budget_error.setText(f"{code}：{exc}（未保存）")
            self.budget_error.show()
            return
        self._loading = True
        item.setBackground(QBrush())
        self._loading = False
        self.budget_error.hide()
        if item.column() == BUDGET:
            self._show_rate(item.row())
        if self._save(key, item.text()):
            self._loading = True
            item.setText(self.report.narrative.get(key, ""))  # as stored: 1000 → 1000.00
            self._show_rate(item.row())
            self._loading = False
