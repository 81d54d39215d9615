"""Text as an .xlsx cell can hold it, and the notes on what the export had to change."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from core.findings import Finding
from core.layout.sheets import selfeval_table_id
from core.money import amount_text, in_range, range_text, shorten
from core.report import Report

#: Excel's limit on the characters of one cell (UTF-16 code units).
MAX_CELL_TEXT = 32_767
#: Significant digits Excel keeps of a number.
EXCEL_DIGITS = 15
#: What XML 1.0 (and so an .xlsx) cannot hold: control characters but tab, line feed and carriage
#: return, lone surrogates, U+FFFE and U+FFFF.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
_CUT_MARK = "……（超出 Excel 单元格 32,767 字的上限，以下已截去）"


def excel_text(text: str) -> str:
    """Text as a cell can hold it: characters XML cannot carry become “�”, beyond 32,767 characters it is cut."""
    text = UNWRITABLE.sub(REPLACEMENT, text)
    if len(text) <= MAX_CELL_TEXT // 2 or _utf16_length(text) <= MAX_CELL_TEXT:
        return text
    keep = MAX_CELL_TEXT - len(_CUT_MARK)
    cut = text[:keep]
    while _utf16_length(cut) > keep:  # characters beyond U+FFFF count twice in Excel
        cut = cut[: keep - (_utf16_length(cut) - keep)]
    return cut + _CUT_MARK


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def text_problem(text: str) -> str | None:
    """What excel_text would change in `text`, in Chinese; None when it fits a cell as it is."""
    problems = []
    found = sorted(set(UNWRITABLE.findall(text)))
    if found:
        shown = "、".join(f"U+{ord(ch):04X}" for ch in found[:5])
        problems.append(f"含 Excel 不能保存的字符（{shown}），已替换为“{REPLACEMENT}”")
    length = _utf16_length(text)
    if length > MAX_CELL_TEXT:
        problems.append(f"有 {length:,} 个字符，超过 Excel 单元格 {MAX_CELL_TEXT:,} 字的上限，工作簿中只保留前面部分")
    return "，".join(problems) or None


def export_notes(report: Report, explanations: dict[str, str], findings: Iterable[Finding] = ()) -> list[str]:
    """Every change the workbook must make to what the report says, named by field (Chinese)."""
    notes = []
    rules = {f.key: f"{f.rule}（{'，'.join(f.cells[:3])}）" for f in findings if f.key}

    def check(text: Any, what: str) -> None:
        if isinstance(text, str):
            problem = text_problem(text)
            if problem:
                notes.append(f"{what}{problem}")

    check(report.unit_name, "单位名称")
    for key, label in report.labels.items():
        check(label, f"行名称 {key} ")
    for key, text in explanations.items():
        check(text, f"审核发现 {rules.get(key, key)} 的情况说明")
    for number, table in enumerate(report.selfeval, start=1):
        name = shorten(excel_text(selfeval_table_id(table, number)))  # the note itself must be printable
        stack: list[tuple[Any, str]] = [(table, "")]
        while stack:
            value, path = stack.pop()
            if isinstance(value, dict):
                stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in reversed(value.items()))
                for k in value:
                    check(k, f"{name} 的项目名“{shorten(excel_text(str(k)), 20)}” ")
            elif isinstance(value, list):
                stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(value))))
            else:
                check(value, f"{name} 的 {shorten(excel_text(path), 60)} ")
    for address, fen in report.cells.items():
        if not in_range(fen):
            notes.append(
                f"{address} 的金额 {amount_text(fen, report.amount_unit)} {report.amount_unit}超出金额范围"
                f"（绝对值不能超过 {range_text(report.amount_unit)}），Excel 不能精确保存，已写成文字"
            )
    return notes
