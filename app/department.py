"""The department: its units in a tree, its consolidated (汇总) report, the overview and the long table.

No Qt. The window builds one `Department` per database (`Department.from_context(context)`); every
error it raises is a `db.database.DatabaseError` or a `core.reportfile.ReportFileError` with a Chinese
message, which `app.errors.failing_as_operation` turns into OperationFailed like any other operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.audit import Change, Checker, compose
from core.consolidate import Adjustment, Consolidation, ConsolidationError
from core.findings import SEVERITIES, Finding
from core.money import amount_text, unit_fen
from core.report import Report
from core.templates import TemplateSet, load_template_set
from core.version import version
from db import repository, units
from db.database import Database
from db.models import DEPARTMENT, UNIT
from db.units import UnitError, UnitNode

#: The overview's column for every self-evaluation table of a unit.
SELFEVAL_COLUMN = "绩效自评"
READ_ONLY_REASON = "汇总表由各单位报表相加生成，不能直接修改；请修改单位报表或汇总调整"


@dataclass(frozen=True)
class Counts:
    """Findings of one unit in one table: 强制, 提示, 尾差, and the 提示 without a 说明."""

    error: int = 0
    warning: int = 0
    rounding: int = 0
    unexplained: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int]:
        return (self.error, self.warning, self.rounding, self.unexplained)


@dataclass(frozen=True)
class OverviewRow:
    unit: str
    report_id: int | None  # None: the unit has no report for the year
    status: str | None
    by_table: Mapping[str, Counts] = field(default_factory=dict)

    @property
    def total(self) -> Counts:
        return sum(self.by_table.values(), Counts())


@dataclass(frozen=True)
class Overview:
    """Units × tables: what the window shows and prints; `as_rows()` is the printable grid."""

    department: str
    year: int
    tables: tuple[str, ...]
    rows: tuple[OverviewRow, ...]

    def as_rows(self) -> list[list[str]]:
        """A header and one line per unit: each table as 强制/提示/尾差 (未说明 n), then the unit's totals."""

        def text(counts: Counts) -> str:
            if counts == Counts():
                return ""
            missing = f"（未说明 {counts.unexplained}）" if counts.unexplained else ""
            return f"{counts.error}/{counts.warning}/{counts.rounding}{missing}"

        grid = [["单位", "状态", *self.tables, "合计（强制/提示/尾差）"]]
        for row in self.rows:
            if row.report_id is None:
                grid.append([row.unit, "无报表", *([""] * len(self.tables)), ""])
                continue
            cells = [text(row.by_table.get(t, Counts())) for t in self.tables]
            grid.append([row.unit, row.status or "", *cells, text(row.total) or "0/0/0"])
        return grid


@dataclass(frozen=True)
class FolderImport:
    """What `import DIR` did: files read (file, unit, cells, replaced), refused (file, why), units moved."""

    department: str
    read: tuple[tuple[str, str, int, bool], ...]
    refused: tuple[tuple[str, str], ...]
    moved: tuple[tuple[str, str], ...] = ()
    skipped: tuple[str, ...] = ()


class ConsolidatedReport:
    """A department's 汇总 for a year: read-only, audited, kept up to date as its units are edited."""

    read_only = True
    read_only_reason = READ_ONLY_REASON

    def __init__(
        self, department: UnitNode, consolidation: Consolidation, report_ids: Mapping[str, int], missing: list[str]
    ):
        self.department = department
        self.consolidation = consolidation
        self.report_ids = dict(report_ids)
        self._units_by_report = {i: name for name, i in report_ids.items()}
        #: Units below the department that have no report for the year (not summed).
        self.missing = missing

    @property
    def unit_name(self) -> str:
        return self.department.name

    @property
    def year(self) -> int:
        return self.consolidation.year

    @property
    def amount_unit(self) -> str:
        return self.consolidation.amount_unit

    @property
    def templates(self):
        return self.consolidation.templates

    @property
    def checker(self) -> Checker:
        return self.consolidation.checker

    @property
    def units(self) -> list[str]:
        return list(self.consolidation.units)

    def value(self, address: str) -> int | None:
        return self.consolidation.value(address)

    def findings(self) -> list[Finding]:
        return self.consolidation.findings()

    def breakdown(self, address: str) -> list[tuple[str, int]]:
        """(unit, amount) for each unit that fills the cell; the adjustments are in `adjustments_at`."""
        return self.consolidation.breakdown(address)

    def adjustments_at(self, address: str) -> list[tuple[Adjustment, int]]:
        return self.consolidation.adjustments_at(address)

    def contributors(self, finding: Finding) -> list[str]:
        return self.consolidation.contributors(finding)

    def notes(self) -> list[str]:
        return self.consolidation.notes()

    def report(self) -> Report:
        return self.consolidation.report()

    def follow(self, report_id: int, values: Mapping[str, int | None]) -> Change:
        """A unit's cells changed (e.g. the cells of its session's OpChanges, with their new values)."""
        unit = self._units_by_report.get(report_id)
        if unit is None:
            return Change(frozenset(), (), ())
        return compose([self.consolidation.set(unit, a, v) for a, v in values.items()])

    def follow_labels(self, report_id: int, labels: Mapping[str, str | None]) -> Change:
        """A unit renamed rows (`table:row` → name, None removed)."""
        unit = self._units_by_report.get(report_id)
        if unit is None:
            return Change(frozenset(), (), ())
        return compose([self.consolidation.set_label(unit, *k.split(":"), v) for k, v in labels.items()])

    def export(self, path: str | Path) -> Path:
        return export_consolidation(self.consolidation, path)


def export_consolidation(consolidation: Consolidation, path: str | Path) -> Path:
    """The consolidated report as a report file (.json) or a checked workbook (.xlsx)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        from core.xlsx_export import export_workbook

        export_workbook(
            consolidation.report(),
            consolidation.templates,
            consolidation.findings(),
            target,
            {},
            program_version=version(),
        )
    elif suffix == ".json":
        from core.reportfile import write_report

        write_report(consolidation.report(), target)
    else:
        raise ConsolidationError(f"输出文件名应以 .json 或 .xlsx 结尾：“{target.name}”")
    return target


class Department:
    """Department operations over one open database."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def from_context(cls, context) -> Department:
        """From the program's AppContext (anything with the open database as `.db`)."""
        return cls(context.db)

    # -- the tree ----------------------------------------------------------------------------

    def tree(self, year: int | None = None) -> list[UnitNode]:
        return units.unit_tree(self.db, year)

    def create_unit(self, name: str, parent_id: int | None = None, kind: str = UNIT, code: str | None = None) -> int:
        return units.create_unit(self.db, name, parent_id, kind, code)

    def rename_unit(self, unit_id: int, name: str) -> None:
        units.rename_unit(self.db, unit_id, name)

    def move_unit(self, unit_id: int, parent_id: int | None) -> None:
        units.move_unit(self.db, unit_id, parent_id)

    def remove_unit(self, unit_id: int, with_children: bool = False) -> Path | None:
        """Removes the unit and its reports after a backup (its path is returned, for the message)."""
        return units.remove_unit(self.db, unit_id, with_children)

    def department(self, name_or_id: str | int) -> UnitNode:
        if isinstance(name_or_id, int):
            return units.subtree(self.db, name_or_id)
        node = units.find_unit(self.db, name_or_id)
        if node is None:
            raise UnitError(f"数据库中没有部门“{name_or_id}”")
        return node

    def ensure_department(self, name: str) -> UnitNode:
        """The department of that name, created at the top of the tree if new."""
        node = units.find_unit(self.db, name)
        if node is None:
            units.create_unit(self.db, name, None, DEPARTMENT)
            node = units.find_unit(self.db, name)
        elif node.kind != DEPARTMENT:
            raise UnitError(f"“{name}”在数据库中是单位，不是部门")
        return node

    # -- adjustments -------------------------------------------------------------------------

    def adjustments(self, department: str | int, year: int) -> list[Adjustment]:
        return units.adjustments(self.db, self.department(department).id, year)

    def set_adjustments(self, department: str | int, year: int, entries: Iterable[Adjustment]) -> None:
        entries = list(entries)
        from core.consolidate import spread

        spread(entries, load_template_set(year))  # refuses an entry the layout cannot take, before saving
        units.set_adjustments(self.db, self.department(department).id, year, entries)

    # -- the consolidation -------------------------------------------------------------------

    def consolidate(
        self, department: str | int, year: int, adjustments: Iterable[Adjustment] | None = None
    ) -> ConsolidatedReport:
        """The 汇总 of every 单位 below the department (all levels) with the department's adjustments and
        those of the departments inside it (or the `adjustments` given instead)."""
        node = units.subtree(self.db, self.department(department).id, year)
        found, missing = units.reports_below(self.db, node.id, year)
        figures = units.load_figures(self.db, [report_id for _, report_id in found])
        reports = [figures[report_id] for _, report_id in found]
        if adjustments is None:
            adjustments = [
                entry
                for inner in node.walk()
                if inner.kind == DEPARTMENT
                for entry in units.adjustments(self.db, inner.id, year)
            ]
        if not reports:
            raise ConsolidationError(f"“{node.name}”下没有{year}年度的单位报表，无法汇总")
        consolidation = Consolidation(node.name, reports, list(adjustments))
        ids = {figures[report_id].unit_name: report_id for _, report_id in found}
        return ConsolidatedReport(node, consolidation, ids, [n.name for n in missing])

    # -- the overview and the long table -----------------------------------------------------

    def overview(self, department: str | int, year: int) -> Overview:
        """Units × tables with counts of 强制/提示/尾差 and 提示 without 说明.

        Counts are kept in the database with a stamp (program version, latest edit-log entry), so only
        units changed since they were last counted are audited again.
        """
        node = units.subtree(self.db, self.department(department).id, year)
        members = [n for n in node.walk() if n.id != node.id and n.kind == UNIT]
        ids = [n.report_id for n in members if n.report_id is not None]
        counts = self.finding_counts(ids)
        explained = units.explained(self.db, ids)
        templates = load_template_set(year)
        tables = (*templates.tables, SELFEVAL_COLUMN)
        rows = []
        for member in members:
            if member.report_id is None:
                rows.append(OverviewRow(member.name, None, None))
                continue
            by_table = {}
            for table, entry in counts[member.report_id].items():
                missing = sum(1 for key in entry["warnings"] if key not in explained[member.report_id])
                by_table[table] = Counts(entry["error"], entry["warning"], entry["rounding"], missing)
            rows.append(OverviewRow(member.name, member.report_id, member.status, by_table))
        return Overview(node.name, year, tables, tuple(rows))

    def finding_counts(self, report_ids: list[int]) -> dict[int, dict]:
        """Per report: {table: {"error", "warning", "rounding", "warnings": [finding keys]}}, audited when stale."""
        current = units.stamps(self.db, report_ids, version())
        cached = units.cached_counts(self.db, report_ids)
        result, fresh = {}, {}
        for report_id in report_ids:
            stamp, counts = cached.get(report_id, (None, None))
            if stamp != current[report_id]:
                report = repository.load_report(self.db, report_id)
                templates = load_template_set(report.year, report.region)
                counts = counted(self.db, templates, report)
                fresh[report_id] = (current[report_id], counts)
            result[report_id] = counts
        units.store_counts(self.db, fresh)
        return result

    def long_table(self, department: str | int, year: int):
        """Every unit's figures as one pandas DataFrame: 单位, 表, 行, 栏, 行名称, 金额 (in 分 as `分`)."""
        import pandas as pd

        node = units.subtree(self.db, self.department(department).id, year)
        found, _ = units.reports_below(self.db, node.id, year)
        figures = units.load_figures(self.db, [report_id for _, report_id in found])
        templates = load_template_set(year)
        order = {t: i for i, t in enumerate(templates.tables)}
        records = []
        for report_id in (i for _, i in found):
            report = figures[report_id]
            names = _RowNames(templates, report.labels)
            for address in sorted(report.cells, key=lambda a: _address_order(a, order)):
                table, row, col = address.split(":")
                records.append((report.unit_name, table, row, int(col), names(table, row), report.cells[address]))
        frame = pd.DataFrame.from_records(records, columns=["单位", "表", "行", "栏", "行名称", "分"])
        frame.attrs["amount_unit"] = figures[found[0][1]].amount_unit if found else "万元"
        return frame

    def export_long_table(self, department: str | int, year: int, path: str | Path) -> Path:
        """The long table to .csv (UTF-8 with BOM, exact amounts as text) or .xlsx (amounts as numbers)."""
        frame = self.long_table(department, year)
        unit = frame.attrs["amount_unit"]
        target = Path(path)
        column = f"金额（{unit}）"
        suffix = target.suffix.lower()
        if suffix == ".csv":
            frame[column] = [amount_text(v, unit) for v in frame.pop("分")]
            frame.to_csv(target, index=False, encoding="utf-8-sig")
        elif suffix == ".xlsx":
            per_unit = unit_fen(unit)
            frame[column] = [v / per_unit for v in frame.pop("分")]
            frame.to_excel(target, index=False, sheet_name="明细")
        else:
            raise ConsolidationError(f"长表文件名应以 .csv 或 .xlsx 结尾：“{target.name}”")
        return target

    # -- many units at once ------------------------------------------------------------------

    def import_folder(
        self, folder: str | Path, department: str, replace: bool = False, region: str | None = None
    ) -> FolderImport:
        """Every report file (.json) and workbook (.xlsx) in the folder, each all or nothing, under the department;
        `region`: the layout of files that do not say (see core.commands.load_report)."""
        folder = Path(folder)
        if not folder.is_dir():
            raise UnitError(f"“{folder}”不是文件夹")
        files = sorted(
            (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".json", ".xlsx", ".xls", ".et")),
            key=str,
        )
        return self.import_files(files, department, replace, region)

    def import_files(
        self, files: Iterable[str | Path], department: str, replace: bool = False, region: str | None = None
    ) -> FolderImport:
        """Each file all or nothing; its unit is put under the department (created if new)."""
        from core.commands import load_report
        from core.reportfile import ReportFileError
        from db.database import DatabaseError

        node = self.ensure_department(department)
        read, refused, moved, skipped = [], [], [], []
        imported = {}
        for path in map(Path, files):
            if path.name.startswith(("~$", ".")):
                skipped.append(path.name)  # Excel's lock file of an open workbook, or a hidden file
                continue
            try:
                report, templates = load_report(str(path), region)
                if report.unit_name == node.name:
                    raise UnitError(
                        f"报表的单位就是部门“{node.name}”本身；部门本级请用单独的单位名称（如“{node.name}本级”）"
                    )
                existed = repository.find_report(self.db, report.unit_name, report.year) is not None
                report.unit_kind = None  # put under the department: a 单位 of it, whatever its tables print
                report_id = repository.import_report(self.db, report, replace=replace)
                before = units.place_under(self.db, report.unit_name, node.id)
            except (ReportFileError, DatabaseError) as exc:
                refused.append((path.name, str(exc)))
                continue
            if before is not None:
                moved.append((report.unit_name, before))
            read.append((path.name, report.unit_name, len(report.cells), existed))
            imported[report_id] = (templates, report)
        # Counted once every file is in: a folder may hold a unit's last year too (its 跨年 checks read it).
        counts = {i: counted(self.db, templates, report) for i, (templates, report) in imported.items()}
        stamps = units.stamps(self.db, list(counts), version())
        units.store_counts(self.db, {i: (stamps[i], c) for i, c in counts.items()})
        return FolderImport(node.name, tuple(read), tuple(refused), tuple(moved), tuple(skipped))


def counted(db: Database, templates: TemplateSet, report: Report) -> dict[str, dict]:
    """A unit's findings counted as its window shows them: with the 跨年 checks against its last year."""
    return count_findings(
        Checker(templates, report, repository.load_last_year(db, report.unit_name, report.year)).findings()
    )


def count_findings(findings: Iterable[Finding]) -> dict[str, dict]:
    """Findings counted by table (self-evaluation tables together), with the 提示 keys for 说明 lookups."""
    counts: dict[str, dict] = {}
    for finding in findings:
        table = finding.table if finding.table.startswith("公开") else SELFEVAL_COLUMN
        entry = counts.setdefault(table, {**dict.fromkeys(SEVERITIES, 0), "warnings": []})
        entry[finding.severity] += 1
        if finding.severity == "warning":
            entry["warnings"].append(finding.key)
    return counts


class _RowNames:
    """Row names for the long table: the unit's own, else the printed line's, else the catalogue's."""

    def __init__(self, templates, labels: Mapping[str, str]):
        from core.catalogue import load_catalogue

        self.templates, self.labels, self.load = templates, labels, load_catalogue

    def __call__(self, table_id: str, row: str) -> str:
        label = self.labels.get(f"{table_id}:{row}")
        if label:
            return label
        table = self.templates.table(table_id)
        if table.kind == "lines" and row in table.lines:
            return table.lines[row].label or ""
        return (self.load(table.catalogue).get(row) if table.catalogue else None) or ""


def _address_order(address: str, order: Mapping[str, int]) -> tuple:
    """Tables in printed order; 行次 (one or two digits) by number, codes as text (类, its 款, their 项 …)."""
    table, row, col = address.split(":")
    line = int(row) if row.isdigit() and len(row) <= 2 else -1
    return (order.get(table, len(order)), line, row, int(col))
