"""read_workbook: every table and self-evaluation sheet of a workbook into one report, all or nothing."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from openpyxl.utils import get_column_letter

from core.report import AddressError, Report, parse_address, parse_row_key
from core.templates import (
    DEFAULT_REGION,
    TableTemplate,
    TemplateError,
    TemplateSet,
    available_regions,
    available_years,
    layouts_text,
    load_template_set,
)
from core.xlsx_import.classification import ClassificationReader
from core.xlsx_import.economic import EconomicReader
from core.xlsx_import.lines import LinesReader
from core.xlsx_import.locate import (
    Candidate,
    find_candidates,
    is_selfeval_sheet,
    is_summary_sheet,
    table_titles,
    titles_of,
)
from core.xlsx_import.opening import read_sheets
from core.xlsx_import.result import ImportResult, SelfEvalSource, TableSource, WorkbookError, fail
from core.xlsx_import.selfeval import SelfEvalReader
from core.xlsx_import.sheet import SheetCells
from core.xlsx_import.single import SingleReader
from core.xlsx_import.table_reader import TableRead
from core.xlsx_import.text import YEAR, nfkc, sheet_ref


class NoLayout(WorkbookError):
    """The workbook's year has no layout in the region it was read in."""


def read_table(candidate: Candidate, template: TableTemplate) -> TableRead:
    """Read one table where it was found, by the reader for its kind."""
    if template.kind == "lines":
        reader = LinesReader(candidate, template)
    elif template.kind == "single":
        reader = SingleReader(candidate, template)
    elif template.panels:
        reader = EconomicReader(candidate, template)
    else:
        reader = ClassificationReader(candidate, template)
    return reader.read()


def read_workbook(
    path: str | Path, region: str | None = None, templates: TemplateSet | None = None
) -> tuple[Report, TemplateSet, ImportResult]:
    """Read a report from a workbook in `region`'s printed layout, or in `templates` when given; each table
    is found by its 表号 where it prints one, else by its title. Any problem raises WorkbookError.

    A workbook does not say whose layout it is in: without `region` it is read in 武汉市's, and when that
    fails in each other region's; the first that reads it whole is taken (the result's notes say which),
    else the problems of the one that got furthest are raised."""
    path = Path(path)
    if templates is not None:
        region = templates.region
    if region is not None:
        if not available_years(region):
            raise WorkbookError(f"“{path.name}”：没有“{region}”的表式（现有：{layouts_text()}）")
        return _read_in(path, read_sheets(path), region, templates)
    sheets = read_sheets(path)
    failures: list[tuple[str, WorkbookError]] = []
    for candidate in available_regions():  # 武汉市 first
        try:
            report, found, result = _read_in(path, sheets, candidate, None)
        except WorkbookError as exc:
            failures.append((candidate, exc))
            continue
        if failures:
            result.notes.insert(0, f"工作簿未写明地区：按{DEFAULT_REGION}表式读不通，按{candidate}表式读取")
        return report, found, result
    # A region without a layout for the workbook's year did not get far: the others' problems are shown.
    reached = [f for f in failures if not isinstance(f[1], NoLayout)] or failures[:1]
    best, error = min(reached, key=lambda failure: len(failure[1].problems))  # 武汉市 on a tie
    if len(reached) > 1:
        tried = "、".join(name for name, _ in reached)
        error = WorkbookError(
            f"{error}\n（已按{tried}的表式尝试，都读不通；以上是按{best}表式读取时的问题）",
            error.problems,
            error.detail,
        )
    raise error


def _read_in(
    path: Path, sheets: list[SheetCells], region: str, templates: TemplateSet | None
) -> tuple[Report, TemplateSet, ImportResult]:
    """read_workbook in one region's layout (or in `templates`)."""
    result = ImportResult(path=str(path))
    problems: list[str] = []
    titles = table_titles(region) if templates is None else titles_of(templates)
    candidates: dict[str, list[Candidate]] = defaultdict(list)
    selfeval_grids: list[SheetCells] = []
    for sheet in sheets:
        if not sheet.values:
            result.skipped.append(f"工作表“{sheet.title}”：空白")
            continue
        if is_summary_sheet(sheet):
            result.skipped.append(f"工作表“{sheet.title}”：审核结果，不含报表数据")
            continue
        if is_selfeval_sheet(sheet):
            selfeval_grids.append(sheet)
            continue
        found = find_candidates(sheet, titles, problems)
        if not found:
            result.skipped.append(f"工作表“{sheet.title}”：没有找到公开01–09表的标题或表号")
        for candidate in found:
            candidates[candidate.table].append(candidate)
    if problems:
        fail(path, problems)
    year = _year(candidates, sheets, path)
    if templates is None:
        try:
            templates = load_template_set(year, region)
        except TemplateError as exc:
            raise NoLayout(f"“{path.name}”：{exc}") from None
    elif templates.year != year:
        raise WorkbookError(f"“{path.name}”是{year}年度的报表，而所用表式是{templates.year}年度的")
    for table_id, found in candidates.items():
        if table_id not in templates.tables:
            result.skipped.extend(f"{c.where}：所用表式中没有这张表（{table_id}），未读取" for c in found)
    reads: dict[str, TableRead] = {}
    for table_id, template in templates.tables.items():
        found = candidates.get(table_id, [])
        if not found:
            problems.append(_not_found(template, year))
            continue
        attempts = [read_table(c, template) for c in found]
        real = [a for a in attempts if a.header_found]
        visible = [a for a in real if not a.candidate.sheet.hidden]
        if len(real) > 1 and len(visible) == 1:  # a copy kept on a hidden sheet: the visible one counts
            for other in real:
                if other is not visible[0]:
                    result.skipped.append(f"{other.candidate.where}：隐藏工作表上的另一份{template.printed}，未读取")
            attempts = [a for a in attempts if a is visible[0] or not a.header_found]
            real = visible
        if len(real) > 1:
            places = "、".join(a.candidate.where for a in real)
            problems.append(f"{template.printed}出现了 {len(real)} 次（{places}），不知道该读哪一张")
            continue
        if not real:
            problems.extend(attempts[0].problems)
            continue
        chosen = real[0]
        if chosen.candidate.sheet.hidden:
            result.notes.append(f"{template.printed}在隐藏的工作表“{chosen.candidate.sheet.title}”上，已照常读取")
        for other in attempts:
            if other is not chosen:
                result.skipped.append(
                    f"{other.candidate.where}“{other.candidate.anchors[0].text if other.candidate.anchors else ''}”：只是标题或目录，下面没有表格"
                )
        problems.extend(chosen.problems)
        reads[table_id] = chosen
    selfeval = []
    for sheet in selfeval_grids:
        reader = SelfEvalReader(sheet)
        table = reader.read()
        problems.extend(reader.problems)
        selfeval.append(table)
        header = table.get("header", {})
        name = header.get("项目名称") or header.get("单位名称") or header.get("表头单位名称") or ""
        count = sum(
            len(g2.get("indicators", []))
            for g in table.get("goals", [])
            for g1 in g.get("groups", [])
            for g2 in g1.get("groups", [])
        )
        result.selfeval.append(
            SelfEvalSource(
                sheet.title,
                f"{sheet_ref(sheet.title)}!A1:{get_column_letter(max(sheet.max_col, 1))}{sheet.max_row}",
                str(table.get("kind", "")),
                name,
                count,
            )
        )
    if problems:
        fail(path, problems)
    unit_name, amount_unit = _unit(reads, selfeval, path, result)
    kinds = [read.unit_kind for read in reads.values() if read.unit_kind]
    kind = max(set(kinds), key=kinds.count) if kinds else None
    report = Report(unit_name, year, amount_unit, unit_kind=kind, region=region)
    for table_id, read in reads.items():
        report.cells.update(read.cells)
        report.labels.update(read.labels)
        if read.variant:
            report.variants[table_id] = read.variant
        result.notes.extend(read.notes)
        result.skipped.extend(read.skipped)
        sheet = read.candidate.sheet
        first_col = min(
            (
                c
                for r in sheet.rows_between(read.candidate.start, read.last_row or read.candidate.start)
                for c in sheet.row_cols[r]
            ),
            default=1,
        )
        last_row = max(read.last_row, read.candidate.start)
        last_col = max(read.last_col, first_col)
        cells_range = f"{sheet_ref(sheet.title)}!{get_column_letter(first_col)}{read.candidate.start}:{get_column_letter(last_col)}{last_row}"
        result.tables.append(
            TableSource(table_id, read.template.printed, sheet.title, cells_range, read.rows, len(read.cells))
        )
    report.selfeval = selfeval
    _validate(report, templates, path)
    result.year, result.unit_name, result.amount_unit = year, unit_name, amount_unit
    return report, templates, result


def _not_found(template: TableTemplate, year: int) -> str:
    if template.number:
        return (
            f"找不到{template.printed}（{template.title}）：没有标题为“{year}年度{template.title}”"
            f"或表号为“{template.printed}”的表"
        )
    return f"找不到“{template.title}”：没有标题为“{year}年度{template.title}”或“{template.title}”的表"


def _year(candidates: dict[str, list[Candidate]], sheets: list[SheetCells], path: Path) -> int:
    years: Counter[int] = Counter()
    where: dict[int, str] = {}
    for found in candidates.values():
        for candidate in found:
            for anchor in candidate.anchors:
                if anchor.year:
                    years[anchor.year] += 1
                    where.setdefault(anchor.year, candidate.sheet.where(anchor.row, anchor.col))
    if not years:
        for sheet in sheets:
            for row in sheet.rows[:6]:
                for _, value in sheet.texts(row):
                    if isinstance(value, str) and "年度" in value:
                        match = YEAR.search(nfkc(value))
                        if match:
                            years[int(match.group(1))] += 1
                            where.setdefault(int(match.group(1)), sheet.title)
    if not years:
        if not any(candidates.values()):
            raise WorkbookError(
                f"“{path.name}”中找不到任何一张公开01–09表（按表号“公开01表”/“表1”或标题“收入支出决算总表”查找）"
            )
        raise WorkbookError(f"“{path.name}”：无法确定报表年度（表标题中应有“2023年度”这样的年度）")
    if len(years) > 1:
        listed = "、".join(f"{y}年度（{where[y]}）" for y in sorted(years))
        raise WorkbookError(f"“{path.name}”中各表的年度不一致：{listed}")
    return next(iter(years))


def _unit(reads: dict[str, TableRead], selfeval: list[dict], path: Path, result: ImportResult) -> tuple[str, str]:
    names: dict[str, str] = {}
    for read in reads.values():
        for name, where in read.unit_names:
            names.setdefault(name, where)
    if len(names) > 1:
        compact = {"".join(n.split()) for n in names}
        if len(compact) > 1:
            listed = "、".join(f"“{n}”（{w}）" for n, w in names.items())
            raise WorkbookError(f"“{path.name}”中各表的部门名称不一致：{listed}")
    if names:
        unit_name = next(iter(names))
    else:
        fallback = next(
            (t.get("header", {}).get("单位名称") for t in selfeval if t.get("header", {}).get("单位名称")), None
        )
        if not fallback:
            raise WorkbookError(f"“{path.name}”：找不到单位名称（表头应有“部门：……”或“单位名称：……”）")
        unit_name = fallback
        result.notes.append(f"表头没有“部门：……”，单位名称取自绩效自评表：{unit_name}")
    units = Counter(r.amount_unit for r in reads.values() if r.amount_unit)
    if not units:
        result.notes.append("表头没有“单位：万元”，按万元读取金额")
        return unit_name, "万元"
    unit = units.most_common(1)[0][0]
    if len(units) > 1:
        result.notes.append(
            "各表的金额单位不同（"
            + "、".join(f"{r.template.printed}：{r.amount_unit}" for r in reads.values() if r.amount_unit)
            + f"），各按其单位读取，报表以{unit}显示"
        )
    return unit_name, unit


def _validate(report: Report, templates: TemplateSet, path: Path) -> None:
    problems = []
    for address in report.cells:
        try:
            parse_address(address, templates)
        except AddressError as exc:
            problems.append(str(exc))
    for key in report.labels:
        try:
            parse_row_key(key, templates)
        except AddressError as exc:
            problems.append(str(exc))
    if problems:
        fail(path, problems)
