"""What every table reader shares: the header search, the unit line, the rows to read, the amounts."""

from __future__ import annotations

import datetime as dt
import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.layout.tables import HeaderCell, table_columns
from core.money import AmountError, in_range, out_of_range, parse_amount, shorten, unit_fen
from core.templates import TableTemplate
from core.xlsx_import.locate import Candidate
from core.xlsx_import.sheet import UNCALCULATED
from core.xlsx_import.text import AMOUNT_UNIT, END_MARK, PLAIN_UNIT_NAME, UNIT_NAME, cell_text, int_like, nfkc, norm

#: How far below its title or 表号 a table's 栏次 row may be.
HEADER_SEARCH_ROWS = 20


@dataclass
class TableRead:
    """What reading one table gave: cells, labels, problems, notes and where it ended."""

    candidate: Candidate
    template: TableTemplate
    header_found: bool = False
    cells: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unit_names: list[tuple[str, str]] = field(default_factory=list)  # (name, where)
    unit_kind: str | None = None  # 部门 or 单位, as printed before the name
    amount_unit: str | None = None
    rows: int = 0
    last_row: int = 0
    last_col: int = 0
    hidden: list[int] = field(default_factory=list)
    variant: str | None = None  # the layout variant recognised by the labels (None: the default)


class TableReader(ABC):
    """Reading one table found in a sheet; a subclass per kind finds the header and reads the body."""

    def __init__(self, candidate: Candidate, template: TableTemplate, default_unit: str = "万元"):
        self.c = candidate
        self.sheet = candidate.sheet
        self.t = template
        self.out = TableRead(candidate, template)
        self.unit = default_unit
        self.rounded: list[str] = []

    @abstractmethod
    def find_header(self) -> int | None:
        """The sheet row of the header row the body is read by (栏次 row), or None."""

    @abstractmethod
    def read_body(self, header_row: int) -> None:
        """Read the rows under `header_row` into self.out."""

    def read(self) -> TableRead:
        header = self.find_header()
        if header is not None:
            self._head_lines(header)
            self.read_body(header)
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
            self.out.notes.append(f"{self.t.printed}：工作表“{self.sheet.title}”第 {rows} 行是隐藏行，已照常读取")
        return self.out

    def _head_lines(self, header_row: int) -> None:
        """Unit name and amount unit from the lines between the title and the header."""
        first = max(1, self.c.start - 2)
        for row in self.sheet.rows_between(first, header_row - 1):
            for col, value in self.sheet.texts(row):
                if not isinstance(value, str):
                    continue
                text = value.strip()
                unit = AMOUNT_UNIT.search(nfkc(text))
                if unit:
                    self.out.amount_unit = unit.group(1)
                name = UNIT_NAME.search(text) or PLAIN_UNIT_NAME.search(text)
                if name and name.group(1).strip() and name.group(1).strip() not in ("万元", "元"):
                    self.out.unit_names.append((name.group(1).strip(), self.sheet.where(row, col)))
                    # The tables print 部门：… for a department's report, 单位：… for a unit's.
                    self.out.unit_kind = "部门" if nfkc(text).startswith("部门") else "单位"
        if self.out.amount_unit:
            self.unit = self.out.amount_unit

    def _header_rows(self) -> list[int]:
        return self.sheet.rows_between(self.c.start, min(self.c.end, self.c.start + HEADER_SEARCH_ROWS))

    def _header_by_texts(self) -> int | None:
        """No 栏次 row printed: the last header row, found by the template's header texts; the sheet column
        under each header path (the texts above it, top to bottom) goes into self.by_header."""
        layout = table_columns(self.t)
        wanted_top = [norm(h.text) for h in layout.header if h.row == 0 and norm(h.text)]
        paths = _paths(layout.header, layout.width)
        for row in self._header_rows():
            texts = {norm(v) for _, v in self.sheet.texts(row)}
            if not wanted_top or not set(wanted_top) <= texts:
                continue
            header_rows = self.sheet.rows_between(row, row + layout.header_rows - 1)
            last = row + layout.header_rows - 1
            sheet_paths: dict[tuple[str, ...], list[int]] = {}
            for col in range(1, self.sheet.max_col + 1):
                path, tops = [], set()
                for r in range(row, last + 1):
                    top = self.sheet.covered.get((r, col), (r, col))
                    text = norm(self.sheet.get(*top)) if top not in tops else ""
                    tops.add(top)
                    if text:
                        path.append(text)
                if path:
                    sheet_paths.setdefault(tuple(path), []).append(col)
            self.by_header = {}
            for layout_col, path in paths.items():
                cols = sheet_paths.get(path, [])
                used = sorted(set(cols) - set(self.by_header.values()))
                if used:
                    self.by_header[layout_col] = used[0]
            if header_rows:
                return last
        return None

    def _sheet_col(self, layout_col: int) -> int | None:
        return getattr(self, "by_header", {}).get(layout_col)

    def _amount_columns(self, header_row: int) -> dict[int, int]:
        """栏次 number → sheet column, from the 栏次 row (the first column that prints each number), or from the
        header texts where no 栏次 row is printed."""
        if not self.t.column_numbers:
            layout = table_columns(self.t)
            found = {n: self._sheet_col(c) for n, c in layout.amounts.items()}
            return {n: c for n, c in found.items() if c is not None}
        amounts: dict[int, int] = {}
        for col, value in self.sheet.texts(header_row):
            n = int_like(value)
            if n is not None and n in self.t.columns and n not in amounts:
                amounts[n] = col
        return amounts

    def _find_lanci_row(self) -> int | None:
        if not self.t.column_numbers:
            return self._header_by_texts()
        wanted = sorted(self.t.columns)
        for row in self._header_rows():
            texts = [norm(v) for _, v in self.sheet.texts(row)]
            # A classification table's data begin with its 合计 row or a code: it prints no 栏次 row. (In a
            # lines table 合计 heads columns: 2023's 公开04 prints it over the three kinds of 财政拨款.)
            if (
                texts
                and self.t.kind == "classification"
                and (texts[0] == "合计" or (texts[0].isdigit() and len(texts[0]) >= 3))
            ):
                return None
            if "栏次" in texts:
                return row
            numbers = [n for n in (int_like(v) for _, v in self.sheet.texts(row)) if n is not None]
            if numbers[: len(wanted)] == wanted and self.t.kind == "classification":
                return row
        return None

    def _body_rows(self, header_row: int) -> Iterator[int]:
        """Rows after the header up to the notes under the table (the notes are skipped)."""
        rows = self.sheet.rows_between(header_row + 1, self.c.end)
        for i, row in enumerate(rows):
            first = next(iter(self.sheet.texts(row)), None)
            if first is not None and isinstance(first[1], str) and END_MARK.search(norm(first[1])):
                rest = rows[i:]
                self.out.skipped.append(
                    f"{self.sheet.where(row, first[0])}起 {len(rest)} 行：{self.t.printed}下方的注释和说明，不含数据"
                )
                return
            self.out.last_row = row
            yield row

    def _amount(self, row: int, col: int, what: str) -> int | None:
        value = self.sheet.get(row, col)
        if value is None:
            return None
        where = self.sheet.where(row, col)
        if value is UNCALCULATED:
            self.out.problems.append(
                f"{where}：{what}是公式，但文件中没有保存计算结果（请在 Excel 中打开、保存后再导入）"
            )
            return None
        if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
            self.out.problems.append(f"{where}：{what}的金额“{cell_text(value)}”无法识别")
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
            self.out.problems.append(f"{where}：{out_of_range(cell_text(value), self.unit)}")
            return None
        try:
            rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            self.out.problems.append(f"{where}：{out_of_range(cell_text(value), self.unit)}")
            return None
        if abs(exact - rounded) > Decimal(1).scaleb(-decimals - 3):
            self.rounded.append(where)
        return int(rounded.scaleb(decimals))

    def _note_hidden(self, row: int) -> None:
        if row in self.sheet.hidden_rows and row not in self.out.hidden:
            self.out.hidden.append(row)


def _paths(header: list[HeaderCell], width: int) -> dict[int, tuple[str, ...]]:
    """Each column's header texts, top to bottom (a cell spanning columns heads each of them)."""
    paths: dict[int, list[str]] = {c: [] for c in range(width)}
    for h in sorted(header, key=lambda h: (h.row, h.col)):
        text = norm(h.text)
        for c in range(h.col, min(h.col + h.colspan, width)):
            if text:
                paths[c].append(text)
    return {c: tuple(p) for c, p in paths.items() if p}
