"""Editor of one self-evaluation table (绩效自评表): header, 预算执行, the indicator grid, 总分 and reasons."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.findings import worst
from core.money import AmountError
from core.selfeval import budget_score, execution_rate, round_score
from core.selfeval_edit import (
    AMOUNT_FIELDS,
    IndicatorPath,
    add_indicator,
    adopt_suggestions,
    can_shift,
    clean_entry,
    entry_refusal,
    entry_text,
    put_value,
    remove_indicator,
    shift_indicator,
    table_label,
    write_entry,
)
from ui.open_report import OpenReport
from ui.selfeval_model import NAME, IndicatorModel, IndicatorView, Note, findings_tooltip
from ui.selfeval_totals import TotalsBar, restyle
from ui.table_model import SEVERITY_COLOURS

HEADER_FIELDS = {"整体": ("单位名称", "基本支出总额", "项目支出总额"), "项目": ("项目名称", "主管部门", "实施单位")}
BUDGET_FIELDS = (  # key, label, cell column, what an undo step and a message call it
    ("A", "预算数（A）", "预算数", "预算数（A）"),
    ("B", "执行数（B）", "执行数", "执行数（B）"),
    ("rate", "执行率", "执行率", "执行率"),
    ("points", "分值", "分值", "预算执行分值"),
    ("score", "得分", "得分", "预算执行得分"),
)


class _Field(QLineEdit):
    """A header, 预算执行 or 总分 entry: where it lives in the table dict and its cell address.

    Enter saves and moves to the next entry; Esc drops text that was refused. Ctrl+Z with nothing
    typed since the last save undoes the last step of the report, as in the grid.
    """

    entered = Signal()
    reverted = Signal()

    def __init__(self, section: str | None, key: str, cell: tuple[str, str] | None, what: str):
        super().__init__()
        self.section, self.key, self.cell, self.what = section, key, cell, what

    def stored(self, table: dict) -> str:
        return entry_text(table, self.section, self.key)

    def clean(self, text: str) -> str:
        return clean_entry(self.section, self.key, text)

    def write(self, table: dict, text: str) -> None:
        write_entry(table, self.section, self.key, text)

    def event(self, event):  # noqa: D102 - Qt's name
        if event.type() == QEvent.Type.ShortcutOverride and not self.isModified():
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                event.ignore()  # the window's 撤销/重做, not the entry's own
                return False
        return super().event(event)

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.reverted.emit()
            return
        super().keyPressEvent(event)  # Enter: editingFinished saves first
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()


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


class _Section(QWidget):
    """A part of the form that folds away (基本信息, 原因分析与改进措施): a toggle line, then its content.

    Folded, the toggle says what is inside and takes the colour of the worst finding there.
    """

    def __init__(self, title: str, content: QWidget, open_: bool, parent=None):
        super().__init__(parent)
        self.title, self.content = title, content
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._show)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(content)
        self.toggle.setChecked(open_)
        self._show(open_)

    @property
    def is_open(self) -> bool:
        return self.toggle.isChecked()

    def open(self) -> None:
        self.toggle.setChecked(True)

    def _show(self, open_: bool) -> None:
        self.content.setVisible(open_)
        self.setVisible(open_)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)

    def describe(self, summary: str, severity: str | None, tip: str) -> None:
        self.toggle.setText(self.title + (f"　{summary}" if summary else ""))
        colour = SEVERITY_COLOURS[severity].name() if severity else None
        restyle(self.toggle, f"QToolButton {{ background: {colour}; }}" if colour else "", tip)


class SelfEvalEditor(QWidget):
    """One 绩效自评表 of a report: every change is one undoable, saved, re-checked edit of the session.

    Laid out for a 1366×768 screen: 基本信息 and the reasons fold away (their state is kept for the
    next table opened), so the indicator grid gets the height.
    """

    status = Signal(str)  # a message for the window's status bar
    #: Whether 基本信息 and 原因分析与改进措施 start open; None: 基本信息 opens when something it needs is blank.
    header_open: bool | None = None
    texts_open: bool = False

    def __init__(self, session: OpenReport, index: int, parent=None):
        super().__init__(parent)
        self.session, self.index = session, index
        self.model = IndicatorModel(session, index, self)
        self.view = IndicatorView(self.model, self)
        self.fields: list[_Field] = []
        kind = self.model.table().get("kind", "项目")
        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 1)
        font.setBold(True)
        self.title.setFont(font)
        header_box = QFrame()
        header_box.setObjectName("header")
        header_box.setStyleSheet("#header { border: 1px solid #d5dae1; border-radius: 3px; }")
        self.header_grid = QGridLayout(header_box)
        self.header_grid.setContentsMargins(6, 3, 6, 3)
        self.header_grid.setVerticalSpacing(2)
        budget_line = QHBoxLayout()
        budget_line.addWidget(QLabel("预算执行（万元）"))
        for key, label, col, what in BUDGET_FIELDS:
            field = self._field("budget", key, ("预算执行", col), what)
            field.setPlaceholderText("20" if key == "points" else "")
            field.setMinimumWidth(64)
            field.setMaximumWidth(100)
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
        self.total_field = self._field(None, "total", ("总分", "得分"), "总分")
        self.total_field.setMaximumWidth(80)
        self.totals = TotalsBar(self.total_field)
        self.computed_label, self.points_label = self.totals.rule_total, self.totals.points
        self.grade_label = self.totals.rule_grade
        self.reason = _TextBox("reason", ("原因分析", "内容"), "偏差大或目标未完成原因分析")
        self.measures = _TextBox("measures", None, "改进措施")
        texts_box = QWidget()
        texts = QGridLayout(texts_box)
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setVerticalSpacing(1)
        for column, (label, box) in enumerate(
            (("偏差大或目标未完成原因分析", self.reason), ("改进措施", self.measures))
        ):
            texts.addWidget(QLabel(label), 0, column)
            texts.addWidget(box, 1, column)
            box.setMaximumHeight(84)
            box.committed.connect(lambda b=box: self._commit_text(b))
        self.texts = _Section("原因分析与改进措施", texts_box, type(self).texts_open)
        self.texts.toggle.toggled.connect(lambda on: setattr(SelfEvalEditor, "texts_open", on))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self._header_keys: list[str] = []
        self._unsaved: set[QWidget] = set()  # entries whose text could not be written: refresh leaves them
        self._add_header_fields(HEADER_FIELDS.get(kind, ()))
        header_open = type(self).header_open
        if header_open is None:  # a new table: its name and unit are still to be typed
            table = self.model.table()
            header_open = any(not entry_text(table, "header", k) for k in HEADER_FIELDS.get(kind, ()))
        self.header = _Section("基本信息", header_box, header_open)
        self.header.toggle.toggled.connect(lambda on: setattr(SelfEvalEditor, "header_open", on))
        top = QHBoxLayout()
        top.addWidget(self.header.toggle)
        top.addWidget(self.title, 1, Qt.AlignmentFlag.AlignCenter)
        texts_line = QHBoxLayout()
        texts_line.addWidget(self.texts.toggle)
        texts_line.addWidget(self.message, 1)
        texts_line.addStretch(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addLayout(budget_line)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals)
        layout.addLayout(texts_line)
        layout.addWidget(self.texts)
        self.note = Note(self)  # why an entry above was refused, just under it
        self.model.refused.connect(lambda message: self._tell(message, refused=True))
        session.settled.connect(self._on_change)
        self.refresh()

    # -- building

    def _field(self, section: str | None, key: str, cell: tuple[str, str] | None, what: str) -> _Field:
        field = _Field(section, key, cell, what)
        field.editingFinished.connect(lambda: self._commit_field(field))
        field.entered.connect(lambda: self._next_field(field))
        field.reverted.connect(lambda: self._revert_field(field))
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

    def _in_order(self) -> list[_Field]:
        """The entries as they read on screen: 基本信息 (when open), 预算执行, then 总分."""
        header = [f for f in self.fields if f.section == "header"] if self.header.is_open else []
        return header + [f for f in self.fields if f.section == "budget"] + [self.total_field]

    @property
    def table_name(self) -> str:
        """The table as findings name it: 整体绩效自评 or 项目绩效自评:<项目名称>."""
        return self.model.evaluation.table if self.model.evaluation else ""

    # -- showing

    def refresh(self, changes=None) -> None:
        """Show the table as it stands; after an edit (`changes`), only the entries whose text changed or
        whose cells' findings came or went are recoloured."""
        table, evaluation = self.model.table(), self.model.evaluation
        if evaluation is None:
            return
        retexted = set()
        self._add_header_fields(())
        kind = "部门（单位）整体支出" if evaluation.kind == "整体" else "项目支出"
        self.title.setText(f"{self.session.info.year}年度{kind}绩效自评表　{evaluation.name}")
        for field in self.fields:
            if field not in self._unsaved and not (field.hasFocus() and field.isModified()):
                text = field.stored(table)
                if field.text() != text:  # setting the same text repaints the entry all the same
                    field.setText(text)
                    retexted.add(field)
                if field.cursorPosition():
                    field.setCursorPosition(0)
                field.deselect()
                field.setModified(False)
        for box in (self.reason, self.measures):
            text = str(table.get(box.key) or "")
            if box in self._unsaved:
                continue
            if box.toPlainText() != text and not (box.hasFocus() and box.document().isModified()):
                box.setPlainText(text)
                retexted.add(box)
            box.document().setModified(False)
        rate, score = execution_rate(evaluation.budget), budget_score(evaluation.budget)
        hint = [
            f"执行率 {round_score(rate)}%" if rate is not None else "",
            f"得分 {score}" if score is not None else "",
        ]
        self.budget_hint.setText("按规则：" + "，".join(h for h in hint if h) if any(hint) else "")
        # Locked: nothing opens for typing. A read-only database still takes typing, so that the
        # write is refused with its reason (and the text stays) rather than keys doing nothing.
        read_only = self.session.locked
        for field in self.fields:
            if field.isReadOnly() != read_only:
                field.setReadOnly(read_only)
        for box in (self.reason, self.measures):
            if box.isReadOnly() != read_only:
                box.setReadOnly(read_only)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button, self.adopt_button):
            if button.isEnabled() == read_only:
                button.setEnabled(not read_only)
        if changes is None or changes.selfeval_list:
            self._recolour()
        else:
            self._recolour(retexted | self._touched(changes))

    def _on_change(self, changes) -> None:
        if changes.status:  # locked or unlocked: the entries and buttons take typing or not
            self.refresh()
        elif self.model.table_index in changes.selfeval or changes.selfeval_list:
            self._tell("")  # a change went through: an earlier refusal is over
            self.refresh(changes)
        elif changes.findings_changed and self._concerns(changes):
            self._recolour(self._touched(changes))

    def _concerns(self, changes) -> bool:
        """Whether findings on this table's cells came or went (the editor shows no others)."""
        prefix = f"{self.table_name}:"
        audit = changes.audit
        return any(c.startswith(prefix) for f in audit.appeared + audit.disappeared for c in f.cells)

    def _touched(self, changes) -> set:
        """The entries on whose cells findings came or went (their colour or tooltip may differ)."""
        cells = {c for f in changes.audit.appeared + changes.audit.disappeared for c in f.cells}
        return {w for w in [*self.fields, self.reason, self.measures] if self._address(w.cell) in cells}

    def _address(self, cell: tuple[str, str] | None) -> str | None:
        return f"{self.table_name}:{cell[0]}:{cell[1]}" if cell else None

    def _recolour(self, only: set | None = None) -> None:
        """Colour and tooltip of the entries (those in `only`, when given) by their findings, then the totals."""
        for widget in [*self.fields, self.reason, self.measures]:
            if only is not None and widget not in only:
                continue
            address = self._address(widget.cell)
            severity = worst(self.session.findings_at(address)) if address else None
            kind = type(widget).__base__.__name__
            colour = SEVERITY_COLOURS[severity].name() if severity else None
            style = f"background: {colour};" if colour else ""
            if widget in self._unsaved:
                style += " border: 2px solid #c62828;"  # typed but not taken: the note under it says why
            tip = findings_tooltip(self.session, address)
            long_text = widget.text() if isinstance(widget, QLineEdit) and len(widget.text()) > 20 else None
            restyle(widget, f"{kind} {{ {style} }}" if style else "", "\n\n".join(t for t in (long_text, tip) if t))
        if self.model.evaluation is not None:
            total = self.session.findings_at(self._address(self.total_field.cell))
            self.totals.show_totals(self.model.evaluation, worst(f for f in total if f.rule == "自评.总分"))
        self._describe_sections()

    def _describe_sections(self) -> None:
        """A folded part says what it holds and shows its worst finding, so nothing hides behind the fold."""
        header = [f for f in self.fields if f.section == "header"]
        findings = [x for f in header if (a := self._address(f.cell)) for x in self.session.findings_at(a)]
        tips = [findings_tooltip(self.session, self._address(f.cell)) for f in header]
        blank = sum(1 for f in header if not f.text())
        self.header.describe(
            f"（{blank} 项未填）" if blank and not self.header.is_open else "",
            worst(findings),
            "\n".join(f"{f.key}：{f.text() or '（未填）'}" for f in header) + "".join(f"\n\n{t}" for t in tips if t),
        )
        texts = [(self.reason, "原因分析"), (self.measures, "改进措施")]
        summary = "；".join(
            f"{what}{len(b.toPlainText())} 字" if b.toPlainText() else f"{what}未填" for b, what in texts
        )
        address = self._address(self.reason.cell)
        self.texts.describe(
            f"（{summary}）" if not self.texts.is_open else "",
            worst(self.session.findings_at(address)),
            findings_tooltip(self.session, address) or "点击展开或收起",
        )

    def _tell(self, message: str, refused: bool = False) -> None:
        restyle(self.message, f"color: {'#c62828' if refused else '#555'};")
        self.message.setText(message)
        self.message.setVisible(bool(message))
        if message:
            self.status.emit(message)

    # -- edits

    def _commit_field(self, field: _Field) -> bool:
        """Save an entry; False when its text was refused or could not be written (it then stays, with why)."""
        table = self.model.table()
        text = field.text().strip()
        if text == field.stored(table):
            field.setModified(False)
            self._taken(field)
            return True
        try:
            value = field.clean(text)
        except AmountError as exc:
            return self._refuse_field(field, f"{field.what}：{exc}")
        refusal = entry_refusal(table, field.section, field.key, value, field.what)
        if refusal:
            return self._refuse_field(field, refusal)
        if self.model.apply(lambda t: field.write(t, value), f"修改自评表{field.what}") is not None:
            self._taken(field)
            return True
        # refused by the checker (the reason is in the model's message) or not written (the disk):
        # either way the typed text stays in the entry to correct, retry or copy
        return self._refuse_field(field, self.model.refusal or "未能保存")

    def _refuse_field(self, field: _Field, message: str) -> bool:
        self._unsaved.add(field)
        field.setModified(True)
        self._tell(message, refused=True)
        self._recolour()
        self.note.show_below(QRect(field.mapTo(self, QPoint(0, 0)), field.size()), message + "（按 Esc 恢复原值）")
        return False

    def _taken(self, field: _Field) -> None:
        """The entry's text is what is stored: Ctrl+Z in it now undoes the report's last step (not the typing)."""
        field.setModified(False)
        if field in self._unsaved:
            self._unsaved.discard(field)
            self._recolour()
        self.note.hide()

    def _revert_field(self, field: _Field) -> None:
        """Esc: the stored value back, the refusal gone."""
        field.setText(field.stored(self.model.table()))
        field.setModified(False)
        self._taken(field)
        self._tell("")

    def _next_field(self, field: _Field) -> None:
        """Enter on an entry that was saved: on to the next one, as Enter moves down in the grid."""
        if field in self._unsaved:
            return
        order = self._in_order()
        if field in order and order.index(field) + 1 < len(order):
            following = order[order.index(field) + 1]
            following.setFocus(Qt.FocusReason.TabFocusReason)
            following.selectAll()

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
            if self._address(widget.cell) in addresses:
                if widget is self.reason:
                    self.texts.open()
                elif getattr(widget, "section", None) == "header":
                    self.header.open()
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
