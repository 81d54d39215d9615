"""The commands that work on the database, through one AppContext that main.py opens for them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from app.context import AppContext
from app.errors import OperationFailed
from app.storage import restore
from core.commands import EXIT_OK, EXIT_UNREADABLE, load_report, print_unreadable
from core.reportfile import ReportFileError
from core.templates import DEFAULT_REGION
from db.database import Database, DatabaseError, DatabaseInUse, default_path


def open_context(db_path: str | Path | None, writing: bool) -> AppContext:
    """The database for one command. A command that only reads opens as a writer would (so an older
    file is upgraded), or read-only while another instance has the file; OperationFailed says why not."""
    try:
        try:
            return AppContext(Database.open(db_path))
        except DatabaseInUse:
            if writing:
                raise
            return AppContext(Database.open(db_path, read_only=True))
    except DatabaseError as exc:
        raise OperationFailed(str(exc), exc.detail) from exc


def _say_failure(prefix: str, failure: OperationFailed, err: TextIO) -> int:
    print(f"{prefix}{failure}", file=err)
    if failure.detail:
        print(f"详细信息：{failure.detail}", file=err)
    return EXIT_UNREADABLE


def run_import(
    file: str,
    db_path: str | None,
    replace: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
    region: str | None = None,
) -> int:
    """`import FILE [--region NAME]`: the whole report goes in, or nothing does (the file is read before the
    database opens); `region` is the layout of a file that does not say (see core.commands.load_report)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        report, _ = load_report(file, region)
    except ReportFileError as exc:
        print_unreadable(exc, err)
        return EXIT_UNREADABLE
    try:
        with open_context(db_path, writing=True) as context:
            outcome = context.import_report(report, replace=replace)
    except OperationFailed as failure:
        return _say_failure("导入失败，数据库未作改动：", failure, err)
    verb = "已覆盖" if outcome.replaced else "已导入"
    layout = "" if report.region == DEFAULT_REGION else f"（{report.region}表式）"
    print(
        f"{verb}“{report.unit_name}”{report.year}年度报表{layout}：{len(report.cells)} 个金额，{len(report.selfeval)} 张绩效自评表",
        file=out,
    )
    return EXIT_OK


def run_export(
    unit: str, year: int, db_path: str | None, output: str, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """`export --unit NAME --year YEAR -o OUT.json|OUT.xlsx` (a workbook is checked and coloured)."""
    out, err = out or sys.stdout, err or sys.stderr
    if Path(output).suffix.lower() not in (".json", ".xlsx"):
        print(f"导出文件名应以 .json 或 .xlsx 结尾：“{output}”", file=err)
        return EXIT_UNREADABLE
    notes: list[str] = []
    try:
        with open_context(db_path, writing=False) as context:
            info = context.find_report(unit, year)
            if info is None:
                raise OperationFailed(f"数据库中没有“{unit}”{year}年度的报表")
            target = context.open_session(info.id).export(output, notes)
    except OperationFailed as failure:
        return _say_failure("导出失败：", failure, err)
    print(f"已导出“{unit}”{year}年度报表到 {target}", file=out)
    for note in notes:
        print(f"  {note}", file=out)
    return EXIT_OK


def run_restore(db_path: str | None, backup: str | None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`restore [--from BACKUP]`: put the newest good backup (or the one named) in place of the database.

    Refused (exit 2, file untouched) while the window or another program has the database.
    """
    out, err = out or sys.stdout, err or sys.stderr
    try:
        restored = restore(db_path, Path(backup) if backup else None)
    except DatabaseError as exc:
        return _say_failure("恢复失败：", OperationFailed(str(exc), exc.detail), err)
    path = Path(db_path) if db_path else default_path()
    kept = f"；原文件保存为 {restored.kept.name}" if restored.kept else ""
    print(f"已用备份 {restored.backup.name} 恢复数据库 {path}{kept}。{restored.note}", file=out)
    return EXIT_OK
