"""The printed audit summary (审核摘要): what it says, as plain data; `ui.summary` lays it out.

`build_summary` turns a report, its findings and their written explanations into a `Summary`: a
cover block, the status of each table (the nine 公开表 in template order, then the self-evaluation
tables in the report's order), every finding grouped by table, the self-evaluation results, the
overall verdict and the sign-off block. Everything in it is text ready to print, so the PDF, the
preview and any other rendering show the same words.

Status of one table (`TableStatus.status`):

- ``通过``: no finding; ``通过（n 尾差）``: only differences that rounding explains;
- otherwise the counts, e.g. ``1 错误，2 提示，3 尾差`` (zero counts left out).

The verdict (`Verdict`):

- any ``error`` (强制) finding → ``存在 n 处强制性错误，不予通过`` (``passed`` False, level ``failed``);
- no error, but ``warning`` (提示) findings without a written explanation →
  ``审核通过（有 n 条提示未说明）`` (``passed`` True, level ``unexplained``): a warning is not a
  violation, but the summary marks each one 未说明 so the signer sees what was not accounted for;
- otherwise ``审核通过`` (level ``passed``).

``rounding`` (尾差) findings never change the verdict; the verdict's detail line counts them.

A self-evaluation table is named as its findings name it (see `core.selfeval`): ``整体绩效自评`` or
``项目绩效自评:<项目名称>`` (the 项目名称 of its header, or ``（第n张）`` when blank). Self-evaluation
results are given as ``(table name, entered 总分, computed 总分, grade)``; without them the entered
totals are read from the report and the totals and grades computed by core.selfeval.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.catalogue import load_catalogue
from core.findings import SEVERITIES, SEVERITY_NAMES, Describer, Finding, score_text, value_text
from core.report import Report
from core.selfeval import computed_total, grade, selfevaluations
from core.templates import TemplateSet

TITLE = "部门决算审核摘要"
SIGNOFF = ("填报人", "审核人", "单位负责人", "日期")
WHOLE_TABLE = "整体绩效自评"
PROJECT_PREFIX = "项目绩效自评:"
NOT_COMPUTED = "未计算"
UNEXPLAINED = "未说明"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Cover:
    unit_name: str
    unit_code: str | None
    year: int
    template_set: str  # e.g. 2023年度部门决算公开表
    amount_unit: str
    status: str  # the report's status (草稿 / 已审核 / 已锁定) or where it came from
    checked_at: datetime
    program_version: str
    source: str | None = None  # file name, or None for the database

    @property
    def checked_at_text(self) -> str:
        at = self.checked_at
        return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


@dataclass(frozen=True)
class TableStatus:
    table: str  # 公开01…公开09, 整体绩效自评, 项目绩效自评:<名称>
    printed: str  # 公开01表 / 表1 / 整体绩效自评 / 项目绩效自评
    title: str  # 收入支出决算总表 / the project's name
    errors: int = 0
    warnings: int = 0
    rounding: int = 0
    unexplained: int = 0  # warnings without a written explanation

    @property
    def passed(self) -> bool:
        return not self.errors and not self.warnings

    @property
    def status(self) -> str:
        if self.passed:
            return f"通过（{self.rounding} 尾差）" if self.rounding else "通过"
        counts = ((self.errors, "错误"), (self.warnings, "提示"), (self.rounding, "尾差"))
        return "，".join(f"{n} {name}" for n, name in counts if n)


@dataclass(frozen=True)
class FindingLine:
    number: int  # 1-based, through the whole summary
    rule: str
    severity: str  # error / warning / rounding
    cells: tuple[str, ...]
    expected: str  # formatted; "" when the finding has none
    actual: str
    diff: str
    message: str
    explanation: str | None  # the written 说明, if any
    key: str = ""
    #: The cells as the printed tables name them (公开02表“2050201 学前教育”行第3栏…), for people.
    places: str = ""

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES[self.severity]

    @property
    def unexplained(self) -> bool:
        """A warning that nobody explained (errors must be corrected, not explained)."""
        return self.severity == "warning" and not self.explanation


@dataclass(frozen=True)
class FindingGroup:
    table: str
    printed: str
    title: str
    findings: tuple[FindingLine, ...]


@dataclass(frozen=True)
class SelfEvalResult:
    table: str  # 整体绩效自评 / 项目绩效自评:<名称>
    entered: str  # 总分 as filled in; "" when blank
    computed: str  # 总分 as computed; NOT_COMPUTED when unknown
    grade: str  # 优 / 良 / 中 / 差, or NOT_COMPUTED

    @property
    def name(self) -> str:
        return display_name(self.table)[1] if self.table.startswith(PROJECT_PREFIX) else self.table

    @property
    def agrees(self) -> bool | None:
        """Entered and computed 总分 equal to the cent; None when either is missing."""
        entered, computed = _decimal(self.entered), _decimal(self.computed)
        if entered is None or computed is None:
            return None
        return _round(entered) == _round(computed)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    level: str  # passed / unexplained / failed
    text: str
    detail: str
    errors: int
    warnings: int
    unexplained: int
    rounding: int


@dataclass(frozen=True)
class Summary:
    cover: Cover
    tables: tuple[TableStatus, ...]
    groups: tuple[FindingGroup, ...]
    selfeval: tuple[SelfEvalResult, ...]
    verdict: Verdict
    title: str = TITLE
    signoff: tuple[str, ...] = SIGNOFF

    @property
    def findings(self) -> tuple[FindingLine, ...]:
        return tuple(line for group in self.groups for line in group.findings)

    @property
    def heading(self) -> str:
        """The running page header: unit and year."""
        return f"{self.cover.unit_name}　{self.cover.year}年度"


def selfeval_tables(report: Report) -> list[str]:
    """Names of the report's self-evaluation tables, in order, as their findings name them."""
    return [evaluation.table for evaluation in selfevaluations(report)]


def display_name(table: str, templates: TemplateSet | None = None) -> tuple[str, str]:
    """(printed name, title) of a 公开表 or a self-evaluation table."""
    if templates is not None and table in templates.tables:
        template = templates.tables[table]
        return template.printed, template.title
    if table == WHOLE_TABLE:
        return WHOLE_TABLE, "部门（单位）整体支出绩效自评表"
    if table.startswith(PROJECT_PREFIX):
        return "项目绩效自评", table[len(PROJECT_PREFIX) :]
    return table, ""


def build_summary(
    report: Report,
    templates: TemplateSet,
    findings: Iterable[Finding],
    explanations: Mapping[str, str] | None,
    status: str | None,
    checked_at: datetime,
    program_version: str,
    selfeval_results: Sequence[Sequence[Any]] | None = None,
    *,
    source: str | None = None,
) -> Summary:
    """The summary of one report: its findings (公开表 and self-evaluation ones), their
    explanations ({finding.key: text}), the report's status, when it was checked and by which version.

    `selfeval_results`: ``(table name, entered 总分, computed 总分, grade)`` per self-evaluation table;
    values may be Decimal, int, str or None.
    """
    findings = list(dict.fromkeys(findings))  # the same finding passed twice counts once
    explanations = explanations or {}
    describer = Describer(templates, _row_namer(report, templates))
    unit = report.amount_unit
    order = list(templates.tables) + selfeval_tables(report)
    for name in [r[0] for r in selfeval_results or ()] + [f.table for f in findings]:
        if name not in order:
            order.append(name)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    by_table: dict[str, list[Finding]] = {}
    for finding in findings:
        by_table.setdefault(finding.table, []).append(finding)

    statuses, groups, number = [], [], 0
    for table in order:
        printed, title = display_name(table, templates)
        table_findings = sorted(by_table.get(table, []), key=lambda f: rank.get(f.severity, len(rank)))
        lines = []
        for finding in table_findings:
            number += 1
            explanation = (explanations.get(finding.key) or "").strip() if finding.key else ""
            lines.append(
                FindingLine(
                    number,
                    finding.rule,
                    finding.severity,
                    tuple(finding.cells),
                    value_text(finding.expected, unit),
                    value_text(finding.actual, unit),
                    value_text(finding.diff, unit),
                    finding.message,
                    explanation or None,
                    finding.key,
                    places(finding, describer),
                )
            )
        count = {s: sum(1 for line in lines if line.severity == s) for s in SEVERITIES}
        statuses.append(
            TableStatus(
                table,
                printed,
                title,
                count["error"],
                count["warning"],
                count["rounding"],
                sum(1 for line in lines if line.unexplained),
            )
        )
        if lines:
            groups.append(FindingGroup(table, printed, title, tuple(lines)))

    cover = Cover(
        unit_name=report.unit_name,
        unit_code=report.unit_code,
        year=report.year,
        template_set=templates.title,
        amount_unit=unit,
        status=status or "—",
        checked_at=checked_at,
        program_version=program_version,
        source=source,
    )
    return Summary(
        cover=cover,
        tables=tuple(statuses),
        groups=tuple(groups),
        selfeval=_selfeval_results(report, selfeval_results),
        verdict=verdict(statuses),
    )


def verdict(tables: Iterable[TableStatus]) -> Verdict:
    """The overall verdict from every table's counts (see the module's docstring)."""
    tables = list(tables)
    errors = sum(t.errors for t in tables)
    warnings = sum(t.warnings for t in tables)
    unexplained = sum(t.unexplained for t in tables)
    rounding = sum(t.rounding for t in tables)
    if errors:
        level, text = "failed", f"存在 {errors} 处强制性错误，不予通过"
    elif unexplained:
        level, text = "unexplained", f"审核通过（有 {unexplained} 条提示未说明）"
    else:
        level, text = "passed", "审核通过"
    parts = [f"强制性错误 {errors} 处"]
    if warnings:
        parts.append(f"提示 {warnings} 条（已说明 {warnings - unexplained} 条，未说明 {unexplained} 条）")
    else:
        parts.append("提示 0 条")
    parts.append(f"尾差 {rounding} 处" + ("（在尾数误差范围内，不影响审核结论）" if rounding else ""))
    return Verdict(level != "failed", level, text, "；".join(parts) + "。", errors, warnings, unexplained, rounding)


def _selfeval_results(report: Report, given: Sequence[Sequence[Any]] | None) -> tuple[SelfEvalResult, ...]:
    if given is not None:
        rows = []
        for item in given:
            table, entered, computed, grade_given = item
            rows.append(
                SelfEvalResult(
                    str(table),
                    _score_text(entered) or "",
                    _score_text(computed) or NOT_COMPUTED,
                    str(grade_given).strip() if grade_given not in (None, "") else NOT_COMPUTED,
                )
            )
        return tuple(rows)
    rows = []
    for evaluation in selfevaluations(report):
        computed = computed_total(evaluation)
        rows.append(
            SelfEvalResult(
                evaluation.table,
                _score_text(evaluation.total) or "",
                _score_text(computed) or NOT_COMPUTED,
                grade(computed) if computed is not None else NOT_COMPUTED,
            )
        )
    return tuple(rows)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _score_text(value: Any) -> str | None:
    """A 总分 as printed; text that is not a number is kept as written."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _decimal(value)
    return score_text(number) if number is not None else str(value).strip()


def places(finding: Finding, describer: Describer) -> str:
    """A finding's cells in the words of the printed tables; self-evaluation and 情况说明 places as named."""
    named = []
    for address in finding.cells:
        parts = address.split(":")
        if len(parts) == 3 and parts[0] in describer.templates.tables:
            try:
                named.append(describer.cell(address, with_table=True))
                continue
            except (KeyError, ValueError):
                pass
        named.append(" ".join(p for p in address.split(":") if p))
    return "、".join(dict.fromkeys(named))


def _row_namer(report: Report, templates: TemplateSet):
    def row_name(table_id: str, row: str) -> str | None:
        label = report.labels.get(f"{table_id}:{row}")
        if label:
            return label
        table = templates.tables.get(table_id)
        return (
            load_catalogue(table.catalogue, table.year, table.region).get(row)
            if table is not None and table.catalogue
            else None
        )

    return row_name
