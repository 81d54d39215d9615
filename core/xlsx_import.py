"""Read a report from an Excel workbook (.xlsx) in the printed layout of 公开01–09表.

`read_workbook(path)` accepts this program's own exports (`core.xlsx_export`) and workbooks typed
by hand or exported by other software, the way units send them:

* each table is found by its 表号 (公开01表, 公开 01 表, 表1, “……决算总表（表1）”) or its title
  (2023年度收入支出决算总表) wherever it sits — one table per sheet, several tables in one sheet, or
  a sheet named after the table;
* the 栏次 row locates the amount columns; rows are matched by 行次 (公开01/04) or by 科目编码
  (in one column, or split over 类/款/项 columns, with or without the 类/款 repeated);
* amounts may be numbers or text with thousands separators; blank, “-”, “—” mean no amount; merged
  cells, hidden rows (read like the others) and notes under a table are handled;
* the unit comes from the 部门：/单位： line, the year from the titles (“2023年度”).

All or nothing: anything that cannot be read raises `WorkbookError` (Chinese message naming the
sheet and cell); no partial report is ever returned. `ImportResult` says what was read from where,
and what was skipped and why.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import math
import re
import threading
import unicodedata
import weakref
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from core.money import AmountError, in_range, out_of_range, parse_amount, shorten, unit_fen
from core.report import AddressError, Report, parse_address, parse_row_key
from core.templates import TABLE_IDS, TableTemplate, TemplateError, TemplateSet, available_years, load_template_set
from core.xlsx_export import (
    SELFEVAL_BUDGET_TITLES,
    SELFEVAL_HEAD_FIELDS,
    SELFEVAL_KIND_TITLES,
    SELFEVAL_TITLE_SUFFIX,
    SUMMARY_SHEET,
)
from core.xlsx_limits import MAX_TOTAL_BYTES, WorkbookTooLarge, check_archive

#: How far below its title or 表号 a table's 栏次 row may be.
HEADER_SEARCH_ROWS = 20
#: Title and 表号 cells this many rows apart belong to the same table.
ANCHOR_GAP = 6
MAX_PROBLEMS_SHOWN = 8


class WorkbookError(ValueError):
    """A workbook that cannot be read; the message says what and where, in Chinese."""

    def __init__(self, message: str, problems: list[str] | None = None, detail: str | None = None):
        super().__init__(message)
        self.problems = problems or [message]
        self.detail = detail  # technical (English) text for a 详细信息 section


@dataclass
class TableSource:
    """Where one table was read."""

    table: str  # 公开01 …
    printed: str  # as printed: 公开01表 / 表1
    sheet: str
    cells_range: str  # e.g. 公开01表!A1:F40
    rows: int  # data rows read
    amounts: int  # amounts read (blank cells not counted)


@dataclass
class SelfEvalSource:
    sheet: str
    cells_range: str
    kind: str
    name: str
    indicators: int


@dataclass
class ImportResult:
    """What `read_workbook` read, from where, and what it left out and why (all in Chinese)."""

    path: str
    year: int = 0
    unit_name: str = ""
    amount_unit: str = "万元"
    tables: list[TableSource] = field(default_factory=list)
    selfeval: list[SelfEvalSource] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"从“{Path(self.path).name}”读取 {self.unit_name} {self.year}年度报表（金额单位：{self.amount_unit}）："
        ]
        for t in self.tables:
            lines.append(f"  {t.printed}：{t.cells_range}，{t.rows} 行，{t.amounts} 个金额")
        for s in self.selfeval:
            lines.append(f"  {s.kind}绩效自评表“{s.name}”：{s.cells_range}，{s.indicators} 个指标")
        if self.skipped:
            lines.append("未读取：")
            lines += [f"  {s}" for s in self.skipped]
        if self.notes:
            lines.append("说明：")
            lines += [f"  {n}" for n in self.notes]
        return "\n".join(lines)


# -- text helpers ---------------------------------------------------------------------------------

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_TABLE_NUMBER = re.compile(r"公开0?([1-9])表?|表([1-9])")
_TRAILING_NUMBER = re.compile(r"(.*?)\(?(公开0?[1-9]表?|表[1-9])\)?")
_YEAR_AT_END = re.compile(r"(\d{4})年度?$")
_YEAR = re.compile(r"(\d{4})\s*年")
_UNIT_NAME = re.compile(
    r"(?:部门名称|部门|单位名称|编制单位|填报单位|预算单位)\s*[:：]\s*(.*?)\s*(?=(?:金额)?单位\s*[:：]|$)"
)
_PLAIN_UNIT_NAME = re.compile(r"(?<![编制填报预算额])单位\s*[:：]\s*(?!万元|元)(\S.*?)\s*(?=金额单位\s*[:：]|$)")
_AMOUNT_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元)")
_END_MARK = re.compile(
    r"^(注|说明|备注|填表|填报人|制表|审核人|复核人|单位负责人|财务负责人|主管会计|经办人|联系人|联系电话|报送日期)"
    r"|(?:行|栏|栏各行)[=—＝]"
)
_CODE_AND_NAME = re.compile(r"^(\d{3,7})\s*([^\d\s].*)$", re.S)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def norm(value: Any) -> str:
    """Text for matching labels: NFKC, no whitespace, no quotes."""
    if value is None:
        return ""
    return "".join(_nfkc(str(value)).split()).translate(_QUOTES)


def _int_like(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = norm(value)
        return int(text) if text.isdigit() and len(text) <= 3 else None
    return None


def _cell_text(value: Any) -> str:
    """A cell's content as text, for fields kept as text (names, self-evaluation values)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def sheet_ref(sheet: str) -> str:
    """A sheet name as a reference shows it: quoted when it holds anything but letters and digits."""
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _where(sheet: str, row: int, col: int) -> str:
    return f"{sheet_ref(sheet)}!{get_column_letter(col)}{row}"


class _Uncalculated:
    """A formula whose result the file does not hold (written by a program, never opened in Excel)."""

    def __repr__(self) -> str:
        return "<未计算的公式>"


UNCALCULATED = _Uncalculated()


# -- a sheet as a grid of values ------------------------------------------------------------------


class Grid:
    """The non-empty cells of one worksheet, with merged ranges and hidden rows (1-based)."""

    def __init__(self, ws: Worksheet):
        self.title = ws.title
        self.hidden = ws.sheet_state != "visible"
        self.values: dict[tuple[int, int], Any] = {}
        self.empty_text: set[tuple[int, int]] = set()  # cells holding an empty text (not just blank)
        self.formulas: list[tuple[int, int]] = []
        by_row: dict[int, list[int]] = {}
        # Only the cells the file holds (a stray cell far right or down must not make us walk a
        # million empty ones, as iter_rows would).
        for key, cell in sorted(ws._cells.items()):
            if isinstance(cell, MergedCell):
                continue
            value = cell.value
            if value is None or value == "":
                if cell.data_type in ("s", "inlineStr") or value == "":
                    self.empty_text.add(key)
                continue
            if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
                self.formulas.append(key)
            self.values[key] = value
            by_row.setdefault(key[0], []).append(key[1])
        self.row_cols = {r: sorted(cols) for r, cols in by_row.items()}
        self.rows = sorted(self.row_cols)
        self.max_row = max(self.rows, default=0)
        self.max_col = max((c for _, c in self.values), default=0)
        self.merge_end: dict[tuple[int, int], tuple[int, int]] = {}
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in ws.merged_cells.ranges:
            top = (merged.min_row, merged.min_col)
            self.merge_end[top] = (merged.max_row, merged.max_col)
            if (merged.max_row - merged.min_row + 1) * (merged.max_col - merged.min_col + 1) > 5000:
                continue  # a huge merge: only its top-left matters here
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != top:
                        self.covered[(r, c)] = top
        self.hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
        self.hidden_cols: set[int] = set()
        for dim in ws.column_dimensions.values():
            if dim.hidden and dim.min and dim.max:
                self.hidden_cols.update(range(dim.min, dim.max + 1))

    def get(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def texts(self, row: int) -> Iterator[tuple[int, Any]]:
        for col in self.row_cols.get(row, ()):
            yield col, self.values[(row, col)]

    def rows_between(self, first: int, last: int) -> list[int]:
        return [r for r in self.rows if first <= r <= last]

    def where(self, row: int, col: int) -> str:
        return _where(self.title, row, col)

    def after(self, row: int, col: int) -> int:
        """First column right of the (merged) cell at row, col."""
        return self.merge_end.get((row, col), (row, col))[1] + 1


# -- opening the file -----------------------------------------------------------------------------

_LOAD_LOCK = threading.Lock()


#: Worksheet → the cells a merged range covers that held a value of their own (coordinate, value, range).
_COVERED_VALUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


@contextlib.contextmanager
def _merges_unformatted():
    """While loading, skip openpyxl's re-drawing of borders on merged cells, and note covered values.

    openpyxl's reader turns the covered cells of every merged range into MergedCell objects (which
    is all this reader needs) and then copies the borders of the range onto its edges, cell by cell,
    through the style tables — three quarters of the load time of a workbook with a few hundred
    merged ranges. Borders do not matter for reading figures, so that step is skipped for the
    duration of the load (serialised by a lock; the method is restored afterwards).
    """
    with _LOAD_LOCK:
        original = Worksheet._clean_merge_range
        Worksheet._clean_merge_range = _clean_merge_range
        try:
            yield
        finally:
            Worksheet._clean_merge_range = original


def _load(data: bytes, data_only: bool):
    with _merges_unformatted():
        return load_workbook(io.BytesIO(data), data_only=data_only)


# -- opening the file (checks) -----------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _open(path: Path):
    name = path.name
    if not path.exists():
        raise WorkbookError(f"找不到文件“{path}”")
    if path.is_dir():
        raise WorkbookError(f"“{path}”是文件夹，不是 Excel 工作簿")
    try:
        size = path.stat().st_size
        if size > MAX_TOTAL_BYTES:
            raise WorkbookError(
                f"“{name}”有 {size / 2**20:,.0f} MB，超过工作簿的上限 {MAX_TOTAL_BYTES // 2**20} MB，未读取"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"无法读取“{name}”：{exc.strerror or exc}", detail=str(exc)) from None
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(
                f"“{name}”设置了打开密码（文件已加密），无法读取。请在 Excel 中打开，"
                "取消“用密码进行加密”后另存为 .xlsx，再导入。"
            )
        raise WorkbookError(
            f"“{name}”是旧版 Excel 97-2003 工作簿（.xls）或其他 Office 文件，请在 Excel 中另存为 .xlsx 后再导入"
        )
    if not data.startswith(b"PK"):
        hint = "（看起来是文本文件，如 CSV）" if _looks_like_text(data[:2048]) else ""
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx）{hint}")
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
        return _load(data, data_only=False), data
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise WorkbookError(
            f"“{name}”已损坏或格式不受支持，无法打开；请在 Excel 中打开并另存为 .xlsx 后再导入",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# -- finding the tables ---------------------------------------------------------------------------


@dataclass
class _Anchor:
    row: int
    col: int
    table: str
    kind: str  # "title", "number" or "both"
    year: int | None
    text: str


@dataclass
class _Candidate:
    grid: Grid
    table: str
    start: int  # first row of the region
    end: int  # last row of the region
    anchors: list[_Anchor]

    @property
    def where(self) -> str:
        a = self.anchors[0] if self.anchors else None
        return self.grid.where(a.row, a.col) if a else f"工作表“{self.grid.title}”"


@functools.cache
def _titles() -> tuple[tuple[str, str], ...]:
    """(normalised title, table id), longest first, from every year's templates that load."""
    seen: dict[str, str] = {}
    for year in available_years():
        try:
            templates = load_template_set(year)
        except TemplateError:
            continue  # a broken year's file is reported when that year is read
        for table in templates.tables.values():
            seen.setdefault(norm(table.title), table.id)
    return tuple(sorted(seen.items(), key=lambda item: -len(item[0])))


def _number_id(text: str) -> str | None:
    match = _TABLE_NUMBER.fullmatch(text)
    if not match:
        return None
    return f"公开0{match.group(1) or match.group(2)}"


def _anchor(text: str, titles: list[tuple[str, str]]) -> tuple[str, str, int | None] | None:
    """(table id, kind, year) if the cell text is a table's 表号 or title."""
    n = norm(text)
    if not n or len(n) > 80:
        return None
    table = _number_id(n)
    if table:
        return table, "number", None
    number = None
    match = _TRAILING_NUMBER.fullmatch(n)
    if match and match.group(1) and _number_id(match.group(2)):
        number = _number_id(match.group(2))
        n = match.group(1)
    for title, table_id in titles:
        if not n.endswith(title):
            continue
        prefix = n[: len(n) - len(title)]
        year_match = _YEAR_AT_END.search(prefix)
        if prefix and not year_match and not _number_id(prefix):
            continue
        if number and number != table_id:
            return number, "conflict:" + table_id, None
        year = int(year_match.group(1)) if year_match else None
        return table_id, "both" if number else "title", year
    if number:
        return number, "number", None
    return None


def _is_selfeval(grid: Grid) -> bool:
    for row in grid.rows[:3]:
        for _, value in grid.texts(row):
            if isinstance(value, str) and SELFEVAL_TITLE_SUFFIX in norm(value):
                return True
    return False


def _is_summary(grid: Grid) -> bool:
    if grid.title == SUMMARY_SHEET:
        return True
    first = grid.get(1, 1)
    return isinstance(first, str) and norm(first).endswith("审核结果")


def _candidates(grid: Grid, titles, problems: list[str]) -> list[_Candidate]:
    anchors: list[_Anchor] = []
    for (row, col), value in sorted(grid.values.items()):
        if not isinstance(value, str):
            continue
        found = _anchor(value, titles)
        if not found:
            continue
        table, kind, year = found
        if kind.startswith("conflict:"):
            other = kind.split(":", 1)[1]
            problems.append(
                f"{grid.where(row, col)}：标题“{value.strip()}”是{_display(other)}，表号却是{_display(table)}"
            )
            continue
        anchors.append(_Anchor(row, col, table, kind, year, value.strip()))
    groups: list[list[_Anchor]] = []
    for anchor in anchors:
        if groups:
            last = groups[-1][-1]
            if anchor.table == groups[-1][0].table and anchor.row - last.row <= ANCHOR_GAP:
                groups[-1].append(anchor)
                continue
            if (
                anchor.table != last.table
                and anchor.row - last.row <= 3
                and {anchor.kind, last.kind} == {"title", "number"}
            ):
                title, number = (anchor, last) if anchor.kind == "title" else (last, anchor)
                problems.append(
                    f"{grid.where(title.row, title.col)}：标题“{title.text}”是{_display(title.table)}，"
                    f"而 {grid.where(number.row, number.col)} 的表号是{_display(number.table)}"
                )
        groups.append([anchor])
    result = []
    for i, group in enumerate(groups):
        start = min(a.row for a in group)
        end = (min(a.row for a in groups[i + 1]) - 1) if i + 1 < len(groups) else grid.max_row
        result.append(_Candidate(grid, group[0].table, start, end, group))
    if not result:
        found = _anchor(grid.title, titles)
        if found and not found[1].startswith("conflict"):
            result.append(_Candidate(grid, found[0], 1, grid.max_row, []))
    return result


def _display(table_id: str) -> str:
    return f"{table_id}表"


# -- reading one table ----------------------------------------------------------------------------


@dataclass
class _TableRead:
    candidate: _Candidate
    template: TableTemplate
    header_found: bool = False
    cells: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unit_names: list[tuple[str, str]] = field(default_factory=list)  # (name, where)
    amount_unit: str | None = None
    rows: int = 0
    last_row: int = 0
    last_col: int = 0
    hidden: list[int] = field(default_factory=list)


class _TableReader:
    def __init__(self, candidate: _Candidate, template: TableTemplate, default_unit: str = "万元"):
        self.c = candidate
        self.grid = candidate.grid
        self.t = template
        self.out = _TableRead(candidate, template)
        self.unit = default_unit
        self.rounded: list[str] = []

    # -- shared -------------------------------------------------------------------------------

    def read(self) -> _TableRead:
        kind = self.t.kind
        if kind == "lines":
            header = self._find_lanci_row()
            if header is not None:
                self._head_lines(header)
                self._lines(header)
        elif kind == "single":
            header = self._find_number_row()
            if header is not None:
                self._head_lines(header)
                self._single(header)
        elif self.t.panels:
            header = self._find_economic_header()
            if header is not None:
                self._head_lines(header)
                self._economic(header)
        else:
            header = self._find_lanci_row()
            if header is not None:
                self._head_lines(header)
                self._classification(header)
        if header is None:
            what = (
                "栏次行（1、2、…各栏的编号）" if self.t.id != "公开06" else "表头（经济分类科目编码、科目名称、决算数）"
            )
            self.out.problems.append(f"{self.c.where}：找到了{self.t.printed}的标题，但其下找不到{what}，表格不完整")
        else:
            self.out.header_found = True
        if self.rounded:
            shown = "、".join(self.rounded[:5]) + (f"等 {len(self.rounded)} 处" if len(self.rounded) > 5 else "")
            self.out.notes.append(f"{self.t.printed}：{shown}的金额小于 1 分的部分已四舍五入到分")
        if self.out.hidden:
            rows = "、".join(str(r) for r in self.out.hidden[:10]) + ("等" if len(self.out.hidden) > 10 else "")
            self.out.notes.append(f"{self.t.printed}：工作表“{self.grid.title}”第 {rows} 行是隐藏行，已照常读取")
        return self.out

    def _head_lines(self, header_row: int) -> None:
        """Unit name and amount unit from the lines between the title and the header."""
        first = max(1, self.c.start - 2)
        for row in self.grid.rows_between(first, header_row - 1):
            for col, value in self.grid.texts(row):
                if not isinstance(value, str):
                    continue
                text = value.strip()
                unit = _AMOUNT_UNIT.search(_nfkc(text))
                if unit:
                    self.out.amount_unit = unit.group(1)
                name = _UNIT_NAME.search(text) or _PLAIN_UNIT_NAME.search(text)
                if name and name.group(1).strip() and name.group(1).strip() not in ("万元", "元"):
                    self.out.unit_names.append((name.group(1).strip(), self.grid.where(row, col)))
        if self.out.amount_unit:
            self.unit = self.out.amount_unit

    def _header_rows(self) -> list[int]:
        return self.grid.rows_between(self.c.start, min(self.c.end, self.c.start + HEADER_SEARCH_ROWS))

    def _find_lanci_row(self) -> int | None:
        wanted = sorted(self.t.columns)
        for row in self._header_rows():
            texts = [norm(v) for _, v in self.grid.texts(row)]
            if texts and (texts[0] == "合计" or (texts[0].isdigit() and len(texts[0]) >= 3)):
                return None  # the data begin: there is no 栏次 row
            if "栏次" in texts:
                return row
            numbers = [n for n in (_int_like(v) for _, v in self.grid.texts(row)) if n is not None]
            if numbers[: len(wanted)] == wanted and self.t.kind == "classification":
                return row
        return None

    def _find_number_row(self) -> int | None:
        wanted = sorted(self.t.columns)
        for row in self._header_rows():
            numbers = [n for n in (_int_like(v) for _, v in self.grid.texts(row)) if n is not None]
            if numbers[: len(wanted)] == wanted:
                return row
        return None

    def _find_economic_header(self) -> int | None:
        for row in self._header_rows():
            names = [c for c, v in self.grid.texts(row) if isinstance(v, str) and "名称" in norm(v)]
            if len(names) >= 2 or (names and len(self.t.panels) == 1):
                return row
        return None

    def _body_rows(self, header_row: int) -> Iterator[int]:
        """Rows after the header up to the notes under the table (the notes are skipped)."""
        rows = self.grid.rows_between(header_row + 1, self.c.end)
        for i, row in enumerate(rows):
            first = next(iter(self.grid.texts(row)), None)
            if first is not None and isinstance(first[1], str) and _END_MARK.search(norm(first[1])):
                rest = rows[i:]
                self.out.skipped.append(
                    f"{self.grid.where(row, first[0])}起 {len(rest)} 行：{self.t.printed}下方的注释和说明，不含数据"
                )
                return
            self.out.last_row = row
            yield row

    def _amount(self, row: int, col: int, what: str) -> int | None:
        value = self.grid.get(row, col)
        if value is None:
            return None
        where = self.grid.where(row, col)
        if value is UNCALCULATED:
            self.out.problems.append(
                f"{where}：{what}是公式，但文件中没有保存计算结果（请在 Excel 中打开、保存后再导入）"
            )
            return None
        if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
            self.out.problems.append(f"{where}：{what}的金额“{_cell_text(value)}”无法识别")
            return None
        if isinstance(value, int | float | Decimal):
            if isinstance(value, float) and not math.isfinite(value):
                self.out.problems.append(f"{where}：{what}的金额“{value}”无法识别")
                return None
            return self._number(value, where)
        text = str(value)
        if text.startswith("#") and text.rstrip("!?/0A").upper() in (
            "#DIV",
            "#N",
            "#NAME",
            "#NULL",
            "#NUM",
            "#REF",
            "#VALUE",
        ):
            self.out.problems.append(f"{where}：{what}是错误值“{text}”")
            return None
        try:
            return parse_amount(text, self.unit)
        except AmountError as exc:
            if "无法识别" in str(exc):
                self.out.problems.append(f"{where}：{what}的金额“{shorten(text.strip())}”无法识别")
            else:
                self.out.problems.append(f"{where}：{what}的{exc}")
            return None

    def _number(self, value: float | int | Decimal, where: str) -> int | None:
        per_unit = unit_fen(self.unit)
        decimals = len(str(per_unit)) - 1
        exact = Decimal(str(value)) if not isinstance(value, Decimal) else value
        # Beyond the range before quantize and int(): a 10^300 double would make a 300-digit integer.
        if exact.adjusted() >= 15 or not in_range(int(exact.scaleb(decimals).to_integral_value(ROUND_HALF_UP))):
            self.out.problems.append(f"{where}：{out_of_range(_cell_text(value), self.unit)}")
            return None
        try:
            rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            self.out.problems.append(f"{where}：{out_of_range(_cell_text(value), self.unit)}")
            return None
        if abs(exact - rounded) > Decimal(1).scaleb(-decimals - 3):
            self.rounded.append(where)
        return int(rounded.scaleb(decimals))

    def _note_hidden(self, row: int) -> None:
        if row in self.grid.hidden_rows and row not in self.out.hidden:
            self.out.hidden.append(row)

    # -- 公开01/04: lines -----------------------------------------------------------------------

    def _lines(self, header_row: int) -> None:
        grid, t = self.grid, self.t
        starts = sorted(c for c, v in grid.texts(header_row) if norm(v) == "栏次")
        numbers = {}
        for col, value in grid.texts(header_row):
            n = _int_like(value)
            if n is not None and n in t.columns:
                numbers[n] = col
        missing = [n for n in t.columns if n not in numbers]
        if missing:
            self.out.problems.append(
                f"{grid.where(header_row, starts[0])}：{t.printed}栏次行缺少第{'、'.join(map(str, missing))}栏"
            )
            return
        panels = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else grid.max_col + 1
            line_col = start + 1
            for row in grid.rows_between(self.c.start, header_row - 1):
                for col, value in grid.texts(row):
                    if start < col < end and norm(value) in ("行次", "行"):
                        line_col = col
            amounts = {n: c for n, c in numbers.items() if start <= c < end}
            panels.append((start, line_col, amounts))
        found: dict[int, str] = {}
        for row in self._body_rows(header_row):
            used = False
            for label_col, line_col, amounts in panels:
                raw = grid.get(row, line_col)
                filled = [c for c in amounts.values() if grid.get(row, c) is not None]
                if raw is None:
                    if filled:
                        self.out.problems.append(
                            f"{grid.where(row, filled[0])}：{t.printed}此处有金额，但同一行没有行次"
                        )
                    continue
                number = _int_like(raw)
                if number is None:
                    if norm(raw) in ("行次", "行", "栏次"):
                        continue
                    self.out.problems.append(
                        f"{grid.where(row, line_col)}：{t.printed}的行次“{_cell_text(raw).strip()}”无法识别"
                    )
                    continue
                line = t.lines.get(str(number))
                if line is None:
                    span = f"{min(map(int, t.lines))}–{max(map(int, t.lines))}"
                    self.out.problems.append(
                        f"{grid.where(row, line_col)}：{t.printed}没有第{number}行（本年度表式的行次为 {span}）"
                    )
                    continue
                if number in found:
                    self.out.problems.append(
                        f"{grid.where(row, line_col)}：{t.printed}第{number}行重复（{found[number]} 已有第{number}行）"
                    )
                    continue
                found[number] = grid.where(row, line_col)
                used = True
                self._note_hidden(row)
                if not line.columns:
                    if filled:
                        self.out.problems.append(
                            f"{grid.where(row, filled[0])}：{t.printed}第{number}行是空行，不应填数"
                        )
                    continue
                if not set(line.columns) <= set(amounts):
                    self.out.problems.append(
                        f"{grid.where(row, line_col)}：{t.printed}第{number}行“{line.label}”应在第"
                        f"{'、'.join(map(str, line.columns))}栏，但它在第{'、'.join(map(str, amounts))}栏一侧"
                        "（表式可能不是本年度的）"
                    )
                    continue
                for col in line.columns:
                    value = self._amount(row, amounts[col], f"{t.printed}第{number}行第{col}栏")
                    if value is not None:
                        self.out.cells[f"{t.id}:{number}:{col}"] = value
                label = grid.get(row, label_col)
                if isinstance(label, str) and label.strip() and line.label and norm(label) != norm(line.label):
                    self.out.labels[f"{t.id}:{number}"] = label.strip()
            if used:
                self.out.rows += 1
        missing_lines = [n for n, line in t.lines.items() if line.columns and int(n) not in found]
        if missing_lines:
            names = "、".join(f"第{n}行“{t.lines[n].label}”" for n in missing_lines[:4])
            more = f"等 {len(missing_lines)} 行" if len(missing_lines) > 4 else ""
            self.out.problems.append(f"{self.c.where}：{t.printed}缺少{names}{more}，表格不完整")
        self.out.last_col = max((c for _, _, a in panels for c in a.values()), default=0)

    # -- classification tables ----------------------------------------------------------------

    def _classification(self, header_row: int) -> None:
        grid, t = self.grid, self.t
        amounts: dict[int, int] = {}
        for col, value in grid.texts(header_row):
            n = _int_like(value)
            if n is not None and n in t.columns and n not in amounts:
                amounts[n] = col
        missing = [n for n in t.columns if n not in amounts]
        if missing:
            self.out.problems.append(
                f"{grid.where(header_row, grid.row_cols[header_row][0])}：{t.printed}栏次行缺少第{'、'.join(map(str, missing))}栏"
            )
            return
        first_amount = min(amounts.values())
        roles: dict[int, str] = {}
        for row in grid.rows_between(self.c.start, header_row):
            for col, value in grid.texts(row):
                if col < first_amount and norm(value) in ("类", "款", "项"):
                    roles[col] = norm(value)
        total_names = {norm(t.total_row), "合计", "总计"} if t.total_row else set()
        seen: dict[str, int] = {}
        context: dict[str, str | None] = {"类": None, "款": None}
        for row in self._body_rows(header_row):
            keys = [(c, v) for c, v in grid.texts(row) if c < first_amount]
            filled = [c for c in amounts.values() if grid.get(row, c) is not None]
            digits: list[tuple[int, str]] = []
            texts: list[str] = []
            for col, value in keys:
                if isinstance(value, bool):
                    texts.append(str(value))
                elif isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
                    digits.append((col, str(int(value))))
                elif isinstance(value, str):
                    plain = "".join(_nfkc(value).split())
                    if plain.isdigit():
                        digits.append((col, plain))
                        continue
                    both = _CODE_AND_NAME.match(_nfkc(value).strip())
                    if both and not digits:
                        digits.append((col, both.group(1)))
                        texts.append(value.strip()[len(both.group(1)) :].strip())
                    elif value.strip():
                        texts.append(value.strip())
                else:
                    texts.append(_cell_text(value))
            if not digits:
                name = norm(texts[0]) if texts else ""
                if t.total_row and name in total_names:
                    code = t.total_row
                elif texts and any(
                    "栏次" in norm(x) or norm(x) in ("项目", "科目名称", "类", "款", "项") for x in texts
                ):
                    self.out.skipped.append(f"{grid.where(row, keys[0][0])}：重复的表头行，不含数据")
                    continue
                elif filled:
                    what = f"“{texts[0]}”" if texts else ""
                    self.out.problems.append(
                        f"{grid.where(row, filled[0])}：{t.printed}第{row}行{what}有金额，但没有科目编码"
                    )
                    continue
                else:
                    if texts:
                        self.out.skipped.append(
                            f"{grid.where(row, keys[0][0])}“{texts[0]}”：不是科目行（没有编码和金额）"
                        )
                    continue
            else:
                code = self._code(row, digits, roles, context)
                if code is None:
                    continue
            if code in seen:
                self.out.problems.append(
                    f"{grid.where(row, (digits or keys)[0][0])}：{t.printed}第{row}行“科目编码”{code}重复（与第{seen[code]}行相同）"
                    if code != t.total_row
                    else f"{grid.where(row, keys[0][0])}：{t.printed}第{row}行“{code}”重复（与第{seen[code]}行相同）"
                )
                continue
            seen[code] = row
            self._note_hidden(row)
            self.out.rows += 1
            what = f"{t.printed}“{code}”行"
            for col, sheet_col in amounts.items():
                value = self._amount(row, sheet_col, f"{what}第{col}栏")
                if value is not None:
                    self.out.cells[f"{t.id}:{code}:{col}"] = value
            if code != t.total_row and texts and texts[0]:
                self.out.labels[f"{t.id}:{code}"] = texts[0]
        if t.total_row and t.total_row not in seen:
            self.out.problems.append(f"{self.c.where}：{t.printed}没有“{t.total_row}”行，表格不完整")
        self.out.last_col = max(amounts.values())

    def _code(self, row: int, digits: list[tuple[int, str]], roles: dict[int, str], context) -> str | None:
        grid, t = self.grid, self.t
        code = ""
        for col, part in digits:
            if not code:
                role = roles.get(col)
                if len(part) in t.levels:
                    code = part
                elif len(part) == 2 and role in ("款", "项"):
                    base = context["类"] if role == "款" else context["款"]
                    if base is None:
                        above = "类" if role == "款" else "款"
                        self.out.problems.append(
                            f"{grid.where(row, col)}：{t.printed}“{role}”栏的编码“{part}”上面没有所属的{above}"
                        )
                        return None
                    code = base + part
                else:
                    self.out.problems.append(f"{grid.where(row, col)}：{t.printed}的科目编码“{part}”位数不对")
                    return None
            elif part.startswith(code) and len(part) > len(code):
                code = part
            elif len(part) == 2:
                code += part
            else:
                self.out.problems.append(f"{grid.where(row, col)}：{t.printed}的科目编码“{code}”与“{part}”连不起来")
                return None
        if len(code) not in t.levels:
            self.out.problems.append(
                f"{grid.where(row, digits[0][0])}：{t.printed}的科目编码“{code}”位数不对（应为 {'、'.join(map(str, t.levels))} 位）"
            )
            return None
        if len(code) == t.levels[0]:
            context["类"], context["款"] = code, None
        elif len(t.levels) > 1 and len(code) == t.levels[1]:
            context["类"], context["款"] = code[: t.levels[0]], code
        return code

    # -- 公开06: economic classification in side-by-side panels --------------------------------

    def _economic(self, header_row: int) -> None:
        grid, t = self.grid, self.t
        name_cols = [c for c, v in grid.texts(header_row) if isinstance(v, str) and "名称" in norm(v)]
        panels = [(n - 1, n, n + 1) for n in name_cols if n > 1]
        totals = {norm(p.total): p.total for p in t.panels if p.total}
        column = next(iter(t.columns))
        seen: dict[str, str] = {}
        for row in self._body_rows(header_row):
            used = False
            consumed: set[int] = set()
            for col, value in list(grid.texts(row)):
                key = norm(value) if isinstance(value, str) else ""
                if key not in totals:
                    continue
                total = totals[key]
                consumed.add(col)
                if total in seen:
                    self.out.problems.append(f"{grid.where(row, col)}：{t.printed}“{total}”重复（{seen[total]} 已有）")
                    continue
                seen[total] = grid.where(row, col)
                used = True
                c = grid.after(row, col)
                while c <= grid.max_col:
                    v = grid.get(row, c)
                    if v is not None:
                        if isinstance(v, str) and norm(v) in totals:
                            break
                        consumed.add(c)
                        amount = self._amount(row, c, f"{t.printed}“{total}”")
                        if amount is not None:
                            self.out.cells[f"{t.id}:{total}:{column}"] = amount
                        break
                    c += 1
            for code_col, name_col, amount_col in panels:
                if code_col in consumed:
                    continue
                raw = grid.get(row, code_col)
                amount_raw = grid.get(row, amount_col) if amount_col not in consumed else None
                if raw is None:
                    if amount_raw is not None:
                        self.out.problems.append(
                            f"{grid.where(row, amount_col)}：{t.printed}此处有金额，但同一行没有经济分类科目编码"
                        )
                    continue
                code = "".join(_nfkc(_cell_text(raw)).split())
                name = grid.get(row, name_col)
                if isinstance(raw, float) and raw.is_integer():
                    code = str(int(raw))
                if not code.isdigit():
                    both = _CODE_AND_NAME.match(_nfkc(_cell_text(raw)).strip())
                    if both:
                        code, name = both.group(1), _cell_text(raw).strip()[len(both.group(1)) :].strip()
                    elif norm(raw) in ("栏次", "经济分类科目编码", "科目编码"):
                        break
                    else:
                        if amount_raw is not None:
                            self.out.problems.append(
                                f"{grid.where(row, code_col)}：{t.printed}的经济分类科目编码“{_cell_text(raw).strip()}”无法识别"
                            )
                        else:
                            self.out.skipped.append(
                                f"{grid.where(row, code_col)}“{_cell_text(raw).strip()}”：不是科目行"
                            )
                        continue
                if not t.is_row(code):
                    self.out.problems.append(
                        f"{grid.where(row, code_col)}：{t.printed}的经济分类科目编码“{code}”位数不对（应为 {'、'.join(map(str, t.levels))} 位）"
                    )
                    continue
                if code in seen:
                    self.out.problems.append(
                        f"{grid.where(row, code_col)}：{t.printed}“科目编码”{code}重复（{seen[code]} 已有）"
                    )
                    continue
                seen[code] = grid.where(row, code_col)
                used = True
                value = self._amount(row, amount_col, f"{t.printed}“{code}”行")
                if value is not None:
                    self.out.cells[f"{t.id}:{code}:{column}"] = value
                if isinstance(name, str) and name.strip():
                    self.out.labels[f"{t.id}:{code}"] = name.strip()
            if used:
                self.out.rows += 1
                self._note_hidden(row)
        for total in totals.values():
            if total not in seen:
                self.out.problems.append(f"{self.c.where}：{t.printed}没有“{total}”行，表格不完整")
        self.out.last_col = max((p[2] for p in panels), default=0)

    # -- 公开09: one row --------------------------------------------------------------------------

    def _single(self, header_row: int) -> None:
        grid, t = self.grid, self.t
        amounts: dict[int, int] = {}
        for col, value in grid.texts(header_row):
            n = _int_like(value)
            if n is not None and n in t.columns and n not in amounts:
                amounts[n] = col
        data_row = None
        for row in self._body_rows(header_row):
            if not any(grid.get(row, c) is not None for c in amounts.values()):
                continue
            if data_row is not None:
                self.out.problems.append(
                    f"{grid.where(row, min(amounts.values()))}：{t.printed}栏次下应只有一行数据（第{data_row}行已是数据）"
                )
                continue
            data_row = row
            self._note_hidden(row)
            self.out.rows = 1
            for col, sheet_col in amounts.items():
                value = self._amount(row, sheet_col, f"{t.printed}第{col}栏")
                if value is not None:
                    self.out.cells[f"{t.id}:1:{col}"] = value
        self.out.last_col = max(amounts.values())


# -- self-evaluation sheets -----------------------------------------------------------------------

_BUDGET_KEYS = {norm(title): key for key, title in SELFEVAL_BUDGET_TITLES.items()}
_KIND_BY_TITLE = {title: kind for kind, title in SELFEVAL_KIND_TITLES.items()}


class _SelfEvalReader:
    def __init__(self, grid: Grid):
        self.grid = grid
        self.problems: list[str] = []

    def value(self, row: int, col: int) -> tuple[bool, str | None]:
        """(present, text): blank cells are absent, an empty text cell is present and ''."""
        if (row, col) in self.grid.covered:
            return False, None
        v = self.grid.get(row, col)
        if v is None:
            return ((row, col) in self.grid.empty_text), ("" if (row, col) in self.grid.empty_text else None)
        if v is UNCALCULATED:
            self.problems.append(
                f"{self.grid.where(row, col)}：公式没有保存计算结果（请在 Excel 中打开、保存后再导入）"
            )
            return False, None
        return True, _cell_text(v)

    def starts(self, row: int, col: int) -> bool:
        """Whether a (merged) group cell begins at this row."""
        if (row, col) in self.grid.covered:
            return False
        return (row, col) in self.grid.merge_end or (row, col) in self.grid.values or (row, col) in self.grid.empty_text

    def read(self) -> dict[str, Any]:
        grid = self.grid
        table: dict[str, Any] = {}
        header: dict[str, str] = {}
        goals: list[dict[str, Any]] = []
        budget: dict[str, str] | None = None
        columns: dict[str, int] = {}
        goal: dict[str, Any] | None = None
        empty_cols: dict[int, list[int]] = {}
        for r, c in grid.empty_text:
            empty_cols.setdefault(r, []).append(c)
        rows = sorted(set(grid.rows) | set(empty_cols))
        skip: set[int] = set()
        title_done = False
        section = "header"
        for row in rows:
            if row in skip:
                continue
            first_col = min(grid.row_cols.get(row, [10**6]) + empty_cols.get(row, []))
            label = norm(grid.get(row, first_col)) if first_col < 10**6 else ""
            if not title_done and SELFEVAL_TITLE_SUFFIX in label:
                title_done = True
                kind = self._kind(str(grid.get(row, first_col)))
                if kind:
                    table["kind"] = kind
                continue
            head_found = False
            for _col, value in grid.texts(row):
                text = str(value).strip() if isinstance(value, str) else ""
                for key, prefix in SELFEVAL_HEAD_FIELDS.items():
                    if norm(text).startswith(norm(prefix)):
                        rest = _nfkc(text)
                        cut = rest.find(":")
                        header[key] = text[cut + 1 :].strip() if cut >= 0 else ""
                        head_found = True
            if head_found:
                continue
            if label.startswith("预算执行情况"):
                budget = {}
                start = grid.after(row, first_col)
                for col in range(start, grid.max_col + 1):
                    present, title = self.value(row, col)
                    if not present or not title:
                        continue
                    key = _BUDGET_KEYS.get(norm(title), title.strip())
                    has, value = self.value(row + 1, col)
                    if has:
                        budget[key] = value
                skip.add(row + 1)
                section = "budget"
                continue
            if label.startswith("年度目标"):
                goal = {"name": ""}
                after = grid.after(row, first_col)
                has, name = self.value(row, after)
                goal["name"] = name if has else ""
                for col, value in grid.texts(row):
                    if col > after and norm(value) == "分值":
                        has, points = self.value(row, grid.after(row, col))
                        if has:
                            goal["points"] = points
                goal["groups"] = []
                goals.append(goal)
                section = "goal"
                continue
            if label == "一级指标" and goal is not None:
                columns = self._indicator_columns(row)
                section = "indicators"
                continue
            if label == "总分" or label.startswith("偏差") or label.startswith("改进措施"):
                key = "total" if label == "总分" else "reason" if label.startswith("偏差") else "measures"
                has, value = self.value(row, grid.after(row, first_col))
                if has:
                    table[key] = value
                section = "end"
                continue
            if section == "indicators" and goal is not None:
                self._indicator(row, goal, columns)
                continue
            if section in ("header", "end") and first_col < 10**6 and label:
                key = str(grid.get(row, first_col)).strip()
                has, value = self.value(row, grid.after(row, first_col))
                if section == "header":
                    if has:
                        header[key] = value
                elif not label.startswith(("注", "备注")) and has:
                    table[key] = value
        if header:
            table["header"] = header
        if budget is not None:
            table["budget"] = budget
        if goals:
            table["goals"] = goals
        order = ["kind", "header", "budget", "goals", "total", "reason", "measures"]
        return {k: table[k] for k in order if k in table} | {k: v for k, v in table.items() if k not in order}

    def _kind(self, title: str) -> str:
        n = norm(title)
        match = re.search(r"(?:\d{4}年度?)?(.*?)" + SELFEVAL_TITLE_SUFFIX, n)
        part = match.group(1) if match else ""
        if part in _KIND_BY_TITLE:
            return _KIND_BY_TITLE[part]
        if "整体" in part:
            return "整体"
        if "项目" in part:
            return "项目"
        return part

    def _indicator_columns(self, row: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        last = None
        for col, value in self.grid.texts(row):
            n = norm(value)
            if n == "一级指标":
                columns["level1"], last = col, "level1"
            elif n == "二级指标":
                columns["level2"], last = col, "level2"
            elif n == "三级指标" or n == "指标名称":
                columns["name"], last = col, "name"
            elif n.startswith("分值") and last in ("level1", "level2"):
                columns[last + "_points"] = col
            elif n.startswith("权重"):
                columns["weight"] = col
            elif "目标" in n:
                columns["target"] = col
            elif "实际" in n or "完成值" in n:
                columns["actual"] = col
            elif n.startswith("得分"):
                columns["score"] = col
        return columns

    def _indicator(self, row: int, goal: dict[str, Any], columns: dict[str, int]) -> None:
        if not columns:
            return
        groups = goal["groups"]
        c1 = columns.get("level1")
        c2 = columns.get("level2")
        new1 = not groups or (c1 is not None and self.starts(row, c1))
        if new1:
            group1: dict[str, Any] = {"level1": ""}
            if c1 is not None:
                has, text = self.value(row, c1)
                group1["level1"] = text if has else ""
            if "level1_points" in columns:
                has, text = self.value(row, columns["level1_points"])
                if has:
                    group1["points"] = text
            group1["groups"] = []
            groups.append(group1)
        group1 = groups[-1]
        if new1 or not group1["groups"] or (c2 is not None and self.starts(row, c2)):
            group2: dict[str, Any] = {"level2": ""}
            if c2 is not None:
                has, text = self.value(row, c2)
                group2["level2"] = text if has else ""
            if "level2_points" in columns:
                has, text = self.value(row, columns["level2_points"])
                if has:
                    group2["points"] = text
            group2["indicators"] = []
            group1["groups"].append(group2)
        group2 = group1["groups"][-1]
        indicator: dict[str, Any] = {}
        any_value = False
        has, name = self.value(row, columns["name"]) if "name" in columns else (False, None)
        indicator["name"] = name if has else ""
        any_value |= has
        for key in ("weight", "target", "actual", "score"):
            if key in columns:
                has, text = self.value(row, columns[key])
                if has:
                    indicator[key] = text
                    any_value = True
        if any_value:
            group2["indicators"].append(indicator)


# -- the workbook ---------------------------------------------------------------------------------


def read_workbook(path: str | Path) -> tuple[Report, TemplateSet, ImportResult]:
    """Read a report from a workbook in the printed layout; any problem raises WorkbookError."""
    path = Path(path)
    workbook, data = _open(path)
    result = ImportResult(path=str(path))
    _refuse_covered_values(workbook, path)
    grids = [Grid(ws) for ws in workbook.worksheets]
    _resolve_formulas(grids, data)
    problems: list[str] = []
    titles = _titles()
    candidates: dict[str, list[_Candidate]] = {t: [] for t in TABLE_IDS}
    selfeval_grids: list[Grid] = []
    for grid in grids:
        if not grid.values:
            result.skipped.append(f"工作表“{grid.title}”：空白")
            continue
        if _is_summary(grid):
            result.skipped.append(f"工作表“{grid.title}”：审核结果，不含报表数据")
            continue
        if _is_selfeval(grid):
            selfeval_grids.append(grid)
            continue
        found = _candidates(grid, titles, problems)
        if not found:
            result.skipped.append(f"工作表“{grid.title}”：没有找到公开01–09表的标题或表号")
        for candidate in found:
            candidates[candidate.table].append(candidate)
    if problems:
        _fail(path, problems)
    year = _year(candidates, grids, path)
    try:
        templates = load_template_set(year)
    except TemplateError as exc:
        raise WorkbookError(f"“{path.name}”：{exc}") from None
    reads: dict[str, _TableRead] = {}
    for table_id in TABLE_IDS:
        template = templates.table(table_id)
        found = candidates[table_id]
        if not found:
            problems.append(
                f"找不到{template.printed}（{template.title}）：没有标题为“{year}年度{template.title}”或表号为“{template.printed}”的表"
            )
            continue
        attempts = [_TableReader(c, template).read() for c in found]
        real = [a for a in attempts if a.header_found]
        visible = [a for a in real if not a.candidate.grid.hidden]
        if len(real) > 1 and len(visible) == 1:  # a copy kept on a hidden sheet: the visible one counts
            for other in real:
                if other is not visible[0]:
                    result.skipped.append(f"{other.candidate.where}：隐藏工作表上的另一份{template.printed}，未读取")
            attempts = [a for a in attempts if a is visible[0] or not a.header_found]
            real = visible
        if len(real) > 1:
            places = "、".join(a.candidate.where for a in real)
            problems.append(f"{template.printed}出现了 {len(real)} 次（{places}），不知道该读哪一张")
            continue
        if not real:
            problems.extend(attempts[0].problems)
            continue
        chosen = real[0]
        if chosen.candidate.grid.hidden:
            result.notes.append(f"{template.printed}在隐藏的工作表“{chosen.candidate.grid.title}”上，已照常读取")
        for other in attempts:
            if other is not chosen:
                result.skipped.append(
                    f"{other.candidate.where}“{other.candidate.anchors[0].text if other.candidate.anchors else ''}”：只是标题或目录，下面没有表格"
                )
        problems.extend(chosen.problems)
        reads[table_id] = chosen
    selfeval = []
    for grid in selfeval_grids:
        reader = _SelfEvalReader(grid)
        table = reader.read()
        problems.extend(reader.problems)
        selfeval.append(table)
        header = table.get("header", {})
        name = header.get("项目名称") or header.get("单位名称") or header.get("表头单位名称") or ""
        count = sum(
            len(g2.get("indicators", []))
            for g in table.get("goals", [])
            for g1 in g.get("groups", [])
            for g2 in g1.get("groups", [])
        )
        result.selfeval.append(
            SelfEvalSource(
                grid.title,
                f"{sheet_ref(grid.title)}!A1:{get_column_letter(max(grid.max_col, 1))}{grid.max_row}",
                str(table.get("kind", "")),
                name,
                count,
            )
        )
    if problems:
        _fail(path, problems)
    unit_name, amount_unit = _unit(reads, selfeval, path, result)
    report = Report(unit_name, year, amount_unit)
    for table_id, read in reads.items():
        report.cells.update(read.cells)
        report.labels.update(read.labels)
        result.notes.extend(read.notes)
        result.skipped.extend(read.skipped)
        grid = read.candidate.grid
        first_col = min(
            (
                c
                for r in grid.rows_between(read.candidate.start, read.last_row or read.candidate.start)
                for c in grid.row_cols[r]
            ),
            default=1,
        )
        last_row = max(read.last_row, read.candidate.start)
        last_col = max(read.last_col, first_col)
        cells_range = f"{sheet_ref(grid.title)}!{get_column_letter(first_col)}{read.candidate.start}:{get_column_letter(last_col)}{last_row}"
        result.tables.append(
            TableSource(table_id, read.template.printed, grid.title, cells_range, read.rows, len(read.cells))
        )
    report.selfeval = selfeval
    _validate(report, templates, path)
    result.year, result.unit_name, result.amount_unit = year, unit_name, amount_unit
    return report, templates, result


def _refuse_covered_values(workbook, path: Path) -> None:
    """A value under a merged range is lost on reading (and unseen in Excel): the workbook is malformed."""
    problems = []
    for ws in workbook.worksheets:
        for coordinate, value, merged in _COVERED_VALUES.pop(ws, []):
            top = merged.split(":")[0]
            problems.append(
                f"{sheet_ref(ws.title)}!{coordinate} 有内容“{shorten(_cell_text(value))}”，却被合并单元格 {merged} 盖住"
                f"（合并单元格只保留左上角 {top} 的内容，{coordinate} 的内容在 Excel 中看不到、也无法读取）："
                f"请取消合并，或删除被盖住的内容后再导入"
            )
    if problems:
        _fail(path, problems)


def _fail(path: Path, problems: list[str]) -> None:
    unique = list(dict.fromkeys(problems))
    shown = unique[:MAX_PROBLEMS_SHOWN]
    more = f"\n（另有 {len(unique) - len(shown)} 处问题未列出）" if len(unique) > len(shown) else ""
    if len(unique) == 1:
        message = f"“{path.name}”无法导入：{unique[0]}"
    else:
        message = (
            f"“{path.name}”无法导入，有 {len(unique)} 处问题：\n"
            + "\n".join(f"{i}. {p}" for i, p in enumerate(shown, 1))
            + more
        )
    raise WorkbookError(message, unique)


def _resolve_formulas(grids: list[Grid], data: bytes) -> None:
    """Replace formulas by the results Excel saved with them (or UNCALCULATED)."""
    if not any(g.formulas for g in grids):
        return
    cached = _load(data, data_only=True)
    for grid in grids:
        if not grid.formulas:
            continue
        ws = cached[grid.title]
        for row, col in grid.formulas:
            value = ws.cell(row, col).value
            if value is None or value == "":
                grid.values[(row, col)] = UNCALCULATED
            else:
                grid.values[(row, col)] = value


def _year(candidates: dict[str, list[_Candidate]], grids: list[Grid], path: Path) -> int:
    years: Counter[int] = Counter()
    where: dict[int, str] = {}
    for found in candidates.values():
        for candidate in found:
            for anchor in candidate.anchors:
                if anchor.year:
                    years[anchor.year] += 1
                    where.setdefault(anchor.year, candidate.grid.where(anchor.row, anchor.col))
    if not years:
        for grid in grids:
            for row in grid.rows[:6]:
                for _, value in grid.texts(row):
                    if isinstance(value, str) and "年度" in value:
                        match = _YEAR.search(_nfkc(value))
                        if match:
                            years[int(match.group(1))] += 1
                            where.setdefault(int(match.group(1)), grid.title)
    if not years:
        if not any(candidates.values()):
            raise WorkbookError(
                f"“{path.name}”中找不到任何一张公开01–09表（按表号“公开01表”/“表1”或标题“收入支出决算总表”查找）"
            )
        raise WorkbookError(f"“{path.name}”：无法确定报表年度（表标题中应有“2023年度”这样的年度）")
    if len(years) > 1:
        listed = "、".join(f"{y}年度（{where[y]}）" for y in sorted(years))
        raise WorkbookError(f"“{path.name}”中各表的年度不一致：{listed}")
    return next(iter(years))


def _unit(reads: dict[str, _TableRead], selfeval: list[dict], path: Path, result: ImportResult) -> tuple[str, str]:
    names: dict[str, str] = {}
    for read in reads.values():
        for name, where in read.unit_names:
            names.setdefault(name, where)
    if len(names) > 1:
        compact = {"".join(n.split()) for n in names}
        if len(compact) > 1:
            listed = "、".join(f"“{n}”（{w}）" for n, w in names.items())
            raise WorkbookError(f"“{path.name}”中各表的部门名称不一致：{listed}")
    if names:
        unit_name = next(iter(names))
    else:
        fallback = next(
            (t.get("header", {}).get("单位名称") for t in selfeval if t.get("header", {}).get("单位名称")), None
        )
        if not fallback:
            raise WorkbookError(f"“{path.name}”：找不到单位名称（表头应有“部门：……”或“单位名称：……”）")
        unit_name = fallback
        result.notes.append(f"表头没有“部门：……”，单位名称取自绩效自评表：{unit_name}")
    units = Counter(r.amount_unit for r in reads.values() if r.amount_unit)
    if not units:
        result.notes.append("表头没有“单位：万元”，按万元读取金额")
        return unit_name, "万元"
    unit = units.most_common(1)[0][0]
    if len(units) > 1:
        result.notes.append(
            "各表的金额单位不同（"
            + "、".join(f"{r.template.printed}：{r.amount_unit}" for r in reads.values() if r.amount_unit)
            + f"），各按其单位读取，报表以{unit}显示"
        )
    return unit_name, unit


def _validate(report: Report, templates: TemplateSet, path: Path) -> None:
    problems = []
    for address in report.cells:
        try:
            parse_address(address, templates)
        except AddressError as exc:
            problems.append(str(exc))
    for key in report.labels:
        try:
            parse_row_key(key, templates)
        except AddressError as exc:
            problems.append(str(exc))
    if problems:
        _fail(path, problems)
