"""Amounts typed or pasted by finance staff, kept as exact 分."""

import pytest

from core.money import AmountError, amount_text, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("81,993.54", 81_993_540_000),
        ("81993.54", 81_993_540_000),
        ("８１，９９３．５４", 81_993_540_000),
        (" 1 234.5 ", 1_234_500_000),
        ("-0.01", -10_000),
        ("－12.00", -12_000_000),
        ("0", 0),
        (".5", 500_000),
        ("3.95", 3_950_000),
        ("1.234567", 1_234_567),
    ],
)
def test_typed_amounts_in_wan_yuan(text, fen):
    assert parse_amount(text, "万元") == fen


@pytest.mark.parametrize("text", ["", "  ", "-", "—", "——", "－", None])
def test_blank_marks_are_empty(text):
    assert parse_amount(text) is None


def test_yuan_amounts():
    assert parse_amount("12,345.67", "元") == 1_234_567
    assert format_amount(1_234_567, "元") == "12,345.67"


@pytest.mark.parametrize("text", ["12a", "1,23.45", "1..2", "12-3", "3.95万", "1.2345678", "abc", "1,2345"])
def test_refuses_what_is_not_an_amount_and_names_it(text):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert text.strip() in str(info.value)


def test_too_many_decimals_for_yuan():
    with pytest.raises(AmountError, match="小数位太多"):
        parse_amount("1.234", "元")


def test_unknown_unit_is_refused_in_chinese():
    with pytest.raises(AmountError, match="金额单位"):
        parse_amount("1", "千元")


def test_format_rounds_half_away_from_zero_and_groups_thousands():
    assert format_amount(84_174_240_000) == "84,174.24"
    assert format_amount(84_174_245_000) == "84,174.25"
    assert format_amount(-5_000) == "-0.01"
    assert format_amount(-4_999) == "0.00"
    assert format_amount(84_174_240_000, thousands=False) == "84174.24"
    assert format_amount(None) == ""


def test_amount_text_is_exact():
    assert amount_text(22_661_000_000) == "22661.00"
    assert amount_text(1_234_567) == "1.234567"
    assert amount_text(-10_000) == "-0.01"
    assert amount_text(105, "元") == "1.05"


def test_typed_amounts_take_accounting_negatives_and_at_most_two_decimals():
    from core.money import parse_typed_amount

    assert parse_typed_amount("（100）") == parse_typed_amount("(100)") == -100 * 1_000_000
    assert parse_typed_amount("(1,234.50)") == -1_234_500_000
    assert parse_typed_amount("0.10") == 100_000
    for text, said in (("0.001", "小数超过两位"), ("(-1)", "括号"), ("1e5", "无法识别")):
        with pytest.raises(AmountError, match=said):
            parse_typed_amount(text)
    with pytest.raises(AmountError, match="小数超过两位"):
        parse_typed_amount("0.001", "元")
