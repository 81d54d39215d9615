"""The `summary` command: a report's audit summary as a PDF, without a window."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from core.version import version
from ui.summary.output import write_pdf

EXIT_OK, EXIT_UNREADABLE = 0, 2
FILE_STATUS = "未入库（报表文件）"


def run_summary(
    file: str | None,
    unit: str | None,
    year: int | None,
    db_path: str | None,
    output: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`summary FILE|--unit NAME --year YEAR [--db DB] -o OUT.pdf`: the audit summary as a PDF,
    without a window. 0 when the PDF is written (whatever its verdict), 2 when the report cannot
    be read or the PDF cannot be written (the message says why)."""
    out, err = out or sys.stdout, err or sys.stderr
    target = Path(output)
    if target.suffix.lower() != ".pdf":
        print(f"输出文件名应以 .pdf 结尾：“{output}”", file=err)
        return EXIT_UNREADABLE
    from_file = file is not None and unit is None and year is None
    if not from_file and (file is not None or unit is None or year is None):
        print("请给出报表文件，或同时给出 --unit 与 --year（从数据库读取）", file=err)
        return EXIT_UNREADABLE
    if from_file:
        from core.commands import load_report

        try:
            report, templates = load_report(file)
        except ValueError as exc:  # ReportFileError, TemplateError: the message says why
            print(f"无法读取报表：{exc}", file=err)
            return EXIT_UNREADABLE
        explanations, status, source = {}, FILE_STATUS, Path(file).name
    else:
        from db.database import DatabaseError

        try:
            report, templates, explanations, status = _from_database(unit, year, db_path)
        except (DatabaseError, ValueError) as exc:
            print(f"无法读取数据库中的报表：{exc}", file=err)
            return EXIT_UNREADABLE
        source = None
    from core.audit import audit
    from core.summary import build_summary

    summary = build_summary(
        report,
        templates,
        audit(templates, report),
        explanations,
        status,
        datetime.now(),
        version(),
        source=source,
    )
    try:
        rendered = write_pdf(summary, target)
    except OSError as exc:
        print(f"无法写入“{output}”：{exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    print(f"已生成审核摘要 {target}（{rendered.pages} 页）：{summary.verdict.text}", file=out)
    return EXIT_OK


def _from_database(unit: str, year: int, db_path: str | None):
    """(report, templates, explanations, status) of a unit-year in the database."""
    from core.templates import load_template_set
    from db.database import Database
    from db.repository import ReportNotFound, explanations, find_report, load_report

    with Database.open(db_path, read_only=True) as db:
        info = find_report(db, unit, year)
        if info is None:
            raise ReportNotFound(f"没有“{unit}”{year}年度的报表")
        report = load_report(db, info.id)
        notes = explanations(db, info.id)
    return report, load_template_set(report.year), notes, info.status
