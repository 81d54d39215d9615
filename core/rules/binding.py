"""Binding: a parsed rule expanded onto a year's layout and the rows a report has, as checks on concrete cells."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.rules.syntax import CLASS_PLACEHOLDER, CODE_PLACEHOLDER, RuleSpec, RuleSyntaxError, Term
from core.templates import TableTemplate, TemplateSet


@dataclass(frozen=True)
class Check:
    """One instance of a rule on concrete cells."""

    key: str
    rule: RuleSpec
    left: tuple[tuple[str, int], ...]  # (address, sign)
    right: tuple[tuple[str, int], ...]
    wording: str = ""  # for hierarchy checks: 各类 / 其下各款 / 其下各项

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(a for a, _ in self.left + self.right)


def address(table: str, row: str, col: int) -> str:
    return f"{table}:{row}:{col}"


def rows_of(table: TableTemplate, present: Mapping[str, Iterable[str]]) -> list[str]:
    """Rows of `table` that exist now: its fixed rows and, for classification tables, rows in use."""
    rows = list(table.fixed_rows)
    if table.kind == "classification":
        rows += [r for r in present.get(table.id, ()) if r not in rows]
    return rows


def expand(rule: RuleSpec, templates: TemplateSet, present: Mapping[str, Iterable[str]]) -> list[Check]:
    """Concrete checks of `rule` given the rows present in each classification table."""
    if rule.form == "rows":
        return _expand_rows(rule, templates.table(rule.table))
    if rule.form == "columns":
        table = templates.table(rule.table)
        return _expand_columns(rule, table, rows_of(table, present))
    if rule.form == "hierarchy":
        table = templates.table(rule.table)
        return _expand_hierarchy(rule, table, rows_of(table, present))
    return _expand_cells(rule, templates, present)


def expand_new_row(
    rule: RuleSpec, templates: TemplateSet, present: Mapping[str, Iterable[str]], table_id: str, row: str
) -> list[Check]:
    """The checks of `rule` that a row just added to `table_id` creates or changes (the rest stay as they are)."""
    table = templates.table(table_id)
    if rule.form == "columns":
        return _expand_columns(rule, table, [row])
    if rule.form == "hierarchy":
        if table.level(row) is None:
            return []
        ancestors = []
        node = row
        while (node := table.parent(node)) is not None:
            ancestors.append(node)
        rows = rows_of(table, present)
        family = [r for r in rows if r.startswith(row[: table.levels[0]])]
        if len(family) > 1 and table.total_row in ancestors:
            # The row's 类 was already there: the 合计 row's parts did not change, and only the
            # row's own 类 family needs to be looked at.
            ancestors.remove(table.total_row)
            rows = family
        return _expand_hierarchy(rule, table, rows, ancestors)
    if rule.form == "cells" and CODE_PLACEHOLDER in rule.text:
        if table.level(row) is None and row != table.total_row:
            return []
        tables = [templates.table(t) for t in dict.fromkeys(t for t, _, _ in rule.references())]
        return _substitute(rule, [{t.id: row for t in tables}])
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


def _expand_hierarchy(
    rule: RuleSpec, table: TableTemplate, rows: Iterable[str], parents: Iterable[str] | None = None
) -> list[Check]:
    """Parent = Σ direct parts, for every parent (or only `parents`) that has parts among `rows`."""
    # A parent with parts but no row of its own still gets a check: its missing row counts as blank.
    wanted = None if parents is None else set(parents)
    children: dict[str, set[str]] = {}
    for row in rows:
        node = row
        while (parent := table.parent(node)) is not None:
            if wanted is None or parent in wanted:
                children.setdefault(parent, set()).add(node)
            node = parent
    checks = []
    for parent in sorted(children, key=lambda r: (r != table.total_row, r)):
        parts = sorted(children[parent])
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


def _expand_cells(rule: RuleSpec, templates: TemplateSet, present: Mapping[str, Iterable[str]]) -> list[Check]:
    tables = [templates.table(t) for t in dict.fromkeys(t for t, _, _ in rule.references())]
    if CLASS_PLACEHOLDER in rule.text:
        lines_table = next((t for t in tables if t.kind == "lines"), None)
        if lines_table is None:
            raise RuleSyntaxError(f"关系“{rule.id}”用了 [类]，但没有引用行次表")
        substitutions = [
            {t.id: (lines_table.class_lines()[code] if t.kind == "lines" else code) for t in tables}
            for code in sorted(lines_table.class_lines())
        ]
    elif CODE_PLACEHOLDER in rule.text:
        codes: dict[str, None] = {}
        for t in tables:
            codes.update(dict.fromkeys(r for r in rows_of(t, present) if t.level(r) is not None or r == t.total_row))
        substitutions = [{t.id: code for t in tables} for code in sorted(codes, key=lambda c: (not c.isdigit(), c))]
    else:
        substitutions = [{}]
    return _substitute(rule, substitutions)


def _substitute(rule: RuleSpec, substitutions: list[dict[str, str]]) -> list[Check]:
    return [
        _check(rule, [_resolve(t, sub) for t in rule.left], [_resolve(t, sub) for t in rule.right])
        for sub in substitutions
    ]


def _resolve(term: Term, substitution: dict[str, str]) -> tuple[str, int]:
    """A term's concrete address, its placeholder row replaced for its table."""
    table_id, row, col = term.ref.split(":")
    return address(table_id, substitution[table_id] if row.startswith("[") else row, int(col)), term.sign
