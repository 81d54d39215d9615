"""The window's department work: the units' tree menu, the overview, a folder of units (a part of MainWindow)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.errors import OperationFailed
from core.status import DEPARTMENT
from ui.tree_roles import REPORT_ROLE, UNIT_ROLE
from ui.window_files import warn


class DepartmentActions:
    """The department's operations; mixed into MainWindow (uses its context, tree, settings and status bar)."""

    def _chosen_unit(self) -> tuple[int | None, str | None]:
        """The unit the tree's current line belongs to (its id and name)."""
        item = self.tree.currentItem()
        while item is not None and item.data(0, UNIT_ROLE) is None:
            item = item.parent()
        return (item.data(0, UNIT_ROLE), item.text(0)) if item is not None else (None, None)

    def _department_of_selection(self):
        """(department id, year) for the overview: the selected 部门 (or the one above the selection)."""
        item = self.tree.currentItem()
        year = None
        while item is not None:
            key = item.data(0, REPORT_ROLE)
            if year is None and isinstance(key, str) and key.startswith("汇总:"):
                return int(key.split(":")[1]), int(key.split(":")[2])
            if year is None and isinstance(key, int) and self.session is not None:
                year = self.session.info.year
            if item.data(0, UNIT_ROLE) is not None and item.text(1) == "部门":
                return item.data(0, UNIT_ROLE), year
            item = item.parent()
        return None, year

    def show_overview(self):
        from ui.department_dialogs import OverviewDialog

        department, year = self._department_of_selection()
        if department is None or year is None:
            self.statusBar().showMessage("请先在左侧选中一个部门的汇总或其下的报表", 8000)
            return None
        try:
            dialog = OverviewDialog(self.context, department, year, self)
        except OperationFailed as failure:
            warn(self, "无法生成概览", failure)
            return None
        dialog.open_report.connect(lambda report_id: self.populate_tree(report_id))
        dialog.open()
        return dialog

    def import_folder(self, folder: str | None = None, department: str | None = None):
        """Every unit's report file and workbook in a folder, each all or nothing, under a department."""
        from PySide6.QtWidgets import QInputDialog

        from ui.department_dialogs import folder_summary

        folder = folder or QFileDialog.getExistingDirectory(self, "选择存放各单位报表的文件夹", self._folder())
        if not folder:
            return None
        if department is None:
            _, current = self._chosen_unit()
            department, accepted = QInputDialog.getText(self, "导入到部门", "这些单位所属的部门：", text=current or "")
            if not accepted or not department.strip():
                return None
        self.settings.setValue("folder", folder)
        try:
            from app.errors import failing_as_operation

            with failing_as_operation():
                result = self.context.department.import_folder(folder, department.strip())
        except OperationFailed as failure:
            warn(self, "导入未进行", failure)
            return None
        self.leave_session()
        self._open_key = None
        self.populate_tree()
        box = QMessageBox(
            QMessageBox.Icon.Information if not result.refused else QMessageBox.Icon.Warning,
            "导入文件夹",
            folder_summary(result),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.open()
        return result

    def _unit_menu(self, position) -> None:
        from PySide6.QtWidgets import QMenu

        unit_id, name = self._chosen_unit()
        if unit_id is None:
            return
        menu = QMenu(self)
        menu.addAction("新建下级单位…", lambda: self._unit_operation("create", unit_id, name))
        menu.addAction("重命名…", lambda: self._unit_operation("rename", unit_id, name))
        menu.addAction("移动到其他部门下…", lambda: self._unit_operation("move", unit_id, name))
        menu.addSeparator()
        menu.addAction("删除单位及其报表…", lambda: self._unit_operation("remove", unit_id, name))
        menu.exec(self.tree.viewport().mapToGlobal(position))

    def _unit_operation(self, what: str, unit_id: int, name: str) -> None:
        """The units' tree, changed as the user asks; removing asks first and keeps a backup."""
        from PySide6.QtWidgets import QInputDialog

        from app.errors import failing_as_operation

        department = self.context.department
        try:
            with failing_as_operation():
                if what == "create":
                    new, ok = QInputDialog.getText(self, "新建下级单位", f"“{name}”下的单位名称：")
                    if ok and new.strip():
                        department.create_unit(new.strip(), unit_id)
                elif what == "rename":
                    new, ok = QInputDialog.getText(self, "重命名单位", "新的名称：", text=name)
                    if ok and new.strip() and new.strip() != name:
                        department.rename_unit(unit_id, new.strip())
                elif what == "move":
                    targets = [
                        n for root in department.tree() for n in root.walk() if n.kind == DEPARTMENT and n.id != unit_id
                    ]
                    choices = ["（顶层，不属于任何部门）"] + [n.name for n in targets]
                    chosen, ok = QInputDialog.getItem(self, "移动单位", f"把“{name}”移到：", choices, 0, False)
                    if ok:
                        parent = None if chosen == choices[0] else targets[choices.index(chosen) - 1].id
                        department.move_unit(unit_id, parent)
                elif what == "remove":
                    answer = QMessageBox.question(
                        self, "删除单位", f"删除“{name}”及其全部报表？删除前会先备份数据库，可用“恢复”找回。"
                    )
                    if answer != QMessageBox.StandardButton.Yes:
                        return
                    backup = department.remove_unit(unit_id, with_children=True)
                    self.statusBar().showMessage(f"已删除“{name}”；删除前的备份：{backup}", 15000)
        except OperationFailed as failure:
            warn(self, "未能完成", failure)
            return
        self.leave_session()
        self._open_key = None
        self.populate_tree()
