"""Scoring of self-evaluation tables: the rules printed under them (the seeds' footnotes).

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
exact computed one at the precision it is printed with: one printed with fewer decimals that is the
computed one rounded to those decimals is right (seed 002 prints whole numbers: 16 for 15.98); a
difference within 0.005 per rounded figure involved is `rounding`; anything else is an `error`. A
printed 执行率 is right when it is B/A rounded to the decimals it prints (98% for 97.96 %, 99.5% for
99.53 %); B/A to a whole percent padded with zeros (75.00% for 74.55 %) is a `warning` about the
precision, and anything else (99% for 99.57 %, cut off) an `error`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.selfeval.model import BANDS, CENT, GRADES, Budget, Indicator, SelfEvaluation
from core.targets import Target, comparable, stated_outcome


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
