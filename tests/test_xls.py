"""Every workbook a unit sends: Excel 97–2003 (.xls), WPS (.et), pages named .xls, and blank markers."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.audit import audit
from core.commands import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, run_audit
from core.xlsx_export import export_workbook
from core.xlsx_import import WorkbookError, read_workbook
from tests.conftest import FIXTURES
from tests.test_xlsx import CASES, STYLES, _seed
from tests.xlsx_factory import build_workbook, to_xls

XLS_FIXTURES = FIXTURES / "xls"


def _same_report(again, report) -> None:
    assert (again.unit_name, again.year) == (report.unit_name, report.year)
    assert again.cells == report.cells
    assert again.labels == report.labels


@pytest.mark.parametrize(("seed", "style"), CASES)
def test_unit_workbooks_saved_as_xls_are_read_exactly(seed, style, tmp_path):
    report, templates = _seed(seed)
    built = build_workbook(report, templates, tmp_path / f"{seed}.xlsx", STYLES[style])
    xls = to_xls(built.path, tmp_path / f"{seed}-{style}.xls")
    again, _, result = read_workbook(xls)
    _same_report(again, report)
    assert again.amount_unit == STYLES[style].unit
    report.selfeval, report.amount_unit = [], again.amount_unit
    assert audit(templates, again) == audit(templates, report)
    assert len(result.tables) == 9
    from_xlsx = read_workbook(built.path)[2]
    assert result.notes == from_xlsx.notes  # hidden rows, rounding: said alike whatever the format


@pytest.mark.parametrize("seed", ["000", "001", "002", "003"])
def test_an_exported_workbook_saved_as_xls_gives_the_same_report_and_findings(seed, tmp_path):
    report, templates = _seed(seed)
    findings = audit(templates, report)
    xls = to_xls(export_workbook(report, templates, findings, tmp_path / "x.xlsx"), tmp_path / "x.xls")
    again, _, _ = read_workbook(xls)
    _same_report(again, report)
    assert again.selfeval == report.selfeval
    assert audit(templates, again) == findings


@pytest.mark.parametrize(
    ("fixture", "seed"), [("000-hand-typed-libreoffice.xls", "000"), ("003-yuan-libreoffice.xls", "003")]
)
def test_xls_written_by_libreoffice_is_read_exactly(fixture, seed, tmp_path):
    report, templates = _seed(seed)
    again, _, result = read_workbook(XLS_FIXTURES / fixture)
    _same_report(again, report)
    report.selfeval, report.amount_unit = [], again.amount_unit
    assert audit(templates, again) == audit(templates, report)
    if seed == "000":  # one sheet, codes over 类/款/项, text amounts, “—” blanks, hidden rows
        assert {t.sheet for t in result.tables} == {"部门决算公开表"}
        assert any("隐藏行" in n for n in result.notes)


def test_the_same_bytes_named_et_or_without_a_name_are_read_alike(tmp_path):
    source = XLS_FIXTURES / "000-hand-typed-libreoffice.xls"
    expected = read_workbook(source)[0]
    for name in ("单位报表.et", "单位报表.xlsx", "单位报表"):
        target = tmp_path / name
        shutil.copyfile(source, target)
        assert read_workbook(target)[0].cells == expected.cells
    xlsx_named_xls = tmp_path / "其实是xlsx.xls"
    report, templates = _seed("003")
    build_workbook(report, templates, xlsx_named_xls, STYLES["plain"])
    assert read_workbook(xlsx_named_xls)[0].cells == report.cells


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"<html><head><meta charset='utf-8'></head><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
        ("\ufeff<!DOCTYPE html><html><table><tr><td>收入支出决算总表</td></tr></table>".encode(), "网页"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", "单个文件网页"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "XML 电子表格",
        ),
    ],
)
def test_a_page_named_xls_is_refused_saying_what_it_is(content, what, tmp_path):
    path = tmp_path / "决算.xls"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=what) as caught:
        read_workbook(path)
    assert "另存为" in str(caught.value)


def test_other_files_named_xls_are_refused_in_chinese(tmp_path):
    text = tmp_path / "决算.xls"
    text.write_text("项目,金额\n收入,1\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="不是 Excel 工作簿.*文本文件"):
        read_workbook(text)
    empty = tmp_path / "空.et"
    empty.write_bytes(b"")
    with pytest.raises(WorkbookError, match="空文件"):
        read_workbook(empty)
    damaged = tmp_path / "截断.xls"
    damaged.write_bytes((XLS_FIXTURES / "003-yuan-libreoffice.xls").read_bytes()[:3000])
    with pytest.raises(WorkbookError, match="已损坏"):
        read_workbook(damaged)


def _blank_line_cells(path: Path, table: str) -> list:
    """The amount cells of a lines table's printed blank lines (行次 without a label) in an export."""
    workbook = load_workbook(path)
    ws = workbook[f"{table}表"]
    cells = []
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            label = ws.cell(cell.row, cell.column - 1).value if cell.column > 1 else "x"
            if isinstance(cell.value, int) and 1 <= cell.value <= 70 and label is None and cell.column % 3 == 2:
                cells.append(ws.cell(cell.row, cell.column + 1))
    return workbook, cells


@pytest.mark.parametrize("as_xls", [False, True])
def test_blank_markers_in_blank_lines_are_blank(as_xls, tmp_path):
    report, templates = _seed("000")
    path = export_workbook(report, templates, [], tmp_path / "x.xlsx")
    workbook, cells = _blank_line_cells(path, "公开01")
    assert len(cells) > 15
    markers = ["-", "—", "－", "/", " ", "——", "　"]
    for i, cell in enumerate(cells):
        cell.value = markers[i % len(markers)]
    workbook.save(path)
    if as_xls:
        path = to_xls(path, tmp_path / "x.xls")
    again, _, _ = read_workbook(path)
    assert again.cells == report.cells


@pytest.mark.parametrize("as_xls", [False, True])
def test_a_number_in_a_blank_line_is_refused_naming_the_cell(as_xls, tmp_path):
    report, templates = _seed("000")
    path = export_workbook(report, templates, [], tmp_path / "x.xlsx")
    workbook, cells = _blank_line_cells(path, "公开01")
    cells[0].value = "-"
    cells[3].value = 12.5
    workbook.save(path)
    if as_xls:
        path = to_xls(path, tmp_path / "x.xls")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    line = cells[3].offset(column=-1).value
    assert caught.value.problems == [f"公开01表!{cells[3].coordinate}：公开01表第{line}行是空行，不应填数"]


def test_a_value_under_a_merge_in_an_xls_is_refused(tmp_path):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")  # a title merged over a cell that still holds a figure
    sheet = book.add_sheet("封面", cell_overwrite_ok=True)
    sheet.write_merge(0, 0, 0, 3, "封面")
    sheet.write(0, 1, 123)
    covered = tmp_path / "covered.xls"
    book.save(str(covered))
    with pytest.raises(WorkbookError, match=r"封面!B1 有内容“123”，却被合并单元格 A1:D1 盖住"):
        read_workbook(covered)


def test_audit_reads_xls_and_et(tmp_path):
    for name in ("报表.xls", "报表.et"):
        target = tmp_path / name
        shutil.copyfile(XLS_FIXTURES / "003-yuan-libreoffice.xls", target)
        out, err = io.StringIO(), io.StringIO()
        code = run_audit(str(target), as_json=True, out=out, err=err)
        assert code in (EXIT_OK, EXIT_ERRORS), err.getvalue()
        assert "findings" in json.loads(out.getvalue())
    page = tmp_path / "网页.xls"
    page.write_bytes(b"<html><table></table></html>")
    err = io.StringIO()
    assert run_audit(str(page), as_json=False, out=io.StringIO(), err=err) == EXIT_UNREADABLE
    assert "网页文件" in err.getvalue()


def test_import_takes_an_et_into_the_database(tmp_path, capsys):
    from main import main

    target = tmp_path / "单位.et"
    shutil.copyfile(XLS_FIXTURES / "003-yuan-libreoffice.xls", target)
    database = tmp_path / "j.sqlite"
    assert main(["import", str(target), "--db", str(database)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    report, _ = _seed("003")
    assert report.unit_name in out
    exported = tmp_path / "back.json"
    assert (
        main(
            [
                "export",
                "--unit",
                report.unit_name,
                "--year",
                str(report.year),
                "--db",
                str(database),
                "-o",
                str(exported),
            ]
        )
        == 0
    )
    again = json.loads(exported.read_text(encoding="utf-8"))
    assert len(again["cells"]) == len(report.cells)
