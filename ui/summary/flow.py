"""The summary as a flow of HTML pieces, in reading order, and the style they are set in."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from core.summary import Summary

BODY_PT = 9.5
SMALL_PT = 8
CELL_PADDING = 3  # px at 96 dpi, as every length below
SIGNATURE_PADDING = 8  # above and below the names: room for a handwritten signature

_SEVERITY_COLOURS = {"error": "#b00020", "warning": "#a15c00", "rounding": "#555555"}
_PASSED_COLOUR = "#1b5e20"
STYLE = (
    "p { margin-top: 0; margin-bottom: 0; }"
    ".title { font-size: 16pt; font-weight: bold; }"
    ".h2 { font-size: 11.5pt; font-weight: bold; }"
    f".h3 {{ font-size: {BODY_PT + 0.5}pt; font-weight: bold; }}"
    ".verdict { font-size: 13pt; font-weight: bold; }"
    "th { font-weight: bold; background-color: #e8e8e8; }"
    f".small {{ font-size: {SMALL_PT}pt; color: #444444; }}"
)


@dataclass(frozen=True)
class Item:
    """One piece of the flow: an HTML fragment laid out on its own.

    kind: ``block`` (kept whole), ``heading`` (kept with the next piece), ``header`` (a table's
    header row, repeated on every page the table goes on to) or ``row`` (a table row). `table`
    numbers the table of a header or row; `space` is the gap above it (px at 96 dpi), left out at
    the top of a page.
    """

    kind: str
    html: str
    table: int = -1
    space: float = 0


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


class _Flow:
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.tables = 0

    def block(self, fragment: str, space: float = 0) -> None:
        self.items.append(Item("block", fragment, space=space))

    def heading(self, fragment: str, css_class: str, space: float) -> None:
        self.items.append(Item("heading", f"<p class='{css_class}'>{fragment}</p>", space=space))

    def paragraph(self, fragment: str, space: float = 4, css_class: str = "") -> None:
        attribute = f" class='{css_class}'" if css_class else ""
        self.items.append(Item("block", f"<p{attribute}>{fragment}</p>", space=space))

    def table(self, head: tuple[tuple[str, int], ...], space: float = 3) -> None:
        self.tables += 1
        cells = "".join(f"<th width='{w}%'>{_e(t)}</th>" for t, w in head)
        self.items.append(Item("header", table_html(f"<tr>{cells}</tr>"), self.tables, space))

    def row(self, cells: str) -> None:
        self.items.append(Item("row", table_html(f"<tr>{cells}</tr>"), self.tables))


def _amount_width(summary: Summary) -> int:
    """Width (% of the page) of the 应为/实为/差额 columns: an amount is never wrapped, and every
    row of a table is laid out on its own, so the columns must hold the longest amount."""
    longest = max((len(v) for line in summary.findings for v in (line.expected, line.actual, line.diff)), default=0)
    return max(11, min(20, math.ceil(longest * 1.05 + 2)))


def table_html(rows: str, padding: int = CELL_PADDING) -> str:
    return (
        f"<table width='100%' border='1' cellspacing='0' cellpadding='{padding}' "
        f"style='border-collapse: collapse; border-style: solid; border-color: #777777;'>{rows}</table>"
    )


def summary_flow(summary: Summary) -> list[Item]:
    """The summary as a flow of HTML pieces, in reading order."""
    flow = _Flow()
    cover, verdict = summary.cover, summary.verdict
    verdict_colour = {"passed": _PASSED_COLOUR, "unexplained": _SEVERITY_COLOURS["warning"]}.get(
        verdict.level, _SEVERITY_COLOURS["error"]
    )
    flow.block(f"<p class='title' align='center'>{_e(cover.unit_name)}<br/>{cover.year}年度{_e(summary.title)}</p>")

    # Cover block: one piece.
    label = "<td width='14%' bgcolor='#f2f2f2'><b>{}</b></td>"
    rows = [
        ("单位名称", cover.unit_name, "单位编码", cover.unit_code or "—"),
        ("报表年度", f"{cover.year}年度", "表式", cover.template_set),
        ("报表状态", cover.status, "金额单位", cover.amount_unit),
        ("审核时间", cover.checked_at_text, "程序版本", cover.program_version),
    ]
    if cover.source:
        rows.append(("报表来源", cover.source, "", ""))
    cells = []
    for label1, value1, label2, value2 in rows:
        if label2:
            rest = f"<td width='36%'>{_e(value1)}</td>{label.format(_e(label2))}<td width='36%'>{_e(value2)}</td>"
        else:
            rest = f"<td colspan='3'>{_e(value1)}</td>"
        cells.append(f"<tr>{label.format(_e(label1))}{rest}</tr>")
    cells.append(
        f"<tr>{label.format('审核结论')}"
        f"<td colspan='3'><b><font color='{verdict_colour}'>{_e(verdict.text)}</font></b></td></tr>"
    )
    flow.block(table_html("".join(cells)), space=8)

    # Status of every table.
    flow.heading("一、各表审核情况", "h2", 10)
    flow.table((("序号", 7), ("表号", 19), ("表名", 48), ("审核状态", 26)))
    for number, table in enumerate(summary.tables, start=1):
        colour = (
            _SEVERITY_COLOURS["error"]
            if table.errors
            else _SEVERITY_COLOURS["warning"]
            if table.warnings
            else _PASSED_COLOUR
        )
        flow.row(
            f"<td width='7%' align='center'>{number}</td><td width='19%'>{_e(table.printed)}</td>"
            f"<td width='48%'>{_e(table.title)}</td><td width='26%'><font color='{colour}'>{_e(table.status)}</font></td>"
        )

    # Findings, table by table.
    flow.heading(f"二、审核发现（金额单位：{_e(cover.amount_unit)}）", "h2", 10)
    if not summary.groups:
        flow.paragraph("未发现问题：全部勾稽关系成立。")
    amount = _amount_width(summary)
    widths = (6, 7, 100 - 13 - 3 * amount, amount, amount, amount)
    for group in summary.groups:
        flow.heading(f"{_e(group.printed)}　{_e(group.title)}（{len(group.findings)} 条）", "h3", 8)
        flow.table(tuple(zip(("序号", "类别", "问题、规则与单元格", "应为", "实为", "差额"), widths, strict=True)))
        for finding in group.findings:
            colour = _SEVERITY_COLOURS[finding.severity]
            note = ""
            if finding.explanation:
                note = f"<br/><b>说明：</b>{_e(finding.explanation)}"
            elif finding.unexplained:
                note = f"<br/><b>说明：<font color='{_SEVERITY_COLOURS['error']}'>未说明</font></b>"
            flow.row(
                f"<td width='{widths[0]}%' align='center'>{finding.number}</td>"
                f"<td width='{widths[1]}%' align='center'><font color='{colour}'><b>{_e(finding.severity_name)}</b></font></td>"
                f"<td width='{widths[2]}%'>{_e(finding.message)}<br/><span class='small'>规则：{_e(finding.rule)}<br/>"
                f"涉及：{_e(finding.places or '、'.join(finding.cells))}</span>{note}</td>"
                f"<td width='{widths[3]}%' align='right'>{_e(finding.expected)}</td>"
                f"<td width='{widths[4]}%' align='right'>{_e(finding.actual)}</td>"
                f"<td width='{widths[5]}%' align='right'>{_e(finding.diff)}</td>"
            )

    # Self-evaluation results.
    flow.heading("三、绩效自评结果", "h2", 10)
    if not summary.selfeval:
        flow.paragraph("本报表没有绩效自评表。")
    else:
        widths = (7, 45, 14, 14, 8, 12)
        flow.table(tuple(zip(("序号", "自评表", "填报总分", "计算总分", "等级", "核对"), widths, strict=True)))
        for number, result in enumerate(summary.selfeval, start=1):
            agrees = result.agrees
            if agrees is None:
                check = "—"
            elif agrees:
                check = "一致"
            else:
                check = f"<font color='{_SEVERITY_COLOURS['error']}'>不一致</font>"
            kind = "整体" if result.table == result.name else "项目"
            flow.row(
                f"<td width='{widths[0]}%' align='center'>{number}</td>"
                f"<td width='{widths[1]}%'>{_e(kind)}：{_e(result.name)}</td>"
                f"<td width='{widths[2]}%' align='right'>{_e(result.entered or '（未填）')}</td>"
                f"<td width='{widths[3]}%' align='right'>{_e(result.computed)}</td>"
                f"<td width='{widths[4]}%' align='center'>{_e(result.grade)}</td>"
                f"<td width='{widths[5]}%' align='center'>{check}</td>"
            )
        flow.paragraph("等级：优 ≥ 90 分，良 80–90 分，中 60–80 分，差 &lt; 60 分。", css_class="small")

    # Verdict and signatures: one piece, so they stay together.
    signatures = []
    labels = list(summary.signoff)
    for number in range(0, len(labels), 2):
        pair = labels[number : number + 2] + [""] * (2 - len(labels[number : number + 2]))
        cells = ""
        for name in pair:
            gap = "&nbsp;" * 7
            blank = f"年{gap}月{gap}日&nbsp;&nbsp;" if name == "日期" else ""
            cells += (
                f"<td width='16%' valign='middle'><b>{_e(name)}</b></td>"
                f"<td width='34%' align='right' valign='middle'>{blank}</td>"
            )
        signatures.append(f"<tr>{cells}</tr>")
    flow.block(
        "<p class='h2'>四、审核结论与签字</p>"
        f"<p class='verdict' style='margin-top: 6px;'>审核结论：<font color='{verdict_colour}'>{_e(verdict.text)}</font></p>"
        f"<p style='margin-top: 4px; margin-bottom: 6px;'>{_e(verdict.detail)}</p>"
        + table_html("".join(signatures), SIGNATURE_PADDING),
        space=12,
    )
    return flow.items


def summary_html(summary: Summary, family: str | None = None) -> str:
    """The whole summary as one HTML page (for a screen or a file; the printed pages use the flow)."""
    font = f"body {{ font-family: '{_e(family)}'; font-size: {BODY_PT}pt; }}" if family else ""
    parts = [f"<html><head><style>{font}{STYLE}</style></head><body>"]
    for item in summary_flow(summary):
        parts.append(item.html)
    parts.append("</body></html>")
    return "".join(parts)
