"""Self-evaluation tables (绩效自评表): their model, the scoring rules printed under them, and their checks.

The rules are the footnotes of the seeds' tables:

- 执行率 = 执行数(B) ÷ 预算数(A); 预算执行得分 = 分值 × 执行率, at most the 分值 (the printed
  ``budget.points``, 20 when not printed);
- a quantitative indicator scores weight × B/A when positive (target ≥X, or a bare figure as the
  seeds score it), weight × A/B when negative (target ≤X); never above the weight, never negative.
  An exact target (=X, X左右) scores as a positive one; a range scores in full inside it and
  proportionally to the nearer end outside it;
- a qualitative indicator falls in one of three bands of its weight: achieved 80 %–100 % (80 %
  included), partly achieved 50 %–80 % (50 % included), not achieved 0–50 %. The band is read from
  the words (see `core.targets.stated_outcome`), so a band is a `warning`, never an `error`;
- 满意度指标 may be left out;
- 总分 = 预算执行得分 + Σ indicator scores; grades 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.

Scores are `Decimal`, rounded half up to two decimals as the seeds print them (seed 000: 1.96,
1.82, 3.06, 总分 99.69 and 98.9; seed 003: 2.27, 总分 92.27). A printed score is compared with the
exact computed one: a difference within 0.005 per rounded figure involved is `rounding`; a score
printed with fewer decimals that is the computed one rounded to those decimals (seed 002 prints
whole numbers: 16 for 15.98) is `rounding` too; anything else is an `error`. A printed 执行率 is
right when it is B/A rounded to the decimals it prints (98% for 97.96 %, 99.5% for 99.53 %).

Checks (rule id: severity):

- ``自评.执行率``: error; ``自评.预算执行得分``, ``自评.指标得分``, ``自评.总分``: error or rounding;
- ``自评.得分超过权重`` (also the budget score above its 分值), ``自评.得分为负``: error;
- ``自评.分值汇总``: printed points of a goal, 一级 or 二级指标 against the sum of the level below
  (their printed points, or the weights of the 三级指标): error;
- ``自评.得分超过分值``: where weights are not printed, the scores of a level above its points: error;
- ``自评.满分``: printed budget points + every printed goal's points ≠ 100: error (a warning when
  short of 100 in a table without 满意度指标, which may be left out);
- ``自评.定性指标分档``: a qualitative score outside the band its words put it in: warning;
- ``自评.未说明原因`` (a missed target while 原因分析 is blank), ``自评.计量单位`` (target and
  actual in different units), ``自评.未填完成值`` (a target without an actual, 满意度 aside): warning;
- against the 公开表, in 万元 with 0.005 per rounded figure as rounding: ``表间.自评公开01.执行数``
  (整体 执行数 = 公开01 本年支出合计, exact in all four seeds), ``表间.自评公开03.基本支出`` and
  ``.项目支出`` (header totals = 公开03 合计 columns 2 and 3), ``自评.支出构成`` (基本 + 项目支出总额 =
  执行数, exact in three seeds, and what 备注 “财政资金实际支出数” requires): error;
  ``表间.自评公开03.项目执行数`` (a project's 执行数 above all of 公开03 项目支出): warning.

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
- cells of the 公开表 keep their own addresses (``公开01:58:2``, ``公开03:合计:3``).

Findings carry `Decimal` scores, points and rates (in %) in expected/actual/diff, and integers of
分 for amounts; findings about words (units, reasons) carry None.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.findings import Describer, Finding
from core.money import AmountError, amount_text, format_amount, parse_amount, unit_fen
from core.report import Report
from core.targets import (
    Target,
    comparable,
    display,
    is_blank,
    normalise,
    parse_target,
    stated_outcome,
    units_differ,
)
from core.templates import TemplateSet

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


# ---------------------------------------------------------------------------------------------------
# The model


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

    @classmethod
    def from_dict(cls, data: Any, index: int = 1) -> SelfEvaluation:
        return _read_table(data, index)


def selfevaluations(report: Report) -> list[SelfEvaluation]:
    """The report's self-evaluation tables, read and validated."""
    if not isinstance(report.selfeval, list):
        raise SelfEvalError("selfeval 应为自评表的列表")
    return [SelfEvaluation.from_dict(data, n) for n, data in enumerate(report.selfeval, start=1)]


# ---------------------------------------------------------------------------------------------------
# Reading the JSON dicts


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


def _read_indicator(data: Any, number: int, level1: str, level2: str, goal: int, where: str) -> Indicator:
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


# ---------------------------------------------------------------------------------------------------
# Scoring


def round_score(value: Decimal) -> Decimal:
    """Two decimals, half up, as the tables print scores."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def execution_rate(budget: Budget) -> Decimal | None:
    """B/A in %, exact (not rounded); None when A or B is blank or A is zero."""
    if budget.a is None or budget.b is None or budget.a == 0:
        return None
    return Decimal(budget.b) * 100 / Decimal(budget.a)


def exact_budget_score(budget: Budget) -> Decimal | None:
    """分值 × 执行率, at most the 分值; not rounded."""
    if budget.a is None or budget.b is None or budget.a <= 0 or budget.b < 0:
        return None
    points = budget.full_points
    return min(points, points * Decimal(budget.b) / Decimal(budget.a))


def budget_score(budget: Budget) -> Decimal | None:
    """The 预算执行得分 as the table should print it."""
    exact = exact_budget_score(budget)
    return None if exact is None else round_score(exact)


def attainment(target: Target | None, actual: Target | None) -> Decimal | None:
    """Fraction of the weight an indicator earns by the quantitative rules, in [0, 1]; None if not a figure.

    Positive (≥, >, bare figure, =, 左右): B/A; negative (≤, <): A/B; a range: full inside, else
    B/low below it and high/B above it. A bare target of 0 (``0`` 起事故) is met only by 0.
    """
    if target is None or actual is None:
        return None
    values = comparable(target, actual)
    if values is None:
        return None
    a, b, upper = values
    if b < 0 or a < 0:
        return None
    direction = target.direction
    if direction == "range":
        if a <= b <= upper:
            return Decimal(1)
        if b < a:
            return b / a if a else None
        return min(Decimal(1), upper / b)
    if direction == "negative":
        if b == 0:
            return Decimal(1)
        return min(Decimal(1), a / b)
    # positive and exact
    if a == 0:
        if target.operator == ">" and b == 0:
            return None
        return Decimal(1) if b >= 0 and (target.operator in ("≥", ">") or b == 0) else None
    return min(Decimal(1), b / a)


def exact_score(indicator: Indicator) -> Decimal | None:
    """weight × attainment, not rounded; None unless the indicator has a weight and comparable figures."""
    if indicator.weight is None or indicator.weight < 0:
        return None
    fraction = attainment(indicator.target, indicator.actual)
    return None if fraction is None else indicator.weight * fraction


def suggested_score(indicator: Indicator) -> Decimal | None:
    """The score the footnotes give a quantitative indicator, two decimals; None for any other."""
    exact = exact_score(indicator)
    return None if exact is None else round_score(exact)


def outcome(indicator: Indicator) -> str | None:
    """achieved, partly or not; None when neither the figures nor the words tell."""
    fraction = attainment(indicator.target, indicator.actual)
    if fraction is not None:
        return "achieved" if fraction >= 1 else "not"
    return stated_outcome(indicator.target, indicator.actual)


def score_band(indicator: Indicator) -> tuple[str, Decimal, Decimal] | None:
    """(band, lowest, highest) score for a qualitative indicator whose outcome the words tell."""
    if indicator.weight is None or attainment(indicator.target, indicator.actual) is not None:
        return None
    band = stated_outcome(indicator.target, indicator.actual)
    if band is None:
        return None
    low, high, _, _ = BANDS[band]
    return band, indicator.weight * low, indicator.weight * high


def computed_total(evaluation: SelfEvaluation) -> Decimal | None:
    """预算执行得分 + Σ indicator scores, each as computed (rounded as printed) or, if it cannot be, as printed.

    None when the budget score or a score other than a 满意度 one is neither computable nor printed.
    """
    budget = budget_score(evaluation.budget)
    if budget is None:
        budget = evaluation.budget.score
    if budget is None:
        return None
    total = budget
    for indicator in evaluation.indicators:
        score = suggested_score(indicator)
        if score is None:
            score = indicator.score
        if score is None and not indicator.is_satisfaction:
            return None
        total += score or Decimal(0)
    return total


def grade(total: Decimal | int | str) -> str:
    """优 ≥ 90, 良 80–90, 中 60–80, 差 < 60."""
    value = Decimal(total) if not isinstance(total, Decimal) else total
    for floor, name in GRADES:
        if value >= floor:
            return name
    return "差"


# ---------------------------------------------------------------------------------------------------
# Checks


def selfeval_findings(report: Report, templates: TemplateSet) -> list[Finding]:
    """Every finding on the report's self-evaluation tables, table by table in printed order."""
    evaluations = selfevaluations(report)
    describer = Describer(templates, lambda table, row: report.labels.get(f"{table}:{row}"))
    findings: list[Finding] = []
    for evaluation in evaluations:
        checker = _TableChecks(evaluation, report, templates, describer)
        findings.extend(checker.run())
    return findings


def _num(value: Decimal) -> str:
    """Points and weights as printed: 40, 2.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _score(value: Decimal) -> str:
    return f"{round_score(value):f}"


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _severity(printed: Decimal, exact: Decimal, rounded_figures: int = 1) -> str | None:
    """None if the printed score is the exact one as printed, rounding if rounding explains it, else error."""
    if printed == round_score(exact):
        return None
    if abs(printed - exact) <= HALF_CENT * rounded_figures:
        return "rounding"
    places = _decimals(printed)
    if places < 2 and printed == exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        return "rounding"
    return "error"


class _TableChecks:
    def __init__(self, evaluation: SelfEvaluation, report: Report, templates: TemplateSet, describer: Describer):
        self.ev = evaluation
        self.report = report
        self.templates = templates
        self.describer = describer
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        self._budget()
        self._points()
        for indicator in self.ev.indicators:
            self._indicator(indicator)
        self._total()
        self._public_tables()
        return self.findings

    # -- helpers

    def add(self, rule: str, severity: str, cells: tuple[str, ...], expected, actual, message: str) -> None:
        diff = actual - expected if expected is not None and actual is not None else None
        if severity == "rounding":
            message += "（在尾数误差范围内）"
        key = f"自评|{self.ev.table}|{rule}|{cells[0]}"
        self.findings.append(Finding(rule, severity, self.ev.table, cells, expected, actual, diff, message, key))

    def indicator_name(self, indicator: Indicator) -> str:
        return f"{self.ev.title}第{indicator.number}个指标“{indicator.name}”"

    def node_name(self, goal: Goal, level1: Level1 | None = None, level2: Level2 | None = None) -> str:
        """年度目标2一级指标“产出指标”二级指标“数量指标”, prefixed by the table's name."""
        if len(self.ev.goals) == 1:
            text = "年度绩效目标" if level1 is None else ""
        else:
            text = f"年度目标{goal.number}"
        if level1 is not None:
            text += f"一级指标“{level1.name}”"
        if level2 is not None:
            text += f"二级指标“{level2.name}”" if level2.name else "二级指标"
        return self.ev.title + text

    # -- 预算执行情况

    def _budget(self) -> None:
        ev, budget = self.ev, self.ev.budget
        rate = execution_rate(budget)
        if rate is not None and budget.rate is not None:
            half = Decimal(5).scaleb(-budget.rate.decimals - 1)
            if abs(budget.rate.percent - rate) > half:
                expected = round_score(rate)
                self.add(
                    "自评.执行率",
                    "error",
                    (ev.cell("预算执行", "执行率"), ev.cell("预算执行", "执行数"), ev.cell("预算执行", "预算数")),
                    expected,
                    budget.rate.percent,
                    f"{ev.title}预算执行率应为 {expected}%（执行数 {_money(budget.b)} ÷ 预算数 "
                    f"{_money(budget.a)}），实为 {budget.rate.text}",
                )
        if budget.score is None:
            return
        points = budget.full_points
        cells = (ev.cell("预算执行", "得分"), ev.cell("预算执行", "分值"))
        if budget.score < 0:
            self.add(
                "自评.得分为负",
                "error",
                cells,
                Decimal(0),
                budget.score,
                f"{ev.title}预算执行得分为负数（{_score(budget.score)}）",
            )
            return
        if budget.score > points:
            self.add(
                "自评.得分超过权重",
                "error",
                cells,
                points,
                budget.score,
                f"{ev.title}预算执行得分 {_score(budget.score)} 超过其分值 {_num(points)}",
            )
            return
        exact = exact_budget_score(budget)
        if exact is None:
            return
        severity = _severity(budget.score, exact)
        if severity:
            self.add(
                "自评.预算执行得分",
                severity,
                (ev.cell("预算执行", "得分"), ev.cell("预算执行", "执行数"), ev.cell("预算执行", "预算数")),
                round_score(exact),
                budget.score,
                f"{ev.title}预算执行得分应为 {_score(exact)}（{_num(points)}分 × 执行率 {round_score(rate)}%），"
                f"实为 {_score(budget.score)}",
            )

    # -- 分值 level by level

    def _points(self) -> None:
        ev = self.ev
        for goal in ev.goals:
            for level1 in goal.groups:
                for level2 in level1.groups:
                    what = self.node_name(goal, level1, level2)
                    cells = tuple(ev.cell(i.row, "权重") for i in level2.indicators)
                    self._declared(
                        level2.points,
                        _weights(level2.indicators),
                        ev.cell(level2.row, "分值"),
                        cells,
                        what,
                        "各三级指标权重",
                    )
                    self._scores_within(level2.points, level2.indicators, ev.cell(level2.row, "分值"), what)
                what = self.node_name(goal, level1)
                cells = tuple(ev.cell(g.row, "分值") for g in level1.groups)
                below = _sum([_level2_points(g) for g in level1.groups])
                self._declared(level1.points, below, ev.cell(level1.row, "分值"), cells, what, "各二级指标分值")
                self._scores_within(level1.points, level1.indicators, ev.cell(level1.row, "分值"), what)
            what = self.node_name(goal)
            cells = tuple(ev.cell(g.row, "分值") for g in goal.groups)
            below = _sum([_level1_points(g) for g in goal.groups])
            self._declared(goal.points, below, ev.cell(goal.row, "分值"), cells, what, "各一级指标分值")
            self._scores_within(goal.points, goal.indicators, ev.cell(goal.row, "分值"), what)
        budget_points = ev.budget.points
        if budget_points is not None and ev.goals and all(g.points is not None for g in ev.goals):
            total = budget_points + sum((g.points for g in ev.goals), Decimal(0))
            if total != FULL_MARKS:
                has_satisfaction = any(SATISFACTION in l1.name for g in ev.goals for l1 in g.groups)
                # 满意度指标暂可不作为必评指标: a table without them may fall short of 100.
                severity = "warning" if total < FULL_MARKS and not has_satisfaction else "error"
                cells = (ev.cell("预算执行", "分值"),) + tuple(ev.cell(g.row, "分值") for g in ev.goals)
                self.add(
                    "自评.满分",
                    severity,
                    cells,
                    FULL_MARKS,
                    total,
                    f"{ev.title}预算执行分值与各年度目标分值之和应为 100，实为 {_num(total)}",
                )

    def _declared(
        self, declared: Decimal | None, below: Decimal | None, cell: str, cells: tuple[str, ...], what: str, parts: str
    ) -> None:
        """Printed points of a level against the sum of the level below (its own points, or its weights)."""
        if declared is None or below is None or declared == below:
            return
        self.add(
            "自评.分值汇总",
            "error",
            (cell,) + cells,
            below,
            declared,
            f"{what}分值应等于{parts}之和，实为 {_num(declared)}，应为 {_num(below)}，相差 {_num(abs(declared - below))}",
        )

    def _scores_within(self, points: Decimal | None, indicators: tuple[Indicator, ...], cell: str, what: str) -> None:
        """Without printed weights, the scores of a level can at least not exceed its points."""
        if points is None or all(i.weight is not None for i in indicators):
            return
        scores = [i.score for i in indicators if i.score is not None]
        if not scores:
            return
        total = sum(scores, Decimal(0))
        if total > points:
            cells = (cell,) + tuple(self.ev.cell(i.row, "得分") for i in indicators if i.score is not None)
            self.add(
                "自评.得分超过分值",
                "error",
                cells,
                points,
                total,
                f"{what}各指标得分之和 {_score(total)} 超过其分值 {_num(points)}",
            )

    # -- one indicator

    def _indicator(self, indicator: Indicator) -> None:
        ev, name = self.ev, self.indicator_name(indicator)
        score, weight = indicator.score, indicator.weight
        score_cell, weight_cell = ev.cell(indicator.row, "得分"), ev.cell(indicator.row, "权重")
        target_cell, actual_cell = ev.cell(indicator.row, "目标值"), ev.cell(indicator.row, "实际完成值")
        if score is not None and score < 0:
            self.add("自评.得分为负", "error", (score_cell,), Decimal(0), score, f"{name}得分为负数（{_score(score)}）")
        elif score is not None and weight is not None and score > weight:
            self.add(
                "自评.得分超过权重",
                "error",
                (score_cell, weight_cell),
                weight,
                score,
                f"{name}得分 {_score(score)} 超过其权重 {_num(weight)}",
            )
        elif score is not None:
            exact = exact_score(indicator)
            band = score_band(indicator)
            if exact is not None:
                severity = _severity(score, exact)
                if severity:
                    self.add(
                        "自评.指标得分",
                        severity,
                        (score_cell, weight_cell, target_cell, actual_cell),
                        round_score(exact),
                        score,
                        f"{name}得分应为 {_score(exact)}，实为 {_score(score)}",
                    )
            elif band is not None:
                self._band(indicator, band, name, (score_cell, weight_cell, target_cell, actual_cell))
        if units_differ(indicator.target, indicator.actual):
            self.add(
                "自评.计量单位",
                "warning",
                (target_cell, actual_cell),
                None,
                None,
                f"{name}目标值“{display(indicator.target)}”与实际完成值“{display(indicator.actual)}”的计量单位不一致"
                f"（“{indicator.target.unit}”与“{indicator.actual.unit}”）",
            )
        if indicator.actual is None and indicator.target is not None and not indicator.is_satisfaction:
            self.add(
                "自评.未填完成值",
                "warning",
                (actual_cell,),
                None,
                None,
                f"{name}只填了目标值“{display(indicator.target)}”，未填实际完成值",
            )
        result = outcome(indicator)
        if result in ("partly", "not") and not ev.has_reason:
            self.add(
                "自评.未说明原因",
                "warning",
                (target_cell, actual_cell, ev.cell("原因分析", "内容")),
                None,
                None,
                f"{name}未完成目标（目标值“{display(indicator.target)}”，实际完成值“{display(indicator.actual)}”），"
                f"但“偏差大或目标未完成原因分析”为空",
            )

    def _band(
        self, indicator: Indicator, band: tuple[str, Decimal, Decimal], name: str, cells: tuple[str, ...]
    ) -> None:
        key, low, high = band
        _, _, low_in, high_in = BANDS[key]
        score = indicator.score
        inside = (score > low or (low_in and score == low)) and (score < high or (high_in and score == high))
        if inside:
            return
        # A band has no single expected score: expected and diff stay empty.
        range_text = f"{_score(low)}{'（含）' if low_in else ''}至 {_score(high)}{'（含）' if high_in else '（不含）'}"
        self.add(
            "自评.定性指标分档",
            "warning",
            cells,
            None,
            score,
            f"{name}目标值“{display(indicator.target)}”、实际完成值“{display(indicator.actual)}”，"
            f"属“{BAND_NAMES[key]}”一档，得分应在 {range_text}之间，实为 {_score(score)}",
        )

    # -- 总分

    def _total(self) -> None:
        ev = self.ev
        if ev.total is None:
            return
        terms = [ev.budget.score] + [i.score for i in ev.indicators]
        printed = [t for t in terms if t is not None]
        if not printed:
            return
        expected = sum(printed, Decimal(0))
        rounded = 1 + sum(1 for t in printed if t != t.to_integral_value())
        severity = _severity(ev.total, expected, rounded)
        if severity:
            cells = (ev.cell("总分", "得分"), ev.cell("预算执行", "得分")) + tuple(
                ev.cell(i.row, "得分") for i in ev.indicators if i.score is not None
            )
            self.add(
                "自评.总分",
                severity,
                cells,
                expected,
                ev.total,
                f"{ev.title}总分应等于预算执行得分与各指标得分之和，实为 {_score(ev.total)}，"
                f"应为 {_score(expected)}，相差 {_score(abs(ev.total - expected))}",
            )

    # -- against the 公开表

    def _public_tables(self) -> None:
        ev = self.ev
        b = ev.budget.b
        if ev.kind == "整体":
            line = _total_expense_line(self.templates)
            if line is not None and b is not None:
                self._equal(
                    "表间.自评公开01.执行数",
                    ev.cell("预算执行", "执行数"),
                    b,
                    line,
                    f"{ev.title}预算执行情况执行数（B）",
                )
            if ev.basic_total is not None:
                self._equal(
                    "表间.自评公开03.基本支出",
                    ev.cell("表头", "基本支出总额"),
                    ev.basic_total,
                    "公开03:合计:2",
                    f"{ev.title}基本支出总额",
                )
            if ev.project_total is not None:
                self._equal(
                    "表间.自评公开03.项目支出",
                    ev.cell("表头", "项目支出总额"),
                    ev.project_total,
                    "公开03:合计:3",
                    f"{ev.title}项目支出总额",
                )
            if ev.basic_total is not None and ev.project_total is not None and b is not None:
                actual = ev.basic_total + ev.project_total
                diff = actual - b
                if diff:
                    severity = "rounding" if abs(diff) <= 3 * _half_digit(SELFEVAL_UNIT) else "error"
                    self.add(
                        "自评.支出构成",
                        severity,
                        (
                            ev.cell("表头", "基本支出总额"),
                            ev.cell("表头", "项目支出总额"),
                            ev.cell("预算执行", "执行数"),
                        ),
                        b,
                        actual,
                        f"{ev.title}基本支出总额与项目支出总额之和应等于预算执行情况执行数（B），实为 "
                        f"{_money(actual)}，应为 {_money(b)}，相差 {_money(abs(diff))} 万元",
                    )
        elif b is not None:
            # A project table's 执行数 is only related to 公开03 项目支出, not equal to it: the table
            # counts the project's fiscal funds (备注1: 财政资金实际支出数), 公开03 counts every source,
            # and the department's 项目支出 is spread over many projects (seed 001 prints 10 tables for
            # its 11 projects). Only a project spending more than all projects together is suspicious,
            # and even that is a warning.
            total = self.report.cells.get("公开03:合计:3")
            if total is not None and b > total:
                diff = b - total
                tolerance = _half_digit(SELFEVAL_UNIT) + _half_digit(self.report.amount_unit)
                severity = "rounding" if diff <= tolerance else "warning"
                where = self.describer.cell("公开03:合计:3", with_table=True)
                self.add(
                    "表间.自评公开03.项目执行数",
                    severity,
                    (ev.cell("预算执行", "执行数"), "公开03:合计:3"),
                    total,
                    b,
                    f"{ev.title}执行数（B）不应大于{where}，实为 {_money(b)}，上限为 "
                    f"{_money(total)}，超出 {_money(diff)} 万元",
                )

    def _equal(self, rule: str, cell: str, value: int, address: str, what: str) -> None:
        other = self.report.cells.get(address)
        if other is None:
            return
        diff = value - other
        if diff == 0:
            return
        tolerance = _half_digit(SELFEVAL_UNIT) + _half_digit(self.report.amount_unit)
        severity = "rounding" if abs(diff) <= tolerance else "error"
        where = self.describer.cell(address, with_table=True)
        self.add(
            rule,
            severity,
            (cell, address),
            other,
            value,
            f"{what}应等于{where}，实为 {_money(value)}，应为 {_money(other)}，相差 {_money(abs(diff))} 万元",
        )


def _money(fen: int) -> str:
    """An amount in 万元 as printed: 84,015.98, and 4.836 when it was entered with more decimals."""
    exact = amount_text(fen, SELFEVAL_UNIT)
    return exact if len(exact.partition(".")[2]) > 2 else format_amount(fen, SELFEVAL_UNIT)


def _half_digit(unit: str) -> int:
    """Half of the last printed digit (0.01) of an amount in `unit`, in 分."""
    return unit_fen(unit) // 200


def selfeval_cells(templates: TemplateSet) -> frozenset[str]:
    """The 公开表 cells the self-evaluation checks compare with: a change there re-checks the tables."""
    cells = {"公开03:合计:2", "公开03:合计:3"}
    line = _total_expense_line(templates)
    return frozenset(cells | ({line} if line else set()))


def _total_expense_line(templates: TemplateSet) -> str | None:
    """Address of 公开01 本年支出合计 in this year's layout (58 in 2022/2023, 57 in 2024)."""
    table = templates.tables.get("公开01")
    if table is None:
        return None
    for number, line in table.lines.items():
        if line.label and normalise(line.label) == "本年支出合计" and line.columns:
            return f"公开01:{number}:{line.columns[0]}"
    return None


def _sum(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


def _weights(indicators: tuple[Indicator, ...]) -> Decimal | None:
    return _sum([i.weight for i in indicators])


def _level2_points(group: Level2) -> Decimal | None:
    return group.points if group.points is not None else _weights(group.indicators)


def _level1_points(group: Level1) -> Decimal | None:
    return group.points if group.points is not None else _sum([_level2_points(g) for g in group.groups])
