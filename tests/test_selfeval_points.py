"""Self-evaluation: points adding up to 100 when goals print none, and figures read at the precision they are printed with."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from core.reportfile import report_from_dict
from core.selfeval import selfeval_findings
from tests.conftest import SEED_REPORTS

D = Decimal


def _data(seed: str) -> dict:
    return json.loads(SEED_REPORTS[seed].read_text(encoding="utf-8"))


def _findings(data: dict, table: str | None = None):
    report, templates = report_from_dict(copy.deepcopy(data))
    return [f for f in selfeval_findings(report, templates) if table is None or f.table == table]


# -- 3. points add up to 100 -----------------------------------------------------------------------


def _whole003(data: dict) -> dict:
    (table,) = [t for t in data["selfeval"] if t["kind"] == "整体"]
    return table


def _group(table: dict, name: str) -> dict:
    return next(g for g in table["goals"][0]["groups"] if g["level1"] == name)


def test_seed003_whole_table_prints_no_goal_points_and_its_level1_points_make_110():
    # 预算执行（20分）, 产出指标（40分）, 效益指标（40分） over 8 + 15 + 7, 满意度指标（10分）.
    data = _data("003")
    assert "points" not in _whole003(data)["goals"][0]
    (finding,) = [f for f in _findings(data, "整体绩效自评") if f.rule == "自评.满分"]
    assert (finding.severity, finding.expected, finding.actual) == ("error", D(100), D(110))
    assert finding.message == "整体绩效自评预算执行分值与各一级指标分值之和应为 100，实为 110"
    assert finding.cells == (
        "整体绩效自评:预算执行:分值",
        "整体绩效自评:目标1.产出指标:分值",
        "整体绩效自评:目标1.效益指标:分值",
        "整体绩效自评:目标1.满意度指标:分值",
    )


def test_with_the_misprinted_40_corrected_the_whole_table_makes_100():
    data = _data("003")
    _group(_whole003(data), "效益指标")["points"] = "30"
    assert _findings(data, "整体绩效自评") == []


def test_a_table_adding_up_to_101_is_caught_though_it_prints_no_goal_points():
    # 效益指标 corrected; the budget worth 21 points (scored 21, 总分 93.27): every other check still holds.
    data = _data("003")
    table = _whole003(data)
    _group(table, "效益指标")["points"] = "30"
    table["budget"].update(points="21", score="21")
    table["total"] = "93.27"
    findings = _findings(data, "整体绩效自评")
    assert [(f.rule, f.severity, f.actual) for f in findings] == [("自评.满分", "error", D(101))]


def test_a_goal_without_points_and_without_level1_points_is_not_summed():
    data = _data("003")
    table = _whole003(data)
    _group(table, "效益指标")["points"] = "30"
    del _group(table, "满意度指标")["points"]  # its only 二级 prints no points and no name: nothing to add up
    for indicator in _group(table, "满意度指标")["groups"][0]["indicators"]:
        indicator.pop("weight", None)
        indicator.pop("score", None)
    table["total"] = "82.27"
    assert [f for f in _findings(data, "整体绩效自评") if f.rule == "自评.满分"] == []


# -- 4. printed precision --------------------------------------------------------------------------

JOBS = "项目绩效自评:就业补助资金"  # seed 002: 执行数 7,908.22 ÷ 预算数 10,608.00 = 74.55 %, score 20 × that = 14.91


def _jobs(data: dict) -> dict:
    return next(t for t in data["selfeval"] if t.get("header", {}).get("项目名称") == "就业补助资金")


@pytest.mark.parametrize(
    ("printed", "severity"),
    [
        ("74.55%", None),
        ("75%", None),  # whole percent, rounded half up
        ("74.5%", None),
        ("75.00%", "warning"),  # the seed: whole percent padded with zeros
        ("75.0%", "warning"),
        ("74.00%", "error"),  # neither B/A nor B/A to a whole percent
        ("74%", "error"),  # cut off, not rounded
        ("74.56%", "error"),
    ],
)
def test_a_rate_is_read_at_the_precision_it_is_printed_with(printed, severity):
    data = _data("002")
    _jobs(data)["budget"]["rate"] = printed
    found = [f.severity for f in _findings(data, JOBS) if f.rule == "自评.执行率"]
    assert found == ([] if severity is None else [severity])


def test_a_padded_rate_names_the_precision():
    (finding,) = [f for f in _findings(_data("002"), JOBS) if f.rule == "自评.执行率"]
    assert finding.message == (
        "项目绩效自评“就业补助资金”预算执行率 75.00% 只精确到整数百分比（75%），"
        "按所印 2 位小数应为 74.55%（执行数 7,908.22 ÷ 预算数 10,608.00）"
    )


@pytest.mark.parametrize(
    ("printed", "severity", "quoted"),
    [
        ("15", None, None),  # 14.91 printed whole
        ("14.9", None, None),  # to one decimal
        ("14.91", None, None),
        ("14.92", "error", "实为 14.92"),
        ("15.00", "error", "实为 15.00"),  # two decimals claimed: 14.91
        ("14", "error", "实为 14"),  # quoted as printed, not 14.00
    ],
)
def test_a_budget_score_is_read_at_the_precision_it_is_printed_with(printed, severity, quoted):
    data = _data("002")
    table = _jobs(data)
    table["budget"]["score"] = printed
    table["total"] = None
    found = [f for f in _findings(data, JOBS) if f.rule == "自评.预算执行得分"]
    assert [f.severity for f in found] == ([] if severity is None else [severity])
    if quoted:
        assert found[0].message.endswith(quoted)
