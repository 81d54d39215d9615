"""Layouts other than Wuhan's for tests: Shanghai 2024, and Wuhan 2024 with a table more or one less."""

from __future__ import annotations

import re
from pathlib import Path

from core.templates import TemplateSet, load_template_set, parse_template_set

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI_2024 = ROOT / "resources" / "templates" / "上海市" / "2024.yaml"
WUHAN_2024 = ROOT / "resources" / "templates" / "武汉市" / "2024.yaml"
SHANGHAI_REPORTS = Path(__file__).resolve().parent / "fixtures" / "regions" / "shanghai-putuo-2024" / "reports"

#: A region's extra table, printed between 公开05 and 公开06: its own id, its own title, no 表号.
EXTRA_TABLE = """
  - id: 资产负债
    printed: ~
    title: 部门资产负债情况表
    kind: classification
    column_numbers: false
    catalogue: function
    levels: [3, 5, 7]
    total_row: 合计
    columns: {1: 资产, 2: 负债}
    header:
      - [科目编码, 科目名称, 资产, 负债]
    rules:
      - id: 资产负债.资产不小于负债
        severity: warning
        check: 2栏各行＝（1）栏各行

"""


def shanghai_templates() -> TemplateSet:
    """The Shanghai 2024 layout."""
    return load_template_set(2024, "上海市")


def wuhan_2024_text() -> str:
    return WUHAN_2024.read_text(encoding="utf-8")


def with_extra_table() -> TemplateSet:
    """Wuhan 2024 with a tenth table of its own id, printed after 公开05."""
    text = wuhan_2024_text()
    at = text.index("  - id: 公开06")
    return parse_template_set(text[:at] + EXTRA_TABLE.lstrip("\n") + text[at:], "十张表.yaml")


def without_table(table_id: str = "公开08") -> TemplateSet:
    """Wuhan 2024 without `table_id` and without the identities that name it."""
    text = wuhan_2024_text()
    start = text.index(f"\n  - id: {table_id}\n") + 1
    end = text.index("\n  - id: ", start) + 1
    text = text[:start] + text[end:]
    # Drop each cross rule naming the table (an `- id:` entry with its check and optional severity).
    entries = re.split(r"(?m)^(?=  - id: )", text)
    kept = [e for e in entries if not (e.startswith(("  - id: 表间", "  - id: 跨年")) and f"{table_id}:" in e)]
    return parse_template_set("".join(kept), f"缺{table_id}.yaml")


#: A made-up 2024 report in the Shanghai layout whose identities all hold (万元).
SHANGHAI_FIGURES = {
    "公开01:1:1": "100.00", "公开01:5:1": "50.00", "公开01:27:1": "150.00", "公开01:29:1": "10.00",
    "公开01:30:1": "160.00", "公开01:35:2": "140.00", "公开01:57:2": "140.00", "公开01:59:2": "20.00",
    "公开01:60:2": "160.00",
    **{f"公开02:{r}:{c}": v for r in ("合计", "205", "20502", "2050205") for c, v in ((1, "150.00"), (2, "100.00"), (4, "50.00"))},
    **{f"公开03:{r}:{c}": v for r in ("合计", "205", "20502", "2050205") for c, v in ((1, "140.00"), (2, "90.00"), (3, "50.00"))},
    "公开04:1:1": "100.00", "公开04:27:1": "100.00", "公开04:28:1": "10.00", "公开04:29:1": "10.00",
    "公开04:32:1": "110.00", "公开04:37:2": "100.00", "公开04:37:3": "100.00", "公开04:59:2": "100.00",
    "公开04:59:3": "100.00", "公开04:60:2": "10.00", "公开04:60:3": "10.00", "公开04:64:2": "110.00",
    "公开04:64:3": "110.00",
    **{f"公开05:{r}:{c}": v for r in ("合计", "205", "20502", "2050205") for c, v in ((1, "100.00"), (2, "60.00"), (3, "40.00"))},
    "公开06:301:1": "40.00", "公开06:30101:1": "40.00", "公开06:人员经费合计:1": "40.00",
    "公开06:302:1": "20.00", "公开06:30201:1": "20.00", "公开06:公用经费合计:1": "20.00",
    **{f"公开09:1:{c}": v for c, v in ((1, "5.00"), (2, "1.00"), (3, "3.00"), (4, "1.00"), (5, "2.00"), (6, "1.00"),
                                       (7, "4.00"), (8, "1.00"), (9, "2.00"), (10, "0.50"), (11, "1.50"), (12, "1.00"))},
}  # fmt: skip


def shanghai_report():
    """The made-up Shanghai report (see SHANGHAI_FIGURES)."""
    from core.money import parse_amount
    from core.report import Report

    cells = {a: parse_amount(v, "万元") for a, v in SHANGHAI_FIGURES.items()}
    return Report("上海市普陀区测试局", 2024, cells=cells, unit_kind="部门", region="上海市")
