"""Checking the published 情况说明 of the seeds against their own tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.narrative import check_narrative
from core.narrative.document import part_three, sections
from core.narrative.statements import tokens
from core.report import Report
from core.reportfile import read_report
from core.templates import load_template_set

FIXTURES = Path(__file__).parent / "fixtures"


def seed(n: str) -> tuple[Report, object, str]:
    report, templates = read_report(FIXTURES / "reports" / f"{n}.json")
    (path,) = (FIXTURES / "seed_texts").glob(f"{n}_*.txt")
    return report, templates, path.read_text(encoding="utf-8")


def pinned(result) -> list[tuple[str, str, str]]:
    return [(f.severity, f.rule, f.cells[0].split(":", 1)[1]) for f in result.findings]


def test_figures_as_written_thousands_fewer_decimals_and_units():
    found = tokens(
        "收、支总计 84,317.15 万元，减少 10,968.8万元，下降 11.6%；卫生健康（类）支出149.91元，共有车辆 34辆"
    )
    assert [(t.kind, t.value, t.decimals, t.unit) for t in found] == [
        ("amount", 84_317_150_000, 2, "万元"),
        ("amount", 10_968_800_000, 1, "万元"),
        ("percent", Decimal("11.6"), 1, "%"),
        ("amount", 14_991, 2, "元"),
        ("count", Decimal(34), 0, "辆"),
    ]


def test_part_three_is_found_past_the_table_of_contents():
    _, _, text = seed("001")
    labels = [s.label for s in sections(text)]
    assert labels[:6] == ["一", "二", "三", "四", "五", "五(一)"]
    assert "2024 年度收、支总计均为 10238.96 万元" in part_three(text)


def test_seed000_evaluated_project_funds_are_not_all_of_the_general_budget_projects():
    report, templates, text = seed("000")
    result = check_narrative(report, templates, text)
    assert pinned(result) == [("error", "情况说明.占比", "十三(一)")]
    (finding,) = result.findings
    assert finding.actual == Decimal(100) and round(finding.expected, 1) == Decimal("105.7")
    assert "37,340.27万元" in finding.message
    assert result.checked > 150


def test_seed001_sangong_completion_48_percent_where_the_table_says_100():
    report, templates, text = seed("001")
    result = check_narrative(report, templates, text)
    assert pinned(result) == [
        ("rounding", "情况说明.占比", "五(二)"),
        ("error", "情况说明.完成预算", "九(一)"),
        ("error", "情况说明.金额", "九(二)"),
        ("error", "情况说明.完成预算", "九(二)"),
    ]
    budget = result.findings[2]
    assert (budget.expected, budget.actual) == (480_000, 1_000_000)  # 公务接待费全年预算为 1 万元, table 0.48


def test_seed002_totals_that_are_subtotals_and_personnel_costs_from_the_wrong_table():
    report, templates, text = seed("002")
    result = check_narrative(report, templates, text)
    errors = [p for p in pinned(result) if p[0] == "error"]
    assert (
        errors
        == [
            ("error", "情况说明.金额", "一"),
            ("error", "情况说明.金额", "一"),
            ("error", "情况说明.金额", "四"),
            ("error", "情况说明.金额", "四"),
            ("error", "情况说明.金额", "五(二)"),
            ("error", "情况说明.金额", "六"),
            ("error", "情况说明.金额", "六"),
        ]
        + [("error", "情况说明.明细", "六")] * 6
    )
    assert ("warning", "情况说明.模板遗留", "二") in pinned(result)
    listed = {f.cells[1] for f in result.findings if f.rule == "情况说明.明细"}
    assert listed == {
        "公开06:30106:1",
        "公开06:30114:1",
        "公开06:30199:1",
        "公开06:30203:1",
        "公开06:30205:1",
        "公开06:30206:1",
    }
    personnel = next(f for f in result.findings if "人员经费" in f.message and f.rule == "情况说明.金额")
    assert (personnel.expected, personnel.actual) == (1_369_670_000, 449_170_000)


def test_seed003_leftover_and_yuan_for_wan_yuan_and_a_blank_item_listed():
    report, templates, text = seed("003")
    result = check_narrative(report, templates, text)
    assert pinned(result) == [
        ("warning", "情况说明.模板遗留", "三"),
        ("warning", "情况说明.金额", "五(二)"),
        ("error", "情况说明.明细", "六"),
    ]
    assert "增加减少" in result.findings[0].message
    assert result.findings[2].cells[1] == "公开06:30399:1"


def test_seed004_evaluation_report_has_no_narrative_to_check():
    report, templates, _ = seed("000")
    (path,) = (FIXTURES / "seed_texts").glob("004_*.txt")
    result = check_narrative(report, templates, path.read_text(encoding="utf-8"))
    assert (result.findings, result.checked) == ([], 0)


def test_keys_are_unique_and_the_same_on_a_second_run():
    report, templates, text = seed("002")
    first = [f.key for f in check_narrative(report, templates, text).findings]
    assert len(set(first)) == len(first)
    assert first == [f.key for f in check_narrative(report, templates, text).findings]


def test_a_change_against_last_years_report_in_the_wrong_direction_is_an_error():
    report, templates, _ = seed("003")
    previous = Report(report.unit_name, 2022, cells={**report.cells})
    previous.cells["公开01:31:1"] = report.cells["公开01:31:1"] - 166_070_000  # last year was smaller
    text = "第三部分\n一、收入支出决算总体情况说明\n2023年度收、支总计1,587.74万元。与2022年度相比，收、支总计各减少166.07万元，下降9.5%。\n"
    result = check_narrative(report, templates, text, previous=previous)
    assert [(f.severity, f.rule) for f in result.findings] == [("error", "情况说明.增减"), ("error", "情况说明.增减率")]
    assert "增加 166.07 万元" in result.findings[0].message


def test_shanghai_sections_are_found_by_their_words_not_their_numbers():
    text = (FIXTURES / "regions" / "shanghai-putuo-2024" / "putuo_czj_2024.txt").read_text(encoding="utf-8")
    found = {s.label: s.topic for s in sections(text)}
    assert found["七"] == "三公" and found["八"] == "政府性基金" and found["十一(一)"] == "机关运行经费"


def test_shanghai_class_amount_one_cent_off_the_table_is_rounding():
    text = (FIXTURES / "regions" / "shanghai-putuo-2024" / "putuo_czj_2024.txt").read_text(encoding="utf-8")
    templates = load_template_set(2024)
    cells = {"公开05:合计:1": 2_940_050_000, "公开05:201:1": 2_106_660_000, "公开05:208:1": 326_710_000}
    report = Report("上海市普陀区财政局", 2024, cells=cells)
    result = check_narrative(report, templates, text)
    structure = [(f.severity, f.expected, f.actual) for f in result.findings if f.cells[0] == "情况说明:五(二)"]
    assert ("rounding", 326_710_000, 326_720_000) in structure


@pytest.mark.parametrize("n", ["000", "001", "002", "003"])
def test_every_error_quotes_its_sentence_and_both_values(n):
    report, templates, text = seed(n)
    for finding in check_narrative(report, templates, text).findings:
        assert finding.table == "情况说明" and finding.cells[0].startswith("情况说明:")
        assert "“" in finding.message
        if finding.severity == "error" and finding.rule != "情况说明.明细":
            assert finding.expected is not None and finding.actual is not None
