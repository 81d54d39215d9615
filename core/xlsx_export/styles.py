"""Cell styles, merges, widths, page set-up and sheet names of the exported workbook."""

from __future__ import annotations

import copy
import re
import weakref
from decimal import Decimal

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from core.money import unit_fen
from core.xlsx_export.text import EXCEL_DIGITS, UNWRITABLE, excel_text

AMOUNT_FORMAT = "#,##0.00"
FONT_NAME = "宋体"
#: Fill of a cell that takes part in a violated identity, by the worst severity it is part of.
SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFE699", "rounding": "DDEBF7"}

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
LINK_FONT = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
AMOUNT_ALIGN = Alignment(horizontal="right", vertical="center", indent=1)
INDENTS = [Alignment(horizontal="left", vertical="center", indent=n) for n in range(4)]
FILLS = {s: PatternFill("solid", start_color=c, end_color=c) for s, c in SEVERITY_FILLS.items()}
HEADER_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def display_width(text: str) -> int:
    """Width of text in character cells: CJK characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# -- amounts --------------------------------------------------------------------------------------


def amount_number(fen: int, unit: str) -> float | int:
    """The number written to a cell for `fen` in `unit` (exact decimal, then the nearest float)."""
    value = Decimal(fen) / Decimal(unit_fen(unit))
    return int(value) if value == value.to_integral_value() else float(value)


def excel_value(value: Decimal) -> float | int | str:
    """A number Excel keeps exactly (at most 15 significant digits) as a number; any other as its text."""
    if value.is_finite() and len(value.normalize().as_tuple().digits) <= EXCEL_DIGITS:
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


# -- small helpers --------------------------------------------------------------------------------


def merged(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, text: str, font: Font, alignment: Alignment) -> None:
    """A merged cell holding `text`, without borders (titles, notes)."""
    cell = ws.cell(r1, c1)
    cell.value = excel_text(text)
    cell.data_type = "s"
    style(cell, font, None, alignment)
    if r2 > r1 or c2 > c1:
        merge(ws, r1, c1, r2, c2)


_STYLE_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def style(cell, font=None, border=None, alignment=None, fill=None, number_format=None) -> None:
    """Give a cell a complete style; each combination is resolved once per workbook, then copied.

    Assigning openpyxl style objects hashes them against the workbook's lists on every cell; copying
    the resolved style array is what keeps a 10 000-row export fast. Only module-level style objects
    are passed here, so their ids identify them.
    """
    cache = _STYLE_CACHE.setdefault(cell.parent.parent, {})
    key = (id(font), id(border), id(alignment), id(fill), number_format)
    resolved = cache.get(key)
    if resolved is not None:
        cell._style = copy.copy(resolved)
        return
    if font is not None:
        cell.font = font
    if border is not None:
        cell.border = border
    if alignment is not None:
        cell.alignment = alignment
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    cache[key] = copy.copy(cell._style)


def merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    """Merge a range, keeping the styles already given to the covered cells (openpyxl's own
    merge_cells re-derives borders cell by cell, which is slow and not needed here)."""
    ws.merged_cells.add(MergedCellRange(ws, f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"))
    cells = ws._cells
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            if (r, c) == (r1, c1):
                continue
            old = cells.get((r, c))
            merged = MergedCell(ws, r, c)
            if old is not None:
                merged._style = copy.copy(old._style)
            cells[(r, c)] = merged


def set_width(ws: Worksheet, col: int, width: float) -> None:
    """Set a column's width, in characters."""
    ws.column_dimensions[get_column_letter(col)].width = width


def page_setup(
    ws: Worksheet, first_title_row: int | None, last_title_row: int | None, portrait: bool = False, pages_high: int = 0
) -> None:
    """A4, fitted to the page width (and to `pages_high` pages in height, 0 = as many as needed)."""
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_high
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if first_title_row and last_title_row:
        ws.print_title_rows = f"{first_title_row}:{last_title_row}"


def sheet_title(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no []:*?/\\), unique in `used`."""
    base = UNWRITABLE.sub("_", _INVALID_SHEET_CHARS.sub("_", name)).strip("'").strip() or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title in used:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def quote(sheet: str) -> str:
    """A sheet name quoted for a reference."""
    return "'" + sheet.replace("'", "''") + "'"
