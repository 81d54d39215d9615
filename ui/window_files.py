"""The window's files: reports and workbooks in and out, the 情况说明, the audit summary (a part of MainWindow)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import OperationFailed
from ui.open_report import OpenReport


class FileActions:
    """文件 menu's work; mixed into MainWindow, whose context, session, settings and tree it uses."""

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
            warn(self, "导入未进行", exc)
            return
        verb = "已覆盖" if outcome.replaced else "已导入"
        said = f"{verb}“{report.unit_name}”{report.year}年度报表：{len(report.cells)} 个金额，{len(report.selfeval)} 张绩效自评表"
        if notes:
            QMessageBox.information(self, "导入完成", said + "\n\n" + "\n".join(notes))
        self.statusBar().showMessage(said, 10000)
        self.leave_session()
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
            written = self.session.export(path)
        except OperationFailed as exc:
            warn(self, "导出未完成", exc)
            return
        self.statusBar().showMessage(f"已导出到 {written}", 8000)

    # -- the 情况说明 --------------------------------------------------------------------------------

    def draft_narrative(self, path: str | None = None) -> Path | None:
        """The 情况说明 drafted from the open report's tables (and last year's), as a Word document."""
        if not isinstance(self.session, OpenReport):
            self.statusBar().showMessage("请先打开一个单位的报表", 8000)
            return None
        info = self.session.info
        if path is None:
            suggested = str(Path(self._folder()) / f"{info.unit_name}{info.year}年度部门决算情况说明.docx")
            path, _ = QFileDialog.getSaveFileName(self, "生成情况说明", suggested, "Word 文档 (*.docx)")
            if not path:
                return None
        self._remember_folder(path)
        try:
            written, blanks = self.session.app.draft_narrative(path)
        except OperationFailed as failure:
            warn(self, "未能生成情况说明", failure)
            return None
        self.statusBar().showMessage(f"已生成情况说明 {written}；待填写 {blanks} 处（文档中以黄色标出）", 15000)
        return written

    def edit_narrative_extra(self):
        """文件 → 情况说明补充信息…: the form of what the tables lack, over the window until closed."""
        if not isinstance(self.session, OpenReport):
            self.statusBar().showMessage("请先打开一个单位的报表", 8000)
            return None
        from ui.narrative_form import NarrativeForm

        form = NarrativeForm(self.session, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.open()
        return form

    def check_narrative(self, path: str | None = None) -> bool:
        """A written 情况说明 (.txt/.docx, the whole published document will do) checked against the tables."""
        if not isinstance(self.session, OpenReport):
            self.statusBar().showMessage("请先打开一个单位的报表", 8000)
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "核对情况说明", self._folder(), "情况说明 (*.docx *.txt);;所有文件 (*)"
            )
            if not path:
                return False
        self._remember_folder(path)
        try:
            self.session.check_narrative(path)
        except OperationFailed as failure:
            warn(self, "未能核对情况说明", failure)
            return False
        checked, skipped = self.session.app.narrative_counts
        found = len(self.session.app.narrative_findings)
        self.statusBar().showMessage(
            f"情况说明：核对 {checked} 处表述，发现 {found} 个问题（已列入审核结果）；{skipped} 处无法与报表对应而未核对",
            20000,
        )
        return True

    def _folder(self) -> str:
        """The last folder used for files, else the user's Documents folder."""
        from PySide6.QtCore import QStandardPaths

        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(self.settings.value("folder", documents or str(Path.home())))

    def _remember_folder(self, path: str) -> None:
        self.settings.setValue("folder", str(Path(path).parent))

    def summary(self):
        """The audit summary of the open report, as it stands now."""
        return self.session.summary(datetime.now())

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


def warn(parent: QWidget, title: str, failure: OperationFailed) -> None:
    """A refused operation: its message, with the technical detail behind 详细信息."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(failure), QMessageBox.StandardButton.Ok, parent)
    if failure.detail:
        box.setDetailedText(failure.detail)
    box.exec()
