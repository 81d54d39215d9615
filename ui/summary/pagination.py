"""The flow laid out on the target device and composed into pages, before anything is painted.

Every piece is an HTML fragment laid out by a QTextDocument on the device (PDF writer, printer or
print preview), so the page count is known for the first footer, and:

- a row never breaks over two pages (unless it is taller than a page), and a table that goes on
  over a page repeats its header row;
- a heading stays with what follows it, and the verdict and the signatures stay together.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSizeF
from PySide6.QtGui import QColor, QImage, QPainter, QTextBlockFormat, QTextCursor, QTextDocument

from ui.summary.flow import BODY_PT, STYLE, Item, table_html
from ui.summary.fonts import print_font


class Typesetter:
    """Lays out HTML fragments on a device, at the width of the page body."""

    def __init__(self, device, family: str | None, width: float):
        self.device = device
        self.width = width
        self.font = print_font(family, BODY_PT)
        family_css = f"body {{ font-family: '{family}'; }}" if family else ""
        self.style = family_css + STYLE
        self.scale = device.logicalDpiY() / 96  # Qt's px in documents are px at 96 dpi
        self.rule = self._shared_height()

    def _shared_height(self) -> float:
        """How far two table rows laid out on their own overlap when stacked so that they share
        one border: the blank Qt leaves above and below a table, and the border, measured once."""
        probe = self.document(table_html("<tr><td>x</td></tr>"))
        probe.setTextWidth(100)
        height = probe.size().height()
        image = QImage(120, int(height) + 20, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.translate(10, 10)
        probe.drawContents(painter, QRectF(-8, -8, 116, height + 16))
        painter.end()
        dark = [y - 10 for y in range(image.height()) if image.pixelColor(60, y).lightness() < 250]
        if not dark:
            return self.scale
        border = next((i for i, y in enumerate(dark) if y != dark[0] + i), len(dark))
        return dark[0] + (height - 1 - dark[-1]) + border

    def document(self, fragment: str) -> QTextDocument:
        document = QTextDocument()
        document.documentLayout().setPaintDevice(self.device)
        document.setDefaultFont(self.font)
        document.setDefaultStyleSheet(self.style)
        document.setDocumentMargin(0)
        document.setHtml(fragment)
        document.setTextWidth(self.width)
        return document


@dataclass
class Placement:
    """A laid-out piece on a page at `y`: all of it, or one page of a piece taller than a page."""

    document: QTextDocument
    y: float
    source_top: float = 0.0
    source_height: float | None = None  # None: the whole document

    def paint(self, painter: QPainter, origin: QPointF) -> None:
        painter.save()
        painter.translate(origin.x(), origin.y() + self.y - self.source_top)
        width = self.document.textWidth()
        if self.source_height is None:
            # A little larger than the piece, so that the borders on its edges are painted whole.
            clip = QRectF(-8, -8, width + 16, self.document.size().height() + 16)
        else:
            clip = QRectF(-8, self.source_top, width + 16, self.source_height)
        self.document.drawContents(painter, clip)
        painter.restore()


def paginate(items: list[Item], typesetter: Typesetter, page_height: float) -> list[list[Placement]]:
    """Compose pages from the flow (see this module's docstring for the rules)."""
    return Composer(items, typesetter, page_height).pages


class Composer:
    """The pages of a flow: every piece placed, in order, where the rules above let it go."""

    def __init__(self, items: list[Item], typesetter: Typesetter, page_height: float):
        self.items = items
        self.documents = [typesetter.document(item.html) for item in items]
        self.heights = [document.size().height() for document in self.documents]
        self.headers = {item.table: i for i, item in enumerate(items) if item.kind == "header"}
        self.typesetter = typesetter
        self.page_height = page_height
        self.pages: list[list[Placement]] = [[]]
        self.y = 0.0
        self.table: int | None = None  # the table whose header or row was placed last on this page
        for index, item in enumerate(items):
            if self.y > 0 and self.y + self.need(index) > page_height:
                self.new_page()
            if item.kind == "row" and self.table != item.table:
                self.place(self.headers[item.table])  # the table goes on: its header again
            self.place(index)
        if not self.pages[-1] and len(self.pages) > 1:
            self.pages.pop()

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])
        self.y, self.table = 0.0, None

    def gap(self, index: int, here: bool = True) -> float:
        """Space above piece `index`: none at the top of a page, negative between the rows of a
        table (they share a border). `here`: the piece goes next, not after others still to come."""
        item = self.items[index]
        if here and self.y == 0:
            return 0.0
        if here and item.kind in ("header", "row") and self.table == item.table:
            return -self.typesetter.rule
        return item.space * self.typesetter.scale

    def need(self, index: int, here: bool = True) -> float:
        """Height of piece `index` with what has to go on the same page: a heading with the piece
        after it, a header with the first row, a row with the header repeated above it."""
        item = self.items[index]
        total = self.gap(index, here) + self.start(index)
        following = index + 1 < len(self.items)
        if item.kind == "heading" and following:
            total += self.need(index + 1, here=False)
        elif item.kind == "header" and following:
            total += self.start(index + 1) - self.typesetter.rule
        elif item.kind == "row" and here and self.table != item.table:
            total += self.heights[self.headers[item.table]] - self.typesetter.rule
        return total

    def start(self, index: int) -> float:
        """Room piece `index` needs on the page it starts on: all of it, or a fair start of a piece
        taller than a page (it goes on over the following pages)."""
        height = self.heights[index]
        return height if height <= self.page_height else self.page_height / 5

    def place(self, index: int) -> None:
        item, document, height = self.items[index], self.documents[index], self.heights[index]
        self.y += self.gap(index)
        if height > self.page_height:
            # Taller than a page: it starts here and goes on over the next pages, cut where Qt
            # paginates it (a first paragraph as high as what is above it on this page).
            above = QTextBlockFormat()
            above.setTopMargin(self.y)
            QTextCursor(document).mergeBlockFormat(above)
            document.setPageSize(QSizeF(self.typesetter.width, self.page_height))
            for page in range(document.pageCount()):
                if page:
                    self.new_page()
                self.pages[-1].append(Placement(document, 0.0, page * self.page_height, self.page_height))
            self.y = document.size().height() - (document.pageCount() - 1) * self.page_height
            self.table = item.table if item.kind in ("header", "row") else None
            return
        self.pages[-1].append(Placement(document, self.y))
        self.y += height
        self.table = item.table if item.kind in ("header", "row") else None
