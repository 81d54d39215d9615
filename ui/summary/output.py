"""Where the summary goes: a PDF file with its Chinese font embedded, a printer, a print preview."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QPdfWriter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from core.summary import Summary
from ui.summary.pages import Rendered, page_layout, render
from ui.summary.pdf_text import fix_pdf_text

RESOLUTION = 300  # dpi of the PDF writer's coordinates (text and lines stay vectors)


def ensure_app() -> QGuiApplication:
    """A Qt application for rendering without a window (the `summary` command)."""
    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(sys.argv[:1])
    return app


def write_pdf(summary: Summary, path: str | Path) -> Rendered:
    """Write the summary as an A4 PDF with its Chinese font embedded; returns pages and font."""
    ensure_app()
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(page_layout())
    writer.setTitle(f"{summary.cover.unit_name}{summary.cover.year}年度{summary.title}")
    writer.setCreator(f"决算审核台 {summary.cover.program_version}")
    result = render(summary, writer)
    del writer  # finishes the file
    if not path.is_file():
        raise OSError(f"无法写入“{path}”")
    fix_pdf_text(path, result.font)
    return result


def print_summary(summary: Summary, printer: QPrinter) -> Rendered:
    """Paint the summary on a printer (or the printer of a print preview), in its current page layout."""
    return render(summary, printer)


def preview_dialog(summary: Summary, parent=None) -> QPrintPreviewDialog:
    """A print preview of the summary, A4 portrait, from which the user can print."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout())
    printer.setDocName(f"{summary.cover.unit_name}{summary.cover.year}年度{summary.title}")
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"打印预览 — {summary.title}")
    dialog._printer = printer  # keep the printer alive as long as the dialog
    dialog.paintRequested.connect(lambda target: print_summary(summary, target))
    return dialog
