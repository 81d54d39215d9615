"""Checking the three published Shanghai (普陀区 2024) 情况说明 against their own report files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.narrative import check_narrative
from core.reportfile import read_report

SHANGHAI = Path(__file__).parent / "fixtures" / "regions" / "shanghai-putuo-2024"


def shanghai(name: str):
    report, templates = read_report(SHANGHAI / "reports" / f"{name}.json")
    return report, templates, (SHANGHAI / f"putuo_{name}_2024.txt").read_text(encoding="utf-8")


def errors(result) -> list[tuple[str, str]]:
    return sorted((f.rule, f.cells[0].split(":", 1)[1]) for f in result.findings if f.severity == "error")


def test_czj_errors_are_the_zero_point_three_total_a_share_and_an_item_the_table_lacks():
    report, templates, text = shanghai("czj")
    result = check_narrative(report, templates, text)
    assert errors(result) == [("情况说明.占比", "五(二)"), ("情况说明.明细", "六"), ("情况说明.金额", "四")]
    total, share, listed = (
        next(f for f in result.findings if f.rule == r) for r in ("情况说明.金额", "情况说明.占比", "情况说明.明细")
    )
    assert (total.actual, total.expected) == (300_000, 2_961_680_000)  # 财政拨款收入支出总计0.3万元, 公开04 2961.68
    assert share.actual == Decimal("71.73") and round(share.expected, 2) == Decimal("71.65")  # 2106.66 / 2940.05
    assert listed.cells[1] == "公开06:30310:1" and "个人农业生产补贴" in listed.message


def test_czj_item_whose_name_the_pdf_broke_is_skipped_not_tied_to_the_item_before():
    # Lines 599–603: "…（款）机关事业单位基本养老 / 161.62万元，支出决算为160.75万元。 / 保险缴费支出（项）…"
    report, templates, text = shanghai("czj")
    result = check_narrative(report, templates, text)
    assert not [f for f in result.findings if f.cells[0] == "情况说明:五(三)" and f.severity != "rounding"]
    assert not [f for f in result.findings if "公开05:2080501:1" in f.cells]
    fragment = (
        "第三部分\n五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
        "5、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于：退休人员经费支出。"
        "年初预算为 85.55 万元，支出决算为84.65万元。\n"
        "6、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老\n"
        "161.62万元，支出决算为160.75万元。 决算数小于预算数的主要原因：预算按充分保\n"
        "保险缴费支出（项）。主要用于：在职人员的基本养老保险支出。年初预算为\n"
    )
    small = check_narrative(report, templates, fragment)
    assert small.findings == [] and small.checked == 1  # 84.65 of 2080501 only; 160.75 is not its figure


def test_ghzy_errors_are_the_all_funds_basic_costs_and_items_the_table_prints_as_zero():
    report, templates, text = shanghai("ghzy")
    result = check_narrative(report, templates, text)
    assert errors(result) == [("情况说明.明细", "六")] * 4 + [("情况说明.金额", "六")] * 2
    amounts = {(f.actual, f.expected) for f in result.findings if f.rule == "情况说明.金额" and f.severity == "error"}
    assert amounts == {(5_377_640_000, 5_364_750_000), (4_896_980_000, 4_884_090_000)}
    listed = {f.cells[1] for f in result.findings if f.rule == "情况说明.明细"}
    assert listed == {"公开06:30103:1", "公开06:30309:1", "公开06:30399:1", "公开06:30240:1"}


def test_ghzy_foreign_guests_part_of_reception_costs_is_not_the_reception_costs():
    report, templates, text = shanghai("ghzy")
    result = check_narrative(report, templates, text)
    reception = [f for f in result.findings if "外宾接待" in f.message]
    assert (
        reception == []
    )  # 0.39 万 is 公开09 公务接待费 0.39; the 0.00 in （含外宾接待支出 0.00 万元） is a part of it
    sentence = "第三部分\n七、财政拨款“三公”经费支出决算情况说明\n其中：国内公务接待支出 0.39 万（含外宾接待支出 0.00 万元）。\n"
    small = check_narrative(report, templates, sentence)
    assert (small.findings, small.checked, small.skipped) == ([], 1, 1)


def test_a_bracketed_part_with_its_own_subject_is_still_checked():
    report, templates, _ = shanghai("ghzy")
    text = "第三部分\n七、财政拨款“三公”经费支出决算情况说明\n“三公”经费支出决算 0.39 万元（其中：公务接待费 0.30 万元）。\n"
    result = check_narrative(report, templates, text)
    assert [(f.severity, f.expected, f.actual) for f in result.findings] == [("error", 390_000, 300_000)]


def test_shgzb_error_is_postage_listed_where_the_table_prints_zero():
    report, templates, text = shanghai("shgzb")
    result = check_narrative(report, templates, text)
    assert errors(result) == [("情况说明.明细", "六")]
    assert next(f for f in result.findings if f.severity == "error").cells[1] == "公开06:30207:1"


@pytest.mark.parametrize("name", ["czj", "ghzy", "shgzb"])
def test_every_shanghai_section_is_read_and_most_figures_are_tied(name):
    report, templates, text = shanghai(name)
    result = check_narrative(report, templates, text)
    assert result.sections[:4] == ["一", "二", "三", "四"] and "十一(一)" in result.sections
    assert result.checked > result.skipped


def test_capital_spending_is_shanghais_本年支出合计_column_not_its_carry_over():
    report, templates, _ = shanghai("shgzb")
    report.cells["公开08:合计:1"] = 500_000  # 年初结转和结余 0.50
    report.cells["公开08:合计:3"] = 1_230_000  # 本年支出合计 1.23
    text = (
        "第三部分\n九、国有资本经营预算财政拨款收入支出决算情况说明\n2024年度国有资本经营预算财政拨款支出1.23万元。\n"
    )
    assert (check_narrative(report, templates, text).findings, check_narrative(report, templates, text).checked) == (
        [],
        1,
    )
    wrong = text.replace("1.23", "0.50")
    assert [f.expected for f in check_narrative(report, templates, wrong).findings] == [1_230_000]
