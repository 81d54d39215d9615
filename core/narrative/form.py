"""The 情况说明's supplementary information (what the tables lack) as form fields: keys, kinds, checks.

A field is a path into the `extra` dict the draft reads (`core.narrative.extra`), written flat as
`政府采购/总额` or `年初预算/2050201`. The form stores each answer as text: an amount in the report's unit
(through core.money's rules), a count, or a sentence; `nested` turns the flat answers into the dict the
draft and the report file's `"narrative"` hold, `flat` the other way, each answer checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.money import AmountError, amount_text, parse_amount, parse_typed_amount

AMOUNT, COUNT, TEXT = "amount", "count", "text"
MAX_TEXT = 2000  # characters of one reason or use: a paragraph, not a document
MAX_COUNT = 10_000_000
SEPARATOR = "/"


class ExtraError(ValueError):
    """An answer the form refuses; the message is in Chinese and names the field."""


@dataclass(frozen=True)
class Field:
    key: str  # flat path, e.g. 政府采购/总额
    kind: str  # AMOUNT, COUNT or TEXT
    label: str  # the words beside the box
    section: str  # the group the form shows it in


def _fields(section: str, kind: str, items: Iterable[tuple[str, str]]) -> list[Field]:
    return [Field(key, kind, label, section) for key, label in items]


#: Every fixed field the draft reads, grouped as the form shows them (年初预算 and 用途 by code come from the report).
FIELDS: tuple[Field, ...] = tuple(
    _fields("一般公共预算财政拨款年初预算", AMOUNT, [("年初预算/合计", "年初预算合计")])
    + _fields(
        "机关运行经费",
        AMOUNT,
        [
            ("机关运行经费", "机关运行经费支出（与公用经费合计不同时填写）"),
            ("机关运行经费年初预算", "机关运行经费年初预算"),
        ],
    )
    + _fields(
        "政府采购",
        AMOUNT,
        [
            ("政府采购/总额", "政府采购支出总额"),
            ("政府采购/货物", "其中：货物"),
            ("政府采购/工程", "其中：工程"),
            ("政府采购/服务", "其中：服务"),
            ("政府采购/中小企业", "授予中小企业合同金额"),
        ],
    )
    + _fields(
        "国有资产", COUNT, [("国有资产/车辆", "车辆（辆）"), ("国有资产/大型设备", "单价100万元以上设备（台、套）")]
    )
    + _fields(
        "“三公”经费",
        COUNT,
        [
            ("三公/公务用车保有量", "公务用车保有量（辆）"),
            ("三公/接待批次", "国内公务接待批次"),
            ("三公/接待人次", "国内公务接待人次"),
        ],
    )
    + _fields("预算绩效", COUNT, [("绩效/项目个数", "绩效自评项目个数")])
    + _fields("预算绩效", AMOUNT, [("绩效/项目资金", "绩效自评项目资金")])
    + _fields(  # labelled by topic, not by the section numbers of one region's document (keys keep Wuhan's)
        "主要原因",
        TEXT,
        [
            ("原因/一", "收入支出总计比上年增减的原因"),
            ("原因/二", "收入合计比上年增减的原因"),
            ("原因/三", "支出合计比上年增减的原因"),
            ("原因/四", "财政拨款收支总计比上年增减的原因"),
            ("原因/五(一)", "一般公共预算财政拨款支出比上年增减的原因"),
            ("原因/七", "政府性基金预算财政拨款收支的原因"),
            ("原因/九(一)", "“三公”经费决算数与预算数不同的原因"),
            ("原因/十", "机关运行经费比年初预算增减的原因"),
        ],
    )
)
_BY_KEY = {f.key: f for f in FIELDS}
#: Fields by code: 年初预算 and its reason per 项 (or any level) of 公开05, 主要用途 per 类.
_BY_CODE = (
    (re.compile(r"^年初预算/(\d{3}|\d{5}|\d{7})$"), AMOUNT, "年初预算"),
    (re.compile(r"^原因/五\(三\):(\d{3}|\d{5}|\d{7})$"), TEXT, "决算数与年初预算不同的原因"),
    (re.compile(r"^用途/(\d{3})$"), TEXT, "主要用途"),
)


def budget_key(code: str) -> str:
    return f"年初预算/{code}"


def budget_reason_key(code: str) -> str:
    return f"原因/五(三):{code}"


def use_key(code: str) -> str:
    return f"用途/{code}"


def field(key: str) -> Field:
    """The field of a flat key; ExtraError when the form has no such field."""
    if key in _BY_KEY:
        return _BY_KEY[key]
    for pattern, kind, label in _BY_CODE:
        match = pattern.match(key)
        if match:
            return Field(key, kind, f"{match.group(1)} {label}", "按科目")
    raise ExtraError(f"情况说明补充信息中没有“{_short(key)}”这一项")


def check_value(key: str, value: Any, unit: str = "万元", typed: bool = False) -> str | None:
    """The answer as stored (None: blank): an amount as exact text in `unit`, a count, or trimmed text.

    `typed`: an amount typed into the form, read as a table cell's (two decimals at most, （100） refused
    as negative); otherwise as a report file's (every decimal it was written with).
    """
    spec = field(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if spec.kind == TEXT:
        if not isinstance(value, str):
            raise ExtraError(f"“{spec.label}”应为文字")
        text = value.strip()
        if len(text) > MAX_TEXT:
            raise ExtraError(f"“{spec.label}”有 {len(text)} 个字，最多 {MAX_TEXT} 个字")
        return text
    if spec.kind == COUNT:
        text = str(value).strip() if not isinstance(value, bool) else "x"
        if not text.isdecimal() or not text.isascii() or int(text) > MAX_COUNT:
            raise ExtraError(f"“{spec.label}”应为不大于 {MAX_COUNT} 的整数（个数），“{_short(str(value))}”不是")
        return str(int(text))
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ExtraError(f"“{spec.label}”应为金额（{unit}）")
    try:
        fen = parse_typed_amount(str(value), unit) if typed else parse_amount(value, unit)
    except AmountError as exc:
        raise ExtraError(f"“{spec.label}”：{exc}") from None
    if fen is None:
        return None
    if fen < 0:
        raise ExtraError(f"“{spec.label}”不能为负数")
    return amount_text(fen, unit)


def nested(answers: Mapping[str, str]) -> dict[str, Any]:
    """Flat answers as the draft's `extra` dict (counts as integers)."""
    result: dict[str, Any] = {}
    for key in sorted(answers):
        value: Any = answers[key]
        if field(key).kind == COUNT:
            value = int(value)
        head, _, rest = key.partition(SEPARATOR)
        if rest:
            result.setdefault(head, {})[rest] = value
        else:
            result[head] = value
    return result


def flat(extra: Any, unit: str = "万元", source: str = "情况说明补充信息") -> dict[str, str]:
    """The report file's `"narrative"` dict as checked flat answers (blank ones left out); ExtraError says why not."""
    if extra is None:
        return {}
    if not isinstance(extra, dict):
        raise ExtraError(f"{source}应为一个映射（键：值）")
    answers: dict[str, str] = {}
    for head, value in extra.items():
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for name, item in items:
            key = f"{head}{SEPARATOR}{name}" if name is not None else str(head)
            checked = check_value(key, item, unit)
            if checked is not None:
                answers[key] = checked
    return answers


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
