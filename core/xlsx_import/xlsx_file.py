"""Reading an .xlsx (zip) workbook with openpyxl into SheetCells, bounded and checked first."""

from __future__ import annotations

import contextlib
import io
import threading
import weakref
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from core.money import shorten
from core.xlsx_import.limits import WorkbookTooLarge, check_archive
from core.xlsx_import.result import WorkbookError, fail
from core.xlsx_import.sheet import UNCALCULATED, SheetCells
from core.xlsx_import.text import cell_text, sheet_ref

_LOAD_LOCK = threading.Lock()

#: Worksheet → the cells a merged range covers that held a value of their own (coordinate, value, range).
_COVERED_VALUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def read_xlsx(data: bytes, path: Path) -> list[SheetCells]:
    """The sheets of an .xlsx file's bytes; WorkbookError when it is not one, too large or damaged."""
    name = path.name
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                what = (
                    "OpenDocument 表格（.ods）"
                    if "content.xml" in names
                    else "Word 文档等其他文件"
                    if "word/document.xml" in names
                    else "其他压缩文件"
                )
                raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx），而是{what}")
            check_archive(archive, name)  # sizes, ratio, cells, merged area; reads every part (CRC)
    except WorkbookError:
        raise
    except WorkbookTooLarge as exc:
        raise WorkbookError(str(exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise WorkbookError(
            f"“{name}”已损坏，不是完整的 .xlsx 文件（可能下载或复制不完整），请重新保存或重新发送", detail=str(exc)
        ) from None
    try:
        workbook = _load(data, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise WorkbookError(
            f"“{name}”已损坏或格式不受支持，无法打开；请在 Excel 中打开并另存为 .xlsx 后再导入",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None
    _refuse_covered_values(workbook, path)
    sheets = [_sheet_cells(ws) for ws in workbook.worksheets]
    _resolve_formulas(sheets, data)
    return sheets


def _sheet_cells(ws: Worksheet) -> SheetCells:
    values: dict[tuple[int, int], Any] = {}
    empty_text: set[tuple[int, int]] = set()
    formulas: list[tuple[int, int]] = []
    # Only the cells the file holds (a stray cell far right or down must not make us walk a
    # million empty ones, as iter_rows would).
    for key, cell in sorted(ws._cells.items()):
        if isinstance(cell, MergedCell):
            continue
        value = cell.value
        if value is None or value == "":
            if cell.data_type in ("s", "inlineStr") or value == "":
                empty_text.add(key)
            continue
        if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
            formulas.append(key)
        values[key] = value
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
    hidden_cols: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min and dim.max:
            hidden_cols.update(range(dim.min, dim.max + 1))
    hidden = ws.sheet_state != "visible"
    return SheetCells(ws.title, hidden, values, empty_text, merges, hidden_rows, hidden_cols, formulas)


def _clean_merge_range(ws: Worksheet, merged: MergedCellRange) -> None:
    """openpyxl's own step (covered cells become MergedCell, their values dropped), noting what it drops.

    Excel never saves a value under a merge (it asks before merging, keeping only the top-left cell);
    a file that holds one was written by other software, and the covered figure is invisible in Excel.
    """
    cells = merged.cells
    top = ws._cells.get(next(cells))
    top_value = top.value if top is not None else None
    for row, col in cells:
        old = ws._cells.get((row, col))
        if old is not None and old.value not in (None, "") and old.value != top_value:
            _COVERED_VALUES.setdefault(ws, []).append((old.coordinate, old.value, merged.coord))
        ws._cells[row, col] = MergedCell(ws, row, col)


def _top_left_only(merged: MergedCellRange) -> None:
    """openpyxl's MergedCellRange set-up without adding the bottom-right border to the top-left cell."""
    merged.start_cell = merged.ws._cells.get((merged.min_row, merged.min_col)) or merged.ws.cell(
        row=merged.min_row, column=merged.min_col
    )


@contextlib.contextmanager
def _merges_unformatted():
    """While loading, skip openpyxl's re-drawing of borders on merged cells, and note covered values.

    openpyxl's reader turns the covered cells of every merged range into MergedCell objects (which
    is all this reader needs) and then copies the borders of the range onto its edges, cell by cell,
    through the style tables — three quarters of the load time of a workbook with a few hundred
    merged ranges; each range's set-up also adds borders to its top-left cell (a quarter of the rest). Borders do not matter for reading figures, so that step is skipped for the
    duration of the load (serialised by a lock; the method is restored afterwards).
    """
    with _LOAD_LOCK:
        original, borders = Worksheet._clean_merge_range, MergedCellRange._get_borders
        Worksheet._clean_merge_range = _clean_merge_range
        MergedCellRange._get_borders = _top_left_only
        try:
            yield
        finally:
            Worksheet._clean_merge_range, MergedCellRange._get_borders = original, borders


def _load(data: bytes, data_only: bool):
    with _merges_unformatted():
        return load_workbook(io.BytesIO(data), data_only=data_only)


def covered_value_problem(where: str, coordinate: str, value: Any, merged: str) -> str:
    """The message for a value hidden under a merged range (Chinese)."""
    top = merged.split(":")[0]
    return (
        f"{where} 有内容“{shorten(cell_text(value))}”，却被合并单元格 {merged} 盖住"
        f"（合并单元格只保留左上角 {top} 的内容，{coordinate} 的内容在 Excel 中看不到、也无法读取）："
        f"请取消合并，或删除被盖住的内容后再导入"
    )


def _refuse_covered_values(workbook, path: Path) -> None:
    """A value under a merged range is lost on reading (and unseen in Excel): the workbook is malformed."""
    problems = []
    for ws in workbook.worksheets:
        for coordinate, value, merged in _COVERED_VALUES.pop(ws, []):
            problems.append(covered_value_problem(f"{sheet_ref(ws.title)}!{coordinate}", coordinate, value, merged))
    if problems:
        fail(path, problems)


def _resolve_formulas(sheets: list[SheetCells], data: bytes) -> None:
    """Replace formulas by the results Excel saved with them (or UNCALCULATED)."""
    if not any(s.formulas for s in sheets):
        return
    cached = _load(data, data_only=True)
    for sheet in sheets:
        if not sheet.formulas:
            continue
        ws = cached[sheet.title]
        for row, col in sheet.formulas:
            value = ws.cell(row, col).value
            sheet.values[(row, col)] = UNCALCULATED if value is None or value == "" else value
