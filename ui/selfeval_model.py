"""The indicator grid of a self-evaluation table: its model, cell editors and spreadsheet-like view."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from app.changes import OpChanges
from app.errors import OperationFailed
from core.findings import SEVERITY_NAMES, worst
from core.selfeval import (
    BAND_NAMES,
    FULL_MARKS,
    Goal,
    Indicator,
    Level1,
    Level2,
    SelfEvalError,
    SelfEvaluation,
    round_score,
    score_band,
    suggested_score,
)
from core.selfeval_edit import (
    ALL_LEVEL2,
    DEFAULT_GOAL,
    LEVEL1_NAMES,
    LEVEL2_NAMES,
    IndicatorPath,
    PointsKeeper,
    move_indicator,
    nodes_at,
    plain,
    points_refusal,
    put_value,
    walk_indicators,
)
from ui.focus_repaint import FocusRepaint
from ui.open_report import OpenReport
from ui.table_model import SEVERITY_COLOURS

COLUMNS = tuple("年度目标 一级指标 二级指标 三级指标（指标名称） 权重/分值 目标值 实际完成值 得分 建议得分".split())
GOAL, LEVEL1, LEVEL2, NAME, WEIGHT, TARGET, ACTUAL, SCORE, SUGGESTED = range(len(COLUMNS))  # GOAL..LEVEL2: levels 0-2
FIELDS = {NAME: "name", WEIGHT: "weight", TARGET: "target", ACTUAL: "actual", SCORE: "score"}
CELL_COLUMNS = {NAME: "名称", WEIGHT: "权重", TARGET: "目标值", ACTUAL: "实际完成值", SCORE: "得分"}
WIDTHS = (170, 90, 130, 260, 70, 120, 120, 64, 80)
RULE_NOTE = "按评分规则：正向指标 权重 × 实际完成值 ÷ 目标值，反向指标 权重 × 目标值 ÷ 实际完成值，不超过权重"


def suggestion(indicator: Indicator) -> str:
    """The 建议得分 cell: the score the rules give, or the band a qualitative indicator's words put it in."""
    score = suggested_score(indicator)
    if score is not None:
        return f"{score:f}"
    band = score_band(indicator)
    return f"{plain(round_score(band[1]))}–{plain(round_score(band[2]))}" if band else ""


def suggestion_note(indicator: Indicator) -> str:
    band = score_band(indicator)
    if band is None:
        return (
            RULE_NOTE
            if suggested_score(indicator) is not None
            else "定量指标（有权重、目标值与实际完成值）才有建议得分"
        )
    low, high = plain(round_score(band[1])), plain(round_score(band[2]))
    return f"定性指标，属“{BAND_NAMES[band[0]]}”一档：得分应在 {low} 至 {high} 之间"


def findings_tooltip(session: OpenReport, address: str | None) -> str | None:
    """The findings on a cell (with their explanations), for its tooltip."""
    explained = session.explanations
    lines = [
        f"【{SEVERITY_NAMES[f.severity]}】{f.rule}\n{f.message}"
        + (f"\n说明：{explained[f.key]}" if f.key in explained else "")
        for f in (session.findings_at(address) if address else ())
    ]
    return "\n\n".join(lines) or None


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.UserRole,
    }
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FIXED = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _FIXED | Qt.ItemFlag.ItemIsEditable


@dataclass(frozen=True)
class _Row:
    path: IndicatorPath
    raw: dict  # the indicator's dict, values as entered
    indicator: Indicator
    goal: Goal
    level1: Level1
    level2: Level2


def _changed_columns(old: _Row, new: _Row) -> list[int]:
    """The columns of a grid row that show something else (text, a colour or font not from findings, a
    tooltip): a group's by its name, 分值 and place, a value's by its text, 建议得分 by the indicator."""
    if old.raw == new.raw and old.indicator == new.indicator:
        columns = []
    else:
        columns = [c for c, f in FIELDS.items() if old.raw.get(f) != new.raw.get(f)]
        if old.indicator != new.indicator:
            columns.append(SUGGESTED)
    for column, before, after in ((GOAL, old.goal, new.goal), (LEVEL1, old.level1, new.level1),
                                  (LEVEL2, old.level2, new.level2)):  # fmt: skip
        if (before.name, before.points, before.row) != (after.name, after.points, after.row):
            columns.append(column)
    return columns


def _copied(value):
    """A copy of a report-file table to change: its dicts and lists new, its values (text, numbers) shared."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    return value


def _places(row: _Row) -> tuple:
    """What a grid row's cell addresses are made of (its indicator's and its groups' printed rows)."""
    return row.indicator.row, row.goal.row, row.level1.row, row.level2.row


class IndicatorModel(QAbstractTableModel):
    """The 三级指标 of one table, one row each in printed order; edits go through the session."""

    refused = Signal(str)
    moved = Signal(int, int)  # the row and column the cursor should follow after a move

    def __init__(self, session: OpenReport, table_index: int, parent=None):
        super().__init__(parent)
        self.session, self.table_index = session, table_index
        #: Whether the last edit failed to be written (its editor then stays open with the typed text).
        self.write_failed = False
        #: Why the last edit was not taken (None when it was): the editor stays open and shows it at the cell.
        self.refusal: str | None = None
        self.rows, self.evaluation = self._read()
        self._differing: dict[IndicatorPath, bool] = {}  # whether 建议得分 differs from 得分, by indicator
        self._cells: dict[str, list[tuple[int, int]]] | None = None  # address → places, made when needed
        session.changed.connect(self._on_change)

    def table(self) -> dict:
        tables = self.session.checker.selfeval
        return tables[self.table_index] if 0 <= self.table_index < len(tables) else {}

    def _read(self) -> tuple[list[_Row], SelfEvaluation | None]:
        table = self.table()
        if not table:
            return [], None
        evaluation = self.session.checker.selfeval_evaluation(self.table_index)  # as read by the checker
        parsed = [
            (i, g, l1, l2) for g in evaluation.goals for l1 in g.groups for l2 in l1.groups for i in l2.indicators
        ]
        rows = [_Row(path, raw, *p) for (path, *_, raw), p in zip(walk_indicators(table), parsed, strict=True)]
        return rows, evaluation

    def reload(self, changes: OpChanges | None = None) -> None:
        """Read the table again; with `changes` (an edit's), only the rows that look different and the
        cells whose findings changed are repainted, when the indicators kept their places."""
        rows, evaluation = self._read()
        if len(rows) != len(self.rows):
            self.beginResetModel()
            self.rows, self.evaluation = rows, evaluation
            self._cells, self._differing = None, {}
            self.endResetModel()
            return
        same_places = (
            changes is not None
            and self.evaluation is not None
            and evaluation is not None
            and evaluation.table == self.evaluation.table
            and all(old.path == new.path for old, new in zip(self.rows, rows, strict=True))
        )
        old_rows = self.rows
        self.rows, self.evaluation = rows, evaluation
        self._differing = {}
        if not same_places or any(_places(old) != _places(new) for old, new in zip(old_rows, rows, strict=True)):
            self._cells = None  # the cells' addresses changed
        if not same_places:
            self._recolour()
            return
        for n, (old, new) in enumerate(zip(old_rows, rows, strict=True)):
            for column in _changed_columns(old, new):
                index = self.index(n, column)
                self.dataChanged.emit(index, index)
        self._recolour_findings(changes)

    def _on_change(self, changes: OpChanges) -> None:
        """This table's content changed: read it again; its findings changed: recolour their cells."""
        if self.table_index in changes.selfeval or changes.selfeval_list:
            self.reload(changes)
        else:
            self._recolour_findings(changes)

    def table_name(self) -> str:
        return self.evaluation.table if self.evaluation else ""

    def _recolour(self, _change=None) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def _recolour_findings(self, changes: OpChanges) -> None:
        """Repaint the cells of this table's findings that came or went."""
        name = self.table_name()
        if not self.rows or not any(f.table == name for f in changes.audit.appeared + changes.audit.disappeared):
            return
        if self._cells is None:
            self._cells = {}
            for row in range(len(self.rows)):
                for column in range(len(COLUMNS)):
                    address = self.address(row, column)
                    if address:
                        self._cells.setdefault(address, []).append((row, column))
        for address in self.session.recoloured(changes):
            for row, column in self._cells.get(address, ()):
                index = self.index(row, column)
                self.dataChanged.emit(index, index)

    def address(self, row: int, column: int) -> str | None:
        r, ev = self.rows[row], self.evaluation
        group = {GOAL: r.goal, LEVEL1: r.level1, LEVEL2: r.level2}.get(column)
        if group is not None:
            return ev.cell(group.row, "分值")
        return ev.cell(r.indicator.row, CELL_COLUMNS[column]) if column in CELL_COLUMNS else None

    def position(self, address: str) -> tuple[int, int] | None:
        for row in range(len(self.rows)):
            for column in range(len(COLUMNS)):
                if self.address(row, column) == address:
                    return row, column
        return None

    def row_of(self, path: IndicatorPath | None) -> int:
        return next((n for n, r in enumerate(self.rows) if r.path == path), -1)

    # -- Qt model

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return COLUMNS[section] if orientation == Qt.Orientation.Horizontal else str(section + 1)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Painting asks every visible cell for a dozen roles; those not answered here are refused at once.
        if role not in _ROLES or not index.isValid():
            return None
        r, column = self.rows[index.row()], index.column()
        group = (r.goal, r.level1, r.level2)[column] if column <= LEVEL2 else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if group is not None:
                return group.name
            if column == SUGGESTED:
                return suggestion(r.indicator)
            value = r.raw.get(FIELDS[column])
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (WEIGHT, SCORE, SUGGESTED):
            return _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            repeated = group is not None and index.row() and self._same_group(index.row(), column)
            severity = None if repeated else worst(self.session.findings_at(self.address(index.row(), column) or ""))
            if severity:
                return QBrush(SEVERITY_COLOURS[severity])
            return QBrush(QColor("#f3f5f8")) if column == SUGGESTED else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if group is not None and index.row() and self._same_group(index.row(), column):
                return QBrush(QColor("#a0a4aa"))  # repeated: reads like the printed merged cell
            if column == SUGGESTED and self._differs(r):
                return QBrush(QColor("#1f5fbf"))
        if role == Qt.ItemDataRole.FontRole and column == SUGGESTED and self._differs(r):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), column, group)
        if role == Qt.ItemDataRole.UserRole:
            return self.address(index.row(), column)
        return None

    def _same_group(self, row: int, column: int) -> bool:
        depth = {GOAL: 1, LEVEL1: 2, LEVEL2: 3}[column]
        return self.rows[row].path[:depth] == self.rows[row - 1].path[:depth]

    def _differs(self, r: _Row) -> bool:
        differs = self._differing.get(r.path)
        if differs is None:  # asked twice per paint of the cell (colour and font): worked out once per reading
            score = suggested_score(r.indicator)
            differs = self._differing[r.path] = score is not None and r.indicator.score != score
        return differs

    def _tooltip(self, row: int, column: int, group) -> str | None:
        parts = []
        if group is not None:
            points = plain(group.points) if group.points is not None else "（未填）"
            parts.append(f"{COLUMNS[column]}：{group.name or '（空）'}\n分值：{points}")
        elif column == SUGGESTED:
            parts.append(suggestion_note(self.rows[row].indicator))
        elif column in (NAME, TARGET, ACTUAL) and len(self.data(self.index(row, column))) > 16:
            parts.append(self.data(self.index(row, column)))
        findings = findings_tooltip(self.session, self.address(row, column))
        return "\n\n".join(p for p in parts + [findings] if p) or None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FIXED if self.session.locked or index.column() == SUGGESTED else _EDITABLE

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        self.write_failed, self.refusal = False, None
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == SUGGESTED:
            return False
        row, column = index.row(), index.column()
        text = str(value if value is not None else "").strip()
        if text == self.data(index, Qt.ItemDataRole.EditRole):
            return True
        path = self.rows[row].path
        what = f"第{row + 1}个指标的{COLUMNS[column]}"
        if column in (SCORE, WEIGHT):
            limit = self.rows[row].indicator.weight if column == SCORE else FULL_MARKS
            refusal = points_refusal(text, f"第{row + 1}个指标的{'得分' if column == SCORE else '权重'}", limit,
                                     "权重" if column == SCORE else "满分")  # fmt: skip
            if refusal:
                self._refuse(refusal)
                return False
        if column in FIELDS:
            return (
                self.apply(lambda t: put_value(nodes_at(t, path)[3], FIELDS[column], text), f"修改{what}") is not None
            )
        new_path = self.apply(lambda t: move_indicator(t, path, column, text), f"修改{what}为“{text}”")
        if new_path is not None:
            self.moved.emit(self.row_of(new_path), column)
        return new_path is not None

    # -- edits: every one a whole-table replacement through the session, one undo step

    def apply(self, change: Callable[[dict], object], text: str):
        """Run `change` on a copy of this table and save it: its result (True for none), None when refused.

        On a read-only database the write is tried and refused with its reason (`write_failed`).
        """
        self.write_failed, self.refusal = False, None
        if self.session.locked or not self.table():
            self._refuse("报表已锁定，不能修改；如需修改请先解除锁定" if self.session.locked else "该自评表已不存在")
            return None
        # Only this table is copied and changed: the others stay the very objects the session holds.
        tables = list(self.session.checker.selfeval)
        table = tables[self.table_index] = _copied(tables[self.table_index])
        keeper = PointsKeeper(table)
        result = change(table)
        keeper.apply(table)
        result = True if result is None else result
        if tables == self.session.checker.selfeval:
            return result
        try:
            self.session.edit_selfeval(tables, text)
        except SelfEvalError as exc:
            self._refuse(str(exc))
            return None
        except OperationFailed as exc:  # nothing saved or changed; the window's banner says so too
            self.write_failed = True
            self._refuse(f"{str(exc).rstrip('。')}。输入的内容仍保留，可重试")
            return None
        return result

    def _refuse(self, message: str) -> None:
        self.refusal = message
        self.refused.emit(message)

    def clear(self, indexes: Iterable[QModelIndex]) -> None:
        cells = [(self.rows[i.row()].path, FIELDS[i.column()]) for i in indexes if i.column() in FIELDS]
        if cells:
            self.apply(lambda t: [put_value(nodes_at(t, p)[3], f, "") for p, f in cells], f"清除 {len(cells)} 个单元格")


class IndicatorDelegate(QStyledItemDelegate):
    """Lists for the 年度目标 and the 一级/二级指标 (other names may be typed); line editors elsewhere."""

    def __init__(self, model: IndicatorModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.held = None  # the editor whose text could not be saved: the view keeps it open

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        column = index.column()
        if column not in (GOAL, LEVEL1, LEVEL2):
            editor = QLineEdit(parent)
            if column in (WEIGHT, SCORE):
                editor.setAlignment(Qt.AlignmentFlag.AlignRight)
            return editor
        if column == GOAL:
            names = [g.name for g in self.model.evaluation.goals] or [DEFAULT_GOAL]
        elif column == LEVEL1:
            names = list(LEVEL1_NAMES)
        else:
            names = list(LEVEL2_NAMES.get(self.model.rows[index.row()].level1.name, ALL_LEVEL2))
        current = index.data(Qt.ItemDataRole.EditRole)
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(list(dict.fromkeys(names + ([current] if current else []))))
        combo.activated.connect(lambda _=0: (self.commitData.emit(combo), self.closeEditor.emit(combo)))
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
            editor.lineEdit().selectAll()
        else:
            editor.setText(text)
            editor.selectAll()  # a key typed to start editing replaces the value, as in a spreadsheet

    def setModelData(self, editor, model, index):  # noqa: N802
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        model.setData(index, text, Qt.ItemDataRole.EditRole)
        self.held = editor if model.write_failed or model.refusal else None


class Note(QLabel):
    """Why an entry was refused, shown just below it until the entry is taken or dropped."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("refusal")
        self.setStyleSheet(
            "#refusal { background: #fdecea; color: #b71c1c; border: 1px solid #c62828; padding: 2px 6px; }"
        )
        self.setWordWrap(True)
        self.hide()

    def show_below(self, rect: QRect, text: str) -> None:
        """`rect` in the parent's coordinates: the note goes under it (above it when there is no room below)."""
        parent = self.parentWidget()
        self.setText(text)
        width = min(max(rect.width(), 320), max(parent.width() - 4, 120))
        self.setFixedWidth(width)
        self.adjustSize()
        x = max(0, min(rect.left(), parent.width() - width))
        y = rect.bottom() + 2
        if y + self.height() > parent.height():
            y = max(0, rect.top() - self.height() - 2)
        self.move(x, y)
        self.show()
        self.raise_()


class IndicatorView(FocusRepaint, QTableView):
    """Spreadsheet keys: type to replace, F2 to edit, Enter commits and moves down, Delete clears."""

    qt_picks_current = True  # before the first cell is chosen, Qt's handler picks one

    def __init__(self, model: IndicatorModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.note = Note(self.viewport())
        self.setItemDelegate(IndicatorDelegate(model, self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(26)
        for column, width in enumerate(WIDTHS):
            self.setColumnWidth(column, width)
        self.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self._kept = (0, 0)
        model.modelAboutToBeReset.connect(lambda: setattr(self, "_kept", self._current()))
        model.modelReset.connect(lambda: self.go_to(*self._kept))
        # After the editor closes, so that Enter does not move the cursor off the moved indicator.
        model.moved.connect(lambda row, column: QTimer.singleShot(0, self, lambda: self.go_to(row, column)))

    def _current(self) -> tuple[int, int]:
        current = self.currentIndex()
        return (current.row(), current.column()) if current.isValid() else (0, NAME)

    def go_to(self, row: int, column: int) -> None:
        count = self.model().rowCount()
        if count:
            self.setCurrentIndex(self.model().index(min(max(row, 0), count - 1), column))

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not editing:
            self.model().clear(self.selectedIndexes())
        else:
            super().keyPressEvent(event)

    def closeEditor(self, editor, hint):  # noqa: N802 - Qt's name
        delegate = self.itemDelegate()
        held, delegate.held = delegate.held is editor, None
        if held and hint != QStyledItemDelegate.EndEditHint.RevertModelCache:
            # The typed text stays to correct, retry or copy, the reason just under it; Esc drops it.
            self.note.show_below(self.visualRect(self.currentIndex()), self.model().refusal or "未能保存")
            QTimer.singleShot(0, editor, editor.setFocus)
            return
        self.note.hide()
        if hint == QStyledItemDelegate.EndEditHint.SubmitModelCache and not isinstance(editor, QComboBox):
            super().closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.go_to(self._current()[0] + 1, self._current()[1])
            return
        super().closeEditor(editor, hint)

    def select_addresses(self, addresses: Iterable[str]) -> bool:
        positions = [p for a in addresses if (p := self.model().position(a))]
        if not positions:
            return False
        self.selectionModel().clearSelection()
        for row, column in positions:
            self.selectionModel().select(self.model().index(row, column), QItemSelectionModel.SelectionFlag.Select)
        self.selectionModel().setCurrentIndex(
            self.model().index(*positions[0]), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self.scrollTo(self.model().index(*positions[0]))
        return True
