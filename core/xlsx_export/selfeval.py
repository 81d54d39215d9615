"""The 绩效自评表 sheets, laid out as printed, with where each checked figure went."""

from __future__ import annotations

import json
import math
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.layout.sheets import (
    SELFEVAL_BUDGET_LABEL,
    SELFEVAL_BUDGET_TITLES,
    SELFEVAL_GOAL_LABEL,
    SELFEVAL_GOAL_POINTS,
    SELFEVAL_HEAD_FIELDS,
    SELFEVAL_INDICATOR_TITLES,
    SELFEVAL_KIND_TITLES,
    SELFEVAL_MEASURES_LABEL,
    SELFEVAL_REASON_LABEL,
    SELFEVAL_TITLE_SUFFIX,
    SELFEVAL_TOTAL_LABEL,
    SELFEVAL_WIDTH,
)
from core.xlsx_export.styles import (
    BOLD,
    BORDER,
    CENTER,
    FONT,
    LEFT,
    RIGHT,
    TITLE_FONT,
    display_width,
    merge,
    merged,
    page_setup,
    set_width,
    style,
)
from core.xlsx_export.text import excel_text


def _segments(names: list[str]) -> list[str]:
    """Address segments of sibling indicator groups: the name, or #k when blank, repeated or unusable."""
    return [
        name.strip() if name.strip() and names.count(name) == 1 and "." not in name and ":" not in name else f"#{k}"
        for k, name in enumerate(names, start=1)
    ]


_BUDGET_ADDRESS = {"A": "预算数", "B": "执行数", "rate": "执行率", "score": "得分", "points": "分值"}
_INDICATOR_ADDRESS = {"name": "名称", "weight": "权重", "target": "目标值", "actual": "实际完成值", "score": "得分"}


def write_selfeval_sheet(ws: Worksheet, table: dict[str, Any], year: int, table_id: str) -> dict[str, str]:
    """A 绩效自评表 as printed: header fields, 预算执行情况, goals → indicators, 总分, 原因, 措施.

    Returns the finding address (整体绩效自评:指标3:得分 …) → cell coordinate of what it shows."""
    width = SELFEVAL_WIDTH
    where: dict[str, str] = {}

    def at(row_key: str, col_key: str, row: int, col: int) -> None:
        where[f"{table_id}:{row_key}:{col_key}"] = f"{get_column_letter(col)}{row}"

    kind = str(table.get("kind", ""))
    title = f"{year}年度{SELFEVAL_KIND_TITLES.get(kind, kind)}{SELFEVAL_TITLE_SUFFIX}"
    merged(ws, 1, 1, 1, width, title, TITLE_FONT, CENTER)
    ws.row_dimensions[1].height = 30
    header = table.get("header") if isinstance(table.get("header"), dict) else {}
    row = 2
    head_cells = [(key, prefix) for key, prefix in SELFEVAL_HEAD_FIELDS.items() if key in header]
    if head_cells:
        spans = [(1, 5), (6, width)]
        for (key, prefix), (start, end) in zip(head_cells, spans, strict=False):
            merged(ws, row, start, row, end, prefix + as_text(header[key]), FONT, LEFT if start == 1 else RIGHT)
            at("表头", key, row, start)
        row += 1
    for key, value in header.items():
        if key in SELFEVAL_HEAD_FIELDS:
            continue
        box(ws, row, 1, row, 2, key, BOLD, CENTER)
        box(ws, row, 3, row, width, value, FONT, LEFT)
        at("表头", key, row, 3)
        row += 1
    budget = table.get("budget")
    if isinstance(budget, dict):
        keys = [k for k in SELFEVAL_BUDGET_TITLES if k in budget] + [
            k for k in budget if k not in SELFEVAL_BUDGET_TITLES
        ]
        keys = keys or list(SELFEVAL_BUDGET_TITLES)
        # Five slots over columns C–I (C:D, E, F:G, H, I); more items take one column each.
        slots = [(3, 4), (5, 5), (6, 7), (8, 8), (9, 9)] if len(keys) <= 5 else [(c, c) for c in range(3, width + 1)]
        box(ws, row, 1, row + 1, 2, SELFEVAL_BUDGET_LABEL, BOLD, CENTER)
        for i, (first_col, last_col) in enumerate(slots):
            key = keys[i] if i < len(keys) else None
            title = SELFEVAL_BUDGET_TITLES.get(key, key) if key is not None else None
            box(ws, row, first_col, row, last_col, title, BOLD, CENTER)
            box(ws, row + 1, first_col, row + 1, last_col, budget.get(key) if key else None, FONT, CENTER)
            if key is not None:
                at("预算执行", _BUDGET_ADDRESS.get(key, key), row + 1, first_col)
        ws.row_dimensions[row].height = 28
        row += 2
    indicator_number = 0
    for number, goal in enumerate(table.get("goals") or [], start=1):
        box(ws, row, 1, row, 1, f"{SELFEVAL_GOAL_LABEL}{number}", BOLD, CENTER)
        box(ws, row, 2, row, width - 2, goal.get("name", ""), FONT, LEFT)
        box(ws, row, width - 1, row, width - 1, SELFEVAL_GOAL_POINTS, BOLD, CENTER)
        box(ws, row, width, row, width, goal.get("points"), FONT, CENTER)
        at(f"目标{number}", "分值", row, width)
        ws.row_dimensions[row].height = 15 * max(1, -(-display_width(as_text(goal.get("name"))) // 110))
        row += 1
        for c, text in enumerate(SELFEVAL_INDICATOR_TITLES, start=1):
            box(ws, row, c, row, c, text, BOLD, CENTER)
        ws.row_dimensions[row].height = 28
        row += 1
        groups1 = goal.get("groups") or []
        for group1, segment1 in zip(groups1, _segments([as_text(g.get("level1")) for g in groups1]), strict=True):
            start1 = row
            groups2 = group1.get("groups") or []
            for group2, segment2 in zip(groups2, _segments([as_text(g.get("level2")) for g in groups2]), strict=True):
                start2 = row
                for indicator in group2.get("indicators") or []:
                    indicator_number += 1
                    box(ws, row, 5, row, 5, indicator.get("name", ""), FONT, LEFT)
                    for c, key in ((6, "weight"), (7, "target"), (8, "actual"), (9, "score")):
                        box(ws, row, c, row, c, indicator.get(key), FONT, CENTER)
                    for c, key in ((5, "name"), (6, "weight"), (7, "target"), (8, "actual"), (9, "score")):
                        at(f"指标{indicator_number}", _INDICATOR_ADDRESS[key], row, c)
                    longest = max(
                        display_width(as_text(indicator.get("name"))) / 33,
                        display_width(as_text(indicator.get("target"))) / 15,
                        display_width(as_text(indicator.get("actual"))) / 15,
                    )
                    ws.row_dimensions[row].height = 14 * max(1, math.ceil(longest))
                    row += 1
                if row == start2:  # a group without indicators still takes a row
                    for c in range(5, width + 1):
                        box(ws, row, c, row, c, None, FONT, CENTER)
                    row += 1
                box(ws, start2, 3, row - 1, 3, group2.get("level2", ""), FONT, CENTER)
                box(ws, start2, 4, row - 1, 4, group2.get("points"), FONT, CENTER)
                at(f"目标{number}.{segment1}.{segment2}", "分值", start2, 4)
            if row == start1:
                for c in range(3, width + 1):
                    box(ws, row, c, row, c, None, FONT, CENTER)
                row += 1
            box(ws, start1, 1, row - 1, 1, group1.get("level1", ""), FONT, CENTER)
            box(ws, start1, 2, row - 1, 2, group1.get("points"), FONT, CENTER)
            at(f"目标{number}.{segment1}", "分值", start1, 2)
    box(ws, row, 1, row, width - 1, SELFEVAL_TOTAL_LABEL, BOLD, CENTER)
    box(ws, row, width, row, width, table.get("total"), BOLD, CENTER)
    at("总分", "得分", row, width)
    row += 1
    for label, key in ((SELFEVAL_REASON_LABEL, "reason"), (SELFEVAL_MEASURES_LABEL, "measures")):
        box(ws, row, 1, row, 2, label, BOLD, CENTER)
        box(ws, row, 3, row, width, table.get(key), FONT, LEFT)
        if key == "reason":
            at("原因分析", "内容", row, 3)
        text = as_text(table.get(key))
        ws.row_dimensions[row].height = min(409, 15 * max(2, text.count("\n") + 1 + display_width(text) // 110))
        row += 1
    for key, value in table.items():  # anything else the table carries, as label | text
        if key in ("kind", "header", "budget", "goals", "total", "reason", "measures"):
            continue
        box(ws, row, 1, row, 2, key, BOLD, CENTER)
        box(ws, row, 3, row, width, value if isinstance(value, str) else _json(value), FONT, LEFT)
        row += 1
    for c, w in enumerate([11, 6, 13, 6, 32, 10, 16, 16, 8], start=1):
        set_width(ws, c, w)
    page_setup(ws, None, None, portrait=True)
    return where


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def box(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, value: Any, font: Font, alignment: Alignment) -> None:
    """Bordered (merged) cell holding text exactly: None stays blank, '' is written as an empty text."""
    cell = ws.cell(r1, c1)
    if value is not None:
        cell.value = excel_text(str(value))
        cell.data_type = "s"
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            inner = ws.cell(r, c)
            style(inner, font, BORDER, alignment)
    if r2 > r1 or c2 > c1:
        merge(ws, r1, c1, r2, c2)
