"""Qt model of one printed table: looks values and findings up in the session, pushes edits as commands."""

from __future__ import annotations

from difflib import SequenceMatcher

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.changes import OpChanges
from app.errors import OperationFailed
from core.findings import SEVERITY_NAMES, value_text, worst
from core.layout import row_name
from core.money import AmountError, format_amount, parse_typed_amount
from ui.grid import AMOUNT, NAME, NEW_CODE, Grid, GridCell, build_grid
from ui.open_report import OpenReport

SEVERITY_COLOURS = {"error": QColor("#f4b4b4"), "warning": QColor("#ffd98a"), "rounding": QColor("#e2ecf9")}


class TableModel(QAbstractTableModel):
    """The body of one table as printed; `data()` only looks things up, edits go through the session."""

    refused = Signal(str, QModelIndex)  # a Chinese message for input that was not accepted

    #: Said when a write failed: the window's banner says why, this says what became of the input.
    KEPT = "未保存，输入的内容仍在编辑框中：按回车重试，按 Esc 放弃"

    def __init__(self, session: OpenReport, table_id: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.table = session.templates.table(table_id)
        self.hide_empty = False
        #: Whether the last setData kept nothing: input refused or a write that failed (the editor then stays
        #: open with the typed text).
        self.write_failed = False
        #: The code of the row the last entry in the new-code line added (the view moves the cursor onto it).
        self.added: str | None = None
        self.grid = self._layout()
        self._index_positions()
        session.changed.connect(self._on_change)

    # -- layout -------------------------------------------------------------------------------

    def _layout(self) -> Grid:
        rows = set(self.session.checker.present.get(self.table.id, set()))
        grid = build_grid(
            self.table,
            rows,
            self.session.checker.labels,
            editable_rows=not self.session.locked,
            variant=getattr(self.session, "variants", {}).get(self.table.id),  # a 汇总 has none
        )
        if self.hide_empty and self.table.kind == "classification":
            grid.body = [r for r in grid.body if self._has_figures(r)]
        return grid

    def _index_positions(self) -> None:
        self._flags: list[list] | None = None
        self._positions: dict[str, list[tuple[int, int]]] = {}
        for r, row in enumerate(self.grid.body):
            for c, cell in enumerate(row):
                for key in (cell.address, cell.row_key):
                    if key:
                        self._positions.setdefault(key, []).append((r, c))

    def _has_figures(self, row) -> bool:
        return any(
            cell.kind == NEW_CODE or (cell.address and self.session.value(cell.address) is not None) for cell in row
        ) or any(cell.address and cell.address.split(":")[1] == self.table.total_row for cell in row)

    def set_hide_empty(self, hide: bool) -> None:
        self.hide_empty = hide
        self._relayout()

    def _relayout(self) -> None:
        """Rows came or went: insert and remove exactly those rows (the rest keep their place and selection)."""
        new = self._layout()
        if self.table.catalogue == "economic" or new.columns != self.grid.columns:
            # 公开06 prints its codes in side-by-side panels: a new code shifts cells across rows.
            self.beginResetModel()
            self.grid = new
            self._index_positions()
            self.endResetModel()
            return
        old_keys, new_keys = [_row_identity(r) for r in self.grid.body], [_row_identity(r) for r in new.body]
        body = self.grid.body
        # From the end backwards, so that the positions of the blocks still to do stay valid.
        for tag, i1, i2, j1, j2 in reversed(SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()):
            if tag in ("delete", "replace"):
                self.beginRemoveRows(QModelIndex(), i1, i2 - 1)
                del body[i1:i2]
                self.endRemoveRows()
            if tag in ("insert", "replace"):
                self.beginInsertRows(QModelIndex(), i1, i1 + j2 - j1 - 1)
                body[i1:i1] = new.body[j1:j2]
                self.endInsertRows()
        self._index_positions()

    def _on_change(self, changes: OpChanges) -> None:
        if changes.status:  # locked or unlocked: which cells take typing changed
            self._flags = None
        if self.table.id in changes.rows_changed and self.table.kind == "classification":
            self._relayout()
        elif self.hide_empty and any(a.startswith(self.table.id + ":") for a in changes.cells):
            self._relayout()  # a row filled or emptied comes into or goes out of view
        keys = set(changes.cells) | set(changes.labels)
        marked = self.session.recoloured(changes) - keys if changes.findings_changed else ()
        for key in keys:
            for r, c in self._positions.get(key, ()):
                index = self.index(r, c)
                self.dataChanged.emit(index, index)
        for key in marked:  # only their colour and tooltip changed (the view need not measure their text)
            for r, c in self._positions.get(key, ()):
                index = self.index(r, c)
                self.dataChanged.emit(index, index, _MARKS)

    def position(self, address: str) -> tuple[int, int] | None:
        found = self._positions.get(address)
        return found[0] if found else None

    def cell(self, index: QModelIndex):
        return self.grid.body[index.row()][index.column()]

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.grid.body)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.grid.columns

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Painting asks every visible cell for a dozen roles; most are not ours: answer those at once.
        if role not in _ROLES or not index.isValid():
            return None
        cell = self.cell(index)
        key = cell.address or cell.row_key
        if role == Qt.ItemDataRole.DisplayRole:
            if cell.kind == AMOUNT:
                return format_amount(self.session.value(cell.address), self.session.display_unit)
            if cell.kind == NAME:
                return "　" * max(cell.level, 0) + self._row_name(cell) if cell.row_key else cell.text
            return cell.text
        if role == Qt.ItemDataRole.EditRole:
            if cell.kind == AMOUNT:
                return format_amount(self.session.value(cell.address), self.session.display_unit, thousands=False)
            if cell.kind == NAME:
                return self.session.checker.labels.get(cell.row_key) or self._row_name(cell)
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT.get(cell.kind, _LEFT)
        if role == Qt.ItemDataRole.FontRole:
            return _bold() if cell.bold else None
        if role == Qt.ItemDataRole.BackgroundRole and key:
            severity = worst(self.session.findings_at(key))
            if severity:
                return _brushes()[severity]
            if cell.kind != AMOUNT or not self._editable(cell):
                return _brushes()["fixed"] if cell.kind == AMOUNT else None
        if role == Qt.ItemDataRole.ToolTipRole:
            told = self._tooltip(key) if key else None
            if cell.kind == AMOUNT and hasattr(self.session, "previous_value"):
                told = "\n\n".join(t for t in (told, self._last_year(cell.address)) if t) or None
            breakdown = getattr(self.session, "breakdown_text", None)  # a 汇总: the cell unit by unit
            if breakdown is not None and cell.kind == AMOUNT:
                parts = [t for t in (told, breakdown(cell.address)) if t]
                return "\n\n".join(parts) or None
            if told is None and cell.kind in (NAME, "text", "code"):
                return self.data(index) or None  # the whole label, where its column is too narrow for it
            return told
        if role == Qt.ItemDataRole.UserRole:
            return key
        return None

    def _last_year(self, address: str) -> str | None:
        """上年 and the change, for a figure's tooltip (when last year's report is in the database)."""
        try:
            before = self.session.previous_value(address)
        except OperationFailed:
            return None
        if before is False:
            return None
        unit, now = self.session.display_unit, self.session.value(address)
        if before is None:
            return "上年：未填" if now is not None else None
        text = f"上年：{format_amount(before, unit)}"
        if now is not None:
            change = now - before
            if change == 0:
                text += "，与上年持平"
            else:
                word = "增加" if change > 0 else "减少"
                rate = f"，{'增长' if change > 0 else '下降'} {abs(change) * 100 / abs(before):.2f}%" if before else ""
                text += f"，比上年{word} {format_amount(abs(change), unit)}{rate}"
        return text

    def _row_name(self, cell: GridCell) -> str:
        return row_name(self.table, cell.row_key.split(":", 1)[1], self.session.checker.labels)

    def _tooltip(self, key: str) -> str | None:
        lines = []
        unit = self.session.amount_unit
        for finding in self.session.findings_at(key):
            # The message states 实为, 应为 and 相差 itself: saying them again (with the other sign) confused.
            text = f"【{SEVERITY_NAMES[finding.severity]}】{finding.rule}\n{finding.message}"
            if "相差" not in finding.message and isinstance(finding.diff, int):
                text += f"\n相差 {value_text(finding.diff, unit)} {unit}"
            explanation = self.session.explanations.get(finding.key)
            if explanation:
                text += f"\n说明：{explanation}"
            lines.append(text)
        return "\n\n".join(lines) or None

    def _editable(self, cell) -> bool:
        # A read-only database still opens editors: the write is refused with its reason and the
        # typed text stays, rather than keys that silently do nothing. A locked report opens none.
        return not self.session.locked and cell.kind in (AMOUNT, NAME, NEW_CODE)

    def flags(self, index: QModelIndex):
        # Asked for every visible cell at each repaint: looked up, worked out once per layout or status.
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._flags is None:
            self._flags = [[_EDITABLE if self._editable(c) else _FIXED for c in row] for row in self.grid.body]
        return self._flags[index.row()][index.column()]

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        self.write_failed, self.added = False, None
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        cell = self.cell(index)
        text = str(value)
        try:
            if cell.kind == AMOUNT:
                try:
                    fen = parse_typed_amount(text, self.session.display_unit)
                except AmountError as exc:
                    # Not an amount: the editor stays open with what was typed, the reason at the cell.
                    self.write_failed = True
                    self.refused.emit(f"{exc}。请修改后按回车，或按 Esc 放弃", index)
                    return False
                self.session.edit([(cell.address, fen)], f"修改 {cell.address}")
                return True
            if cell.kind == NAME:
                table, row = cell.row_key.split(":")
                self.session.rename_row(table, row, text)
                return True
            if cell.kind == NEW_CODE:
                return self.add_row(text, index)
        except OperationFailed:  # the session has told the window why; nothing was changed
            self.write_failed = True
            self.refused.emit(self.KEPT, index)
        return False

    def add_row(self, text: str, index: QModelIndex | None = None) -> bool:
        """A new classification row from a typed code (its name from the catalogue)."""
        code = text.strip().split()[0] if text.strip() else ""
        if not code:
            return False
        if not self.table.is_row(code) or code in self.table.special_rows:
            self.write_failed = True  # the typed code stays in its editor, to be corrected
            self.refused.emit(
                f"科目编码“{code}”应为 {'/'.join(map(str, self.table.levels))} 位数字", index or QModelIndex()
            )
            return False
        if code in self.session.checker.present.get(self.table.id, set()):
            self.write_failed = True
            self.refused.emit(f"{self.table.printed}已有科目“{code}”", index or QModelIndex())
            return False
        # A row exists through its figures or its name: the catalogue's name, or the code itself
        # for a code outside the catalogue (which the checker then flags).
        name = self.session.checker.catalogue(self.table.catalogue).get(code)
        self.session.rename_row(self.table.id, code, name or code)
        self.added = code
        return True


def _row_identity(row: list[GridCell]) -> str:
    """What a body row shows, as a key: the row it belongs to, or its printed text."""
    for cell in row:
        if cell.row_key:
            return cell.row_key
        if cell.address:
            return cell.address.rsplit(":", 1)[0]
        if cell.kind == NEW_CODE:
            return "\0new"
    return "\0" + "|".join(cell.text for cell in row)


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.UserRole,
    }
)
_MARKS = [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole]
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_FIXED = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _FIXED | Qt.ItemFlag.ItemIsEditable
_ALIGNMENT = {
    AMOUNT: int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    "line": int(Qt.AlignmentFlag.AlignCenter),
}
_MADE: dict = {}


def _bold() -> QFont:
    """One bold font for every total (made once a QApplication exists)."""
    if "bold" not in _MADE:
        font = QFont()
        font.setBold(True)
        _MADE["bold"] = font
    return _MADE["bold"]


def _brushes() -> dict[str, QBrush]:
    if "brushes" not in _MADE:
        _MADE["brushes"] = {s: QBrush(c) for s, c in SEVERITY_COLOURS.items()} | {"fixed": QBrush(QColor("#f6f6f6"))}
    return _MADE["brushes"]
