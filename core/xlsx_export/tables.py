"""The sheets of 公开01–09, written from the printed layout (core.layout)."""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from core.layout import AMOUNT, CODE, LABEL, LINE_NO, NAME, BodyCell, printed_table
from core.money import amount_text, in_range
from core.templates import TableTemplate
from core.xlsx_export.context import ExportContext
from core.xlsx_export.styles import (
    AMOUNT_ALIGN,
    AMOUNT_FORMAT,
    BOLD,
    BORDER,
    CENTER,
    FONT,
    HEADER_FILL,
    INDENTS,
    LEFT,
    RIGHT,
    TITLE_FONT,
    amount_number,
    display_width,
    merge,
    merged,
    page_setup,
    set_width,
    style,
)
from core.xlsx_export.text import excel_text

#: Sheet rows above the header: title, 表号, 部门/单位 line.
HEADER_TOP = 4


def write_table_sheet(ws: Worksheet, template: TableTemplate, ctx: ExportContext) -> None:
    """One table as printed: title, 表号, 部门/单位 line, header with its merges, body, notes."""
    variant = ctx.report.variants.get(template.id)
    printed = printed_table(template, ctx.rows_in_use(template.id), ctx.report.labels, variant)
    layout = printed.columns
    width = layout.width
    merged(ws, 1, 1, 1, width, f"{ctx.report.year}年度{template.title}", TITLE_FONT, CENTER)
    ws.row_dimensions[1].height = 30
    if template.number:  # no 表号 where the region prints none
        merged(ws, 2, 1, 2, width, template.number, FONT, RIGHT)
    split = max(1, width - max(2, width // 3))
    merged(ws, 3, 1, 3, split, f"{ctx.report.unit_kind or '部门'}：{ctx.report.unit_name}", FONT, LEFT)
    merged(ws, 3, split + 1, 3, width, f"单位：{ctx.unit}", FONT, RIGHT)
    top = HEADER_TOP
    for col, w in enumerate(printed.widths):
        set_width(ws, 1 + col, w)
    _header(ws, printed.widths, layout.header, layout.header_rows, top)
    first = top + layout.header_rows
    for i, cells in enumerate(printed.body):
        _body_row(ws, first + i, cells, ctx)
    if template.kind == "single":
        ws.row_dimensions[first].height = 20
    row = first + len(printed.body)
    for note in template.notes:
        merged(ws, row, 1, row, width, note, FONT, LEFT)
        ws.row_dimensions[row].height = 15 * max(1, -(-len(note) // (width * 9)))
        row += 1
    # Tables of fixed size print on one page, as published; classification tables run on.
    one_page = template.kind != "classification" or bool(template.panels)
    page_setup(ws, top, first - 1, pages_high=1 if one_page else 0)
    ws.freeze_panes = ws.cell(first, 1)


def _header(ws: Worksheet, widths: list[float], header, rows: int, top: int) -> None:
    heights = [18.0] * rows
    for h in header:
        span = sum(widths[h.col + i] if h.col + i < len(widths) else 10 for i in range(h.colspan))
        lines = -(-display_width(h.text.strip()) // max(1, int(span) - 1))
        needed = 4 + 13 * max(1, lines)
        for i in range(h.rowspan):
            heights[h.row + i] = max(heights[h.row + i], needed / h.rowspan)
    for h in header:
        row, col = top + h.row, 1 + h.col
        value: Any = h.text.strip()
        if value.isdigit():
            value = int(value)
        if value != "":
            ws.cell(row, col).value = value
        for rr in range(row, row + h.rowspan):
            for cc in range(col, col + h.colspan):
                style(ws.cell(rr, cc), BOLD, BORDER, CENTER, HEADER_FILL)
        if h.rowspan > 1 or h.colspan > 1:
            merge(ws, row, col, row + h.rowspan - 1, col + h.colspan - 1)
    for r in range(rows):
        ws.row_dimensions[top + r].height = heights[r]


def _body_row(ws: Worksheet, row: int, cells: list[BodyCell], ctx: ExportContext) -> None:
    spans = []
    for c, cell in enumerate(cells):
        col = 1 + c
        font = BOLD if cell.bold else FONT
        if cell.kind == AMOUNT:
            _amount_cell(ws, row, col, cell.address or "", ctx, font)
        elif cell.kind == LINE_NO:
            number = ws.cell(row, col)
            number.value = int(cell.text)
            style(number, FONT, BORDER, CENTER)
        elif cell.kind in (CODE, NAME):
            text_cell(ws, row, col, cell.text, font, INDENTS[min(max(cell.level, 0), 3)])
        elif cell.kind == LABEL:
            text_cell(ws, row, col, cell.text or None, font, CENTER if cell.level < 0 else LEFT)
        else:
            text_cell(ws, row, col, None)
        if cell.row_key and cell.kind in (LABEL, NAME):
            ctx.locations[cell.row_key] = (ws.title, ws.cell(row, col).coordinate)
        if cell.span > 1:
            spans.append((col, col + cell.span - 1))
    for start, end in spans:
        merge(ws, row, start, row, end)
    for c, cell in enumerate(cells):  # a row without a name cell (公开09) is found at its first figure
        if cell.address:
            ctx.locations.setdefault(cell.address.rsplit(":", 1)[0], (ws.title, ws.cell(row, 1 + c).coordinate))


def _amount_cell(ws: Worksheet, row: int, col: int, address: str, ctx: ExportContext, font=FONT) -> None:
    cell = ws.cell(row, col)
    value = ctx.report.cells.get(address)
    if value is not None:  # beyond the range as exact text (noted), never a number Excel would change
        cell.value = amount_number(value, ctx.unit) if in_range(value) else amount_text(value, ctx.unit)
    style(cell, font, BORDER, AMOUNT_ALIGN, None, AMOUNT_FORMAT)
    ctx.locations[address] = (ws.title, cell.coordinate)


def text_cell(ws: Worksheet, row: int, col: int, text: str | None, font=FONT, alignment=LEFT) -> None:
    """A bordered cell holding `text` as text (None leaves it blank)."""
    cell = ws.cell(row, col)
    if text:
        cell.value = excel_text(text)
        cell.data_type = "s"
    style(cell, font, BORDER, alignment)
