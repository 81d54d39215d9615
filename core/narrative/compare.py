"""Comparing a written figure with the one computed from the tables, and the finding that says so."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.findings import Finding
from core.money import FEN_PER_WAN, format_amount
from core.narrative.statements import Token, amount_precision_fen, round_half_up

TABLE = "情况说明"
#: 0.01 万元 per figure: published tables disagree among themselves by that much (尾差), and a text
#: that copies the other table's figure is not wrong by more.
TAIL_FEN = FEN_PER_WAN // 100


@dataclass(frozen=True)
class Verdict:
    severity: str | None  # None: the statement holds
    note: str = ""


def amount_verdict(token: Token, expected: int, terms: int = 1) -> Verdict:
    stated = int(token.value)
    if stated == expected:
        if token.unit == "":
            return Verdict("warning", "金额未写单位“万元”")
        return Verdict(None)
    if token.unit == "元" and stated * 10_000 == expected:
        return Verdict("warning", "金额数值相符，但单位写成了“元”（应为“万元”）")
    precision = amount_precision_fen(token)
    if token.decimals < 2 and abs(stated - expected) * 2 <= precision:
        return Verdict("rounding", f"只写到 {token.decimals} 位小数")
    if abs(stated - expected) <= TAIL_FEN * terms:
        return Verdict("rounding", "在尾数误差范围内")
    return Verdict("error")


def percent_verdict(token: Token, computed: Decimal) -> Verdict:
    stated = Decimal(token.value)
    if round_half_up(computed, token.decimals) == stated:
        return Verdict(None)
    if abs(round_half_up(computed, token.decimals) - stated) <= Decimal(1).scaleb(-token.decimals):
        return Verdict("rounding", "只差最后一位的进位")
    return Verdict("error")


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in percent, or None over a zero base."""
    if denominator == 0:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def percent_text(value: Decimal) -> str:
    return f"{round_half_up(value, 2):f}%"


def amount_words(fen: int, unit: str = "万元") -> str:
    return f"{format_amount(fen, unit)} {unit}"


class FindingSink:
    """Collects the findings of one section with keys that stay the same for the same text."""

    def __init__(self, unit: str):
        self.unit = unit
        self.findings: list[Finding] = []
        self._keys: dict[str, int] = {}

    def add(
        self,
        rule: str,
        severity: str,
        section: str,
        sentence: str,
        message: str,
        expected: int | Decimal | None = None,
        actual: int | Decimal | None = None,
        cells: tuple[str, ...] = (),
        anchor: str = "",
    ) -> None:
        base = f"{TABLE}:{section}:{rule}:{anchor}"
        count = self._keys.get(base, 0)
        self._keys[base] = count + 1
        key = base if count == 0 else f"{base}#{count + 1}"
        diff = actual - expected if expected is not None and actual is not None else None
        text = f"{section}：“{quote(sentence)}”{message}"
        self.findings.append(
            Finding(rule, severity, TABLE, (f"{TABLE}:{section}", *cells), expected, actual, diff, text, key)
        )


def quote(sentence: str, limit: int = 90) -> str:
    text = sentence.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
