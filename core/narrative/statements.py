"""Figures as written in a 情况说明: amounts, percentages and counts, each with the words just before it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import FEN_PER_WAN, FEN_PER_YUAN

# A number, then its unit. Years (2023年), dates and list numbers (1.) have no unit here and are not figures.
_TOKEN = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>万元|万(?=[\s，,。；;：:（()）、]|$)|亿元|元|%|％|个|辆|台（套）|台\(套\)|台|套|人次|批次|次|人|件|场|家|项|户)?"
)
_COUNT_UNITS = {"个", "辆", "台（套）", "台(套)", "台", "套", "人次", "批次", "次", "人", "件", "场", "家", "项", "户"}
#: Where the words that name a figure begin: the figure's subject stands after the last of these.
CLAUSE_BREAKS = "，,。；;：:"


@dataclass(frozen=True)
class Token:
    """One written figure: `kind` amount / percent / count, `value` in 分 (amounts) or as written."""

    kind: str
    value: int | Decimal
    decimals: int
    unit: str  # 万元 (or 万), 元 (possibly a slip for 万元), "" when none was written, % or the count's unit
    start: int
    end: int
    text: str
    head: str  # the words between the previous figure or clause break and this figure


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    tokens: tuple[Token, ...]


def tokens(text: str) -> list[Token]:
    found: list[Token] = []
    last_end = 0
    for match in _TOKEN.finditer(text):
        num, unit = match["num"], match["unit"] or ""
        after = text[match.end() : match.end() + 2]
        if not unit:
            # A bare number is an amount only with a decimal point and not a date or a list number.
            if "." not in num or after[:1] in "年月日." or num.endswith("."):
                continue
        decimals = len(num.split(".")[1]) if "." in num else 0
        number = Decimal(num.replace(",", ""))
        if unit in ("%", "％"):
            kind, value, unit = "percent", number, "%"
        elif unit in _COUNT_UNITS:
            if "." in num:
                continue
            kind, value = "count", number
        else:
            if unit == "亿元":
                fen = number * FEN_PER_WAN * 10_000
            elif unit == "元":
                fen = number * FEN_PER_YUAN
            else:
                fen = number * FEN_PER_WAN
            kind, value = "amount", int(fen)
        head_start = max(last_end, max((text.rfind(c, 0, match.start()) for c in CLAUSE_BREAKS), default=-1) + 1)
        head = text[head_start : match.start()]
        found.append(Token(kind, value, decimals, unit, match.start(), match.end(), match.group(0).strip(), head))
        last_end = match.end()
    return found


def sentences(text: str) -> list[Sentence]:
    """Sentences ending in 。 with their figures; a number across a line break was already joined."""
    result = []
    every = tokens(text)
    for match in re.finditer(r"[^。]+。?", text):
        s, e = match.start(), match.end()
        result.append(Sentence(match.group(0), s, tuple(t for t in every if s <= t.start < e)))
    return result


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def amount_precision_fen(token: Token) -> int:
    """分 in one unit of the last written digit (0.1 万元 → 100 000 分)."""
    per_unit = FEN_PER_YUAN if token.unit == "元" else FEN_PER_WAN
    return per_unit // (10**token.decimals) if token.decimals <= 6 else 1
