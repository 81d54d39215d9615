"""Commands that use the database: import, export, restore a backup."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from core.commands import EXIT_OK, EXIT_UNREADABLE, load_report
from core.reportfile import ReportFileError, write_report
from core.version import version
from db.database import Database, DatabaseError, DatabaseInUse, default_path, restore_backup
from db.repository import explanations, find_report, import_report, load_report_by_name


def run_import(
    file: str, db_path: str | None, replace: bool, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """`import FILE`: the whole report goes in, or nothing does."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        report, _ = load_report(file)
    except ReportFileError as exc:
        print(f"无法读取报表：{exc}", file=err)
        return EXIT_UNREADABLE
    try:
        with Database.open(db_path) as db:
            existed = find_report(db, report.unit_name, report.year) is not None
            import_report(db, report, replace=replace)
    except DatabaseError as exc:
        print(f"导入失败，数据库未作改动：{exc}", file=err)
        return EXIT_UNREADABLE
    verb = "已覆盖" if existed else "已导入"
    print(
        f"{verb}“{report.unit_name}”{report.year}年度报表：{len(report.cells)} 个金额，{len(report.selfeval)} 张绩效自评表",
        file=out,
    )
    return EXIT_OK


def run_export(
    unit: str, year: int, db_path: str | None, output: str, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """`export --unit NAME --year YEAR -o OUT.json|OUT.xlsx` (a workbook is checked and coloured)."""
    out, err = out or sys.stdout, err or sys.stderr
    target = Path(output)
    if target.suffix.lower() not in (".json", ".xlsx"):
        print(f"导出文件名应以 .json 或 .xlsx 结尾：“{output}”", file=err)
        return EXIT_UNREADABLE
    try:
        with _open_for_reading(db_path) as db:
            report = load_report_by_name(db, unit, year)
            notes = explanations(db, find_report(db, unit, year).id)
        if target.suffix.lower() == ".xlsx":
            from core.audit import audit
            from core.templates import load_template_set
            from core.xlsx_export import export_workbook

            templates = load_template_set(report.year)
            export_workbook(report, templates, audit(templates, report), target, notes, program_version=version())
        else:
            write_report(report, target)
    except DatabaseError as exc:
        print(f"导出失败：{exc}", file=err)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"无法写入“{output}”（文件是否正在 Excel 中打开？）：{exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    print(f"已导出“{unit}”{year}年度报表到 {target}", file=out)
    return EXIT_OK


def _open_for_reading(db_path: str | None) -> Database:
    """Open as a writer would (so an older file is upgraded), or read-only while another instance has it."""
    try:
        return Database.open(db_path)
    except DatabaseInUse:
        return Database.open(db_path, read_only=True)


def run_restore(db_path: str | None, backup: str | None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`restore [--from BACKUP]`: put the newest good backup (or the one named) in place of the database.

    Refused (exit 2, file untouched) while the window or another program has the database.
    """
    out, err = out or sys.stdout, err or sys.stderr
    path = Path(db_path) if db_path else default_path()
    try:
        source, kept = restore_backup(path, Path(backup) if backup else None)
    except DatabaseError as exc:
        print(f"恢复失败：{exc}", file=err)
        if exc.detail:
            print(f"详细信息：{exc.detail}", file=err)
        return EXIT_UNREADABLE
    print(f"已用备份 {source.name} 恢复数据库 {path}" + (f"；原文件保存为 {kept.name}" if kept else ""), file=out)
    return EXIT_OK
