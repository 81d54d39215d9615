"""Reading a 绩效自评表 sheet: header fields, 预算执行情况, goals and their indicators, 总分, 原因, 措施."""

from __future__ import annotations

import re
from typing import Any

from core.layout.sheets import SELFEVAL_BUDGET_TITLES, SELFEVAL_HEAD_FIELDS, SELFEVAL_KIND_TITLES, SELFEVAL_TITLE_SUFFIX
from core.xlsx_import.sheet import UNCALCULATED, SheetCells
from core.xlsx_import.text import cell_text, nfkc, norm

_BUDGET_KEYS = {norm(title): key for key, title in SELFEVAL_BUDGET_TITLES.items()}
_KIND_BY_TITLE = {title: kind for kind, title in SELFEVAL_KIND_TITLES.items()}


class SelfEvalReader:
    """Reading one 绩效自评表 sheet into the self-evaluation table it prints."""

    def __init__(self, sheet: SheetCells):
        self.sheet = sheet
        self.problems: list[str] = []

    def value(self, row: int, col: int) -> tuple[bool, str | None]:
        """(present, text): blank cells are absent, an empty text cell is present and ''."""
        if (row, col) in self.sheet.covered:
            return False, None
        v = self.sheet.get(row, col)
        if v is None:
            return ((row, col) in self.sheet.empty_text), ("" if (row, col) in self.sheet.empty_text else None)
        if v is UNCALCULATED:
            self.problems.append(
                f"{self.sheet.where(row, col)}：公式没有保存计算结果（请在 Excel 中打开、保存后再导入）"
            )
            return False, None
        return True, cell_text(v)

    def _group(self, row: int, columns: dict[str, int], level: str, children: str) -> dict[str, Any]:
        """A new 一级 or 二级 group begun on `row`: its name, its points where printed, no children yet."""
        group: dict[str, Any] = {level: ""}
        if level in columns:
            has, text = self.value(row, columns[level])
            group[level] = text if has else ""
        if f"{level}_points" in columns:
            has, text = self.value(row, columns[f"{level}_points"])
            if has:
                group["points"] = text
        group[children] = []
        return group

    def starts(self, row: int, col: int) -> bool:
        """Whether a (merged) group cell begins at this row."""
        if (row, col) in self.sheet.covered:
            return False
        return (
            (row, col) in self.sheet.merge_end or (row, col) in self.sheet.values or (row, col) in self.sheet.empty_text
        )

    def read(self) -> dict[str, Any]:
        sheet = self.sheet
        table: dict[str, Any] = {}
        header: dict[str, str] = {}
        goals: list[dict[str, Any]] = []
        budget: dict[str, str] | None = None
        columns: dict[str, int] = {}
        goal: dict[str, Any] | None = None
        empty_cols: dict[int, list[int]] = {}
        for r, c in sheet.empty_text:
            empty_cols.setdefault(r, []).append(c)
        rows = sorted(set(sheet.rows) | set(empty_cols))
        skip: set[int] = set()
        title_done = False
        section = "header"
        for row in rows:
            if row in skip:
                continue
            first_col = min(sheet.row_cols.get(row, [10**6]) + empty_cols.get(row, []))
            label = norm(sheet.get(row, first_col)) if first_col < 10**6 else ""
            if not title_done and SELFEVAL_TITLE_SUFFIX in label:
                title_done = True
                kind = self._kind(str(sheet.get(row, first_col)))
                if kind:
                    table["kind"] = kind
                continue
            head_found = False
            for _col, value in sheet.texts(row):
                text = str(value).strip() if isinstance(value, str) else ""
                for key, prefix in SELFEVAL_HEAD_FIELDS.items():
                    if norm(text).startswith(norm(prefix)):
                        rest = nfkc(text)
                        cut = rest.find(":")
                        header[key] = text[cut + 1 :].strip() if cut >= 0 else ""
                        head_found = True
            if head_found:
                continue
            if label.startswith("预算执行情况"):
                budget = {}
                start = sheet.after(row, first_col)
                for col in range(start, sheet.max_col + 1):
                    present, title = self.value(row, col)
                    if not present or not title:
                        continue
                    key = _BUDGET_KEYS.get(norm(title), title.strip())
                    has, value = self.value(row + 1, col)
                    if has:
                        budget[key] = value
                skip.add(row + 1)
                section = "budget"
                continue
            if label.startswith("年度目标"):
                goal = {"name": ""}
                after = sheet.after(row, first_col)
                has, name = self.value(row, after)
                goal["name"] = name if has else ""
                for col, value in sheet.texts(row):
                    if col > after and norm(value) == "分值":
                        has, points = self.value(row, sheet.after(row, col))
                        if has:
                            goal["points"] = points
                goal["groups"] = []
                goals.append(goal)
                section = "goal"
                continue
            if label == "一级指标" and goal is not None:
                columns = self._indicator_columns(row)
                section = "indicators"
                continue
            if label == "总分" or label.startswith("偏差") or label.startswith("改进措施"):
                key = "total" if label == "总分" else "reason" if label.startswith("偏差") else "measures"
                has, value = self.value(row, sheet.after(row, first_col))
                if has:
                    table[key] = value
                section = "end"
                continue
            if section == "indicators" and goal is not None:
                self._indicator(row, goal, columns)
                continue
            if section in ("header", "end") and first_col < 10**6 and label:
                key = str(sheet.get(row, first_col)).strip()
                has, value = self.value(row, sheet.after(row, first_col))
                if section == "header":
                    if has:
                        header[key] = value
                elif not label.startswith(("注", "备注")) and has:
                    table[key] = value
        if header:
            table["header"] = header
        if budget is not None:
            table["budget"] = budget
        if goals:
            table["goals"] = goals
        order = ["kind", "header", "budget", "goals", "total", "reason", "measures"]
        return {k: table[k] for k in order if k in table} | {k: v for k, v in table.items() if k not in order}

    def _kind(self, title: str) -> str:
        n = norm(title)
        match = re.search(r"(?:\d{4}年度?)?(.*?)" + SELFEVAL_TITLE_SUFFIX, n)
        part = match.group(1) if match else ""
        if part in _KIND_BY_TITLE:
            return _KIND_BY_TITLE[part]
        if "整体" in part:
            return "整体"
        if "项目" in part:
            return "项目"
        return part

    def _indicator_columns(self, row: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        last = None
        for col, value in self.sheet.texts(row):
            n = norm(value)
            if n == "一级指标":
                columns["level1"], last = col, "level1"
            elif n == "二级指标":
                columns["level2"], last = col, "level2"
            elif n == "三级指标" or n == "指标名称":
                columns["name"], last = col, "name"
            elif n.startswith("分值") and last in ("level1", "level2"):
                columns[last + "_points"] = col
            elif n.startswith("权重"):
                columns["weight"] = col
            elif "目标" in n:
                columns["target"] = col
            elif "实际" in n or "完成值" in n:
                columns["actual"] = col
            elif n.startswith("得分"):
                columns["score"] = col
        return columns

    def _indicator(self, row: int, goal: dict[str, Any], columns: dict[str, int]) -> None:
        if not columns:
            return
        groups = goal["groups"]
        c1 = columns.get("level1")
        c2 = columns.get("level2")
        new1 = not groups or (c1 is not None and self.starts(row, c1))
        if new1:
            groups.append(self._group(row, columns, "level1", "groups"))
        group1 = groups[-1]
        if new1 or not group1["groups"] or (c2 is not None and self.starts(row, c2)):
            group1["groups"].append(self._group(row, columns, "level2", "indicators"))
        group2 = group1["groups"][-1]
        indicator: dict[str, Any] = {}
        any_value = False
        has, name = self.value(row, columns["name"]) if "name" in columns else (False, None)
        indicator["name"] = name if has else ""
        any_value |= has
        for key in ("weight", "target", "actual", "score"):
            if key in columns:
                has, text = self.value(row, columns[key])
                if has:
                    indicator[key] = text
                    any_value = True
        if any_value:
            group2["indicators"].append(indicator)
