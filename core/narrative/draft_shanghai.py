"""The 情况说明 drafted in 上海市's wording: the sections and sentences of its 2024 blank template (第三部分).

The sentences are the template's, with its XXX filled from the tables (and last year's report, and the form's
answers), its 增加（减少） choices made, 持平 where the template says “如持平作持平表述”, and the lines it says to
leave out (“不涉及的不列”) left out. What neither the tables nor the form hold is a marked blank.
"""

from __future__ import annotations

from core.narrative.compare import ratio
from core.narrative.draft_common import NarrativeDraft, Run, Writer, percent
from core.narrative.extra import extra_amount, extra_count, extra_text
from core.narrative.figures import Figure, MissingTable

DECIMALS = 2  # 上海 prints shares and rates with two decimals: 占99.79%，下降1.87%

INCOME_PARTS = ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
EXPENSE_PARTS = {2: "基本支出", 3: "项目支出", 4: "上缴上级支出", 5: "经营支出", 6: "对附属单位补助支出"}
SANGONG_ITEMS = (
    ("因公出国", "因公出国（境）费"),
    ("公务用车购置及运行", "公务用车购置及运行维护费"),
    ("公务接待", "公务接待费"),
)
CARS = (
    "部级领导干部用车",
    "主要领导干部用车",
    "机要通信用车",
    "应急保障用车",
    "执法执勤用车",
    "特种专业技术用车",
    "离退休干部用车",
    "其他用车",
)
#: The sentences the Shanghai documents print for a table without a figure (“无…的部门，作下述说明”).
NONE_SANGONG = "{unit}{year}年度无“三公”经费财政拨款支出。"
NONE_FUND = "{unit}{year}年度无政府性基金预算财政拨款收入和支出。"
NONE_CAPITAL = "{unit}{year}年度无国有资本经营预算财政拨款收入和支出。"
NONE_RUNNING = "{unit}{year}年度无机关运行经费支出。"


def build_shanghai(w: Writer) -> NarrativeDraft:
    w.decimals, w.thousands = DECIMALS, False
    w.draft.title = f"第三部分 {w.report.unit_name}{w.year}年度部门决算情况说明"
    steps = (_overall, _income, _expense, _fiscal, _general, _basic, _sangong, _fund, _capital, _performance, _other)
    for step in steps:
        before = len(w.draft.sections)
        try:
            step(w)
        except MissingTable as exc:  # a layout without that table: its section says so
            del w.draft.sections[before + 1 :]
            if len(w.draft.sections) > before:
                w.draft.sections[before].paragraphs[:] = [[Run(f"（{exc}，本节未起草。）")]]
    return w.draft


def _change(w: Writer, this: Figure | None, resolve) -> list[Run]:
    """增加 X 万元，增长 Y% / 减少 … 下降 … / 持平, from last year's report; a blank without one."""
    return w.change(this, resolve)


def _reason(w: Writer, key: str) -> list[Run]:
    return [Run("主要原因："), w.reason(key), Run("。")]


def _overall(w: Writer) -> None:
    f, y = w.f, w.year
    s = w.section("收入支出决算总体情况说明")
    total = f.grand_total()
    if total is None:
        raise MissingTable("收入支出决算总表没有“总计”行")
    s.paragraphs.append(
        [Run(f"{w.report.unit_name}{y}年度收入支出总计{w.amount(total.value)}。与{y - 1}年度相比，收入支出总计")]
        + _change(w, total, lambda p: p.grand_total())
        + [Run("。")]
        + _reason(w, "一")
    )


def _income(w: Writer) -> None:
    f = w.f
    s = w.section("收入决算情况说明")
    income = f.income_total()
    if income is None:
        raise MissingTable("收入支出决算总表没有“本年收入合计”行")
    parts = [("财政拨款收入", f.fiscal_income())] + [(name, f.line("公开01", name)) for name in INCOME_PARTS]
    held = [
        f"{name}{w.amount(fig.value)}，占{w.share(fig.value, income.value)}" for name, fig in parts if fig and fig.value
    ]
    s.paragraphs.append(
        [Run(f"本年收入合计{w.amount(income.value)}" + ("，其中：" + "；".join(held) if held else "") + "。")]
    )


def _expense(w: Writer) -> None:
    f = w.f
    s = w.section("支出决算情况说明")
    expense = f.expense_total()
    held = []
    for col, name in EXPENSE_PARTS.items():
        fig = f.row("公开03", "合计", col)
        if fig.value:
            held.append(f"{name}{w.amount(fig.value)}，占{w.share(fig.value, expense.value)}")
    s.paragraphs.append(
        [Run(f"本年支出合计{w.amount(expense.value)}" + ("，其中：" + "；".join(held) if held else "") + "。")]
    )


def _fiscal(w: Writer) -> None:
    f, y = w.f, w.year
    s = w.section("财政拨款收入支出决算总体情况说明")
    total = f.grand_total("公开04")
    s.paragraphs.append(
        [
            Run(
                f"{w.report.unit_name}{y}年度财政拨款收入支出总计{w.amount(total.value)}。与{y - 1}年度相比，"
                "财政拨款收入支出总计"
            )
        ]
        + _change(w, total, lambda p: p.grand_total("公开04"))
        + [Run("。")]
        + _reason(w, "四")
    )


def _general(w: Writer) -> None:
    f, y = w.f, w.year
    spent = f.row("公开05", "合计", 1)
    w.section("一般公共预算财政拨款支出决算情况说明")
    s = w.section("一般公共预算财政拨款支出决算总体情况", level=2)
    s.paragraphs.append(
        [
            Run(
                f"一般公共预算财政拨款支出{w.amount(spent.value)}，占本年支出合计的"
                f"{w.share(spent.value, f.expense_total().value)}。与{y - 1}年度相比，一般公共预算财政拨款支出"
            )
        ]
        + _change(w, spent, lambda p: p.row("公开05", "合计", 1))
        + [Run("。")]
        + _reason(w, "五(一)")
    )
    s = w.section("一般公共预算财政拨款支出决算结构情况", level=2)
    classes = [
        f"{f.row_name('公开05', code)}（类）{w.amount(f.row('公开05', code, 1).value)}，"
        f"占{w.share(f.row('公开05', code, 1).value, spent.value)}"
        for code in f.codes("公开05", level=0)
    ]
    s.paragraphs.append(
        [Run(f"一般公共预算财政拨款支出{w.amount(spent.value)}，主要用于以下方面：" + "；".join(classes) + "。")]
    )
    s = w.section("一般公共预算财政拨款支出决算具体情况", level=2)
    budget = extra_amount(w.extra, "年初预算", "合计", unit=w.unit)
    runs = [Run("一般公共预算财政拨款支出年初预算为")]
    runs += _budget_and_actual(w, budget, spent.value, "完成年初预算的")
    runs += [*_compare(w, spent.value, budget, "五(三)"), Run("其中：")]
    s.paragraphs.append(runs)
    for n, code in enumerate(f.codes("公开05", level=2), start=1):
        s.paragraphs.append(_item(w, n, code))


def _budget_and_actual(w: Writer, budget: int | None, actual: int, rate_words: str = "") -> list[Run]:
    """X 万元，支出决算为 Y 万元[，完成年初预算的 Z%]。"""
    if budget is None:
        runs = [w.blank("年初预算数"), Run(f"{w.unit}，支出决算为{w.amount(actual)}")]
        return runs + ([Run(f"，{rate_words}"), w.blank("完成率"), Run("。")] if rate_words else [Run("。")])
    text = f"{w.amount(budget)}，支出决算为{w.amount(actual)}"
    if rate_words and budget:
        text += f"，{rate_words}{percent(ratio(actual, budget), DECIMALS)}"
    return [Run(text + "。")]


def _compare(w: Writer, actual: int, budget: int | None, key: str) -> list[Run]:
    """决算数大于（小于）预算数的主要原因：…。, or 决算数与预算数持平。"""
    if budget is not None and actual == budget:
        return [Run("决算数与预算数持平。")]
    if budget is None:
        return [Run("决算数"), w.blank("大于（小于）"), Run("预算数的主要原因："), w.reason(key), Run("。")]
    word = "大于" if actual > budget else "小于"
    return [Run(f"决算数{word}预算数的主要原因："), w.reason(key), Run("。")]


def _item(w: Writer, n: int, code: str) -> list[Run]:
    f = w.f
    path = "".join(f"{f.row_name('公开05', code[:k])}（{level}）" for k, level in ((3, "类"), (5, "款"), (7, "项")))
    actual = f.row("公开05", code, 1).value
    budget = extra_amount(w.extra, "年初预算", code, unit=w.unit)
    use = extra_text(w.extra, "用途", code)
    runs = [Run(f"{n}、{path}。主要用于："), Run(use) if use else w.blank("主要用途"), Run("。年初预算为")]
    return runs + _budget_and_actual(w, budget, actual) + _compare(w, actual, budget, f"五(三):{code}")


def _basic(w: Writer) -> None:
    f = w.f
    s = w.section("一般公共预算财政拨款基本支出决算情况说明")
    panels = f.basic_panels()
    parts = []
    for title, fig in (("人员经费", f.personnel_total()), ("公用经费", f.public_total())):
        names = [
            f.row_name("公开06", c)
            for c in panels.get(title, ())
            if len(c) == 5 and f.report.cells.get(f"公开06:{c}:1")
        ]
        parts.append(f"{title}{w.amount(fig.value)}" + (f"，主要包括：{'、'.join(names)}" if names else ""))
    basic = f.row("公开05", "合计", 2)
    s.paragraphs.append([Run(f"一般公共预算财政拨款基本支出{w.amount(basic.value)}。其中：" + "；".join(parts) + "。")])


# -- 七、“三公”, 八、政府性基金, 九、国有资本经营 ------------------------------------------------------------


def _sangong(w: Writer) -> None:
    f, y, unit = w.f, w.year, w.report.unit_name
    s = w.section("财政拨款“三公”经费支出决算情况说明")
    if not f.has("公开09"):
        s.paragraphs.append([Run(NONE_SANGONG.format(unit=unit, year=y))])
        return
    s = w.section("“三公”经费财政拨款支出决算总体情况说明。", level=2)
    budget, actual = f.sangong("三公", budget=True).value, f.sangong("三公", budget=False).value
    parts = []
    for item, name in SANGONG_ITEMS:
        spent, planned = f.sangong(item, budget=False).value, f.sangong(item, budget=True).value
        word = "决算为" if item == "因公出国" else "支出决算为"
        rate = f"完成预算的{percent(ratio(spent, planned), DECIMALS)}" if planned else "无预算安排"
        parts.append(f"{name}{word}{w.amount(spent)}，{rate}")
    total_rate = f"完成预算的{percent(ratio(actual, budget), DECIMALS)}" if budget else "无预算安排"
    runs = [
        Run(
            f"“三公”经费财政拨款支出年初预算为{w.amount(budget)}，支出决算为{w.amount(actual)}，{total_rate}，"
            f"其中：{'；'.join(parts)}。"
        )
    ]
    if actual == budget:
        runs.append(Run(f"{y}年度“三公”经费支出决算数与预算数持平。"))
    else:
        word = "小于" if actual < budget else "大于"
        runs += [Run(f"{y}年度“三公”经费支出决算数{word}预算数的主要原因："), w.reason("九(一)"), Run("。")]
    s.paragraphs.append(runs)
    s.paragraphs.append(_sangong_change(w))
    s = w.section("“三公”经费财政拨款支出决算具体情况说明。", level=2)
    if not actual:
        s.paragraphs.append([Run(NONE_SANGONG.format(unit=unit, year=y))])
        return
    _sangong_details(w, s, actual)


def _sangong_change(w: Writer) -> list[Run]:
    y = w.year
    total = w.f.sangong("三公", budget=False)
    change = w.change(total, lambda p: p.sangong("三公", budget=False))
    head = f"{y}年度“三公”经费财政拨款支出决算数"
    runs = [Run(f"{head}与{y - 1}年度持平")] if _flat(change) else [Run(f"{head}比{y - 1}年度"), *change]
    items = []
    for item, name in SANGONG_ITEMS:
        this = w.f.sangong(item, budget=False)
        items.append((name, w.change(this, lambda p, i=item: p.sangong(i, budget=False))))
    runs.append(Run("，其中："))
    for n, (name, words) in enumerate(items):
        runs += [Run(("；" if n else "") + f"{name}支出决算"), *words]
    runs.append(Run("。"))
    for name, words in items:
        if not _flat(words):
            runs += [Run(f"{name}支出增减的主要原因是"), w.blank("主要原因"), Run("。")]
    return runs


def _flat(runs: list[Run]) -> bool:
    return len(runs) == 1 and runs[0].text == "持平"


def _sangong_details(w: Writer, s, actual: int) -> None:
    f, y = w.f, w.year
    spent = {item: f.sangong(item, budget=False).value for item, _ in SANGONG_ITEMS}
    shares = [
        f"{name}支出决算{w.amount(spent[item])}，占{w.share(spent[item], actual)}" for item, name in SANGONG_ITEMS
    ]
    s.paragraphs.append([Run("“三公”经费财政拨款支出决算中，" + "；".join(shares) + "。具体情况如下：")])
    s.paragraphs.append(
        [
            Run(f"1、因公出国（境）费支出{w.amount(spent['因公出国'])}。全年安排因公出国（境）团组"),
            w.blank("团组个数"),
            Run("个、累计"),
            w.blank("人次"),
            Run("人次。开支内容包括："),
            w.blank("开支内容"),
            Run("。"),
        ]
    )
    s.paragraphs.append([Run(f"2、公务用车购置及运行维护费支出{w.amount(spent['公务用车购置及运行'])}。其中：")])
    bought = f.sangong("公务用车购置", budget=False).value
    s.paragraphs.append([Run(f"公务用车购置支出为{w.amount(bought)}。主要用于"), w.blank("用途及购置数量"), Run("。")])
    held = extra_count(w.extra, "三公", "公务用车保有量")
    s.paragraphs.append(
        [
            Run(f"公务用车运行维护支出{w.amount(f.sangong('公务用车运行', budget=False).value)}。主要用于"),
            w.blank("主要用途"),
            Run(f"。{y}年，{w.report.unit_name}所属各预算单位开支财政拨款的公务用车保有量为"),
            Run(str(held)) if held is not None else w.blank("保有量"),
            Run("辆。"),
        ]
    )
    s.paragraphs.append([Run(f"3、公务接待费支出{w.amount(spent['公务接待'])}。其中：")])
    batches, people = extra_count(w.extra, "三公", "接待批次"), extra_count(w.extra, "三公", "接待人次")
    s.paragraphs.append(
        [
            Run(f"国内公务接待支出{w.amount(spent['公务接待'])}（含外宾接待支出"),
            w.blank("外宾接待支出"),
            Run(f"{w.unit}）。主要用于"),
            w.blank("主要用途"),
            Run("，公务接待"),
            Run(str(batches)) if batches is not None else w.blank("批次"),
            Run("批次、"),
            Run(str(people)) if people is not None else w.blank("人次"),
            Run("人次，其中：接待外宾"),
            w.blank("批次、人次"),
            Run("。"),
        ]
    )


def _fund(w: Writer) -> None:
    _budget_table(w, "公开07", "政府性基金预算财政拨款收入支出决算情况说明", "政府性基金", NONE_FUND)


def _capital(w: Writer) -> None:
    _budget_table(w, "公开08", "国有资本经营预算财政拨款收入支出决算情况说明", "国有资本经营", NONE_CAPITAL)


def _budget_table(w: Writer, table_id: str, title: str, name: str, none: str) -> None:
    """八 / 九: the fund's income and spending (columns 2 and 3 of Shanghai's six) and its 项, or its 无 sentence."""
    f = w.f
    s = w.section(title)
    f.table(table_id)
    if not f.has(table_id):
        s.paragraphs.append([Run(none.format(unit=w.report.unit_name, year=w.year))])
        return
    income, spent = f.row(table_id, "合计", 2).value, f.row(table_id, "合计", 3).value
    s.paragraphs.append([Run(f"{name}预算财政拨款收入{w.amount(income)}，支出{w.amount(spent)}，支出具体情况如下：")])
    codes = [c for c in f.codes(table_id) if f.table(table_id).level(c) == 2]
    for n, code in enumerate(codes, start=1):
        path = "".join(f"{f.row_name(table_id, code[:k])}（{lv}）" for k, lv in ((3, "类"), (5, "款"), (7, "项")))
        actual = f.row(table_id, code, 3).value
        s.paragraphs.append(
            [Run(f"{n}、{path}。主要用于："), w.blank("主要用途"), Run("。年初预算为")]
            + _budget_and_actual(w, None, actual)
            + _compare(w, actual, None, f"{table_id}:{code}")
        )


# -- 十、预算绩效, 十一、其他重要事项 ----------------------------------------------------------------------


def _performance(w: Writer) -> None:
    y, unit = w.year, w.report.unit_name
    s = w.section("预算绩效管理情况")
    count = extra_count(w.extra, "绩效", "项目个数")
    funds = extra_amount(w.extra, "绩效", "项目资金", unit=w.unit)
    stage = []
    for what in ("编报绩效目标", "绩效跟踪评价"):
        stage += [Run(f"{what}的{y}年度项目"), w.blank("项目个数"), Run("个，涉及预算金额"), w.blank("金额")]
        stage.append(Run(f"{w.unit}；"))
    s.paragraphs.append(
        [
            Run(f"{unit}{y}年度预算绩效管理工作开展情况如下：本部门建立了如下预算绩效管理制度："),
            w.blank("制度名称"),
            Run("，建立了"),
            w.blank("工作机制"),
            Run("的预算绩效管理工作机制；全过程绩效管理实施情况："),
            *stage,
            Run(f"绩效自评的{y}年度项目"),
            Run(str(count)) if count is not None else w.blank("项目个数"),
            Run("个，涉及预算金额"),
            Run(w.amount(funds)) if funds is not None else w.blank(f"金额（{w.unit}）"),
            Run("，平均得分"),
            w.blank("平均得分"),
            Run("分（其中，绩效评级为“优”“良”“合格”“不合格”的项目个数："),
            w.blank("各评级项目个数"),
            Run("。绩效自评中共发现问题"),
            w.blank("问题个数"),
            Run("个，已经完成整改的"),
            w.blank("个数"),
            Run("个，正在整改的"),
            w.blank("个数"),
            Run("个）。"),
        ]
    )


def _running(f) -> Figure:
    return f.public_total()


def _other(w: Writer) -> None:
    y, unit = w.year, w.report.unit_name
    w.section("其他重要事项的情况说明")
    s = w.section("机关运行经费支出情况", level=2)
    stated = extra_amount(w.extra, "机关运行经费", unit=w.unit)
    running = Figure(stated, (), "机关运行经费") if stated is not None else _running(w.f)
    if not running.value:
        s.paragraphs.append([Run(NONE_RUNNING.format(unit=unit, year=y))])
    else:
        change = w.change(running, lambda p: _running(p) if stated is None else None)
        compared = f"与{y - 1}年度" if _flat(change) else f"比{y - 1}年度"
        s.paragraphs.append(
            [Run(f"机关运行经费支出{w.amount(running.value)}，{compared}")]
            + change
            + [Run("。主要原因是"), w.reason("十"), Run("。")]
        )
    s = w.section("政府采购支出情况", level=2)
    total = extra_amount(w.extra, "政府采购", "总额", unit=w.unit)
    runs = [
        Run(f"{unit}{y}年度政府采购金额（以合同签订为准）为"),
        Run(w.amount(total)) if total is not None else w.blank(f"金额（{w.unit}）"),
        Run("，其中："),
    ]
    for n, kind in enumerate(("货物", "工程", "服务")):
        amount = extra_amount(w.extra, "政府采购", kind, unit=w.unit)
        runs += [Run(("、" if n else "") + f"{kind}采购金额")]
        runs.append(Run(w.amount(amount)) if amount is not None else w.blank(f"金额（{w.unit}）"))
    runs.append(Run("。"))
    s.paragraphs.append(runs)
    s.paragraphs.append(
        [
            Run(f"{y}年度本部门面向中小企业预留政府采购项目预算金额"),
            w.blank(f"金额（{w.unit}）"),
            Run("，面向小微企业预留政府采购项目预算金额"),
            w.blank(f"金额（{w.unit}）"),
            Run("。在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额"),
            w.blank(f"金额（{w.unit}）"),
            Run("；在面向小微企业预留政府采购项目中，由小微企业供应商中标或成交的，采购金额"),
            w.blank(f"金额（{w.unit}）"),
            Run("；在其他政府采购项目中，由中小企业供应商中标或成交的，采购金额"),
            w.blank(f"金额（{w.unit}）"),
            Run("。"),
        ]
    )
    s = w.section("国有资产占有使用情况说明", level=2)
    cars = extra_count(w.extra, "国有资产", "车辆")
    kinds = (w.extra.get("国有资产") or {}).get("车辆明细") or {}
    runs = [Run(f"截至{y}年12月31日，{unit}共有车辆"), Run(str(cars)) if cars is not None else w.blank("车辆数")]
    runs.append(Run("辆，其中："))
    for n, kind in enumerate(CARS):
        held = kinds.get(kind) if isinstance(kinds, dict) else None
        runs += [
            Run(("、" if n else "") + kind),
            Run(str(held)) if isinstance(held, int) else w.blank("辆数"),
            Run("辆"),
        ]
    big = extra_count(w.extra, "国有资产", "大型设备")
    runs += [
        Run("。单价100万元（含）以上设备（不含车辆）"),
        Run(str(big)) if big is not None else w.blank("台（套）数"),
    ]
    runs.append(Run("台（套）。"))
    s.paragraphs.append(runs)
