"""Binding: a parsed rule expanded onto a year's layout and the rows a report has, as checks on concrete cells."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from core.rules.syntax import CLASS_PLACEHOLDER, CODE_PLACEHOLDER, RuleSpec, RuleSyntaxError, Term
from core.templates import TableTemplate, TemplateSet


class PreviousYear(Protocol):
    """Last year's report as binding sees it (core.rules.previous.PreviousYear)."""

    def rows(self, table_id: str) -> set[str]:
        """The rows last year's report filled in a table."""

    def address(self, table_id: str, row: str, col: int) -> str | None:
        """The `上年…` address of this year's cell in last year's layout, None when it has no such line."""


@dataclass(frozen=True)
class Check:
    """One instance of a rule on concrete cells."""

    key: str
    rule: RuleSpec
    left: tuple[tuple[str, int], ...]  # (address, sign)
    right: tuple[tuple[str, int], ...]
    wording: str = ""  # for hierarchy checks: 各类 / 其下各款 / 其下各项

    @functools.cached_property
    def addresses(self) -> tuple[str, ...]:
        """Every cell the check reads: what the checker's index files it under."""
        return tuple(a for a, _ in self.left + self.right)


def address(table: str, row: str, col: int) -> str:
    return f"{table}:{row}:{col}"


def rows_of(table: TableTemplate, present: Mapping[str, Iterable[str]]) -> list[str]:
    """Rows of `table` that exist now: its fixed rows and, for classification tables, rows in use."""
    rows = list(table.fixed_rows)
    if table.kind == "classification":
        rows += [r for r in present.get(table.id, ()) if r not in rows]
    return rows


def expand(
    rule: RuleSpec,
    templates: TemplateSet,
    present: Mapping[str, Iterable[str]],
    previous: PreviousYear | None = None,
) -> list[Check]:
    """Concrete checks of `rule` given the rows present in each classification table.

    A rule reading last year's report (`上年…`) has no checks without `previous`.
    """
    if rule.form == "rows":
        return _expand_rows(rule, templates.table(rule.table))
    if rule.form == "columns":
        table = templates.table(rule.table)
        return _expand_columns(rule, table, rows_of(table, present))
    if rule.form == "hierarchy":
        table = templates.table(rule.table)
        return _expand_hierarchy(rule, table, rows_of(table, present))
    if rule.cross_year and previous is None:
        return []
    return _expand_cells(rule, templates, present, previous)


def expand_new_row(
    rule: RuleSpec,
    templates: TemplateSet,
    present: Mapping[str, Iterable[str]],
    table_id: str,
    row: str,
    tree: RowTree | None = None,
    previous: PreviousYear | None = None,
) -> list[Check]:
    """The checks of `rule` that a row just added to `table_id` creates or changes (the rest stay as they are).

    `tree`, the table's rows with the new one already in it, spares looking at every row of the table.
    """
    table = templates.table(table_id)
    if rule.form == "columns":
        return _expand_columns(rule, table, [row])
    if rule.form == "hierarchy":
        if table.level(row) is None:
            return []
        if tree is None:
            tree = RowTree(table, rows_of(table, present))
        # Only the parents whose parts the row changed: its own, and further up while each parent
        # was new itself (a 项 under a 款 already there leaves the 类 and 合计 as they were).
        changed = []
        node = row
        while (parent := table.parent(node)) is not None:
            changed.append(parent)
            if parent in tree or len(tree.parts(parent)) > 1:
                break
            node = parent
        return _hierarchy_checks(rule, table, {parent: tree.parts(parent) for parent in changed})
    if rule.form == "cells" and CODE_PLACEHOLDER in rule.text:
        if table.level(row) is None and row != table.total_row:
            return []
        if rule.cross_year and previous is None:
            return []
        tables = [templates.table(t) for t in dict.fromkeys(t for t, _, _ in rule.references())]
        return _substitute(rule, [{t.id: row for t in tables}], previous)
    return []


def depends_on_rows(rule: RuleSpec, templates: TemplateSet) -> set[str]:
    """Classification tables whose set of rows changes this rule's checks."""
    if rule.form in ("columns", "hierarchy"):
        return {rule.table} if templates.table(rule.table).kind == "classification" else set()
    if rule.form == "cells" and CODE_PLACEHOLDER in rule.text:
        return {t for t in rule.tables() if templates.table(t).kind == "classification"}
    return set()


def _check(rule: RuleSpec, left: list[tuple[str, int]], right: list[tuple[str, int]], wording: str = "") -> Check:
    return Check(f"{rule.id}|{left[0][0]}", rule, tuple(left), tuple(right), wording)


def _expand_rows(rule: RuleSpec, table: TableTemplate) -> list[Check]:
    terms = rule.left + rule.right
    shared = set(table.row_columns(terms[0].ref))
    for term in terms[1:]:
        shared &= set(table.row_columns(term.ref))
    return [
        _check(
            rule,
            [(address(table.id, t.ref, col), t.sign) for t in rule.left],
            [(address(table.id, t.ref, col), t.sign) for t in rule.right],
        )
        for col in sorted(shared)
    ]


def _expand_columns(rule: RuleSpec, table: TableTemplate, rows: Iterable[str]) -> list[Check]:
    needed = {int(t.ref) for t in rule.left + rule.right}
    checks = []
    for row in rows:
        if needed <= set(table.row_columns(row)):
            checks.append(
                _check(
                    rule,
                    [(address(table.id, row, int(t.ref)), t.sign) for t in rule.left],
                    [(address(table.id, row, int(t.ref)), t.sign) for t in rule.right],
                )
            )
    return checks


_LEVEL_WORDS = ("各类", "其下各款", "其下各项", "其下各目")


class RowTree:
    """The rows of a classification table as a tree: the parts of every parent (a missing parent row still has them)."""

    def __init__(self, table: TableTemplate, rows: Iterable[str]):
        self.table = table
        self._parts: dict[str, set[str]] = {}
        self._rows: set[str] = set()
        for row in rows:
            self.add(row)

    def add(self, row: str) -> None:
        """Put a row into the tree (a row already in it stays as it is)."""
        if row in self._rows:
            return
        self._rows.add(row)
        table = self.table
        node = row
        while (parent := table.parent(node)) is not None:
            self._parts.setdefault(parent, set()).add(node)
            node = parent

    def parts(self, parent: str) -> set[str]:
        """The direct parts of `parent`: its rows one level down, or the 类 of the total row."""
        return self._parts.get(parent, set())

    def parents(self) -> list[str]:
        """Every row that has parts, the total row first, then by code."""
        return sorted(self._parts, key=lambda r: (r != self.table.total_row, r))

    def __contains__(self, row: str) -> bool:
        """Whether `row` is one of the table's rows (not only the missing parent of some)."""
        return row in self._rows


def _expand_hierarchy(rule: RuleSpec, table: TableTemplate, rows: Iterable[str]) -> list[Check]:
    """Parent = Σ direct parts, for every parent that has parts among `rows`."""
    # A parent with parts but no row of its own still gets a check: its missing row counts as blank.
    tree = RowTree(table, rows)
    return _hierarchy_checks(rule, table, {parent: tree.parts(parent) for parent in tree.parents()})


def _hierarchy_checks(rule: RuleSpec, table: TableTemplate, children: Mapping[str, Iterable[str]]) -> list[Check]:
    checks = []
    for parent in sorted(children, key=lambda r: (r != table.total_row, r)):
        parts = sorted(children[parent])
        if not parts:
            continue
        level = table.level(parts[0]) or 0
        for col in table.columns:
            checks.append(
                _check(
                    rule,
                    [(address(table.id, parent, col), 1)],
                    [(address(table.id, part, col), 1) for part in parts],
                    _LEVEL_WORDS[min(level, len(_LEVEL_WORDS) - 1)],
                )
            )
    return checks


def _expand_cells(
    rule: RuleSpec, templates: TemplateSet, present: Mapping[str, Iterable[str]], previous: PreviousYear | None
) -> list[Check]:
    tables = [templates.table(t) for t in dict.fromkeys(t for t, _, _ in rule.references())]
    if CLASS_PLACEHOLDER in rule.text:
        lines_table = next((t for t in tables if t.kind == "lines"), None)
        if lines_table is None:
            raise RuleSyntaxError(f"关系“{rule.id}”用了 [类]，但没有引用行次表")
        class_lines = lines_table.class_lines()
        substitutions = [
            {t.id: (class_lines[code] if t.kind == "lines" else code) for t in tables} for code in sorted(class_lines)
        ]
    elif CODE_PLACEHOLDER in rule.text:
        codes: dict[str, None] = {}
        for t in tables:
            codes.update(dict.fromkeys(r for r in rows_of(t, present) if t.level(r) is not None or r == t.total_row))
        if previous is not None:
            # A code last year carried forward still needs its 年初 this year, even if the row is gone.
            for t in {term.address.split(":")[0] for term in rule.right if term.previous}:
                table = templates.table(t)
                codes.update(dict.fromkeys(r for r in sorted(previous.rows(t)) if table.level(r) is not None))
        substitutions = [{t.id: code for t in tables} for code in sorted(codes, key=lambda c: (not c.isdigit(), c))]
    else:
        substitutions = [{}]
    return _substitute(rule, substitutions, previous)


def _substitute(
    rule: RuleSpec, substitutions: list[dict[str, str]], previous: PreviousYear | None = None
) -> list[Check]:
    checks = []
    for sub in substitutions:
        left = [_resolve(t, sub, previous) for t in rule.left]
        right = [_resolve(t, sub, previous) for t in rule.right]
        # A 上年 term with no line of the same meaning in last year's layout: nothing to compare with.
        if None not in left and None not in right:
            checks.append(_check(rule, left, right))
    return checks


def _resolve(term: Term, substitution: dict[str, str], previous: PreviousYear | None) -> tuple[str, int] | None:
    """A term's concrete address, its placeholder row replaced for its table; a 上年 term's in last year's layout."""
    table_id, row, col = term.address.split(":")
    row = substitution[table_id] if row.startswith("[") else row
    if not term.previous:
        return address(table_id, row, int(col)), term.sign
    found = previous.address(table_id, row, int(col)) if previous is not None else None
    return None if found is None else (found, term.sign)
