"""Rule language: identities as printed under the tables, read once into small objects that know no layout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Placeholders of table-to-table rules: one check per function class, or per code present.
CLASS_PLACEHOLDER = "[类]"
CODE_PLACEHOLDER = "[科目]"
#: Prefix of a term read from last year's report (`上年公开01:59:2`): the address is written in THIS
#: year's layout and bound to the line with the same label in last year's (`core.rules.previous`).
PREVIOUS_PREFIX = "上年"

_FULL_WIDTH = str.maketrans({"＝": "=", "（": "(", "）": ")", "＋": "+", "－": "-", "−": "-", "：": ":", "，": ","})
_RANGE = re.compile(r"…+|\.{3,}")
_CELL = re.compile(r"^(?:上年)?(公开0[1-9]):([^:\s]+):(\d+)$")


class RuleSyntaxError(ValueError):
    """A rule text that cannot be read; the message is in Chinese."""


@dataclass(frozen=True)
class Term:
    sign: int  # +1 or -1
    ref: str  # a row (rows form), a column number (columns form) or table:row:col (cells form, maybe 上年…)

    @property
    def previous(self) -> bool:
        """Whether the term reads last year's report (`上年公开01:59:2`)."""
        return self.ref.startswith(PREVIOUS_PREFIX)

    @property
    def address(self) -> str:
        """The reference without its 上年 prefix: an address in this year's layout."""
        return self.ref.removeprefix(PREVIOUS_PREFIX)


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
                table, row, col = term.address.split(":")
                yield table, row, int(col)

    def tables(self) -> set[str]:
        return {t for t, _, _ in self.references()}

    @property
    def cross_year(self) -> bool:
        """Whether the rule compares with last year's report (it is silent without one)."""
        return any(term.previous for term in self.right)


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
        if any(term.previous for term in left):
            raise RuleSyntaxError(f"“{text}”中上年的数（{PREVIOUS_PREFIX}表:行:栏）应写在等号右边")
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
