"""Exact amounts: integer 分, parsed from what people type or paste, formatted in 万元 or 元."""

from __future__ import annotations

import re
import unicodedata

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000

#: 分 in one unit of each amount unit the reports use.
UNIT_FEN = {"元": FEN_PER_YUAN, "万元": FEN_PER_WAN}

#: The range of an amount: |分| < 10**15, i.e. at most 999,999,999.999999 万元 = 9,999,999,999,999.99 元
#: (just under 10 万亿元). Any such amount has at most 15 significant digits in 万元 and in 元, so the
#: number written to an Excel cell (a double, which Excel shows and keeps to 15 significant digits)
#: reads back to the same 分; and it fits SQLite's 64-bit integers many times over, sums included.
MAX_FEN = 10**15 - 1
MAX_DIGITS = 15

#: Texts that mean "no amount" in a printed or pasted table.
_BLANK_MARKS = {"", "-", "—", "——", "－", "–", "/"}

_NUMBER = re.compile(
    r"""^(?P<sign>-)?
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)?
        (?:\.(?P<frac>\d+))?$""",
    re.VERBOSE,
)


class AmountError(ValueError):
    """Text that is not an amount; the message is for the user, in Chinese."""


def in_range(fen: int) -> bool:
    """Whether an amount of 分 lies within the range every file and the database can hold exactly."""
    return -MAX_FEN <= fen <= MAX_FEN


def range_text(unit: str = "万元") -> str:
    """The largest amount, in `unit`, as the messages state it."""
    return "999,999,999.999999 万元" if unit == "万元" else "9,999,999,999,999.99 元"


def out_of_range(shown: str, unit: str = "万元") -> AmountError:
    """The error for an amount beyond the range; `shown` is the amount as the user wrote it."""
    return AmountError(
        f"金额“{shorten(shown)}”超出范围：绝对值不能超过 {range_text(unit)}"
        f"（即 {range_text('元' if unit == '万元' else '万元')}）"
    )


def shorten(text: str, limit: int = 40) -> str:
    """Text for a message: long input is cut, saying how long it was."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, comma, point and minus into ASCII.
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("−", "-").replace("，", ",").replace("。", ".")
    return "".join(text.split())


def unit_fen(unit: str) -> int:
    """分 in one 万元 or one 元; any other unit is refused."""
    try:
        return UNIT_FEN[unit]
    except KeyError:
        raise AmountError(f"不支持的金额单位“{unit}”，只能是“万元”或“元”") from None


def parse_amount(text: str | int | None, unit: str = "万元") -> int | None:
    """Read a typed or pasted amount in `unit` as 分; blank marks give None.

    Accepts thousands separators (in groups of three), full-width characters, spaces
    and a leading minus. Anything finer than 1 分 or not a number is refused.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise AmountError(f"无法识别的金额：“{text}”")
    if isinstance(text, int):
        fen = text * unit_fen(unit)
        if not in_range(fen):
            raise out_of_range(f"{text:,}" if abs(text) < 10**40 else f"{len(str(abs(text)))} 位的数字", unit)
        return fen
    raw = str(text)
    cleaned = _normalise(raw)
    if cleaned in _BLANK_MARKS or set(cleaned) <= {"—", "-", "－"}:
        return None
    match = _NUMBER.match(cleaned)
    if not match or (match["int"] is None and match["frac"] is None):
        raise AmountError(f"无法识别的金额：“{shorten(raw.strip())}”")
    whole_digits = (match["int"] or "0").replace(",", "").lstrip("0")
    if len(whole_digits) > MAX_DIGITS:  # before int(): Python refuses to convert over 4,300 digits
        raise out_of_range(raw.strip(), unit)
    per_unit = unit_fen(unit)
    decimals = len(str(per_unit)) - 1
    frac = match["frac"] or ""
    if len(frac.rstrip("0")) > decimals:
        finest = "0.01 元" if unit == "元" else "0.000001 万元（即 1 分）"
        raise AmountError(f"金额“{shorten(raw.strip())}”的小数位太多，最小只能到 {finest}")
    whole = int(whole_digits or "0")
    fen = whole * per_unit + int((frac + "0" * decimals)[:decimals] or "0")
    if not in_range(fen):
        raise out_of_range(raw.strip(), unit)
    return -fen if match["sign"] else fen


#: Decimals a typed figure may have: as many as the tables print.
TYPED_DECIMALS = 2


def parse_typed_amount(text: str, unit: str = "万元") -> int | None:
    """What a user types or pastes into a table cell, in the unit shown.

    As `parse_amount`, and also the accountants' negative in parentheses, （100） or (100), as −100.
    At most two decimals, as the tables print: a finer figure is refused, never rounded (in 万元 one
    can switch to 元 for amounts to the 分).
    """
    cleaned = _normalise(str(text))
    negative = len(cleaned) > 2 and cleaned[0] == "(" and cleaned[-1] == ")"  # NFKC makes （） into ()
    if negative:
        cleaned = cleaned[1:-1]
        if cleaned.startswith("-"):
            raise AmountError(f"无法识别的金额：“{shorten(str(text).strip())}”（括号已表示负数，不能再加负号）")
    if "." in cleaned and len(cleaned.split(".", 1)[1].rstrip("0")) > TYPED_DECIMALS:
        finer = "；更精确的金额请把金额单位切换为“元”后输入" if unit == "万元" else ""
        raise AmountError(f"金额“{shorten(str(text).strip())}”的小数超过两位，表中金额只到两位小数{finer}")
    fen = parse_amount(cleaned, unit)
    return -fen if negative and fen is not None else fen


def format_amount(fen: int | None, unit: str = "万元", thousands: bool = True) -> str:
    """Show 分 in `unit` with two decimals (rounded half away from zero); None is blank."""
    if fen is None:
        return ""
    per_unit = unit_fen(unit)
    hundredth = per_unit // 100
    magnitude, remainder = divmod(abs(fen), hundredth)
    if remainder * 2 >= hundredth:
        magnitude += 1
    whole, cents = divmod(magnitude, 100)
    sign = "-" if fen < 0 and magnitude else ""
    whole_text = f"{whole:,}" if thousands else str(whole)
    return f"{sign}{whole_text}.{cents:02d}"


def amount_text(fen: int | None, unit: str = "万元") -> str:
    """Exact decimal text of 分 in `unit` for files: at least two decimals, never rounded."""
    if fen is None:
        return ""
    per_unit = unit_fen(unit)
    decimals = len(str(per_unit)) - 1
    whole, part = divmod(abs(fen), per_unit)
    frac = f"{part:0{decimals}d}".rstrip("0").ljust(2, "0")
    return f"{'-' if fen < 0 else ''}{whole}.{frac}"
