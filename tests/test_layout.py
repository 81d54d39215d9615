"""One printed layout: the window's grid and the Excel export show the same cells, totals and names."""

from __future__ import annotations

from importlib import resources

import pytest
from openpyxl import load_workbook

from core.audit import audit
from core.layout import AMOUNT, NAME, is_total, printed_table, row_name
from core.templates import TemplateError, available_years, load_template_set, parse_template_set
from core.xlsx_export import export_workbook
from core.xlsx_import import read_workbook
from ui.grid import build_grid

UNKNOWN_CODE = "2089999"  # a 项 under 208 that no catalogue lists


def _rows(report, table_id):
    return {k.split(":")[1] for k in list(report.cells) + list(report.labels) if k.startswith(table_id + ":")}


@pytest.mark.parametrize("year", available_years())
def test_the_totals_of_the_lines_tables_are_declared_in_the_template(year):
    templates = load_template_set(year)
    for table_id in ("公开01", "公开04"):
        table = templates.table(table_id)
        declared = {n for n, line in table.lines.items() if line.total}
        named = {n for n, line in table.lines.items() if line.label and line.label.endswith(("合计", "总计"))}
        assert declared == named and len(declared) == 4
    # 使用非财政拨款结余 and 年初结转和结余 follow 本年收入合计 but are not totals.
    gk01 = templates.table("公开01")
    assert [is_total(gk01, n) for n in ("27", "28", "29")] == [True, False, False]


def test_a_total_marker_that_is_not_true_or_false_is_refused():
    yaml_text = (resources.files("resources") / "templates" / "武汉市" / "2023.yaml").read_text(encoding="utf-8")
    broken = yaml_text.replace("27: {label: 本年收入合计, total: true}", "27: {label: 本年收入合计, total: 是}", 1)
    assert broken != yaml_text
    with pytest.raises(TemplateError, match="第27行的 total 应为 true 或 false"):
        parse_template_set(broken, "2023.yaml")


def test_window_and_workbook_agree_on_every_bold_cell_and_name(seed_report, tmp_path):
    _, report, templates = seed_report
    report.cells[f"公开02:{UNKNOWN_CODE}:1"] = 1_000_000
    path = export_workbook(report, templates, audit(templates, report), tmp_path / "out.xlsx")
    workbook = load_workbook(path)
    for table in templates.tables.values():
        rows = _rows(report, table.id)
        grid = build_grid(table, rows, report.labels, editable_rows=False)
        sheet = workbook[table.printed]
        first = 4 + len(table.header)
        assert len(grid.body) == len(printed_table(table, rows, report.labels).body)
        for r, row in enumerate(grid.body):
            for c, cell in enumerate(row):
                excel = sheet.cell(first + r, 1 + c)
                if cell.kind in (AMOUNT, NAME) or (cell.kind == "text" and cell.text):
                    assert bool(excel.font.bold) == cell.bold, (table.id, excel.coordinate)
                if cell.kind == NAME:
                    assert excel.value == cell.text, (table.id, excel.coordinate)


def test_lines_28_and_29_of_gk01_are_plain_on_screen_and_in_excel(tmp_path):
    templates = load_template_set(2023)
    table = templates.table("公开01")
    grid = build_grid(table, set(), {})
    bold = {cell.text: cell.bold for row in grid.body for cell in row if cell.kind == "text" and cell.text}
    assert bold["本年收入合计"] and bold["总计"] and bold["本年支出合计"]
    assert not bold["使用非财政拨款结余"] and not bold["年初结转和结余"] and not bold["结余分配"]


def test_a_row_is_named_as_typed_else_as_catalogued_else_by_its_code():
    templates = load_template_set(2023)
    gk02, gk01 = templates.table("公开02"), templates.table("公开01")
    assert row_name(gk02, "2080101", {"公开02:2080101": "  行政运行（本单位） "}) == "行政运行（本单位）"
    assert row_name(gk02, "2080101", {}) == "行政运行"
    assert row_name(gk02, UNKNOWN_CODE, {}) == UNKNOWN_CODE
    assert row_name(gk02, UNKNOWN_CODE, {f"公开02:{UNKNOWN_CODE}": ""}) == UNKNOWN_CODE
    assert row_name(gk02, "合计", {}) == "合计"
    assert row_name(gk01, "27", {}) == "本年收入合计"
    assert row_name(gk01, "9", {}) == ""  # a printed blank line has no name


def test_a_code_outside_the_catalogue_without_a_name_is_shown_and_read_back_by_its_code(seed_report, tmp_path):
    _, report, templates = seed_report
    report.cells[f"公开02:{UNKNOWN_CODE}:1"] = 1_000_000
    report.labels.pop(f"公开02:{UNKNOWN_CODE}", None)
    grid = build_grid(templates.table("公开02"), _rows(report, "公开02"), report.labels)
    names = [
        cell.text for row in grid.body for cell in row if cell.kind == NAME and cell.row_key.endswith(UNKNOWN_CODE)
    ]
    assert names == [UNKNOWN_CODE]
    path = export_workbook(report, templates, audit(templates, report), tmp_path / "out.xlsx")
    again, _, _ = read_workbook(path)
    assert again.cells == report.cells
    assert again.labels[f"公开02:{UNKNOWN_CODE}"] == UNKNOWN_CODE
