"""Checked Excel workbooks in the printed layout (.xlsx).

`export_workbook` writes one report as a finance officer prints it: a first sheet 审核结果 (counts and
every finding, each linked to its cells), one sheet per table 公开01–09 laid out as printed
(`core.layout`), the cells of violated identities filled and commented, then one sheet per 绩效自评表.
Amounts are numbers in the report's unit (万元 or 元) with two decimals shown; `core.xlsx_import`
reads every figure back to the same 分.
"""

from core.layout.sheets import SUMMARY_SHEET
from core.xlsx_export.styles import SEVERITY_FILLS, amount_number
from core.xlsx_export.text import MAX_CELL_TEXT, excel_text, export_notes, text_problem
from core.xlsx_export.workbook import export_workbook

__all__ = [
    "MAX_CELL_TEXT",
    "SEVERITY_FILLS",
    "SUMMARY_SHEET",
    "amount_number",
    "excel_text",
    "export_notes",
    "export_workbook",
    "text_problem",
]
