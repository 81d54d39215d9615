"""Excel workbooks: export in the printed layout, import of exports and of workbooks as units send them."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from core.audit import audit
from core.report import Report
from core.reportfile import read_report, report_from_dict, report_to_dict
from core.xlsx_export import SUMMARY_SHEET, export_workbook
from core.xlsx_import import WorkbookError, read_workbook
from tests.conftest import SEED_REPORTS
from tests.xlsx_factory import Style, build_workbook, write_encrypted_container

ONE_WAN = 1_000_000


def _seed(seed: str):
    return read_report(SEED_REPORTS[seed])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each seed exported once: seed → (report, templates, findings, path)."""
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for seed in sorted(SEED_REPORTS):
        report, templates = _seed(seed)
        findings = audit(templates, report)
        path = export_workbook(report, templates, findings, folder / f"{seed}.xlsx", program_version="test")
        out[seed] = (report, templates, findings, path)
    return out


# -- round trip --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SEED_REPORTS))
def test_export_then_import_gives_the_same_report_and_findings(seed, exported):
    report, templates, findings, path = exported[seed]
    again, templates_again, result = read_workbook(path)
    assert templates_again is templates
    assert (again.unit_name, again.year, again.amount_unit) == (report.unit_name, report.year, report.amount_unit)
    assert again.cells == report.cells
    assert again.labels == report.labels
    assert again.selfeval == report.selfeval
    assert audit(templates, again) == findings
    assert [t.table for t in result.tables] == list(templates.tables)
    assert len(result.selfeval) == len(report.selfeval)
    assert any("审核结果" in s for s in result.skipped)


def test_round_trip_in_yuan_and_of_awkward_amounts(tmp_path):
    report, templates = _seed("003")
    report.amount_unit = "元"
    # 1 分, sub-cent 万元 values, zero, a negative and very large figures must come back to the same 分
    report.cells.update(
        {
            "公开02:2080101:3": 1,
            "公开02:2080101:4": 0,
            "公开02:2080101:5": -123_456,
            "公开02:2080101:6": 987_654_321_012_345,
            "公开01:28:1": 100_000_000_001,
        }
    )
    path = export_workbook(report, templates, audit(templates, report), tmp_path / "yuan.xlsx")
    again, _, _ = read_workbook(path)
    assert again.amount_unit == "元"
    assert again.cells == report.cells

    report.amount_unit = "万元"
    report.cells["公开02:2080101:3"] = 123_456_789_012_345  # 123 456 789.012345 万元: 15 digits
    path = export_workbook(report, templates, [], tmp_path / "wan.xlsx")
    assert read_workbook(path)[0].cells == report.cells


def test_a_row_without_a_label_comes_back_with_the_catalogue_name(tmp_path):
    report, templates = _seed("003")
    del report.labels["公开02:2080101"]
    path = export_workbook(report, templates, [], tmp_path / "x.xlsx")
    again, _, _ = read_workbook(path)
    assert again.cells == report.cells
    assert again.labels["公开02:2080101"] == "行政运行"  # the catalogue's name, as printed
    assert audit(templates, again) == audit(templates, report)


# -- the exported layout ------------------------------------------------------------------------


def test_export_prints_the_tables_as_published(exported):
    report, templates, _, path = exported["000"]
    wb = load_workbook(path)
    assert wb.sheetnames[0] == SUMMARY_SHEET
    assert wb.sheetnames[1:10] == [t.printed for t in templates.tables.values()]
    ws = wb["公开01表"]
    assert ws["A1"].value == "2023年度收入支出决算总表"
    assert ws["A2"].value == "公开01表"
    assert ws["A3"].value == "部门：武汉市人力资源和社会保障局"
    assert any(c.value == "单位：万元" for c in ws[3])
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$4:$6"
    values = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert values["A7"] == "一、一般公共预算财政拨款收入" and values["B7"] == 1 and values["C7"] == 81993.54
    assert ws["C7"].number_format == "#,##0.00"
    assert values["D7"] == "一、一般公共服务支出" and values["E7"] == 32
    assert "A4:C4" in {str(r) for r in ws.merged_cells.ranges}  # 收入 over 项目 | 行次 | 决算数
    assert any(isinstance(v, str) and v.startswith("注：1.本表反映") for v in values.values())

    ws = wb["公开04表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:C4", "D4:I4", "F5:I5", "A5:A6"} <= merged  # 决算数 over the four 财政拨款 columns
    assert [ws.cell(7, c).value for c in range(1, 10)] == ["栏次", None, 1, "栏次", None, 2, 3, 4, 5]

    ws = wb["公开02表"]
    assert [ws.cell(7, c).value for c in range(1, 4)] == ["合计", None, 84174.24]
    assert [ws.cell(8, c).value for c in range(1, 3)] == ["205", "教育支出"]
    assert ws.cell(10, 2).value == "学前教育" and ws.cell(10, 2).alignment.indent == 2

    ws = wb["公开06表"]  # three panels side by side, totals at the bottom
    assert [ws.cell(6, c).value for c in (1, 4, 7)] == ["301", "302", "310"]
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "人员经费合计")
    assert ws.cell(last, 3).value == 41389 and ws.cell(last, 4).value == "公用经费合计"
    assert ws.cell(last, 9).value == 5286.71


def test_findings_are_coloured_commented_and_linked(tmp_path):
    report, templates = _seed("000")
    report.cells["公开02:2050201:2"] += ONE_WAN * 100  # 9,899.28 → 9,999.28: breaks two identities
    findings = audit(templates, report)
    errors = [f for f in findings if f.severity == "error"]
    assert errors
    warning = next(f for f in findings if f.severity != "error")
    path = export_workbook(
        report, templates, findings, tmp_path / "x.xlsx", explanations={warning.key: "已核实"}, program_version="9.9"
    )
    wb = load_workbook(path)
    ws = wb["公开02表"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "2050201")
    cell = ws.cell(row, 4)  # 第2栏 财政拨款收入
    assert cell.fill.start_color.rgb.endswith("FFC7CE")
    assert "公开02.本年收入合计" in cell.comment.text and "应为" in cell.comment.text
    summary = wb[SUMMARY_SHEET]
    texts = [c.value for r in summary.iter_rows() for c in r if c.value is not None]
    assert "武汉市人力资源和社会保障局" in texts and "9.9" in texts and "已核实" in texts
    assert "强制" in texts and "尾差" in texts
    links = [c.hyperlink.location for r in summary.iter_rows() for c in r if c.hyperlink is not None]
    assert any(re.fullmatch(rf"'公开02表'!C{row}", link) for link in links)  # each finding links to its first cell


# -- workbooks as units send them ----------------------------------------------------------------

STYLES = {
    "plain": Style(),
    "hand-typed": Style(
        sheets="one",
        number="spaced",
        codes="split_sparse",
        amounts="text",
        blank="—",
        hidden_rows=True,
        indent_names=True,
        unit_line="one_cell",
        toc="plain",
    ),
    "other-software": Style(
        sheets="pairs",
        number="in_title",
        codes="split_full",
        amounts="mixed",
        blank="-",
        spaced_labels=True,
        lanci_label=False,
        unit_line="two_rows",
        sheet_names="generic",
    ),
    "yuan-no-table-number": Style(
        codes="with_name", unit="元", merged_titles=False, notes=False, number="none", sheet_names="titles"
    ),
}
CASES = [
    ("000", "plain"),
    ("000", "hand-typed"),
    ("001", "hand-typed"),
    ("001", "other-software"),
    ("002", "other-software"),
    ("002", "plain"),
    ("003", "yuan-no-table-number"),
    ("002", "yuan-no-table-number"),
]


@pytest.mark.parametrize(("seed", "style"), CASES)
def test_unit_workbooks_are_read_exactly(seed, style, tmp_path):
    report, templates = _seed(seed)
    built = build_workbook(report, templates, tmp_path / f"{seed}-{style}.xlsx", STYLES[style])
    again, templates_again, result = read_workbook(built.path)
    assert templates_again.year == report.year
    assert again.unit_name == report.unit_name
    assert again.amount_unit == STYLES[style].unit
    assert again.cells == report.cells
    assert again.labels == report.labels
    assert again.selfeval == []
    report.selfeval = []
    report.amount_unit = again.amount_unit  # rounding tolerances follow the printed unit
    assert audit(templates, again) == audit(templates, report)
    assert len(result.tables) == 9
    assert any("封面" in s for s in result.skipped)


def test_import_result_says_where_and_what_was_skipped(tmp_path):
    report, templates = _seed("000")
    built = build_workbook(report, templates, tmp_path / "x.xlsx", STYLES["hand-typed"])
    _, _, result = read_workbook(built.path)
    sheet = "部门决算公开表"
    assert all(t.sheet == sheet for t in result.tables)
    first = result.tables[0]
    assert first.cells_range.startswith(f"{sheet}!A1:") and first.amounts == 15
    assert any("隐藏行" in n for n in result.notes)
    assert any("注释" in s for s in result.skipped)
    assert any("只是标题或目录" in s for s in result.skipped)  # the cover's table of contents
    text = result.summary()
    assert "公开01表" in text and "未读取" in text


def test_a_json_and_its_workbook_audit_alike(tmp_path):
    data = json.loads(SEED_REPORTS["001"].read_text(encoding="utf-8"))
    data["cells"]["公开03:2080101:2"] = "1019.20"  # printed 1,018.20
    report, templates = report_from_dict(data)
    report.selfeval = []  # units' self-evaluation sheets come in too many layouts: tables only here
    built = build_workbook(report, templates, tmp_path / "x.xlsx", STYLES["other-software"])
    again, _, _ = read_workbook(built.path)
    assert report_to_dict(again)["cells"] == report_to_dict(report)["cells"]
    findings = audit(templates, again)
    assert findings == audit(templates, report)
    assert any(f.severity == "error" for f in findings)


# -- broken workbooks -----------------------------------------------------------------------------


def _refused(report: Report, templates, tmp_path: Path, **changes) -> tuple[WorkbookError, dict[str, str]]:
    built = build_workbook(report, templates, tmp_path / "broken.xlsx", replace(STYLES["plain"], **changes))
    with pytest.raises(WorkbookError) as caught:
        read_workbook(built.path)
    return caught.value, built.where


def test_missing_table(tmp_path):
    report, templates = _seed("000")
    error, _ = _refused(report, templates, tmp_path, drop_tables={"公开03"})
    assert "找不到公开03表" in str(error)


def test_missing_table_2022_names_it_as_printed(tmp_path):
    report, templates = _seed("002")
    error, _ = _refused(report, templates, tmp_path, drop_tables={"公开07"})
    assert "找不到表7" in str(error)


def test_text_in_an_amount_cell_names_the_cell(tmp_path):
    report, templates = _seed("000")
    error, where = _refused(report, templates, tmp_path, bad_amount=("公开02:2050201:2", "12a"))
    assert "金额“12a”无法识别" in str(error)
    assert where["公开02:2050201:2"] in str(error)


def test_duplicate_code(tmp_path):
    report, templates = _seed("001")
    error, _ = _refused(report, templates, tmp_path, duplicate_row="公开05:2080105")
    assert "“科目编码”2080105重复" in str(error)


def test_table_without_its_total_row(tmp_path):
    report, templates = _seed("000")
    error, _ = _refused(report, templates, tmp_path, drop_total="公开03")
    assert "公开03表没有“合计”行" in str(error)


@pytest.mark.parametrize("table", ["公开02", "公开01", "公开09"])
def test_table_without_its_lanci_row(table, tmp_path):
    report, templates = _seed("003")
    error, _ = _refused(report, templates, tmp_path, drop_lanci=table)
    assert f"{table}表的标题" in str(error) and "找不到栏次行" in str(error)


def test_lines_table_cut_short(tmp_path):
    report, templates = _seed("000")
    error, _ = _refused(report, templates, tmp_path, cut_lines_after=("公开01", 27))
    assert "公开01表缺少第28行" in str(error) and "不完整" in str(error)


def test_formula_without_a_saved_result(tmp_path):
    report, templates = _seed("003")
    error, where = _refused(report, templates, tmp_path, formula_at="公开01:1:1")
    assert "没有保存计算结果" in str(error) and where["公开01:1:1"] in str(error)


def test_several_problems_are_listed_together(tmp_path):
    report, templates = _seed("000")
    error, _ = _refused(
        report, templates, tmp_path, bad_amount=("公开05:合计:1", "八万"), drop_tables={"公开08"}, drop_total="公开02"
    )
    assert len(error.problems) == 3
    assert "有 3 处问题" in str(error)


def test_year_from_the_titles_must_agree(tmp_path):
    report, templates = _seed("003")
    built = build_workbook(report, templates, tmp_path / "x.xlsx", STYLES["plain"])
    wb = load_workbook(built.path)
    wb["公开05表"]["A1"] = "2022年度一般公共预算财政拨款支出决算表"
    wb.save(built.path)
    with pytest.raises(WorkbookError, match="年度不一致"):
        read_workbook(built.path)


def test_encrypted_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    write_encrypted_container(path)
    with pytest.raises(WorkbookError, match="密码"):
        read_workbook(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("单位,金额\n公开01,1\n".encode(), "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "97-2003"),
        (b"PK\x03\x04" + b"\0" * 100, "已损坏"),
    ],
)
def test_files_that_are_not_workbooks(content, expected, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=expected):
        read_workbook(path)


def test_truncated_and_foreign_zip_files(tmp_path, exported):
    whole = exported["003"][3].read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(WorkbookError, match="已损坏"):
        read_workbook(cut)
    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(WorkbookError, match="Word"):
        read_workbook(docx)
    with pytest.raises(WorkbookError, match="找不到文件"):
        read_workbook(tmp_path / "missing.xlsx")


def test_a_workbook_without_any_table(tmp_path):
    path = tmp_path / "empty.xlsx"
    wb = Workbook()
    wb.active["A1"] = "这里没有决算表"
    wb.save(path)
    with pytest.raises(WorkbookError, match="找不到任何一张"):
        read_workbook(path)


def test_selfeval_edge_cases_round_trip(tmp_path):
    report, templates = _seed("003")
    tables = copy.deepcopy(report.selfeval)
    tables[0]["total"] = ""  # an empty text is kept apart from a missing one
    del tables[1]["reason"]
    tables[1]["header"]["备注"] = "=100%"  # looks like a formula: stays text
    tables[1]["goals"][0]["groups"][0]["groups"][0]["indicators"][0]["target"] = "20"  # looks like a number
    report.selfeval = tables
    path = export_workbook(report, templates, [], tmp_path / "x.xlsx")
    assert read_workbook(path)[0].selfeval == tables


def test_a_copy_on_a_hidden_sheet_is_left_alone(tmp_path, exported):
    report, _, _, path = exported["003"]
    wb = load_workbook(path)
    copy_sheet = wb.copy_worksheet(wb["公开02表"])
    copy_sheet["C7"] = 1  # an old figure kept out of sight
    copy_sheet.sheet_state = "hidden"
    changed = tmp_path / "hidden.xlsx"
    wb.save(changed)
    again, _, result = read_workbook(changed)
    assert again.cells == report.cells
    assert any("隐藏工作表" in s for s in result.skipped)


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed")
def test_a_workbook_saved_again_by_libreoffice_reads_the_same(tmp_path, exported):
    report, _, _, path = exported["003"]
    out = tmp_path / "out"
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    if not (out / path.name).exists():  # LibreOffice without Calc converts nothing, and says so only on stderr
        pytest.skip("LibreOffice has no Calc (libreoffice-calc) to save the workbook with")
    again, _, _ = read_workbook(out / path.name)
    assert (again.cells, again.labels, again.selfeval) == (report.cells, report.labels, report.selfeval)
