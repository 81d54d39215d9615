"""The report file (.json, format juesuan-report/1): read and write one unit-year."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.atomic import write_atomically
from core.catalogue import KINDS as CATALOGUE_KINDS
from core.catalogue import addition_problem
from core.money import AmountError, amount_text, out_of_range, parse_amount, shorten
from core.narrative import form
from core.report import AddressError, Report, parse_address, parse_row_key
from core.selfeval import SelfEvalError, selfevaluations
from core.templates import DEFAULT_REGION, TemplateError, TemplateSet, load_template_set

FORMAT = "juesuan-report/1"

#: Report years the files may name; anything else is refused before it is used (a 5,000-digit year
#: cannot even be printed by Python without raising).
YEARS = range(1900, 10000)
#: Objects and lists inside one another: a report file needs about ten levels.
MAX_DEPTH = 64
#: Digits of a number written without quotes; a longer one is kept as its text, to be refused by name.
MAX_NUMBER_DIGITS = 40
#: A report file of ten thousand rows is about 1 MB.
MAX_FILE_BYTES = 64 * 2**20


class ReportFileError(ValueError):
    """A report file that cannot be read; the message says what is wrong, in Chinese.

    `detail` holds the technical (English) text, if any, for a 详细信息 section."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


class _LongNumber(str):
    """The text of an unquoted number too long to convert (Python stops at 4,300 digits)."""


class _DuplicateKey(ValueError):
    def __init__(self, key: str, other: str):
        super().__init__(key)
        self.key, self.other = key, other


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys differ even after trimming spaces: a repeated key would silently win."""
    seen: dict[str, str] = {}
    for key, _ in pairs:
        trimmed = key.strip()
        if trimmed in seen:
            raise _DuplicateKey(key, seen[trimmed])
        seen[trimmed] = key
    return dict(pairs)


def _bounded_int(text: str) -> int | str:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_NUMBER_DIGITS else _LongNumber(text)


def _no_constant(name: str) -> None:
    raise ValueError(f"JSON constant {name}")


def decode_report_text(text: str, source: str) -> Any:
    """Decode the JSON of a report file; anything malformed or hostile raises ReportFileError."""
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ReportFileError(f"“{source}”不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近有错", str(exc)) from None
    except _DuplicateKey as exc:
        same = "" if exc.key == exc.other else f"（与“{shorten(exc.other)}”去掉首尾空格后相同）"
        raise ReportFileError(f"{source}：键“{shorten(exc.key)}”重复{same}，不知道该用哪一个") from None
    except RecursionError:
        raise ReportFileError(f"{source}：JSON 的嵌套层数过多，不是报表文件") from None
    except ValueError as exc:  # NaN / Infinity, which JSON does not allow
        raise ReportFileError(f"“{source}”不是有效的 JSON：不允许 NaN 或 Infinity", str(exc)) from None
    _check_tree(data, source)
    return data


def _check_tree(data: Any, source: str) -> None:
    """Depth, text that cannot be stored (lone surrogates) and over-long numbers, found without recursion."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ReportFileError(f"{source}：JSON 的嵌套层数超过 {MAX_DEPTH} 层（{shorten(path, 60)}），不是报表文件")
        if isinstance(value, _LongNumber):
            digits = f"{len(value.lstrip('-'))} 位的数字"
            if path == "year":
                raise ReportFileError(f"{source}：year 应为四位数的年度（如 2023），实为{digits}")
            if not path.startswith("cells."):  # an amount's own message names its cell
                raise ReportFileError(f"{source}：{shorten(path, 60) or '内容'} 是{digits}，位数过多")
        elif isinstance(value, str):
            _check_text(value, path, source)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, path, source)
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def _check_text(text: str, path: str, source: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ReportFileError(
            f"{source}：{path or '键'}中有无效的字符（单独的 UTF-16 代理项 \\ud800–\\udfff）"
        ) from None


def read_report(path: str | Path, region: str | None = None) -> tuple[Report, TemplateSet]:
    """Load a report file and the layout of its region and year (`region`: for a file that does not say)."""
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            raise ReportFileError(
                f"“{path.name}”有 {path.stat().st_size / 2**20:.0f} MB，超过报表文件的上限 {MAX_FILE_BYTES // 2**20} MB，不是报表文件"
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReportFileError(f"找不到文件“{path}”") from None
    except IsADirectoryError:
        raise ReportFileError(f"“{path}”是文件夹，不是报表文件") from None
    except UnicodeDecodeError:
        raise ReportFileError(f"“{path}”不是 UTF-8 编码的 JSON 报表文件") from None
    except OSError as exc:
        raise ReportFileError(f"无法读取“{path}”：{exc.strerror or exc}", str(exc)) from None
    except MemoryError:
        raise ReportFileError(f"“{path.name}”太大，无法读取") from None
    return report_from_dict(decode_report_text(text, path.name), source=path.name, region=region)


def report_from_dict(data: Any, source: str = "报表", region: str | None = None) -> tuple[Report, TemplateSet]:
    """Build a Report from the decoded JSON of a report file, validating every field.

    A file without "region" is in `region`'s layout (武汉市 when not given: files written before regions
    existed); one that names a region other than `region` is refused, never read in another's layout."""
    if not isinstance(data, dict):
        raise ReportFileError(f"{source}：内容应是一个 JSON 对象")
    if data.get("format") != FORMAT:
        raise ReportFileError(f"{source}：format 应为“{FORMAT}”，实为“{_shown(data.get('format'))}”")
    unit = data.get("unit")
    if not isinstance(unit, dict) or not isinstance(unit.get("name"), str) or not unit["name"].strip():
        raise ReportFileError(f"{source}：缺少单位名称（unit.name）")
    code = unit.get("code")
    if code is not None and not isinstance(code, str):
        raise ReportFileError(f"{source}：单位代码（unit.code）应为文字，实为“{_shown(code)}”")
    kind = unit.get("kind")
    if kind is not None and kind not in ("部门", "单位"):
        raise ReportFileError(f"{source}：unit.kind 应为“部门”或“单位”，实为“{_shown(kind)}”")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or year not in YEARS:
        raise ReportFileError(f"{source}：year 应为四位数的年度（如 2023），实为“{_shown(year)}”")
    amount_unit = data.get("amount_unit", "万元")
    if amount_unit not in ("万元", "元"):
        raise ReportFileError(f"{source}：amount_unit 应为“万元”或“元”，实为“{_shown(amount_unit)}”")
    region = _region(data, region, source)
    try:
        templates = load_template_set(year, region)
    except TemplateError as exc:
        raise ReportFileError(f"{source}：{exc}") from None
    cells = _mapping(data, "cells", source)
    labels = _mapping(data, "labels", source)
    selfeval = data.get("selfeval", [])
    if not isinstance(selfeval, list) or not all(isinstance(t, dict) for t in selfeval):
        raise ReportFileError(f"{source}：selfeval 应为自评表的列表")
    report = Report(
        unit["name"].strip(), year, amount_unit, code or None, selfeval=selfeval, unit_kind=kind, region=region
    )
    problems = layout_variants(_mapping(data, "layout_variants", source), templates, report.variants)
    try:
        report.narrative = form.flat(data.get("narrative"), amount_unit)
    except form.ExtraError as exc:
        problems.append(f"narrative（情况说明补充信息）：{exc}")
    written: dict[str, str] = {}  # address → the key it was written as, to catch one cell written twice
    for key, text in cells.items():
        try:
            address = str(parse_address(key, templates))
            if address in written:
                problems.append(
                    f"“{shorten(key)}”与“{shorten(written[address])}”是同一个单元格 {address}，不知道该用哪一个"
                )
                continue
            written[address] = key
            if isinstance(text, _LongNumber):
                raise out_of_range(text, amount_unit)
            if not isinstance(text, str | int) or isinstance(text, bool):
                raise AmountError(f'金额应写成字符串，如 "81993.54"，实为 {_shown(text)}')
            value = parse_amount(text, amount_unit)
        except (AddressError, AmountError) as exc:
            problems.append(f"“{shorten(key)}”：{exc}")
            continue
        if value is not None:
            report.cells[address] = value
    named: dict[str, str] = {}
    for key, label in labels.items():
        try:
            table, row = parse_row_key(key, templates)
        except AddressError as exc:
            problems.append(str(exc))
            continue
        row_key = f"{table}:{row}"
        if row_key in named:
            problems.append(
                f"行名称的键“{shorten(key)}”与“{shorten(named[row_key])}”是同一行 {row_key}，不知道该用哪一个"
            )
            continue
        named[row_key] = key
        if not isinstance(label, str):
            problems.append(f"行名称“{shorten(key)}”应为文字")
        elif label.strip():
            report.labels[row_key] = label
    report.catalogue_additions = _catalogue_additions(data, source, problems)
    try:
        selfevaluations(report)  # the self-evaluation tables' shape, checked once here for every reader
    except SelfEvalError as exc:
        problems.append(str(exc))
    if problems:
        more = f"（另有 {len(problems) - 5} 处）" if len(problems) > 5 else ""
        raise ReportFileError(f"{source}：有 {len(problems)} 处无法读取：" + "；".join(problems[:5]) + more)
    return report, templates


def _region(data: dict, given: str | None, source: str) -> str:
    """The file's "region", checked against the one the caller was told (a command's --region)."""
    written = data.get("region")
    if written is None:
        return given or DEFAULT_REGION
    if not isinstance(written, str) or not written.strip():
        raise ReportFileError(f"{source}：region 应为地区名称（如“{DEFAULT_REGION}”），实为“{_shown(written)}”")
    if given is not None and written.strip() != given:
        raise ReportFileError(f"{source}：文件中写明地区为“{shorten(written.strip())}”，与指定的地区“{given}”不一致")
    return written.strip()


def _catalogue_additions(data: dict, source: str, problems: list[str]) -> dict[str, dict[str, str]]:
    """The codes the user added to the report's catalogues: {"function"|"economic": {code: name}}."""
    additions: dict[str, dict[str, str]] = {}
    for kind, codes in _mapping(data, "catalogue_additions", source).items():
        if kind not in CATALOGUE_KINDS:
            problems.append(
                f"catalogue_additions 的键应为 function（功能分类）或 economic（经济分类），实为“{shorten(kind)}”"
            )
            continue
        if not isinstance(codes, dict):
            problems.append(f"catalogue_additions.{kind} 应为“编码: 名称”的对象")
            continue
        for code, name in codes.items():
            problem = addition_problem(kind, code, name)
            if problem:
                problems.append(f"catalogue_additions.{kind}：{shorten(problem)}")
            else:
                additions.setdefault(kind, {})[code] = name.strip()
    return additions


def layout_variants(raw: dict, templates: TemplateSet, into: dict[str, str]) -> list[str]:
    """`"layout_variants": {"公开01": "26行"}` into `into` (the default variant left out); what cannot be used,
    as messages."""
    problems = []
    for table_id, name in raw.items():
        table = templates.tables.get(table_id)
        names = [v.name for v in table.variants] if table else []
        if not isinstance(name, str) or name not in names:
            known = f"（可用：{'、'.join(names)}）" if names else "（该表没有多种印法）"
            problems.append(f"layout_variants 中“{shorten(str(table_id))}”的印法“{_shown(name)}”不存在{known}")
        elif name != names[0]:  # the default printing is not recorded: a report names only what differs
            into[table_id] = name
    return problems


def _shown(value: Any) -> str:
    """A JSON value as a message quotes it, cut when long."""
    if isinstance(value, str):
        return shorten(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_NUMBER_DIGITS:
        return f"{len(str(abs(value)))} 位的数字"  # pragma: no cover - the decoder keeps these as text
    try:
        return shorten(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        return shorten(repr(value))


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
    if report.unit_kind:
        unit["kind"] = report.unit_kind
    data: dict[str, Any] = {
        "format": FORMAT,
        "unit": unit,
        "region": report.region,  # always written: a file says whose layout it is in
        "year": report.year,
        "amount_unit": report.amount_unit,
        "cells": {a: amount_text(v, report.amount_unit) for a, v in report.cells.items()},
        "labels": dict(report.labels),
    }
    if report.variants:
        data["layout_variants"] = dict(report.variants)
    if report.selfeval:
        data["selfeval"] = report.selfeval
    additions = {kind: dict(sorted(codes.items())) for kind, codes in report.catalogue_additions.items() if codes}
    if additions:
        data["catalogue_additions"] = additions
    if report.narrative:
        data["narrative"] = form.nested(report.narrative)
    return data


def write_report(report: Report, path: str | Path) -> None:
    """Write a report file (UTF-8, readable indentation) atomically."""
    path = Path(path)
    text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"
    # A lone surrogate (only ever inside a JSON string) is written as its \udxxx escape: exact, not a crash.
    encoded = text.encode("utf-8", errors="backslashreplace")
    write_atomically(path, lambda temporary: temporary.write_bytes(encoded))
