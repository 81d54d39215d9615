"""Reading an Excel 97–2003 (.xls) or WPS (.et) workbook — BIFF in an OLE2 file — with xlrd into SheetCells.

xlrd is the reference reader of BIFF: with `formatting_info=True` it gives the merged ranges and
the hidden rows, columns and sheets that the readers need, in pure Python (nothing to compile for
Windows). Cells are read as the file saved them: numbers as floats, formulas as their saved result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlrd
from openpyxl.utils import get_column_letter

from core.xlsx_import.limits import MAX_AREA, MAX_CELLS
from core.xlsx_import.result import WorkbookError, fail
from core.xlsx_import.sheet import HUGE_MERGE, SheetCells
from core.xlsx_import.text import cell_text, sheet_ref
from core.xlsx_import.xlsx_file import covered_value_problem

_NOT_A_WORKBOOK = ("can't find workbook", "not a workbook", "expected biff", "unsupported format", "bof")


def read_xls(data: bytes, path: Path) -> list[SheetCells]:
    """The sheets of an OLE2 workbook's bytes (.xls, .et); WorkbookError when it is not one or is damaged."""
    name = path.name
    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, ragged_rows=True, on_demand=True, logfile=_Silent()
        )
    except xlrd.XLRDError as exc:
        text = str(exc).lower()
        if "encrypted" in text:
            raise WorkbookError(
                f"“{name}”设置了打开密码（文件已加密），无法读取。请在 Excel 或 WPS 中打开，取消密码后保存，再导入。"
            ) from None
        if any(mark in text for mark in _NOT_A_WORKBOOK):
            raise WorkbookError(
                f"“{name}”不是 Excel 工作簿，而是 Word 文档等其他 Office 文件（或是 Excel 5.0 以前的旧格式）",
                detail=str(exc),
            ) from None
        raise WorkbookError(
            f"“{name}”已损坏，无法作为 Excel 97-2003 工作簿（.xls）读取，请重新保存或重新发送", detail=str(exc)
        ) from None
    except Exception as exc:  # a damaged compound file raises many kinds inside xlrd
        raise WorkbookError(
            f"“{name}”已损坏，无法作为 Excel 97-2003 工作簿（.xls）读取（可能下载或复制不完整），请重新保存或重新发送",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None
    try:
        sheets, problems, cells = [], [], 0
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            cells += sum(sheet.row_len(r) for r in range(sheet.nrows))
            if cells > MAX_CELLS:
                raise WorkbookError(f"“{name}”的单元格超过 {MAX_CELLS:,} 个，不像是报表工作簿，未读取")
            sheets.append(_sheet_cells(sheet, book.datemode, problems))
            book.unload_sheet(index)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(
            f"“{name}”已损坏，无法作为 Excel 97-2003 工作簿（.xls）读取，请重新保存或重新发送",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None
    finally:
        book.release_resources()
    if problems:
        fail(path, problems)
    return sheets


def _sheet_cells(sheet, datemode: int, problems: list[str]) -> SheetCells:
    values: dict[tuple[int, int], Any] = {}
    empty_text: set[tuple[int, int]] = set()
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            value = _value(cell, datemode)
            if value is None:
                continue
            if value == "":
                empty_text.add((r + 1, c + 1))
                continue
            values[(r + 1, c + 1)] = value
    merges = []
    area = 0
    for rlo, rhi, clo, chi in sheet.merged_cells:  # 0-based, end exclusive
        merges.append((rlo + 1, clo + 1, rhi, chi))
        size = (rhi - rlo) * (chi - clo)
        area += size if size <= HUGE_MERGE else 1
        if area > MAX_AREA:
            raise WorkbookError(f"工作表“{sheet.name}”的合并单元格覆盖超过 {MAX_AREA:,} 个单元格，不像是报表工作簿")
        _covered_values(sheet.name, values, empty_text, (rlo + 1, clo + 1, rhi, chi), problems)
    hidden_rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
    hidden_cols = {c + 1 for c, info in sheet.colinfo_map.items() if info.hidden}
    return SheetCells(sheet.name, sheet.visibility != 0, values, empty_text, merges, hidden_rows, hidden_cols)


def _covered_values(title: str, values, empty_text, merge: tuple[int, int, int, int], problems: list[str]) -> None:
    """Unlike openpyxl, xlrd keeps the cells under a merge: a value there is unseen in Excel, so refused."""
    min_row, min_col, max_row, max_col = merge
    if (max_row - min_row + 1) * (max_col - min_col + 1) > HUGE_MERGE:
        return
    top = values.get((min_row, min_col))
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    for r in range(min_row, max_row + 1):
        for c in range(min_col, max_col + 1):
            if (r, c) == (min_row, min_col):
                continue
            empty_text.discard((r, c))
            value = values.pop((r, c), None)
            if value is not None and value != top:
                coordinate = f"{get_column_letter(c)}{r}"
                problems.append(covered_value_problem(f"{sheet_ref(title)}!{coordinate}", coordinate, value, ref))


def _value(cell, datemode: int) -> Any:
    """A cell's value as the .xlsx reader gives it: None for blank, numbers, text, dates, booleans, '#…' errors."""
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell_text(cell.value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#VALUE!")
    return cell.value


class _Silent:
    """xlrd writes warnings about odd records to a log file; the reader's messages say what matters."""

    def write(self, _text: str) -> None:
        pass
