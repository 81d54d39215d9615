"""Edits of one self-evaluation table dict (report-file shape), made in place on a copy the caller saves."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from core.money import amount_text, parse_amount
from core.selfeval import FULL_MARKS, SelfEvaluation, budget_score, computed_total, suggested_score
from core.targets import is_blank, normalise

LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标")
LEVEL2_NAMES = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
ALL_LEVEL2 = tuple(name for names in LEVEL2_NAMES.values() for name in names)
DEFAULT_GOAL = "年度绩效目标"
AMOUNT_FIELDS = ("基本支出总额", "项目支出总额")  # header entries typed as amounts in 万元
IndicatorPath = tuple[int, int, int, int]  # goal, 一级, 二级, indicator: places in the table dict


def _kids(node: dict, key: str) -> list:
    if not isinstance(node.get(key), list):
        node[key] = []
    return node[key]


def walk_indicators(table: dict) -> Iterable[tuple[IndicatorPath, dict, dict, dict, dict]]:
    """(path, goal, 一级, 二级, indicator) of every indicator, in printed order."""
    for g, goal in enumerate(table.get("goals") or []):
        for i, l1 in enumerate(goal.get("groups") or []):
            for j, l2 in enumerate(l1.get("groups") or []):
                for k, indicator in enumerate(l2.get("indicators") or []):
                    yield (g, i, j, k), goal, l1, l2, indicator


def nodes_at(table: dict, path: IndicatorPath) -> tuple[dict, dict, dict, dict]:
    """The goal, 一级, 二级 and indicator dicts of the indicator at `path`."""
    g, i, j, k = path
    goal = table["goals"][g]
    l1 = goal["groups"][i]
    l2 = l1["groups"][j]
    return goal, l1, l2, l2["indicators"][k]


def _path_of(table: dict, indicator: dict) -> IndicatorPath | None:
    return next((path for path, *_, ind in walk_indicators(table) if ind is indicator), None)


def put_value(node: dict, key: str, text: str) -> None:
    """A blank value is left out, as in the report file (an indicator keeps its name)."""
    if text or key == "name":
        node[key] = text
    else:
        node.pop(key, None)


def _prune(table: dict, goal: dict, l1: dict, l2: dict) -> None:
    """Drop the groups an indicator left empty."""
    if not l2.get("indicators"):
        l1["groups"] = [g for g in l1.get("groups") or [] if g is not l2]
    if not l1.get("groups"):
        goal["groups"] = [g for g in goal.get("groups") or [] if g is not l1]
    if not goal.get("groups"):
        table["goals"] = [g for g in table.get("goals") or [] if g is not goal]


def _place(siblings: list, key: str, name: str, current: dict | None, order: tuple[str, ...] = ()) -> dict:
    """The sibling named `name` (the current one first), else a new one in printed order or after `current`."""
    if current is not None and current.get(key, "") == name:
        return current
    found = next((s for s in siblings if s.get(key, "") == name), None)
    if found is not None:
        return found
    node = {key: name, "indicators" if key == "level2" else "groups": []}
    if name in order:
        later = [
            n for n, s in enumerate(siblings) if s.get(key, "") in order and order.index(s[key]) > order.index(name)
        ]
        position = later[0] if later else len(siblings)
    else:
        position = next((n + 1 for n, s in enumerate(siblings) if s is current), len(siblings))
    siblings.insert(position, node)
    return node


def move_indicator(table: dict, path: IndicatorPath, level: int, name: str) -> IndicatorPath | None:
    """Give an indicator another 年度目标 (level 0), 一级 (1) or 二级指标 (2): it moves into that group, made if missing."""
    goal, l1, l2, indicator = nodes_at(table, path)
    names = [goal.get("name", ""), l1.get("level1", ""), l2.get("level2", "")]
    names[level] = name
    del l2["indicators"][path[3]]
    new_goal = _place(_kids(table, "goals"), "name", names[0], goal)
    new_l1 = _place(_kids(new_goal, "groups"), "level1", names[1], l1 if new_goal is goal else None, LEVEL1_NAMES)
    if level == 1 and names[1] in LEVEL2_NAMES and names[2] not in LEVEL2_NAMES[names[1]]:
        existing = [s.get("level2", "") for s in new_l1["groups"]]  # 数量指标 does not belong under 效益指标
        names[2] = existing[0] if existing else LEVEL2_NAMES[names[1]][0]
    order = LEVEL2_NAMES.get(names[1], ALL_LEVEL2)
    new_l2 = _place(_kids(new_l1, "groups"), "level2", names[2], l2 if new_l1 is l1 else None, order)
    _kids(new_l2, "indicators").append(indicator)
    _prune(table, goal, l1, l2)
    return _path_of(table, indicator)


def add_indicator(table: dict, after: IndicatorPath | None) -> IndicatorPath:
    """A blank indicator after `after`, else at the end (年度绩效目标 / 产出指标 / 数量指标 in an empty table)."""
    new: dict = {"name": ""}
    if after is not None:
        nodes_at(table, after)[2]["indicators"].insert(after[3] + 1, new)
        return _path_of(table, new)
    node = table
    for key, name_key in (("goals", "name"), ("groups", "level1"), ("groups", "level2")):
        children = _kids(node, key)
        if not children:
            default = {"name": DEFAULT_GOAL, "level1": LEVEL1_NAMES[0]}.get(name_key)
            children.append({name_key: default or LEVEL2_NAMES.get(node.get("level1"), ALL_LEVEL2)[0]})
        node = children[-1]
    _kids(node, "indicators").append(new)
    return _path_of(table, new)


def remove_indicator(table: dict, path: IndicatorPath) -> None:
    """Drop the indicator at `path`, and the groups it leaves empty."""
    goal, l1, l2, _ = nodes_at(table, path)
    del l2["indicators"][path[3]]
    _prune(table, goal, l1, l2)


def can_shift(table: dict, path: IndicatorPath, step: int) -> bool:
    return 0 <= path[3] + step < len(nodes_at(table, path)[2]["indicators"])


def shift_indicator(table: dict, path: IndicatorPath, step: int) -> IndicatorPath:
    """Up (-1) or down (+1) within its 二级指标 (see `can_shift`)."""
    indicators, k = nodes_at(table, path)[2]["indicators"], path[3]
    indicators[k], indicators[k + step] = indicators[k + step], indicators[k]
    return path[:3] + (k + step,)


def to_decimal(value: Any) -> Decimal | None:
    """A typed number (full-width, a trailing 分 allowed); None when blank or not a number."""
    text = normalise(str(value)).removesuffix("分") if value is not None else ""
    if is_blank(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_POINTS = re.compile(r"\d+(\.\d+)?")  # a score, weight or 分值 as typed: digits, at most one point
_NEGATIVE = re.compile(r"-\d+(\.\d*)?|\(\d+(\.\d*)?\)")  # −4 or the accounting (4)


def points_refusal(text: str, what: str, limit: Decimal | None = None, limit_name: str = "权重") -> str | None:
    """Why a typed score, weight or 分值 is not taken (None when it is): the message shown at the entry.

    Points are printed with at most two decimals, are never negative, and a score is at most its
    `limit` (an indicator's 权重, the 预算执行 分值, 100 for 总分). `1e5` is not a way to type points.
    """
    cleaned = normalise(text).removesuffix("分")
    if is_blank(cleaned):
        return None
    if _NEGATIVE.fullmatch(cleaned):
        return f"{what}不能为负数：“{text}”"
    if not _POINTS.fullmatch(cleaned):
        return f"{what}“{text}”不是数字，请输入如 3.5 的分数"
    number = Decimal(cleaned)
    if len(cleaned.partition(".")[2]) > 2:
        return f"{what}最多两位小数（如 3.06），“{text}”不会被四舍五入"
    if limit is not None and number > limit:
        return f"{what} {plain(number)} 超过{limit_name} {plain(limit)}"
    return None


def plain(value: Decimal) -> str:
    """Points and weights as printed: 40, 2.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _below(node: dict, level: int) -> Decimal:
    """What the 分值 of a goal (0), 一级 (1) or 二级 (2) group should be: the sum of the level below."""
    if level == 2:
        return sum((to_decimal(i.get("weight")) or Decimal(0) for i in node.get("indicators") or []), Decimal(0))
    total = Decimal(0)
    for child in node.get("groups") or []:
        points = to_decimal(child.get("points"))
        total += points if points is not None else _below(child, level + 1)
    return total


def _groups(table: dict) -> Iterable[tuple[dict, int]]:
    """Every group, lower levels before the level above (so sums can be made bottom-up)."""
    for goal in table.get("goals") or []:
        for l1 in goal.get("groups") or []:
            for l2 in l1.get("groups") or []:
                yield l2, 2
            yield l1, 1
        yield goal, 0


class PointsKeeper:
    """Printed 分值 that added up before an edit are made to add up after it; new groups follow the table."""

    def __init__(self, table: dict):
        self.nodes = [node for node, _ in _groups(table)]  # kept alive: their ids stay unique
        self.known = {id(n) for n in self.nodes}
        self.adding_up = {
            id(node) for node, level in _groups(table) if to_decimal(node.get("points")) == _below(node, level)
        }
        self.printed = any(to_decimal(n.get("points")) is not None for n in self.nodes)

    def apply(self, table: dict) -> None:
        for node, level in _groups(table):
            if id(node) in self.adding_up or (self.printed and id(node) not in self.known):
                node["points"] = plain(_below(node, level))


def adopt_suggestions(table: dict, number: int) -> int:
    """Every computable score (indicators, 预算执行) as the rules give it, then 总分; how many changed."""
    changed = 0
    evaluation = SelfEvaluation.from_dict(table, number)
    for (_, *_, raw), indicator in zip(walk_indicators(table), evaluation.indicators, strict=True):
        score = suggested_score(indicator)
        if score is not None and to_decimal(raw.get("score")) != score:
            raw["score"] = f"{score:f}"
            changed += 1
    score = budget_score(evaluation.budget)
    budget = table.setdefault("budget", {})
    if score is not None and to_decimal(budget.get("score")) != score:
        budget["score"] = f"{score:f}"
        changed += 1
    total = computed_total(SelfEvaluation.from_dict(table, number))
    if total is not None and to_decimal(table.get("total")) != total:
        table["total"] = f"{total:f}"
        changed += 1
    return changed


def entry_text(table: dict, section: str | None, key: str) -> str:
    """What a header (section "header"), 预算执行 ("budget") or top-level entry holds, as text."""
    node = table.get(section) or {} if section else table
    value = node.get(key)
    return "" if value is None else str(value)


def clean_entry(section: str | None, key: str, text: str) -> str:
    """Amounts exact in 万元 without separators (AmountError if unreadable), 执行率 with its %; the core checks the rest."""
    if key in AMOUNT_FIELDS or (section == "budget" and key in ("A", "B")):
        fen = parse_amount(text, "万元")
        return "" if fen is None else amount_text(fen, "万元")
    if key == "rate" and text and to_decimal(text) is not None:
        return text + "%"
    return text


def entry_refusal(table: dict, section: str | None, key: str, text: str, what: str) -> str | None:
    """Why a typed 预算执行 分值 or 得分, or 总分, is not taken (see `points_refusal`); None for other entries."""
    if section == "budget" and key == "score":
        points = SelfEvaluation.from_dict(table, 1).budget.full_points
        return points_refusal(text, what, points, "分值")
    if (section == "budget" and key == "points") or (section is None and key == "total"):
        return points_refusal(text, what, FULL_MARKS, "满分")
    return None


def write_entry(table: dict, section: str | None, key: str, text: str) -> None:
    put_value(table.setdefault(section, {}) if section else table, key, text)


def table_label(table: dict, index: int) -> str:
    """How the window's tree names a table: 整体绩效自评, or 项目：<项目名称>."""
    evaluation = SelfEvaluation.from_dict(table, index + 1)
    return "整体绩效自评" if evaluation.kind == "整体" else f"项目：{evaluation.name}"


def typed_total(evaluation: SelfEvaluation) -> tuple[Decimal | None, Decimal, int]:
    """(预算执行得分 + Σ indicator 得分 as typed, the indicators' part, how many scores are not typed).

    What the printed 总分 should equal; the sum is None when no score at all is typed. A 满意度指标
    left blank is not counted as missing (the footnotes allow leaving it out).
    """
    budget = evaluation.budget.score
    scores = [i.score for i in evaluation.indicators if i.score is not None]
    missing = (budget is None) + sum(1 for i in evaluation.indicators if i.score is None and not i.is_satisfaction)
    indicators = sum(scores, Decimal(0))
    if budget is None and not scores:
        return None, indicators, missing
    return (budget or Decimal(0)) + indicators, indicators, missing
