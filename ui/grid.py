"""The window's grid of a printed table: core.layout's cells, plus the row where a new code is typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core import layout
from core.templates import TableTemplate

TEXT, LINE_NO, CODE, NAME, AMOUNT, NEW_CODE = "text", "line", "code", "name", "amount", "new"

#: The printed layout's widths are in characters of 宋体 10 pt; the window's characters are wider.
SCREEN_SCALE = 0.8

_KINDS = {
    layout.LABEL: TEXT,
    layout.BLANK: TEXT,
    layout.LINE_NO: LINE_NO,
    layout.CODE: CODE,
    layout.NAME: NAME,
    layout.AMOUNT: AMOUNT,
}


@dataclass(frozen=True)
class GridCell:
    kind: str
    text: str = ""
    address: str | None = None  # amount cells: table:row:col
    row_key: str | None = None  # label/code/name cells: table:row
    level: int = 0  # 0 类 / 1 款 / 2 项 (indentation); -1 for totals
    bold: bool = False


EMPTY = GridCell(TEXT)


@dataclass
class Grid:
    """Header rows (with spans) and body rows of one printed table."""

    columns: int
    header: list[list[tuple[str, int, int]]]  # per header row: (text, colspan, rowspan) left to right
    body: list[list[GridCell]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # relative widths, in characters


def build_grid(
    table: TableTemplate,
    rows_in_use: set[str],
    labels: Mapping[str, str],
    editable_rows: bool = True,
    variant: str | None = None,
) -> Grid:
    """Lay `table` out as printed (core.layout) in `variant`; `rows_in_use` are the rows the report has."""
    printed = layout.printed_table(table, rows_in_use, labels, variant)
    header: list[list[tuple[str, int, int]]] = [[] for _ in range(printed.columns.header_rows)]
    for cell in sorted(printed.columns.header, key=lambda h: (h.row, h.col)):
        header[cell.row].append((cell.text, cell.colspan, cell.rowspan))
    grid = Grid(printed.width, header, widths=[max(1, round(w * SCREEN_SCALE)) for w in printed.widths])
    grid.body = [[_grid_cell(cell) for cell in row] for row in printed.body]
    if table.kind == "classification" and not table.panels and editable_rows:
        grid.body.append([GridCell(NEW_CODE, "", row_key=f"{table.id}:")] + [EMPTY] * (printed.width - 1))
    return grid


def _grid_cell(cell: layout.BodyCell) -> GridCell:
    if cell.kind == layout.BLANK:
        return EMPTY
    return GridCell(_KINDS[cell.kind], cell.text, cell.address, cell.row_key, cell.level, cell.bold)
