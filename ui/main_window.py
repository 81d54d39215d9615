"""The main window: units → years → tables on the left, the table in the centre, findings below."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
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
from ui.dialogs import Banner, NewReportDialog
from ui.findings_dock import FindingsDock
from ui.open_report import OpenReport
from ui.table_view import TableView

REPORT_ROLE = Qt.ItemDataRole.UserRole
TABLE_ROLE = Qt.ItemDataRole.UserRole + 1
SELFEVAL_ROLE = Qt.ItemDataRole.UserRole + 2  # index of a self-evaluation table in the report


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, settings: QSettings | None = None):
        super().__init__()
        self.context = context
        self.settings = settings or QSettings("juesuan", "juesuan")
        self.session: OpenReport | None = None
        self.views: dict[str, TableView] = {}
        self.selfeval_editors: dict[int, QWidget] = {}
        self.selfeval_items: dict[str, QTreeWidgetItem] = {}
        self.table_items: dict[str, QTreeWidgetItem] = {}
        self.setWindowTitle("决算审核台" + ("（只读）" if context.read_only else ""))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["报表", "状态"])
        self.tree.setColumnWidth(0, 230)
        self.tree.itemSelectionChanged.connect(self._tree_selected)
        self.stack = QStackedWidget()
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 1100])
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
        self.resize(1400, 900)
        self.restoreGeometry(self.settings.value("geometry", b""))
        self._show_notice()
        self.populate_tree()

    # -- building ------------------------------------------------------------------------------

    def _make_actions(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("文件(&F)")
        self._action(file_menu, "新建报表…", self.new_report, QKeySequence.StandardKey.New)
        self._action(file_menu, "导入报表文件或工作簿…", self.import_file, QKeySequence.StandardKey.Open)
        self._action(file_menu, "导出 Excel 工作簿…", self.export_workbook, QKeySequence("Ctrl+E"))
        self._action(file_menu, "导出报表文件（.json）…", self.export_file)
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
        view_menu = menus.addMenu("视图(&V)")
        units = QActionGroup(self)
        for unit in ("万元", "元"):
            action = self._action(view_menu, f"金额单位：{unit}", lambda _=False, u=unit: self.set_display_unit(u))
            action.setCheckable(True)
            action.setChecked(unit == "万元")
            units.addAction(action)
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

    def populate_tree(self, select_report: int | None = None) -> None:
        self.tree.clear()
        units: dict[str, QTreeWidgetItem] = {}
        chosen = None
        remembered = select_report or self.settings.value("report", None, type=int)
        for info in self._reports():
            unit = units.get(info.unit_name)
            if unit is None:
                unit = units[info.unit_name] = QTreeWidgetItem(self.tree, [info.unit_name])
                unit.setExpanded(True)
            year = QTreeWidgetItem(unit, [f"{info.year}年度", info.status])
            year.setData(0, REPORT_ROLE, info.id)
            if chosen is None or info.id == remembered:
                chosen = year
        if chosen is not None:
            chosen.setExpanded(True)
            self.tree.setCurrentItem(chosen)

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
        if self.session is None or self.session.report_id != report_id:
            self.open_report(report_id, item.parent() if child else item)
        if item.data(0, SELFEVAL_ROLE) is not None:
            self.show_selfeval(item.data(0, SELFEVAL_ROLE))
        else:
            self.show_table(item.data(0, TABLE_ROLE) or "公开01")

    def open_report(self, report_id: int, year_item: QTreeWidgetItem) -> None:
        for view in list(self.views.values()) + list(self.selfeval_editors.values()):
            self.stack.removeWidget(view)
            view.deleteLater()
        self.views.clear()
        self.selfeval_editors.clear()
        if self.findings is not None:
            self.removeDockWidget(self.findings)
            self.findings.deleteLater()
        try:
            session = self.context.open_session(report_id)
        except OperationFailed as failure:
            self.write_failed(failure)
            return
        self.session = OpenReport(session, self)
        self.settings.setValue("report", report_id)
        self.session.changed.connect(self._after_change)
        self.session.saved.connect(lambda: self.saved_label.setText(f"已保存 {datetime.now():%H:%M:%S}"))
        self.session.saved.connect(self.problem.clear)  # a write went through: the last failure is over
        self.session.failed.connect(self.write_failed)
        self.problem.clear()
        self._show_notice()
        self.findings = FindingsDock(self.session, self)
        self.findings.jump.connect(self.jump_to)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.findings)
        self.restoreState(self.settings.value("state", b""))
        self.undo_action.setEnabled(True)
        year_item.takeChildren()
        self.table_items: dict[str, QTreeWidgetItem] = {}
        for table in self.session.templates.tables.values():
            child = QTreeWidgetItem(year_item, [f"{table.printed} {table.title}"])
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

        tables, names = self.session.app.selfeval, self.session.checker.selfeval_names()
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
        if self.session is not None and self.session.locked:
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
        touched = set()
        for finding, step in [(f, -1) for f in changes.audit.disappeared] + [(f, 1) for f in changes.audit.appeared]:
            self._counts.setdefault(finding.table, Counter())[finding.severity] += step
            touched.add(finding.table)
        self._show_counts(touched)

    def _count_all(self) -> None:
        self._counts: dict[str, Counter] = {}
        for finding in self.session.findings():
            self._counts.setdefault(finding.table, Counter())[finding.severity] += 1
        self._show_counts(set(self.table_items) | set(self.selfeval_items))

    def _show_counts(self, tables: set[str]) -> None:
        totals = sum(self._counts.values(), Counter())
        self.counts_label.setText("　".join(f"{SEVERITY_NAMES[s]} {totals[s]}" for s in SEVERITIES))
        self.unit_label.setText(f"金额单位：{self.session.display_unit}")
        for table_id in tables:
            item = self.table_items.get(table_id) or self.selfeval_items.get(table_id)
            if item is None:
                continue
            counts = self._counts.get(table_id, Counter())
            if counts["error"]:
                item.setText(1, f"✖ {counts['error']} 错误")
                item.setForeground(1, Qt.GlobalColor.red)
            elif counts["warning"]:
                item.setText(1, f"⚠ {counts['warning']} 提示")
                item.setForeground(1, Qt.GlobalColor.darkYellow)
            else:
                item.setText(1, "✔ 通过" + (f"（尾差 {counts['rounding']}）" if counts["rounding"] else ""))
                item.setForeground(1, Qt.GlobalColor.darkGreen)

    def jump_to(self, finding) -> None:
        names = self.session.checker.selfeval_names()
        if finding.table in names:
            editor = self.show_selfeval(names.index(finding.table))
            self.tree.blockSignals(True)  # the tree follows the jump, as for the 公开表 below
            self.tree.setCurrentItem(self.selfeval_items[finding.table])
            self.tree.blockSignals(False)
            editor.select_cells(finding.cells)
            return
        for address in finding.cells:
            table_id = address.split(":")[0]
            if table_id in self.session.templates.tables:
                view = self.show_table(table_id)
                self.tree.blockSignals(True)
                self.tree.setCurrentItem(self.table_items[table_id])
                self.tree.blockSignals(False)
                view.body.select_cells([a for a in finding.cells if a.startswith(table_id + ":")])
                view.body.setFocus()
                return

    # -- actions -------------------------------------------------------------------------------

    def set_display_unit(self, unit: str) -> None:
        if self.session:
            self.session.display_unit = unit
            for view in self.views.values():
                view.refresh_unit()
                view.model.layoutChanged.emit()
            self._show_counts(set())

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

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "导入报表文件或工作簿", self._folder(), "报表文件或工作簿 (*.json *.xlsx *.xls *.et);;所有文件 (*)"
        )
        if not path:
            return
        self._remember_folder(path)
        try:
            report, notes = self.context.read_file(path)
            existing = self.context.find_report(report.unit_name, report.year)
            if (
                existing
                and QMessageBox.question(
                    self, "覆盖报表", f"“{report.unit_name}”{report.year}年度的报表已存在，是否覆盖？"
                )
                != QMessageBox.StandardButton.Yes
            ):
                return
            outcome = self.context.import_report(report, replace=existing is not None, notes=notes)
        except OperationFailed as exc:
            _warn(self, "导入未进行", exc)
            return
        verb = "已覆盖" if outcome.replaced else "已导入"
        said = f"{verb}“{report.unit_name}”{report.year}年度报表：{len(report.cells)} 个金额，{len(report.selfeval)} 张绩效自评表"
        if notes:
            QMessageBox.information(self, "导入完成", said + "\n\n" + "\n".join(notes))
        self.statusBar().showMessage(said, 10000)
        self.session = None
        self.populate_tree(outcome.report_id)

    def export_file(self) -> None:
        self._export("导出报表文件", ".json", "报表文件 (*.json)")

    def export_workbook(self) -> None:
        self._export("导出 Excel 工作簿", "决算.xlsx", "Excel 工作簿 (*.xlsx)")

    def _export(self, title: str, ending: str, filter_text: str) -> None:
        """Write the open report; the format is the one the chosen name says (.xlsx or .json)."""
        if self.session is None:
            return
        info = self.session.info
        suggested = str(Path(self._folder()) / f"{info.unit_name}{info.year}{ending}")
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, filter_text)
        if not path:
            return
        if Path(path).suffix.lower() not in (".json", ".xlsx"):
            path += ".xlsx" if ending.endswith(".xlsx") else ".json"
        self._remember_folder(path)
        try:
            written = self.session.app.export(path)
        except OperationFailed as exc:
            _warn(self, "导出未完成", exc)
            return
        self.statusBar().showMessage(f"已导出到 {written}", 8000)

    def _folder(self) -> str:
        """The last folder used for files, else the user's Documents folder."""
        from PySide6.QtCore import QStandardPaths

        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(self.settings.value("folder", documents or str(Path.home())))

    def _remember_folder(self, path: str) -> None:
        self.settings.setValue("folder", str(Path(path).parent))

    def summary(self):
        """The audit summary of the open report, as it stands now."""
        return self.session.app.summary(datetime.now())

    def preview_summary(self):
        if self.session is None:
            return None
        from ui.summary.output import preview_dialog

        dialog = preview_dialog(self.summary(), self)
        dialog.open()
        return dialog

    def print_summary(self) -> None:
        if self.session is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from ui.summary.output import print_summary

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec():
            print_summary(self.summary(), printer)

    def save_summary_pdf(self) -> None:
        if self.session is None:
            return
        from ui.summary.output import write_pdf

        info = self.session.info
        path, _ = QFileDialog.getSaveFileName(
            self,
            "审核摘要另存为 PDF",
            str(Path(self._folder()) / f"{info.unit_name}{info.year}审核摘要.pdf"),
            "PDF (*.pdf)",
        )
        if path:
            try:
                rendered = write_pdf(self.summary(), Path(path))
            except OSError as exc:
                QMessageBox.warning(self, "无法保存", f"无法写入“{path}”：{exc.strerror or exc}")
                return
            self.statusBar().showMessage(f"已保存审核摘要 {path}（{rendered.pages} 页）", 8000)

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


def _warn(parent: QWidget, title: str, failure: OperationFailed) -> None:
    """A refused operation: its message, with the technical detail behind 详细信息."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(failure), QMessageBox.StandardButton.Ok, parent)
    if failure.detail:
        box.setDetailedText(failure.detail)
    box.exec()
