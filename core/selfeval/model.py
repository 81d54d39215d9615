"""Self-evaluation tables (绩效自评表) as printed: their model, read and validated from the report file's dicts.

Addresses of self-evaluation cells, as in every `Finding.cells`: ``<table>:<row>:<col>`` with

- table ``整体绩效自评`` or ``项目绩效自评:<项目名称>`` (a project name may itself hold a colon, rows
  and columns never do: split an address with ``rsplit(":", 2)``);
- row ``表头`` (col = the header field: ``基本支出总额``, ``项目支出总额``), ``预算执行`` (col
  ``预算数``, ``执行数``, ``执行率``, ``得分``, ``分值``), ``目标<g>`` (g = 1-based goal, col ``分值``),
  ``目标<g>.<一级指标>`` and ``目标<g>.<一级指标>.<二级指标>`` (col ``分值``; an empty or repeated
  name, or one holding ``.`` or ``:``, becomes ``#<k>``, k its 1-based place among its siblings,
  e.g. ``目标1.满意度指标.#1``),
  ``指标<n>`` (n = 1-based place of the indicator in the table, in printed order; col ``名称``,
  ``权重``, ``目标值``, ``实际完成值``, ``得分``), ``总分`` (col ``得分``) and ``原因分析`` (col
  ``内容``: the 偏差大或目标未完成原因分析 text);
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.money import AmountError, parse_amount
from core.report import Report
from core.targets import Target, is_blank, normalise, parse_target

KINDS = ("整体", "项目")
DEFAULT_BUDGET_POINTS = Decimal(20)
FULL_MARKS = Decimal(100)
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")  # half of the last printed digit of a score
SELFEVAL_UNIT = "万元"  # amounts of the 预算执行情况 and the header, as printed: “预算执行情况（万元）”

#: Bands of a qualitative indicator, as fractions of its weight: (low, high, low included, high included).
BANDS = {
    "achieved": (Decimal("0.8"), Decimal(1), True, True),
    "partly": (Decimal("0.5"), Decimal("0.8"), True, False),
    "not": (Decimal(0), Decimal("0.5"), True, False),
}
BAND_NAMES = {"achieved": "达成预期指标", "partly": "部分达成预期指标并具有一定效果", "not": "未达成预期指标且效果较差"}
GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))
SATISFACTION = "满意度"


class SelfEvalError(ValueError):
    """Self-evaluation content of the wrong shape; the message says where, in Chinese."""


@dataclass(frozen=True)
class Indicator:
    """A 三级指标 as printed, with its place in the table."""

    number: int  # 1-based, in printed order across the whole table
    name: str
    weight: Decimal | None
    target: Target | None
    actual: Target | None
    score: Decimal | None
    level1: str = ""
    level2: str = ""
    goal: int = 1

    @property
    def row(self) -> str:
        return f"指标{self.number}"

    @property
    def is_satisfaction(self) -> bool:
        return SATISFACTION in self.level1 or SATISFACTION in self.level2


@dataclass(frozen=True)
class Level2:
    name: str
    points: Decimal | None
    indicators: tuple[Indicator, ...]
    row: str


@dataclass(frozen=True)
class Level1:
    name: str
    points: Decimal | None
    groups: tuple[Level2, ...]
    row: str

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for g in self.groups for i in g.indicators)


@dataclass(frozen=True)
class Goal:
    number: int
    name: str
    points: Decimal | None
    groups: tuple[Level1, ...]

    @property
    def row(self) -> str:
        return f"目标{self.number}"

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for g in self.groups for i in g.indicators)


@dataclass(frozen=True)
class Rate:
    """A printed 执行率 in %, with the number of decimals it was printed with."""

    percent: Decimal
    decimals: int
    text: str


@dataclass(frozen=True)
class Budget:
    """预算执行情况: amounts in 分, score and points as printed."""

    a: int | None
    b: int | None
    rate: Rate | None
    score: Decimal | None
    points: Decimal | None

    @property
    def full_points(self) -> Decimal:
        return self.points if self.points is not None else DEFAULT_BUDGET_POINTS


@dataclass(frozen=True)
class SelfEvaluation:
    """One 部门(单位)整体 or 项目支出 self-evaluation table."""

    kind: str
    header: dict[str, str] = field(hash=False)
    budget: Budget
    goals: tuple[Goal, ...]
    total: Decimal | None
    reason: str
    measures: str
    basic_total: int | None = None  # 基本支出总额, 分
    project_total: int | None = None  # 项目支出总额, 分
    index: int = 1  # 1-based place among the report's tables

    @property
    def name(self) -> str:
        """The project name as printed (整体: the unit name)."""
        if self.kind == "整体":
            return self.header.get("单位名称", "")
        return self.header.get("项目名称", "").strip() or f"（第{self.index}张）"

    @property
    def table(self) -> str:
        return "整体绩效自评" if self.kind == "整体" else f"项目绩效自评:{self.name}"

    @property
    def title(self) -> str:
        """How messages name the table."""
        return "整体绩效自评" if self.kind == "整体" else f"项目绩效自评“{self.name}”"

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for g in self.goals for i in g.indicators)

    @property
    def has_reason(self) -> bool:
        return not is_blank(self.reason) and normalise(self.reason) not in ("无", "无。")

    def cell(self, row: str, col: str) -> str:
        return f"{self.table}:{row}:{col}"

    def amount(self, row: str, col: str) -> int | None:
        """An amount of the table by its address: ``预算执行``/``预算数``, ``执行数``; ``表头``/``基本支出总额``, ``项目支出总额``."""
        amounts = {
            ("预算执行", "预算数"): self.budget.a,
            ("预算执行", "执行数"): self.budget.b,
            ("表头", "基本支出总额"): self.basic_total,
            ("表头", "项目支出总额"): self.project_total,
        }
        if (row, col) not in amounts:
            raise KeyError(f"{row}:{col} is not an amount of a self-evaluation table")
        return amounts[(row, col)]

    @classmethod
    def from_dict(cls, data: Any, index: int = 1) -> SelfEvaluation:
        return _read_table(data, index)


def selfevaluations(report: Report) -> list[SelfEvaluation]:
    """The report's self-evaluation tables, read and validated."""
    if not isinstance(report.selfeval, list):
        raise SelfEvalError("selfeval 应为自评表的列表")
    return [SelfEvaluation.from_dict(data, n) for n, data in enumerate(report.selfeval, start=1)]


# -- reading the JSON dicts ------------------------------------------------------------------------


def _read_table(data: Any, index: int) -> SelfEvaluation:
    where = f"第{index}张自评表"
    if not isinstance(data, dict):
        raise SelfEvalError(f"{where}应为“键: 值”的对象")
    kind = data.get("kind")
    if kind not in KINDS:
        raise SelfEvalError(f"{where}：kind 应为“整体”或“项目”，实为“{kind}”")
    header = _mapping(data, "header", where)
    for key, value in header.items():
        if not isinstance(value, str):
            raise SelfEvalError(f"{where}：表头“{key}”应为文字")
    if kind == "项目" and header.get("项目名称"):
        where = f"{where}（项目“{header['项目名称']}”）"
    budget_data = _mapping(data, "budget", where)
    budget = Budget(
        _amount(budget_data.get("A"), f"{where}预算数（A）"),
        _amount(budget_data.get("B"), f"{where}执行数（B）"),
        _rate(budget_data.get("rate"), f"{where}执行率"),
        _number(budget_data.get("score"), f"{where}预算执行得分"),
        _number(budget_data.get("points"), f"{where}预算执行分值"),
    )
    counter = iter(range(1, 1_000_000))
    goals = tuple(
        _read_goal(goal, g, counter, f"{where}第{g}个年度目标")
        for g, goal in enumerate(_list(data, "goals", where), start=1)
    )
    return SelfEvaluation(
        kind,
        dict(header),
        budget,
        goals,
        _number(data.get("total"), f"{where}总分"),
        _text(data.get("reason"), f"{where}原因分析"),
        _text(data.get("measures"), f"{where}改进措施"),
        _amount(header.get("基本支出总额"), f"{where}基本支出总额"),
        _amount(header.get("项目支出总额"), f"{where}项目支出总额"),
        index,
    )


def _read_goal(data: Any, number: int, counter: Iterator[int], where: str) -> Goal:
    if not isinstance(data, dict):
        raise SelfEvalError(f"{where}应为“键: 值”的对象")
    raw_groups = _list(data, "groups", where)
    names1 = [_level_name(g, "level1", f"{where}第{k}个一级指标") for k, g in enumerate(raw_groups, 1)]
    groups = []
    for k, (raw, name1, segment) in enumerate(zip(raw_groups, names1, _segments(names1), strict=True), start=1):
        inner = f"{where}第{k}个一级指标"
        row = f"目标{number}.{segment}"
        raw_level2 = _list(raw, "groups", inner)
        names2 = [_level_name(g, "level2", f"{inner}第{j}个二级指标") for j, g in enumerate(raw_level2, 1)]
        level2 = []
        for j, (raw2, name2, segment2) in enumerate(zip(raw_level2, names2, _segments(names2), strict=True), start=1):
            inner2 = f"{inner}第{j}个二级指标"
            indicators = tuple(
                _read_indicator(ind, next(counter), name1, name2, number, f"{inner2}第{i}个三级指标")
                for i, ind in enumerate(_list(raw2, "indicators", inner2), start=1)
            )
            points = _number(raw2.get("points"), f"{inner2}分值")
            level2.append(Level2(name2, points, indicators, f"{row}.{segment2}"))
        groups.append(Level1(name1, _number(raw.get("points"), f"{inner}分值"), tuple(level2), row))
    name = _text(data.get("name"), f"{where}名称")
    return Goal(number, name, _number(data.get("points"), f"{where}分值"), tuple(groups))


#: Indicators already read, by everything they are read from: a keystroke changes one indicator of a
#: table and the table is read again (by the session, the checker and the editor), so the others come
#: from here. Indicators are immutable; values are keyed with their type (1, True and 1.0 are equal keys).
_READ: dict[tuple, Indicator] = {}
_READ_LIMIT = 20_000


def _read_indicator(data: Any, number: int, level1: str, level2: str, goal: int, where: str) -> Indicator:
    if isinstance(data, dict):
        key = (number, level1, level2, goal, where, *((k, type(v), v) for k, v in data.items()))
        try:
            return _READ[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key (a list where text belongs): read it, and refuse it
            return _parse_indicator(data, number, level1, level2, goal, where)
        indicator = _parse_indicator(data, number, level1, level2, goal, where)
        if len(_READ) >= _READ_LIMIT:
            _READ.clear()
        _READ[key] = indicator
        return indicator
    return _parse_indicator(data, number, level1, level2, goal, where)


def _parse_indicator(data: Any, number: int, level1: str, level2: str, goal: int, where: str) -> Indicator:
    if not isinstance(data, dict):
        raise SelfEvalError(f"{where}应为“键: 值”的对象")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise SelfEvalError(f"{where}：指标名称应为文字")
    where = f"{where}“{name}”"
    return Indicator(
        number,
        name,
        _number(data.get("weight"), f"{where}权重"),
        parse_target(_text(data.get("target"), f"{where}目标值")),
        parse_target(_text(data.get("actual"), f"{where}实际完成值")),
        _number(data.get("score"), f"{where}得分"),
        level1,
        level2,
        goal,
    )


def _level_name(data: Any, key: str, where: str) -> str:
    if not isinstance(data, dict):
        raise SelfEvalError(f"{where}应为“键: 值”的对象")
    name = data.get(key, "")
    if not isinstance(name, str):
        raise SelfEvalError(f"{where}：{key} 应为文字")
    return name


def _segments(names: list[str]) -> list[str]:
    """Row segments of sibling groups: the name, or #k when it is empty or repeated."""
    return [
        name.strip() if name.strip() and names.count(name) == 1 and "." not in name and ":" not in name else f"#{k}"
        for k, name in enumerate(names, start=1)
    ]


def _mapping(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SelfEvalError(f"{where}：{key} 应为“键: 值”的对象")
    return value


def _list(data: dict, key: str, where: str) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise SelfEvalError(f"{where}：{key} 应为列表")
    return value


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SelfEvalError(f"{where}应为文字，实为 {value!r}")
    return value


def _number(value: Any, where: str) -> Decimal | None:
    """A score, weight or points: a decimal string (a trailing 分 is allowed); blank is None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SelfEvalError(f'{where}应写成字符串，如 "2.27"，实为 {value!r}')
    text = normalise(str(value)).removesuffix("分")
    if is_blank(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise SelfEvalError(f"{where}“{value}”不是数字") from None
    if not number.is_finite():
        raise SelfEvalError(f"{where}“{value}”不是数字")
    return number


def _amount(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SelfEvalError(f'{where}应写成字符串，如 "84015.98"，实为 {value!r}')
    try:
        return parse_amount(value, SELFEVAL_UNIT)
    except AmountError as exc:
        raise SelfEvalError(f"{where}：{exc}") from None


def _rate(value: Any, where: str) -> Rate | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SelfEvalError(f'{where}应写成百分数字符串，如 "99.5%"，实为 {value!r}')
    text = normalise(value)
    if is_blank(text):
        return None
    if not text.endswith("%"):
        raise SelfEvalError(f"{where}“{value}”应写成百分数，如 99.5%")
    number = text[:-1]
    try:
        percent = Decimal(number)
    except InvalidOperation:
        raise SelfEvalError(f"{where}“{value}”不是百分数") from None
    if not percent.is_finite():
        raise SelfEvalError(f"{where}“{value}”不是百分数")
    decimals = len(number.partition(".")[2])
    return Rate(percent, decimals, value)
