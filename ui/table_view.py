"""One table on screen as printed: title, 表号 and 单位 line, multi-level header, and a spreadsheet-like body."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OperationFailed
from core.catalogue import load_catalogue
from core.money import AmountError, parse_typed_amount
from ui.focus_repaint import FocusRepaint
from ui.grid import AMOUNT, NAME, NEW_CODE
from ui.open_report import OpenReport
from ui.table_model import TableModel

ROW_HEIGHT = 22


class CellDelegate(QStyledItemDelegate):
    """Editors: right-aligned amounts; a code field that completes from the catalogue."""

    def __init__(self, model: TableModel, parent=None):
        super().__init__(parent)
        self.model = model
        #: The editor whose text could not be saved: the view keeps it open.
        self.held: QLineEdit | None = None

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        editor = QLineEdit(parent)
        editor.cell_index = QPersistentModelIndex(index)
        cell = self.model.cell(index)
        if cell.kind == AMOUNT:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        if cell.kind == NEW_CODE:
            table = self.model.table
            # The report's own catalogue (its year's and region's, with the codes added to it) where it has one.
            checker = getattr(self.model.session, "checker", None)
            codes = (
                checker.catalogue(table.catalogue)
                if checker
                else load_catalogue(table.catalogue, table.year, table.region)
            )
            entries = [f"{c} {n}" for c, n in codes.items() if len(c) in table.levels]
            completer = QCompleter(QStringListModel(entries, editor), editor)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            # Names in full (the popup would be as narrow as the code column), and a choice commits at once.
            completer.popup().setMinimumWidth(420)
            completer.activated.connect(lambda _text, e=editor: self._commit_chosen(e))
            editor.setCompleter(completer)
            editor.setPlaceholderText("输入科目编码，如 2080101")
        return editor

    def _commit_chosen(self, editor: QLineEdit) -> None:
        """A code chosen in the completion list is taken as if Enter had been pressed (one Enter, not two)."""
        QTimer.singleShot(
            0,
            editor,
            lambda: (
                self.commitData.emit(editor),
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.SubmitModelCache),
            ),
        )

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()  # a key typed to start editing replaces the value, as in a spreadsheet

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        self.held = editor if model.write_failed else None


class BodyView(FocusRepaint, QTableView):
    """Spreadsheet keys: type to replace, F2 to edit, Enter down, Tab right, Delete clears, Ctrl+C/V blocks."""

    status = Signal(str)

    def __init__(self, model: TableModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(CellDelegate(model, self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        #: The reason an entry was not taken, shown under its cell.
        self.note = QLabel(self.viewport())
        self.note.setWordWrap(True)
        self.note.setStyleSheet(
            "QLabel { background: #fdecea; color: #8a1c12; border: 1px solid #c0392b; padding: 3px 6px; }"
        )
        self.note.hide()
        model.refused.connect(self._refused)
        # A new or removed row rebuilds the grid: keep the cursor on the same cell.
        self._kept: str | None = None
        model.modelAboutToBeReset.connect(self._keep_current)
        model.modelReset.connect(self._restore_current)

    def _keep_current(self) -> None:
        current = self.currentIndex()
        self._kept = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None

    def _restore_current(self) -> None:
        position = self.table_model.position(self._kept) if self._kept else None
        if position:
            self.setCurrentIndex(self.table_model.index(*position))

    @property
    def table_model(self) -> TableModel:
        return self.model()

    def _refused(self, message: str, index: QModelIndex) -> None:
        """Say why at the cell itself (a note under it that stays until the next move or accepted entry)."""
        self.status.emit(message)
        if not index.isValid():
            return
        rect = self.visualRect(index)
        self.note.setText(message)
        self.note.setMaximumWidth(max(self.viewport().width() - 8, 200))
        self.note.adjustSize()
        x = min(rect.left(), max(self.viewport().width() - self.note.width() - 4, 0))
        y = (
            rect.bottom() + 2
            if rect.bottom() + self.note.height() < self.viewport().height()
            else rect.top() - self.note.height() - 2
        )
        self.note.move(x, y)
        self.note.show()
        self.note.raise_()

    def currentChanged(self, current, previous) -> None:  # noqa: N802 - Qt's name
        super().currentChanged(current, previous)
        if current != previous:
            self.note.hide()

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste(QGuiApplication.clipboard().text())
        elif (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.clear_selection()
        elif (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self._move(1, 0)
        elif (
            (event.key() == Qt.Key.Key_F2 or (event.text() and event.text().isprintable()))
            and self.state() != QAbstractItemView.State.EditingState
            and self.currentIndex().isValid()
            and self.table_model.cell(self.currentIndex()).kind in (AMOUNT, NEW_CODE, NAME)
            and self._refuse_locked()
        ):
            return
        else:
            super().keyPressEvent(event)

    def closeEditor(self, editor, hint):  # noqa: N802 - Qt's name
        delegate = self.itemDelegate()
        if delegate.held is editor and hint != QStyledItemDelegate.EndEditHint.RevertModelCache:
            # The write failed: the typed text stays in its editor, on its cell, to retry or copy (Esc drops it).
            delegate.held = None
            QTimer.singleShot(0, editor, lambda: self._back_to(editor))
            return
        delegate.held = None
        self.note.hide()
        added = self.table_model.added
        if added:
            # A code typed in the last line made a row: go on in that row (Tab: its name; Enter: its first
            # amount), with the keyboard still here.
            self.table_model.added = None
            super().closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self._go_to_new_row(added, name=hint == QStyledItemDelegate.EndEditHint.EditNextItem)
            return
        # Enter commits and moves down, as in a spreadsheet.
        if hint == QStyledItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self._move(1, 0)
            return
        super().closeEditor(editor, hint)

    def _go_to_new_row(self, code: str, name: bool) -> None:
        model = self.table_model
        places = model._positions.get(f"{model.table.id}:{code}", [])
        amounts = [
            p
            for c in sorted(model.table.row_columns(code))
            for p in model._positions.get(f"{model.table.id}:{code}:{c}", [])
        ]
        target = (places[-1] if name and places else None) or (amounts[0] if amounts else None)
        if target:
            self.setCurrentIndex(model.index(*target))
            self.scrollTo(model.index(*target))
        self.setFocus()
        QTimer.singleShot(0, self, self.setFocus)  # again once the closed editor is gone, which moves focus on

    def _back_to(self, editor: QLineEdit) -> None:
        index = QModelIndex(editor.cell_index)
        if index.isValid() and self.currentIndex() != index:
            self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        editor.setFocus()

    def moveCursor(self, action, modifiers):  # noqa: N802 - Qt's name
        """Tab and Shift+Tab go from one cell that takes a figure or a name to the next, past labels and 行次."""
        forward = action == QAbstractItemView.CursorAction.MoveNext
        if not forward and action != QAbstractItemView.CursorAction.MovePrevious:
            return super().moveCursor(action, modifiers)
        model, current = self.table_model, self.currentIndex()
        if not current.isValid():
            return super().moveCursor(action, modifiers)
        columns, rows = model.columnCount(), model.rowCount()
        position = current.row() * columns + current.column()
        step = 1 if forward else -1
        for _ in range(rows * columns):
            position = (position + step) % (rows * columns)
            index = model.index(position // columns, position % columns)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                return index
        return current

    def _refuse_locked(self) -> bool:
        """On a locked report a key that would edit says why nothing happens (instead of doing nothing)."""
        if self.table_model.session.locked:
            self._refused("报表已锁定，不能修改；如需修改请先解除锁定", self.currentIndex())
            return True
        return False

    def _move(self, rows: int, cols: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        target = self.model().index(
            min(max(current.row() + rows, 0), self.model().rowCount() - 1),
            min(max(current.column() + cols, 0), self.model().columnCount() - 1),
        )
        self.setCurrentIndex(target)

    def _selected_block(self) -> tuple[int, int, int, int] | None:
        indexes = self.selectedIndexes() or ([self.currentIndex()] if self.currentIndex().isValid() else [])
        if not indexes:
            return None
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        return min(rows), min(cols), max(rows), max(cols)

    def copy_selection(self) -> str:
        block = self._selected_block()
        if block is None:
            return ""
        top, left, bottom, right = block
        model = self.model()
        lines = [
            "\t".join(str(model.index(r, c).data(Qt.ItemDataRole.EditRole) or "") for c in range(left, right + 1))
            for r in range(top, bottom + 1)
        ]
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str) -> bool:
        """A block of tab-separated text (from Excel or WPS) from the current cell: one undo step."""
        current = self.currentIndex()
        if not current.isValid() or not text:
            return False
        model = self.table_model
        unit = model.session.display_unit
        if model.table.kind == "classification" and model.cell(current).kind in ("code", NEW_CODE):
            return self._paste_rows(text)
        edits = []
        for r, line in enumerate(text.rstrip("\r\n").split("\n")):
            for c, field in enumerate(line.rstrip("\r").split("\t")):
                row, col = current.row() + r, current.column() + c
                if row >= model.rowCount() or col >= model.columnCount():
                    continue
                cell = model.grid.body[row][col]
                if cell.kind != AMOUNT:
                    continue
                try:
                    edits.append((cell.address, parse_typed_amount(field, unit)))
                except AmountError as exc:
                    self._refused(f"粘贴未进行：第{r + 1}行第{c + 1}列，{exc}", model.index(row, col))
                    return False
        if self._refuse_locked():
            return False
        if not edits:
            self.status.emit("粘贴区域中没有可填数的单元格")
            return False
        try:
            model.session.edit(edits, f"粘贴 {len(edits)} 个单元格", source="paste")
        except OperationFailed:  # the window shows why; nothing of the block was saved
            self._refused("粘贴未保存，数据库未作改动；复制的内容仍在剪贴板中，可再次粘贴", current)
            return False
        self.status.emit(f"已粘贴 {len(edits)} 个单元格")
        return True

    def _paste_rows(self, text: str) -> bool:
        """Rows copied from Excel with their 科目编码 and 科目名称, pasted on the code column: the rows are added
        (or filled) with their names and amounts, all as one undo step."""
        model = self.table_model
        table, unit = model.table, model.session.display_unit
        columns = sorted(table.columns)
        values, labels = [], {}
        for r, line in enumerate(text.rstrip("\r\n").split("\n"), start=1):
            fields = [f.strip() for f in line.rstrip("\r").split("\t")]
            code = fields[0].split()[0] if fields and fields[0] else ""
            if not code:
                continue
            if not table.is_row(code) or code in table.special_rows:
                self._refused(
                    f"粘贴未进行：第{r}行的“{fields[0]}”不是科目编码（应为 {'/'.join(map(str, table.levels))} 位数字）",
                    self.currentIndex(),
                )
                return False
            if len(fields) > 1 and fields[1]:
                labels[f"{table.id}:{code}"] = fields[1]
            for column, field in zip(columns, fields[2:], strict=False):
                try:
                    values.append((f"{table.id}:{code}:{column}", parse_typed_amount(field, unit)))
                except AmountError as exc:
                    self._refused(f"粘贴未进行：第{r}行第{column}栏，{exc}", self.currentIndex())
                    return False
            if len(fields) < 2 or not fields[1]:
                labels.setdefault(
                    f"{table.id}:{code}", model.session.checker.catalogue(table.catalogue).get(code) or code
                )
        if self._refuse_locked():
            return False
        if not labels and not values:
            self.status.emit("粘贴的内容中没有科目编码")
            return False
        try:
            model.session.edit(values, f"粘贴 {len(labels)} 个科目行", source="paste", labels=labels)
        except OperationFailed:
            self._refused("粘贴未保存，数据库未作改动；复制的内容仍在剪贴板中，可再次粘贴", self.currentIndex())
            return False
        self.status.emit(f"已粘贴 {len(labels)} 个科目行")
        return True

    def clear_selection(self) -> None:
        model = self.table_model
        if self._refuse_locked():
            return
        addresses = [model.cell(i).address for i in self.selectedIndexes() if model.cell(i).kind == AMOUNT]
        edits = [(a, None) for a in addresses if model.session.value(a) is not None]
        if edits:
            try:
                model.session.edit(edits, f"清除 {len(edits)} 个单元格")
            except OperationFailed:
                self._refused("清除未保存，数据库未作改动", self.currentIndex())

    def select_cells(self, addresses) -> bool:
        """Select the cells (or rows) a finding names; returns whether any is in this table."""
        model = self.table_model
        positions = [p for a in addresses if (p := model.position(a)) is not None]
        if not positions:
            return False
        selection = self.selectionModel()
        selection.clearSelection()
        for r, c in positions:
            selection.select(model.index(r, c), QItemSelectionModel.SelectionFlag.Select)
        first = model.index(*positions[0])
        selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.scrollTo(first)
        return True


class TableView(QWidget):
    """Title, 表号 and 单位 line, the printed header, and the body."""

    def __init__(self, session: OpenReport, table_id: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.model = TableModel(session, table_id, self)
        table = self.model.table
        title = QLabel(f"{session.info.year}年度{table.title}")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        title.setFont(font)
        number = QLabel(table.number or "")  # no 表号 where the region prints none
        number.setAlignment(Qt.AlignmentFlag.AlignRight)
        who = session.info.unit_kind  # printed as 部门： or 单位：
        unit_line = QHBoxLayout()
        unit_line.addWidget(QLabel(f"{who}：{session.info.unit_name}"))
        unit_line.addStretch(1)
        self.unit_label = QLabel()
        unit_line.addWidget(self.unit_label)
        self.header = _header_view(self.model)
        self.body = BodyView(self.model, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(title)
        # 表号 on the unit line, as printed at its right end: one line less above the figures.
        unit_line.insertWidget(2, number)
        unit_line.insertSpacing(3, 24)
        layout.addLayout(unit_line)
        layout.addWidget(self.header)
        layout.addWidget(self.body, 1)
        layout.addWidget(self._notes(table))
        unit_line.insertWidget(1, self.notes_button)  # on the unit line: no line of figures lost to it
        layout.setSpacing(2)
        for view in (self.header, self.body):
            view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Both scroll by pixels over the same column widths, so the header stays over its columns.
        self.body.horizontalScrollBar().valueChanged.connect(self.header.horizontalScrollBar().setValue)
        self.model.modelReset.connect(self.fit_columns)
        self.model.rowsInserted.connect(self.fit_columns)
        self.model.dataChanged.connect(self._widen_if_needed)
        self.refresh_unit()
        self.fit_columns()

    def _notes(self, table) -> QLabel:
        """The table's 注 as printed and the identities it is checked by, under it, shown on demand
        (a 1366×768 screen needs the lines for figures)."""
        lines = list(table.notes)
        identities = [rule.text for rule in table.rules]
        if identities:
            lines.append("本表勾稽关系：" + "；".join(identities))
        self.notes_button = QToolButton(self)
        self.notes_button.setText("表注与勾稽关系")
        self.notes_button.setCheckable(True)
        self.notes_button.setArrowType(Qt.ArrowType.RightArrow)
        self.notes_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.notes_button.setAutoRaise(True)
        self.notes_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the figures
        self.notes_label = QLabel("\n".join(lines), self)
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notes_label.hide()

        def toggle(shown: bool) -> None:
            self.notes_label.setVisible(shown)
            self.notes_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

        self.notes_button.toggled.connect(toggle)
        self.notes_button.setVisible(bool(lines))
        return self.notes_label

    def refresh_unit(self) -> None:
        self.unit_label.setText(f"单位：{self.session.display_unit}")
        self.fit_columns()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self, *_args) -> None:
        """Amount columns as wide as their widest figure (never cut); the labels share what is left.

        At 1366×768 with the tree shown every amount column of every table is then on screen; a label
        too long for its column is elided, its full text in the tooltip.
        """
        widths = column_widths(self.model, self.body.fontMetrics(), self.session.display_unit)
        # From the widget's own width: on a resize the body's viewport has not been laid out yet.
        margins = self.layout().contentsMargins()
        scrollbar = self.body.verticalScrollBar().sizeHint().width()
        available = self.width() - margins.left() - margins.right() - scrollbar - 2 * self.body.frameWidth()
        fixed = sum(w for w, kind in widths if kind != "label")
        labels = [i for i, (_, kind) in enumerate(widths) if kind == "label"]
        natural = sum(widths[i][0] for i in labels)
        room = max(available - fixed - 2, 0)
        for column, (width, kind) in enumerate(widths):
            if kind == "label" and natural > room:
                width = max(MIN_LABEL, int(width * room / natural))
            self.body.setColumnWidth(column, width)
            self.header.setColumnWidth(column, width)
        self.header.resizeRowsToContents()
        self.header.setFixedHeight(sum(self.header.rowHeight(r) for r in range(self.header.model().rowCount())) + 4)

    def _widen_if_needed(self, first: QModelIndex, last: QModelIndex, _roles=()) -> None:
        """A figure grown wider than its column (an edit, 元 instead of 万元) widens it at once."""
        if _roles and Qt.ItemDataRole.DisplayRole not in _roles:
            return  # a finding's colour, not a figure
        metrics = self.body.fontMetrics()
        for row in range(first.row(), last.row() + 1):
            for column in range(first.column(), last.column() + 1):
                index = self.model.index(row, column)
                if self.model.cell(index).kind != AMOUNT:
                    continue
                if metrics.horizontalAdvance(str(index.data() or "")) + AMOUNT_PADDING > self.body.columnWidth(column):
                    QTimer.singleShot(0, self, self.fit_columns)
                    return


#: Pixels around a figure in its column, and the narrowest a label column is squeezed to.
AMOUNT_PADDING, MIN_LABEL = 18, 90


def column_widths(model: TableModel, metrics, unit: str) -> list[tuple[int, str]]:
    """(natural width in pixels, kind) of every body column: amount, label, line (行次) or code."""
    from core.money import format_amount

    grid = model.grid
    result = []
    for column in range(grid.columns):
        cells = [row[column] for row in grid.body]
        kinds = {c.kind for c in cells if c.kind not in ("text",) or c.text}
        if AMOUNT in kinds:
            texts = [format_amount(model.session.value(c.address), unit) for c in cells if c.kind == AMOUNT]
            widest = max((metrics.horizontalAdvance(t) for t in texts if t), default=0)
            result.append((max(widest, metrics.horizontalAdvance("000,000.00")) + AMOUNT_PADDING, "amount"))
        elif kinds <= {"line"}:
            result.append((metrics.horizontalAdvance("行次") + 16, "line"))
        elif kinds <= {"code", NEW_CODE, "text"} and any(c.kind == "code" for c in cells):
            result.append((metrics.horizontalAdvance("2080199") + 18, "code"))
        else:
            texts = [("　" * max(c.level, 0)) + (c.text or "") for c in cells]
            widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
            result.append((max(widest + 16, MIN_LABEL), "label"))
    return result


def _header_view(model: TableModel) -> QTableView:
    """The printed multi-level header, merged cells included, as a small fixed table above the body."""
    grid = model.grid
    header = QStandardItemModel(len(grid.header), grid.columns)
    view = QTableView()
    view.setModel(header)
    occupied: set[tuple[int, int]] = set()
    for r, row in enumerate(grid.header):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in occupied:
                c += 1
            if c >= grid.columns:
                break
            if model.table.kind == "classification" and text.endswith("科目编码"):
                # As printed under the code heading, one word per level (类 款 项; 类 款 for 经济分类).
                text += "\n" + "　".join("类款项"[: len(model.table.levels)])
            item = QStandardItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setEditable(False)
            header.setItem(r, c, item)
            if colspan > 1 or rowspan > 1:
                view.setSpan(r, c, rowspan, colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            c += colspan
    view.horizontalHeader().hide()
    view.verticalHeader().hide()
    view.setWordWrap(True)  # a header narrower than its words takes a second line
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT + 4)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setFixedHeight(len(grid.header) * (ROW_HEIGHT + 4) + 4)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setStyleSheet("QTableView { background: #eef1f5; font-weight: bold; }")
    return view
