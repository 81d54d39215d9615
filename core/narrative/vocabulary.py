"""The words that name a figure in each section of a 情况说明, and where each figure is in the tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.narrative.figures import Figure, Figures

Resolver = Callable[[Figures], "Figure | None"]


@dataclass(frozen=True)
class Subject:
    pattern: re.Pattern[str]
    key: str  # the same meaning in this year's and last year's report
    resolve: Resolver
    sangong: str | None = None  # 公开09 item: budget and actual are two columns


def _s(pattern: str, key: str, resolve: Resolver, sangong: str | None = None) -> Subject:
    return Subject(re.compile(pattern), key, resolve, sangong)


def _line(table: str, label: str, panel: int = 0) -> Resolver:
    return lambda f: f.line(table, label, panel)


def _gpb(col: int) -> Resolver:
    return lambda f: f.row("公开05", "合计", col)


def _exp(col: int) -> Resolver:
    return lambda f: f.row("公开03", "合计", col)


_INCOME_LINES = ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
_EXPENSE_COLS = {"上缴上级支出": 4, "经营支出": 5, "对附属单位补助支出": 6}

_OVERALL = [
    _s(r"收、?支总计|收入支出总计", "01.总计", lambda f: f.grand_total()),
    _s(r"收入总计|收入", "01.总计", lambda f: f.grand_total()),
    _s(r"支出总计|支出", "01.支出总计", lambda f: f.grand_total("公开01", panel=1)),
]
_INCOME = [
    _s(r"收入合计|本年收入", "01.本年收入合计", lambda f: f.income_total()),
    _s(r"一般公共预算财政拨款收入", "01.一般公共预算", _line("公开01", "一般公共预算财政拨款收入")),
    _s(r"政府性基金预算财政拨款收入", "01.政府性基金", _line("公开01", "政府性基金预算财政拨款收入")),
    _s(r"国有资本经营预算财政拨款收入", "01.国有资本经营", _line("公开01", "国有资本经营预算财政拨款收入")),
    _s(r"财政拨款收入", "01.财政拨款收入", lambda f: f.fiscal_income()),
    *[_s(name, f"01.{name}", _line("公开01", name)) for name in _INCOME_LINES],
]
_EXPENSE = [
    _s(r"支出合计|本年支出", "01.本年支出合计", lambda f: f.expense_total()),
    _s(r"基本支出", "03.基本支出", _exp(2)),
    _s(r"项目支出", "03.项目支出", _exp(3)),
    *[_s(name, f"03.{name}", _exp(col)) for name, col in _EXPENSE_COLS.items()],
]
_FISCAL = [
    _s(
        r"财政拨款收、?支总计|财政拨款收入总计|财政拨款收入支出总计|收、?支总计",
        "04.总计",
        lambda f: f.grand_total("公开04"),
    ),
    _s(r"财政拨款支出总计|支出总计", "04.支出总计", lambda f: f.grand_total("公开04", panel=1)),
    _s(r"一般公共预算财政拨款收入", "04.一般公共预算", _line("公开04", "一般公共预算财政拨款")),
    _s(r"政府性基金预算财政拨款收入", "04.政府性基金", _line("公开04", "政府性基金预算财政拨款")),
    _s(r"国有资本经营预算财政拨款收入", "04.国有资本经营", _line("公开04", "国有资本经营预算财政拨款")),
    _s(r"财政拨款收入", "04.本年收入合计", lambda f: f.line("公开04", "本年收入合计")),
    _s(r"财政拨款支出|支出", "04.本年支出合计", lambda f: f.line("公开04", "本年支出合计", panel=1)),
    _s(r"收入", "04.本年收入合计", lambda f: f.line("公开04", "本年收入合计")),
]
_GPB = [
    _s(r"一般公共预算财政拨款支出|一般公共预算财政拨款基本支出", "05.合计", _gpb(1)),
    _s(r"基本支出", "05.基本支出", _gpb(2)),
    _s(r"项目支出", "05.项目支出", _gpb(3)),
]
_BASIC = [
    _s(r"一般公共预算财政拨款基本支出|基本支出", "05.基本支出", _gpb(2)),
    _s(r"人员经费", "06.人员经费", lambda f: f.personnel_total()),
    _s(r"公用经费", "06.公用经费", lambda f: f.public_total()),
]
_FUND = [
    _s(r"政府性基金预算财政拨款收入|本年收入", "07.本年收入", lambda f: f.row("公开07", "合计", 2)),
    _s(r"政府性基金预算财政拨款支出|本年支出", "07.本年支出", lambda f: f.row("公开07", "合计", 3)),
]


def _capital_spent(f: Figures) -> Figure:
    """公开08's 合计 spending: column 1 where it is the only column, 本年支出合计 where a region prints six (上海)."""
    columns = f.table("公开08").columns
    col = next((c for c, title in columns.items() if title == "本年支出合计"), 1)
    return f.row("公开08", "合计", col)


_CAPITAL = [
    _s(r"国有资本经营预算财政拨款支出", "08.合计", _capital_spent),
]


def _sangong(item: str) -> Resolver:
    return lambda f: f.sangong(item, budget=False)


_SANGONG = [
    _s(r"“?三公”?经费(?:财政拨款)?(?:支出)?", "09.三公", _sangong("三公"), "三公"),
    _s(r"因公出国（境）费|因公出国\(境\)费|因公出国", "09.因公出国", _sangong("因公出国"), "因公出国"),
    _s(r"公务用车购置及运行(?:维护)?费", "09.公务用车购置及运行", _sangong("公务用车购置及运行"), "公务用车购置及运行"),
    _s(r"公务用车购置费", "09.公务用车购置", _sangong("公务用车购置"), "公务用车购置"),
    _s(r"公务用车运行(?:维护)?费", "09.公务用车运行", _sangong("公务用车运行"), "公务用车运行"),
    _s(r"公务接待费|国内公务接待(?:支出)?", "09.公务接待", _sangong("公务接待"), "公务接待"),
]

VOCABULARY: dict[str, list[Subject]] = {
    "总体": _OVERALL,
    "收入": _INCOME,
    "支出": _EXPENSE,
    "财政拨款总体": _FISCAL,
    "一般公共预算": _GPB,
    "一般公共预算总体": _GPB,
    "一般公共预算结构": _GPB,
    "一般公共预算具体": _GPB,
    "基本支出": _BASIC,
    "政府性基金": _FUND,
    "国有资本经营": _CAPITAL,
    "三公": _SANGONG,
}

#: Denominators named after 占: (words, resolver). Checked in order, the first that appears wins.
DENOMINATORS: list[tuple[re.Pattern[str], Resolver]] = [
    (re.compile(r"一般公共预算项目支出"), _gpb(3)),
    (re.compile(r"本年收入|收入合计"), lambda f: f.income_total()),
    (re.compile(r"本年支出|支出合计"), lambda f: f.expense_total()),
]
#: The denominator of a share that names none: the section's total.
DEFAULT_DENOMINATOR: dict[str, Resolver] = {
    "收入": lambda f: f.income_total(),
    "支出": lambda f: f.expense_total(),
    "一般公共预算": _gpb(1),
    "一般公共预算结构": _gpb(1),
}


#: What may stand between a figure's subject and the figure: 收、支总计各减少, 公务接待费支出决算为 …
ROLE_WORDS = re.compile(
    r"(?:各|均|总|减少|增加|增长|下降|降低|上升|全年|年初|预算|决算|数|为|是|支出|比|较|上年|分别|共计|合计|达|的"
    r"|\d+|年度|与|相比|额|“|”|[（(]类[)）]|类)*"
)


def find_subject(head: str, topic: str | None) -> Subject | None:
    """The subject named at the end of `head` (only role words may follow it), the longest one first."""
    best, best_end, best_len = None, -1, 0
    for subject in VOCABULARY.get(topic or "", []):
        for match in subject.pattern.finditer(head):
            if not ROLE_WORDS.fullmatch(head[match.end() :]):
                continue
            end, length = match.end(), match.end() - match.start()
            if end > best_end or (end == best_end and length > best_len):
                best, best_end, best_len = subject, end, length
    return best
