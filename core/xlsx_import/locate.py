"""Finding the tables in a sheet: by 表号 or title, one or several per sheet, or by the sheet's name."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from core.layout.sheets import SELFEVAL_TITLE_SUFFIX, SUMMARY_SHEET
from core.templates import DEFAULT_REGION, TemplateError, TemplateSet, available_years, load_template_set
from core.xlsx_import.sheet import SheetCells
from core.xlsx_import.text import TABLE_NUMBER, TRAILING_NUMBER, YEAR_AT_END, norm

#: Title and 表号 cells this many rows apart belong to the same table.
ANCHOR_GAP = 6


@dataclass
class Anchor:
    """A cell holding a table's 表号 or title."""

    row: int
    col: int
    table: str
    kind: str  # "title", "number" or "both"
    year: int | None
    text: str


@dataclass
class Candidate:
    """A region of a sheet that may hold one table: from its anchors to the next table's."""

    sheet: SheetCells
    table: str
    start: int  # first row of the region
    end: int  # last row of the region
    anchors: list[Anchor]

    @property
    def where(self) -> str:
        a = self.anchors[0] if self.anchors else None
        return self.sheet.where(a.row, a.col) if a else f"工作表“{self.sheet.title}”"


@functools.cache
def table_titles(region: str = DEFAULT_REGION) -> tuple[tuple[str, str], ...]:
    """(normalised title, table id), longest first, from every year's templates of `region` that load."""
    seen: dict[str, str] = {}
    for year in available_years(region):
        try:
            templates = load_template_set(year, region)
        except TemplateError:
            continue  # a broken year's file is reported when that year is read
        for table in templates.tables.values():
            seen.setdefault(norm(table.title), table.id)
    return tuple(sorted(seen.items(), key=lambda item: -len(item[0])))


def titles_of(templates: TemplateSet) -> tuple[tuple[str, str], ...]:
    """(normalised title, table id) of one given layout, longest first."""
    seen = {norm(t.title): t.id for t in templates.tables.values()}
    return tuple(sorted(seen.items(), key=lambda item: -len(item[0])))


def number_id(text: str) -> str | None:
    """The table id of a 表号 (公开01表, 表1), or None."""
    match = TABLE_NUMBER.fullmatch(text)
    if not match:
        return None
    return f"公开0{match.group(1) or match.group(2)}"


def anchor_of(text: str, titles: list[tuple[str, str]]) -> tuple[str, str, int | None] | None:
    """(table id, kind, year) if the cell text is a table's 表号 or title."""
    n = norm(text)
    if not n or len(n) > 80:
        return None
    table = number_id(n)
    if table:
        return table, "number", None
    number = None
    match = TRAILING_NUMBER.fullmatch(n)
    if match and match.group(1) and number_id(match.group(2)):
        number = number_id(match.group(2))
        n = match.group(1)
    for title, table_id in titles:
        if not n.endswith(title):
            continue
        prefix = n[: len(n) - len(title)]
        year_match = YEAR_AT_END.search(prefix)
        if prefix and not year_match and not number_id(prefix):
            continue
        if number and number != table_id:
            return number, "conflict:" + table_id, None
        year = int(year_match.group(1)) if year_match else None
        return table_id, "both" if number else "title", year
    if number:
        return number, "number", None
    return None


def is_selfeval_sheet(sheet: SheetCells) -> bool:
    """Whether the sheet is a 绩效自评表 (its title in the first rows)."""
    for row in sheet.rows[:3]:
        for _, value in sheet.texts(row):
            if isinstance(value, str) and SELFEVAL_TITLE_SUFFIX in norm(value):
                return True
    return False


def is_summary_sheet(sheet: SheetCells) -> bool:
    """Whether the sheet is an export's 审核结果 sheet."""
    if sheet.title == SUMMARY_SHEET:
        return True
    first = sheet.get(1, 1)
    return isinstance(first, str) and norm(first).endswith("审核结果")


def find_candidates(sheet: SheetCells, titles, problems: list[str]) -> list[Candidate]:
    """The regions of a sheet that may hold tables; contradictory 表号 and titles go to `problems`."""
    anchors: list[Anchor] = []
    for (row, col), value in sorted(sheet.values.items()):
        if not isinstance(value, str):
            continue
        found = anchor_of(value, titles)
        if not found:
            continue
        table, kind, year = found
        if kind.startswith("conflict:"):
            other = kind.split(":", 1)[1]
            problems.append(
                f"{sheet.where(row, col)}：标题“{value.strip()}”是{printed_id(other)}，表号却是{printed_id(table)}"
            )
            continue
        anchors.append(Anchor(row, col, table, kind, year, value.strip()))
    groups: list[list[Anchor]] = []
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
                    f"{sheet.where(title.row, title.col)}：标题“{title.text}”是{printed_id(title.table)}，"
                    f"而 {sheet.where(number.row, number.col)} 的表号是{printed_id(number.table)}"
                )
        groups.append([anchor])
    result = []
    for i, group in enumerate(groups):
        start = min(a.row for a in group)
        end = (min(a.row for a in groups[i + 1]) - 1) if i + 1 < len(groups) else sheet.max_row
        result.append(Candidate(sheet, group[0].table, start, end, group))
    if not result:
        found = anchor_of(sheet.title, titles)
        if found and not found[1].startswith("conflict"):
            result.append(Candidate(sheet, found[0], 1, sheet.max_row, []))
    return result


def printed_id(table_id: str) -> str:
    """A table id as printed: 公开01表."""
    return f"{table_id}表"
