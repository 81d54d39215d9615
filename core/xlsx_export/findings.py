"""The 审核结果 sheet, and the fills and comments on the cells of every finding."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from core.findings import SEVERITIES, SEVERITY_NAMES, Finding
from core.money import format_amount, unit_fen
from core.xlsx_export.context import ExportContext
from core.xlsx_export.styles import (
    AMOUNT_ALIGN,
    AMOUNT_FORMAT,
    BOLD,
    BORDER,
    CENTER,
    FILLS,
    FONT,
    HEADER_FILL,
    LEFT,
    LINK_FONT,
    TITLE_FONT,
    excel_value,
    merged,
    page_setup,
    quote,
    set_width,
    style,
)
from core.xlsx_export.tables import text_cell
from core.xlsx_export.text import excel_text


def mark_findings(workbook: Workbook, ctx: ExportContext) -> None:
    """Fill and comment every cell that takes part in a finding, by its worst severity."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    worst: dict[str, str] = {}
    notes: dict[str, list[str]] = defaultdict(list)
    for finding in ctx.findings:
        text = comment_line(finding, ctx.unit)
        for address in finding.cells:
            if address not in ctx.locations:
                continue
            if address not in worst or rank[finding.severity] < rank[worst[address]]:
                worst[address] = finding.severity
            if text not in notes[address]:
                notes[address].append(text)
    for address, severity in worst.items():
        sheet, coordinate = ctx.locations[address]
        cell = workbook[sheet][coordinate]
        cell.fill = FILLS[severity]
        lines = notes[address]
        body = "\n".join(lines[:6]) + (f"\n……另有 {len(lines) - 6} 条" if len(lines) > 6 else "")
        comment = Comment(excel_text(body), "审核")
        comment.width = 320
        comment.height = min(400, 40 + 38 * min(len(lines), 7))
        cell.comment = comment


def write_summary_sheet(ws: Worksheet, ctx: ExportContext) -> None:
    """The 审核结果 sheet: the facts, counts by severity and by table, and every finding linked to its cells."""
    report, findings = ctx.report, ctx.findings
    width = 10
    merged(ws, 1, 1, 1, width, f"{report.year}年度部门决算公开表审核结果", TITLE_FONT, CENTER)
    ws.row_dimensions[1].height = 30
    facts = [
        ("单位", report.unit_name),
        ("年度", f"{report.year}年度"),
        ("金额单位", report.amount_unit),
        ("审核时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
    ]
    if ctx.version:
        facts.append(("程序版本", ctx.version))
    row = 2
    for label, value in facts:
        ws.cell(row, 1, label).font = BOLD
        merged(ws, row, 2, row, 5, value, FONT, LEFT)
        row += 1
    if ctx.notes:  # what the workbook could not hold as the report says it
        row += 1
        ws.cell(row, 1, "导出说明").font = BOLD
        merged(
            ws,
            row,
            2,
            row,
            width,
            f"以下 {len(ctx.notes)} 处内容为适应 Excel 作了改动，完整内容见数据库或 .json 导出",
            FONT,
            LEFT,
        )
        row += 1
        for note in ctx.notes:
            merged(ws, row, 1, row, width, note, FONT, LEFT)
            row += 1
    row += 1
    counts = Counter(f.severity for f in findings)
    ws.cell(row, 1, "按类别统计").font = BOLD
    row += 1
    for c, text in enumerate(["类别", *[SEVERITY_NAMES[s] for s in SEVERITIES], "合计"], start=1):
        _head(ws, row, c, text)
    row += 1
    text_cell(ws, row, 1, "条数", FONT, CENTER)
    for c, s in enumerate(SEVERITIES, start=2):
        _count(ws, row, c, counts.get(s, 0), s)
    _count(ws, row, 2 + len(SEVERITIES), len(findings), None)
    row += 2
    ws.cell(row, 1, "按表统计").font = BOLD
    row += 1
    for c, text in enumerate(["表", *[SEVERITY_NAMES[s] for s in SEVERITIES], "合计"], start=1):
        _head(ws, row, c, text)
    row += 1
    by_table: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        by_table[f.table][f.severity] += 1
    tables = list(ctx.templates.tables) + sorted(t for t in by_table if t not in ctx.templates.tables)
    for table in tables:
        text_cell(ws, row, 1, _table_name(ctx, table), FONT, LEFT)
        if table in ctx.sheet_of_table:
            cell = ws.cell(row, 1)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote(ctx.sheet_of_table[table])}!A1")
            cell.font = LINK_FONT
        for c, s in enumerate(SEVERITIES, start=2):
            _count(ws, row, c, by_table[table].get(s, 0), s)
        _count(ws, row, 2 + len(SEVERITIES), sum(by_table[table].values()), None)
        row += 1
    row += 1
    ws.cell(row, 1, "审核发现").font = BOLD
    ws.cell(row, 3, f"应为、实为、差额：金额以{ctx.unit}计；绩效自评的得分、分值以分计，执行率以 % 计").font = FONT
    row += 1
    titles = ["序号", "类别", "表", "规则", "说明", "应为", "实为", "差额", "情况说明", "单元格"]
    head = row
    for c, text in enumerate(titles, start=1):
        _head(ws, row, c, text)
    row += 1
    if not findings:
        merged(ws, row, 1, row, width, "全部勾稽关系成立。", FONT, LEFT)
        row += 1
    for number, finding in enumerate(findings, start=1):
        text_cell(ws, row, 1, None)
        ws.cell(row, 1).value = number
        ws.cell(row, 1).alignment = CENTER
        text_cell(ws, row, 2, SEVERITY_NAMES.get(finding.severity, finding.severity), FONT, CENTER)
        ws.cell(row, 2).fill = FILLS.get(finding.severity, PatternFill())
        text_cell(ws, row, 3, _table_name(ctx, finding.table))
        text_cell(ws, row, 4, finding.rule)
        text_cell(ws, row, 5, finding.message)
        for c, value in ((6, finding.expected), (7, finding.actual), (8, finding.diff)):
            cell = ws.cell(row, c)
            if isinstance(value, Decimal):  # a score, points or a rate of a self-evaluation
                cell.value = excel_value(value)
                style(cell, FONT, BORDER, AMOUNT_ALIGN)
                continue
            if value is not None:  # a sum of many amounts may pass 15 digits: then exact text
                cell.value = excel_value(Decimal(value) / Decimal(unit_fen(ctx.unit)))
            style(cell, FONT, BORDER, AMOUNT_ALIGN, None, AMOUNT_FORMAT)
        explanation = ctx.explanations.get(finding.key) if finding.key else None
        text_cell(ws, row, 9, explanation)
        text_cell(ws, row, 10, "，".join(finding.cells))
        target = next((ctx.locations[a] for a in finding.cells if a in ctx.locations), None)
        if target is None and finding.table in ctx.sheet_of_table:
            target = (ctx.sheet_of_table[finding.table], "A1")
        if target is not None:
            cell = ws.cell(row, 10)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote(target[0])}!{target[1]}")
            cell.font = LINK_FONT
        ws.row_dimensions[row].height = 15 * max(1, -(-len(finding.message) // 40))
        row += 1
    if findings:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(width)}{row - 1}"
    for c, w in enumerate([14, 8, 14, 30, 60, 14, 14, 12, 30, 26], start=1):
        set_width(ws, c, w)
    page_setup(ws, head, head)


def _head(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row, col, text)
    style(cell, BOLD, BORDER, CENTER, HEADER_FILL)


def _count(ws: Worksheet, row: int, col: int, value: int, severity: str | None) -> None:
    cell = ws.cell(row, col, value)
    style(cell, FONT, BORDER, CENTER)
    if severity and value:
        cell.fill = FILLS[severity]


def _table_name(ctx: ExportContext, table: str) -> str:
    template = ctx.templates.tables.get(table)
    return template.printed if template else table


def finding_value(value: int | Decimal | None, unit: str) -> str:
    """An amount (int of 分) in the report's unit, or a score, points or rate (Decimal) as is."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return f"{format_amount(value, unit)} {unit}"


def comment_line(finding: Finding, unit: str) -> str:
    name = SEVERITY_NAMES.get(finding.severity, finding.severity)
    parts = [f"[{name}] {finding.rule}"]
    if finding.expected is not None:
        parts.append(f"应为 {finding_value(finding.expected, unit)}")
    if finding.diff is not None:
        parts.append(f"差额 {finding_value(finding.diff, unit)}")
    if finding.expected is None and finding.diff is None:
        parts.append(finding.message)
    return "，".join(parts)
