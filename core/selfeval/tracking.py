"""The self-evaluation tables of an open report, their findings kept up to date table by table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.findings import Describer, Finding
from core.rules.coded import SELFEVAL_COMPARISONS, SelfEvalComparison, public_cell
from core.selfeval.checks import OwnFindings, comparison_finding, comparisons_of, own_findings
from core.selfeval.model import SelfEvalError, SelfEvaluation
from core.templates import TemplateSet

#: Keys of the comparisons in the checker's dependency index: selfeval|<position>|<rule id>.
KEY_PREFIX = "selfeval|"


@dataclass(frozen=True)
class TablesUpdate:
    """What taking new tables did: the findings that came and went, and the reads that moved."""

    appeared: tuple[Finding, ...]
    disappeared: tuple[Finding, ...]
    unread: tuple[tuple[str, str], ...]  # (公开表 address, key) no longer read
    read: tuple[tuple[str, str], ...]  # (公开表 address, key) read now


class SelfEvalTracker:
    """Each table is read and checked once; it is read and checked again only when it changes.

    A table's own checks read nothing but the table; its comparisons (`SELFEVAL_COMPARISONS`) read
    one field of it and one 公开表 cell each, and `reads` tells the checker which, so that an edit of
    that cell re-evaluates just those comparisons (`refresh`).
    """

    def __init__(
        self, templates: TemplateSet, describer: Describer, amount_unit: str, values: Mapping[str, int], tables: Any
    ):
        self._describer = describer
        self._amount_unit = amount_unit
        self._values = values  # the checker's own dict, read when a comparison is evaluated
        self._addresses = {c.id: public_cell(c, templates) for c in SELFEVAL_COMPARISONS}
        self.tables: list[dict[str, Any]] = []
        self.evaluations: list[SelfEvaluation] = []
        self._own: list[OwnFindings] = []
        self._compared: list[dict[str, Finding | None]] = []
        self._listing: list[Finding] | None = None
        self.update(tables)

    # -- reading ---------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        """Every table's findings, table by table in printed order."""
        if self._listing is None:
            self._listing = [f for position in range(len(self.tables)) for f in self._table_findings(position)]
        return list(self._listing)

    def reads(self, position: int) -> list[tuple[str, str]]:
        """(公开表 address, key) of each comparison of the table at `position` (0-based)."""
        pairs = []
        for comparison in comparisons_of(self.evaluations[position]):
            address = self._addresses[comparison.id]
            if address is not None:
                pairs.append((address, _key(position, comparison)))
        return pairs

    # -- changing --------------------------------------------------------------------------

    def refresh(self, key: str) -> tuple[Finding | None, Finding | None]:
        """Evaluate one comparison again (its 公开表 cell changed); returns its finding before and after."""
        _, position_text, rule = key.split("|", 2)
        position = int(position_text)
        comparison = next(c for c in comparisons_of(self.evaluations[position]) if c.id == rule)
        before = self._compared[position][rule]
        after = self._compare(self.evaluations[position], comparison)
        if after != before:
            self._compared[position][rule] = after
            self._listing = None
        return before, after

    def update(self, tables: Any, read: Mapping[int, SelfEvaluation] | None = None) -> TablesUpdate:
        """Take new tables; read and check again only those that differ from the table at the same place
        (`read` may hold some of them already read, by position).

        A malformed table raises SelfEvalError before anything changes.
        """
        if not isinstance(tables, list):
            raise SelfEvalError("selfeval 应为自评表的列表")
        old = self.tables
        changed = [i for i, table in enumerate(tables) if i >= len(old) or table != old[i]]
        # A table's place is part of what it reads as (an unnamed project is called 第n张), so an
        # equal table at the same place reads the same; everything new is read before anything changes.
        fresh = {i: (read or {}).get(i) or SelfEvaluation.from_dict(tables[i], i + 1) for i in changed}
        gone = range(len(tables), len(old))
        touched = [*changed, *gone]
        before = [f for i in touched if i < len(old) for f in self._table_findings(i)]
        unread = [pair for i in touched if i < len(old) for pair in self.reads(i)]
        del self.evaluations[len(tables) :], self._own[len(tables) :], self._compared[len(tables) :]
        for i in changed:
            evaluation = fresh[i]
            compared = {c.id: self._compare(evaluation, c) for c in comparisons_of(evaluation)}
            if i < len(self.evaluations):
                self.evaluations[i], self._own[i], self._compared[i] = evaluation, own_findings(evaluation), compared
            else:
                self.evaluations.append(evaluation)
                self._own.append(own_findings(evaluation))
                self._compared.append(compared)
        self.tables = tables
        self._listing = None
        after = [f for i in changed for f in self._table_findings(i)]
        read = [pair for i in changed for pair in self.reads(i)]
        return TablesUpdate(
            tuple(f for f in after if f not in before),
            tuple(f for f in before if f not in after),
            tuple(p for p in unread if p not in read),
            tuple(p for p in read if p not in unread),
        )

    # -- machinery -------------------------------------------------------------------------

    def _table_findings(self, position: int) -> Iterable[Finding]:
        own = self._own[position]
        compared = [f for f in self._compared[position].values() if f is not None]
        return [*own.before, *compared, *own.after]

    def _compare(self, evaluation: SelfEvaluation, comparison: SelfEvalComparison) -> Finding | None:
        address = self._addresses[comparison.id]
        if address is None:
            return None
        public = self._values.get(address)
        return comparison_finding(evaluation, comparison, address, public, self._amount_unit, self._describer)


def _key(position: int, comparison: SelfEvalComparison) -> str:
    return f"{KEY_PREFIX}{position}|{comparison.id}"
