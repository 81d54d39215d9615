"""OpChanges: what one operation changed, so that every open view can ask whether it must refresh."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.audit import NO_CHANGE, Change


@dataclass(frozen=True)
class OpChanges:
    """The record an operation returns (after Anki's OpChanges); views update from it and nothing else.

    `audit` carries the cells whose values changed and the findings that appeared and disappeared.
    """

    audit: Change = NO_CHANGE
    #: `table:row` keys whose row name changed.
    labels: frozenset[str] = frozenset()
    #: (table, row) rows that came into, or went out of, a classification table.
    rows_added: frozenset[tuple[str, str]] = frozenset()
    rows_removed: frozenset[tuple[str, str]] = frozenset()
    #: Positions of the self-evaluation tables whose content changed; `selfeval_list` when tables were
    #: added, removed or renamed (the tree lists them).
    selfeval: frozenset[int] = frozenset()
    selfeval_list: bool = False
    #: Finding keys whose 说明 was written or removed.
    explanations: frozenset[str] = frozenset()
    #: Keys of the 情况说明's supplementary answers that were written or cleared.
    narrative: frozenset[str] = frozenset()
    #: The report's status (草稿/已审核/已锁定) changed.
    status: bool = False
    #: Reports were created, imported or removed (the list of reports changed).
    reports: frozenset[int] = field(default_factory=frozenset)

    @property
    def cells(self) -> frozenset[str]:
        return self.audit.cells

    @property
    def findings_changed(self) -> bool:
        return bool(self.audit.appeared or self.audit.disappeared)

    @property
    def rows_changed(self) -> frozenset[str]:
        """Tables whose list of rows changed."""
        return frozenset(table for table, _ in self.rows_added | self.rows_removed)
