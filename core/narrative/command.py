"""`narrative REPORT [--previous PREV] -o OUT.docx`: the drafted 情况说明, and the check `audit --text` runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from core.narrative.check import NarrativeCheck, check_narrative
from core.narrative.document import DocumentError, read_document
from core.report import Report
from core.reportfile import ReportFileError, read_report
from core.templates import TemplateSet

EXIT_OK, EXIT_UNREADABLE = 0, 2


def run_narrative(
    report_path: str, previous_path: str | None, output: str, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Draft the 情况说明 of a report file as .docx; 0 written, 2 a file unreadable or the output refused."""
    out, err = out or sys.stdout, err or sys.stderr
    if Path(output).suffix.lower() != ".docx":
        print(f"输出文件应以 .docx 结尾：“{output}”", file=err)
        return EXIT_UNREADABLE
    try:
        report, templates = read_report(report_path)
        previous = read_report(previous_path)[0] if previous_path else None
    except ReportFileError as exc:
        print(f"无法读取报表：{exc}", file=err)
        return EXIT_UNREADABLE
    from core.narrative.docx_writer import write_docx
    from core.narrative.draft import draft_narrative

    draft = draft_narrative(report, templates, previous)
    try:
        write_docx(draft, output)
    except OSError as exc:
        print(f"无法写入“{output}”：{exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    print(f"已生成情况说明：{output}（待填写 {draft.blanks} 处，已用黄色标出）", file=out)
    return EXIT_OK


def check_text_file(
    report: Report, templates: TemplateSet, text_path: str, previous: Report | None = None
) -> NarrativeCheck:
    """`audit --text DOC`: check a written 情况说明 (.txt/.docx, the whole document is fine).

    Raises DocumentError (Chinese message) when the document cannot be read.
    """
    return check_narrative(report, templates, read_document(text_path), previous)


__all__ = ["DocumentError", "check_text_file", "run_narrative"]
