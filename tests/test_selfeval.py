"""Self-evaluation tables of the seeds: the scores the footnotes give, and every printed figure that breaks them."""

import copy
import json
from decimal import Decimal

import pytest

from core.report import Report
from core.reportfile import ReportFileError, report_from_dict
from core.selfeval import (
    SelfEvalError,
    SelfEvaluation,
    budget_score,
    computed_total,
    execution_rate,
    grade,
    selfeval_findings,
    selfevaluations,
    suggested_score,
)
from core.templates import load_template_set
from tests.conftest import SEED_REPORTS

D = Decimal

# Every finding on each seed's self-evaluation tables: (rule, severity, first cell).
EXPECTED = {
    # The header splits 基本/项目支出 0.02 万元 away from 公开03 (and from the report's own text);
    # two indicators the report itself calls 未完成 (一定程度推进/提升) are scored in the 达成 band.
    "000": [
        ("表间.自评公开03.基本支出", "error", "整体绩效自评:表头:基本支出总额"),
        ("表间.自评公开03.项目支出", "error", "整体绩效自评:表头:项目支出总额"),
        ("自评.定性指标分档", "warning", "项目绩效自评:就业和劳动保障工作经费:指标17:得分"),
        ("自评.定性指标分档", "warning", "项目绩效自评:社会保障工作:指标15:得分"),
    ],
    # No scores printed. 项目支出总额 is the budget (A − 基本), not the spending; three misses in the
    # 整体 table have no reason; four rows print only a target.
    "001": [
        ("自评.未说明原因", "warning", "整体绩效自评:指标10:目标值"),
        ("自评.未说明原因", "warning", "整体绩效自评:指标11:目标值"),
        ("自评.未说明原因", "warning", "整体绩效自评:指标39:目标值"),
        ("表间.自评公开03.项目支出", "error", "整体绩效自评:表头:项目支出总额"),
        ("自评.支出构成", "error", "整体绩效自评:表头:基本支出总额"),
        ("自评.未填完成值", "warning", "项目绩效自评:人才与公共就业服务经费:指标8:实际完成值"),
        ("自评.未填完成值", "warning", "项目绩效自评:支农返汉帮扶资金:指标2:实际完成值"),
        ("自评.未填完成值", "warning", "项目绩效自评:支农返汉帮扶资金:指标5:实际完成值"),
        ("自评.未填完成值", "warning", "项目绩效自评:就业补助资金:指标6:实际完成值"),
    ],
    # Budget scores printed as whole numbers are right at that precision (16 for 15.98): no finding.
    # 99% for 99.57 % is wrong (an error); 75.00% for 74.55 % and three more are B/A to a whole percent
    # padded with zeros (warnings); 支农返汉 scores 14 for 13.35; 目标2 scores 30 out of its 20 points;
    # four unit changes.
    "002": [
        ("自评.得分超过分值", "error", "整体绩效自评:目标2:分值"),
        ("自评.计量单位", "warning", "整体绩效自评:指标6:目标值"),
        ("自评.计量单位", "warning", "整体绩效自评:指标33:目标值"),
        ("表间.自评公开03.项目支出", "rounding", "整体绩效自评:表头:项目支出总额"),
        ("自评.执行率", "error", "项目绩效自评:党员培训教育经费:预算执行:执行率"),
        ("自评.执行率", "warning", "项目绩效自评:就业补助资金:预算执行:执行率"),
        ("自评.执行率", "warning", "项目绩效自评:就业管理经费:预算执行:执行率"),
        ("自评.计量单位", "warning", "项目绩效自评:就业管理经费:指标6:目标值"),
        ("自评.计量单位", "warning", "项目绩效自评:社会保险经办机构:指标19:目标值"),
        ("自评.执行率", "warning", "项目绩效自评:人力资源服务费:预算执行:执行率"),
        ("自评.预算执行得分", "error", "项目绩效自评:支农返汉:预算执行:得分"),
        ("自评.执行率", "warning", "项目绩效自评:三支一扶公开招募及上级补助资金发放:预算执行:执行率"),
    ],
    # 效益指标 prints 40 分 over 二级指标 of 8 + 15 + 7 = 30 (both tables), so the project's 一级
    # 指标 add up to 90 against its 80-point 年度绩效目标, and the 整体 table, which prints no goal
    # points, adds up to 20 + 40 + 40 + 10 = 110.
    "003": [
        ("自评.分值汇总", "error", "整体绩效自评:目标1.效益指标:分值"),
        ("自评.满分", "error", "整体绩效自评:预算执行:分值"),
        ("自评.分值汇总", "error", "项目绩效自评:社会保险业务工作经费项目:目标1.效益指标:分值"),
        ("自评.分值汇总", "error", "项目绩效自评:社会保险业务工作经费项目:目标1:分值"),
    ],
}


def _data(seed: str) -> dict:
    return json.loads(SEED_REPORTS[seed].read_text(encoding="utf-8"))


def _findings(data: dict):
    report, templates = report_from_dict(copy.deepcopy(data))
    return selfeval_findings(report, templates)


def _seed(seed: str):
    report, templates = report_from_dict(_data(seed))
    return report, templates, selfevaluations(report)


def _table(evaluations, name: str) -> SelfEvaluation:
    (table,) = [e for e in evaluations if e.name == name or (name == "整体" and e.kind == "整体")]
    return table


def _indicator(evaluation: SelfEvaluation, name: str):
    (indicator,) = [i for i in evaluation.indicators if i.name == name]
    return indicator


def _only(findings, rule: str, table: str | None = None):
    (finding,) = [f for f in findings if f.rule == rule and (table is None or f.table == table)]
    return finding


# --- the seeds as published ---------------------------------------------------------------------------


def test_seed_selfeval_findings_are_exactly_the_known_ones(seed_report):
    seed, report, templates = seed_report
    assert [(f.rule, f.severity, f.cells[0]) for f in selfeval_findings(report, templates)] == EXPECTED[seed]


def test_seed000_computed_scores_equal_the_printed_ones():
    _, _, tables = _seed("000")
    whole, office = _table(tables, "整体"), _table(tables, "2023年机关业务工作经费项目")
    assert suggested_score(_indicator(whole, "评选“武汉市技能大师”人数")) == D("1.96")  # 2 × 49/50
    assert suggested_score(_indicator(whole, "博士后津贴发放人数")) == D("1.82")  # 2 × 41/45, a bare 45人 is positive
    assert suggested_score(_indicator(whole, "事业单位公开招聘投诉率")) == D(3)  # ≤1‰, 0.02‰: capped at the weight
    assert suggested_score(_indicator(office, '参与“三支一扶"人数')) == D("3.06")  # 4 × 153/200
    assert budget_score(whole.budget) == D("19.91") and budget_score(office.budget) == D("19.84")
    assert computed_total(whole) == D("99.69") == whole.total
    assert computed_total(office) == D("98.9") == office.total


def test_seed000_every_total_is_the_sum_the_rules_give():
    _, _, tables = _seed("000")
    assert [computed_total(t) for t in tables] == [t.total for t in tables]
    assert [grade(t.total) for t in tables] == ["优"] * 10


def test_seed003_computed_scores_equal_the_printed_ones():
    _, _, tables = _seed("003")
    for table in tables:
        assert suggested_score(_indicator(table, "社会保险政策宣传资料发放量")) == D("2.27")  # 10 × 12,500/55,000
        assert computed_total(table) == D("92.27") == table.total


@pytest.mark.parametrize("seed", ["000", "003"])
def test_every_quantitative_score_printed_in_seeds_000_and_003_follows_the_footnotes(seed):
    _, _, tables = _seed(seed)
    checked = [
        (i.name, suggested_score(i), i.score) for t in tables for i in t.indicators if suggested_score(i) is not None
    ]
    assert len(checked) > 10
    assert [c for c in checked if c[1] != c[2]] == []


def test_seed003_level_points_do_not_add_up():
    findings = _findings(_data("003"))
    whole = _only(findings, "自评.分值汇总", "整体绩效自评")
    assert (whole.expected, whole.actual, whole.diff) == (D(30), D(40), D(10))
    assert whole.cells == (
        "整体绩效自评:目标1.效益指标:分值",
        "整体绩效自评:目标1.效益指标.经济效益指标:分值",
        "整体绩效自评:目标1.效益指标.社会效益指标:分值",
        "整体绩效自评:目标1.效益指标.可持续影响指标:分值",
    )
    assert whole.message == "整体绩效自评一级指标“效益指标”分值应等于各二级指标分值之和，实为 40，应为 30，相差 10"
    goal = [f for f in findings if f.cells[0].endswith(":目标1:分值")]
    assert [f.message for f in goal] == [
        "项目绩效自评“社会保险业务工作经费项目”年度绩效目标分值应等于各一级指标分值之和，实为 80，应为 90，相差 10"
    ]


def test_seed000_header_split_differs_from_gongkai03_by_two_cents():
    findings = _findings(_data("000"))
    basic = _only(findings, "表间.自评公开03.基本支出")
    assert basic.cells == ("整体绩效自评:表头:基本支出总额", "公开03:合计:2")
    assert (basic.expected, basic.actual, basic.diff) == (46_675_710_000, 46_675_730_000, 20_000)
    assert basic.message == (
        "整体绩效自评基本支出总额应等于公开03表“合计”行第2栏“基本支出”，实为 46,675.73，应为 46,675.71，相差 0.02 万元"
    )
    project = _only(findings, "表间.自评公开03.项目支出")
    assert (project.expected, project.actual, project.severity) == (37_340_270_000, 37_340_250_000, "error")


def test_seed000_partly_achieved_indicator_scored_in_the_achieved_band_is_a_warning():
    findings = [f for f in _findings(_data("000")) if f.rule == "自评.定性指标分档"]
    assert [f.severity for f in findings] == ["warning", "warning"]
    assert findings[1].message == (
        "项目绩效自评“社会保障工作”第15个指标“提升区域社会保障水平”目标值“显著提升”、实际完成值“一定程度提升”，"
        "属“部分达成预期指标并具有一定效果”一档，得分应在 5（含）至 8（不含）之间，实为 9"
    )
    # 8 of 10 is the lowest score of the 达成 band (100-80，含80%), not of the 部分达成 one.
    assert findings[0].actual == D(8) and "一定程度推进" in findings[0].message


def test_seed001_project_total_is_the_budget_not_the_spending():
    findings = _findings(_data("001"))
    against_gongkai03 = _only(findings, "表间.自评公开03.项目支出")
    assert (against_gongkai03.expected, against_gongkai03.actual) == (8_784_410_000, 10_593_200_000)
    within_the_table = _only(findings, "自评.支出构成")
    assert within_the_table.severity == "error"
    assert within_the_table.message == (
        "整体绩效自评基本支出总额与项目支出总额之和应等于预算执行情况执行数（B），"
        "实为 12,047.75，应为 10,238.96，相差 1,808.79 万元"
    )


def test_seed001_missed_targets_without_a_reason_are_warnings():
    findings = [f for f in _findings(_data("001")) if f.rule == "自评.未说明原因"]
    assert findings[2].message == (
        "整体绩效自评第39个指标“完成仲裁审理案件数量”未完成目标（目标值“≥ 3200 件”，实际完成值“2976 件”），"
        "但“偏差大或目标未完成原因分析”为空"
    )
    assert findings[2].cells == (
        "整体绩效自评:指标39:目标值",
        "整体绩效自评:指标39:实际完成值",
        "整体绩效自评:原因分析:内容",
    )
    # The same miss in the project table comes with a reason: no finding there.
    assert all(f.table == "整体绩效自评" for f in findings)


def test_seed001_rows_printing_only_a_target_are_warnings():
    findings = [f for f in _findings(_data("001")) if f.rule == "自评.未填完成值"]
    assert findings[1].message == (
        "项目绩效自评“支农返汉帮扶资金”第2个指标“支农返汉人员享受帮扶人数”只填了目标值“2561 人”，未填实际完成值"
    )


def test_seed001_executed_amount_matches_gongkai01_line_57_of_the_2024_layout():
    report, templates, tables = _seed("001")
    assert report.cells["公开01:57:2"] == _table(tables, "整体").budget.b
    assert not [f for f in selfeval_findings(report, templates) if "公开01" in f.rule]


def test_seed002_goal2_scores_exceed_its_points():
    finding = _only(_findings(_data("002")), "自评.得分超过分值")
    assert (finding.expected, finding.actual) == (D(20), D(30))
    assert finding.message == "整体绩效自评年度目标2各指标得分之和 30 超过其分值 20"
    assert len(finding.cells) == 1 + 36


def test_seed002_zhinong_fanhan_budget_score_is_wrong():
    finding = next(
        f for f in _findings(_data("002")) if f.table == "项目绩效自评:支农返汉" and f.rule == "自评.预算执行得分"
    )
    assert (finding.severity, finding.expected, finding.actual) == ("error", D("13.35"), D(14))
    assert (
        finding.message == "项目绩效自评“支农返汉”预算执行得分应为 13.35（20分 × 执行率 66.75%），实为 14"
    )  # as printed


def test_seed002_budget_scores_printed_as_whole_numbers_are_right_at_that_precision():
    # 16 for 15.98, 20 for 19.91, 17 for 17.29 …: eleven tables print a score that is not whole as a whole
    # number, ten of them B/A × 20 rounded.
    _, _, tables = _seed("002")
    whole = [t for t in tables if t.budget.score is not None and t.budget.score == t.budget.score.to_integral()]
    assert sum(1 for t in whole if budget_score(t.budget) != t.budget.score) == 11
    findings = [f for f in _findings(_data("002")) if f.rule == "自评.预算执行得分"]
    assert [(f.table, f.severity) for f in findings] == [("项目绩效自评:支农返汉", "error")]  # 14 for 13.35


def test_seed002_rates_that_are_not_b_over_a_at_their_printed_decimals():
    findings = [f for f in _findings(_data("002")) if f.rule == "自评.执行率"]
    assert [(f.expected, f.actual) for f in findings] == [
        (D("99.57"), D(99)),
        (D("74.55"), D("75.00")),
        (D("78.97"), D("79.00")),
        (D("94.65"), D("95.00")),
        (D("69.32"), D("69.00")),
    ]
    # 99% is 99.57 % cut off (100% rounded): an error; the others are B/A to a whole percent, padded with zeros.
    assert [f.severity for f in findings] == ["error", "warning", "warning", "warning", "warning"]
    assert findings[0].message == (
        "项目绩效自评“党员培训教育经费”预算执行率应为 99.57%（执行数 2.34 ÷ 预算数 2.35），实为 99%"
    )
    assert findings[1].message == (
        "项目绩效自评“就业补助资金”预算执行率 75.00% 只精确到整数百分比（75%），"
        "按所印 2 位小数应为 74.55%（执行数 7,908.22 ÷ 预算数 10,608.00）"
    )


def test_seed002_rates_rounded_to_their_printed_decimals_are_right():
    _, _, tables = _seed("002")
    whole = _table(tables, "整体")
    assert whole.budget.rate.text == "80%" and round(execution_rate(whole.budget), 2) == D("79.89")
    messages = " ".join(f.message for f in _findings(_data("002")))
    assert "支农返汉”预算执行率" not in messages  # 66.75 % printed as 67%


def test_seed002_target_and_actual_in_different_units_are_warnings():
    findings = [f for f in _findings(_data("002")) if f.rule == "自评.计量单位"]
    assert findings[0].message == (
        "整体绩效自评第6个指标“提供就业岗位”目标值“全年完成≥12000 个”与实际完成值“城镇新增就业 16551 人”"
        "的计量单位不一致（“个”与“人”）"
    )
    # 12 场/年 against 27 场 is one measure in a yearly table: no warning.
    assert not [f for f in findings if "日常招聘活动" in f.message]


def test_seed002_header_project_total_one_cent_from_biao3_is_rounding():
    finding = _only(_findings(_data("002")), "表间.自评公开03.项目支出")
    assert finding.severity == "rounding"
    assert finding.message.startswith("整体绩效自评项目支出总额应等于表3“合计”行第3栏“项目支出”")


def test_no_seed_has_a_printed_total_that_is_not_the_sum_of_its_scores(seed_report):
    _, report, templates = seed_report
    assert not [f for f in selfeval_findings(report, templates) if f.rule == "自评.总分"]


# --- checks on edited tables --------------------------------------------------------------------------


def _project003(data: dict) -> dict:
    return data["selfeval"][1]


def _indicators(table: dict) -> list[dict]:
    return [i for g in table["goals"] for l1 in g["groups"] for l2 in l1["groups"] for i in l2["indicators"]]


def test_an_entered_score_that_is_not_the_computed_one_is_an_error():
    data = _data("000")
    office = data["selfeval"][1]
    _indicators(office)[1]["score"] = "4"  # 参与“三支一扶"人数: 153 of 200
    office["total"] = "99.84"
    finding = _only(_findings(data), "自评.指标得分")
    assert finding.cells[:2] == (
        "项目绩效自评:2023年机关业务工作经费项目:指标2:得分",
        "项目绩效自评:2023年机关业务工作经费项目:指标2:权重",
    )
    assert (finding.severity, finding.expected, finding.actual, finding.diff) == ("error", D("3.06"), D(4), D("0.94"))
    assert (
        finding.message == '项目绩效自评“2023年机关业务工作经费项目”第2个指标“参与“三支一扶"人数”得分应为 3.06，实为 4'
    )


def test_a_score_above_its_weight_is_an_error():
    data = _data("003")
    _indicators(_project003(data))[0]["score"] = "12"
    finding = _only(_findings(data), "自评.得分超过权重")
    assert finding.severity == "error"
    assert (
        finding.message
        == "项目绩效自评“社会保险业务工作经费项目”第1个指标“社会保险业务经办月合计量”得分 12 超过其权重 10"
    )


def test_a_negative_score_is_an_error():
    data = _data("003")
    _indicators(_project003(data))[0]["score"] = "-1"
    assert _only(_findings(data), "自评.得分为负").severity == "error"


def test_a_total_that_is_not_the_sum_of_the_scores_is_an_error():
    data = _data("003")
    _project003(data)["total"] = "92.37"
    finding = _only(_findings(data), "自评.总分")
    assert (finding.severity, finding.expected, finding.actual) == ("error", D("92.27"), D("92.37"))
    assert finding.message == (
        "项目绩效自评“社会保险业务工作经费项目”总分应等于预算执行得分与各指标得分之和，实为 92.37，应为 92.27，相差 0.10"
    )


def test_a_total_printed_with_fewer_decimals_is_right_at_that_precision():
    data = _data("003")
    _project003(data)["total"] = "92.3"  # 92.27 to one decimal
    assert [f for f in _findings(data) if f.rule == "自评.总分"] == []
    _project003(data)["total"] = "92.2"  # not 92.27 to one decimal, nor within the rounding of 2.27 and the total
    assert _only(_findings(data), "自评.总分").severity == "error"


def test_a_total_summed_before_rounding_is_rounding():
    data = _data("003")
    _project003(data)["total"] = "92.28"  # 2.27 and the total are both rounded: 0.01 is within 2 × 0.005
    assert _only(_findings(data), "自评.总分").severity == "rounding"


def test_budget_points_and_goal_points_must_make_100():
    data = _data("003")
    _project003(data)["budget"]["points"] = "30"
    finding = _only(_findings(data), "自评.满分", "项目绩效自评:社会保险业务工作经费项目")
    assert (finding.severity, finding.actual) == ("error", D(110))
    assert finding.message == "项目绩效自评“社会保险业务工作经费项目”预算执行分值与各年度目标分值之和应为 100，实为 110"


def test_a_table_without_satisfaction_indicators_may_fall_short_of_100():
    data = _data("003")
    project = _project003(data)
    project["goals"][0]["groups"].pop()  # 满意度指标 left out
    project["goals"][0]["points"] = "70"
    project["goals"][0]["groups"][1]["points"] = "30"
    project["total"] = "82.27"
    assert [(f.rule, f.severity) for f in _findings(data) if f.table.startswith("项目")] == [("自评.满分", "warning")]


def test_printed_budget_points_replace_the_20():
    data = _data("000")
    budget = data["selfeval"][1]["budget"]  # 8,082.53 of 8,146.59
    budget["points"], budget["score"] = "10", "9.92"
    table = SelfEvaluation.from_dict(data["selfeval"][1])
    assert budget_score(table.budget) == D("9.92")
    assert not [f for f in _findings(data) if f.rule == "自评.预算执行得分"]


def test_a_qualitative_indicator_achieved_but_scored_below_its_band_is_a_warning():
    data = _data("000")
    rows = _indicators(data["selfeval"][6])  # 社会保障经费
    rows[0]["actual"] = rows[0]["target"] = "有效保障"
    rows[0]["score"] = "7"  # weight 10: the 达成 band is 8–10
    finding = _only(_findings(data), "自评.定性指标分档", "项目绩效自评:社会保障经费")
    assert "属“达成预期指标”一档，得分应在 8（含）至 10（含）之间，实为 7" in finding.message


def test_the_executed_amount_must_equal_gongkai01_total_expense():
    data = _data("003")
    data["cells"]["公开01:58:2"] = "1587.75"
    finding = _only(_findings(data), "表间.自评公开01.执行数")
    assert (finding.severity, finding.cells) == ("rounding", ("整体绩效自评:预算执行:执行数", "公开01:58:2"))
    data["cells"]["公开01:58:2"] = "1600.00"
    finding = _only(_findings(data), "表间.自评公开01.执行数")
    assert finding.severity == "error"
    assert finding.message == (
        "整体绩效自评预算执行情况执行数（B）应等于公开01表第58行“本年支出合计”，实为 1,587.74，应为 1,600.00，相差 12.26 万元"
    )


def test_a_project_spending_more_than_all_projects_is_only_a_warning():
    data = _data("003")
    data["cells"]["公开03:合计:3"] = "300.00"
    found = [f for f in _findings(data) if f.rule == "表间.自评公开03.项目执行数"]
    assert [(f.severity, f.table) for f in found] == [("warning", "项目绩效自评:社会保险业务工作经费项目")]
    assert found[0].message == (
        "项目绩效自评“社会保险业务工作经费项目”执行数（B）不应大于公开03表“合计”行第3栏“项目支出”，"
        "实为 326.65，上限为 300.00，超出 26.65 万元"
    )


@pytest.mark.parametrize(("year", "line"), [(2022, "58"), (2023, "58"), (2024, "57")])
def test_total_expense_line_follows_the_year_layout(year, line):
    from core.rules.coded import total_expense_cell

    assert total_expense_cell(load_template_set(year)) == f"公开01:{line}:2"


# --- the model ------------------------------------------------------------------------------------------


def test_addresses_name_tables_rows_and_columns_as_documented():
    _, _, tables = _seed("003")
    whole, project = tables
    assert whole.table == "整体绩效自评"
    assert project.table == "项目绩效自评:社会保险业务工作经费项目"
    assert project.cell("指标3", "得分") == "项目绩效自评:社会保险业务工作经费项目:指标3:得分"
    level1 = project.goals[0].groups
    assert [g.row for g in level1] == ["目标1.产出指标", "目标1.效益指标", "目标1.满意度指标"]
    assert [g.row for g in level1[0].groups] == ["目标1.产出指标.数量指标", "目标1.产出指标.质量指标"]
    assert level1[2].groups[0].row == "目标1.满意度指标.#1"  # the 二级指标 is not printed
    assert [i.row for i in project.indicators] == [f"指标{n}" for n in range(1, 10)]
    assert project.cell("指标3", "得分").rsplit(":", 2)[1:] == ["指标3", "得分"]


def test_reading_leaves_the_report_unchanged(seed_report):
    _, report, templates = seed_report
    before = copy.deepcopy(report.selfeval)
    selfeval_findings(report, templates)
    assert report.selfeval == before


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda t: t.update(goals={"name": "x"}), "goals 应为列表"),
        (lambda t: _indicators(t)[0].update(weight=10.0), "权重应写成字符串"),
        (lambda t: _indicators(t)[0].update(score="十分"), "得分“十分”不是数字"),
        (lambda t: t["budget"].update(rate="0.995"), "执行率“0.995”应写成百分数"),
        (lambda t: t["budget"].update(A="八万"), "预算数（A）"),
        (lambda t: t.update(kind="部门"), "kind 应为“整体”或“项目”"),
        (lambda t: t["goals"][0]["groups"][0]["groups"].append(["不是对象"]), "应为“键: 值”的对象"),
        (lambda t: t.update(reason=["原因"]), "原因分析应为文字"),
    ],
)
def test_malformed_content_raises_a_selfeval_error_saying_where(edit, words):
    data = _data("003")
    edit(_project003(data))
    report = Report("某局", 2023, selfeval=copy.deepcopy(data["selfeval"]))
    with pytest.raises(SelfEvalError, match=words) as raised:
        selfevaluations(report)
    assert "第2张自评表" in str(raised.value)
    assert isinstance(raised.value, ValueError)
    # Reading the report file refuses it with the same words: the file is unreadable (exit 2), not half-read.
    with pytest.raises(ReportFileError, match=words):
        report_from_dict(copy.deepcopy(data))


@pytest.mark.parametrize(
    ("total", "grade_name"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grades_follow_the_2020_evaluation_bands(total, grade_name):
    assert grade(D(total)) == grade_name


def test_an_indicator_read_before_is_read_again_the_same_and_a_different_type_is_still_refused():
    """Indicators are kept once read: the same dict gives the same indicator, and a value equal to one
    read before but of another type (True == 1, 1.0 == 1) is still judged on its own."""
    table = copy.deepcopy(json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))["selfeval"][1])
    indicator = table["goals"][0]["groups"][0]["groups"][0]["indicators"][0]
    indicator["weight"] = 1
    first = SelfEvaluation.from_dict(table, 2)
    assert SelfEvaluation.from_dict(copy.deepcopy(table), 2) == first
    assert first.indicators[0].weight == Decimal(1)
    for wrong in (True, 1.0):
        indicator["weight"] = wrong
        with pytest.raises(SelfEvalError, match="权重应写成字符串"):
            SelfEvaluation.from_dict(table, 2)
    indicator["weight"] = "2"
    assert SelfEvaluation.from_dict(table, 2).indicators[0].weight == Decimal(2)
