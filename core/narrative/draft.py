"""The 情况说明 drafted from the tables, with marked blanks for the rest: the Wuhan seeds' standard wording here,
a region's own where it has one (core/narrative/draft_shanghai.py for 上海市)."""

from __future__ import annotations

from core.narrative.compare import ratio
from core.narrative.draft_common import BLANK_MARK, DraftSection, NarrativeDraft, Run, Writer, percent
from core.narrative.draft_shanghai import build_shanghai
from core.narrative.extra import extra_amount, extra_count, extra_text
from core.narrative.figures import MissingTable
from core.narrative.form import nested
from core.report import Report
from core.templates import TemplateSet

__all__ = ["BLANK_MARK", "DraftSection", "NarrativeDraft", "Run", "draft_narrative", "percent"]


class _Writer(Writer):
    """The Wuhan seeds' sections."""

    # -- the sections ----------------------------------------------------------------------------
    def build(self) -> NarrativeDraft:
        steps = (
            self._overall,
            self._income,
            self._expense,
            self._fiscal,
            self._general,
            self._basic,
            lambda: self._empty(
                "政府性基金预算财政拨款收入支出决算情况说明", "公开07", "本部门当年无政府性基金预算财政拨款收入支出。"
            ),
            lambda: self._empty(
                "国有资本经营预算财政拨款支出决算情况说明", "公开08", "本部门当年无国有资本经营预算财政拨款支出。"
            ),
            self._sangong,
        )
        for step in steps:
            before = len(self.draft.sections)
            try:
                step()
            except MissingTable as exc:  # a region's layout without that table: its section says so
                del self.draft.sections[before + 1 :]
                if len(self.draft.sections) > before:
                    self.draft.sections[before].paragraphs[:] = [[Run(f"（{exc}，本节未起草。）")]]
        other_sections(self)
        return self.draft

    def _overall(self) -> None:
        f, y, last = self.f, self.year, self.year - 1
        total = f.grand_total()
        s = self.section("收入支出决算总体情况说明")
        if total is None:
            raise MissingTable("收入支出决算总表没有“总计”行")
        s.paragraphs.append(
            [Run(f"{y}年度收、支总计{self.amount(total.value)}。与{last}年度相比，收、支总计各")]
            + self.change(total, lambda p: p.grand_total())
            + [Run("，主要原因是"), self.reason("一"), Run("。")]
        )

    def _income(self) -> None:
        f, y, last = self.f, self.year, self.year - 1
        s = self.section("收入决算情况说明")
        income = f.income_total()
        if income is None:
            raise MissingTable("收入支出决算总表没有“本年收入合计”行")
        runs = [Run(f"{y}年度收入合计{self.amount(income.value)}，与{last}年度相比，收入合计")]
        runs += self.change(income, lambda p: p.income_total()) + [Run("，主要原因是"), self.reason("二"), Run("。")]
        parts = [("财政拨款收入", f.fiscal_income())] + [
            (name, f.line("公开01", name))
            for name in ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
        ]
        held = [
            f"{name}{self.amount(fig.value)}，占本年收入{self.share(fig.value, income.value)}"
            for name, fig in parts
            if fig and fig.value
        ]
        if held:
            runs.append(Run("其中：" + "；".join(held) + "。"))
        s.paragraphs.append(runs)

    def _expense(self) -> None:
        f, y = self.f, self.year
        expense = f.expense_total()
        s = self.section("支出决算情况说明")
        runs = [Run(f"{y}年度支出合计{self.amount(expense.value)}，与{y - 1}年度相比，支出合计")]
        runs += self.change(expense, lambda p: p.expense_total()) + [Run("，主要原因是"), self.reason("三"), Run("。")]
        names = {2: "基本支出", 3: "项目支出", 4: "上缴上级支出", 5: "经营支出", 6: "对附属单位补助支出"}
        held = []
        for col, name in names.items():
            fig = f.row("公开03", "合计", col)
            if fig.value:
                held.append(f"{name}{self.amount(fig.value)}，占本年支出{self.share(fig.value, expense.value)}")
        if held:
            runs.append(Run("其中：" + "；".join(held) + "。"))
        s.paragraphs.append(runs)

    def _fiscal(self) -> None:
        f, y = self.f, self.year
        total = f.grand_total("公开04")
        s = self.section("财政拨款收入支出决算总体情况说明")
        s.paragraphs.append(
            [Run(f"{y}年度财政拨款收、支总计{self.amount(total.value)}。与{y - 1}年度相比，财政拨款收、支总计各")]
            + self.change(total, lambda p: p.grand_total("公开04"))
            + [Run("。主要原因是"), self.reason("四"), Run("。")]
        )
        for label in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"):
            fig = f.line("公开04", label)
            if fig is None or not fig.value:
                continue
            runs = [Run(f"{y}年度财政拨款收入中，{label}收入{self.amount(fig.value)}，比{y - 1}年度决算数")]
            runs += self.change(fig, lambda p, lb=label: p.line("公开04", lb), words=("增加", "减少"))
            runs += [Run("。")]
            s.paragraphs.append(runs)

    def _general(self) -> None:
        f, y = self.f, self.year
        spent = f.row("公开05", "合计", 1)
        self.section("一般公共预算财政拨款支出决算情况说明")
        s = self.section("一般公共预算财政拨款支出决算总体情况", level=2)
        s.paragraphs.append(
            [
                Run(
                    f"{y}年度一般公共预算财政拨款支出{self.amount(spent.value)}，占本年支出合计的"
                    f"{self.share(spent.value, f.expense_total().value)}。与{y - 1}年度相比，一般公共预算财政拨款支出"
                )
            ]
            + self.change(spent, lambda p: p.row("公开05", "合计", 1))
            + [Run("。主要原因是"), self.reason("五(一)"), Run("。")]
        )
        s = self.section("一般公共预算财政拨款支出决算结构情况", level=2)
        s.paragraphs.append([Run(f"{y}年度一般公共预算财政拨款支出{self.amount(spent.value)}，主要用于以下方面：")])
        for n, code in enumerate(f.codes("公开05", level=0), start=1):
            fig = f.row("公开05", code, 1)
            s.paragraphs.append(
                [
                    Run(
                        f"{n}.{f.row_name('公开05', code)}（类）{self.amount(fig.value)}，占{self.share(fig.value, spent.value)}。主要是用于"
                    ),
                    Run(extra_text(self.extra, "用途", code) or "", False)
                    if extra_text(self.extra, "用途", code)
                    else self.blank("主要用途"),
                    Run("。"),
                ]
            )
        s = self.section("一般公共预算财政拨款支出决算具体情况", level=2)
        budget = extra_amount(self.extra, "年初预算", "合计", unit=self.unit)
        runs = [Run(f"{y}年度一般公共预算财政拨款支出年初预算为")]
        if budget is None:
            runs += [
                self.blank("年初预算数"),
                Run(f"{self.unit}，支出决算为{self.amount(spent.value)}，完成年初预算的"),
                self.blank("完成率"),
            ]
        else:
            runs += [
                Run(
                    f"{self.amount(budget)}，支出决算为{self.amount(spent.value)}，完成年初预算的{percent(ratio(spent.value, budget)) or '—'}"
                )
            ]
        runs.append(
            Run(
                f"。其中：基本支出{self.amount(f.row('公开05', '合计', 2).value)}，"
                f"项目支出{self.amount(f.row('公开05', '合计', 3).value)}。"
            )
        )
        s.paragraphs.append(runs)
        s.paragraphs.append([Run("一般公共预算财政拨款支出按支出功能分类，具体情况为：")])
        for n, code in enumerate(f.codes("公开05", level=2), start=1):
            s.paragraphs.append(self._item(n, code))

    def _item(self, n: int, code: str) -> list[Run]:
        f = self.f
        path = "".join(f"{f.row_name('公开05', code[:k])}（{w}）" for k, w in ((3, "类"), (5, "款"), (7, "项")))
        fig = f.row("公开05", code, 1)
        budget = extra_amount(self.extra, "年初预算", code, unit=self.unit)
        runs = [Run(f"{n}.{path}。")]
        if budget is None:
            return runs + [
                Run("年初预算为"),
                self.blank("年初预算数"),
                Run(f"{self.unit}，支出决算为{self.amount(fig.value)}，完成年初预算的"),
                self.blank("完成率"),
                Run("。"),
            ]
        if budget == 0:
            runs.append(
                Run(f"年初无预算安排，支出决算为{self.amount(fig.value)}，支出决算数大于年初预算数的主要原因：")
            )
            return runs + [self.reason(f"五(三):{code}"), Run("。")]
        runs.append(
            Run(
                f"年初预算为{self.amount(budget)}，支出决算为{self.amount(fig.value)}，完成年初预算的{percent(ratio(fig.value, budget))}"
            )
        )
        if fig.value == budget:
            return runs + [Run("，支出决算数等于年初预算数。")]
        word = "大于" if fig.value > budget else "小于"
        return runs + [Run(f"，支出决算数{word}年初预算数的主要原因："), self.reason(f"五(三):{code}"), Run("。")]

    def _basic(self) -> None:
        f, y = self.f, self.year
        s = self.section("一般公共预算财政拨款基本支出决算情况说明")
        basic = f.row("公开05", "合计", 2)
        panels = f.basic_panels()
        runs = [Run(f"{y}年度一般公共预算财政拨款基本支出{self.amount(basic.value)}，其中：")]
        for title, fig in (("人员经费", f.personnel_total()), ("公用经费", f.public_total())):
            names = [
                f.row_name("公开06", c)
                for c in panels.get(title, ())
                if len(c) == 5 and f.report.cells.get(f"公开06:{c}:1")
            ]
            runs.append(
                Run(f"{title}{self.amount(fig.value)}" + (f"，主要包括：{'、'.join(names)}。" if names else "。"))
            )
        s.paragraphs.append(runs)

    def _empty(self, title: str, table_id: str, sentence: str) -> None:
        s = self.section(title)
        if not self.f.has(table_id):
            s.paragraphs.append([Run(sentence)])
            return
        if table_id == "公开07":
            income, spent = self.f.row(table_id, "合计", 2), self.f.row(table_id, "合计", 3)
            s.paragraphs.append(
                [
                    Run(
                        f"{self.year}年度政府性基金预算财政拨款收入{self.amount(income.value)}，"
                        f"支出{self.amount(spent.value)}。主要原因是"
                    ),
                    self.reason("七"),
                    Run("。"),
                ]
            )
        else:
            spent = self.f.row(table_id, "合计", 1)
            s.paragraphs.append(
                [
                    Run(f"{self.year}年度国有资本经营预算财政拨款支出{self.amount(spent.value)}。主要用于"),
                    self.blank("主要用途"),
                    Run("。"),
                ]
            )

    def _sangong(self) -> None:
        sangong_sections(self)


def draft_narrative(
    report: Report, templates: TemplateSet, previous: Report | None = None, extra: dict | None = None
) -> NarrativeDraft:
    """The 情况说明 of `report`: every figure from its tables (and last year's), the rest marked blank.

    `extra` (what the tables lack) is by default the report's own supplementary answers (`report.narrative`).
    """
    if extra is None:
        extra = nested(report.narrative)
    writer = _Writer(report, templates, previous, extra)
    if report.region == "上海市":
        return build_shanghai(writer)
    return writer.build()


# -- the 三公 section and those the tables barely hold (机关运行经费, 政府采购, 国有资产, 绩效) --------

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
    projects = w.f.row("公开05", "合计", 3).value if w.f.templates.has("公开05") else 0
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
