"""Edits of a self-evaluation table dict, without Qt: moving, adding and removing indicators, 分值, suggestions."""

import copy

import pytest

from core.money import AmountError
from core.reportfile import read_report
from core.selfeval_edit import (
    PointsKeeper,
    add_indicator,
    adopt_suggestions,
    can_shift,
    clean_entry,
    move_indicator,
    remove_indicator,
    shift_indicator,
)
from tests.conftest import SEED_REPORTS


def two_groups() -> dict:
    """产出指标/数量指标 with two indicators, 满意度指标 with one; 分值 printed and adding up."""
    return {
        "kind": "项目",
        "goals": [
            {
                "name": "年度绩效目标",
                "points": "80",
                "groups": [
                    {
                        "level1": "产出指标",
                        "points": "60",
                        "groups": [
                            {
                                "level2": "数量指标",
                                "points": "60",
                                "indicators": [{"name": "甲", "weight": "30"}, {"name": "乙", "weight": "30"}],
                            }
                        ],
                    },
                    {
                        "level1": "满意度指标",
                        "points": "20",
                        "groups": [
                            {
                                "level2": "服务对象满意度指标",
                                "points": "20",
                                "indicators": [{"name": "丙", "weight": "20"}],
                            }
                        ],
                    },
                ],
            }
        ],
    }


def test_moving_to_another_level1_makes_the_group_in_printed_order_and_drops_the_emptied_one():
    table = two_groups()
    path = move_indicator(table, (0, 1, 0, 0), 1, "效益指标")
    groups = table["goals"][0]["groups"]
    assert [g["level1"] for g in groups] == ["产出指标", "效益指标"], "满意度指标 was left empty"
    assert groups[1]["groups"] == [{"level2": "经济效益指标", "indicators": [{"name": "丙", "weight": "20"}]}]
    assert path == (0, 1, 0, 0)


def test_points_that_added_up_keep_adding_up_and_new_groups_get_theirs():
    table = two_groups()
    keeper = PointsKeeper(table)
    move_indicator(table, (0, 0, 0, 1), 2, "质量指标")
    keeper.apply(table)
    output = table["goals"][0]["groups"][0]
    assert [(g["level2"], g["points"]) for g in output["groups"]] == [("数量指标", "30"), ("质量指标", "30")]
    assert output["points"] == "60" and table["goals"][0]["points"] == "80"


def test_add_remove_and_shift_indicators():
    table: dict = {"kind": "项目", "goals": []}
    assert add_indicator(table, None) == (0, 0, 0, 0)
    assert [table["goals"][0]["name"], table["goals"][0]["groups"][0]["level1"]] == ["年度绩效目标", "产出指标"]
    assert table["goals"][0]["groups"][0]["groups"][0]["level2"] == "数量指标"
    table["goals"][0]["groups"][0]["groups"][0]["indicators"][0]["name"] = "甲"
    assert add_indicator(table, (0, 0, 0, 0)) == (0, 0, 0, 1)
    assert not can_shift(table, (0, 0, 0, 0), -1) and can_shift(table, (0, 0, 0, 0), 1)
    assert shift_indicator(table, (0, 0, 0, 0), 1) == (0, 0, 0, 1)
    assert [i["name"] for i in table["goals"][0]["groups"][0]["groups"][0]["indicators"]] == ["", "甲"]
    remove_indicator(table, (0, 0, 0, 0))
    remove_indicator(table, (0, 0, 0, 0))
    assert table["goals"] == [], "the emptied groups go too"


def test_adopting_suggestions_on_seed_003_gives_the_suggested_scores():
    printed = read_report(SEED_REPORTS["003"])[0].selfeval[1]  # 社会保险业务工作经费项目
    assert adopt_suggestions(copy.deepcopy(printed), 2) == 0, "the seed's scores are the rules' already"
    table = copy.deepcopy(printed)
    indicator = table["goals"][0]["groups"][0]["groups"][0]["indicators"][2]  # 12,500份 of 55,000份, weight 10
    indicator["score"], table["budget"]["score"], table["total"] = "10", "18", "100"
    assert adopt_suggestions(table, 2) == 3
    assert (indicator["score"], table["budget"]["score"], table["total"]) == ("2.27", "20.00", "92.27")


def test_typed_amounts_and_rates_are_written_as_the_file_keeps_them():
    assert clean_entry("budget", "A", "1,234.5") == "1234.50"
    assert clean_entry("header", "基本支出总额", "") == ""
    assert clean_entry("budget", "rate", "95") == "95%" and clean_entry("budget", "rate", "95%") == "95%"
    assert clean_entry("header", "项目名称", "1,234.5") == "1,234.5"
    with pytest.raises(AmountError, match="无法识别的金额"):
        clean_entry("budget", "B", "81x6.59")
