"""尾差 told apart from errors by what rounding of the filled figures can do (core.rules.rounding)."""

from __future__ import annotations

import pytest

from core.audit import Checker, audit
from core.reportfile import read_report
from core.rules.rounding import bound_text, classify, half_digit, plausible, worst_case
from tests.conftest import SEED_REPORTS

WAN = half_digit("万元")  # 0.005 万元 in 分
CENT = 10_000  # 0.01 万元, the last printed digit


@pytest.mark.parametrize(
    ("filled", "likely", "most"),
    [(1, "0.005", "0.005"), (2, "0.01", "0.01"), (3, "0.015", "0.015"), (4, "0.017", "0.02"), (12, "0.03", "0.06")]
    + [(28, "0.045", "0.14"), (302, "0.15", "1.51")],
)
def test_the_bounds_in_wan_yuan(filled, likely, most):
    assert bound_text(plausible(filled, WAN), "万元") == likely
    assert bound_text(worst_case(filled, WAN), "万元") == most


def test_one_printed_digit_on_two_or_three_figures_is_rounding_and_on_one_figure_is_not():
    assert classify(CENT, 2, WAN, "error") == "rounding"
    assert classify(-CENT, 3, WAN, "error") == "rounding"
    assert classify(CENT, 1, WAN, "error") == "error"  # one figure against a blank: rounding cannot make 0.01


def test_the_three_bands_on_28_figures():
    assert classify(4 * CENT, 28, WAN, "error") == "rounding"
    assert classify(5 * CENT, 28, WAN, "error") == "warning"
    assert classify(14 * CENT, 28, WAN, "error") == "warning"
    assert classify(15 * CENT, 28, WAN, "error") == "error"
    # A bound (≤) rule is a warning to begin with: beyond the worst case it stays one.
    assert classify(15 * CENT, 28, WAN, "warning") == "warning"


def test_plausible_never_exceeds_the_worst_case_and_grows_with_the_figures():
    previous = 0
    for filled in range(1, 2000):
        bound = plausible(filled, WAN)
        assert previous <= bound <= worst_case(filled, WAN)
        previous = bound


def test_yuan_is_exact():
    assert half_digit("元") == 0
    assert classify(1, 500, 0, "error") == "error"
    assert plausible(500, 0) == worst_case(500, 0) == 0


# -- on a seed: 公开06 302 商品和服务支出 of seed 001 (printed 173.41, its items add up to 173.42) -----------


def _seed001() -> Checker:
    report, templates = read_report(SEED_REPORTS["001"])
    return Checker(templates, report)


def _finding_302(checker: Checker):
    (finding,) = [f for f in checker.findings() if f.rule == "公开06.科目汇总" and f.cells[0] == "公开06:302:1"]
    return finding


def test_seed001_302_is_rounding_with_its_bound_in_the_message():
    finding = _finding_302(_seed001())
    assert finding.severity == "rounding"
    assert finding.message.endswith("相差 0.01 万元（在尾数误差范围内：12 个填列数的尾差一般不超过 0.03 万元）")


def test_an_item_of_302_off_by_ten_cents_is_no_longer_rounding():
    # 30201 办公费 is read by no other identity: the mutation keeps every other one as printed.
    checker = _seed001()
    before = {f for f in checker.findings() if f.rule != "公开06.科目汇总"}
    checker.set("公开06:30201:1", checker.values["公开06:30201:1"] + 4 * CENT)  # 302 now 0.05 short of its items
    finding = _finding_302(checker)
    assert (finding.severity, finding.diff) == ("warning", -5 * CENT)
    assert finding.message.endswith(
        "相差 0.05 万元（差额超出常见尾差，请核实：12 个填列数的尾差一般不超过 0.03 万元，最多 0.06 万元）"
    )
    checker.set("公开06:30201:1", checker.values["公开06:30201:1"] + 2 * CENT)  # 0.07: beyond what 12 figures can do
    finding = _finding_302(checker)
    assert (finding.severity, finding.diff) == ("error", -7 * CENT)
    assert "尾差" not in finding.message
    assert {f for f in checker.findings() if f.rule != "公开06.科目汇总"} == before


def test_printed_zeros_count_as_figures_but_no_longer_excuse_a_large_gap():
    # The 16 blank items of 302 printed as 0.00: 28 figures, worst case 0.14, plausible 0.045.
    checker = _seed001()
    finding = _finding_302(checker)
    for address in finding.cells:
        if address not in checker.values:
            checker.set(address, 0)
    assert _finding_302(checker).message.endswith("（在尾数误差范围内：28 个填列数的尾差一般不超过 0.045 万元）")
    checker.set("公开06:30201:1", checker.values["公开06:30201:1"] + 13 * CENT)  # 0.14 in all
    assert _finding_302(checker).severity == "warning"  # was 尾差 under 0.005 × figures alone
    checker.set("公开06:30201:1", checker.values["公开06:30201:1"] + CENT)
    assert _finding_302(checker).severity == "error"


@pytest.mark.parametrize("gap", [1, 4, 5, 13, 14, 40])
def test_the_incremental_checker_classifies_as_a_fresh_audit(gap):
    report, templates = read_report(SEED_REPORTS["001"])
    checker = Checker(templates, report)
    checker.set("公开06:30201:1", checker.values["公开06:30201:1"] + gap * CENT)
    report.cells = dict(checker.values)
    assert checker.findings() == audit(templates, report)
