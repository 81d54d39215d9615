"""The rules written in code rather than in a template, each named with what one instance of it reads.

A template's rules say what they read in their text (`core.rules.syntax`); these say it here, so
that the checker's dependency index knows every rule, printed or coded:

| rule | one instance | reads |
|---|---|---|
| ``<表>.科目汇总`` | per classification table, expanded per parent row | the parent's and its parts' cells (合计＝Σ类，类＝Σ款，款＝Σ项) |
| ``金额非负`` | per filled cell | that cell |
| ``<表>.科目编码``, ``<表>.科目名称`` | per classification row | the row's code, name and presence |
| ``自评.*`` (`SELFEVAL_TABLE_RULES`) | per self-evaluation table | that table, whole |
| `SELFEVAL_COMPARISONS` | per self-evaluation table of a kind | one field of the table and one 公开表 cell |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.catalogue import NAMES as CATALOGUE_NAMES
from core.catalogue import load_catalogue, same_name
from core.findings import Describer, Finding
from core.money import format_amount
from core.rules.syntax import RuleSpec
from core.targets import normalise
from core.templates import TableTemplate, TemplateSet

#: What one instance of a coded rule reads; the checker keys the instance `<reads>|<subject>`.
CELL = "cell"  # one cell of a 公开表 (subject: its address)
ROW = "row"  # one row of a classification table: its code, its name, whether it is there (subject: table:row)


@dataclass(frozen=True)
class CodedRule:
    """A rule evaluated by code, one instance per subject (a cell or a row)."""

    rule_ids: tuple[str, ...]  # the rule ids its findings carry; {table} stands for the table id
    severity: str
    reads: str  # CELL or ROW

    def key(self, subject: str) -> str:
        """The key of this rule's instance on `subject`, which is also its finding's key."""
        return f"{self.reads}|{subject}"


NEGATIVE_AMOUNT = CodedRule(("金额非负",), "warning", CELL)
#: One instance per row gives at most one finding: a code not in the catalogue, or a name that differs.
CATALOGUE = CodedRule(("{table}.科目编码", "{table}.科目名称"), "warning", ROW)
CODED_RULES = (NEGATIVE_AMOUNT, CATALOGUE)


def hierarchy_rule(table: TableTemplate) -> RuleSpec:
    """The coded rule of a classification table: each total equals the sum of its parts."""
    return RuleSpec(f"{table.id}.科目汇总", "error", "合计＝Σ类，类＝Σ款，款＝Σ项", table.id, "hierarchy", "=", (), ())


def checker_rules(templates: TemplateSet) -> list[RuleSpec]:
    """Every rule the checker expands onto cells: the printed ones, the table-to-table ones, and 科目汇总."""
    return list(templates.all_rules) + [
        hierarchy_rule(t) for t in templates.tables.values() if t.kind == "classification"
    ]


def rule_ids(templates: TemplateSet) -> set[str]:
    """Every rule id a finding on a report of this layout can carry: the whole list, kept here in one place."""
    ids = {rule.id for rule in checker_rules(templates)}
    ids |= set(NEGATIVE_AMOUNT.rule_ids)
    ids |= {name.format(table=t.id) for t in templates.tables.values() if t.catalogue for name in CATALOGUE.rule_ids}
    return ids | set(SELFEVAL_TABLE_RULES) | {c.id for c in SELFEVAL_COMPARISONS}


def negative_amount(address: str, value: int | None, describer: Describer, unit: str) -> Finding | None:
    """金额非负: a negative figure is a warning (a 公开表 amount is spending or income, never below zero)."""
    if value is None or value >= 0:
        return None
    table = address.split(":")[0]
    message = f"{describer.cell(address, with_table=True)}为负数（{format_amount(value, unit)} {unit}），请核对"
    return Finding(
        NEGATIVE_AMOUNT.rule_ids[0],
        "warning",
        table,
        (address,),
        None,
        value,
        None,
        message,
        NEGATIVE_AMOUNT.key(address),
    )


def catalogue_row(
    table: TableTemplate,
    row: str,
    label: str | None,
    present: bool,
    catalogue: Mapping[str, str] | None = None,
    year: int | None = None,
) -> Finding | None:
    """科目编码 / 科目名称: a code the catalogue (of the report's year, with its own additions) does not know,
    or a typed name that is not the catalogue's. A name that is the code itself is no name (a new row's)."""
    if table.catalogue is None or row in table.special_rows or not present:
        return None
    catalogue = load_catalogue(table.catalogue, year) if catalogue is None else catalogue
    official = catalogue.get(row)
    catalogue_name = CATALOGUE_NAMES[table.catalogue]
    label = label.strip() if label and label.strip() != row else None
    if official is None:
        rule = "科目编码"
        when = f"{year}年度" if year is not None else ""
        message = (
            f"{table.printed}科目编码“{row}”不在{when}{catalogue_name}目录中（目录可能缺少该科目；如确为有效科目，"
            f"可在审核结果中右键该条选“添加到科目目录…”添加，否则请核对编码）"
        )
    elif label and not same_name(label, official):
        rule = "科目名称"
        message = f"{table.printed}“{row}”行科目名称“{label}”与{catalogue_name}名称“{official}”不一致"
    else:
        return None
    subject = f"{table.id}:{row}"
    return Finding(
        f"{table.id}.{rule}", "warning", table.id, (subject,), None, None, None, message, CATALOGUE.key(subject)
    )


# -- self-evaluation tables ---------------------------------------------------------------------

#: Checks that read one self-evaluation table and nothing else (see `core.selfeval.checks`).
SELFEVAL_TABLE_RULES = (
    "自评.执行率",
    "自评.预算执行得分",
    "自评.指标得分",
    "自评.总分",
    "自评.得分超过权重",
    "自评.得分为负",
    "自评.分值汇总",
    "自评.得分超过分值",
    "自评.满分",
    "自评.定性指标分档",
    "自评.未说明原因",
    "自评.计量单位",
    "自评.未填完成值",
    "自评.支出构成",
)

#: A 公开01 line named by its printed label, bound to its 行次 per year (58 in 2022/2023, 57 in 2024).
TOTAL_EXPENSE_LINE = "公开01:本年支出合计"


@dataclass(frozen=True)
class SelfEvalComparison:
    """A self-evaluation amount compared with a 公开表 cell: reads that field and that cell, nothing else."""

    id: str
    kind: str  # the tables it applies to: 整体 or 项目
    field: tuple[str, str]  # (row, col) of the self-evaluation cell, as in its address
    public: str  # the 公开表 cell: table:row:col, or table:label for a line found by its label
    relation: str  # "=": equal; "<=": not above
    severity: str  # beyond the rounding of the two amounts
    subject: str  # how the message names the self-evaluation side, after the table's title


SELFEVAL_COMPARISONS = (
    # 整体 执行数 = 公开01 本年支出合计: exact in all four seeds.
    SelfEvalComparison(
        "表间.自评公开01.执行数",
        "整体",
        ("预算执行", "执行数"),
        TOTAL_EXPENSE_LINE,
        "=",
        "error",
        "预算执行情况执行数（B）",
    ),
    SelfEvalComparison(
        "表间.自评公开03.基本支出", "整体", ("表头", "基本支出总额"), "公开03:合计:2", "=", "error", "基本支出总额"
    ),
    SelfEvalComparison(
        "表间.自评公开03.项目支出", "整体", ("表头", "项目支出总额"), "公开03:合计:3", "=", "error", "项目支出总额"
    ),
    # A project table's 执行数 is only related to 公开03 项目支出, not equal to it: the table counts the
    # project's fiscal funds (备注1: 财政资金实际支出数), 公开03 counts every source, and the department's
    # 项目支出 is spread over many projects (seed 001 prints 10 tables for its 11 projects). Only a
    # project spending more than all projects together is suspicious, and even that is a warning.
    SelfEvalComparison(
        "表间.自评公开03.项目执行数", "项目", ("预算执行", "执行数"), "公开03:合计:3", "<=", "warning", "执行数（B）"
    ),
)


def public_cell(comparison: SelfEvalComparison, templates: TemplateSet) -> str | None:
    """The binding of a comparison onto a year's layout: the address of the 公开表 cell it reads, if it has one."""
    parts = comparison.public.split(":")
    if len(parts) == 3:
        return comparison.public
    table_id, label = parts
    table = templates.tables.get(table_id)
    if table is None:
        return None
    for number, line in table.lines.items():
        if line.label and normalise(line.label) == label and line.columns:
            return f"{table_id}:{number}:{line.columns[0]}"
    return None


def total_expense_cell(templates: TemplateSet) -> str | None:
    """Address of 公开01 本年支出合计 in this year's layout (58 in 2022/2023, 57 in 2024)."""
    return public_cell(SELFEVAL_COMPARISONS[0], templates)
