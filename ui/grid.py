"""The printed layout of a table as a grid: which cell shows a label, a 行次, a code or an amount."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.catalogue import load_catalogue
from core.templates import TableTemplate

TEXT, LINE_NO, CODE, NAME, AMOUNT, NEW_CODE = "text", "line", "code", "name", "amount", "new"


@dataclass(frozen=True)
class GridCell:
    kind: str
    text: str = ""
    address: str | None = None  # amount cells: table:row:col
    row_key: str | None = None  # code/name cells: table:row
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


def build_grid(table: TableTemplate, rows_in_use: set[str], row_name, editable_rows: bool = True) -> Grid:
    """Lay `table` out as printed; `rows_in_use` are the classification rows the report has."""
    if table.kind == "lines":
        return _lines_grid(table)
    if table.kind == "single":
        return _single_grid(table)
    if table.catalogue == "economic":
        return _panels_grid(table, rows_in_use, row_name)
    return _classification_grid(table, rows_in_use, row_name, editable_rows)


def _header(table: TableTemplate) -> list[list[tuple[str, int, int]]]:
    rows = []
    for printed in table.header:
        row = []
        for cell in printed:
            if isinstance(cell, dict):
                row.append((str(cell.get("text", "")), int(cell.get("colspan", 1)), int(cell.get("rowspan", 1))))
            else:
                row.append((str(cell), 1, 1))
        rows.append(row)
    return rows


def _lines_grid(table: TableTemplate) -> Grid:
    widths: list[int] = []
    for panel in table.panels:
        widths += [26, 5] + [12] * len(panel.columns)
    grid = Grid(len(widths), _header(table), widths=widths)
    height = max(len(p.lines) for p in table.panels)
    for index in range(height):
        row: list[GridCell] = []
        for panel in table.panels:
            if index < len(panel.lines):
                line = panel.lines[index]
                total = bool(line.label) and line.label[:1] not in "一二三四五六七八九十" and line.class_code is None
                row.append(GridCell(TEXT, line.label or "", bold=total))
                row.append(GridCell(LINE_NO, str(line.number)))
                for col in panel.columns:
                    if col in line.columns:
                        row.append(GridCell(AMOUNT, address=f"{table.id}:{line.number}:{col}", bold=total))
                    else:
                        row.append(EMPTY)
            else:
                row += [EMPTY] * (2 + len(panel.columns))
        grid.body.append(row)
    return grid


def _single_grid(table: TableTemplate) -> Grid:
    columns = sorted(table.columns)
    grid = Grid(len(columns), _header(table), widths=[11] * len(columns))
    grid.body.append([GridCell(AMOUNT, address=f"{table.id}:1:{col}") for col in columns])
    return grid


def _sorted_codes(table: TableTemplate, rows: set[str]) -> list[str]:
    return sorted(r for r in rows if table.level(r) is not None)


def _classification_grid(table: TableTemplate, rows_in_use: set[str], row_name, editable_rows: bool) -> Grid:
    columns = sorted(table.columns)
    grid = Grid(2 + len(columns), _header(table), widths=[10, 30] + [12] * len(columns))
    total = table.total_row
    if total:
        grid.body.append(
            [GridCell(TEXT, ""), GridCell(TEXT, "合计", bold=True, level=-1)]
            + [GridCell(AMOUNT, address=f"{table.id}:{total}:{c}", bold=True) for c in columns]
        )
    for code in _sorted_codes(table, rows_in_use):
        level = table.level(code) or 0
        key = f"{table.id}:{code}"
        grid.body.append(
            [
                GridCell(CODE, code, row_key=key, level=level, bold=level == 0),
                GridCell(NAME, row_name(table.id, code) or "", row_key=key, level=level, bold=level == 0),
            ]
            + [GridCell(AMOUNT, address=f"{table.id}:{code}:{c}", level=level, bold=level == 0) for c in columns]
        )
    if editable_rows:
        grid.body.append([GridCell(NEW_CODE, "", row_key=f"{table.id}:"), EMPTY] + [EMPTY] * len(columns))
    return grid


def _panels_grid(table: TableTemplate, rows_in_use: set[str], row_name) -> Grid:
    """公开06: three code | name | amount panels side by side, the two totals at the bottom."""
    catalogue = load_catalogue("economic")
    panels = [list(p.rows) for p in table.panels]
    printed = {r for rows in panels for r in rows}
    for code in _sorted_codes(table, rows_in_use - printed):
        # A code not printed goes to the panel of its class (301/303 人员经费, the rest 公用经费).
        target = next((p for p in panels if p and p[0] == code[:3]), panels[-1])
        target.append(code)
        target.sort()
    widths = [8, 22, 11] * len(panels)
    grid = Grid(3 * len(panels), _header(table), widths=widths)
    for index in range(max(len(p) for p in panels)):
        row: list[GridCell] = []
        for rows in panels:
            if index < len(rows):
                code = rows[index]
                level = table.level(code) or 0
                key = f"{table.id}:{code}"
                name = row_name(table.id, code) or catalogue.get(code, "")
                row += [
                    GridCell(CODE, code, row_key=key, level=level, bold=level == 0),
                    GridCell(NAME, name, row_key=key, level=level, bold=level == 0),
                    GridCell(AMOUNT, address=f"{table.id}:{code}:1", level=level, bold=level == 0),
                ]
            else:
                row += [EMPTY] * 3
        grid.body.append(row)
    totals: list[GridCell] = []
    for panel in table.panels:
        if panel.total:
            totals += [
                GridCell(TEXT, panel.total, bold=True),
                EMPTY,
                GridCell(AMOUNT, address=f"{table.id}:{panel.total}:1", bold=True),
            ]
        else:
            totals += [EMPTY] * 3
    grid.body.append(totals)
    return grid
