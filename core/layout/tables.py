"""Where everything of a printed table sits: header spans, columns, body cells, totals and row names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.catalogue import load_catalogue
from core.templates import Line, Panel, TableTemplate

#: Kinds of body cell.
LABEL, LINE_NO, CODE, NAME, AMOUNT, BLANK = "label", "line", "code", "name", "amount", "blank"


@dataclass(frozen=True)
class HeaderCell:
    """One printed header cell at its grid position (0-based), with its spans."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


@dataclass(frozen=True)
class BodyCell:
    """One printed body cell: what it shows and which figure or row it stands for."""

    kind: str
    text: str = ""
    address: str | None = None  # amount cells: table:row:col
    row_key: str | None = None  # label, code and name cells: table:row
    level: int = 0  # 0 类 / 1 款 / 2 项 (indentation); -1 for totals
    bold: bool = False  # a declared total, or a 类 heading
    span: int = 1  # columns the printed cell covers (merged in print)


EMPTY = BodyCell(BLANK)


@dataclass
class LinesPanel:
    """One side of a lines table: label column, 行次 column (None: not printed), 栏次 → column (0-based)."""

    label_col: int
    line_col: int | None
    amounts: dict[int, int]
    panel: Panel


@dataclass
class Columns:
    """Which column of a printed table holds what, from the last header row (栏次) of its template."""

    width: int
    header: list[HeaderCell]
    header_rows: int
    amounts: dict[int, int] = field(default_factory=dict)  # 栏次 → column (classification, single)
    code_col: int = 0
    name_col: int = 1
    lines_panels: list[LinesPanel] = field(default_factory=list)
    economic_panels: list[tuple[int, int, int]] = field(default_factory=list)  # (code, name, amount)


@dataclass
class PrintedTable:
    """A table as printed: its columns, its header and its body rows (every row `width` cells)."""

    table: TableTemplate
    columns: Columns
    body: list[list[BodyCell]]
    widths: list[float]  # per column, in characters of the printed font

    @property
    def width(self) -> int:
        return self.columns.width


def place_header(header: Iterable[Iterable[Any]]) -> tuple[list[HeaderCell], int]:
    """Grid positions of the template's header cells, as an HTML table places them; and the width."""
    occupied: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, cells in enumerate(header):
        c = 0
        for cell in cells:
            while (r, c) in occupied:
                c += 1
            if isinstance(cell, dict):
                text, rowspan, colspan = (
                    str(cell.get("text", "")),
                    int(cell.get("rowspan", 1)),
                    int(cell.get("colspan", 1)),
                )
            else:
                text, rowspan, colspan = ("" if cell is None else str(cell)), 1, 1
            placed.append(HeaderCell(r, c, rowspan, colspan, text))
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            c += colspan
            width = max(width, c)
    return placed, width


def table_columns(template: TableTemplate) -> Columns:
    """Where the columns of a printed table are: from its 栏次 row, or (none printed) in the order of `columns`."""
    placed, width = place_header(template.header)
    rows = len(template.header)
    layout = Columns(width=width, header=placed, header_rows=rows)
    if not template.column_numbers:
        _columns_in_order(template, layout)
        return layout
    last = {h.col: h.text for h in placed if h.row == rows - 1}
    numbers = {int(t): c for c, t in last.items() if t.strip().isdigit()}
    if template.kind == "lines":
        starts = sorted(c for c, t in last.items() if "".join(t.split()) == "栏次")
        if len(starts) != len(template.panels):
            raise ValueError(f"{template.printed}：表头栏次行与版块数不符")
        for i, (start, panel) in enumerate(zip(starts, template.panels, strict=True)):
            end = starts[i + 1] if i + 1 < len(starts) else width
            amounts = {n: c for n, c in numbers.items() if start <= c < end}
            line_col = start + 1 if template.line_numbers else None
            layout.lines_panels.append(LinesPanel(start, line_col, amounts, panel))
    elif template.kind == "single":
        layout.amounts = numbers
    elif template.panels:  # 公开06: code | name | amount per panel
        layout.economic_panels = [(3 * i, 3 * i + 1, 3 * i + 2) for i in range(len(template.panels))]
        layout.width = max(width, 3 * len(template.panels))
    else:
        layout.amounts = numbers
        label = [c for c, t in last.items() if "".join(t.split()) == "栏次"]
        layout.code_col = label[0] if label else 0
        layout.name_col = layout.code_col + 1
    return layout


def _columns_in_order(template: TableTemplate, layout: Columns) -> None:
    """No 栏次 row: the columns follow each other as `columns:` lists them (its order is the printed order)."""
    order = list(template.columns)
    at = 0
    if template.kind == "lines":
        for panel in template.panels:
            label_col = at
            at += 1
            line_col = None
            if template.line_numbers:
                line_col, at = at, at + 1
            amounts = {}
            for n in (n for n in order if n in panel.columns):
                amounts[n], at = at, at + 1
            layout.lines_panels.append(LinesPanel(label_col, line_col, amounts, panel))
    elif template.kind == "single":
        layout.amounts = {n: i for i, n in enumerate(order)}
        at = len(order)
    elif template.panels:
        layout.economic_panels = [(3 * i, 3 * i + 1, 3 * i + 2) for i in range(len(template.panels))]
        at = 3 * len(template.panels)
    else:
        layout.code_col, layout.name_col = 0, 1
        layout.amounts = {n: 2 + i for i, n in enumerate(order)}
        at = 2 + len(order)
    if layout.header and at != layout.width:
        raise ValueError(f"{template.printed}：表头共 {layout.width} 列，而各栏（columns）排下来是 {at} 列")
    layout.width = at


def column_widths(template: TableTemplate, layout: Columns) -> list[float]:
    """Column widths of a printed table, in characters of 宋体 10 pt."""
    widths: dict[int, float] = {}
    if template.kind == "lines":
        for side in layout.lines_panels:
            widths[side.label_col] = 34
            if side.line_col is not None:
                widths[side.line_col] = 6
            for col in side.amounts.values():
                widths[col] = 15
    elif template.kind == "single":
        for col in layout.amounts.values():
            widths[col] = 12
    elif layout.economic_panels:
        for code_col, name_col, amount_col in layout.economic_panels:
            widths[code_col], widths[name_col], widths[amount_col] = 12, 26, 13
    else:
        widths[layout.code_col], widths[layout.name_col] = 12, 36
        for col in layout.amounts.values():
            widths[col] = 15 if len(layout.amounts) < 7 else 13
    return [widths.get(c, 10) for c in range(layout.width)]


# -- rows: names and totals -----------------------------------------------------------------------


def row_name(table: TableTemplate, row: str, labels: Mapping[str, str], variant: str | None = None) -> str:
    """The name a row is shown with: as typed, else as printed (in `variant`) or catalogued, else the row itself."""
    typed = labels.get(f"{table.id}:{row}")
    if isinstance(typed, str) and typed.strip():
        return typed.strip()
    if table.kind == "lines":
        line = table.lines.get(row)
        chosen = table.variant(variant)
        return (line.label_in(chosen.name if chosen else None) or "") if line is not None else row
    if table.catalogue and row not in table.special_rows:
        name = load_catalogue(table.catalogue, table.year, table.region).get(row)
        if name:
            return name
    return row


def is_total(table: TableTemplate, row: str) -> bool:
    """Whether the template declares `row` a total (a lines table's `total: true`, 合计, a panel total)."""
    if table.kind == "lines":
        line = table.lines.get(row)
        return bool(line and line.total)
    return row in table.special_rows


def classification_rows(table: TableTemplate, rows_in_use: Iterable[str]) -> list[str]:
    """The rows of a classification table in printed order: totals, codes, anything else present (合计 last
    where the template says `total_position: last`)."""
    present = set(rows_in_use)
    last = table.total_position == "last" and table.total_row
    totals = [r for r in table.special_rows if not (last and r == table.total_row)]
    rows = totals + sorted(r for r in present if table.level(r) is not None)
    rows += sorted(r for r in present if r not in rows and not (last and r == table.total_row))
    return rows + [table.total_row] if last else rows


def economic_panel_rows(table: TableTemplate, rows_in_use: Iterable[str]) -> list[list[str]]:
    """The codes of each 公开06 panel: those printed, and each code not printed in the panel of its class."""
    panels = [list(p.rows) for p in table.panels]
    printed = {r for rows in panels for r in rows}
    for code in sorted(r for r in set(rows_in_use) if table.level(r) is not None and r not in printed):
        target = next((i for i, rows in enumerate(panels) if any(r[:3] == code[:3] for r in rows)), len(panels) - 1)
        panels[target].append(code)
    for rows in panels:
        rows.sort()
    return panels


# -- the body -------------------------------------------------------------------------------------


def printed_table(
    template: TableTemplate, rows_in_use: Iterable[str], labels: Mapping[str, str], variant: str | None = None
) -> PrintedTable:
    """Lay `template` out as printed in `variant` (None: its default); `rows_in_use` are the rows the report
    has figures or names for (a line the variant omits is shown all the same when it holds a figure)."""
    layout = table_columns(template)
    if template.kind == "lines":
        body = _lines_body(template, layout, labels, variant, set(rows_in_use))
    elif template.kind == "single":
        body = _single_body(template, layout)
    elif template.panels:
        body = _economic_body(template, layout, rows_in_use, labels)
    else:
        body = _classification_body(template, layout, rows_in_use, labels)
    return PrintedTable(template, layout, body, column_widths(template, layout))


def _blank_row(width: int) -> list[BodyCell]:
    return [EMPTY] * width


def _lines_body(
    template: TableTemplate, layout: Columns, labels: Mapping[str, str], variant: str | None, in_use: set[str]
) -> list[list[BodyCell]]:
    omitted = template.omitted(variant)
    sides = [
        [ln for ln in side.panel.lines if ln.number not in omitted or str(ln.number) in in_use]
        for side in layout.lines_panels
    ]
    columns = aligned_panels(sides)
    body = [_blank_row(layout.width) for _ in range(len(columns[0]) if columns else 0)]
    for side, lines in zip(layout.lines_panels, columns, strict=True):
        for i, line in enumerate(lines):
            if line is None:
                continue
            row = str(line.number)
            key = f"{template.id}:{row}"
            bold = line.total
            name = row_name(template, row, labels, variant)
            body[i][side.label_col] = BodyCell(LABEL, name, row_key=key if line.label else None, bold=bold)
            if side.line_col is not None:
                body[i][side.line_col] = BodyCell(LINE_NO, row)
            for col, at in side.amounts.items():
                if col in line.columns:
                    body[i][at] = BodyCell(AMOUNT, address=f"{key}:{col}", bold=bold)
    return body


def aligned_panels(sides: list[list[Line]]) -> list[list[Line | None]]:
    """Side-by-side panels as printed, totals beside totals: each panel is cut after its `total: true` lines,
    and each piece is made as long as the longest of its rank by blank lines before its total."""
    pieces = [_pieces(lines) for lines in sides]
    ranks = max((len(p) for p in pieces), default=0)
    out: list[list[Line | None]] = [[] for _ in sides]
    for k in range(ranks):
        height = max((len(p[k]) for p in pieces if k < len(p)), default=0)
        for side, p in zip(out, pieces, strict=True):
            piece: list[Line | None] = list(p[k]) if k < len(p) else []
            pad = [None] * (height - len(piece))
            if piece and piece[-1] is not None and piece[-1].total:
                piece[-1:-1] = pad
            else:
                piece += pad
            side.extend(piece)
    return out


def _pieces(lines: list[Line]) -> list[list[Line]]:
    pieces: list[list[Line]] = [[]]
    for line in lines:
        pieces[-1].append(line)
        if line.total:
            pieces.append([])
    return [p for p in pieces if p] or [[]]


def _single_body(template: TableTemplate, layout: Columns) -> list[list[BodyCell]]:
    row = _blank_row(layout.width)
    for col, at in layout.amounts.items():
        row[at] = BodyCell(AMOUNT, address=f"{template.id}:1:{col}")
    return [row]


def _code_cells(template: TableTemplate, code: str, labels: Mapping[str, str]) -> tuple[BodyCell, BodyCell]:
    level = template.level(code) or 0
    key = f"{template.id}:{code}"
    name = row_name(template, code, labels)
    return (
        BodyCell(CODE, code, row_key=key, level=level, bold=level == 0),
        BodyCell(NAME, name, row_key=key, level=level, bold=level == 0),
    )


def _classification_body(
    template: TableTemplate, layout: Columns, rows_in_use: Iterable[str], labels: Mapping[str, str]
) -> list[list[BodyCell]]:
    body = []
    for code in classification_rows(template, rows_in_use):
        row = _blank_row(layout.width)
        if template.level(code) is not None:
            row[layout.code_col], row[layout.name_col] = _code_cells(template, code, labels)
            level, bold = template.level(code) or 0, template.level(code) == 0
        else:  # 合计 (or a row no layout expects), printed across the code and name columns
            span = layout.name_col - layout.code_col + 1
            row[layout.code_col] = BodyCell(
                LABEL, code, row_key=f"{template.id}:{code}", level=-1, bold=True, span=span
            )
            level, bold = -1, True
        for col, at in layout.amounts.items():
            row[at] = BodyCell(AMOUNT, address=f"{template.id}:{code}:{col}", level=level, bold=bold)
        body.append(row)
    return body


def _economic_body(
    template: TableTemplate, layout: Columns, rows_in_use: Iterable[str], labels: Mapping[str, str]
) -> list[list[BodyCell]]:
    """公开06: code | name | amount panels side by side, the totals on the last row."""
    panels = economic_panel_rows(template, rows_in_use)
    column = next(iter(template.columns))
    height = max((len(rows) for rows in panels), default=0)
    body = [_blank_row(layout.width) for _ in range(height + 1)]
    for (code_col, name_col, amount_col), rows in zip(layout.economic_panels, panels, strict=True):
        for i, code in enumerate(rows):
            body[i][code_col], body[i][name_col] = _code_cells(template, code, labels)
            level = template.level(code) or 0
            body[i][amount_col] = BodyCell(
                AMOUNT, address=f"{template.id}:{code}:{column}", level=level, bold=level == 0
            )
    # A total covers its panel and the panels of the same title after it (公用经费 spans two).
    printed = list(template.panels)
    for p, panel in enumerate(printed):
        if not panel.total:
            continue
        last = p
        while last + 1 < len(printed) and printed[last + 1].title == panel.title and not printed[last + 1].total:
            last += 1
        start, end = layout.economic_panels[p][0], layout.economic_panels[last][1]
        key = f"{template.id}:{panel.total}"
        body[height][start] = BodyCell(LABEL, panel.total, row_key=key, level=-1, bold=True, span=end - start + 1)
        body[height][layout.economic_panels[last][2]] = BodyCell(AMOUNT, address=f"{key}:{column}", level=-1, bold=True)
    return body
