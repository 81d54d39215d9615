"""The printed audit summary: its content (core, no Qt), the PDF read back, the print preview."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.audit import audit
from core.findings import Finding
from core.reportfile import read_report
from core.summary import (
    NOT_COMPUTED,
    SelfEvalResult,
    TableStatus,
    build_summary,
    selfeval_tables,
    value_text,
    verdict,
)
from tests.conftest import SEED_REPORTS

ROOT = Path(__file__).resolve().parents[1]
CHECKED_AT = datetime(2025, 3, 1, 9, 30)
VERSION = "0.1.0-test"

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (Debian package poppler-utils) is not installed"
)


def seed_summary(seed: str = "000", findings=None, explanations=None, change=None, **kwargs):
    report, templates = read_report(SEED_REPORTS[seed])
    if change:
        change(report)
    if findings is None:
        findings = audit(templates, report)
    summary = build_summary(
        report, templates, findings, explanations or {}, "草稿", CHECKED_AT, VERSION, source=f"{seed}.json", **kwargs
    )
    return summary, report, templates, findings


def many_errors(report) -> None:
    """Every 项 row of 公开03 column 1 off by 100 万元: dozens of errors over several pages."""
    for address in [a for a in report.cells if re.fullmatch(r"公开03:\d{7}:1", a)]:
        report.cells[address] += 100 * 1_000_000


def compact(text: str) -> str:
    """Text without any whitespace: table cells wrap messages over several lines."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run(["pdftotext", "-raw", *pages, str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


# -- the summary as data, no Qt ------------------------------------------------------------------


def test_core_summary_is_built_without_qt():
    program = (
        "import sys\n"
        "from datetime import datetime\n"
        "from core.audit import audit\n"
        "from core.reportfile import read_report\n"
        "from core.summary import build_summary\n"
        f"report, templates = read_report({str(SEED_REPORTS['000'])!r})\n"
        "s = build_summary(report, templates, audit(templates, report), {}, '草稿', datetime(2025, 3, 1), '0')\n"
        "assert s.findings and s.verdict.text\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'sqlalchemy')))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_seed_000_summary_content():
    summary, report, templates, findings = seed_summary("000")
    cover = summary.cover
    assert (cover.unit_name, cover.year, cover.amount_unit) == ("武汉市人力资源和社会保障局", 2023, "万元")
    assert cover.template_set == templates.title and cover.status == "草稿"
    assert cover.checked_at_text == "2025年3月1日 09:30" and cover.program_version == VERSION
    # The nine 公开表 in template order, then the self-evaluation tables in the report's order.
    names = [t.table for t in summary.tables]
    assert names[:9] == list(templates.tables)
    assert names[9:] == selfeval_tables(report)
    assert names[9] == "整体绩效自评" and names[10] == "项目绩效自评:2023年机关业务工作经费项目"
    assert summary.tables[0].printed == "公开01表" and summary.tables[0].title == "收入支出决算总表"
    # Every finding once, numbered through, grouped by table in table order.
    lines = summary.findings
    assert sorted(line.key for line in lines) == sorted(f.key for f in findings)
    assert [line.number for line in lines] == list(range(1, len(findings) + 1))
    assert [g.table for g in summary.groups] == [n for n in names if any(f.table == n for f in findings)]
    public05 = next(t for t in summary.tables if t.table == "公开05")
    assert public05.rounding == 14 and public05.status == "通过（14 尾差）"
    first = summary.groups[0].findings[0]
    assert first.severity_name == "尾差" and first.expected == "429.66" and first.actual == "429.67"
    assert first.diff == "0.01" and first.cells == ("公开05:2080506:1", "公开03:2080506:1")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "rounding")}
    assert (summary.verdict.errors, summary.verdict.warnings, summary.verdict.rounding) == (
        counts["error"],
        counts["warning"],
        counts["rounding"],
    )
    assert summary.verdict.passed == (counts["error"] == 0)
    # Without results from core.selfeval, the entered 总分 are shown and the rest is left open.
    # Without given results, core.selfeval computes them: seed 000's 整体 total 99.69 is right, grade 优.
    assert summary.selfeval[0] == SelfEvalResult("整体绩效自评", "99.69", "99.69", "优")
    assert [r.table for r in summary.selfeval] == selfeval_tables(report)


def test_explanations_and_unexplained_warnings():
    report, templates = read_report(SEED_REPORTS["001"])
    findings = [f for f in audit(templates, report) if f.table.startswith("公开")]
    warnings = [f for f in findings if f.severity == "warning"]
    assert len(warnings) >= 2
    explained = {warnings[0].key: "  打印表科目名称被截断，已与财政核对。 "}
    summary = build_summary(report, templates, findings, explained, "已审核", CHECKED_AT, VERSION)
    lines = {line.key: line for line in summary.findings}
    assert lines[warnings[0].key].explanation == "打印表科目名称被截断，已与财政核对。"
    assert not lines[warnings[0].key].unexplained
    assert all(lines[w.key].unexplained for w in warnings[1:])
    assert not any(line.unexplained for line in summary.findings if line.severity != "warning")
    n = len(warnings) - 1
    assert summary.verdict.level == "unexplained" and summary.verdict.passed
    assert summary.verdict.text == f"审核通过（有 {n} 条提示未说明）"
    assert f"已说明 1 条，未说明 {n} 条" in summary.verdict.detail
    everything = {w.key: "已核对" for w in warnings}
    summary = build_summary(report, templates, findings, everything, "已审核", CHECKED_AT, VERSION)
    assert summary.verdict.level == "passed" and summary.verdict.text == "审核通过"


def test_verdict_and_status_rules():
    assert TableStatus("公开01", "公开01表", "x").status == "通过"
    assert TableStatus("公开01", "公开01表", "x", rounding=3).status == "通过（3 尾差）"
    assert TableStatus("公开01", "公开01表", "x", errors=1, warnings=2, rounding=3).status == "1 错误，2 提示，3 尾差"
    assert TableStatus("公开01", "公开01表", "x", warnings=2).status == "2 提示"
    failed = verdict(
        [TableStatus("a", "a", "", errors=2, warnings=1, unexplained=1), TableStatus("b", "b", "", errors=1)]
    )
    assert (failed.passed, failed.level, failed.text) == (False, "failed", "存在 3 处强制性错误，不予通过")
    clean = verdict([TableStatus("a", "a", "", rounding=4)])
    assert (clean.passed, clean.text) == (True, "审核通过")
    assert "尾差 4 处（在尾数误差范围内，不影响审核结论）" in clean.detail


def test_selfeval_results_and_values():
    summary, *_ = seed_summary(
        "003",
        selfeval_results=[
            ("整体绩效自评", "92.27", Decimal("92.27"), "优"),
            ("项目绩效自评:社会保险业务工作经费项目", Decimal("92.27"), Decimal("88.4049"), "良"),
            ("项目绩效自评:另一个项目", None, None, None),
        ],
    )
    whole, project, other = summary.selfeval
    assert (whole.entered, whole.computed, whole.grade, whole.agrees) == ("92.27", "92.27", "优", True)
    assert (project.name, project.computed, project.agrees) == ("社会保险业务工作经费项目", "88.40", False)
    assert (other.entered, other.computed, other.grade, other.agrees) == ("", NOT_COMPUTED, NOT_COMPUTED, None)
    assert "项目绩效自评:另一个项目" in [t.table for t in summary.tables]  # a status row for every result
    assert value_text(123_456_789, "万元") == "123.46" and value_text(123_456, "元") == "1,234.56"
    assert value_text(Decimal("1.958333"), "万元") == "1.96" and value_text(Decimal("-0.02"), "万元") == "-0.02"
    assert value_text(None, "万元") == ""


def test_selfeval_findings_group_under_their_table():
    report, templates = read_report(SEED_REPORTS["003"])
    finding = Finding(
        "自评.总分",
        "error",
        "项目绩效自评:社会保险业务工作经费项目",
        ("项目绩效自评:社会保险业务工作经费项目:总分:得分",),
        Decimal("92.27"),
        Decimal("93.27"),
        Decimal("1.00"),
        "项目绩效自评“社会保险业务工作经费项目”总分应为 92.27，实为 93.27",
        "自评|x",
    )
    summary = build_summary(report, templates, [finding, finding], {}, None, CHECKED_AT, VERSION)
    (group,) = summary.groups
    assert (group.printed, group.title) == ("项目绩效自评", "社会保险业务工作经费项目")
    assert group.findings[0].expected == "92.27" and group.findings[0].diff == "1.00"
    assert summary.verdict.text == "存在 1 处强制性错误，不予通过" and summary.cover.status == "—"


# -- the PDF -------------------------------------------------------------------------------------


@pytest.fixture
def cjk(qapp):
    from ui.summary.fonts import cjk_family

    family = cjk_family()
    if family is None:
        pytest.skip("no Chinese font installed (Debian: apt-get install fonts-noto-cjk)")
    return family


def check_pdf(path: Path, summary, pages: int) -> str:
    text = pdf_text(path)
    flat = compact(text)
    assert compact(summary.heading) in flat and compact(summary.cover.unit_name) in flat
    assert compact(summary.verdict.text) in flat and compact(summary.verdict.detail) in flat
    for line in summary.findings:
        assert compact(line.message) in flat, line.message
    for page in range(1, pages + 1):
        footers = re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", pdf_text(path, page))
        assert footers == [(str(page), str(pages))]
    # Characters come back as printed (not as look-alike radicals such as ⼈ U+2F08, ⻔ U+2EED).
    assert not re.search("[\u2e80-\u2fdf]", text)
    assert b"/FontFile" in path.read_bytes()  # the font is embedded
    return text


@needs_pdftotext
def test_seed_000_pdf_has_every_finding_and_the_verdict(cjk, tmp_path):
    from ui.summary.output import write_pdf

    summary, *_ = seed_summary("000")
    path = tmp_path / "000.pdf"
    rendered = write_pdf(summary, path)
    assert rendered.font == cjk and rendered.pages >= 2
    text = check_pdf(path, summary, rendered.pages)
    for table in summary.tables:
        assert compact(table.title) in compact(text)
    for label in ("填报人", "审核人", "单位负责人", "日期"):
        assert label in text
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info and re.search(rf"Pages:\s+{rendered.pages}\n", info)


@needs_pdftotext
def test_many_findings_paginate(cjk, tmp_path):
    from ui.summary.output import write_pdf

    summary, *_ = seed_summary("000", change=many_errors)
    assert summary.verdict.errors >= 30 and not summary.verdict.passed
    path = tmp_path / "many.pdf"
    rendered = write_pdf(summary, path)
    assert rendered.pages >= 5
    text = check_pdf(path, summary, rendered.pages)
    assert compact(f"存在 {summary.verdict.errors} 处强制性错误，不予通过") in compact(text)
    assert "&" not in text


@needs_pdftotext
def test_report_without_findings(cjk, tmp_path):
    from ui.summary.output import write_pdf

    summary, *_ = seed_summary("003", findings=[])
    assert summary.verdict.text == "审核通过" and not summary.groups
    assert all(t.status == "通过" for t in summary.tables)
    path = tmp_path / "clean.pdf"
    rendered = write_pdf(summary, path)
    text = check_pdf(path, summary, rendered.pages)
    assert "未发现问题" in text and "社会保险业务工作经费项目" in compact(text)


@needs_pdftotext
def test_explanations_are_printed(cjk, tmp_path):
    from ui.summary.output import write_pdf

    report, templates = read_report(SEED_REPORTS["001"])
    findings = audit(templates, report)
    warnings = [f for f in findings if f.severity == "warning"]
    summary = build_summary(report, templates, findings, {warnings[0].key: "已与财政部门核对"}, "草稿", CHECKED_AT, "0")
    path = tmp_path / "001.pdf"
    rendered = write_pdf(summary, path)
    flat = compact(check_pdf(path, summary, rendered.pages))
    assert "说明：已与财政部门核对" in flat
    assert flat.count("说明：未说明") == len(warnings) - 1


def test_without_a_chinese_font_the_pdf_is_still_written(qapp, tmp_path, monkeypatch, capsys):
    import ui.summary.pages as pages
    from ui.summary.output import write_pdf

    monkeypatch.setattr(pages, "cjk_family", lambda: None)
    summary, *_ = seed_summary("003", findings=[])
    rendered = write_pdf(summary, tmp_path / "nofont.pdf")
    assert rendered.font is None and rendered.pages >= 1
    assert (tmp_path / "nofont.pdf").read_bytes().startswith(b"%PDF")
    assert "未找到中文字体" in capsys.readouterr().err


def test_print_to_a_printer(qapp, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.summary.output import print_summary
    from ui.summary.pages import page_layout

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageLayout(page_layout())
    summary, *_ = seed_summary("000")
    rendered = print_summary(summary, printer)
    assert rendered.pages >= 2 and (tmp_path / "printed.pdf").stat().st_size > 0


def test_preview_dialog_opens_offscreen(qtbot):
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    from ui.summary.output import preview_dialog

    summary, *_ = seed_summary("000")
    dialog = preview_dialog(summary)
    qtbot.addWidget(dialog)
    painted = []
    dialog.paintRequested.connect(lambda printer: painted.append(printer))
    dialog.show()
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: painted and preview.pageCount() >= 2, timeout=10_000)
    assert dialog.windowTitle().startswith("打印预览")
    dialog.reject()
    assert not dialog.isVisible()


def test_fix_to_unicode_maps_radicals_to_ideographs():
    from ui.summary.pdf_text import _fix_cmap

    cmap = (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n1 begincodespacerange\n<0000> <FFFF>\n"
        b"endcodespacerange\n2 beginbfrange\n<0000> <0000> <0000>\n<0001> <0003> [<2F08> <0032> <2EED>]\n"
        b"endbfrange\n1 beginbfrange\n<0004> <0005> <2F08>\nendbfrange\n1 beginbfchar\n<0006> <2F00>\nendbfchar\n"
        b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    known = {0x2F08: 0x4EBA, 0x2F09: 0x513F, 0x2EED: 0x95E8, 0x2F00: 0x4E00}
    fixed = _fix_cmap(cmap, known.get).decode()
    pairs = dict(re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>\n", fixed))
    assert pairs == {
        "0000": "0000",
        "0001": "4EBA",
        "0002": "0032",
        "0003": "95E8",
        "0004": "4EBA",
        "0005": "513F",
        "0006": "4E00",
    }
    assert fixed.startswith("/CIDInit") and fixed.endswith("end\nend\n")
    plain = cmap.replace(b"2F08", b"4EBA").replace(b"2EED", b"95E8").replace(b"2F00", b"4E00")
    assert _fix_cmap(plain, known.get) == plain  # nothing to correct: left as it is


def test_pages_keep_rows_whole_and_repeat_headers(qapp, tmp_path):
    from PySide6.QtGui import QPdfWriter

    from ui.summary.flow import summary_flow
    from ui.summary.fonts import cjk_family
    from ui.summary.pages import page_layout
    from ui.summary.pagination import Composer, Typesetter

    writer = QPdfWriter(str(tmp_path / "layout.pdf"))
    writer.setResolution(300)
    writer.setPageLayout(page_layout())
    size = writer.pageLayout().paintRectPixels(300).size()
    page_height = size.height() * 0.8
    summary, *_ = seed_summary("000", change=many_errors)
    items = summary_flow(summary)
    composer = Composer(items, Typesetter(writer, cjk_family(), size.width()), page_height)
    kind = {id(document): item for document, item in zip(composer.documents, items, strict=True)}
    assert len(composer.pages) >= 5
    placed = [kind[id(p.document)] for page in composer.pages for p in page]
    assert [i for i in placed if i.kind != "header"] == [i for i in items if i.kind != "header"]
    for page in composer.pages:
        for placement in page:
            assert placement.y >= 0 and placement.y + placement.document.size().height() <= page_height + 1
        first = kind[id(page[0].document)]
        if first.kind == "row":
            raise AssertionError("a table goes on over a page without its header")
        if first.kind == "header":
            assert kind[id(page[1].document)].table == first.table
        last = kind[id(page[-1].document)]
        assert last.kind not in ("heading", "header"), "a heading or a header at the foot of a page"


@needs_pdftotext
def test_a_row_taller_than_a_page(cjk, tmp_path):
    from ui.summary.output import write_pdf

    report, templates = read_report(SEED_REPORTS["003"])
    cells = tuple(f"公开03:{2080000 + n}:1" for n in range(1500))
    finding = Finding("公开03.科目汇总", "error", "公开03", cells, 100, 200, 100, "一条单元格极多的检查", "k")
    summary = build_summary(report, templates, [finding], {}, "草稿", CHECKED_AT, VERSION)
    path = tmp_path / "tall.pdf"
    rendered = write_pdf(summary, path)
    assert rendered.pages >= 3
    flat = compact(pdf_text(path))
    assert "一条单元格极多的检查" in flat and "公开03表“2081499”行第1栏" in flat  # the last cell, named as printed
    assert compact(summary.verdict.text) in flat


# -- the `summary` command (without a window) --------------------------------------------------


@needs_pdftotext
def test_summary_command_from_a_file(cjk, tmp_path, capsys):
    from ui.summary.command import EXIT_OK, FILE_STATUS, run_summary

    output = tmp_path / "out.pdf"
    assert run_summary(str(SEED_REPORTS["000"]), None, None, str(output), opener(None)) == EXIT_OK
    assert "已生成审核摘要" in capsys.readouterr().out
    flat = compact(pdf_text(output))
    assert compact(FILE_STATUS) in flat and "000.json" in flat and "武汉市人力资源和社会保障局" in flat


@needs_pdftotext
def test_summary_command_from_the_database(cjk, tmp_path):
    from db.database import Database
    from db.repository import import_report, set_explanation, set_status
    from ui.summary.command import EXIT_OK, run_summary

    report, templates = read_report(SEED_REPORTS["001"])
    warning = next(f for f in audit(templates, report) if f.severity == "warning")
    database = tmp_path / "desk.sqlite"
    with Database.open(database) as db:
        report_id = import_report(db, report)
        set_explanation(db, report_id, warning.key, warning.rule, "印刷表科目名称截断，已核对")
        set_status(db, report_id, "已审核")
    output = tmp_path / "db.pdf"
    assert run_summary(None, report.unit_name, report.year, str(output), opener(str(database))) == EXIT_OK
    flat = compact(pdf_text(output))
    assert "说明：印刷表科目名称截断，已核对" in flat and "报表状态已审核" in flat


def test_summary_command_refuses_what_it_cannot_do(qapp, tmp_path, capsys):
    from ui.summary.command import EXIT_UNREADABLE, run_summary

    seed = str(SEED_REPORTS["000"])
    assert run_summary(seed, None, None, str(tmp_path / "out.txt"), opener(None)) == EXIT_UNREADABLE
    assert ".pdf" in capsys.readouterr().err
    assert run_summary(seed, "某单位", 2023, str(tmp_path / "out.pdf"), opener(None)) == EXIT_UNREADABLE
    assert run_summary(None, "某单位", None, str(tmp_path / "out.pdf"), opener(None)) == EXIT_UNREADABLE
    assert "--unit" in capsys.readouterr().err
    assert (
        run_summary(str(tmp_path / "missing.json"), None, None, str(tmp_path / "out.pdf"), opener(None))
        == EXIT_UNREADABLE
    )
    assert "找不到文件" in capsys.readouterr().err
    from db.database import Database

    empty = tmp_path / "empty.sqlite"
    assert run_summary(None, "某单位", 2023, str(tmp_path / "out.pdf"), opener(str(empty))) == EXIT_UNREADABLE
    assert "无法读取数据库中的报表" in capsys.readouterr().err  # not created: read-only cannot set it up
    Database.open(empty).close()
    assert run_summary(None, "某单位", 2023, str(tmp_path / "out.pdf"), opener(str(empty))) == EXIT_UNREADABLE
    assert "没有“某单位”2023年度的报表" in capsys.readouterr().err
    assert not (tmp_path / "out.pdf").exists()


def test_summary_html_for_a_screen():
    from ui.summary.flow import summary_html

    summary, *_ = seed_summary("001")
    page = summary_html(summary, "Noto Serif CJK SC")
    assert page.startswith("<html>") and "Noto Serif CJK SC" in page
    assert summary.verdict.text in page and "未说明" in page
    assert all(html.escape(line.message) in page for line in summary.findings)


def test_amount_columns_hold_the_longest_amount():
    from ui.summary.flow import summary_flow

    report, templates = read_report(SEED_REPORTS["003"])
    report.amount_unit = "元"
    big = Finding("r", "error", "公开01", ("公开01:1:1",), 123_456_789_012, 1, -123_456_789_011, "金额很大", "k")
    summary = build_summary(report, templates, [big], {}, "草稿", CHECKED_AT, VERSION)
    assert summary.findings[0].expected == "1,234,567,890.12"
    header = next(i for i in summary_flow(summary) if i.kind == "header" and "应为" in i.html)
    assert "width='20%'>应为" in header.html and "width='27%'>问题" in header.html
    normal, *_ = seed_summary("000")
    header = next(i for i in summary_flow(normal) if i.kind == "header" and "应为" in i.html)
    assert 11 <= int(re.search(r"width='(\d+)%'>应为", header.html).group(1)) <= 13


def opener(db_path):
    """What main.py hands the summary command: the database, opened only when asked for."""
    from app.commands import open_context

    return lambda: open_context(db_path, writing=False)
