"""Checks of self-evaluation tables: each table on its own, and its amounts against the 公开表.

Checks (rule id: severity):

- ``自评.执行率``: error; a warning when it is B/A to a whole percent padded with zeros (75.00% for
  74.55%), the precision being off rather than the rate (99% for 99.57% is an error);
- ``自评.预算执行得分``, ``自评.指标得分``, ``自评.总分``: error or rounding; none when the printed value
  is the computed one at the precision it is printed with (16 for 15.98, printed whole);
- ``自评.得分超过权重`` (also the budget score above its 分值), ``自评.得分为负``: error;
- ``自评.分值汇总``: printed points of a goal, 一级 or 二级指标 against the sum of the level below
  (their printed points, or the weights of the 三级指标): error;
- ``自评.得分超过分值``: where weights are not printed, the scores of a level above its points: error;
- ``自评.满分``: printed budget points + every goal's points ≠ 100 — a goal that prints no points counts
  its 一级指标's (seed 003 整体: 20 + 40 + 40 + 10): error (a warning when short of 100 in a table
  without 满意度指标, which may be left out);
- ``自评.定性指标分档``: a qualitative score outside the band its words put it in: warning;
- ``自评.未说明原因`` (a missed target while 原因分析 is blank), ``自评.计量单位`` (target and
  actual in different units), ``自评.未填完成值`` (a target without an actual, 满意度 aside): warning;
- against the 公开表, in 万元 with 0.005 per rounded figure as rounding: ``表间.自评公开01.执行数``
  (整体 执行数 = 公开01 本年支出合计, exact in all four seeds), ``表间.自评公开03.基本支出`` and
  ``.项目支出`` (header totals = 公开03 合计 columns 2 and 3), ``自评.支出构成`` (基本 + 项目支出总额 =
  执行数, exact in three seeds, and what 备注 “财政资金实际支出数” requires): error;
  ``表间.自评公开03.项目执行数`` (a project's 执行数 above all of 公开03 项目支出): warning.


Findings carry `Decimal` scores, points and rates (in %) in expected/actual/diff, and integers of
分 for amounts; findings about words (units, reasons) carry None.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.findings import Describer, Finding
from core.money import amount_text, format_amount, unit_fen
from core.report import Report
from core.rules.coded import SELFEVAL_COMPARISONS, SelfEvalComparison, public_cell
from core.selfeval.model import (
    BAND_NAMES,
    BANDS,
    FULL_MARKS,
    HALF_CENT,
    SATISFACTION,
    SELFEVAL_UNIT,
    Goal,
    Indicator,
    Level1,
    Level2,
    SelfEvaluation,
    selfevaluations,
)
from core.selfeval.scoring import (
    exact_budget_score,
    exact_score,
    execution_rate,
    outcome,
    round_score,
    score_band,
)
from core.targets import display, units_differ
from core.templates import TemplateSet


@dataclass(frozen=True)
class OwnFindings:
    """A table's findings on itself, in printed order: those listed before its comparisons with the 公开表, and after."""

    before: tuple[Finding, ...]
    after: tuple[Finding, ...]


def own_findings(evaluation: SelfEvaluation) -> OwnFindings:
    """The findings of the checks that read this table only (`core.rules.coded.SELFEVAL_TABLE_RULES`)."""
    return _TableChecks(evaluation).run()


def selfeval_findings(report: Report, templates: TemplateSet) -> list[Finding]:
    """Every finding on the report's self-evaluation tables, table by table in printed order."""
    describer = Describer(templates, lambda table, row: report.labels.get(f"{table}:{row}"))
    findings: list[Finding] = []
    for evaluation in selfevaluations(report):
        own = own_findings(evaluation)
        findings.extend(own.before)
        for comparison in comparisons_of(evaluation):
            address = public_cell(comparison, templates)
            if address is not None:
                public = report.cells.get(address)
                finding = comparison_finding(evaluation, comparison, address, public, report.amount_unit, describer)
                if finding is not None:
                    findings.append(finding)
        findings.extend(own.after)
    return findings


def _finding(
    evaluation: SelfEvaluation, rule: str, severity: str, cells: tuple[str, ...], expected, actual, message: str
) -> Finding:
    diff = actual - expected if expected is not None and actual is not None else None
    if severity == "rounding":
        message += "（在尾数误差范围内）"
    key = f"自评|{evaluation.table}|{rule}|{cells[0]}"
    return Finding(rule, severity, evaluation.table, cells, expected, actual, diff, message, key)


def _num(value: Decimal) -> str:
    """Points and weights as printed: 40, 2.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _score(value: Decimal) -> str:
    """A computed score, as the tables print scores: two decimals."""
    return f"{round_score(value):f}"


def _printed(value: Decimal) -> str:
    """A printed score or total quoted as printed: 16, 2.27, 92.3 (never padded to 16.00)."""
    return f"{value:f}"


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _severity(printed: Decimal, exact: Decimal, rounded_figures: int = 1) -> str | None:
    """None if the printed score is the exact one at the precision it is printed with (16 for 15.98 printed
    whole), rounding if the rounding of the figures it adds up explains it, else error."""
    if printed == round_score(exact):
        return None
    places = _decimals(printed)
    if places < 2 and printed == exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        return None
    if abs(printed - exact) <= HALF_CENT * rounded_figures:
        return "rounding"
    return "error"


class _TableChecks:
    """The checks that read one table and nothing else."""

    def __init__(self, evaluation: SelfEvaluation):
        self.ev = evaluation
        self.findings: list[Finding] = []

    def run(self) -> OwnFindings:
        self._budget()
        self._points()
        for indicator in self.ev.indicators:
            self._indicator(indicator)
        self._total()
        before = tuple(self.findings)
        self.findings = []
        self._composition()
        return OwnFindings(before, tuple(self.findings))

    # -- helpers

    def add(self, rule: str, severity: str, cells: tuple[str, ...], expected, actual, message: str) -> None:
        self.findings.append(_finding(self.ev, rule, severity, cells, expected, actual, message))

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
                cells = (ev.cell("预算执行", "执行率"), ev.cell("预算执行", "执行数"), ev.cell("预算执行", "预算数"))
                quotient = f"执行数 {_money(budget.b)} ÷ 预算数 {_money(budget.a)}"
                printed = budget.rate.percent
                whole = rate.quantize(Decimal(1), rounding=ROUND_HALF_UP)
                if budget.rate.decimals and printed == printed.to_integral_value() and printed == whole:
                    # 75.00% for 74.55%: B/A to a whole percent, padded with zeros — the precision, not the rate, is off.
                    self.add(
                        "自评.执行率",
                        "warning",
                        cells,
                        expected,
                        printed,
                        f"{ev.title}预算执行率 {budget.rate.text} 只精确到整数百分比（{whole}%），"
                        f"按所印 {budget.rate.decimals} 位小数应为 {expected}%（{quotient}）",
                    )
                else:
                    self.add(
                        "自评.执行率",
                        "error",
                        cells,
                        expected,
                        printed,
                        f"{ev.title}预算执行率应为 {expected}%（{quotient}），实为 {budget.rate.text}",
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
                f"{ev.title}预算执行得分为负数（{_printed(budget.score)}）",
            )
            return
        if budget.score > points:
            self.add(
                "自评.得分超过权重",
                "error",
                cells,
                points,
                budget.score,
                f"{ev.title}预算执行得分 {_printed(budget.score)} 超过其分值 {_num(points)}",
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
                f"实为 {_printed(budget.score)}",
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
        self._full_marks()

    def _full_marks(self) -> None:
        """自评.满分: budget points + every goal's points (a goal that prints none: its 一级指标's) = 100."""
        ev = self.ev
        budget_points = ev.budget.points
        if budget_points is None or not ev.goals:
            return
        total, cells = budget_points, [ev.cell("预算执行", "分值")]
        for goal in ev.goals:
            if goal.points is not None:
                total += goal.points
                cells.append(ev.cell(goal.row, "分值"))
                continue
            below = _sum([_level1_points(g) for g in goal.groups])
            if below is None:
                return
            total += below
            cells += [ev.cell(g.row, "分值") for g in goal.groups]
        if total == FULL_MARKS:
            return
        has_satisfaction = any(SATISFACTION in l1.name for g in ev.goals for l1 in g.groups)
        # 满意度指标暂可不作为必评指标: a table without them may fall short of 100.
        severity = "warning" if total < FULL_MARKS and not has_satisfaction else "error"
        if all(g.points is not None for g in ev.goals):
            parts = "各年度目标分值"
        elif all(g.points is None for g in ev.goals):
            parts = "各一级指标分值"
        else:
            parts = "各年度目标分值（未印分值的按其一级指标）"
        self.add(
            "自评.满分",
            severity,
            tuple(cells),
            FULL_MARKS,
            total,
            f"{ev.title}预算执行分值与{parts}之和应为 100，实为 {_num(total)}",
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
                f"{what}各指标得分之和 {_num(total)} 超过其分值 {_num(points)}",
            )

    # -- one indicator

    def _indicator(self, indicator: Indicator) -> None:
        ev, name = self.ev, self.indicator_name(indicator)
        score, weight = indicator.score, indicator.weight
        score_cell, weight_cell = ev.cell(indicator.row, "得分"), ev.cell(indicator.row, "权重")
        target_cell, actual_cell = ev.cell(indicator.row, "目标值"), ev.cell(indicator.row, "实际完成值")
        if score is not None and score < 0:
            self.add(
                "自评.得分为负", "error", (score_cell,), Decimal(0), score, f"{name}得分为负数（{_printed(score)}）"
            )
        elif score is not None and weight is not None and score > weight:
            self.add(
                "自评.得分超过权重",
                "error",
                (score_cell, weight_cell),
                weight,
                score,
                f"{name}得分 {_printed(score)} 超过其权重 {_num(weight)}",
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
                        f"{name}得分应为 {_score(exact)}，实为 {_printed(score)}",
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
        range_text = f"{_num(round_score(low))}{'（含）' if low_in else ''}至 {_num(round_score(high))}{'（含）' if high_in else '（不含）'}"
        self.add(
            "自评.定性指标分档",
            "warning",
            cells,
            None,
            score,
            f"{name}目标值“{display(indicator.target)}”、实际完成值“{display(indicator.actual)}”，"
            f"属“{BAND_NAMES[key]}”一档，得分应在 {range_text}之间，实为 {_printed(score)}",
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
                f"{ev.title}总分应等于预算执行得分与各指标得分之和，实为 {_printed(ev.total)}，"
                f"应为 {_printed(expected)}，相差 {_printed(abs(ev.total - expected))}",
            )

    # -- against the 公开表

    def _composition(self) -> None:
        """自评.支出构成: 基本 + 项目支出总额 = 执行数 (exact in three seeds; 备注 “财政资金实际支出数” requires it)."""
        ev = self.ev
        b = ev.budget.b
        if ev.kind != "整体" or ev.basic_total is None or ev.project_total is None or b is None:
            return
        actual = ev.basic_total + ev.project_total
        diff = actual - b
        if diff:
            severity = "rounding" if abs(diff) <= 3 * _half_digit(SELFEVAL_UNIT) else "error"
            self.add(
                "自评.支出构成",
                severity,
                (ev.cell("表头", "基本支出总额"), ev.cell("表头", "项目支出总额"), ev.cell("预算执行", "执行数")),
                b,
                actual,
                f"{ev.title}基本支出总额与项目支出总额之和应等于预算执行情况执行数（B），实为 "
                f"{_money(actual)}，应为 {_money(b)}，相差 {_money(abs(diff))} 万元",
            )


def comparisons_of(evaluation: SelfEvaluation) -> tuple[SelfEvalComparison, ...]:
    """The comparisons with the 公开表 that apply to this table's kind, in the order its findings list them."""
    return tuple(c for c in SELFEVAL_COMPARISONS if c.kind == evaluation.kind)


def comparison_finding(
    evaluation: SelfEvaluation,
    comparison: SelfEvalComparison,
    address: str,
    public: int | None,
    amount_unit: str,
    describer: Describer,
) -> Finding | None:
    """One comparison of a table's amount (in 万元) with the 公开表 cell `address` (value `public`, in `amount_unit`)."""
    value = evaluation.amount(*comparison.field)
    if value is None or public is None:
        return None
    diff = value - public
    if diff == 0 or (comparison.relation == "<=" and diff < 0):
        return None
    # Each side was rounded to its own last printed digit.
    tolerance = _half_digit(SELFEVAL_UNIT) + _half_digit(amount_unit)
    severity = "rounding" if abs(diff) <= tolerance else comparison.severity
    where = describer.cell(address, with_table=True)
    what = f"{evaluation.title}{comparison.subject}"
    if comparison.relation == "<=":
        message = f"{what}不应大于{where}，实为 {_money(value)}，上限为 {_money(public)}，超出 {_money(diff)} 万元"
    else:
        message = f"{what}应等于{where}，实为 {_money(value)}，应为 {_money(public)}，相差 {_money(abs(diff))} 万元"
    cells = (evaluation.cell(*comparison.field), address)
    return _finding(evaluation, comparison.id, severity, cells, public, value, message)


def _money(fen: int) -> str:
    """An amount in 万元 as printed: 84,015.98, and 4.836 when it was entered with more decimals."""
    exact = amount_text(fen, SELFEVAL_UNIT)
    return exact if len(exact.partition(".")[2]) > 2 else format_amount(fen, SELFEVAL_UNIT)


def _half_digit(unit: str) -> int:
    """Half of the last printed digit (0.01) of an amount in `unit`, in 分."""
    return unit_fen(unit) // 200


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
