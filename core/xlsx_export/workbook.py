"""export_workbook: the whole checked workbook, written atomically."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from core.atomic import write_atomically
from core.findings import Finding
from core.layout.sheets import SUMMARY_SHEET, selfeval_sheet_name, selfeval_table_id
from core.money import amount_text
from core.report import Report
from core.templates import TemplateSet
from core.xlsx_export.context import ExportContext
from core.xlsx_export.findings import mark_findings, write_summary_sheet
from core.xlsx_export.selfeval import write_selfeval_sheet
from core.xlsx_export.styles import sheet_title
from core.xlsx_export.tables import write_table_sheet
from core.xlsx_export.text import export_notes


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
    ctx = ExportContext(report, templates, findings, explanations or {}, program_version, list(changes))
    workbook = build_workbook(ctx)
    return write_atomically(path, workbook.save)


def build_workbook(ctx: ExportContext) -> Workbook:
    """审核结果 first, then 公开01–09, then one sheet per 绩效自评表."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    used = {SUMMARY_SHEET}
    for template in ctx.templates.tables.values():
        title = sheet_title(template.printed, used)
        ctx.sheet_of_table[template.id] = title
        write_table_sheet(workbook.create_sheet(title), template, ctx)
    projects = 0
    for number, table in enumerate(ctx.report.selfeval, start=1):
        projects += table.get("kind") != "整体"
        title = sheet_title(selfeval_sheet_name(table, projects), used)
        table_id = selfeval_table_id(table, number)
        where = write_selfeval_sheet(workbook.create_sheet(title), table, ctx.report.year, table_id)
        ctx.sheet_of_table.setdefault(table_id, title)
        for address, coordinate in where.items():
            ctx.locations.setdefault(address, (title, coordinate))
    check_every_amount_written(workbook, ctx)
    mark_findings(workbook, ctx)
    write_summary_sheet(summary, ctx)
    return workbook


class ExportError(ValueError):
    """A workbook that would not hold every figure of the report; the message says which, in Chinese."""


def check_every_amount_written(workbook: Workbook, ctx: ExportContext) -> None:
    """Every amount of the report's tables must be in a cell of its sheet: a layout that loses one is refused."""
    lost = []
    for address, value in ctx.report.cells.items():
        where = ctx.locations.get(address)
        if where is None or workbook[where[0]][where[1]].value is None:
            lost.append((address, value))
    if lost:
        shown = "、".join(f"{a}（{amount_text(v, ctx.unit)}）" for a, v in lost[:5])
        more = f"等 {len(lost)} 个金额" if len(lost) > 5 else ""
        raise ExportError(f"导出的工作簿没有写入{shown}{more}：表式的表头与各栏不符，未导出，请检查表式文件")
