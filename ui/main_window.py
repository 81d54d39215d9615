"""The main window: units → years → tables on the left, the table in the centre, findings below."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.changes import OpChanges
from app.context import AppContext
from app.errors import OperationFailed
from core.findings import SEVERITIES, SEVERITY_NAMES
from core.status import DEPARTMENT
from core.templates import DEFAULT_REGION
from ui.dialogs import Banner, NewReportDialog
from ui.findings_dock import FindingsDock, tables_named
from ui.open_report import OpenReport
from ui.table_view import TableView
from ui.tree_roles import REPORT_ROLE, SELFEVAL_ROLE, TABLE_ROLE, UNIT_ROLE
from ui.window_department import DepartmentActions
from ui.window_files import FileActions


class MainWindow(FileActions, DepartmentActions, QMainWindow):
    def __init__(self, context: AppContext, settings: QSettings | None = None):
        super().__init__()
        self.context = context
        self.settings = settings or QSettings("juesuan", "juesuan")
        self.session: OpenReport | None = None
        #: The finding last jumped to, its cells grouped by table, and which group is shown (F8 moves on).
        self._jump = None
        #: What is open: a report's id, or `汇总:<department id>:<year>`.
        self._open_key: int | str | None = None
        # Once the user pauses after an edit, the edits go into the database file itself.
        self._idle_checkpoint = QTimer(self)
        self._idle_checkpoint.setSingleShot(True)
        self._idle_checkpoint.setInterval(int(context.idle_checkpoint_seconds * 1000))
        self._idle_checkpoint.timeout.connect(context.checkpoint)
        self.views: dict[str, TableView] = {}
        self.selfeval_editors: dict[int, QWidget] = {}
        self.selfeval_items: dict[str, QTreeWidgetItem] = {}
        self.table_items: dict[str, QTreeWidgetItem] = {}
        self.setWindowTitle("决算审核台" + ("（只读）" if context.read_only else ""))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["报表", "状态"])
        self.tree.setColumnWidth(0, 175)
        self.tree.itemSelectionChanged.connect(self._tree_selected)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._unit_menu)
        self.stack = QStackedWidget()
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 1100])
        # Above the tables: why nothing can be saved (read-only, locked), and the last write that failed.
        self.notice = Banner("notice", closable=False)
        self.problem = Banner("problem", closable=True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.notice)
        layout.addWidget(self.problem)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.findings: FindingsDock | None = None
        self.counts_label, self.unit_label, self.saved_label = QLabel(), QLabel(), QLabel()
        for label in (self.counts_label, self.unit_label, self.saved_label):
            self.statusBar().addPermanentWidget(label)
        self._make_actions()
        self._fit_to_screen()
        self.restoreGeometry(self.settings.value("geometry", b""))
        self._show_notice()
        self.populate_tree()

    # -- building ------------------------------------------------------------------------------

    def _fit_to_screen(self) -> None:
        """At most 1400×900, never larger than the screen (office PCs are often 1366×768): then maximised."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None or (screen.width() >= 1400 and screen.height() >= 900):
            self.resize(1400, 900)
            return
        self.resize(screen.width(), screen.height())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _make_actions(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("文件(&F)")
        self._action(file_menu, "新建报表…", self.new_report, QKeySequence.StandardKey.New)
        self._action(file_menu, "导入报表文件或工作簿…", self.import_file, QKeySequence.StandardKey.Open)
        self._action(file_menu, "导出 Excel 工作簿…", self.export_workbook, QKeySequence("Ctrl+E"))
        self._action(file_menu, "导出报表文件（.json）…", self.export_file)
        file_menu.addSeparator()
        self._action(file_menu, "导入文件夹（各单位报表）…", self.import_folder, QKeySequence("Ctrl+Shift+O"))
        file_menu.addSeparator()
        self._action(file_menu, "情况说明补充信息…", self.edit_narrative_extra)
        self._action(file_menu, "生成情况说明（.docx）…", self.draft_narrative)
        self._action(file_menu, "核对情况说明…", self.check_narrative)
        file_menu.addSeparator()
        self._action(file_menu, "审核摘要打印预览…", self.preview_summary)
        self._action(file_menu, "打印审核摘要…", self.print_summary, QKeySequence.StandardKey.Print)
        self._action(file_menu, "审核摘要另存为 PDF…", self.save_summary_pdf)
        file_menu.addSeparator()
        self._action(file_menu, "退出", self.close, QKeySequence.StandardKey.Quit)
        self.edit_menu = menus.addMenu("编辑(&E)")
        self.undo_action = self._action(
            self.edit_menu,
            "撤销",
            lambda: self.session and self.session.undo(),
            QKeySequence.StandardKey.Undo,
        )
        self.redo_action = self._action(
            self.edit_menu, "重做", lambda: self.session and self.session.redo(), QKeySequence("Ctrl+Y")
        )
        self.edit_menu.addSeparator()
        self._action(self.edit_menu, "按公式填充当前单元格", self.fill_current, QKeySequence("Ctrl+="))
        self._action(self.edit_menu, "按公式填充本表全部合计", self.fill_table, QKeySequence("Ctrl+Shift+="))
        self._action(self.edit_menu, "删除当前科目行", self.remove_current_row)
        self.edit_menu.addSeparator()
        self._action(self.edit_menu, "转到问题涉及的下一张表", self.next_related, QKeySequence("F8"))
        view_menu = menus.addMenu("视图(&V)")
        units = QActionGroup(self)
        for unit in ("万元", "元"):
            action = self._action(view_menu, f"金额单位：{unit}", lambda _=False, u=unit: self.set_display_unit(u))
            action.setCheckable(True)
            action.setChecked(unit == "万元")
            units.addAction(action)
        self.findings_action = self._action(view_menu, "显示审核结果面板", self._show_findings, QKeySequence("F12"))
        self.findings_action.setCheckable(True)
        self.findings_action.setChecked(True)
        self._action(view_menu, "部门审核概览…", self.show_overview)
        self.hide_empty_action = self._action(view_menu, "隐藏无数字的科目行", self.toggle_hide_empty)
        self.hide_empty_action.setCheckable(True)
        help_menu = menus.addMenu("帮助(&H)")
        self._action(help_menu, "关于", self.about)
        toolbar = self.addToolBar("常用")
        toolbar.setObjectName("toolbar")
        for action in (self.undo_action, self.redo_action):
            toolbar.addAction(action)

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def populate_tree(self, select_report: int | str | None = None) -> None:
        """Units as the department holds them (部门 → 单位 → …), each with its years, and a 部门's 汇总 per year."""
        self.tree.clear()
        by_unit: dict[str, list] = {}
        for info in self._reports():
            by_unit.setdefault(info.unit_name, []).append(info)
        try:
            roots = self.context.department.tree()
        except Exception as exc:  # noqa: BLE001 - a tree that cannot be read still shows the reports
            self.write_failed(OperationFailed(f"无法读取单位树：{exc}"))
            roots = []
        remembered = str(select_report or self.settings.value("report", "") or "")
        chosen: list[QTreeWidgetItem] = []

        def add(node, parent) -> None:
            item = QTreeWidgetItem(parent, [node.name, "部门" if node.kind == DEPARTMENT else ""])
            item.setData(0, UNIT_ROLE, node.id)
            item.setToolTip(0, node.name)
            item.setExpanded(True)
            if node.kind == DEPARTMENT and node.children:
                years = sorted({i.year for unit in node.walk() for i in by_unit.get(unit.name, ())})
                for year in years:
                    key = f"汇总:{node.id}:{year}"
                    total = QTreeWidgetItem(item, [f"{year}年度 汇总", "只读"])
                    total.setData(0, REPORT_ROLE, key)
                    total.setToolTip(0, f"{node.name}{year}年度汇总：下属各单位报表之和（加汇总调整），只读")
                    if key == remembered:
                        chosen.insert(0, total)
            for info in by_unit.pop(node.name, ()):
                region = "" if info.region == DEFAULT_REGION else f"（{info.region}）"
                year_item = QTreeWidgetItem(item, [f"{info.year}年度{region}", info.status])
                year_item.setData(0, REPORT_ROLE, info.id)
                if str(info.id) == remembered:
                    chosen.insert(0, year_item)
                else:
                    chosen.append(year_item)
            for child in node.children:
                add(child, item)

        for root in roots:
            add(root, self.tree)
        if chosen:
            chosen[0].setExpanded(True)
            self.tree.setCurrentItem(chosen[0])

    def _reports(self) -> list:
        try:
            return self.context.reports()
        except OperationFailed as failure:
            self.write_failed(failure)
            return []

    def _tree_selected(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        report_id = item.data(0, REPORT_ROLE) or (item.parent() and item.parent().data(0, REPORT_ROLE))
        if report_id is None:
            return
        child = item.data(0, TABLE_ROLE) is not None or item.data(0, SELFEVAL_ROLE) is not None
        if self.session is None or self._open_key != report_id:
            self.open_report(report_id, item.parent() if child else item)
            if self.session is None:
                return
        if item.data(0, SELFEVAL_ROLE) is not None:
            self.show_selfeval(item.data(0, SELFEVAL_ROLE))
        else:
            self.show_table(item.data(0, TABLE_ROLE) or next(iter(self.session.templates.tables)))

    def _open_session(self, key: int | str):
        """A unit's report (its id), or a department's 汇总 (`汇总:<department id>:<year>`), ready for the views."""
        if isinstance(key, str) and key.startswith("汇总:"):
            from app.errors import failing_as_operation
            from ui.consolidated import OpenConsolidation

            _, department, year = key.split(":")
            with failing_as_operation():
                return OpenConsolidation(self.context.department.consolidate(int(department), int(year)), self)
        return OpenReport(self.context.open_session(key), self)

    def leave_session(self) -> None:
        """Let the open report go: first what it still owes its views, then it, its checker and undo stack."""
        if self.session is not None:
            self.session.settle()
            self.session.settled.disconnect(self._after_change)
            self.session.deleteLater()
            self.session = None

    def open_report(self, report_id: int | str, year_item: QTreeWidgetItem) -> None:
        self.leave_session()
        for view in list(self.views.values()) + list(self.selfeval_editors.values()):
            self.stack.removeWidget(view)
            view.deleteLater()
        self.views.clear()
        self.selfeval_editors.clear()
        if self.findings is not None:
            self.findings.visibilityChanged.disconnect(self._findings_shown)  # going away is not "hidden"
            self.removeDockWidget(self.findings)
            self.findings.deleteLater()
        try:
            self.session = self._open_session(report_id)
        except OperationFailed as failure:
            self.session = None
            self.write_failed(failure)
            return
        self._open_key = report_id
        self.settings.setValue("report", report_id)
        self.session.settled.connect(self._after_change)
        self.session.saved.connect(lambda: self.saved_label.setText(f"已保存 {datetime.now():%H:%M:%S}"))
        self.session.saved.connect(self.problem.clear)  # a write went through: the last failure is over
        self.session.saved.connect(self.statusBar().clearMessage)  # and so is the last refusal
        self.session.saved.connect(self._idle_checkpoint.start)  # (re)started by every edit
        self.session.failed.connect(self.write_failed)
        self.problem.clear()
        self._show_notice()
        self.findings = FindingsDock(self.session, self)
        self.findings.jump.connect(self.jump_to)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.findings)
        if not self.restoreState(self.settings.value("state", b"")):
            # First start: the findings take a fifth of the height, the tables the rest.
            self.resizeDocks([self.findings], [max(self.height() // 5, 120)], Qt.Orientation.Vertical)
        self.findings.setVisible(self.findings_action.isChecked())
        self.findings.visibilityChanged.connect(self._findings_shown)
        self.undo_action.setEnabled(True)
        year_item.takeChildren()
        self.table_items: dict[str, QTreeWidgetItem] = {}
        for table in self.session.templates.tables.values():
            # In the layout's printed order; a table printed without 表号 is named by its title alone.
            child = QTreeWidgetItem(year_item, [f"{table.number} {table.title}" if table.number else table.title])
            child.setData(0, REPORT_ROLE, report_id)
            child.setData(0, TABLE_ROLE, table.id)
            self.table_items[table.id] = child
        self.year_item = year_item
        self.selfeval_items = {}  # taken away with the year's other children above
        self._add_selfeval_items()
        year_item.setExpanded(True)

    def _add_selfeval_items(self) -> None:
        """One tree entry per self-evaluation table, after the nine 公开表.

        Renamed tables keep their entries (only the text changes), so the tree's selection, and the
        editor the user is typing in, stay where they are; only a table added or removed rebuilds them.
        """
        from core.selfeval_edit import table_label

        tables = self.session.app.selfeval if isinstance(self.session, OpenReport) else []  # a 汇总 has none
        names = self.session.checker.selfeval_names() if tables else []
        items = list(self.selfeval_items.values())
        if len(items) != len(tables):
            for item in items:
                self.year_item.removeChild(item)
            items = []
            for index in range(len(tables)):
                item = QTreeWidgetItem(self.year_item, [""])
                item.setData(0, REPORT_ROLE, self.session.report_id)
                item.setData(0, SELFEVAL_ROLE, index)
                items.append(item)
        self.selfeval_items = {}
        for index, (table, name, item) in enumerate(zip(tables, names, items, strict=True)):
            item.setText(0, table_label(table, index))
            self.selfeval_items[name] = item
        self._count_all()

    def show_selfeval(self, index: int):
        from ui.selfeval_editor import SelfEvalEditor

        if index not in self.selfeval_editors:
            editor = SelfEvalEditor(self.session, index)
            editor.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self.selfeval_editors[index] = editor
            self.stack.addWidget(editor)
        self.stack.setCurrentWidget(self.selfeval_editors[index])
        return self.selfeval_editors[index]

    def view(self, table_id: str) -> TableView:
        if table_id not in self.views:
            view = TableView(self.session, table_id, self)
            view.body.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self.views[table_id] = view
            self.stack.addWidget(view)
        return self.views[table_id]

    def show_table(self, table_id: str) -> TableView:
        view = self.view(table_id)
        self.stack.setCurrentWidget(view)
        return view

    def current_view(self) -> TableView | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, TableView) else None

    # -- reacting ------------------------------------------------------------------------------

    def _show_notice(self) -> None:
        """The persistent notice: a read-only database (and why), a locked report."""
        lines = []
        if self.context.read_only:
            reason = self.context.read_only_reason or "数据库以只读方式打开"
            lines.append(f"只读：{reason}，修改不会保存")
        if isinstance(self._open_key, str) and self.session is not None:
            lines.append(f"只读：{self.session.read_only_reason}")
        elif self.session is not None and self.session.locked:
            lines.append("本报表已锁定：不能修改数字、名称、自评表或说明；如需修改请先解除锁定")
        if lines:
            self.notice.show_message("\n".join(lines))
        else:
            self.notice.clear()

    def write_failed(self, error: OperationFailed) -> None:
        """A write did not happen: say so where it stays visible (the banner), with the technical detail apart."""
        message = str(error).rstrip("。")
        if "未保存" not in message:
            message = f"未能保存：{message}"
        self.problem.show_message(f"{message}。数据库和审核结果都未改动。", getattr(error, "detail", None))
        self.statusBar().showMessage(message, 15000)

    def _after_change(self, changes: OpChanges) -> None:
        """Counts and tree marks follow the findings that appeared and disappeared (no recount)."""
        if self.session is None:
            return
        if changes.selfeval_list:
            self._add_selfeval_items()
            return
        if changes.status:
            self._show_notice()
            self.year_item.setText(1, self.session.info.status)
        touched = {cell.split(":")[0] for cell in changes.cells}
        for finding, step in [(f, -1) for f in changes.audit.disappeared] + [(f, 1) for f in changes.audit.appeared]:
            self._totals[finding.severity] += step
            for table in tables_named(finding):
                self._counts.setdefault(table, Counter())[finding.severity] += step
                touched.add(table)
        self._show_counts(touched)

    def _count_all(self) -> None:
        self._counts: dict[str, Counter] = {}
        self._totals = Counter()
        for finding in self.session.findings():
            self._totals[finding.severity] += 1
            for table in tables_named(finding):
                self._counts.setdefault(table, Counter())[finding.severity] += 1
        self._show_counts(set(self.table_items) | set(self.selfeval_items))

    def _show_counts(self, tables: set[str]) -> None:
        """The status bar's totals, and each table's mark in the tree: its worst finding, or 未填 / 通过."""
        totals = self._totals
        self.counts_label.setText("　".join(f"{SEVERITY_NAMES[s]} {totals[s]}" for s in SEVERITIES))
        self.unit_label.setText(f"金额单位：{self.session.display_unit}")
        filled = None
        for table_id in tables:
            item = self.table_items.get(table_id) or self.selfeval_items.get(table_id)
            if item is None:
                continue
            counts = self._counts.get(table_id, Counter())
            if counts["error"]:
                text, colour = f"✖ {counts['error']} 错误", TREE_COLOURS["error"]
            elif counts["warning"]:
                text, colour = f"⚠ {counts['warning']} 提示", TREE_COLOURS["warning"]
            elif counts["rounding"]:
                text, colour = f"≈ {counts['rounding']} 尾差", TREE_COLOURS["rounding"]
            else:
                if filled is None:
                    filled = {a.split(":", 1)[0] for a in self.session.checker.values}
                empty = table_id in self.table_items and table_id not in filled
                text, colour = ("未填", TREE_COLOURS["empty"]) if empty else ("✔ 通过", TREE_COLOURS["ok"])
            # Each setter repaints the item even when nothing differs: set only what changed.
            if item.text(1) != text:
                item.setText(1, text)
            if item.foreground(1) != colour:
                item.setForeground(1, colour)
            if item.toolTip(0) != item.text(0):
                item.setToolTip(0, item.text(0))

    def jump_to(self, finding) -> None:
        """Show a finding's cells: every one of them in its first table; F8 goes on to the next table's."""
        self._jump = (finding, self._cell_groups(finding), 0)
        self._show_group()

    def next_related(self) -> None:
        """F8: the same finding's cells in its next table (and round again)."""
        if self._jump is None:
            return
        finding, groups, at = self._jump
        self._jump = (finding, groups, (at + 1) % len(groups))
        self._show_group()

    def _cell_groups(self, finding) -> list[tuple[str, list[str]]]:
        """(table, its cells) in the order the finding names them; a self-evaluation table is one group."""
        names = self.session.checker.selfeval_names()
        groups: dict[str, list[str]] = {}
        for address in finding.cells:
            table = next((n for n in names if address.startswith(n + ":")), address.split(":")[0])
            if table in self.session.templates.tables or table in names:
                groups.setdefault(table, []).append(address)
        if not groups and finding.table in names:
            groups[finding.table] = list(finding.cells)
        return list(groups.items()) or [(finding.table, list(finding.cells))]

    def _show_group(self) -> None:
        self.session.settle()  # the tree's entries as the report now stands
        finding, groups, at = self._jump
        table, cells = groups[at]
        names = self.session.checker.selfeval_names()
        self.tree.blockSignals(True)
        try:
            if table in names:
                self.tree.setCurrentItem(self.selfeval_items[table])
                editor = self.show_selfeval(names.index(table))
                editor.select_cells(cells)
            elif table in self.table_items:
                self.tree.setCurrentItem(self.table_items[table])
                view = self.show_table(table)
                view.body.select_cells(cells)
                view.body.setFocus()
        finally:
            self.tree.blockSignals(False)
        if len(groups) > 1:
            others = "、".join(self._printed(t) for t, _ in groups if t != table)
            self.statusBar().showMessage(f"此问题还涉及{others}：按 F8 查看下一张表的相关单元格", 15000)

    def _printed(self, table: str) -> str:
        template = self.session.templates.tables.get(table)
        return template.printed if template else table

    # -- actions -------------------------------------------------------------------------------

    def set_display_unit(self, unit: str) -> None:
        if self.session:
            self.session.display_unit = unit
            for view in self.views.values():
                view.refresh_unit()
                view.model.layoutChanged.emit()
            self._show_counts(set())

    def _show_findings(self, shown: bool) -> None:
        if self.findings is not None:
            self.findings.setVisible(shown)

    def _findings_shown(self, shown: bool) -> None:
        if not self.isMinimized() and self.isVisible():
            self.findings_action.setChecked(shown)

    def toggle_hide_empty(self) -> None:
        for view in self.views.values():
            view.model.set_hide_empty(self.hide_empty_action.isChecked())

    def _refuse_locked(self) -> bool:
        if self.session is not None and self.session.locked:
            self.statusBar().showMessage("报表已锁定，不能修改；如需修改请先解除锁定", 8000)
            return True
        return False

    def fill_current(self) -> None:
        view = self.current_view()
        if view is None or self._refuse_locked():
            return
        cell = view.model.cell(view.body.currentIndex()) if view.body.currentIndex().isValid() else None
        value = self.session.checker.formula(cell.address) if cell and cell.address else None
        if value is None:
            self.statusBar().showMessage("当前单元格不是由勾稽关系决定的合计数", 6000)
            return
        try:
            self.session.edit([(cell.address, value)], f"按公式填充 {cell.address}", source="formula")
        except OperationFailed:
            return  # shown in the banner by write_failed; nothing changed

    def fill_table(self) -> None:
        view = self.current_view()
        if view is None or self._refuse_locked():
            return
        values = self.session.checker.formulas_for_table(view.model.table.id)
        if not values:
            self.statusBar().showMessage("本表的合计数都已与其组成部分相符", 6000)
            return
        try:
            self.session.edit(
                values.items(), f"按公式填充{view.model.table.printed}的 {len(values)} 个合计", source="formula"
            )
        except OperationFailed:
            return
        self.statusBar().showMessage(f"已按公式填充 {len(values)} 个合计数", 6000)

    def remove_current_row(self) -> None:
        view = self.current_view()
        if view is None or self._refuse_locked() or not view.body.currentIndex().isValid():
            return
        cell = view.model.cell(view.body.currentIndex())
        key = cell.row_key or (cell.address and ":".join(cell.address.split(":")[:2]))
        table_id, row = key.split(":")[:2] if key else (None, None)
        if not row or view.model.table.level(row) is None:
            self.statusBar().showMessage("只能删除科目行", 6000)
            return
        try:
            self.session.remove_row(table_id, row)
        except OperationFailed:
            return

    def new_report(self) -> None:
        dialog = NewReportDialog(self)
        if dialog.exec():
            self._create(dialog.values())

    def _create(self, values: dict) -> int | None:
        try:
            report_id = self.context.create_report(**values)
        except OperationFailed as exc:
            QMessageBox.warning(self, "无法新建报表", str(exc))
            return None
        self.populate_tree(report_id)
        return report_id

    def first_start(self) -> None:
        """No report yet: ask for the first unit and year."""
        if self.context.read_only or self._reports():
            return
        dialog = NewReportDialog(self, first_start=True)
        if dialog.exec():
            self._create(dialog.values())

    def about(self) -> None:
        from core.version import version

        QMessageBox.about(
            self,
            "关于决算审核台",
            f"决算审核台 {version()}\n\n部门决算公开表与绩效自评表的填报与勾稽审核。\n\n数据库：{self.context.path}",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        super().closeEvent(event)


#: The tree's marks: a table's worst finding (the colours of the cells), or empty, or passed.
TREE_COLOURS = {
    "error": QColor("#c0392b"),
    "warning": QColor("#9a6a00"),
    "rounding": QColor("#2c6db5"),
    "empty": QColor("#888888"),
    "ok": QColor("#1e7b34"),
}
