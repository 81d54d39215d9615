"""The `summary` command: a report's audit summary as a PDF, without a window."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from app.context import AppContext
from app.errors import OperationFailed
from core.version import version
from ui.summary.output import write_pdf

EXIT_OK, EXIT_UNREADABLE = 0, 2
FILE_STATUS = "未入库（报表文件）"


def run_summary(
    file: str | None,
    unit: str | None,
    year: int | None,
    output: str,
    open_context: Callable[[], AppContext] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`summary FILE|--unit NAME --year YEAR [--db DB] -o OUT.pdf`: the audit summary as a PDF,
    without a window. 0 when the PDF is written (whatever its verdict), 2 when the report cannot
    be read or the PDF cannot be written (the message says why).

    `open_context` gives the database's AppContext; it is called only for --unit/--year.
    """
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
        from core.audit import audit
        from core.commands import load_report
        from core.summary import build_summary

        try:
            report, templates = load_report(file)
        except ValueError as exc:  # ReportFileError, TemplateError: the message says why
            print(f"无法读取报表：{exc}", file=err)
            return EXIT_UNREADABLE
        summary = build_summary(
            report,
            templates,
            audit(templates, report),
            {},
            FILE_STATUS,
            datetime.now(),
            version(),
            source=Path(file).name,
        )
    else:
        try:
            with open_context() as context:
                info = context.find_report(unit, year)
                if info is None:
                    raise OperationFailed(f"没有“{unit}”{year}年度的报表")
                summary = context.open_session(info.id).summary(datetime.now())
        except OperationFailed as exc:
            print(f"无法读取数据库中的报表：{exc}", file=err)
            return EXIT_UNREADABLE
    try:
        rendered = write_pdf(summary, target)
    except OSError as exc:
        print(f"无法写入“{output}”：{exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    print(f"已生成审核摘要 {target}（{rendered.pages} 页）：{summary.verdict.text}", file=out)
    return EXIT_OK
