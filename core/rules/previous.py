"""Last year's report as the cross-year rules (`上年公开01:59:2`) read it: its rows found by meaning, not number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.catalogue import load_catalogue
from core.findings import Describer, amount_as_printed
from core.report import Report
from core.rules.binding import Check
from core.rules.syntax import PREVIOUS_PREFIX
from core.templates import TableTemplate, TemplateError, TemplateSet, load_template_set

_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_SPACES = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": ""})


def previous_layout(year: int, region: str, current: TemplateSet) -> TemplateSet:
    """Last year's layout (in last year's report's region): its template file, or this year's when none."""
    try:
        return load_template_set(year, region)
    except TemplateError:
        return current


def _plain(label: str) -> str:
    return _ORDINAL.sub("", label).translate(_SPACES)


@dataclass
class PreviousYear:
    """Last year's figures keyed `上年表:行:栏` in last year's own numbering, and how to get there from this year's."""

    year: int
    current: TemplateSet
    templates: TemplateSet
    values: dict[str, int]
    labels: dict[str, str]
    _rows: dict[str, set[str]] = field(default_factory=dict)
    #: Tables of last year's report that hold any figure: a rule on an empty one is silent (not filled in,
    #: rather than all zero).
    filled: set[str] = field(default_factory=set)
    _lines: dict[tuple[str, str], str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Report, current: TemplateSet, templates: TemplateSet | None = None) -> PreviousYear:
        layout = templates or previous_layout(report.year, report.region, current)
        values, rows, filled = {}, {}, set()
        for address, fen in report.cells.items():
            table, row, _ = str(address).split(":")
            values[PREVIOUS_PREFIX + str(address)] = fen
            rows.setdefault(table, set()).add(row)
            filled.add(table)
        return cls(report.year, current, layout, values, dict(report.labels), rows, filled)

    def rows(self, table_id: str) -> set[str]:
        """The rows last year's report filled in a table."""
        return self._rows.get(table_id, set())

    def address(self, table_id: str, row: str, col: int) -> str | None:
        """The `上年…` address of this year's cell `table:row:col` in last year's layout (None: no such line).

        Classification rows are codes, the same in every year; a line of 公开01/04 is the one with the
        same label in last year's template (the line numbers differ between years).
        """
        table = self.current.tables.get(table_id)
        earlier = self.templates.tables.get(table_id)
        if table is None or earlier is None:
            return None
        if table.kind == "lines":
            key = (table_id, row)
            if key not in self._lines:
                self._lines[key] = _same_line(table, earlier, row)
            row = self._lines[key]
            if row is None or col not in earlier.row_columns(row):
                return None
        return f"{PREVIOUS_PREFIX}{table_id}:{row}:{col}"

    def row_name(self, table_id: str, row: str) -> str | None:
        label = self.labels.get(f"{table_id}:{row}")
        if label:
            return label.strip()
        table = self.templates.tables.get(table_id)
        return (
            load_catalogue(table.catalogue, table.year, table.region).get(row)
            if table is not None and table.catalogue
            else None
        )

    def describer(self) -> Describer:
        return Describer(self.templates, self.row_name)


def _same_line(table: TableTemplate, earlier: TableTemplate, row: str) -> str | None:
    """Last year's line number of this year's line `row`: the same label (exactly, else once ordinals and
    spacing are dropped), and if several lines carry it, the one in the same place."""
    line = table.lines.get(row)
    if line is None or not line.label:
        return None
    for same in (lambda lb: lb == line.label, lambda lb: _plain(lb) == _plain(line.label)):
        found = [str(n) for n, ln in earlier.lines.items() if ln.label and same(ln.label)]
        if len(found) == 1:
            return found[0]
        if found:
            return row if row in found else None
    return None


def cross_year_message(
    check: Check, describer: Describer, previous: PreviousYear, actual: int, expected: int, unit: str, year: int
) -> str:
    """The sentence of a failed cross-year identity, naming both years: a carry-over changed in between."""
    earlier = previous.describer()

    def names(terms, describe) -> str:
        text = ""
        for n, (address, sign) in enumerate(terms):
            name = describe(address.removeprefix(PREVIOUS_PREFIX))
            text += ("" if n == 0 and sign > 0 else ("＋" if sign > 0 else "－")) + name
        return text

    def current(address: str) -> str:
        return describer.cell(address, with_table=True)

    def last(address: str) -> str:
        return earlier.cell(address, with_table=True)

    shown = amount_as_printed
    relation = "大于" if check.rule.relation == "<=" else "≠"
    return (
        f"{year}年{names(check.left, current)} {shown(actual, unit)} {unit} {relation} "
        f"{previous.year}年{names(check.right, last)} {shown(expected, unit)} {unit}，"
        f"相差 {shown(abs(actual - expected), unit)} {unit}（年初数应承接上年年末数；如上年数经过调整，请在说明中写明原因）"
    )
