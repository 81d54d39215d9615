"""Read a report from an Excel workbook in the printed layout of 公开01–09表.

`read_workbook(path)` accepts this program's own exports (`core.xlsx_export`) and workbooks typed
by hand or exported by other software, the way units send them:

* each table is found by its 表号 (公开01表, 公开 01 表, 表1, “……决算总表（表1）”) or its title
  (2023年度收入支出决算总表) wherever it sits — one table per sheet, several tables in one sheet, or
  a sheet named after the table;
* the 栏次 row locates the amount columns; rows are matched by 行次 (公开01/04) or by 科目编码
  (in one column, or split over 类/款/项 columns, with or without the 类/款 repeated);
* amounts may be numbers or text with thousands separators; blank, “-”, “—”, “／” mean no amount;
  merged cells, hidden rows (read like the others) and notes under a table are handled;
* the unit comes from the 部门：/单位： line, the year from the titles (“2023年度”).

All or nothing: anything that cannot be read raises `WorkbookError` (Chinese message naming the
sheet and cell); no partial report is ever returned. `ImportResult` says what was read from where,
and what was skipped and why.
"""

from core.xlsx_import.result import ImportResult, SelfEvalSource, TableSource, WorkbookError
from core.xlsx_import.workbook import read_workbook

__all__ = ["ImportResult", "SelfEvalSource", "TableSource", "WorkbookError", "read_workbook"]
