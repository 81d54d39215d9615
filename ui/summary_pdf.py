"""The audit summary on paper: A4 portrait pages with a running header and 第 x 页 共 y 页.

The summary is HTML in a QTextDocument laid out on the target device (PDF writer or printer), then
painted page by page: the document is paginated first, so the page count is known before the first
footer is drawn. The closing block (verdict and signatures) is kept on one page.

Chinese text needs a CJK font: the first installed family of `CJK_FAMILIES` is used and Qt embeds
(a subset of) it in the PDF. Without one the PDF is still written, with a warning on stderr.
"""

from __future__ import annotations

import html
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from core.summary import Summary

#: Preferred Chinese families, best first (Linux, Windows, macOS names).
CJK_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "SimSun",
    "宋体",
    "NSimSun",
    "Microsoft YaHei",
    "微软雅黑",
    "SimHei",
    "黑体",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "Songti SC",
    "PingFang SC",
    "Heiti SC",
    "STSong",
)
PAGE_MARGINS_MM = QMarginsF(18, 16, 18, 14)  # left, top, right, bottom
BODY_PT = 9.5
SMALL_PT = 8
HEADER_PT = 8.5
RESOLUTION = 300  # dpi of the PDF writer's coordinates (text and lines stay vectors)

_SEVERITY_COLOURS = {"error": "#b00020", "warning": "#a15c00", "rounding": "#555555"}
_CLOSING_MARK = "审核结论与签字"


@dataclass(frozen=True)
class Rendered:
    pages: int
    font: str | None  # the CJK family used, None when none was found


def ensure_app() -> QGuiApplication:
    """A Qt application for rendering without a window (the `summary` command)."""
    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(sys.argv[:1])
    return app


def cjk_family() -> str | None:
    """The installed Chinese font family to print with, or None."""
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    for family in sorted(installed):  # any family that can write Simplified Chinese
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            return family
    return None


def page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        PAGE_MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


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
    if not path.is_file():
        raise OSError(f"无法写入“{path}”")
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


# -- painting ----------------------------------------------------------------------------------


def render(summary: Summary, device: QPagedPaintDevice) -> Rendered:
    """Lay the summary out on `device` and paint every page: header, body, 第 x 页 共 y 页."""
    family = cjk_family()
    if family is None:
        print(
            "警告：未找到中文字体（如 Noto Sans CJK SC、宋体、微软雅黑），审核摘要中的中文可能无法显示", file=sys.stderr
        )
    base = QFont(family) if family else QFont()
    header_font = QFont(base)
    header_font.setPointSizeF(HEADER_PT)

    painter = QPainter()
    if not painter.begin(device):
        raise OSError("无法开始打印（打印机或文件不可用）")
    try:
        size = device.pageLayout().paintRectPixels(device.resolution()).size()
        width, height = float(size.width()), float(size.height())
        painter.setFont(header_font)
        line = QFontMetricsF(header_font, device).height()
        header_h, footer_h = line * 2.2, line * 2.2
        body = QRectF(0, header_h, width, height - header_h - footer_h)

        document = build_document(summary, family, device, body.size())
        pages = document.pageCount()
        for page in range(pages):
            if page:
                device.newPage()
            _paint_frame(painter, summary, header_font, width, height, line, page + 1, pages)
            painter.save()
            painter.translate(body.left(), body.top() - page * body.height())
            document.drawContents(painter, QRectF(0, page * body.height(), body.width(), body.height()))
            painter.restore()
    finally:
        painter.end()
    return Rendered(pages, family)


def _paint_frame(
    painter: QPainter, summary: Summary, font: QFont, width: float, height: float, line: float, page: int, pages: int
) -> None:
    painter.save()
    painter.setFont(font)
    painter.setPen(QPen(Qt.GlobalColor.black))
    top = QRectF(0, 0, width, line * 1.4)
    painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, summary.heading)
    painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, summary.title)
    pen = QPen(Qt.GlobalColor.black)
    pen.setWidthF(max(1.0, line / 14))
    painter.setPen(pen)
    painter.drawLine(QPointF(0, line * 1.5), QPointF(width, line * 1.5))
    bottom = QRectF(0, height - line * 1.4, width, line * 1.4)
    painter.drawText(
        bottom, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, f"第 {page} 页 共 {pages} 页"
    )
    painter.restore()


def build_document(summary: Summary, family: str | None, device, page_size: QSizeF) -> QTextDocument:
    """The summary laid out on `device` in pages of `page_size` (device pixels)."""
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    font = QFont(family) if family else QFont()
    font.setPointSizeF(BODY_PT)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml(summary_html(summary, family))
    document.setPageSize(page_size)
    _keep_closing_together(document, page_size.height())
    return document


def _keep_closing_together(document: QTextDocument, page_height: float) -> None:
    """Start the verdict and signatures on a new page if they would straddle two."""
    block = document.begin()
    while block.isValid() and _CLOSING_MARK not in block.text():
        block = block.next()
    if not block.isValid():
        return
    layout = document.documentLayout()
    start = layout.blockBoundingRect(block).top()
    end = layout.documentSize().height()
    if int(start // page_height) != int((end - 1) // page_height) and end - start < page_height:
        cursor = QTextCursor(block)
        fmt = QTextBlockFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        cursor.mergeBlockFormat(fmt)


# -- the HTML ----------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def summary_html(summary: Summary, family: str | None = None) -> str:
    cover, verdict = summary.cover, summary.verdict
    font = f"font-family: '{_e(family)}';" if family else ""
    parts = [
        "<html><head><style>"
        f"body {{ {font} font-size: {BODY_PT}pt; }}"
        f"h1 {{ font-size: 16pt; font-weight: bold; text-align: center; margin-top: 0; margin-bottom: 10px; }}"
        f"h2 {{ font-size: 11.5pt; font-weight: bold; margin-top: 16px; margin-bottom: 6px; }}"
        f"h3 {{ font-size: {BODY_PT + 0.5}pt; font-weight: bold; margin-top: 10px; margin-bottom: 4px; }}"
        "th { font-weight: bold; background-color: #e8e8e8; }"
        f".small {{ font-size: {SMALL_PT}pt; color: #444444; }}"
        ".num { text-align: right; }"
        "</style></head><body>",
        f"<h1>{_e(cover.unit_name)}<br/>{cover.year}年度{_e(summary.title)}</h1>",
    ]
    # Cover block.
    rows = [
        ("单位名称", cover.unit_name, "单位编码", cover.unit_code or "—"),
        ("报表年度", f"{cover.year}年度", "表式", cover.template_set),
        ("报表状态", cover.status, "金额单位", cover.amount_unit),
        ("审核时间", cover.checked_at_text, "程序版本", cover.program_version),
    ]
    if cover.source:
        rows.append(("报表来源", cover.source, "", ""))
    parts.append(_table_open())
    for label1, value1, label2, value2 in rows:
        parts.append(
            f"<tr><td width='14%' bgcolor='#f2f2f2'><b>{_e(label1)}</b></td><td width='36%'>{_e(value1)}</td>"
            f"<td width='14%' bgcolor='#f2f2f2'><b>{_e(label2)}</b></td><td width='36%'>{_e(value2)}</td></tr>"
        )
    colour = "#1b5e20" if verdict.level == "passed" else _SEVERITY_COLOURS["error" if not verdict.passed else "warning"]
    parts.append(
        f"<tr><td bgcolor='#f2f2f2'><b>审核结论</b></td>"
        f"<td colspan='3'><b><font color='{colour}'>{_e(verdict.text)}</font></b></td></tr>"
    )
    parts.append("</table>")

    # Table status.
    parts.append("<h2>一、各表审核情况</h2>")
    parts.append(_table_open())
    parts.append(_head(("序号", "表号", "表名", "审核状态"), (7, 19, 48, 26)))
    for number, table in enumerate(summary.tables, start=1):
        status_colour = (
            _SEVERITY_COLOURS["error"]
            if table.errors
            else _SEVERITY_COLOURS["warning"]
            if table.warnings
            else "#1b5e20"
        )
        parts.append(
            f"<tr><td align='center'>{number}</td><td>{_e(table.printed)}</td><td>{_e(table.title)}</td>"
            f"<td><font color='{status_colour}'>{_e(table.status)}</font></td></tr>"
        )
    parts.append("</table>")

    # Findings.
    parts.append(f"<h2>二、审核发现（金额单位：{_e(cover.amount_unit)}）</h2>")
    if not summary.groups:
        parts.append("<p>未发现问题：全部勾稽关系成立。</p>")
    for group in summary.groups:
        parts.append(f"<h3>{_e(group.printed)}　{_e(group.title)}（{len(group.findings)} 条）</h3>")
        parts.append(_table_open())
        parts.append(_head(("序号", "类别", "问题、规则与单元格", "应为", "实为", "差额"), (6, 7, 51, 12, 12, 12)))
        for finding in group.findings:
            colour = _SEVERITY_COLOURS[finding.severity]
            cells = ", ".join(finding.cells)
            note = ""
            if finding.explanation:
                note = f"<br/><b>说明：</b>{_e(finding.explanation)}"
            elif finding.unexplained:
                note = f"<br/><b>说明：<font color='{_SEVERITY_COLOURS['error']}'>未说明</font></b>"
            parts.append(
                f"<tr><td align='center'>{finding.number}</td>"
                f"<td align='center'><font color='{colour}'><b>{_e(finding.severity_name)}</b></font></td>"
                f"<td>{_e(finding.message)}"
                f"<br/><span class='small'>规则：{_e(finding.rule)}<br/>单元格：{_e(cells)}</span>{note}</td>"
                f"<td class='num' align='right'>{_e(finding.expected)}</td>"
                f"<td class='num' align='right'>{_e(finding.actual)}</td>"
                f"<td class='num' align='right'>{_e(finding.diff)}</td></tr>"
            )
        parts.append("</table>")

    # Self-evaluation results.
    parts.append("<h2>三、绩效自评结果</h2>")
    if not summary.selfeval:
        parts.append("<p>本报表没有绩效自评表。</p>")
    else:
        parts.append(_table_open())
        parts.append(_head(("序号", "自评表", "填报总分", "计算总分", "等级", "核对"), (7, 45, 14, 14, 8, 12)))
        for number, result in enumerate(summary.selfeval, start=1):
            agrees = result.agrees
            check = (
                "一致"
                if agrees
                else f"<font color='{_SEVERITY_COLOURS['error']}'>不一致</font>"
                if agrees is False
                else "—"
            )
            kind = "整体" if result.table == result.name else "项目"
            parts.append(
                f"<tr><td align='center'>{number}</td><td>{_e(kind)}：{_e(result.name)}</td>"
                f"<td align='right'>{_e(result.entered or '（未填）')}</td>"
                f"<td align='right'>{_e(result.computed)}</td>"
                f"<td align='center'>{_e(result.grade)}</td><td align='center'>{check}</td></tr>"
            )
        parts.append("</table>")
        parts.append("<p class='small'>等级：优 ≥ 90 分，良 80–90 分，中 60–80 分，差 &lt; 60 分。</p>")

    # Verdict and signatures.
    parts.append(f"<h2>四、{_CLOSING_MARK}</h2>")
    parts.append(f"<p style='font-size: 13pt;'><b>审核结论：<font color='{colour}'>{_e(verdict.text)}</font></b></p>")
    parts.append(f"<p>{_e(verdict.detail)}</p>")
    parts.append(_table_open(padding=10))
    labels = list(summary.signoff)
    for first, second in zip(labels[0::2], labels[1::2], strict=False):
        blank2 = "　　　　年　　月　　日" if second == "日期" else ""
        parts.append(
            f"<tr><td width='16%' height='44' valign='middle'><b>{_e(first)}</b></td><td width='34%'></td>"
            f"<td width='16%' height='44' valign='middle'><b>{_e(second)}</b></td>"
            f"<td width='34%' valign='middle'>{blank2}</td></tr>"
        )
    parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def _table_open(padding: int = 4) -> str:
    return (
        f"<table width='100%' border='1' cellspacing='0' cellpadding='{padding}' "
        "style='border-collapse: collapse; border-color: #777777;'>"
    )


def _head(titles: tuple[str, ...], widths: tuple[int, ...]) -> str:
    """A header row (repeated on every page the table runs over) fixing the column widths."""
    cells = "".join(f"<th width='{w}%'>{_e(t)}</th>" for t, w in zip(titles, widths, strict=True))
    return f"<thead><tr>{cells}</tr></thead>"
