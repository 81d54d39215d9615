"""The figures a 情况说明 speaks of, looked up in a report by the meaning of its rows, not their numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.catalogue import load_catalogue
from core.report import Report
from core.templates import TableTemplate, TemplateSet

_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")

#: 公开09 columns: item → (预算数 column, 决算数 column).
SANGONG = {
    "三公": (1, 7),
    "因公出国": (2, 8),
    "公务用车购置及运行": (3, 9),
    "公务用车购置": (4, 10),
    "公务用车运行": (5, 11),
    "公务接待": (6, 12),
}


@dataclass(frozen=True)
class Figure:
    """An amount read from the tables: its value in 分, the cells it is made of, and its name for messages."""

    value: int
    cells: tuple[str, ...]
    name: str

    @property
    def terms(self) -> int:
        return max(1, len(self.cells))


def _label(text: str | None) -> str:
    return _ORDINAL.sub("", text or "").strip()


def previous_figures(previous: Report | None, current: TemplateSet) -> Figures | None:
    """Last year's figures in last year's layout (this year's when that year has no template file)."""
    if previous is None:
        return None
    from core.templates import TemplateError, load_template_set

    try:
        templates = load_template_set(previous.year, previous.region)
    except TemplateError:
        templates = current
    return Figures(previous, templates)


class MissingTable(LookupError):
    """A statement or section about a table the report's layout does not have (a region may print fewer)."""


class Figures:
    """Named figures of one report: totals of 公开01/04, rows of 公开03/05/06/07/08, columns of 公开09."""

    def __init__(self, report: Report, templates: TemplateSet):
        self.report = report
        self.templates = templates
        self._function = load_catalogue("function")
        self._economic = load_catalogue("economic")

    def table(self, table_id: str) -> TableTemplate:
        """The table of the report's layout; MissingTable where the region prints no such table."""
        table = self.templates.tables.get(table_id)
        if table is None:
            raise MissingTable(f"{self.templates.year}年度表式中没有{table_id}")
        return table

    # -- plain cells ---------------------------------------------------------------------------
    def cell(self, address: str, name: str) -> Figure:
        return Figure(self.report.cells.get(address, 0), (address,), name)

    def has(self, table_id: str) -> bool:
        prefix = f"{table_id}:"
        return any(a.startswith(prefix) and v for a, v in self.report.cells.items())

    def _sum(self, addresses: list[str], name: str) -> Figure:
        return Figure(sum(self.report.cells.get(a, 0) for a in addresses), tuple(addresses), name)

    # -- lines tables (公开01, 公开04), found by label ---------------------------------------------
    def line(self, table_id: str, label: str, panel: int = 0, exact: bool = True) -> Figure | None:
        table = self.table(table_id)
        if len(table.panels) <= panel:
            return None
        block = table.panels[panel]
        for ln in block.lines:
            text = _label(ln.label)
            if ln.label and (text == label if exact else label in text):
                col = ln.columns[0] if ln.columns else block.columns[0]
                where = f"{block.title}" if text == "总计" else ""
                return self.cell(f"{table_id}:{ln.number}:{col}", f"{table.printed}{where}“{text}”")
        return None

    def income_total(self) -> Figure | None:
        return self.line("公开01", "本年收入合计")

    def expense_total(self) -> Figure | None:
        return self.line("公开01", "本年支出合计", panel=1)

    def grand_total(self, table_id: str = "公开01", panel: int = 0) -> Figure | None:
        return self.line(table_id, "总计", panel=panel)

    def fiscal_income(self) -> Figure | None:
        """财政拨款收入 of 公开01: the three 财政拨款 income lines."""
        table = self.table("公开01")
        parts = []
        for ln in table.panels[0].lines:
            if ln.label and "合计" in ln.label:
                break  # the lines below 本年收入合计 are carry-overs, not this year's income
            if ln.label and "财政拨款" in ln.label:
                parts.append(f"公开01:{ln.number}:{ln.columns[0] if ln.columns else 1}")
        return self._sum(parts, "公开01表财政拨款收入（一般公共预算、政府性基金、国有资本经营）") if parts else None

    # -- classification tables --------------------------------------------------------------------
    def row_name(self, table_id: str, code: str) -> str:
        for key in (f"{table_id}:{code}", f"公开05:{code}", f"公开03:{code}", f"公开02:{code}"):
            if key in self.report.labels:
                return self.report.labels[key]
        catalogue = self._economic if table_id == "公开06" else self._function
        return catalogue.get(code, "")

    def codes(self, table_id: str, level: int | None = None) -> list[str]:
        """Codes that hold an amount in `table_id`, in code order."""
        table = self.table(table_id)
        found = set()
        for address, value in self.report.cells.items():
            t, row, _ = address.split(":")
            if t == table_id and value and row.isdigit() and (level is None or table.level(row) == level):
                found.add(row)
        return sorted(found)

    def row(self, table_id: str, code: str, col: int) -> Figure:
        table = self.table(table_id)
        name = code if not code.isdigit() else f"{code} {self.row_name(table_id, code)}"
        return self.cell(f"{table_id}:{code}:{col}", f"{table.printed}“{name}”{_column(table, col)}")

    def find_item(self, names: tuple[str, ...]) -> str | None:
        """The 公开05 code of a 类/款/项 path quoted by name (X（类）Y（款）Z（项）), or None if unknown."""
        table = self.table("公开05")
        wanted = [_norm(n) for n in names]
        candidates = set(self.codes("公开05")) | {c for c in self._function if len(c) == table.levels[len(names) - 1]}
        matches = []
        for code in candidates:
            if table.level(code) != len(names) - 1:
                continue
            path = [code[:n] for n in table.levels[: len(names)]]
            if all(_same(self.row_name("公开05", p), w) for p, w in zip(path, wanted, strict=True)):
                matches.append(code)
        if len(matches) == 1:
            return matches[0]
        # The same name path under two codes: prefer the one the report holds; otherwise undecidable.
        held = [c for c in matches if c in set(self.codes("公开05"))]
        return held[0] if len(held) == 1 else None

    def find_class(self, name: str) -> str | None:
        """A 类 code named in the text (教育支出, 社会保障和就业（类）支出 …)."""
        wanted = _norm(name)
        for code, official in self._function.items():
            if len(code) == 3 and _same(official, wanted):
                return code
        return None

    def economic_code(self, name: str, panel_codes: tuple[str, ...]) -> str | None:
        wanted = _norm(name)
        for code in panel_codes:
            if len(code) == 5 and (_same(self.row_name("公开06", code), wanted)):
                return code
        return None

    def basic_panels(self) -> dict[str, tuple[str, ...]]:
        """人员经费 / 公用经费 → the 公开06 codes printed in that part (公用经费 may be two blocks)."""
        table = self.table("公开06")
        panels: dict[str, tuple[str, ...]] = {}
        for block in table.panels:
            panels[block.title] = panels.get(block.title, ()) + block.rows
        return panels

    def personnel_total(self) -> Figure:
        return self.cell("公开06:人员经费合计:1", "公开06表“人员经费合计”")

    def public_total(self) -> Figure:
        return self.cell("公开06:公用经费合计:1", "公开06表“公用经费合计”")

    def sangong(self, item: str, budget: bool) -> Figure:
        budget_col, actual_col = SANGONG[item]
        col = budget_col if budget else actual_col
        table = self.table("公开09")
        return self.cell(f"公开09:1:{col}", f"{table.printed}第{col}栏“{table.columns.get(col, '')}”")


def _column(table: TableTemplate, col: int) -> str:
    title = table.columns.get(col)
    return f"第{col}栏“{title}”" if title else f"第{col}栏"


_BRACKETS = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": ""})


def _norm(text: str) -> str:
    return text.translate(_BRACKETS).strip()


def _same(official: str, stated: str) -> bool:
    """A stated name is the official one, allowing a dropped or added trailing 支出."""
    official = _norm(official)
    return bool(official) and (official == stated or official.removesuffix("支出") == stated.removesuffix("支出"))
