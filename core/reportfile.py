"""The report file (.json, format juesuan-report/1): read and write one unit-year."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.money import AmountError, amount_text, parse_amount
from core.report import AddressError, Report, parse_address, parse_row_key
from core.selfeval import SelfEvalError, selfevaluations
from core.templates import TemplateError, TemplateSet, load_template_set

FORMAT = "juesuan-report/1"


class ReportFileError(ValueError):
    """A report file that cannot be read; the message says what is wrong, in Chinese."""


def read_report(path: str | Path) -> tuple[Report, TemplateSet]:
    """Load a report file and the template set of its year."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReportFileError(f"找不到文件“{path}”") from None
    except IsADirectoryError:
        raise ReportFileError(f"“{path}”是文件夹，不是报表文件") from None
    except UnicodeDecodeError:
        raise ReportFileError(f"“{path}”不是 UTF-8 编码的 JSON 报表文件") from None
    except OSError as exc:
        raise ReportFileError(f"无法读取“{path}”：{exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFileError(f"“{path.name}”不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近有错") from None
    return report_from_dict(data, source=path.name)


def report_from_dict(data: Any, source: str = "报表") -> tuple[Report, TemplateSet]:
    """Build a Report from the decoded JSON of a report file, validating every field."""
    if not isinstance(data, dict):
        raise ReportFileError(f"{source}：内容应是一个 JSON 对象")
    if data.get("format") != FORMAT:
        raise ReportFileError(f"{source}：format 应为“{FORMAT}”，实为“{data.get('format')}”")
    unit = data.get("unit")
    if not isinstance(unit, dict) or not isinstance(unit.get("name"), str) or not unit["name"].strip():
        raise ReportFileError(f"{source}：缺少单位名称（unit.name）")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise ReportFileError(f"{source}：year 应为整数年度，实为“{year}”")
    amount_unit = data.get("amount_unit", "万元")
    if amount_unit not in ("万元", "元"):
        raise ReportFileError(f"{source}：amount_unit 应为“万元”或“元”，实为“{amount_unit}”")
    try:
        templates = load_template_set(year)
    except TemplateError as exc:
        raise ReportFileError(f"{source}：{exc}") from None
    cells = _mapping(data, "cells", source)
    labels = _mapping(data, "labels", source)
    selfeval = data.get("selfeval", [])
    if not isinstance(selfeval, list) or not all(isinstance(t, dict) for t in selfeval):
        raise ReportFileError(f"{source}：selfeval 应为自评表的列表")
    report = Report(unit["name"].strip(), year, amount_unit, unit.get("code") or None, selfeval=selfeval)
    problems = []
    for key, text in cells.items():
        try:
            address = str(parse_address(key, templates))
            if not isinstance(text, str | int) or isinstance(text, bool):
                raise AmountError(f'金额应写成字符串，如 "81993.54"，实为 {json.dumps(text, ensure_ascii=False)}')
            value = parse_amount(text, amount_unit)
        except (AddressError, AmountError) as exc:
            problems.append(f"“{key}”：{exc}")
            continue
        if value is not None:
            report.cells[address] = value
    for key, label in labels.items():
        try:
            table, row = parse_row_key(key, templates)
        except AddressError as exc:
            problems.append(str(exc))
            continue
        if not isinstance(label, str):
            problems.append(f"行名称“{key}”应为文字")
        elif label.strip():
            report.labels[f"{table}:{row}"] = label
    try:
        selfevaluations(report)  # the self-evaluation tables' shape, checked once here for every reader
    except SelfEvalError as exc:
        problems.append(str(exc))
    if problems:
        more = f"（另有 {len(problems) - 5} 处）" if len(problems) > 5 else ""
        raise ReportFileError(f"{source}：有 {len(problems)} 处无法读取：" + "；".join(problems[:5]) + more)
    return report, templates


def _mapping(data: dict, key: str, source: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ReportFileError(f"{source}：{key} 应为“键: 值”的对象")
    return value


def report_to_dict(report: Report) -> dict[str, Any]:
    """The JSON of a report file; amounts as exact decimal strings in the report's unit."""
    unit: dict[str, str] = {"name": report.unit_name}
    if report.unit_code:
        unit["code"] = report.unit_code
    data: dict[str, Any] = {
        "format": FORMAT,
        "unit": unit,
        "year": report.year,
        "amount_unit": report.amount_unit,
        "cells": {a: amount_text(v, report.amount_unit) for a, v in report.cells.items()},
        "labels": dict(report.labels),
    }
    if report.selfeval:
        data["selfeval"] = report.selfeval
    return data


def write_report(report: Report, path: str | Path) -> None:
    """Write a report file (UTF-8, readable indentation) atomically."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
