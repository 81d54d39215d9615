"""Checked Excel workbooks in the printed layout (.xlsx).

`export_workbook` writes one report as a finance officer prints it: a first sheet 审核结果 (counts and
every finding, each linked to its cells), one sheet per table 公开01–09 laid out as printed (title,
表号, 部门/单位 line, the template's multi-level header with its merged cells, 栏次, rows, notes), the
cells of violated identities filled and commented, then one sheet per 绩效自评表. Amounts are written
as numbers in the report's unit (万元 or 元) with two decimals shown; `core.xlsx_import.read_workbook`
reads every figure back to the same 分.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from core.catalogue import load_catalogue
from core.findings import SEVERITIES, SEVERITY_NAMES, Finding
from core.money import amount_text, format_amount, in_range, range_text, shorten, unit_fen
from core.report import Report
from core.templates import Panel, TableTemplate, TemplateSet

SUMMARY_SHEET = "审核结果"
AMOUNT_FORMAT = "#,##0.00"
FONT_NAME = "宋体"

#: Fill of a cell that takes part in a violated identity, by the worst severity it is part of.
SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFE699", "rounding": "DDEBF7"}

#: Self-evaluation layout (shared with the reader).
SELFEVAL_KIND_TITLES = {"整体": "部门整体", "项目": "项目支出"}
SELFEVAL_TITLE_SUFFIX = "绩效自评表"
SELFEVAL_HEAD_FIELDS = {"表头单位名称": "单位名称：", "填报日期": "填报日期："}
SELFEVAL_BUDGET_LABEL = "预算执行情况（万元）"
SELFEVAL_BUDGET_TITLES = {
    "A": "预算数（A）",
    "B": "执行数（B）",
    "rate": "执行率（B/A）",
    "points": "分值",
    "score": "得分",
}
SELFEVAL_GOAL_LABEL = "年度目标"
SELFEVAL_GOAL_POINTS = "分值"
SELFEVAL_INDICATOR_TITLES = (
    "一级指标",
    "分值",
    "二级指标",
    "分值",
    "三级指标",
    "权重（分值）",
    "年初目标值（A）",
    "实际完成值（B）",
    "得分",
)
SELFEVAL_TOTAL_LABEL = "总分"
SELFEVAL_REASON_LABEL = "偏差大或目标未完成原因分析"
SELFEVAL_MEASURES_LABEL = "改进措施及结果应用方案"
SELFEVAL_WIDTH = 9

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name=FONT_NAME, size=10)
_BOLD = Font(name=FONT_NAME, size=10, bold=True)
_TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
_LINK_FONT = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_AMOUNT_ALIGN = Alignment(horizontal="right", vertical="center", indent=1)
_INDENTS = [Alignment(horizontal="left", vertical="center", indent=n) for n in range(4)]
_FILLS = {s: PatternFill("solid", start_color=c, end_color=c) for s, c in SEVERITY_FILLS.items()}
_HEADER_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# -- layout of a printed table, derived from its template -----------------------------------------


@dataclass
class LinesPanel:
    """One side of a lines table: label column, 行次 column, 栏次 → sheet column (all 0-based)."""

    label_col: int
    line_col: int
    amounts: dict[int, int]
    panel: Panel


@dataclass
class TableLayout:
    width: int
    header: list[tuple[int, int, int, int, str]]  # (row, col, rowspan, colspan, text), 0-based
    header_rows: int
    amounts: dict[int, int] = field(default_factory=dict)  # 栏次 → column (classification, single)
    code_col: int = 0
    name_col: int = 1
    lines_panels: list[LinesPanel] = field(default_factory=list)
    economic_panels: list[tuple[int, int, int]] = field(default_factory=list)  # (code, name, amount)


def place_header(header: Iterable[Iterable[Any]]) -> tuple[list[tuple[int, int, int, int, str]], int]:
    """Grid positions of the template's header cells, as an HTML table places them."""
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
            placed.append((r, c, rowspan, colspan, text))
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            c += colspan
            width = max(width, c)
    return placed, width


def table_layout(template: TableTemplate) -> TableLayout:
    """Where the columns of a printed table are, from the last header row (栏次) of its template."""
    placed, width = place_header(template.header)
    rows = len(template.header)
    layout = TableLayout(width=width, header=placed, header_rows=rows)
    last = {c: text for r, c, _, _, text in placed if r == rows - 1}
    numbers = {int(t): c for c, t in last.items() if t.strip().isdigit()}
    if template.kind == "lines":
        starts = sorted(c for c, t in last.items() if "".join(t.split()) == "栏次")
        if len(starts) != len(template.panels):
            raise ValueError(f"{template.printed}：表头栏次行与版块数不符")
        for i, (start, panel) in enumerate(zip(starts, template.panels, strict=True)):
            end = starts[i + 1] if i + 1 < len(starts) else width
            amounts = {n: c for n, c in numbers.items() if start <= c < end}
            layout.lines_panels.append(LinesPanel(start, start + 1, amounts, panel))
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


def column_widths(template: TableTemplate, layout: TableLayout) -> dict[int, float]:
    """Column widths (in characters) of a printed table, 0-based columns."""
    widths: dict[int, float] = {}
    if template.kind == "lines":
        for side in layout.lines_panels:
            widths[side.label_col] = 34
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
    return widths


def _display_width(text: str) -> int:
    """Width of text in character cells: CJK characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# -- amounts --------------------------------------------------------------------------------------


def amount_number(fen: int, unit: str) -> float | int:
    """The number written to a cell for `fen` in `unit` (exact decimal, then the nearest float)."""
    value = Decimal(fen) / Decimal(unit_fen(unit))
    return int(value) if value == value.to_integral_value() else float(value)


def _excel_value(value: Decimal) -> float | int | str:
    """A number Excel keeps exactly (at most 15 significant digits) as a number; any other as its text."""
    if value.is_finite() and len(value.normalize().as_tuple().digits) <= EXCEL_DIGITS:
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


# -- text Excel can hold ------------------------------------------------------------------------

#: Excel's limit on the characters of one cell (UTF-16 code units).
MAX_CELL_TEXT = 32_767
#: Significant digits Excel keeps of a number.
EXCEL_DIGITS = 15
#: What XML 1.0 (and so an .xlsx) cannot hold: control characters but tab, line feed and carriage
#: return, lone surrogates, U+FFFE and U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
_CUT_MARK = "……（超出 Excel 单元格 32,767 字的上限，以下已截去）"


def excel_text(text: str) -> str:
    """Text as a cell can hold it: characters XML cannot carry become “�”, beyond 32,767 characters it is cut."""
    text = _UNWRITABLE.sub(REPLACEMENT, text)
    if len(text) <= MAX_CELL_TEXT // 2 or _utf16_length(text) <= MAX_CELL_TEXT:
        return text
    keep = MAX_CELL_TEXT - len(_CUT_MARK)
    cut = text[:keep]
    while _utf16_length(cut) > keep:  # characters beyond U+FFFF count twice in Excel
        cut = cut[: keep - (_utf16_length(cut) - keep)]
    return cut + _CUT_MARK


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def text_problem(text: str) -> str | None:
    """What excel_text would change in `text`, in Chinese; None when it fits a cell as it is."""
    problems = []
    found = sorted(set(_UNWRITABLE.findall(text)))
    if found:
        shown = "、".join(f"U+{ord(ch):04X}" for ch in found[:5])
        problems.append(f"含 Excel 不能保存的字符（{shown}），已替换为“{REPLACEMENT}”")
    length = _utf16_length(text)
    if length > MAX_CELL_TEXT:
        problems.append(f"有 {length:,} 个字符，超过 Excel 单元格 {MAX_CELL_TEXT:,} 字的上限，工作簿中只保留前面部分")
    return "，".join(problems) or None


def export_notes(report: Report, explanations: dict[str, str], findings: Iterable[Finding] = ()) -> list[str]:
    """Every change the workbook must make to what the report says, named by field (Chinese)."""
    notes = []
    rules = {f.key: f"{f.rule}（{'，'.join(f.cells[:3])}）" for f in findings if f.key}

    def check(text: Any, what: str) -> None:
        if isinstance(text, str):
            problem = text_problem(text)
            if problem:
                notes.append(f"{what}{problem}")

    check(report.unit_name, "单位名称")
    for key, label in report.labels.items():
        check(label, f"行名称 {key} ")
    for key, text in explanations.items():
        check(text, f"审核发现 {rules.get(key, key)} 的情况说明")
    for number, table in enumerate(report.selfeval, start=1):
        name = shorten(excel_text(selfeval_table_id(table, number)))  # the note itself must be printable
        stack: list[tuple[Any, str]] = [(table, "")]
        while stack:
            value, path = stack.pop()
            if isinstance(value, dict):
                stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in reversed(value.items()))
                for k in value:
                    check(k, f"{name} 的项目名“{shorten(excel_text(str(k)), 20)}” ")
            elif isinstance(value, list):
                stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(value))))
            else:
                check(value, f"{name} 的 {shorten(excel_text(path), 60)} ")
    for address, fen in report.cells.items():
        if not in_range(fen):
            notes.append(
                f"{address} 的金额 {amount_text(fen, report.amount_unit)} {report.amount_unit}超出金额范围"
                f"（绝对值不能超过 {range_text(report.amount_unit)}），Excel 不能精确保存，已写成文字"
            )
    return notes


# -- the workbook ---------------------------------------------------------------------------------


def export_workbook(
    report: Report,
    templates: TemplateSet,
    findings: list[Finding],
    path: str | Path,
    explanations: dict[str, str] | None = None,
    program_version: str = "",
    notes: list[str] | None = None,
) -> Path:
    """Write the checked workbook to `path` (atomically); returns the path written.

    `explanations` maps a finding's key (`Finding.key`, as the database stores 说明) to the
    explanation typed for a warning; `program_version` is printed on the 审核结果 sheet.
    What Excel cannot hold as the report says it (control characters, text over 32,767 characters,
    amounts beyond the range) is made safe, listed under 导出说明 on the 审核结果 sheet and, when
    `notes` is given, appended to it for the caller to show.
    """
    path = Path(path)
    changes = export_notes(report, explanations or {}, findings)
    if notes is not None:
        notes.extend(changes)
    writer = _Writer(report, templates, findings, explanations or {}, program_version, changes)
    workbook = writer.build()
    temporary = path.with_name(path.name + ".tmp")
    try:
        workbook.save(temporary)
        temporary.replace(path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path


class _Writer:
    def __init__(self, report, templates, findings, explanations, version, notes=()):
        self.notes: list[str] = list(notes)
        self.report: Report = report
        self.templates: TemplateSet = templates
        self.findings: list[Finding] = findings
        self.explanations: dict[str, str] = explanations
        self.version: str = version
        self.unit = report.amount_unit
        #: address (table:row:col or table:row) → (sheet title, coordinate)
        self.locations: dict[str, tuple[str, str]] = {}
        self.sheet_of_table: dict[str, str] = {}
        self.rows_by_table: dict[str, set[str]] = defaultdict(set)
        for key in list(report.cells) + list(report.labels):
            table, row = key.split(":")[:2]
            self.rows_by_table[table].add(row)

    def build(self) -> Workbook:
        workbook = Workbook()
        summary = workbook.active
        summary.title = SUMMARY_SHEET
        used = {SUMMARY_SHEET}
        for template in self.templates.tables.values():
            title = _sheet_title(template.printed, used)
            sheet = workbook.create_sheet(title)
            self.sheet_of_table[template.id] = title
            self._table_sheet(sheet, template)
        projects = 0
        for number, table in enumerate(self.report.selfeval, start=1):
            projects += table.get("kind") != "整体"
            title = _sheet_title(_selfeval_sheet_name(table, projects), used)
            table_id = selfeval_table_id(table, number)
            where = _selfeval_sheet(workbook.create_sheet(title), table, self.report.year, table_id)
            self.sheet_of_table.setdefault(table_id, title)
            for address, coordinate in where.items():
                self.locations.setdefault(address, (title, coordinate))
        self._mark_findings(workbook)
        self._summary_sheet(summary)
        return workbook

    # -- table sheets -----------------------------------------------------------------------------

    def _table_sheet(self, ws: Worksheet, template: TableTemplate) -> None:
        layout = table_layout(template)
        width = layout.width
        _merged(ws, 1, 1, 1, width, f"{self.report.year}年度{template.title}", _TITLE_FONT, _CENTER)
        ws.row_dimensions[1].height = 30
        _merged(ws, 2, 1, 2, width, template.printed, _FONT, _RIGHT)
        split = max(1, width - max(2, width // 3))
        _merged(ws, 3, 1, 3, split, f"部门：{self.report.unit_name}", _FONT, _LEFT)
        _merged(ws, 3, split + 1, 3, width, f"单位：{self.unit}", _FONT, _RIGHT)
        top = 4
        widths = column_widths(template, layout)
        for col, w in widths.items():
            _width(ws, 1 + col, w)
        heights = [18.0] * layout.header_rows
        for r, c, rowspan, colspan, text in layout.header:
            span = sum(widths.get(c + i, 10) for i in range(colspan))
            lines = -(-_display_width(text.strip()) // max(1, int(span) - 1))
            needed = 4 + 13 * max(1, lines)
            for i in range(rowspan):
                heights[r + i] = max(heights[r + i], needed / rowspan)
        for r, c, rowspan, colspan, text in layout.header:
            row, col = top + r, 1 + c
            cell = ws.cell(row, col)
            value: Any = text.strip()
            if value.isdigit():
                value = int(value)
            if value != "":
                cell.value = value
            for rr in range(row, row + rowspan):
                for cc in range(col, col + colspan):
                    inner = ws.cell(rr, cc)
                    _style(inner, _BOLD, _BORDER, _CENTER, _HEADER_FILL)
            if rowspan > 1 or colspan > 1:
                _merge(ws, row, col, row + rowspan - 1, col + colspan - 1)
        for r in range(layout.header_rows):
            ws.row_dimensions[top + r].height = heights[r]
        first = top + layout.header_rows
        if template.kind == "lines":
            last = self._lines_body(ws, template, layout, first)
        elif template.kind == "single":
            last = self._single_body(ws, template, layout, first)
        elif template.panels:
            last = self._economic_body(ws, template, layout, first)
        else:
            last = self._classification_body(ws, template, layout, first)
        row = last + 1
        for note in template.notes:
            _merged(ws, row, 1, row, width, note, _FONT, _LEFT)
            ws.row_dimensions[row].height = 15 * max(1, -(-len(note) // (width * 9)))
            row += 1
        # Tables of fixed size print on one page, as published; classification tables run on.
        one_page = template.kind != "classification" or bool(template.panels)
        _page_setup(ws, top, first - 1, pages_high=1 if one_page else 0)
        ws.freeze_panes = ws.cell(first, 1)

    def _amount_cell(self, ws: Worksheet, row: int, col: int, address: str) -> None:
        cell = ws.cell(row, col)
        value = self.report.cells.get(address)
        if value is not None:  # beyond the range as exact text (noted), never a number Excel would change
            cell.value = amount_number(value, self.unit) if in_range(value) else amount_text(value, self.unit)
        _style(cell, _FONT, _BORDER, _AMOUNT_ALIGN, None, AMOUNT_FORMAT)
        self.locations[address] = (ws.title, cell.coordinate)

    def _text_cell(self, ws: Worksheet, row: int, col: int, text: str | None, font=_FONT, alignment=_LEFT) -> None:
        cell = ws.cell(row, col)
        if text:
            cell.value = excel_text(text)
            cell.data_type = "s"
        _style(cell, font, _BORDER, alignment)

    def _lines_body(self, ws: Worksheet, template: TableTemplate, layout: TableLayout, first: int) -> int:
        height = max(len(p.panel.lines) for p in layout.lines_panels)
        for side in layout.lines_panels:
            for i in range(height):
                row = first + i
                line = side.panel.lines[i] if i < len(side.panel.lines) else None
                label = None
                if line is not None:
                    label = self.report.labels.get(f"{template.id}:{line.number}", line.label)
                self._text_cell(ws, row, 1 + side.label_col, label, _BOLD if label and _is_total(label) else _FONT)
                number = ws.cell(row, 1 + side.line_col)
                if line is not None:
                    number.value = line.number
                    self.locations[f"{template.id}:{line.number}"] = (
                        ws.title,
                        ws.cell(row, 1 + side.label_col).coordinate,
                    )
                _style(number, _FONT, _BORDER, _CENTER)
                for col, sheet_col in side.amounts.items():
                    if line is not None and col in line.columns:
                        self._amount_cell(ws, row, 1 + sheet_col, f"{template.id}:{line.number}:{col}")
                    else:
                        self._text_cell(ws, row, 1 + sheet_col, None)
        return first + height - 1

    def _classification_body(self, ws: Worksheet, template: TableTemplate, layout: TableLayout, first: int) -> int:
        catalogue = load_catalogue(template.catalogue) if template.catalogue else {}
        present = self.rows_by_table.get(template.id, set())
        codes = sorted(r for r in present if template.level(r) is not None)
        rows = [r for r in template.special_rows] + codes
        extra = sorted(r for r in present if r not in rows)  # defensive: rows no layout expects
        rows += extra
        for i, code in enumerate(rows):
            row = first + i
            level = template.level(code)
            is_code = level is not None
            name = self.report.labels.get(f"{template.id}:{code}") or (catalogue.get(code, "") if is_code else "")
            font = _BOLD if not is_code or level == 0 else _FONT
            if is_code:
                self._text_cell(ws, row, 1 + layout.code_col, code, font, _INDENTS[min(level, 3)])
                self._text_cell(ws, row, 1 + layout.name_col, name, font, _INDENTS[min(level, 3)])
            else:
                self._text_cell(ws, row, 1 + layout.code_col, code, font, _CENTER)
                self._text_cell(ws, row, 1 + layout.name_col, None, font)
                _merge(ws, row, 1 + layout.code_col, row, 1 + layout.name_col)
            self.locations[f"{template.id}:{code}"] = (
                ws.title,
                ws.cell(row, 1 + layout.name_col if is_code else 1 + layout.code_col).coordinate,
            )
            for col, sheet_col in layout.amounts.items():
                self._amount_cell(ws, row, 1 + sheet_col, f"{template.id}:{code}:{col}")
        return first + len(rows) - 1

    def _economic_body(self, ws: Worksheet, template: TableTemplate, layout: TableLayout, first: int) -> int:
        catalogue = load_catalogue(template.catalogue) if template.catalogue else {}
        present = self.rows_by_table.get(template.id, set())
        columns = {p: list(panel.rows) for p, panel in enumerate(template.panels)}
        placed = {r for rows in columns.values() for r in rows}
        for code in sorted(r for r in present if template.level(r) is not None and r not in placed):
            target = next(
                (p for p, panel in enumerate(template.panels) if any(r[:3] == code[:3] for r in panel.rows)),
                len(template.panels) - 1,
            )
            columns[target].append(code)
        for rows in columns.values():
            rows.sort()
        height = max((len(rows) for rows in columns.values()), default=0)
        col = next(iter(template.columns))
        for p, (code_col, name_col, amount_col) in enumerate(layout.economic_panels):
            rows = columns[p]
            for i in range(height):
                row = first + i
                code = rows[i] if i < len(rows) else None
                if code is None:
                    for c in (code_col, name_col, amount_col):
                        self._text_cell(ws, row, 1 + c, None)
                    continue
                level = template.level(code) or 0
                name = self.report.labels.get(f"{template.id}:{code}") or catalogue.get(code, "")
                font = _BOLD if level == 0 else _FONT
                self._text_cell(ws, row, 1 + code_col, code, font, _INDENTS[level])
                self._text_cell(ws, row, 1 + name_col, name, font, _INDENTS[level])
                self.locations[f"{template.id}:{code}"] = (ws.title, ws.cell(row, 1 + name_col).coordinate)
                self._amount_cell(ws, row, 1 + amount_col, f"{template.id}:{code}:{col}")
        total_row = first + height
        panels = list(template.panels)
        for p, panel in enumerate(panels):
            if not panel.total:
                continue
            last = p
            while last + 1 < len(panels) and panels[last + 1].title == panel.title and not panels[last + 1].total:
                last += 1
            start = layout.economic_panels[p][0]
            end_label = layout.economic_panels[last][1]
            amount_col = layout.economic_panels[last][2]
            for c in range(start, end_label + 1):
                self._text_cell(ws, total_row, 1 + c, panel.total if c == start else None, _BOLD, _CENTER)
            _merge(ws, total_row, 1 + start, total_row, 1 + end_label)
            self.locations[f"{template.id}:{panel.total}"] = (ws.title, ws.cell(total_row, 1 + start).coordinate)
            self._amount_cell(ws, total_row, 1 + amount_col, f"{template.id}:{panel.total}:{col}")
        return total_row

    def _single_body(self, ws: Worksheet, template: TableTemplate, layout: TableLayout, first: int) -> int:
        for col, sheet_col in layout.amounts.items():
            self._amount_cell(ws, first, 1 + sheet_col, f"{template.id}:1:{col}")
        self.locations[f"{template.id}:1"] = (ws.title, ws.cell(first, 1).coordinate)
        ws.row_dimensions[first].height = 20
        return first

    # -- findings ---------------------------------------------------------------------------------

    def _mark_findings(self, workbook: Workbook) -> None:
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        worst: dict[str, str] = {}
        notes: dict[str, list[str]] = defaultdict(list)
        for finding in self.findings:
            text = _comment_line(finding, self.unit)
            for address in finding.cells:
                if address not in self.locations:
                    continue
                if address not in worst or rank[finding.severity] < rank[worst[address]]:
                    worst[address] = finding.severity
                if text not in notes[address]:
                    notes[address].append(text)
        for address, severity in worst.items():
            sheet, coordinate = self.locations[address]
            cell = workbook[sheet][coordinate]
            cell.fill = _FILLS[severity]
            lines = notes[address]
            body = "\n".join(lines[:6]) + (f"\n……另有 {len(lines) - 6} 条" if len(lines) > 6 else "")
            comment = Comment(excel_text(body), "审核")
            comment.width = 320
            comment.height = min(400, 40 + 38 * min(len(lines), 7))
            cell.comment = comment

    def _summary_sheet(self, ws: Worksheet) -> None:
        report, findings = self.report, self.findings
        width = 10
        _merged(ws, 1, 1, 1, width, f"{report.year}年度部门决算公开表审核结果", _TITLE_FONT, _CENTER)
        ws.row_dimensions[1].height = 30
        facts = [
            ("单位", report.unit_name),
            ("年度", f"{report.year}年度"),
            ("金额单位", report.amount_unit),
            ("审核时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
        ]
        if self.version:
            facts.append(("程序版本", self.version))
        row = 2
        for label, value in facts:
            ws.cell(row, 1, label).font = _BOLD
            _merged(ws, row, 2, row, 5, value, _FONT, _LEFT)
            row += 1
        if self.notes:  # what the workbook could not hold as the report says it
            row += 1
            ws.cell(row, 1, "导出说明").font = _BOLD
            _merged(
                ws,
                row,
                2,
                row,
                width,
                f"以下 {len(self.notes)} 处内容为适应 Excel 作了改动，完整内容见数据库或 .json 导出",
                _FONT,
                _LEFT,
            )
            row += 1
            for note in self.notes:
                _merged(ws, row, 1, row, width, note, _FONT, _LEFT)
                row += 1
        row += 1
        counts = Counter(f.severity for f in findings)
        ws.cell(row, 1, "按类别统计").font = _BOLD
        row += 1
        for c, text in enumerate(["类别", *[SEVERITY_NAMES[s] for s in SEVERITIES], "合计"], start=1):
            self._head(ws, row, c, text)
        row += 1
        self._text_cell(ws, row, 1, "条数", _FONT, _CENTER)
        for c, s in enumerate(SEVERITIES, start=2):
            self._count(ws, row, c, counts.get(s, 0), s)
        self._count(ws, row, 2 + len(SEVERITIES), len(findings), None)
        row += 2
        ws.cell(row, 1, "按表统计").font = _BOLD
        row += 1
        for c, text in enumerate(["表", *[SEVERITY_NAMES[s] for s in SEVERITIES], "合计"], start=1):
            self._head(ws, row, c, text)
        row += 1
        by_table: dict[str, Counter] = defaultdict(Counter)
        for f in findings:
            by_table[f.table][f.severity] += 1
        tables = list(self.templates.tables) + sorted(t for t in by_table if t not in self.templates.tables)
        for table in tables:
            self._text_cell(ws, row, 1, self._table_name(table), _FONT, _LEFT)
            if table in self.sheet_of_table:
                cell = ws.cell(row, 1)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{_quote(self.sheet_of_table[table])}!A1")
                cell.font = _LINK_FONT
            for c, s in enumerate(SEVERITIES, start=2):
                self._count(ws, row, c, by_table[table].get(s, 0), s)
            self._count(ws, row, 2 + len(SEVERITIES), sum(by_table[table].values()), None)
            row += 1
        row += 1
        ws.cell(row, 1, "审核发现").font = _BOLD
        ws.cell(
            row, 3, f"应为、实为、差额：金额以{self.unit}计；绩效自评的得分、分值以分计，执行率以 % 计"
        ).font = _FONT
        row += 1
        titles = ["序号", "类别", "表", "规则", "说明", "应为", "实为", "差额", "情况说明", "单元格"]
        head = row
        for c, text in enumerate(titles, start=1):
            self._head(ws, row, c, text)
        row += 1
        if not findings:
            _merged(ws, row, 1, row, width, "全部勾稽关系成立。", _FONT, _LEFT)
            row += 1
        for number, finding in enumerate(findings, start=1):
            self._text_cell(ws, row, 1, None)
            ws.cell(row, 1).value = number
            ws.cell(row, 1).alignment = _CENTER
            self._text_cell(ws, row, 2, SEVERITY_NAMES.get(finding.severity, finding.severity), _FONT, _CENTER)
            ws.cell(row, 2).fill = _FILLS.get(finding.severity, PatternFill())
            self._text_cell(ws, row, 3, self._table_name(finding.table))
            self._text_cell(ws, row, 4, finding.rule)
            self._text_cell(ws, row, 5, finding.message)
            for c, value in ((6, finding.expected), (7, finding.actual), (8, finding.diff)):
                cell = ws.cell(row, c)
                if isinstance(value, Decimal):  # a score, points or a rate of a self-evaluation
                    cell.value = _excel_value(value)
                    _style(cell, _FONT, _BORDER, _AMOUNT_ALIGN)
                    continue
                if value is not None:  # a sum of many amounts may pass 15 digits: then exact text
                    cell.value = _excel_value(Decimal(value) / Decimal(unit_fen(self.unit)))
                _style(cell, _FONT, _BORDER, _AMOUNT_ALIGN, None, AMOUNT_FORMAT)
            explanation = self.explanations.get(finding.key) if finding.key else None
            self._text_cell(ws, row, 9, explanation)
            self._text_cell(ws, row, 10, "，".join(finding.cells))
            target = next((self.locations[a] for a in finding.cells if a in self.locations), None)
            if target is None and finding.table in self.sheet_of_table:
                target = (self.sheet_of_table[finding.table], "A1")
            if target is not None:
                cell = ws.cell(row, 10)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{_quote(target[0])}!{target[1]}")
                cell.font = _LINK_FONT
            ws.row_dimensions[row].height = 15 * max(1, -(-len(finding.message) // 40))
            row += 1
        if findings:
            ws.auto_filter.ref = f"A{head}:{get_column_letter(width)}{row - 1}"
        for c, w in enumerate([14, 8, 14, 30, 60, 14, 14, 12, 30, 26], start=1):
            _width(ws, c, w)
        _page_setup(ws, head, head)

    def _head(self, ws: Worksheet, row: int, col: int, text: str) -> None:
        cell = ws.cell(row, col, text)
        _style(cell, _BOLD, _BORDER, _CENTER, _HEADER_FILL)

    def _count(self, ws: Worksheet, row: int, col: int, value: int, severity: str | None) -> None:
        cell = ws.cell(row, col, value)
        _style(cell, _FONT, _BORDER, _CENTER)
        if severity and value:
            cell.fill = _FILLS[severity]

    def _table_name(self, table: str) -> str:
        template = self.templates.tables.get(table)
        return template.printed if template else table


def _finding_value(value: int | Decimal | None, unit: str) -> str:
    """An amount (int of 分) in the report's unit, or a score, points or rate (Decimal) as is."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return f"{format_amount(value, unit)} {unit}"


def _comment_line(finding: Finding, unit: str) -> str:
    name = SEVERITY_NAMES.get(finding.severity, finding.severity)
    parts = [f"[{name}] {finding.rule}"]
    if finding.expected is not None:
        parts.append(f"应为 {_finding_value(finding.expected, unit)}")
    if finding.diff is not None:
        parts.append(f"差额 {_finding_value(finding.diff, unit)}")
    if finding.expected is None and finding.diff is None:
        parts.append(finding.message)
    return "，".join(parts)


# -- self-evaluation sheets -----------------------------------------------------------------------


def _selfeval_sheet_name(table: dict[str, Any], project_number: int) -> str:
    kind = str(table.get("kind", ""))
    if kind == "整体":
        return "整体绩效自评"
    header = table.get("header") if isinstance(table.get("header"), dict) else {}
    name = str(header.get("项目名称", "")).strip()
    return f"项目自评{project_number:02d}" + (f"-{name}" if name else "")


def selfeval_table_id(table: dict[str, Any], index: int) -> str:
    """The table part of the self-evaluation cell addresses in findings (see core.selfeval):
    整体绩效自评, or 项目绩效自评:<项目名称> (（第n张） when the name is blank; n counts all tables)."""
    if table.get("kind") == "整体":
        return "整体绩效自评"
    header = table.get("header") if isinstance(table.get("header"), dict) else {}
    name = str(header.get("项目名称", "")).strip() or f"（第{index}张）"
    return f"项目绩效自评:{name}"


def _segments(names: list[str]) -> list[str]:
    """Address segments of sibling indicator groups: the name, or #k when blank, repeated or unusable."""
    return [
        name.strip() if name.strip() and names.count(name) == 1 and "." not in name and ":" not in name else f"#{k}"
        for k, name in enumerate(names, start=1)
    ]


_BUDGET_ADDRESS = {"A": "预算数", "B": "执行数", "rate": "执行率", "score": "得分", "points": "分值"}
_INDICATOR_ADDRESS = {"name": "名称", "weight": "权重", "target": "目标值", "actual": "实际完成值", "score": "得分"}


def _selfeval_sheet(ws: Worksheet, table: dict[str, Any], year: int, table_id: str) -> dict[str, str]:
    """A 绩效自评表 as printed: header fields, 预算执行情况, goals → indicators, 总分, 原因, 措施.

    Returns the finding address (整体绩效自评:指标3:得分 …) → cell coordinate of what it shows."""
    width = SELFEVAL_WIDTH
    where: dict[str, str] = {}

    def at(row_key: str, col_key: str, row: int, col: int) -> None:
        where[f"{table_id}:{row_key}:{col_key}"] = f"{get_column_letter(col)}{row}"

    kind = str(table.get("kind", ""))
    title = f"{year}年度{SELFEVAL_KIND_TITLES.get(kind, kind)}{SELFEVAL_TITLE_SUFFIX}"
    _merged(ws, 1, 1, 1, width, title, _TITLE_FONT, _CENTER)
    ws.row_dimensions[1].height = 30
    header = table.get("header") if isinstance(table.get("header"), dict) else {}
    row = 2
    head_cells = [(key, prefix) for key, prefix in SELFEVAL_HEAD_FIELDS.items() if key in header]
    if head_cells:
        spans = [(1, 5), (6, width)]
        for (key, prefix), (start, end) in zip(head_cells, spans, strict=False):
            _merged(ws, row, start, row, end, prefix + _text(header[key]), _FONT, _LEFT if start == 1 else _RIGHT)
            at("表头", key, row, start)
        row += 1
    for key, value in header.items():
        if key in SELFEVAL_HEAD_FIELDS:
            continue
        _box(ws, row, 1, row, 2, key, _BOLD, _CENTER)
        _box(ws, row, 3, row, width, value, _FONT, _LEFT)
        at("表头", key, row, 3)
        row += 1
    budget = table.get("budget")
    if isinstance(budget, dict):
        keys = [k for k in SELFEVAL_BUDGET_TITLES if k in budget] + [
            k for k in budget if k not in SELFEVAL_BUDGET_TITLES
        ]
        keys = keys or list(SELFEVAL_BUDGET_TITLES)
        # Five slots over columns C–I (C:D, E, F:G, H, I); more items take one column each.
        slots = [(3, 4), (5, 5), (6, 7), (8, 8), (9, 9)] if len(keys) <= 5 else [(c, c) for c in range(3, width + 1)]
        _box(ws, row, 1, row + 1, 2, SELFEVAL_BUDGET_LABEL, _BOLD, _CENTER)
        for i, (first_col, last_col) in enumerate(slots):
            key = keys[i] if i < len(keys) else None
            title = SELFEVAL_BUDGET_TITLES.get(key, key) if key is not None else None
            _box(ws, row, first_col, row, last_col, title, _BOLD, _CENTER)
            _box(ws, row + 1, first_col, row + 1, last_col, budget.get(key) if key else None, _FONT, _CENTER)
            if key is not None:
                at("预算执行", _BUDGET_ADDRESS.get(key, key), row + 1, first_col)
        ws.row_dimensions[row].height = 28
        row += 2
    indicator_number = 0
    for number, goal in enumerate(table.get("goals") or [], start=1):
        _box(ws, row, 1, row, 1, f"{SELFEVAL_GOAL_LABEL}{number}", _BOLD, _CENTER)
        _box(ws, row, 2, row, width - 2, goal.get("name", ""), _FONT, _LEFT)
        _box(ws, row, width - 1, row, width - 1, SELFEVAL_GOAL_POINTS, _BOLD, _CENTER)
        _box(ws, row, width, row, width, goal.get("points"), _FONT, _CENTER)
        at(f"目标{number}", "分值", row, width)
        ws.row_dimensions[row].height = 15 * max(1, -(-_display_width(_text(goal.get("name"))) // 110))
        row += 1
        for c, text in enumerate(SELFEVAL_INDICATOR_TITLES, start=1):
            _box(ws, row, c, row, c, text, _BOLD, _CENTER)
        ws.row_dimensions[row].height = 28
        row += 1
        groups1 = goal.get("groups") or []
        for group1, segment1 in zip(groups1, _segments([_text(g.get("level1")) for g in groups1]), strict=True):
            start1 = row
            groups2 = group1.get("groups") or []
            for group2, segment2 in zip(groups2, _segments([_text(g.get("level2")) for g in groups2]), strict=True):
                start2 = row
                for indicator in group2.get("indicators") or []:
                    indicator_number += 1
                    _box(ws, row, 5, row, 5, indicator.get("name", ""), _FONT, _LEFT)
                    for c, key in ((6, "weight"), (7, "target"), (8, "actual"), (9, "score")):
                        _box(ws, row, c, row, c, indicator.get(key), _FONT, _CENTER)
                    for c, key in ((5, "name"), (6, "weight"), (7, "target"), (8, "actual"), (9, "score")):
                        at(f"指标{indicator_number}", _INDICATOR_ADDRESS[key], row, c)
                    longest = max(
                        _display_width(_text(indicator.get("name"))) / 33,
                        _display_width(_text(indicator.get("target"))) / 15,
                        _display_width(_text(indicator.get("actual"))) / 15,
                    )
                    ws.row_dimensions[row].height = 14 * max(1, math.ceil(longest))
                    row += 1
                if row == start2:  # a group without indicators still takes a row
                    for c in range(5, width + 1):
                        _box(ws, row, c, row, c, None, _FONT, _CENTER)
                    row += 1
                _box(ws, start2, 3, row - 1, 3, group2.get("level2", ""), _FONT, _CENTER)
                _box(ws, start2, 4, row - 1, 4, group2.get("points"), _FONT, _CENTER)
                at(f"目标{number}.{segment1}.{segment2}", "分值", start2, 4)
            if row == start1:
                for c in range(3, width + 1):
                    _box(ws, row, c, row, c, None, _FONT, _CENTER)
                row += 1
            _box(ws, start1, 1, row - 1, 1, group1.get("level1", ""), _FONT, _CENTER)
            _box(ws, start1, 2, row - 1, 2, group1.get("points"), _FONT, _CENTER)
            at(f"目标{number}.{segment1}", "分值", start1, 2)
    _box(ws, row, 1, row, width - 1, SELFEVAL_TOTAL_LABEL, _BOLD, _CENTER)
    _box(ws, row, width, row, width, table.get("total"), _BOLD, _CENTER)
    at("总分", "得分", row, width)
    row += 1
    for label, key in ((SELFEVAL_REASON_LABEL, "reason"), (SELFEVAL_MEASURES_LABEL, "measures")):
        _box(ws, row, 1, row, 2, label, _BOLD, _CENTER)
        _box(ws, row, 3, row, width, table.get(key), _FONT, _LEFT)
        if key == "reason":
            at("原因分析", "内容", row, 3)
        text = _text(table.get(key))
        ws.row_dimensions[row].height = min(409, 15 * max(2, text.count("\n") + 1 + _display_width(text) // 110))
        row += 1
    for key, value in table.items():  # anything else the table carries, as label | text
        if key in ("kind", "header", "budget", "goals", "total", "reason", "measures"):
            continue
        _box(ws, row, 1, row, 2, key, _BOLD, _CENTER)
        _box(ws, row, 3, row, width, value if isinstance(value, str) else _json(value), _FONT, _LEFT)
        row += 1
    for c, w in enumerate([11, 6, 13, 6, 32, 10, 16, 16, 8], start=1):
        _width(ws, c, w)
    _page_setup(ws, None, None, portrait=True)
    return where


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _box(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, value: Any, font: Font, alignment: Alignment) -> None:
    """Bordered (merged) cell holding text exactly: None stays blank, '' is written as an empty text."""
    cell = ws.cell(r1, c1)
    if value is not None:
        cell.value = excel_text(str(value))
        cell.data_type = "s"
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            inner = ws.cell(r, c)
            _style(inner, font, _BORDER, alignment)
    if r2 > r1 or c2 > c1:
        _merge(ws, r1, c1, r2, c2)


# -- small helpers --------------------------------------------------------------------------------


def _merged(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, text: str, font: Font, alignment: Alignment) -> None:
    cell = ws.cell(r1, c1)
    cell.value = excel_text(text)
    cell.data_type = "s"
    _style(cell, font, None, alignment)
    if r2 > r1 or c2 > c1:
        _merge(ws, r1, c1, r2, c2)


_STYLE_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _style(cell, font=None, border=None, alignment=None, fill=None, number_format=None) -> None:
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


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
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


def _width(ws: Worksheet, col: int, width: float) -> None:
    ws.column_dimensions[get_column_letter(col)].width = width


def _page_setup(
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


def _is_total(label: str) -> bool:
    plain = "".join(label.split())
    return plain.endswith("合计") or plain.endswith("总计")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _UNWRITABLE.sub("_", _INVALID_SHEET_CHARS.sub("_", name)).strip("'").strip() or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title in used:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
