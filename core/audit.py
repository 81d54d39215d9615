"""Incremental checker: set a cell, get the findings that changed; a full audit is the same engine."""

from __future__ import annotations

import bisect
import gc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.catalogue import KINDS, addition_problem, load_catalogue, with_additions
from core.findings import Describer, Finding, check_message, sort_key
from core.report import Report, parse_address, parse_row_key
from core.rules.binding import Check, RowTree, depends_on_rows, expand, expand_new_row, rows_of
from core.rules.coded import CATALOGUE, NEGATIVE_AMOUNT, catalogue_row, checker_rules, negative_amount
from core.rules.previous import PreviousYear, cross_year_message
from core.rules.rounding import classify, half_digit
from core.rules.syntax import PREVIOUS_PREFIX, RuleSpec
from core.selfeval.model import SelfEvaluation
from core.selfeval.tracking import KEY_PREFIX as SELFEVAL_KEY
from core.selfeval.tracking import SelfEvalTracker, TablesUpdate
from core.templates import TemplateSet


@dataclass(frozen=True)
class Change:
    """What one edit did: the cells whose value changed and the findings that came and went."""

    cells: frozenset[str]
    appeared: tuple[Finding, ...]
    disappeared: tuple[Finding, ...]


NO_CHANGE = Change(frozenset(), (), ())


class Checker:
    """Holds one report's figures and its current findings, kept up to date edit by edit.

    Every rule is found through what it reads (`core.rules.coded` lists the coded ones): the index
    maps a cell to the checks and self-evaluation comparisons that read it, a cell's own rule
    (金额非负) and a row's (科目编码/科目名称) are keyed by that cell or row, and a self-evaluation
    table is re-checked only when it changes.

    With last year's report (`previous`) the cross-year rules (`上年…`) are checked too; without, they are silent.
    """

    def __init__(self, templates: TemplateSet, report: Report, previous: Report | None = None):
        # Building makes many small objects that all live on; the cyclic collector would only
        # walk them again and again (a third of a large audit's time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(templates, report, previous)
        finally:
            if collecting:
                gc.enable()

    def _build(self, templates: TemplateSet, report: Report, previous: Report | None) -> None:
        self.templates = templates
        self.previous = PreviousYear.of(previous, templates) if previous is not None else None
        self.amount_unit = report.amount_unit
        self._half = half_digit(self.amount_unit)  # half of the last printed digit: what rounding moves one figure by
        self.values: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        for text, value in report.cells.items():
            self.values[str(parse_address(text, templates))] = value
        for key, label in report.labels.items():
            table, row = parse_row_key(key, templates)
            self.labels[f"{table}:{row}"] = label
        # The catalogues of the report's year and region, with the codes the user added to this report.
        self.year, self.region = report.year, report.region
        self.additions = {k: dict(v) for k, v in report.catalogue_additions.items() if v}
        self._catalogues = {k: self._catalogue(k) for k in KINDS}
        self.present: dict[str, set[str]] = {}
        for key in list(self.values) + list(self.labels):
            table, row = key.split(":")[:2]
            self.present.setdefault(table, set()).add(row)
        self.describer = Describer(templates, self.row_name, report.variants)
        self._rules: list[RuleSpec] = checker_rules(templates)
        self._row_rules: dict[str, list[RuleSpec]] = {}
        for rule in self._rules:
            for table in depends_on_rows(rule, templates):
                self._row_rules.setdefault(table, []).append(rule)
        self._trees = {
            t.id: RowTree(t, rows_of(t, self.present)) for t in templates.tables.values() if t.kind == "classification"
        }
        self.unit_name, self.year = report.unit_name, report.year
        self._checks: dict[str, Check] = {}
        self._index: dict[str, set[str]] = {}
        self._findings: dict[str, Finding] = {}
        for rule in self._rules:
            self._install(rule)
        for key in self._checks:
            self._refresh(key)
        for table, rows in self.present.items():
            for row in rows:
                self._refresh(_row_key(table, row))
        for address in self.values:
            self._refresh(_cell_key(address))
        # The findings of the 公开表 kept in their listing order, so that listing them never sorts.
        self._sort_key = sort_key(templates)
        self._order = sorted((self._sort_key(f), k) for k, f in self._findings.items())
        self._listing: list[Finding] | None = None
        self._selfeval = SelfEvalTracker(templates, self.describer, self.amount_unit, self.values, report.selfeval)
        for position in range(len(self._selfeval.tables)):
            self._index_reads(self._selfeval.reads(position))

    # -- reading ---------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        """Current findings in table order, errors first; then the self-evaluation tables' in printed order."""
        if self._listing is None:
            self._listing = [self._findings[key] for _, key in self._order]
        return self._listing + self._selfeval.findings()

    @property
    def selfeval(self) -> list[dict[str, Any]]:
        """The self-evaluation tables as in the report file; replace them with `set_selfeval`, never in place."""
        return self._selfeval.tables

    def row_name(self, table_id: str, row: str) -> str | None:
        """The row's name as typed (unless it is only the code), else the catalogue's."""
        label = self.labels.get(f"{table_id}:{row}")
        if label and label.strip() != row:
            return label.strip()
        table = self.templates.table(table_id)
        return self._catalogues[table.catalogue].get(row) or label if table.catalogue else label

    def catalogue(self, kind: str) -> Mapping[str, str]:
        """The report's `function` or `economic` catalogue: its year's and region's, with its own additions."""
        return self._catalogues[kind]

    def _catalogue(self, kind: str) -> Mapping[str, str]:
        return with_additions(load_catalogue(kind, self.year, self.region), self.additions.get(kind))

    def rules_reading(self, address: str) -> int:
        """How many checks read this cell, self-evaluation comparisons included (for benchmarks and tooltips)."""
        return len(self._index.get(address, ()))

    # -- editing ---------------------------------------------------------------------------

    def set(self, address: str, value: int | None) -> Change:
        """Give a cell a value in 分 (None clears it); re-check only what reads that cell."""
        cell = parse_address(address, self.templates)
        address = str(cell)
        if self.values.get(address) == value:
            return NO_CHANGE
        if value is None:
            del self.values[address]
        else:
            self.values[address] = value
        keys = set(self._index.get(address, ()))
        keys.add(_cell_key(address))
        keys |= self._add_row(cell.table, cell.row)
        appeared, disappeared = self._refresh_all(keys)
        return Change(frozenset({address}), appeared, disappeared)

    def set_label(self, table_id: str, row: str, label: str | None) -> Change:
        """Give a row its printed or typed name (None or blank removes it)."""
        table_id, row = parse_row_key(f"{table_id}:{row}", self.templates)
        key = f"{table_id}:{row}"
        label = (label or "").strip() or None
        if self.labels.get(key) == label:
            return NO_CHANGE
        if label is None:
            del self.labels[key]
        else:
            self.labels[key] = label
        keys = {_row_key(table_id, row)} | self._add_row(table_id, row)
        # Every message that names this row: its checks and its cells' own findings.
        for col in self.templates.table(table_id).row_columns(row):
            keys |= self._index.get(f"{key}:{col}", set()) | {_cell_key(f"{key}:{col}")}
        appeared, disappeared = self._refresh_all(keys)
        return Change(frozenset(), appeared, disappeared)

    def set_catalogue_code(self, kind: str, code: str, name: str | None) -> Change:
        """Add a code to this report's catalogue (None takes the addition away); re-check its rows."""
        name = (name or "").strip() or None
        additions = self.additions.setdefault(kind, {}) if kind in KINDS else {}
        if additions.get(code) == name:
            return NO_CHANGE
        if name is not None:
            problem = addition_problem(kind, code, name, load_catalogue(kind, self.year, self.region))
            if problem:
                raise ValueError(problem)
            additions[code] = name
        else:
            del additions[code]
        self._catalogues[kind] = self._catalogue(kind)
        keys: set[str] = set()
        for table in self.templates.tables.values():
            if table.catalogue != kind or code not in self.present.get(table.id, ()):
                continue
            keys.add(_row_key(table.id, code))
            for col in table.row_columns(code):  # messages that name the row by its catalogue name
                address = f"{table.id}:{code}:{col}"
                keys |= self._index.get(address, set()) | {_cell_key(address)}
        appeared, disappeared = self._refresh_all(keys)
        return Change(frozenset(), appeared, disappeared)

    def selfeval_names(self) -> list[str]:
        """The self-evaluation tables' names as their findings name them, in order."""
        return [evaluation.table for evaluation in self._selfeval.evaluations]

    def set_selfeval(self, tables: list[dict], read: Mapping[int, SelfEvaluation] | None = None) -> Change:
        """Replace the self-evaluation tables (as in the report file); only the tables that differ are re-checked.

        The checker keeps `tables` as they are: give it a new list (and new dicts for changed tables)
        rather than changing the ones it holds. A malformed table raises SelfEvalError, changing nothing.
        `read` may give changed tables already read (`SelfEvaluation.from_dict`), by position.
        """
        return self._selfeval_change(self._selfeval.update(tables, read))

    def selfeval_evaluation(self, position: int) -> SelfEvaluation:
        """The self-evaluation table at `position` (0-based) as read and checked."""
        return self._selfeval.evaluations[position]

    def set_selfeval_table(self, position: int, table: dict) -> Change:
        """Replace the self-evaluation table at `position` (0-based), or add one after the last."""
        tables = list(self._selfeval.tables)
        if not 0 <= position <= len(tables):
            raise IndexError(f"no self-evaluation table at {position}")
        if position == len(tables):
            tables.append(table)
        else:
            tables[position] = table
        return self.set_selfeval(tables)

    def _selfeval_change(self, update: TablesUpdate) -> Change:
        for address, key in update.unread:
            self._index[address].discard(key)
        self._index_reads(update.read)
        return Change(frozenset(), update.appeared, update.disappeared)

    def _index_reads(self, reads) -> None:
        for address, key in reads:
            self._index.setdefault(address, set()).add(key)

    def remove_row(self, table_id: str, row: str) -> Change:
        """Clear a classification row's figures and name and take the row out of its table."""
        table = self.templates.table(table_id)
        changes = [self.set(f"{table_id}:{row}:{col}", None) for col in table.row_columns(row)]
        changes.append(self.set_label(table_id, row, None))
        if row in table.fixed_rows or row not in self.present.get(table_id, set()):
            return compose(changes)
        self.present[table_id].discard(row)
        if table_id in self._trees:
            self._trees[table_id] = RowTree(table, rows_of(table, self.present))
        keys = {_row_key(table_id, row)}
        for rule in self._row_rules.get(table_id, ()):
            keys |= self._reinstall(rule)
        appeared, disappeared = self._refresh_all(keys)
        return compose(changes + [Change(frozenset(), appeared, disappeared)])

    def formula(self, address: str) -> int | None:
        """The value the table's own identities give a total cell (None if no identity defines it)."""
        check = self._defining_check(address)
        return None if check is None else sum(sign * self.values.get(a, 0) for a, sign in check.right)

    def formulas_for_table(self, table_id: str) -> dict[str, int]:
        """Every total of a table filled from its parts, innermost first (項 → 款 → 类 → 合计)."""
        targets = {
            check.left[0][0]: check
            for check in self._checks.values()
            if len(check.left) == 1 and check.rule.relation == "=" and check.rule.table == table_id
        }
        values = dict(self.values)
        for _ in range(8):  # the deepest chain is 项 → 款 → 类 → 合计 → column totals
            moved = False
            for address in sorted(targets):
                check = self._defining_check(address)
                value = sum(sign * values.get(a, 0) for a, sign in check.right)
                if values.get(address) != value:
                    values[address] = value
                    moved = True
            if not moved:
                break
        return {a: values[a] for a in targets if values.get(a) != self.values.get(a)}

    def _defining_check(self, address: str) -> Check | None:
        table_id = address.split(":")[0]
        checks = [self._checks[k] for k in self._index.get(address, ()) if k in self._checks]
        candidates = [
            check
            for check in checks
            if check.rule.relation == "="
            and check.rule.table == table_id
            and len(check.left) == 1
            and check.left[0][0] == address
        ]
        order = {"rows": 0, "hierarchy": 1, "columns": 2, "cells": 3}
        return min(candidates, key=lambda c: (order[c.rule.form], c.rule.id), default=None)

    # -- machinery -------------------------------------------------------------------------

    def _reinstall(self, rule: RuleSpec) -> set[str]:
        """Expand a rule afresh after rows went away; returns the keys of checks added, changed or dropped."""
        fresh = {c.key: c for c in expand(rule, self.templates, self.present, self.previous)}
        gone = [k for k, c in self._checks.items() if c.rule is rule and k not in fresh]
        for key in gone:
            self._unindex(self._checks.pop(key))
        touched = set(gone)
        for check in fresh.values():
            touched |= self._put(check)
        return touched

    def _add_row(self, table_id: str, row: str) -> set[str]:
        rows = self.present.setdefault(table_id, set())
        if row in rows:
            return set()
        rows.add(row)
        tree = self._trees.get(table_id)
        if tree is not None:
            tree.add(row)
        keys = {_row_key(table_id, row)}
        for rule in self._row_rules.get(table_id, ()):
            # A new row only adds checks or widens its parents' sums: nothing goes away.
            for check in expand_new_row(rule, self.templates, self.present, table_id, row, tree, self.previous):
                keys |= self._put(check)
        return keys

    def _install(self, rule: RuleSpec) -> set[str]:
        """Expand a rule over the rows present; returns the keys of the checks put in place."""
        touched = set()
        for check in expand(rule, self.templates, self.present, self.previous):
            touched |= self._put(check)
        return touched

    def _put(self, check: Check) -> set[str]:
        """Index a new or changed check; returns its key if anything changed."""
        old = self._checks.get(check.key)
        if old == check:
            return set()
        if old is not None:
            self._unindex(old)
        self._checks[check.key] = check
        for address in check.addresses:
            self._index.setdefault(address, set()).add(check.key)
        return {check.key}

    def _unindex(self, check: Check) -> None:
        for address in check.addresses:
            self._index[address].discard(check.key)

    def _refresh_all(self, keys: set[str]) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
        """Re-evaluate `keys`; the findings that came and went, the 公开表's in listing order, then the self-evaluations'."""
        appeared, disappeared = [], []
        selfeval_keys = []
        for key in keys:
            if key.startswith(SELFEVAL_KEY):
                selfeval_keys.append(key)
                continue
            before = self._findings.get(key)
            after = self._refresh(key)
            if before != after:
                self._listing = None
                if before is not None:
                    disappeared.append(before)
                    del self._order[bisect.bisect_left(self._order, (self._sort_key(before), key))]
                if after is not None:
                    appeared.append(after)
                    bisect.insort(self._order, (self._sort_key(after), key))
        appeared.sort(key=self._sort_key)
        disappeared.sort(key=self._sort_key)
        for key in sorted(selfeval_keys):
            before, after = self._selfeval.refresh(key)
            if before != after:
                disappeared += [before] if before is not None else []
                appeared += [after] if after is not None else []
        return tuple(appeared), tuple(disappeared)

    def _refresh(self, key: str) -> Finding | None:
        kind, _, subject = key.partition("|")
        if kind == "cell":
            finding = self._cell_finding(subject)
        elif kind == "row":
            finding = self._row_finding(*subject.split(":"))
        else:
            check = self._checks.get(key)
            finding = self._check_finding(check) if check else None
        if finding is None:
            self._findings.pop(key, None)
        else:
            self._findings[key] = finding
        return finding

    def _check_finding(self, check: Check) -> Finding | None:
        if check.rule.cross_year:
            return self._cross_year_finding(check)
        values = self.values
        filled = 0
        actual = expected = 0
        for address, sign in check.left:
            value = values.get(address)
            if value is not None:
                filled += 1
                actual += sign * value
        for address, sign in check.right:
            value = values.get(address)
            if value is not None:
                filled += 1
                expected += sign * value
        diff = actual - expected
        if filled == 0 or diff == 0 or (check.rule.relation == "<=" and diff < 0):
            return None
        # A blank cell is exactly zero: only filled cells carry a rounding error (core.rules.rounding).
        severity = classify(diff, filled, self._half, check.rule.severity)
        message = check_message(check, self.describer, actual, expected, self.amount_unit, filled, self._half)
        table = check.left[0][0].split(":")[0]
        return Finding(check.rule.id, severity, table, check.addresses, expected, actual, diff, message, check.key)

    def _cross_year_finding(self, check: Check) -> Finding | None:
        """This year's cells against last year's: the same figure carried over, so any difference counts
        (rounding the same amount gives the same figure); silent when last year's table holds no figure."""
        previous = self.previous
        if previous is None:
            return None
        current = [(a, s) for a, s in check.left + check.right if not a.startswith(PREVIOUS_PREFIX)]
        earlier = [(a, s) for a, s in check.left + check.right if a.startswith(PREVIOUS_PREFIX)]
        if any(a.removeprefix(PREVIOUS_PREFIX).split(":")[0] not in previous.filled for a, _ in earlier):
            return None
        if all(self.values.get(a) is None for a, _ in current) and all(
            previous.values.get(a) is None for a, _ in earlier
        ):
            return None

        def value(address: str) -> int:
            held = previous.values if address.startswith(PREVIOUS_PREFIX) else self.values
            return held.get(address, 0)

        actual = sum(s * value(a) for a, s in check.left)
        expected = sum(s * value(a) for a, s in check.right)
        diff = actual - expected
        if diff == 0 or (check.rule.relation == "<=" and diff < 0):
            return None
        message = cross_year_message(check, self.describer, previous, actual, expected, self.amount_unit, self.year)
        table = check.left[0][0].split(":")[0]
        cells = tuple(a for a, _ in current)
        return Finding(check.rule.id, check.rule.severity, table, cells, expected, actual, diff, message, check.key)

    def _cell_finding(self, address: str) -> Finding | None:
        return negative_amount(address, self.values.get(address), self.describer, self.amount_unit)

    def _row_finding(self, table_id: str, row: str) -> Finding | None:
        present = row in self.present.get(table_id, ())
        table = self.templates.table(table_id)
        catalogue = self._catalogues[table.catalogue] if table.catalogue else None
        return catalogue_row(table, row, self.labels.get(f"{table_id}:{row}"), present, catalogue, self.year)


def compose(changes: list[Change]) -> Change:
    """One Change for several edits made as one (a paste, a removed row): what came and stayed, what went."""
    appeared: dict[Finding, None] = {}
    disappeared: dict[Finding, None] = {}
    cells: set[str] = set()
    for change in changes:
        cells |= change.cells
        for finding in change.disappeared:
            if finding in appeared:
                del appeared[finding]
            else:
                disappeared[finding] = None
        for finding in change.appeared:
            if finding in disappeared:
                del disappeared[finding]
            else:
                appeared[finding] = None
    return Change(frozenset(cells), tuple(appeared), tuple(disappeared))


def _row_key(table: str, row: str) -> str:
    return CATALOGUE.key(f"{table}:{row}")


def _cell_key(address: str) -> str:
    return NEGATIVE_AMOUNT.key(address)


def audit(templates: TemplateSet, report: Report, previous: Report | None = None) -> list[Finding]:
    """A full audit of a report: every rule over every cell (and last year's carry-overs, given `previous`)."""
    return Checker(templates, report, previous).findings()
