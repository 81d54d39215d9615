"""The printed page: A4 portrait, a running header, 第 x 页 共 y 页, and the summary painted page by page."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPen

from core.summary import Summary
from ui.summary.flow import summary_flow
from ui.summary.fonts import cjk_family, print_font
from ui.summary.pagination import Typesetter, paginate

PAGE_MARGINS_MM = QMarginsF(18, 12, 18, 12)  # left, top, right, bottom
HEADER_PT = 8.5


@dataclass(frozen=True)
class Rendered:
    """What was printed: how many pages, in which Chinese font."""

    pages: int
    font: str | None  # the CJK family used, None when none was found


def page_layout() -> QPageLayout:
    """A4 portrait with the summary's margins."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        PAGE_MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


def render(summary: Summary, device: QPagedPaintDevice) -> Rendered:
    """Lay the summary out on `device` and paint every page: header, body, 第 x 页 共 y 页."""
    family = cjk_family()
    if family is None:
        print(
            "警告：未找到中文字体（如 Noto Sans CJK SC、宋体、微软雅黑），审核摘要中的中文可能无法显示", file=sys.stderr
        )
    header_font = print_font(family, HEADER_PT)
    size = device.pageLayout().paintRectPixels(device.resolution()).size()
    width, height = float(size.width()), float(size.height())
    line = QFontMetricsF(header_font, device).height()
    body = QRectF(0, line * 2.0, width, height - line * 3.8)
    pages = paginate(summary_flow(summary), Typesetter(device, family, body.width()), body.height())

    painter = QPainter()
    if not painter.begin(device):
        raise OSError("无法开始打印（打印机或文件不可用）")
    try:
        for number, placements in enumerate(pages, start=1):
            if number > 1:
                device.newPage()
            _paint_frame(painter, summary, header_font, width, height, line, number, len(pages))
            for placement in placements:
                placement.paint(painter, body.topLeft())
    finally:
        painter.end()
    return Rendered(len(pages), family)


def _paint_frame(
    painter: QPainter, summary: Summary, font: QFont, width: float, height: float, line: float, page: int, pages: int
) -> None:
    """The running header (the summary's heading and title over a rule) and the footer 第 x 页 共 y 页."""
    painter.save()
    painter.setFont(font)
    painter.setPen(QPen(Qt.GlobalColor.black))
    top = QRectF(0, 0, width, line * 1.4)
    metrics = QFontMetricsF(font, painter.device())
    room = width - metrics.horizontalAdvance(summary.title) - metrics.horizontalAdvance("　　")
    heading = metrics.elidedText(summary.heading, Qt.TextElideMode.ElideMiddle, room)
    painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, heading)
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
