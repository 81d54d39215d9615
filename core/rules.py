"""Rule language: identities as printed under the tables, parsed once and expanded into checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.templates import TableTemplate, TemplateSet

#: Placeholders of table-to-table rules: one check per function class, or per code present.
CLASS_PLACEHOLDER = "[类]"
CODE_PLACEHOLDER = "[科目]"

_FULL_WIDTH = str.maketrans({"＝": "=", "（": "(", "）": ")", "＋": "+", "－": "-", "−": "-", "：": ":", "，": ","})
_RANGE = re.compile(r"…+|\.{3,}")
_CELL = re.compile(r"^(公开0[1-9]):([^:\s]+):(\d+)$")


class RuleSyntaxError(ValueError):
    """A rule text that cannot be read; the message is in Chinese."""


@dataclass(frozen=True)
class Term:
    sign: int  # +1 or -1
    ref: str  # a row (rows form), a column number (columns form) or table:row:col (cells form)


@dataclass(frozen=True)
class RuleSpec:
    """One identity, parsed: `left relation right`, each side a signed sum of terms."""

    id: str
    severity: str
    text: str
    table: str | None  # the table a printed identity belongs to; None for table-to-table rules
    form: str  # "rows", "columns", "cells" or "hierarchy"
    relation: str  # "=" or "<="
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    def references(self) -> Iterator[tuple[str, str | None, int | None]]:
        """(table, row, column) of every term; None where the rule applies to each."""
        for term in self.left + self.right:
            if self.form == "rows":
                yield self.table, term.ref, None
            elif self.form == "columns":
                yield self.table, None, int(term.ref)
            elif self.form == "cells":
                table, row, col = term.ref.split(":")
                yield table, row, int(col)

    def tables(self) -> set[str]:
        return {t for t, _, _ in self.references()}


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


def parse_rule(rule_id: str, text: str, table: str | None, severity: str = "error") -> RuleSpec:
    """Parse a printed identity (27行＝（1＋2＋…＋8）行, 1栏各行＝（2＋3）栏各行) or cell addresses."""
    normal = "".join(text.translate(_FULL_WIDTH).split())
    normal = _RANGE.sub("…", normal).replace("<=", "≤")
    relation = "≤" if "≤" in normal else "="
    sides = normal.split(relation)
    if len(sides) != 2 or not all(sides):
        raise RuleSyntaxError(f"“{text}”应为“左边＝右边”或“左边≤右边”的形式")
    rel = "<=" if relation == "≤" else "="
    if ":" in normal:
        left, right = (_terms(side, _cell_ref, text) for side in sides)
        for term in left + right:
            if not _CELL.match(term.ref):
                raise RuleSyntaxError(f"“{term.ref}”不是“表:行:栏”形式的单元格地址")
        return RuleSpec(rule_id, severity, text, table, "cells", rel, left, right)
    if table is None:
        raise RuleSyntaxError(f"表间关系“{text}”应使用“表:行:栏”地址")
    if "栏" in normal:
        left, right = (_terms(side, _strip_unit("栏"), text) for side in sides)
        for term in left + right:
            if not term.ref.isdigit():
                raise RuleSyntaxError(f"“{term.ref}”不是栏次")
        return RuleSpec(rule_id, severity, text, table, "columns", rel, left, right)
    if "行" in normal:
        left, right = (_terms(side, _strip_unit("行"), text) for side in sides)
        return RuleSpec(rule_id, severity, text, table, "rows", rel, left, right)
    raise RuleSyntaxError(f"“{text}”中没有“行”“栏”或单元格地址")


def _strip_unit(unit: str):
    def strip(side: str) -> str:
        side = side.replace(unit + "各行", "").replace(unit, "")
        if side.startswith("(") and side.endswith(")"):
            side = side[1:-1]
        return side

    return strip


def _cell_ref(side: str) -> str:
    return side


def _terms(side: str, clean, text: str) -> tuple[Term, ...]:
    body = clean(side)
    if "(" in body or ")" in body:
        raise RuleSyntaxError(f"“{text}”的括号不成对或位置不对")
    tokens = re.split(r"([+-])", body)
    terms: list[Term] = []
    sign = 1
    pending_range = False
    for token in tokens:
        if token in ("+", "-"):
            sign = 1 if token == "+" else -1
            continue
        if token == "":
            continue
        if token == "…":
            pending_range = True
            continue
        if pending_range:
            if not terms or not terms[-1].ref.isdigit() or not token.isdigit():
                raise RuleSyntaxError(f"“{text}”中的“…”只能用在两个数字之间")
            start, end = int(terms[-1].ref), int(token)
            if end <= start:
                raise RuleSyntaxError(f"“{text}”中的范围 {start}…{end} 不是递增的")
            terms.extend(Term(terms[-1].sign, str(n)) for n in range(start + 1, end))
            pending_range = False
        terms.append(Term(sign, token))
        sign = 1
    if not terms or pending_range:
        raise RuleSyntaxError(f"“{text}”的一边没有项")
    return tuple(terms)


def hierarchy_rule(table: TableTemplate) -> RuleSpec:
    """The generated rule of a classification table: each total equals the sum of its parts."""
    return RuleSpec(f"{table.id}.科目汇总", "error", "合计＝Σ类，类＝Σ款，款＝Σ项", table.id, "hierarchy", "=", (), ())


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
