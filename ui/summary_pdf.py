"""The audit summary on paper: A4 portrait pages with a running header and 第 x 页 共 y 页.

`core.summary.Summary` becomes a flow of pieces — headings, paragraphs, and every table row on its
own — each an HTML fragment laid out by a QTextDocument on the target device (PDF writer, printer
or print preview). The pages are composed from the measured pieces before anything is painted, so
the page count is known for the first footer, and:

- a row never breaks over two pages (unless it is taller than a page), and a table that goes on
  over a page repeats its header row;
- a heading stays with what follows it, and the verdict and the signatures stay together.

Chinese text needs a CJK font: the first installed family of `CJK_FAMILIES` is used and Qt embeds
it in the PDF. Without one the PDF is still written, with a warning on stderr.
"""

from __future__ import annotations

import html
import math
import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from core.summary import Summary
from core.version import version

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
PAGE_MARGINS_MM = QMarginsF(18, 12, 18, 12)  # left, top, right, bottom
BODY_PT = 9.5
SMALL_PT = 8
HEADER_PT = 8.5
CELL_PADDING = 3  # px at 96 dpi, as every length below
SIGNATURE_PADDING = 8  # above and below the names: room for a handwritten signature
RESOLUTION = 300  # dpi of the PDF writer's coordinates (text and lines stay vectors)

_SEVERITY_COLOURS = {"error": "#b00020", "warning": "#a15c00", "rounding": "#555555"}
_PASSED_COLOUR = "#1b5e20"
_STYLE = (
    "p { margin-top: 0; margin-bottom: 0; }"
    ".title { font-size: 16pt; font-weight: bold; }"
    ".h2 { font-size: 11.5pt; font-weight: bold; }"
    f".h3 {{ font-size: {BODY_PT + 0.5}pt; font-weight: bold; }}"
    ".verdict { font-size: 13pt; font-weight: bold; }"
    "th { font-weight: bold; background-color: #e8e8e8; }"
    f".small {{ font-size: {SMALL_PT}pt; color: #444444; }}"
)


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


def print_font(family: str | None, points: float) -> QFont:
    """The font to print with. For the Chinese fonts of `CJK_FAMILIES` the OpenType feature
    `locl` is off: outside a Chinese locale it gives digits next to Latin letters ("000.json")
    glyphs that no character maps to, which a PDF reader then cannot copy or find. These fonts
    already draw Simplified Chinese forms without it."""
    font = QFont(family) if family else QFont()
    font.setPointSizeF(points)
    if family in CJK_FAMILIES:
        font.setFeature(QFont.Tag("locl"), 0)
    return font


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
    del writer  # finishes the file
    if not path.is_file():
        raise OSError(f"无法写入“{path}”")
    data = path.read_bytes()
    fixed = fix_to_unicode(data, _ideographs(result.font))
    if fixed != data:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(fixed)
        temporary.replace(path)
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


# -- the `summary` command ----------------------------------------------------------------------

EXIT_OK, EXIT_UNREADABLE = 0, 2
FILE_STATUS = "未入库（报表文件）"


def run_summary(
    file: str | None,
    unit: str | None,
    year: int | None,
    db_path: str | None,
    output: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`summary FILE|--unit NAME --year YEAR [--db DB] -o OUT.pdf`: the audit summary as a PDF,
    without a window. 0 when the PDF is written (whatever its verdict), 2 when the report cannot
    be read or the PDF cannot be written (the message says why)."""
    out, err = out or sys.stdout, err or sys.stderr
    target = Path(output)
    if target.suffix.lower() != ".pdf":
        print(f"输出文件名应以 .pdf 结尾：“{output}”", file=err)
        return EXIT_UNREADABLE
    from_file = file is not None and unit is None and year is None
    if not from_file and (file is not None or unit is None or year is None):
        print("请给出报表文件，或同时给出 --unit 与 --year（从数据库读取）", file=err)
        return EXIT_UNREADABLE
    if from_file:
        from core.commands import load_report

        try:
            report, templates = load_report(file)
        except ValueError as exc:  # ReportFileError, TemplateError: the message says why
            print(f"无法读取报表：{exc}", file=err)
            return EXIT_UNREADABLE
        explanations, status, source = {}, FILE_STATUS, Path(file).name
    else:
        from db.database import DatabaseError

        try:
            report, templates, explanations, status = _from_database(unit, year, db_path)
        except (DatabaseError, ValueError) as exc:
            print(f"无法读取数据库中的报表：{exc}", file=err)
            return EXIT_UNREADABLE
        source = None
    from core.audit import audit
    from core.summary import build_summary

    summary = build_summary(
        report,
        templates,
        audit(templates, report),
        explanations,
        status,
        datetime.now(),
        version(),
        source=source,
    )
    try:
        rendered = write_pdf(summary, target)
    except OSError as exc:
        print(f"无法写入“{output}”：{exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    print(f"已生成审核摘要 {target}（{rendered.pages} 页）：{summary.verdict.text}", file=out)
    return EXIT_OK


def _from_database(unit: str, year: int, db_path: str | None):
    """(report, templates, explanations, status) of a unit-year in the database."""
    from core.templates import load_template_set
    from db.database import Database
    from db.repository import ReportNotFound, explanations, find_report, load_report

    with Database.open(db_path, read_only=True) as db:
        info = find_report(db, unit, year)
        if info is None:
            raise ReportNotFound(f"没有“{unit}”{year}年度的报表")
        report = load_report(db, info.id)
        notes = explanations(db, info.id)
    return report, load_template_set(report.year), notes, info.status


# -- painting ----------------------------------------------------------------------------------


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
    pages = paginate(summary_flow(summary), _Typesetter(device, family, body.width()), body.height())

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


# -- the flow and its pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One piece of the flow: an HTML fragment laid out on its own.

    kind: ``block`` (kept whole), ``heading`` (kept with the next piece), ``header`` (a table's
    header row, repeated on every page the table goes on to) or ``row`` (a table row). `table`
    numbers the table of a header or row; `space` is the gap above it (px at 96 dpi), left out at
    the top of a page.
    """

    kind: str
    html: str
    table: int = -1
    space: float = 0


class _Typesetter:
    """Lays out HTML fragments on a device, at the width of the page body."""

    def __init__(self, device, family: str | None, width: float):
        self.device = device
        self.width = width
        self.font = print_font(family, BODY_PT)
        family_css = f"body {{ font-family: '{family}'; }}" if family else ""
        self.style = family_css + _STYLE
        self.scale = device.logicalDpiY() / 96  # Qt's px in documents are px at 96 dpi
        self.rule = self._shared_height()

    def _shared_height(self) -> float:
        """How far two table rows laid out on their own overlap when stacked so that they share
        one border: the blank Qt leaves above and below a table, and the border, measured once."""
        probe = self.document(_table("<tr><td>x</td></tr>"))
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


def paginate(items: list[Item], typesetter: _Typesetter, page_height: float) -> list[list[Placement]]:
    """Compose pages from the flow (see the module's docstring for the rules)."""
    return _Composer(items, typesetter, page_height).pages


class _Composer:
    def __init__(self, items: list[Item], typesetter: _Typesetter, page_height: float):
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


# -- the HTML of the flow ----------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


class _Flow:
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.tables = 0

    def block(self, fragment: str, space: float = 0) -> None:
        self.items.append(Item("block", fragment, space=space))

    def heading(self, fragment: str, css_class: str, space: float) -> None:
        self.items.append(Item("heading", f"<p class='{css_class}'>{fragment}</p>", space=space))

    def paragraph(self, fragment: str, space: float = 4, css_class: str = "") -> None:
        attribute = f" class='{css_class}'" if css_class else ""
        self.items.append(Item("block", f"<p{attribute}>{fragment}</p>", space=space))

    def table(self, head: tuple[tuple[str, int], ...], space: float = 3) -> None:
        self.tables += 1
        cells = "".join(f"<th width='{w}%'>{_e(t)}</th>" for t, w in head)
        self.items.append(Item("header", _table(f"<tr>{cells}</tr>"), self.tables, space))

    def row(self, cells: str) -> None:
        self.items.append(Item("row", _table(f"<tr>{cells}</tr>"), self.tables))


def _amount_width(summary: Summary) -> int:
    """Width (% of the page) of the 应为/实为/差额 columns: an amount is never wrapped, and every
    row of a table is laid out on its own, so the columns must hold the longest amount."""
    longest = max((len(v) for line in summary.findings for v in (line.expected, line.actual, line.diff)), default=0)
    return max(11, min(20, math.ceil(longest * 1.05 + 2)))


def _table(rows: str, padding: int = CELL_PADDING) -> str:
    return (
        f"<table width='100%' border='1' cellspacing='0' cellpadding='{padding}' "
        f"style='border-collapse: collapse; border-style: solid; border-color: #777777;'>{rows}</table>"
    )


def summary_flow(summary: Summary) -> list[Item]:
    """The summary as a flow of HTML pieces, in reading order."""
    flow = _Flow()
    cover, verdict = summary.cover, summary.verdict
    verdict_colour = {"passed": _PASSED_COLOUR, "unexplained": _SEVERITY_COLOURS["warning"]}.get(
        verdict.level, _SEVERITY_COLOURS["error"]
    )
    flow.block(f"<p class='title' align='center'>{_e(cover.unit_name)}<br/>{cover.year}年度{_e(summary.title)}</p>")

    # Cover block: one piece.
    label = "<td width='14%' bgcolor='#f2f2f2'><b>{}</b></td>"
    rows = [
        ("单位名称", cover.unit_name, "单位编码", cover.unit_code or "—"),
        ("报表年度", f"{cover.year}年度", "表式", cover.template_set),
        ("报表状态", cover.status, "金额单位", cover.amount_unit),
        ("审核时间", cover.checked_at_text, "程序版本", cover.program_version),
    ]
    if cover.source:
        rows.append(("报表来源", cover.source, "", ""))
    cells = []
    for label1, value1, label2, value2 in rows:
        if label2:
            rest = f"<td width='36%'>{_e(value1)}</td>{label.format(_e(label2))}<td width='36%'>{_e(value2)}</td>"
        else:
            rest = f"<td colspan='3'>{_e(value1)}</td>"
        cells.append(f"<tr>{label.format(_e(label1))}{rest}</tr>")
    cells.append(
        f"<tr>{label.format('审核结论')}"
        f"<td colspan='3'><b><font color='{verdict_colour}'>{_e(verdict.text)}</font></b></td></tr>"
    )
    flow.block(_table("".join(cells)), space=8)

    # Status of every table.
    flow.heading("一、各表审核情况", "h2", 10)
    flow.table((("序号", 7), ("表号", 19), ("表名", 48), ("审核状态", 26)))
    for number, table in enumerate(summary.tables, start=1):
        colour = (
            _SEVERITY_COLOURS["error"]
            if table.errors
            else _SEVERITY_COLOURS["warning"]
            if table.warnings
            else _PASSED_COLOUR
        )
        flow.row(
            f"<td width='7%' align='center'>{number}</td><td width='19%'>{_e(table.printed)}</td>"
            f"<td width='48%'>{_e(table.title)}</td><td width='26%'><font color='{colour}'>{_e(table.status)}</font></td>"
        )

    # Findings, table by table.
    flow.heading(f"二、审核发现（金额单位：{_e(cover.amount_unit)}）", "h2", 10)
    if not summary.groups:
        flow.paragraph("未发现问题：全部勾稽关系成立。")
    amount = _amount_width(summary)
    widths = (6, 7, 100 - 13 - 3 * amount, amount, amount, amount)
    for group in summary.groups:
        flow.heading(f"{_e(group.printed)}　{_e(group.title)}（{len(group.findings)} 条）", "h3", 8)
        flow.table(tuple(zip(("序号", "类别", "问题、规则与单元格", "应为", "实为", "差额"), widths, strict=True)))
        for finding in group.findings:
            colour = _SEVERITY_COLOURS[finding.severity]
            note = ""
            if finding.explanation:
                note = f"<br/><b>说明：</b>{_e(finding.explanation)}"
            elif finding.unexplained:
                note = f"<br/><b>说明：<font color='{_SEVERITY_COLOURS['error']}'>未说明</font></b>"
            flow.row(
                f"<td width='{widths[0]}%' align='center'>{finding.number}</td>"
                f"<td width='{widths[1]}%' align='center'><font color='{colour}'><b>{_e(finding.severity_name)}</b></font></td>"
                f"<td width='{widths[2]}%'>{_e(finding.message)}<br/><span class='small'>规则：{_e(finding.rule)}<br/>"
                f"单元格：{_e(', '.join(finding.cells))}</span>{note}</td>"
                f"<td width='{widths[3]}%' align='right'>{_e(finding.expected)}</td>"
                f"<td width='{widths[4]}%' align='right'>{_e(finding.actual)}</td>"
                f"<td width='{widths[5]}%' align='right'>{_e(finding.diff)}</td>"
            )

    # Self-evaluation results.
    flow.heading("三、绩效自评结果", "h2", 10)
    if not summary.selfeval:
        flow.paragraph("本报表没有绩效自评表。")
    else:
        widths = (7, 45, 14, 14, 8, 12)
        flow.table(tuple(zip(("序号", "自评表", "填报总分", "计算总分", "等级", "核对"), widths, strict=True)))
        for number, result in enumerate(summary.selfeval, start=1):
            agrees = result.agrees
            if agrees is None:
                check = "—"
            elif agrees:
                check = "一致"
            else:
                check = f"<font color='{_SEVERITY_COLOURS['error']}'>不一致</font>"
            kind = "整体" if result.table == result.name else "项目"
            flow.row(
                f"<td width='{widths[0]}%' align='center'>{number}</td>"
                f"<td width='{widths[1]}%'>{_e(kind)}：{_e(result.name)}</td>"
                f"<td width='{widths[2]}%' align='right'>{_e(result.entered or '（未填）')}</td>"
                f"<td width='{widths[3]}%' align='right'>{_e(result.computed)}</td>"
                f"<td width='{widths[4]}%' align='center'>{_e(result.grade)}</td>"
                f"<td width='{widths[5]}%' align='center'>{check}</td>"
            )
        flow.paragraph("等级：优 ≥ 90 分，良 80–90 分，中 60–80 分，差 &lt; 60 分。", css_class="small")

    # Verdict and signatures: one piece, so they stay together.
    signatures = []
    labels = list(summary.signoff)
    for number in range(0, len(labels), 2):
        pair = labels[number : number + 2] + [""] * (2 - len(labels[number : number + 2]))
        cells = ""
        for name in pair:
            gap = "&nbsp;" * 7
            blank = f"年{gap}月{gap}日&nbsp;&nbsp;" if name == "日期" else ""
            cells += (
                f"<td width='16%' valign='middle'><b>{_e(name)}</b></td>"
                f"<td width='34%' align='right' valign='middle'>{blank}</td>"
            )
        signatures.append(f"<tr>{cells}</tr>")
    flow.block(
        "<p class='h2'>四、审核结论与签字</p>"
        f"<p class='verdict' style='margin-top: 6px;'>审核结论：<font color='{verdict_colour}'>{_e(verdict.text)}</font></p>"
        f"<p style='margin-top: 4px; margin-bottom: 6px;'>{_e(verdict.detail)}</p>"
        + _table("".join(signatures), SIGNATURE_PADDING),
        space=12,
    )
    return flow.items


def summary_html(summary: Summary, family: str | None = None) -> str:
    """The whole summary as one HTML page (for a screen or a file; the printed pages use the flow)."""
    font = f"body {{ font-family: '{_e(family)}'; font-size: {BODY_PT}pt; }}" if family else ""
    parts = [f"<html><head><style>{font}{_STYLE}</style></head><body>"]
    for item in summary_flow(summary):
        parts.append(item.html)
    parts.append("</body></html>")
    return "".join(parts)


# -- text extraction: Qt maps a shared glyph to its lowest code point ----------------------------
#
# A CJK font draws 人 (U+4EBA) and the Kangxi radical ⼈ (U+2F08) with one glyph, and 门 (U+95E8) and
# the radical ⻔ (U+2EED) too. Qt's PDF writer gives each glyph the lowest code point that maps to
# it, so copying or searching the PDF would find radicals instead of the characters printed. The
# ToUnicode maps of the written file are corrected: a radical that shares its glyph with a unified
# ideograph maps to that ideograph.

RADICALS = (0x2E80, 0x2FDF)  # CJK Radicals Supplement and Kangxi Radicals


def _ideographs(family: str | None):
    """code point → the unified ideograph drawn with the same glyph in `family` (or NFKC's), or None."""
    import unicodedata

    from PySide6.QtGui import QRawFont

    raw = QRawFont.fromFont(QFont(family)) if family else None
    by_glyph: dict[int, int] | None = None

    def ideograph(code: int) -> int | None:
        nonlocal by_glyph
        if raw is not None and raw.isValid():
            if by_glyph is None:
                text = "".join(chr(c) for c in range(0x4E00, 0xA000))
                by_glyph = {}
                for char, glyph in zip(text, raw.glyphIndexesForString(text), strict=False):
                    if glyph:
                        by_glyph.setdefault(glyph, ord(char))
            glyphs = raw.glyphIndexesForString(chr(code))
            if glyphs and glyphs[0] in by_glyph:
                return by_glyph[glyphs[0]]
        normal = unicodedata.normalize("NFKC", chr(code))
        return ord(normal) if len(normal) == 1 and normal != chr(code) else None

    return ideograph


def fix_to_unicode(data: bytes, ideograph) -> bytes:
    """The PDF `data` with its ToUnicode maps sending radicals to ideographs; unchanged if it cannot tell."""
    end = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    if end is None:
        return data
    xref_at = int(end.group(1))
    head = re.match(rb"xref\s+0\s+(\d+)\s*\n", data[xref_at:])
    if head is None:
        return data
    count = int(head.group(1))
    entries_at = xref_at + head.end()
    entries = [data[entries_at + 20 * i : entries_at + 20 * i + 20] for i in range(count)]
    trailer_at = entries_at + 20 * count
    if not data[trailer_at:].lstrip().startswith(b"trailer") or any(len(e) != 20 for e in entries):
        return data
    offsets = {i: int(e[:10]) for i, e in enumerate(entries) if e[17:18] == b"n"}
    order = sorted(offsets, key=offsets.__getitem__)
    spans = {n: (offsets[n], offsets[order[i + 1]] if i + 1 < len(order) else xref_at) for i, n in enumerate(order)}
    bodies: dict[int, bytes] = {}
    for number in {int(n) for n in re.findall(rb"/ToUnicode (\d+) 0 R", data)}:
        if number not in spans:
            continue
        body = data[slice(*spans[number])]
        stream = re.match(rb"\d+ 0 obj\s*<<\s*/Length (\d+)\s*>>\s*stream\r?\n", body)
        if stream is None:
            continue
        cmap = body[stream.end() : stream.end() + int(stream.group(1))]
        fixed = _fix_cmap(cmap, ideograph)
        if fixed != cmap:
            bodies[number] = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
                number,
                len(fixed),
                fixed,
            )
    if not bodies:
        return data
    out = bytearray(data[: offsets[order[0]]])
    moved = {}
    for number in order:
        moved[number] = len(out)
        out += bodies.get(number, data[slice(*spans[number])])
    xref = len(out)
    out += b"xref\n0 %d\n" % count
    for i, entry in enumerate(entries):
        out += b"%010d 00000 n \n" % moved[i] if i in moved else entry
    out += data[trailer_at : end.start()].strip() + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _fix_cmap(cmap: bytes, ideograph) -> bytes:
    text = cmap.decode("latin-1")
    mapping: dict[int, str] = {}
    for section in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            mapping[int(source, 16)] = target.upper()
    for section in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", section
        ):
            low, high = int(low, 16), int(high, 16)
            if target.startswith("["):
                for offset, value in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", target)):
                    mapping[low + offset] = value.upper()
            elif len(target) == 6:
                start = int(target[1:-1], 16)
                for offset in range(high - low + 1):
                    mapping[low + offset] = f"{start + offset:04X}"
            else:
                return cmap  # a form Qt does not write: leave the map alone
    changed = False
    for source, target in mapping.items():
        code = int(target, 16) if len(target) == 4 else None
        if code is not None and RADICALS[0] <= code <= RADICALS[1]:
            better = ideograph(code)
            if better:
                mapping[source], changed = f"{better:04X}", True
    if not changed:
        return cmap
    start = text.find("endcodespacerange")
    stop = text.find("endcmap")
    if start < 0 or stop < 0:
        return cmap
    start += len("endcodespacerange\n")
    items = sorted(mapping.items())
    chunks = []
    for i in range(0, len(items), 100):
        block = items[i : i + 100]
        chunks.append(f"{len(block)} beginbfchar\n" + "".join(f"<{s:04X}> <{t}>\n" for s, t in block) + "endbfchar\n")
    return (text[:start] + "".join(chunks) + text[stop:]).encode("latin-1")
