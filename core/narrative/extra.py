"""What the tables do not hold but a 情况说明 states: the form's answers, stored with the report.

`extra` is a plain dict (it goes into the report file as is); amounts are decimal strings in the report's
unit, counts integers. Every key is optional; a missing one is a visibly marked blank in the draft and an
unverifiable statement in the check.

    {"年初预算": {"合计": "60960.94", "2050201": "9176.27"},   # 一般公共预算财政拨款 年初预算, by 公开05 code
     "原因": {"一": "…", "五(三):2050201": "…"},              # reasons for changes, by section (and code)
     "机关运行经费": "3251.95", "机关运行经费年初预算": "3325.41",
     "政府采购": {"总额": "…", "货物": "…", "工程": "…", "服务": "…", "中小企业": "…", "小微企业": "…"},
     "国有资产": {"车辆": 34, "车辆明细": {"机要通信用车": 5}, "大型设备": 17},
     "三公": {"公务用车保有量": 34, "购置车辆数": 1, "接待批次": 24, "接待人次": 250},
     "绩效": {"项目个数": 62, "项目资金": "37340.27"}}
"""

from __future__ import annotations

from typing import Any

from core.money import AmountError, parse_amount


def extra_amount(extra: dict | None, *path: str, unit: str = "万元") -> int | None:
    """An amount of `extra` in 分, or None when it is missing or not an amount."""
    value: Any = extra or {}
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if value is None or isinstance(value, dict):
        return None
    try:
        return parse_amount(str(value), unit)
    except AmountError:
        return None


def extra_count(extra: dict | None, *path: str) -> int | None:
    value: Any = extra or {}
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def extra_text(extra: dict | None, *path: str) -> str | None:
    value: Any = extra or {}
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value.strip() if isinstance(value, str) and value.strip() else None
