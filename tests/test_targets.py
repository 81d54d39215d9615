"""Indicator targets and actuals: reading what the seeds print, writing it back, and scoring bounds."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.selfeval import Budget, Indicator, attainment, exact_budget_score, score_band, suggested_score
from core.targets import (
    BASE_UNITS,
    Target,
    base_unit,
    format_target,
    normalise,
    parse_target,
    stated_outcome,
    units_differ,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "operator", "value", "unit", "label"),
    [
        ("≥22万人", "≥", "22", "万人", ""),
        ("≥ 3200 件", "≥", "3200", "件", ""),
        ("≥8,000人", "≥", "8000", "人", ""),
        ("80分以上", "≥", "80", "分", ""),
        ("4,800人次以上", "≥", "4800", "人次", ""),
        ("不少于 2000 家", "≥", "2000", "家", ""),
        ("满意度不低于 95%", "≥", "95", "%", "满意度"),
        ("＞5人", ">", "5", "人", ""),
        ("3000 余家", ">", "3000", "家", ""),
        ("≤1‰", "≤", "1", "‰", ""),
        ("≤5个工作日", "≤", "5", "个工作日", ""),
        ("≤30 分钟", "≤", "30", "分钟", ""),
        ("10%以下", "≤", "10", "%", ""),
        ("控制在 5%以内", "≤", "5", "%", "控制在"),
        ("不超过 3 次", "≤", "3", "次", ""),
        ("不高于 8%", "≤", "8", "%", ""),
        ("＜2小时", "<", "2", "小时", ""),
        ("=100%", "=", "100", "%", ""),
        ("＝１００％", "=", "100", "%", ""),
        ("100 人左右", "≈", "100", "人", ""),
        ("45人", "", "45", "人", ""),
        ("2,479件/套", "", "2479", "件/套", ""),
        ("≤923.72元/月", "≤", "923.72", "元/月", ""),
        ("1次/月", "", "1", "次/月", ""),
        ("7万以上", "≥", "7", "万", ""),
        ("3.132 万元", "", "3.132", "万元", ""),
        ("37.43万人次", "", "37.43", "万人次", ""),
        ("0", "", "0", "", ""),
        ("扶持创业 1800 人", "", "1800", "人", "扶持创业"),
        ("全年完成≥12000 个", "≥", "12000", "个", "全年完成"),
        ("９８．６０％", "", "98.60", "%", ""),
    ],
)
def test_figures_the_seeds_print_are_read(text, operator, value, unit, label):
    target = parse_target(text)
    assert target == Target("quantitative", operator, D(value), unit=unit, label=label)
    assert target.text == text


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [("90%-95%", "90", "95", "%"), ("400-4,000元/人", "400", "4000", "元/人"), ("5000—8000 元", "5000", "8000", "元")],
)
def test_ranges_are_read_with_both_ends(text, low, high, unit):
    target = parse_target(text)
    assert (target.operator, target.value, target.upper, target.unit, target.direction) == (
        "range",
        D(low),
        D(high),
        unit,
        "range",
    )


@pytest.mark.parametrize(
    ("text", "direction"),
    [("≥95%", "positive"), ("45人", "positive"), ("≤1‰", "negative"), ("=100%", "exact"), ("100 人左右", "exact")],
)
def test_operators_give_the_scoring_direction(text, direction):
    assert parse_target(text).direction == direction


@pytest.mark.parametrize("text", ["有效提升", "成效显著", "明显", "达标", "完成", "是", "否", "一定程度推进", "无"])
def test_words_without_figures_are_qualitative(text):
    target = parse_target(text)
    assert (target.kind, target.words, target.direction) == ("qualitative", text, None)


@pytest.mark.parametrize(
    "text",
    [
        "2022 年底前完成",
        "2023年 12月",
        "代缴 946 人，完成率 100%",
        "1200 元, 1500 元, 1600 元, 2400 元",
        "》90%",  # a misprint for ≥ in seed 002: not guessed
        "八月份",
        "≥5人以上",
        "95%-90%",
        "5 斤",
    ],
)
def test_what_cannot_be_read_stays_text(text):
    target = parse_target(text)
    assert target.kind == "unreadable"
    assert target.value is None
    assert format_target(target) == normalise(text)  # the text, full-width forms and spaces tidied


@pytest.mark.parametrize("text", [None, "", "  ", "/", "—", "-"])
def test_blank_cells_are_none(text):
    assert parse_target(text) is None


def test_canonical_form_of_a_target():
    assert format_target(parse_target("80分以上")) == "≥80分"
    assert format_target(parse_target("失业率控制在 5%以内")) == "失业率控制在≤5%"
    assert format_target(parse_target("5000—8000 元")) == "5000-8000元"
    assert format_target(parse_target("100 人左右")) == "100人左右"


def test_units_of_one_measure_do_not_differ():
    assert not units_differ(parse_target("≥22万人"), parse_target("29.26万人"))
    assert not units_differ(parse_target("2万人"), parse_target("25000人"))
    assert not units_differ(parse_target("12 场/年"), parse_target("27 场"))  # a yearly table
    assert not units_differ(parse_target("≤1‰"), parse_target("0"))  # a bare figure takes the other's unit
    assert units_differ(parse_target("全年完成≥12000 个"), parse_target("城镇新增就业 16551 人"))
    assert units_differ(parse_target("1次/月"), parse_target("12次"))
    assert base_unit("万人次") == ("人次", D(10000))


@pytest.mark.parametrize(
    ("target", "actual", "outcome"),
    [
        ("有效提升", "有效提升", "achieved"),
        ("2022 年底前完成", "2022 年底前完成", "achieved"),
        ("100%", "已完成", "achieved"),
        ("显著提升", "一定程度提升", "partly"),
        ("0%", "未完成", "not"),
        ("是", "否", "not"),
        ("明显", "正常开展", None),
        ("成效显著", None, None),
    ],
)
def test_outcome_told_by_the_words(target, actual, outcome):
    assert stated_outcome(parse_target(target), parse_target(actual)) == outcome


# --- properties -------------------------------------------------------------------------------------

LABELS = st.sampled_from(["", "全年完成", "扶持创业", "失业率控制在", "满意度", "电话接通率"])
UNITS = st.sampled_from(("",) + BASE_UNITS + ("万人", "万元", "元/人", "次/月", "件/套", "万"))
VALUES = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def figures(draw) -> Target:
    operator = draw(st.sampled_from(["", "≥", ">", "≤", "<", "=", "≈", "range"]))
    value = draw(VALUES)
    upper = draw(st.decimals(min_value=value, max_value=value + 10**6, places=2)) if operator == "range" else None
    return Target("quantitative", operator, value, upper, draw(UNITS), draw(LABELS))


WRITTEN = st.builds(
    lambda label, op, number, unit, suffix: f"{label}{op}{number}{unit}{suffix}",
    LABELS,
    st.sampled_from(["", "≥", "≥ ", "＞", "<", "≤", "＝", "不少于", "不超过", "不低于", "控制在"]),
    st.one_of(st.integers(0, 10**7).map(str), st.integers(0, 10**7).map(lambda n: f"{n:,}"), VALUES.map(str)),
    st.sampled_from(["", " ", "人", " 人次", "万人", "%", "‰", "元/人", "次/月", "个工作日", "分", "万", "余家"]),
    st.sampled_from(["", "以上", "以内", "以下", "左右"]),
)


@given(figures())
def test_a_written_target_reads_back_the_same(target):
    assert parse_target(format_target(target)) == target


@given(st.one_of(WRITTEN, st.text(max_size=30)))
def test_whatever_is_read_writes_back_to_the_same_reading(text):
    target = parse_target(text)
    assume(target is not None)
    assert parse_target(format_target(target)) == target


@given(figures(), figures(), st.decimals(min_value=0, max_value=100, places=2))
def test_an_indicator_score_is_never_negative_nor_above_its_weight(target, actual, weight):
    indicator = Indicator(1, "指标", weight, target, actual, None)
    score = suggested_score(indicator)
    fraction = attainment(target, actual)
    if fraction is not None:
        assert D(0) <= fraction <= D(1)
        assert D(0) <= score <= weight
    else:
        assert score is None


@given(st.sampled_from(["有效提升", "完成", "未完成", "一定程度提升", "否"]), st.decimals(0, 100, places=2))
def test_a_qualitative_band_lies_within_the_weight(actual, weight):
    band = score_band(Indicator(1, "指标", weight, parse_target("有效提升"), parse_target(actual), None))
    _, low, high = band
    assert D(0) <= low <= high <= weight


@given(
    st.integers(1, 10**12),
    st.integers(0, 10**12),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)),
)
def test_the_budget_score_is_never_negative_nor_above_its_points(a, b, points):
    budget = Budget(a, b, None, None, points)
    score = exact_budget_score(budget)
    assert D(0) <= score <= budget.full_points
