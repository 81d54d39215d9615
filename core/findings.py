"""Findings and their Chinese messages, naming rows and columns the way the printed tables do."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import amount_text, format_amount
from core.rules.binding import Check
from core.rules.rounding import bound_text, plausible, worst_case
from core.templates import TableTemplate, TemplateSet

SEVERITIES = ("error", "warning", "rounding")
SEVERITY_NAMES = {"error": "强制", "warning": "提示", "rounding": "尾差"}
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """One violated identity (or a suspicious cell or row), as every view renders it."""

    rule: str
    severity: str
    table: str
    cells: tuple[str, ...]
    expected: int | Decimal | None  # int: 分; Decimal: scores, points and rates of self-evaluations
    actual: int | Decimal | None
    diff: int | Decimal | None
    message: str
    key: str = ""


def worst(findings: Iterable[Finding]) -> str | None:
    """The gravest severity among `findings` (errors first), None for none: what colours a cell."""
    return min((f.severity for f in findings), key=_RANK.__getitem__, default=None)


def value_text(value: int | Decimal | None, unit: str) -> str:
    """A finding's expected/actual/diff for people: 分 as an amount in `unit`, scores as printed."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return score_text(value)
    return format_amount(value, unit)


def score_text(value: Decimal) -> str:
    """Scores and rates: at most two decimals (rounded half up), as many as given otherwise: 99.69, 92, 1.96."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    return "0" if text in ("-0", "-0.00") else text


#: Name of a row as printed or typed: (table, row) → label or None.
RowNamer = Callable[[str, str], "str | None"]


class Describer:
    """Turns addresses into the words a finance officer reads on the printed table."""

    def __init__(self, templates: TemplateSet, row_name: RowNamer, variants: Mapping[str, str] | None = None):
        self.templates = templates
        self.row_name = row_name
        self.variants = variants or {}  # table id → the printing the report uses (its lines' labels differ)

    def row(self, table: TableTemplate, row: str) -> str:
        if table.kind == "lines":
            chosen = table.variant(self.variants.get(table.id))
            label = table.lines[row].label_in(chosen.name if chosen else None) if row in table.lines else None
            if not table.line_numbers:  # no 行次 printed: the line is its label
                return f"“{label}”" if label else f"第{row}行"
            return f"第{row}行“{label}”" if label else f"第{row}行"
        if table.kind == "single":
            return ""
        if row in table.special_rows:
            return f"“{row}”行"
        name = self.row_name(table.id, row)
        return f"“{row} {name}”行" if name else f"“{row}”行"

    def column(self, table: TableTemplate, col: int) -> str:
        title = table.columns.get(col)
        if title and not table.column_numbers:  # no 栏次 printed: the column is its header
            return f"“{title}”栏"
        return f"第{col}栏“{title}”" if title else f"第{col}栏"

    def cell(self, address: str, with_table: bool = False) -> str:
        table_id, row, col = address.split(":")
        table = self.templates.table(table_id)
        parts = [table.printed] if with_table else []
        row_text = self.row(table, row)
        if table.kind == "classification" and len(table.columns) == 1:
            parts.append(row_text.removesuffix("行"))
        else:
            multi = len(table.row_columns(row)) > 1
            parts.append(row_text + (self.column(table, int(col)) if multi or not row_text else ""))
        return "".join(parts)

    def terms(self, left: str, terms: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
        """Short names of the terms of a check, relative to its left-hand cell."""
        table_id, row, col = left.split(":")
        table = self.templates.table(table_id)
        split = [a.split(":") for a, _ in terms]
        if all(t == table_id and c == col for t, _, c in split) and table.kind == "lines":
            rows = [(r, s) for (_, r, _), (_, s) in zip(split, terms, strict=True)]
            if not table.line_numbers:
                return _named_run([(self.row(table, r), int(r), s) for r, s in rows])
            return _number_run("行", rows)
        if all(t == table_id and r == row for t, r, _ in split):
            cols = [(c, s) for (_, _, c), (_, s) in zip(split, terms, strict=True)]
            if not table.column_numbers:
                return _named_run([(self.column(table, int(c)), None, s) for c, s in cols])
            return _number_run("栏", cols)
        if all(t == table_id and c == col for t, _, c in split):
            return [(self.row(table, r).removesuffix("行"), s) for (_, r, _), (_, s) in zip(split, terms, strict=True)]
        # Name a table once for a run of its cells: 公开06表“人员经费合计”、“公用经费合计”.
        named, previous = [], table_id
        for address, sign in terms:
            current = address.split(":")[0]
            named.append((self.cell(address, with_table=current != previous), sign))
            previous = current
        return named


def _number_run(unit: str, terms: list[tuple[str, int]]) -> list[tuple[str, int]]:
    numbers = [int(n) for n, _ in terms]
    if len(numbers) > 2 and all(s > 0 for _, s in terms) and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return [(f"第{numbers[0]}至{numbers[-1]}{unit}", 1)]
    return [
        (f"第{'、'.join(str(n) for n, (_, s) in zip(numbers, terms, strict=True) if s == sign)}{unit}", sign)
        for sign in (1, -1)
        if any(s == sign for _, s in terms)
    ]


def _named_run(terms: list[tuple[str, int | None, int]]) -> list[tuple[str, int]]:
    """Terms named as printed (no 行次/栏次): a run of consecutive lines as “first”至“last”, else each by name."""
    numbers = [n for _, n, _ in terms]
    if (
        len(terms) > 2
        and all(s > 0 for *_, s in terms)
        and None not in numbers
        and numbers == list(range(numbers[0], numbers[-1] + 1))  # type: ignore[arg-type]
    ):
        return [(f"{terms[0][0]}至{terms[-1][0]}", 1)]
    return [
        ("、".join(name for name, _, s in terms if s == sign), sign)
        for sign in (1, -1)
        if any(s == sign for *_, s in terms)
    ]


def _sum_phrase(parts: list[tuple[str, int]], count: int) -> str:
    """`parts` (named runs of terms) as a phrase; `count` terms in all: one term is itself, not a 之和."""
    plus = [p for p, s in parts if s > 0]
    minus = [p for p, s in parts if s < 0]
    if count == 1:
        return (plus or minus)[0]
    text = "、".join(plus) + "之和"
    if minus:
        text += "减" + "、".join(minus)
    return text


def amount_as_printed(fen: int, unit: str) -> str:
    """An amount as printed, two decimals (84,015.98), or every decimal it was entered with (4.836)."""
    exact = amount_text(fen, unit)
    whole, _, part = exact.partition(".")
    if len(part) <= 2:
        return format_amount(fen, unit)
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{part}"


def rounding_note(diff: int, filled: int, half: int, unit: str) -> str:
    """What rounding of `filled` figures can do, when it can explain `diff`: the bounds, in the message."""
    if not half or abs(diff) > worst_case(filled, half):
        return ""
    likely = bound_text(plausible(filled, half), unit)
    if abs(diff) <= plausible(filled, half):
        return f"（在尾数误差范围内：{filled} 个填列数的尾差一般不超过 {likely} {unit}）"
    most = bound_text(worst_case(filled, half), unit)
    return f"（差额超出常见尾差，请核实：{filled} 个填列数的尾差一般不超过 {likely} {unit}，最多 {most} {unit}）"


def check_message(
    check: Check, describer: Describer, actual: int, expected: int, unit: str, filled: int = 0, half: int = 0
) -> str:
    """The Chinese sentence for a violated check, with its amounts and, near rounding, its bounds."""
    (left_address, _), *rest = check.left
    table_id = left_address.split(":")[0]
    printed = describer.templates.table(table_id).printed
    if rest:
        head = printed + _sum_phrase(describer.terms(left_address, check.left), len(check.left))
    else:
        head = describer.cell(left_address, with_table=True)
    if check.wording:
        target = f"{check.wording}之和"
    else:
        target = _sum_phrase(describer.terms(left_address, check.right), len(check.right))
    diff = actual - expected
    shown = amount_as_printed
    if check.rule.relation == "<=":
        text = f"{head}不应大于{target}，实为 {shown(actual, unit)}，上限为 {shown(expected, unit)}，超出 {shown(diff, unit)} {unit}"
    else:
        text = f"{head}应等于{target}，实为 {shown(actual, unit)}，应为 {shown(expected, unit)}，相差 {shown(abs(diff), unit)} {unit}"
    return text + rounding_note(diff, filled, half, unit)


def sort_key(templates: TemplateSet) -> Callable[[Finding], tuple]:
    order = {t: i for i, t in enumerate(templates.tables)}
    return lambda f: (order.get(f.table, len(order)), _RANK[f.severity], f.rule, f.cells)
