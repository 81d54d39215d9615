"""The 情况说明 drafted in 上海市's wording from the three 普陀区 2024 report files, against the published texts."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from core.money import parse_amount
from core.narrative import check_narrative, draft_narrative
from core.reportfile import read_report

SHANGHAI = Path(__file__).parent / "fixtures" / "regions" / "shanghai-putuo-2024"
REPORTS = Path(__file__).parent / "fixtures" / "reports"

#: Sentences of each published 第三部分 (spaces removed) that the draft must state with the same figures.
PUBLISHED = {
    "czj": [
        "上海市普陀区财政局2024年度收入支出总计2995.39万元。",
        "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；",
        "本年支出合计2940.05万元，其中：基本支出2336.91万元，占79.49%；项目支出603.14万元，占20.51%",
        "一般公共预算财政拨款支出2940.05万元，占本年支出合计的100.00%。",
        "社会保障和就业支出（类）326.72万元，占11.11%；",
        "卫生健康支出（类）60.99万元，占2.07%；住房保障支出（类）445.69万元，占15.16%",
        "一般公共预算财政拨款基本支出2336.91万元。其中：人员经费2152.26万元，主要包括：基本工资、",
        "公用经费184.65万元，主要包括：办公费、印刷费、手续费、邮电费、差旅费、维修（护）费、培训费、劳务费、"
        "工会经费、福利费、其他交通费用、其他商品和服务支出、办公设备购置。",
        "“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，",
        "上海市普陀区财政局2024年度无“三公”经费财政拨款支出。",
        "上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出。",
        "上海市普陀区财政局2024年度无国有资本经营预算财政拨款收入和支出。",
        "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。",
    ],
    "ghzy": [
        "上海市普陀区规划和自然资源局2024年度收入支出总计9859.38万元。与2023年度相比，收入支出总计增加1062.85万元，增长12.08%。",
        "本年收入合计9746.50万元，其中：财政拨款收入9746.50万元，占100.00%。",
        "本年支出合计9759.38万元，其中：基本支出5377.64万元，占55.10%；项目支出4381.74万元，占44.90%。",
        "上海市普陀区规划和自然资源局2024年度财政拨款收入支出总计9746.50万元。",
        "一般公共预算财政拨款支出9746.50万元，主要用于以下方面：社会保障和就业支出（类）754.75万元，占7.74%；",
        "城乡社区支出（类）3832.36万元，占39.32%；自然资源海洋气象等支出（类）4461.67万元，占45.78%；"
        "住房保障支出（类）461.08万元，占4.73%。",
        "公用经费480.66万元，主要包括：办公费、手续费、水费、电费、邮电费、物业管理费、差旅费、维修（护）费、",
        "“三公”经费财政拨款支出年初预算为2.85万元，支出决算为0.39万元，完成预算的13.68%，其中：因公出国（境）费决算为0.00万元，",
        "公务接待费支出决算为0.39万元，完成预算的13.68%。2024年度“三公”经费支出决算数小于预算数的主要原因：",
        "2024年度“三公”经费财政拨款支出决算数比2023年度减少0.15万元，下降27.78%，其中：",
        "公务接待费支出决算减少0.15万元，下降27.78%。",
        "“三公”经费财政拨款支出决算中，因公出国（境）费支出决算0.00万元，占0.00%；公务用车购置及运行维护费支出决算0.00万元，"
        "占0.00%；公务接待费支出决算0.39万元，占100.00%。具体情况如下：",
        "1、因公出国（境）费支出0.00万元。全年安排因公出国（境）团组",
        "2、公务用车购置及运行维护费支出0.00万元。其中：",
        "公务用车购置支出为0.00万元。",
        "公务用车运行维护支出0.00万元。",
        "3、公务接待费支出0.39万元。其中：",
        "国内公务接待支出0.39万元（含外宾接待支出",
    ],
    "shgzb": [
        "中共上海市普陀区委社会工作部2024年度收入支出总计307.82万元。",
        "本年收入合计307.82万元，其中：财政拨款收入307.82万元，占100.00%。",
        "本年支出合计307.82万元，其中：基本支出105.58万元，占34.30%；项目支出202.24万元，占65.70%。",
        "中共上海市普陀区委社会工作部2024年度财政拨款收入支出总计307.82万元。",
        "一般公共预算财政拨款支出307.82万元，主要用于以下方面：一般公共服务支出（类）264.87万元，占86.05%；"
        "社会保障和就业支出（类）10.82万元，占3.52%；卫生健康支出（类）2.71万元，占0.88%；",
        "一般公共预算财政拨款基本支出105.58万元。其中：人员经费95.36万元，主要包括：基本工资、津贴补贴、绩效工资、"
        "机关事业单位基本养老保险缴费、职业年金缴费、职工基本医疗保险缴费、其他社会保障缴费、住房公积金、其他工资福利支出；"
        "公用经费10.23万元，主要包括：办公费、",
        "七、财政拨款“三公”经费支出决算情况说明\n中共上海市普陀区委社会工作部2024年度无“三公”经费财政拨款支出。\n八、",
        "中共上海市普陀区委社会工作部2024年度无政府性基金预算财政拨款收入和支出。",
        "中共上海市普陀区委社会工作部2024年度无国有资本经营预算财政拨款收入和支出。",
        "机关运行经费支出10.23万元，",
    ],
}

#: Last year's figures as the published texts imply them (this year's less the change they state).
LAST_YEAR = {
    "czj": {"公开01:30:1": "3052.34", "公开06:公用经费合计:1": "182.10"},
    "ghzy": {"公开01:30:1": "8796.53", "公开09:1:7": "0.54", "公开09:1:12": "0.54"},
    "shgzb": {},
}


def shanghai(name: str):
    report, templates = read_report(SHANGHAI / "reports" / f"{name}.json")
    previous = dataclasses.replace(report, year=2023, cells=dict(report.cells))
    for address, amount in LAST_YEAR[name].items():
        previous.cells[address] = parse_amount(amount, "万元")
    return report, templates, previous


@pytest.mark.parametrize("name", ["czj", "ghzy", "shgzb"])
def test_shanghai_draft_states_the_published_figures_in_the_published_sentences(name):
    report, templates, previous = shanghai(name)
    text = draft_narrative(report, templates, previous).text()
    for sentence in PUBLISHED[name]:
        assert sentence in text, sentence


@pytest.mark.parametrize("name", ["czj", "ghzy", "shgzb"])
def test_shanghai_draft_has_the_templates_eleven_sections_in_its_order(name):
    report, templates, previous = shanghai(name)
    headings = [s.heading for s in draft_narrative(report, templates, previous).sections if s.level == 1]
    assert headings == [
        "一、收入支出决算总体情况说明",
        "二、收入决算情况说明",
        "三、支出决算情况说明",
        "四、财政拨款收入支出决算总体情况说明",
        "五、一般公共预算财政拨款支出决算情况说明",
        "六、一般公共预算财政拨款基本支出决算情况说明",
        "七、财政拨款“三公”经费支出决算情况说明",
        "八、政府性基金预算财政拨款收入支出决算情况说明",
        "九、国有资本经营预算财政拨款收入支出决算情况说明",
        "十、预算绩效管理情况",
        "十一、其他重要事项的情况说明",
    ]


@pytest.mark.parametrize("name", ["czj", "ghzy", "shgzb"])
@pytest.mark.parametrize("with_previous", [False, True])
def test_shanghai_draft_passes_its_own_check(name, with_previous):
    report, templates, previous = shanghai(name)
    previous = previous if with_previous else None
    text = draft_narrative(report, templates, previous).text()
    result = check_narrative(report, templates, text, previous=previous)
    assert [f for f in result.findings if f.severity != "rounding"] == []
    assert result.checked > 50


def test_equal_to_last_year_is_said_as_持平_and_every_item_of_the_general_budget_is_listed():
    report, templates, _ = shanghai("shgzb")
    previous = dataclasses.replace(report, year=2023)
    text = draft_narrative(report, templates, previous).text()
    assert "与2023年度相比，收入支出总计持平。" in text
    assert "与2023年度相比，财政拨款收入支出总计持平。" in text
    assert "机关运行经费支出10.23万元，与2023年度持平。" in text
    items = re.findall(r"^\d+、(.+?（项）)。", text, flags=re.M)
    assert len(items) == 9 and items[2] == "一般公共服务支出（类）社会工作事务（款）其他社会工作事务支出（项）"
    assert "支出决算为202.24万元。" in text


def test_form_answers_fill_the_budget_and_say_equal_budgets_as_持平():
    report, templates, _ = shanghai("shgzb")
    extra = {"年初预算": {"合计": "321.02", "2013999": "202.24", "2013901": "52.00"}}
    text = draft_narrative(report, templates, extra=extra).text()
    assert "年初预算为321.02万元，支出决算为307.82万元，完成年初预算的95.89%。决算数小于预算数的主要原因：" in text
    assert "年初预算为202.24万元，支出决算为202.24万元。决算数与预算数持平。" in text
    assert "年初预算为52.00万元，支出决算为51.32万元。决算数小于预算数的主要原因：" in text
    assert check_narrative(report, templates, text, extra=extra).findings == []


def test_wuhan_reports_keep_the_wuhan_wording():
    report, templates = read_report(REPORTS / "001.json")
    text = draft_narrative(report, templates).text()
    assert "收、支总计" in text and "收入支出总计" not in text and "十一、其他重要事项" not in text
