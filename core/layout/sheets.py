"""The layout of the sheets besides 公开01–09: the 审核结果 sheet's name, and the 绩效自评表 titles and labels."""

from __future__ import annotations

from typing import Any

#: The first sheet of an exported workbook: its findings, never figures.
SUMMARY_SHEET = "审核结果"

SELFEVAL_KIND_TITLES = {"整体": "部门整体", "项目": "项目支出"}
SELFEVAL_TITLE_SUFFIX = "绩效自评表"
SELFEVAL_HEAD_FIELDS = {"表头单位名称": "单位名称：", "填报日期": "填报日期："}
SELFEVAL_BUDGET_LABEL = "预算执行情况（万元）"
SELFEVAL_BUDGET_TITLES = {
    "A": "预算数（A）",
    "B": "执行数（B）",
    "rate": "执行率（B/A）",
    "points": "分值",
    "score": "得分",
}
SELFEVAL_GOAL_LABEL = "年度目标"
SELFEVAL_GOAL_POINTS = "分值"
SELFEVAL_INDICATOR_TITLES = (
    "一级指标",
    "分值",
    "二级指标",
    "分值",
    "三级指标",
    "权重（分值）",
    "年初目标值（A）",
    "实际完成值（B）",
    "得分",
)
SELFEVAL_TOTAL_LABEL = "总分"
SELFEVAL_REASON_LABEL = "偏差大或目标未完成原因分析"
SELFEVAL_MEASURES_LABEL = "改进措施及结果应用方案"
SELFEVAL_WIDTH = 9


def selfeval_sheet_name(table: dict[str, Any], project_number: int) -> str:
    """The sheet name of a self-evaluation table: 整体绩效自评, or 项目自评01-<项目名称>."""
    kind = str(table.get("kind", ""))
    if kind == "整体":
        return "整体绩效自评"
    header = table.get("header") if isinstance(table.get("header"), dict) else {}
    name = str(header.get("项目名称", "")).strip()
    return f"项目自评{project_number:02d}" + (f"-{name}" if name else "")


def selfeval_table_id(table: dict[str, Any], index: int) -> str:
    """The table part of the self-evaluation cell addresses in findings (see core.selfeval):
    整体绩效自评, or 项目绩效自评:<项目名称> (（第n张） when the name is blank; n counts all tables)."""
    if table.get("kind") == "整体":
        return "整体绩效自评"
    header = table.get("header") if isinstance(table.get("header"), dict) else {}
    name = str(header.get("项目名称", "")).strip() or f"（第{index}张）"
    return f"项目绩效自评:{name}"
