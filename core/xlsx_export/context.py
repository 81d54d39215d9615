"""What every sheet writer of one export shares: the report, its findings, and where each cell went."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from core.findings import Finding
from core.report import Report
from core.templates import TemplateSet


@dataclass
class ExportContext:
    """What every sheet writer of one export shares."""

    report: Report
    templates: TemplateSet
    findings: list[Finding]
    explanations: dict[str, str]
    version: str
    notes: list[str]
    #: address (table:row:col or table:row) → (sheet title, coordinate)
    locations: dict[str, tuple[str, str]] = field(default_factory=dict)
    sheet_of_table: dict[str, str] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return self.report.amount_unit

    def rows_in_use(self, table: str) -> set[str]:
        """The rows of `table` the report has figures or names for."""
        return self._rows_by_table.get(table, set())

    def __post_init__(self) -> None:
        self._rows_by_table: dict[str, set[str]] = defaultdict(set)
        for key in list(self.report.cells) + list(self.report.labels):
            table, row = key.split(":")[:2]
            self._rows_by_table[table].add(row)
