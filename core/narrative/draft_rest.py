"""The draft's 三公 section and the sections the tables barely hold (机关运行经费, 政府采购, 国有资产, 绩效)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.narrative.compare import ratio
from core.narrative.draft import Run, percent
from core.narrative.extra import extra_amount, extra_count

if TYPE_CHECKING:
    from core.narrative.draft import _Writer

_ITEMS = (
    ("因公出国", "因公出国（境）费"),
    ("公务用车购置及运行", "公务用车购置及运行维护费"),
    ("公务接待", "公务接待费"),
)


def _budget_phrase(w: _Writer, item: str) -> list[Run]:
    budget = w.f.sangong(item, budget=True).value
    actual = w.f.sangong(item, budget=False).value
    if not budget and not actual:
        return [Run("无预算安排，无支出决算数")]
    if not budget:
        return [Run(f"无预算安排，支出决算为{w.amount(actual)}")]
    return [
        Run(f"预算为{w.amount(budget)}，支出决算为{w.amount(actual)}，完成全年预算的{percent(ratio(actual, budget))}")
    ]


def _previous(w: _Writer, item: str) -> list[Run]:
    this = w.f.sangong(item, budget=False)
    runs = w.change(this, lambda p: p.sangong(item, budget=False))
    if runs and runs[0].blank:
        return [Run("，较上年"), *runs]
    return [Run("，较上年" + runs[0].text)]


def sangong_sections(w: _Writer) -> None:
    y = w.year
    w.section("财政拨款“三公”经费支出决算情况说明")
    s = w.section("“三公”经费财政拨款支出决算总体情况说明", level=2)
    budget, actual = w.f.sangong("三公", budget=True).value, w.f.sangong("三公", budget=False).value
    runs = [Run(f"{y}年度“三公”经费财政拨款支出"), *_budget_phrase(w, "三公"), *_previous(w, "三公")]
    if budget or actual:
        word = "等于" if actual == budget else ("小于" if actual < budget else "大于")
        runs.append(Run(f"。决算数{word}预算数"))
        if actual != budget:
            runs += [Run("的主要原因是"), w.reason("九(一)")]
    runs.append(Run("。"))
    s.paragraphs.append(runs)
    s = w.section("“三公”经费财政拨款支出决算具体情况说明", level=2)
    for n, (item, name) in enumerate(_ITEMS, start=1):
        runs = [Run(f"{n}.{name}"), *_budget_phrase(w, item), Run("。")]
        s.paragraphs.append(runs)
        if item == "公务用车购置及运行":
            for sub, (code, label) in enumerate(
                (("公务用车购置", "公务用车购置费"), ("公务用车运行", "公务用车运行维护费")), start=1
            ):
                spent = w.f.sangong(code, budget=False).value
                if spent or w.f.sangong(code, budget=True).value:
                    s.paragraphs.append([Run(f"（{sub}）{label}"), *_budget_phrase(w, code), Run("。")])
            held = extra_count(w.extra, "三公", "公务用车保有量")
            s.paragraphs.append(
                [
                    Run(f"截至{y}年12月31日，开支财政拨款的公务用车保有量"),
                    Run(str(held)) if held is not None else w.blank("保有量"),
                    Run("辆。"),
                ]
            )
        if item == "公务接待" and w.f.sangong(item, budget=False).value:
            batches, people = extra_count(w.extra, "三公", "接待批次"), extra_count(w.extra, "三公", "接待人次")
            s.paragraphs.append(
                [
                    Run(f"国内公务接待支出{w.amount(w.f.sangong(item, budget=False).value)}，共计"),
                    Run(str(batches)) if batches is not None else w.blank("批次"),
                    Run("批次"),
                    Run(str(people)) if people is not None else w.blank("人次"),
                    Run("人次（不包括陪同人员）。"),
                ]
            )


def other_sections(w: _Writer) -> None:
    y, name = w.year, w.report.unit_name
    s = w.section("机关运行经费支出说明")
    running = extra_amount(w.extra, "机关运行经费", unit=w.unit)
    value = running if running is not None else w.f.public_total().value
    budget = extra_amount(w.extra, "机关运行经费年初预算", unit=w.unit)
    runs = [Run(f"{y}年度{name}机关运行经费支出{w.amount(value)}，比年初预算数")]
    if budget is None:
        runs.append(w.blank("与年初预算相比的增减"))
    elif budget == value:
        runs.append(Run("持平"))
    else:
        up = value > budget
        runs.append(
            Run(
                f"{'增加' if up else '减少'}{w.amount(abs(value - budget))}"
                + (f"，{'增长' if up else '下降'}{percent(ratio(abs(value - budget), budget))}" if budget else "")
            )
        )
    runs += [Run("。主要原因是："), w.reason("十"), Run("。")]
    s.paragraphs.append(runs)

    s = w.section("政府采购支出说明")
    total = extra_amount(w.extra, "政府采购", "总额", unit=w.unit)
    if total is None:
        s.paragraphs.append(
            [
                Run(f"{y}年度{name}政府采购支出总额"),
                w.blank("政府采购支出总额、货物/工程/服务支出及授予中小企业合同金额"),
                Run("。"),
            ]
        )
    else:
        parts = [(k, extra_amount(w.extra, "政府采购", k, unit=w.unit)) for k in ("货物", "工程", "服务")]
        text = f"{y}年度{name}政府采购支出总额{w.amount(total)}"
        held = [f"政府采购{k}支出{w.amount(v)}" for k, v in parts if v]
        if held:
            text += "，其中：" + "、".join(held)
        small = extra_amount(w.extra, "政府采购", "中小企业", unit=w.unit)
        if small is not None:
            text += (
                f"。授予中小企业合同金额{w.amount(small)}，占政府采购支出总额的{percent(ratio(small, total)) or '0%'}"
            )
        s.paragraphs.append([Run(text + "。")])

    s = w.section("国有资产占用情况说明")
    cars, big = extra_count(w.extra, "国有资产", "车辆"), extra_count(w.extra, "国有资产", "大型设备")
    s.paragraphs.append(
        [
            Run(f"截至{y}年12月31日，{name}共有车辆"),
            Run(str(cars)) if cars is not None else w.blank("车辆数"),
            Run("辆。单价100万元（含）以上设备"),
            Run(str(big)) if big is not None else w.blank("设备数"),
            Run("台（套）。"),
        ]
    )

    w.section("预算绩效情况说明")
    s = w.section("预算绩效管理工作开展情况", level=2)
    count = extra_count(w.extra, "绩效", "项目个数")
    funds = extra_amount(w.extra, "绩效", "项目资金", unit=w.unit)
    projects = w.f.row("公开05", "合计", 3).value
    runs = [
        Run(f"根据预算绩效管理要求，我部门组织对{y}年度一般公共预算项目支出全面开展绩效自评，共涉及项目"),
        Run(str(count)) if count is not None else w.blank("项目个数"),
        Run("个，资金"),
    ]
    if funds is None:
        runs += [w.blank("项目资金"), Run(f"{w.unit}，占一般公共预算项目支出总额的"), w.blank("占比"), Run("。")]
    else:
        runs.append(Run(f"{w.amount(funds)}，占一般公共预算项目支出总额的{percent(ratio(funds, projects)) or '—'}。"))
    s.paragraphs.append(runs)
