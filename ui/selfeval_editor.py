"""Editor of one self-evaluation table (绩效自评表): header, 预算执行, the indicator grid, 总分 and reasons."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.money import AmountError
from core.selfeval import budget_score, computed_total, execution_rate, grade, round_score
from core.selfeval_edit import (
    AMOUNT_FIELDS,
    IndicatorPath,
    add_indicator,
    adopt_suggestions,
    can_shift,
    clean_entry,
    entry_text,
    plain,
    put_value,
    remove_indicator,
    shift_indicator,
    table_label,
    write_entry,
)
from ui.open_report import OpenReport
from ui.selfeval_model import NAME, IndicatorModel, IndicatorView, findings_tooltip
from ui.table_model import SEVERITY_COLOURS, worst

HEADER_FIELDS = {"整体": ("单位名称", "基本支出总额", "项目支出总额"), "项目": ("项目名称", "主管部门", "实施单位")}
BUDGET_FIELDS = (  # key, label, cell column, what an undo step and a message call it
    ("A", "预算数（A）", "预算数", "预算数（A）"),
    ("B", "执行数（B）", "执行数", "执行数（B）"),
    ("rate", "执行率", "执行率", "执行率"),
    ("points", "分值", "分值", "预算执行分值"),
    ("score", "得分", "得分", "预算执行得分"),
)
GRADE_COLOURS = {"优": "#1e7d32", "良": "#1f5fbf", "中": "#b26a00", "差": "#c62828"}


class _Field(QLineEdit):
    """A header, 预算执行 or 总分 entry: where it lives in the table dict and its cell address."""

    def __init__(self, section: str | None, key: str, cell: tuple[str, str] | None, what: str):
        super().__init__()
        self.section, self.key, self.cell, self.what = section, key, cell, what

    def stored(self, table: dict) -> str:
        return entry_text(table, self.section, self.key)

    def clean(self, text: str) -> str:
        return clean_entry(self.section, self.key, text)

    def write(self, table: dict, text: str) -> None:
        write_entry(table, self.section, self.key, text)


class _TextBox(QPlainTextEdit):
    """原因分析 or 改进措施: saved when the cursor leaves the box."""

    committed = Signal()

    def __init__(self, key: str, cell: tuple[str, str] | None, placeholder: str):
        super().__init__()
        self.key, self.cell = key, cell
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event):  # noqa: N802 - Qt's name
        self.committed.emit()
        super().focusOutEvent(event)


class SelfEvalEditor(QWidget):
    """One 绩效自评表 of a report: every change is one undoable, saved, re-checked edit of the session."""

    status = Signal(str)  # a message for the window's status bar

    def __init__(self, session: OpenReport, index: int, parent=None):
        super().__init__(parent)
        self.session, self.index = session, index
        self.model = IndicatorModel(session, index, self)
        self.view = IndicatorView(self.model, self)
        self.fields: list[_Field] = []
        kind = self.model.table().get("kind", "项目")
        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        header_box = QGroupBox("基本信息")
        self.header_grid = QGridLayout(header_box)
        budget_box = QGroupBox("预算执行情况（万元）")
        budget_line = QHBoxLayout(budget_box)
        for key, label, col, what in BUDGET_FIELDS:
            field = self._field("budget", key, ("预算执行", col), what)
            field.setPlaceholderText("20" if key == "points" else "")
            field.setMaximumWidth(110)
            budget_line.addWidget(QLabel(label))
            budget_line.addWidget(field)
        self.budget_hint = QLabel()
        self.budget_hint.setStyleSheet("color: #1f5fbf;")
        budget_line.addWidget(self.budget_hint, 1)
        buttons = QHBoxLayout()
        self.add_button = self._button(buttons, "添加指标", self.add_indicator)
        self.remove_button = self._button(buttons, "删除指标", self.remove_indicator)
        self.up_button = self._button(buttons, "上移", lambda: self.shift(-1))
        self.down_button = self._button(buttons, "下移", lambda: self.shift(1))
        buttons.addStretch(1)
        self.adopt_button = self._button(buttons, "采用全部建议得分", self.adopt_suggestions)
        self.adopt_button.setToolTip("按评分规则重算全部定量指标得分、预算执行得分与总分，作为一步可撤销的修改")
        bar = QFrame()
        bar.setObjectName("totals")
        bar.setStyleSheet("#totals { background: #eef1f5; border: 1px solid #d5dae1; border-radius: 3px; }")
        bar_line = QHBoxLayout(bar)
        self.total_field = self._field(None, "total", ("总分", "得分"), "总分")
        self.total_field.setMaximumWidth(90)
        self.computed_label, self.grade_label, self.points_label = QLabel(), QLabel(), QLabel()
        bold = QFont(self.grade_label.font())
        bold.setBold(True)
        self.computed_label.setFont(bold)
        self.grade_label.setFont(bold)
        for widget in (QLabel("总分"), self.total_field, QLabel("　按评分规则计算"), self.computed_label,
                       QLabel("　等级"), self.grade_label):  # fmt: skip
            bar_line.addWidget(widget)
        bar_line.addStretch(1)
        bar_line.addWidget(self.points_label)
        self.reason = _TextBox("reason", ("原因分析", "内容"), "偏差大或目标未完成原因分析")
        self.measures = _TextBox("measures", None, "改进措施")
        texts = QGridLayout()
        for column, (label, box) in enumerate(
            (("偏差大或目标未完成原因分析", self.reason), ("改进措施", self.measures))
        ):
            texts.addWidget(QLabel(label), 0, column)
            texts.addWidget(box, 1, column)
            box.setMaximumHeight(96)
            box.committed.connect(lambda b=box: self._commit_text(b))
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (self.title, header_box, budget_box):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(bar)
        layout.addLayout(texts)
        layout.addWidget(self.message)
        self._header_keys: list[str] = []
        self._unsaved: set[QWidget] = set()  # entries whose text could not be written: refresh leaves them
        self._add_header_fields(HEADER_FIELDS.get(kind, ()))
        self.model.refused.connect(lambda message: self._tell(message, refused=True))
        session.changed.connect(self._on_change)
        self.refresh()

    # -- building

    def _field(self, section: str | None, key: str, cell: tuple[str, str] | None, what: str) -> _Field:
        field = _Field(section, key, cell, what)
        field.editingFinished.connect(lambda: self._commit_field(field))
        self.fields.append(field)
        return field

    def _button(self, line: QHBoxLayout, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        line.addWidget(button)
        return button

    def _add_header_fields(self, required: Iterable[str]) -> None:
        """A label and entry for every header key the table has, and those its kind always prints."""
        keys = list(dict.fromkeys([*(self.model.table().get("header") or {}), *required]))
        for key in keys:
            if key in self._header_keys:
                continue
            n = len(self._header_keys)
            self._header_keys.append(key)
            cell = ("表头", key) if key in AMOUNT_FIELDS else None
            field = self._field("header", key, cell, key)
            self.header_grid.addWidget(QLabel(key), n // 3, (n % 3) * 2)
            self.header_grid.addWidget(field, n // 3, (n % 3) * 2 + 1)

    @property
    def table_name(self) -> str:
        """The table as findings name it: 整体绩效自评 or 项目绩效自评:<项目名称>."""
        return self.model.evaluation.table if self.model.evaluation else ""

    # -- showing

    def refresh(self) -> None:
        table, evaluation = self.model.table(), self.model.evaluation
        if evaluation is None:
            return
        self._add_header_fields(())
        kind = "部门（单位）整体支出" if evaluation.kind == "整体" else "项目支出"
        self.title.setText(f"{self.session.info.year}年度{kind}绩效自评表　{evaluation.name}")
        for field in self.fields:
            if field not in self._unsaved and not (field.hasFocus() and field.isModified()):
                field.setText(field.stored(table))
                field.setCursorPosition(0)
                field.setModified(False)
        for box in (self.reason, self.measures):
            text = str(table.get(box.key) or "")
            if box in self._unsaved:
                continue
            if box.toPlainText() != text and not (box.hasFocus() and box.document().isModified()):
                box.setPlainText(text)
            box.document().setModified(False)
        rate, score = execution_rate(evaluation.budget), budget_score(evaluation.budget)
        hint = [
            f"执行率 {round_score(rate)}%" if rate is not None else "",
            f"得分 {score}" if score is not None else "",
        ]
        self.budget_hint.setText("按规则：" + "，".join(h for h in hint if h) if any(hint) else "")
        total = computed_total(evaluation)
        shown = total if total is not None else evaluation.total
        self.computed_label.setText(f"{total:f}" if total is not None else "—（有指标未能计算得分）")
        name = grade(shown) if shown is not None else "—"
        self.grade_label.setText(name)
        self.grade_label.setStyleSheet(f"color: {GRADE_COLOURS.get(name, '#333')};")
        weights = sum((i.weight or Decimal(0) for i in evaluation.indicators), Decimal(0))
        budget_points = evaluation.budget.full_points
        self.points_label.setText(
            f"分值合计 {plain(budget_points + weights)}（预算执行 {plain(budget_points)} ＋ 指标权重 {plain(weights)}）"
            if any(i.weight is not None for i in evaluation.indicators)
            else ""
        )
        # Locked: nothing opens for typing. A read-only database still takes typing, so that the
        # write is refused with its reason (and the text stays) rather than keys doing nothing.
        read_only = self.session.locked
        for field in self.fields:
            field.setReadOnly(read_only)
        for box in (self.reason, self.measures):
            box.setReadOnly(read_only)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button, self.adopt_button):
            button.setEnabled(not read_only)
        self._recolour()

    def _on_change(self, changes) -> None:
        if self.model.table_index in changes.selfeval or changes.selfeval_list:
            self.refresh()
        elif changes.findings_changed:
            self._recolour()

    def _recolour(self, _change=None) -> None:
        widgets = [*self.fields, self.reason, self.measures]
        for widget in widgets:
            address = f"{self.table_name}:{widget.cell[0]}:{widget.cell[1]}" if widget.cell else None
            severity = worst(self.session.findings_at(address)) if address else None
            kind = type(widget).__base__.__name__
            colour = SEVERITY_COLOURS[severity].name() if severity else None
            widget.setStyleSheet(f"{kind} {{ background: {colour}; }}" if colour else "")
            tip = findings_tooltip(self.session, address)
            long_text = widget.text() if isinstance(widget, QLineEdit) and len(widget.text()) > 20 else None
            widget.setToolTip("\n\n".join(t for t in (long_text, tip) if t))

    def _tell(self, message: str, refused: bool = False) -> None:
        self.message.setStyleSheet(f"color: {'#c62828' if refused else '#555'};")
        self.message.setText(message)
        self.status.emit(message)

    # -- edits

    def _commit_field(self, field: _Field) -> None:
        table = self.model.table()
        text = field.text().strip()
        if text == field.stored(table):
            field.setModified(False)
            self._unsaved.discard(field)
            return
        try:
            value = field.clean(text)
        except AmountError as exc:
            self._tell(f"{field.what}：{exc}", refused=True)
            field.setText(field.stored(table))
            return
        if self.model.apply(lambda t: field.write(t, value), f"修改自评表{field.what}") is not None:
            self._unsaved.discard(field)
            self.message.setText("")
        elif self.model.write_failed:
            self._unsaved.add(field)  # not saved: the typed text stays in the entry to retry or copy
            field.setModified(True)
        else:
            field.setText(field.stored(self.model.table()))

    def _commit_text(self, box: _TextBox) -> None:
        text = box.toPlainText().strip()
        if text != str(self.model.table().get(box.key) or "").strip():
            what = "原因分析" if box.key == "reason" else "改进措施"
            if self.model.apply(lambda t: put_value(t, box.key, text), f"修改自评表{what}") is not None:
                self._unsaved.discard(box)
            elif self.model.write_failed:
                self._unsaved.add(box)
        else:
            self._unsaved.discard(box)

    def _current_path(self) -> IndicatorPath | None:
        row = self.view.currentIndex().row()
        return self.model.rows[row].path if 0 <= row < len(self.model.rows) else None

    def add_indicator(self) -> None:
        path = self.model.apply(lambda t: add_indicator(t, self._current_path()), "添加绩效指标")
        if path is not None:
            self.view.go_to(self.model.row_of(path), NAME)
            self.view.setFocus()

    def remove_indicator(self) -> None:
        path, row = self._current_path(), self.view.currentIndex().row()
        if path is None:
            self._tell("请先选中要删除的指标")
            return
        name = self.model.rows[row].indicator.name
        self.model.apply(lambda t: remove_indicator(t, path), f"删除指标“{name}”")
        self.view.go_to(row, self.view.currentIndex().column())

    def shift(self, step: int) -> None:
        path, column = self._current_path(), self.view.currentIndex().column()
        if path is None:
            return
        if not can_shift(self.model.table(), path, step):
            level2 = self.model.rows[self.model.row_of(path)].level2.name
            self._tell(f"已在“{level2}”组的{'首' if step < 0 else '末'}位；改二级指标可把指标移到别的组")
            return
        new_path = self.model.apply(lambda t: shift_indicator(t, path, step), "上移指标" if step < 0 else "下移指标")
        if new_path is not None:
            self.view.go_to(self.model.row_of(new_path), column)

    def adopt_suggestions(self) -> int:
        """Take every suggested score (and the 总分 they add up to) as one undo step."""
        number = self.index + 1
        changed = self.model.apply(lambda t: adopt_suggestions(t, number), "采用全部建议得分")
        self._tell(f"已采用 {changed} 项建议得分" if changed else "得分都已与评分规则相符")
        return changed or 0

    def commit_pending(self) -> None:
        """Save what is typed in an entry or text box that still has the cursor (before closing or switching)."""
        for field in self.fields:
            if field.isModified():
                self._commit_field(field)
        for box in (self.reason, self.measures):
            self._commit_text(box)

    def hideEvent(self, event):  # noqa: N802 - Qt's name
        if not self.session.read_only:
            self.commit_pending()
        super().hideEvent(event)

    def select_cells(self, addresses: Iterable[str]) -> bool:
        """Show the cells a finding names: grid cells selected, or the first named entry focused."""
        addresses = list(addresses)
        if self.view.select_addresses(addresses):
            self.view.setFocus()
            return True
        for widget in [*self.fields, self.reason]:
            if widget.cell and f"{self.table_name}:{widget.cell[0]}:{widget.cell[1]}" in addresses:
                widget.setFocus()
                return True
        return False


def preview(path: str, index: int | None = None) -> int:
    """`python -m ui.selfeval_editor REPORT.json [N]`: the editor alone, on a temporary database."""
    import tempfile
    from pathlib import Path

    from PySide6.QtGui import QShortcut
    from PySide6.QtWidgets import QApplication

    from app.context import AppContext

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        context = AppContext.open(Path(folder) / "preview.sqlite")
        session = OpenReport(context.open_session(context.import_file(path).report_id))
        tables = session.checker.selfeval
        if index is None:
            index = next((n for n, t in enumerate(tables) if t.get("kind") == "项目"), 0)
        editor = SelfEvalEditor(session, index)
        QShortcut(QKeySequence.StandardKey.Undo, editor, session.undo)
        QShortcut(QKeySequence("Ctrl+Y"), editor, session.redo)
        editor.setWindowTitle(f"绩效自评表预览 — {table_label(tables[index], index)}")
        editor.resize(1280, 860)
        editor.show()
        code = app.exec()
        context.close()
    return code


if __name__ == "__main__":
    sys.exit(preview(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None))
