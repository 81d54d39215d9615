"""Commands run without a window: each takes parsed arguments and returns an exit status."""

from __future__ import annotations

import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from core.audit import audit
from core.findings import SEVERITIES, SEVERITY_NAMES, Finding
from core.money import amount_text
from core.report import Report
from core.reportfile import ReportFileError, read_report
from core.templates import DEFAULT_REGION, TemplateSet

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def summarise(report: Report, findings: list[Finding]) -> dict:
    """Counts by severity and by table, as the command line and every summary show them."""
    by_table: dict[str, dict[str, int]] = {}
    for finding in findings:
        counts = by_table.setdefault(finding.table, dict.fromkeys(SEVERITIES, 0))
        counts[finding.severity] += 1
    totals = Counter(f.severity for f in findings)
    return {
        "unit": report.unit_name,
        "region": report.region,
        "year": report.year,
        "amount_unit": report.amount_unit,
        "counts": {s: totals.get(s, 0) for s in SEVERITIES},
        "by_table": by_table,
    }


def finding_to_dict(finding: Finding, unit: str) -> dict:
    def amount(value: int | Decimal | None) -> str | None:
        if value is None:
            return None
        return str(value) if isinstance(value, Decimal) else amount_text(value, unit)

    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "table": finding.table,
        "cells": list(finding.cells),
        "expected": amount(finding.expected),
        "actual": amount(finding.actual),
        "diff": amount(finding.diff),
        "message": finding.message,
    }


def load_report(path: str, region: str | None = None) -> tuple[Report, TemplateSet]:
    """A report file (.json) or a workbook in the printed layout (.xlsx, .xls, .et), told apart by content.

    `region` (a command's --region) is the layout of a file that does not say: a workbook, or a report
    file without "region" (else 武汉市); a report file naming another region is refused."""
    report, templates, _ = read_report_or_workbook(path, region)
    return report, templates


#: The first bytes of a workbook: a zip (.xlsx) or an OLE2 compound file (.xls, WPS .et).
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def is_workbook(path: str) -> bool:
    """Whether the file is read as a workbook: by its content; a file that is neither a workbook nor
    JSON goes to the workbook reader too unless it is named .json (whose reader then says why)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        head = b""
    if head.startswith(WORKBOOK_SIGNATURES):
        return True
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return False
    return Path(path).suffix.lower() != ".json"


def read_report_or_workbook(path: str, region: str | None = None) -> tuple[Report, TemplateSet, str | None]:
    """`load_report`, and for a workbook the reader's account of what it read and left out (Chinese)."""
    try:
        if is_workbook(path):
            from core.xlsx_import import WorkbookError, read_workbook

            try:
                report, templates, result = read_workbook(path, region)
            except WorkbookError as exc:
                raise ReportFileError(str(exc), exc.detail) from None
            return report, templates, result.summary()
        return (*read_report(path, region), None)
    except ReportFileError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ReportFileError(f"“{Path(path).name}”的内容太大或嵌套太深，无法读取", type(exc).__name__) from None
    except Exception as exc:  # a reader's oversight must still end in a message, never a traceback
        raise ReportFileError(f"“{Path(path).name}”的内容有误，无法读取", f"{type(exc).__name__}: {exc}") from None


def print_unreadable(exc: ReportFileError, err: TextIO) -> None:
    """The message for a file that cannot be read, and its technical detail (if any) under 详细信息."""
    print(f"无法读取报表：{exc}", file=err)
    if getattr(exc, "detail", None):
        print(f"详细信息：{exc.detail}", file=err)


def run_audit(
    path: str,
    as_json: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
    previous: str | None = None,
    text: str | None = None,
    region: str | None = None,
) -> int:
    """`audit FILE [--previous PREV] [--text DOC] [--region NAME]`: print the findings; 0 no error, 1 at least
    one error, 2 unreadable input. `previous` (last year's report) adds the cross-year identities (上年…);
    `text` is a written 情况说明 checked against the tables (and last year's, if given); `region` is the
    layout of files that do not say (see load_report)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        report, templates = load_report(path, region)
        last_year = load_report(previous, region)[0] if previous else None
    except ReportFileError as exc:
        print_unreadable(exc, err)
        return EXIT_UNREADABLE
    narrative = None
    if text:
        from core.narrative.command import DocumentError, check_text_file

        try:
            narrative = check_text_file(report, templates, text, last_year)
        except DocumentError as exc:
            print(f"无法读取情况说明：{exc}", file=err)
            return EXIT_UNREADABLE
    try:
        findings = audit(templates, report, last_year)
    except (ArithmeticError, RecursionError, MemoryError, ValueError, TypeError) as exc:
        # A figure the checks cannot compute with (e.g. a score of 1E+999999): say so, never a traceback.
        print(f"无法审核报表“{Path(path).name}”：其中有无法计算的数值（如位数或指数过大的得分、分值）", file=err)
        print(f"详细信息：{type(exc).__name__}: {exc}", file=err)
        return EXIT_UNREADABLE
    if narrative is not None:
        findings = findings + narrative.findings
    summary = summarise(report, findings)
    if narrative is not None:
        summary["narrative"] = {"checked": narrative.checked, "skipped": narrative.skipped}
    if as_json:
        data = {"findings": [finding_to_dict(f, report.amount_unit) for f in findings], "summary": summary}
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
    else:
        _print_text(report, findings, summary, out)
    return EXIT_ERRORS if summary["counts"]["error"] else EXIT_OK


def _print_text(report: Report, findings: list[Finding], summary: dict, out: TextIO) -> None:
    counts = summary["counts"]
    region = "" if report.region == DEFAULT_REGION else f"{report.region}表式　"
    print(f"{report.unit_name}　{region}{report.year}年度　审核结果（金额单位：{report.amount_unit}）", file=out)
    print("，".join(f"{SEVERITY_NAMES[s]} {counts[s]} 条" for s in SEVERITIES), file=out)
    for finding in findings:
        print(f"\n[{SEVERITY_NAMES[finding.severity]}] {finding.rule}　{'，'.join(finding.cells)}", file=out)
        print(f"  {finding.message}", file=out)
    if not findings:
        print("全部勾稽关系成立。", file=out)
    if "narrative" in summary:
        told = summary["narrative"]
        print(f"\n情况说明：核对 {told['checked']} 处表述，{told['skipped']} 处无法与报表对应而未核对。", file=out)
