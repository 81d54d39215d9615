"""The findings list: filter by table and severity; double-click jumps to the cells; 说明 for warnings."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.changes import OpChanges
from app.errors import OperationFailed
from core.findings import SEVERITIES, SEVERITY_NAMES, Finding, value_text
from ui.catalogue_dialog import add_catalogue_action
from ui.open_report import OpenReport
from ui.table_model import SEVERITY_COLOURS

COLUMNS = ("级别", "表", "说明", "问题", "相差")


class FindingsModel(QAbstractTableModel):
    """Every finding of the open report, errors first, then by table; kept up to date row by row."""

    def __init__(self, session: OpenReport, parent=None):
        super().__init__(parent)
        self.session = session
        order = {t: i for i, t in enumerate(session.templates.tables)}
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        self._order = lambda f: (rank[f.severity], order.get(f.table, len(order)), f.table, f.rule, f.cells, f.key)
        self.rows: list[Finding] = sorted(session.findings(), key=self._order)
        self._keys = [self._order(f) for f in self.rows]
        session.settled.connect(self.apply)

    def apply(self, changes: OpChanges) -> None:
        """Remove the findings that went and insert those that came, each at its place (no reset)."""
        for finding in changes.audit.disappeared:
            key = self._order(finding)
            row = bisect_left(self._keys, key)
            if row < len(self._keys) and self._keys[row] == key:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.rows[row], self._keys[row]
                self.endRemoveRows()
        for finding in changes.audit.appeared:
            key = self._order(finding)
            row = bisect_left(self._keys, key)
            if row < len(self._keys) and self._keys[row] == key:
                self.rows[row] = finding  # the same finding again: nothing to insert
                continue
            self.beginInsertRows(QModelIndex(), row, row)
            self.rows.insert(row, finding)
            self._keys.insert(row, key)
            self.endInsertRows()
        for row, finding in enumerate(self.rows if changes.explanations else ()):
            if finding.key in changes.explanations:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _printed(self, table: str) -> str:
        template = self.session.templates.tables.get(table)
        return template.printed if template else table

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        finding = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return SEVERITY_NAMES[finding.severity]
            if column == 1:
                return "、".join(self._printed(t) for t in tables_named(finding))
            if column == 2:
                explanation = self.session.explanations.get(finding.key)
                if explanation:
                    return explanation
                return "未说明" if finding.severity == "warning" else ""
            if column == 3:
                return finding.message
            if column == 4 and finding.diff is not None:
                return value_text(finding.diff, self.session.amount_unit)
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            return QBrush(SEVERITY_COLOURS[finding.severity])
        if role == Qt.ItemDataRole.ToolTipRole:
            explanation = self.session.explanations.get(finding.key)
            contributors = getattr(self.session, "contributors", None)  # a 汇总: the units behind it
            units = "、".join(contributors(finding)) if contributors else ""
            return (
                finding.message
                + (f"\n说明：{explanation}" if explanation else "")
                + (f"\n涉及单位：{units}" if units else "")
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return finding
        return None


class FindingsFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: str | None = None
        self.severity: str | None = None

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 - Qt's name
        """A header click sorts: 级别 by severity, 相差 by size, 表 in printed order, the rest as text."""
        rows = self.sourceModel().rows
        a, b = rows[left.row()], rows[right.row()]
        column = left.column()
        if column == 0:
            return SEVERITIES.index(a.severity) < SEVERITIES.index(b.severity)
        if column == 4:
            return abs(a.diff or 0) < abs(b.diff or 0)
        if column == 1:
            order = self.sourceModel()._order
            return order(a)[1:3] < order(b)[1:3]
        return str(left.data() or "") < str(right.data() or "")

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802 - Qt's name
        finding = self.sourceModel().rows[row]
        return (self.table is None or finding.table == self.table) and (
            self.severity is None or finding.severity == self.severity
        )


class FindingsDock(QDockWidget):
    jump = Signal(object)  # the Finding to show

    def __init__(self, session: OpenReport, parent=None):
        super().__init__("审核结果", parent)
        self.setObjectName("findings")
        self.session = session
        self.model = FindingsModel(session, self)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # Fixed widths: sizing columns to their contents would measure every row after every edit.
        for column, width in ((0, 48), (1, 150), (2, 110), (4, 90)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        # Errors first, then by table, until a header is clicked (every column sorts).
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.doubleClicked.connect(self._jump)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.table_filter = QComboBox()
        self.table_filter.addItem("全部表", None)
        for table in session.templates.tables.values():
            self.table_filter.addItem(table.printed, table.id)
        self.severity_filter = QComboBox()
        self.severity_filter.addItem("全部级别", None)
        for severity in SEVERITIES:
            self.severity_filter.addItem(SEVERITY_NAMES[severity], severity)
        self.table_filter.currentIndexChanged.connect(self._filter)
        self.severity_filter.currentIndexChanged.connect(self._filter)
        self.explain_button = QPushButton("填写说明…")
        self.explain_button.clicked.connect(self.explain_current)
        refusal = self.refusal()
        self.explain_button.setEnabled(refusal is None)  # a locked report takes no 说明 at all
        self.explain_button.setToolTip(refusal or "为选中的提示填写说明（随审核摘要打印）")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("筛选："))
        bar.addWidget(self.table_filter)
        bar.addWidget(self.severity_filter)
        bar.addStretch(1)
        bar.addWidget(self.explain_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        # The selected finding in full: a long message and its 说明 are never only "…".
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setStyleSheet("QLabel { color: #333; padding: 2px 4px; }")
        layout.addWidget(self.detail)
        self.view.selectionModel().currentChanged.connect(self._show_detail)
        self.setWidget(body)

    def _show_detail(self, current: QModelIndex, _previous=None) -> None:
        finding = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        if finding is None:
            self.detail.clear()
            return
        explanation = self.session.explanations.get(finding.key)
        self.detail.setText(
            f"【{SEVERITY_NAMES[finding.severity]}】{finding.message}"
            + (f"\n说明：{explanation}" if explanation else "")
        )

    def _filter(self) -> None:
        self.proxy.table = self.table_filter.currentData()
        self.proxy.severity = self.severity_filter.currentData()
        self.proxy.invalidateFilter()

    def current_finding(self) -> Finding | None:
        index = self.view.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def _menu(self, position) -> None:
        """Right-click on a finding: 填写说明… and, on a code not in the catalogue, 添加到科目目录…."""
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        finding = index.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self.view)
        explain = menu.addAction("填写说明…", self.explain_current)
        explain.setEnabled(finding is not None and finding.severity == "warning" and self.refusal() is None)
        add_catalogue_action(menu, finding, self.session, self)
        menu.exec(self.view.viewport().mapToGlobal(position))

    def _jump(self, index: QModelIndex) -> None:
        self.jump.emit(index.data(Qt.ItemDataRole.UserRole))

    def refusal(self) -> str | None:
        """Why no 说明 can be written now (None when one can)."""
        if self.session.locked:
            return "报表已锁定，不能填写或修改说明；如需修改请先解除锁定"
        if self.session.read_only:
            return f"修改未保存：数据库为只读（{self.session.read_only_reason}）"
        return None

    def explain_current(self) -> bool:
        """Ask for the 说明 of the selected warning; a text that could not be saved is offered again."""
        finding = self.current_finding()
        if finding is None or finding.severity != "warning":
            return False
        if self.refusal():
            return False
        text, label = self.session.explanations.get(finding.key, ""), finding.message
        while True:
            text, accepted = QInputDialog.getMultiLineText(self, "填写说明", label, text)
            if not accepted:
                return False
            try:
                self.session.set_explanation(finding, text)
                return True
            except OperationFailed as exc:  # the window's banner says why; keep what was written
                label = f"{finding.message}\n\n说明未保存：{exc}\n所写内容仍在下面，可重试或复制后取消。"


def tables_named(finding: Finding) -> list[str]:
    """The tables a finding involves, its own first, then those of its cells in the order named."""
    tables = [finding.table]
    for cell in finding.cells:
        parts = cell.rsplit(":", 2)
        table = parts[0] if len(parts) == 3 else cell.split(":", 1)[0]
        if table not in tables:
            tables.append(table)
    return tables
