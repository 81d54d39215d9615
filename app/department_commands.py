"""The department's commands: import a folder of units' files, consolidate files or a department in the database."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from app.department import Department, FolderImport, export_consolidation
from core.commands import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, load_report
from core.consolidate import Consolidation, read_adjustments
from core.findings import SEVERITIES, SEVERITY_NAMES, Finding
from core.reportfile import ReportFileError
from core.templates import load_template_set
from db.database import Database, DatabaseError, DatabaseInUse


def _open(db_path: str | None, writing: bool) -> Database:
    """As a writer would (so an older file is upgraded), or read-only for reading while another instance has it."""
    try:
        return Database.open(db_path)
    except DatabaseInUse:
        if writing:
            raise
        return Database.open(db_path, read_only=True)


def run_import_into_department(
    paths: list[str],
    department: str,
    db_path: str | None,
    replace: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    region: str | None = None,
) -> int:
    """`import DIR|FILE --department NAME [--region NAME]`: each file all or nothing; exit 0 if every file was
    read, 2 if any was refused."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        with _open(db_path, writing=True) as db:
            folder = Path(paths[0]) if len(paths) == 1 and Path(paths[0]).is_dir() else None
            operations = Department(db)
            if folder is not None:
                result = operations.import_folder(folder, department, replace, region)
            else:
                result = operations.import_files(paths, department, replace, region)
    except DatabaseError as exc:
        print(f"导入失败，数据库未作改动：{exc}", file=err)
        return EXIT_UNREADABLE
    print_import(result, out, err)
    return EXIT_OK if result.read and not result.refused else EXIT_UNREADABLE


def print_import(result: FolderImport, out: TextIO, err: TextIO) -> None:
    """One summary of what was read, refused and why."""
    print(f"导入到部门“{result.department}”：读入 {len(result.read)} 个文件，拒绝 {len(result.refused)} 个", file=out)
    for name, unit, cells, replaced in result.read:
        print(f"  {'已覆盖' if replaced else '已导入'} {name}：“{unit}”，{cells} 个金额", file=out)
    for unit, before in result.moved:
        print(f"  “{unit}”原属“{before}”，已移到“{result.department}”之下", file=out)
    for name in result.skipped:
        print(f"  跳过 {name}（临时或隐藏文件）", file=out)
    if not result.read and not result.refused:
        print("  没有找到报表文件（.json）或工作簿（.xlsx）", file=err)
    for name, why in result.refused:
        print(f"  未导入 {name}：{why}", file=err)


def run_consolidate_files(
    files: list[str],
    adjust: str | None,
    unit: str,
    output: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`consolidate FILES... [--adjust ADJ] --unit NAME -o OUT`: 0 no 强制 finding, 1 some, 2 refused."""
    out, err = out or sys.stdout, err or sys.stderr
    reports = []
    try:
        for file in files:
            reports.append(load_report(file)[0])
        adjustments = read_adjustments(adjust, load_template_set(reports[0].year, reports[0].region)) if adjust else []
        consolidation = Consolidation(unit, reports, adjustments, sources=[f"“{Path(f).name}”" for f in files])
        export_consolidation(consolidation, output)
    except ReportFileError as exc:
        print(f"无法汇总：{exc}", file=err)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"无法写入“{output}”：{exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    return _print_consolidation(consolidation, [], output, out)


def run_consolidate_db(
    db_path: str | None,
    unit: str,
    year: int,
    adjust: str | None,
    output: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`consolidate --db DB --unit NAME --year YEAR -o OUT`: the stored adjustments, or those of `--adjust` instead."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        with _open(db_path, writing=False) as db:
            adjustments = read_adjustments(adjust, load_template_set(year)) if adjust else None
            consolidated = Department(db).consolidate(unit, year, adjustments)
        consolidated.export(output)
    except (DatabaseError, ReportFileError) as exc:
        print(f"无法汇总：{exc}", file=err)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"无法写入“{output}”：{exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    return _print_consolidation(consolidated.consolidation, consolidated.missing, output, out)


def _print_consolidation(consolidation: Consolidation, missing: list[str], output: str, out: TextIO) -> int:
    findings: list[Finding] = consolidation.findings()
    counts = Counter(f.severity for f in findings)
    print(
        f"已汇总“{consolidation.unit_name}”{consolidation.year}年度：{len(consolidation.units)} 个单位，"
        f"调整 {len(consolidation.adjustments)} 条，输出到 {output}",
        file=out,
    )
    print("审核：" + "，".join(f"{SEVERITY_NAMES[s]} {counts.get(s, 0)} 条" for s in SEVERITIES), file=out)
    for finding in findings:
        if finding.severity == "error":
            print(
                f"  [强制] {finding.message}（涉及：{'、'.join(consolidation.contributors(finding)) or '调整'}）",
                file=out,
            )
    for note in consolidation.notes():
        print(f"  注：{note}", file=out)
    if missing:
        print(f"  注：以下单位没有{consolidation.year}年度报表，未汇总：{'、'.join(missing)}", file=out)
    return EXIT_ERRORS if counts.get("error") else EXIT_OK
