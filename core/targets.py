"""Indicator targets and actuals of the self-evaluation tables: read them, compare them, write them back.

A target (年初目标值) or an actual (实际完成值) is read into a `Target`:

- ``quantitative``: an operator, a number (or a range of two), a unit, and any leading words
  kept as printed: ``≥22万人``, ``80分以上``, ``不少于 2000 家``, ``失业率控制在 5%以内``,
  ``90%-95%``, ``400-4,000元/人``, ``100 人左右``, ``3000 余家``, ``扶持创业 1800 人``;
- ``qualitative``: words without a number: ``有效提升``, ``成效显著``, ``明显``, ``达标``, ``是``;
- ``unreadable``: anything else that carries a number (``2022 年底前完成``, ``2023年 12月``,
  ``代缴 946 人，完成率 100%``, ``》90%``): kept as text, never guessed.

Operators: ``≥`` (≥ ＞= 不少于 不低于 不小于 以上 …), ``>`` (＞ 大于 高于 超过 多于, ``3000余家``),
``≤`` (≤ 不超过 不高于 不大于 不多于 以内 以下 …), ``<`` (＜ 小于 低于 少于), ``=`` (＝ 等于),
``≈`` (左右), ``range`` (a-b, a—b, a～b, a至b) and ``""`` (a bare figure such as ``350件``).
The seeds score a bare figure as a positive indicator (``45人`` → ``41人`` scores 2 × 41/45 = 1.82).

`format_target` writes a target back in a canonical form (``≥22万人``) so that
``parse_target(format_target(t)) == t``; the original text is kept in `Target.text`, which takes
no part in comparisons.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

KINDS = ("quantitative", "qualitative", "unreadable")
OPERATORS = ("", "≥", ">", "≤", "<", "=", "≈", "range")

#: Direction of each operator: how the footnotes score it (positive: weight × B/A, negative: weight × A/B).
DIRECTIONS = {
    "": "positive",
    "≥": "positive",
    ">": "positive",
    "≤": "negative",
    "<": "negative",
    "=": "exact",
    "≈": "exact",
    "range": "range",
}

#: Texts that mean "nothing entered".
BLANK_MARKS = {"", "-", "—", "——", "－", "–", "/", "／", "无数据"}

_PREFIX_OPERATORS = {
    "≥": "≥",
    "≧": "≥",
    "⩾": "≥",
    ">=": "≥",
    "不少于": "≥",
    "不低于": "≥",
    "不小于": "≥",
    "大于等于": "≥",
    "大于或等于": "≥",
    ">": ">",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "多于": ">",
    "≤": "≤",
    "≦": "≤",
    "⩽": "≤",
    "<=": "≤",
    "不超过": "≤",
    "不高于": "≤",
    "不大于": "≤",
    "不多于": "≤",
    "小于等于": "≤",
    "小于或等于": "≤",
    "<": "<",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "=": "=",
    "等于": "=",
}
_SUFFIX_OPERATORS = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤", "左右": "≈"}
_CANONICAL_SUFFIX = {"≈": "左右"}

#: Units a figure can carry, longest first where one is the start of another.
BASE_UNITS = (
    "个工作日",
    "工作日",
    "个百分点",
    "平方米",
    "个月",
    "人次",
    "户次",
    "家次",
    "场次",
    "课时",
    "学时",
    "小时",
    "分钟",
    "季度",
    "学期",
    "公里",
    "千米",
    "公顷",
    "人",
    "户",
    "家",
    "个",
    "场",
    "次",
    "件",
    "套",
    "份",
    "笔",
    "篇",
    "项",
    "本",
    "条",
    "名",
    "所",
    "座",
    "台",
    "张",
    "元",
    "天",
    "日",
    "秒",
    "年",
    "月",
    "周",
    "分",
    "期",
    "批",
    "类",
    "间",
    "米",
    "吨",
    "岁",
    "倍",
    "处",
    "支",
    "册",
    "部",
    "辆",
    "班",
    "节",
    "门",
    "单",
    "宗",
    "起",
    "例",
    "亩",
    "%",
    "‰",
)
#: Scale prefixes: 万人 is 10 000 人.
SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}

_UNIT = (
    r"(?:[万亿]?(?:" + "|".join(re.escape(u) for u in BASE_UNITS) + r")"
    r"(?:/(?:" + "|".join(re.escape(u) for u in BASE_UNITS if u not in ("%", "‰")) + r"))?|[万亿])"
)
_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_PREFIX = "|".join(re.escape(w) for w in sorted(_PREFIX_OPERATORS, key=len, reverse=True))
_SUFFIX = "|".join(re.escape(w) for w in sorted(_SUFFIX_OPERATORS, key=len, reverse=True))
#: Leading words of a figure (扶持创业 1800 人): Chinese or Latin letters and 、, never a symbol such as 》.
_LABEL = r"[\u3400-\u9fffA-Za-z、]*?"
_SINGLE = re.compile(
    rf"^(?P<label>{_LABEL})(?P<op>{_PREFIX})?(?P<num>{_NUMBER})(?P<more>余|多)?(?P<unit>{_UNIT})?(?P<suffix>{_SUFFIX})?$"
)
_RANGE = re.compile(
    rf"^(?P<label>{_LABEL})(?P<low>{_NUMBER})(?P<unit1>{_UNIT})?(?:-|—|–|~|至|到)+(?P<high>{_NUMBER})(?P<unit2>{_UNIT})?$"
)
#: Dates and counts in Chinese numerals (八月份, 十二月) are figures this reader does not read.
_CHINESE_FIGURE = re.compile(r"[〇零一二三四五六七八九十]{1,4}年|[一二三四五六七八九十]{1,3}(?:月|日|号)")


@dataclass(frozen=True)
class Target:
    """A target or an actual as read: what kind, which operator, which figures, which unit."""

    kind: str
    operator: str = ""
    value: Decimal | None = None
    upper: Decimal | None = None  # the end of a range
    unit: str = ""
    label: str = ""  # leading words of a figure, as printed: 全年完成 in 全年完成≥12000个
    words: str = ""  # the normalised text of a qualitative or unreadable entry
    text: str = field(default="", compare=False)  # the original text

    @property
    def direction(self) -> str | None:
        """positive (≥, >, bare figure), negative (≤, <), exact (=, 左右), range; None if not a figure."""
        return DIRECTIONS[self.operator] if self.kind == "quantitative" else None

    @property
    def is_quantitative(self) -> bool:
        return self.kind == "quantitative"


def normalise(text: str) -> str:
    """Full-width characters to ASCII, no whitespace at all: the form every comparison uses."""
    text = str(text)
    for _ in range(4):  # removing a space can let NFKC compose again (A + ´ → Á); settle
        tidied = "".join(unicodedata.normalize("NFKC", text).split())
        if tidied == text:
            break
        text = tidied
    return text


def is_blank(text: str | None) -> bool:
    return text is None or normalise(text) in BLANK_MARKS


def parse_target(text: str | None) -> Target | None:
    """Read a target or actual as printed; None for a blank cell."""
    if text is None:
        return None
    original = str(text)
    cleaned = normalise(original)
    if cleaned in BLANK_MARKS:
        return None
    figure = _read_figure(cleaned, original)
    if figure is not None:
        return figure
    has_figure = any(c.isdigit() for c in cleaned) or _CHINESE_FIGURE.search(cleaned)
    kind = "unreadable" if has_figure else "qualitative"
    return Target(kind, words=cleaned, text=original)


def _read_figure(cleaned: str, original: str) -> Target | None:
    body = cleaned.rstrip("。;；,，")
    match = _SINGLE.match(body)
    if match:
        prefix = _PREFIX_OPERATORS.get(match["op"] or "", "")
        suffix = _SUFFIX_OPERATORS.get(match["suffix"] or "", "")
        more = ">" if match["more"] else ""
        operators = [o for o in (prefix, more, suffix) if o]
        if len(operators) > 1:
            return None  # ≥5人以上 and the like: two operators, do not choose
        return Target(
            "quantitative",
            operators[0] if operators else "",
            _decimal(match["num"]),
            unit=match["unit"] or "",
            label=match["label"],
            text=original,
        )
    match = _RANGE.match(body)
    if match:
        low, high = _decimal(match["low"]), _decimal(match["high"])
        unit1, unit2 = match["unit1"] or "", match["unit2"] or ""
        if (unit1 and unit2 and unit1 != unit2) or low > high:
            return None
        return Target("quantitative", "range", low, high, unit2 or unit1, match["label"], text=original)
    return None


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _number_text(value: Decimal) -> str:
    return f"{value:f}"


def format_target(target: Target | None) -> str:
    """Write a target in the canonical form that `parse_target` reads back to the same target."""
    if target is None:
        return ""
    if target.kind != "quantitative":
        return target.words
    value = _number_text(target.value)
    if target.operator == "range":
        return f"{target.label}{value}-{_number_text(target.upper)}{target.unit}"
    if target.operator in _CANONICAL_SUFFIX:
        return f"{target.label}{value}{target.unit}{_CANONICAL_SUFFIX[target.operator]}"
    return f"{target.label}{target.operator}{value}{target.unit}"


def display(target: Target | None) -> str:
    """The text to show in a message: as printed, whitespace tidied."""
    if target is None:
        return "（空）"
    return " ".join(target.text.split()) or format_target(target)


def base_unit(unit: str) -> tuple[str, Decimal]:
    """(unit without its scale, scale): 万人次 → (人次, 10000); 场/年 counts as 场 in a yearly table."""
    unit = unit.removesuffix("/年")
    if unit in SCALES:
        return "", SCALES[unit]
    if unit[:1] in SCALES and len(unit) > 1:
        return unit[1:], SCALES[unit[0]]
    return unit, Decimal(1)


def units_differ(target: Target | None, actual: Target | None) -> bool:
    """Both figures carry a unit and the units are not the same measure (万人 and 人 are the same)."""
    if not (target and actual and target.is_quantitative and actual.is_quantitative):
        return False
    if not target.unit or not actual.unit:
        return False
    return base_unit(target.unit)[0] != base_unit(actual.unit)[0]


def comparable(target: Target, actual: Target) -> tuple[Decimal, Decimal, Decimal | None] | None:
    """(target value, actual value, target upper) on one scale, or None if they measure different things.

    A figure printed without a unit (``98`` for a target of ``≥85分``, ``0`` for ``≤1‰``) is taken
    in the other figure's unit.
    """
    if not (target.is_quantitative and actual.is_quantitative):
        return None
    (t_unit, t_scale), (a_unit, a_scale) = base_unit(target.unit), base_unit(actual.unit)
    if target.unit and actual.unit and t_unit != a_unit:
        return None
    if not target.unit:
        t_scale = a_scale
    if not actual.unit:
        a_scale = t_scale
    upper = target.upper * t_scale if target.upper is not None else None
    return target.value * t_scale, actual.value * a_scale, upper


# What an actual says about its own outcome, read from its words (checked in this order).
NOT_ACHIEVED_WORDS = (
    "未完成",
    "未达标",
    "未达到",
    "未达成",
    "未实现",
    "未开展",
    "未举办",
    "没有完成",
    "无法完成",
    "不达标",
    "不合格",
)
PARTLY_WORDS = (
    "一定程度",
    "部分完成",
    "部分达成",
    "部分达到",
    "部分实现",
    "基本完成",
    "基本达到",
    "基本实现",
    "基本达标",
)
ACHIEVED_WORDS = (
    "已完成",
    "全部完成",
    "完成",
    "已达标",
    "达标",
    "已实现",
    "实现",
    "达到",
    "符合要求",
    "合格",
    "已落实",
)
EXACT_WORDS = {"是": "achieved", "否": "not", "未": "not"}

OUTCOMES = ("achieved", "partly", "not")


def stated_outcome(target: Target | None, actual: Target | None) -> str | None:
    """Outcome of a target whose figures cannot be compared, from the words: achieved, partly, not, or None.

    The same text on both sides is achieved (``有效提升`` → ``有效提升``, ``2022 年底前完成`` twice).
    Otherwise the actual's own words decide: ``未完成`` not, ``一定程度提升`` partly, ``已完成`` achieved;
    any other wording (``明显`` → ``正常开展``) is left undecided.
    """
    if target is None or actual is None:
        return None
    if normalise(target.text or format_target(target)) == normalise(actual.text or format_target(actual)):
        return "achieved"
    if format_target(target) == format_target(actual):
        return "achieved"
    if actual.kind == "quantitative":
        return None
    words = actual.words
    if words in EXACT_WORDS:
        return EXACT_WORDS[words]
    if any(w in words for w in NOT_ACHIEVED_WORDS):
        return "not"
    if any(w in words for w in PARTLY_WORDS):
        return "partly"
    if any(w in words for w in ACHIEVED_WORDS):
        return "achieved"
    return None
