"""A layout is named by region and year: found from resources/templates/<region>/<year>.yaml, carried by the
report file, the database and the commands (a region of its own is made here in a temporary templates root)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest

from core.audit import audit
from core.reportfile import ReportFileError, read_report, report_from_dict, report_to_dict, write_report
from core.templates import (
    DEFAULT_REGION,
    TemplateError,
    available_layouts,
    available_regions,
    available_years,
    load_template_set,
    set_templates_root,
)
from core.xlsx_export import export_workbook
from core.xlsx_import import locate
from db.database import Database, head_revision
from db.repository import create_report, import_report, load_report, report_info, set_cells
from main import main
from tests.conftest import SEED_REPORTS

WUHAN = Path(str(resources.files("resources") / "templates" / DEFAULT_REGION))
#: The region made for these tests: 2023 is Wuhan's 2023 layout, 2024 is Wuhan's 2023 layout as well
#: (lines 1–62), so 公开01 line 62 exists in 测试市 2024 and not in 武汉市 2024 (lines 1–60).
OTHER = "测试市"


def _as_other(year_file: str, year: int) -> str:
    text = (WUHAN / year_file).read_text(encoding="utf-8")
    text = text.replace(f"region: {DEFAULT_REGION}", f"region: {OTHER}", 1)
    return text.replace("year: 2023", f"year: {year}", 1).replace("title: 2023年度", f"title: {year}年度", 1)


@pytest.fixture
def root(tmp_path):
    """A templates root holding 武汉市 as shipped and 测试市 2023, 2024; the shipped root again afterwards."""
    folder = tmp_path / "templates"
    shutil.copytree(WUHAN, folder / DEFAULT_REGION)
    (folder / OTHER).mkdir()
    for year in (2023, 2024):
        (folder / OTHER / f"{year}.yaml").write_text(_as_other("2023.yaml", year), encoding="utf-8")
    previous = set_templates_root(folder)
    locate.table_titles.cache_clear()
    yield folder
    set_templates_root(previous)
    locate.table_titles.cache_clear()


def _line_62_column() -> int:
    return load_template_set(2024, OTHER).table("公开01").row_columns("62")[0]


# -- discovery -----------------------------------------------------------------------------------


def test_the_shipped_layouts_are_found_in_their_region_folder():
    assert {(DEFAULT_REGION, y) for y in (2022, 2023, 2024)} <= set(available_layouts())
    assert available_regions()[0] == DEFAULT_REGION
    assert {2022, 2023, 2024} <= set(available_years())
    templates = load_template_set(2024)
    assert (templates.region, templates.year) == (DEFAULT_REGION, 2024)
    assert load_template_set(2024, DEFAULT_REGION) is templates  # one object, however it is asked for


def test_a_new_region_folder_is_found_without_code(root):
    assert available_regions() == [DEFAULT_REGION, OTHER]
    assert available_years(OTHER) == [2023, 2024]
    assert (OTHER, 2024) in available_layouts()
    other = load_template_set(2024, OTHER)
    assert other.region == OTHER and other.year == 2024
    assert "62" in other.table("公开01").lines and "62" not in load_template_set(2024).table("公开01").lines


def test_files_that_are_not_layouts_are_not_listed(root):
    (root / OTHER / "说明.yaml").write_text("year: 1", encoding="utf-8")
    (root / OTHER / "2025.yaml.bak").write_text("", encoding="utf-8")
    (root / "2030.yaml").write_text("", encoding="utf-8")  # not in a region's folder
    set_templates_root(root)
    assert available_years(OTHER) == [2023, 2024] and 2030 not in available_years()


def test_a_file_whose_region_disagrees_with_its_folder_is_refused(root):
    text = (root / OTHER / "2024.yaml").read_text(encoding="utf-8")
    (root / OTHER / "2024.yaml").write_text(text.replace(f"region: {OTHER}", "region: 别的市", 1), encoding="utf-8")
    set_templates_root(root)
    with pytest.raises(TemplateError, match="测试市/2024.yaml：文件中写的地区是“别的市”，而文件在“测试市”文件夹中"):
        load_template_set(2024, OTHER)


def test_a_file_without_region_takes_its_folders_and_a_wrong_year_is_refused(root):
    text = (root / OTHER / "2024.yaml").read_text(encoding="utf-8")
    (root / OTHER / "2024.yaml").write_text(text.replace(f"region: {OTHER}", "", 1), encoding="utf-8")
    (root / OTHER / "2023.yaml").write_text(text.replace("year: 2024", "year: 2021", 1), encoding="utf-8")
    set_templates_root(root)
    assert load_template_set(2024, OTHER).region == OTHER
    with pytest.raises(TemplateError, match="测试市/2023.yaml：文件中写的年度是 2021"):
        load_template_set(2023, OTHER)


def test_an_unknown_layout_names_the_region_the_year_and_what_exists(root):
    with pytest.raises(TemplateError) as caught:
        load_template_set(2022, OTHER)
    assert str(caught.value) == "没有 测试市 2022 年度的表式（现有：武汉市 2022、2023、2024；测试市 2023、2024）"
    with pytest.raises(TemplateError, match="没有 上海市 2024 年度的表式"):
        load_template_set(2024, "上海市")


# -- the report file -----------------------------------------------------------------------------


def test_a_report_file_without_region_is_wuhans_and_is_written_with_it():
    data = json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))
    assert "region" not in data
    report, templates = report_from_dict(data)
    assert report.region == templates.region == DEFAULT_REGION
    written = report_to_dict(report)
    assert written["region"] == DEFAULT_REGION and list(written)[:4] == ["format", "unit", "region", "year"]
    assert report_from_dict(written)[0] == report


def test_a_report_file_of_another_region_is_read_in_its_layout(root, tmp_path):
    column = _line_62_column()
    data = {"format": "juesuan-report/1", "unit": {"name": "某局"}, "region": OTHER, "year": 2024}
    data["cells"] = {f"公开01:62:{column}": "12.34"}
    report, templates = report_from_dict(data, "a.json")
    assert (report.region, templates.region, report.cells) == (OTHER, OTHER, {f"公开01:62:{column}": 12_340_000})
    path = tmp_path / "a.json"
    write_report(report, path)
    assert read_report(path)[0] == report
    # The same cell in Wuhan's 2024 layout does not exist: the file is read in no other layout.
    with pytest.raises(ReportFileError, match="公开01表没有行次“62”"):
        report_from_dict(dict(data, region=DEFAULT_REGION))


def test_a_region_given_for_a_file_applies_only_where_the_file_does_not_say(root):
    data = json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))  # 2023, no region
    assert report_from_dict(data, region=OTHER)[0].region == OTHER
    with pytest.raises(ReportFileError, match="文件中写明地区为“武汉市”，与指定的地区“测试市”不一致"):
        report_from_dict(dict(data, region=DEFAULT_REGION), "000.json", region=OTHER)
    for wrong in ("", 7, ["武汉市"]):
        with pytest.raises(ReportFileError, match="region 应为地区名称"):
            report_from_dict(dict(data, region=wrong))
    with pytest.raises(
        ReportFileError, match=r"000.json：没有 北京市 2023 年度的表式（现有：武汉市 2022、2023、2024；测试市"
    ):
        report_from_dict(dict(data, region="北京市"), "000.json")


# -- the database --------------------------------------------------------------------------------


def test_the_database_keeps_the_region_and_checks_edits_against_its_layout(root, tmp_path):
    column = _line_62_column()
    data = {"format": "juesuan-report/1", "unit": {"name": "某局", "kind": "单位"}, "region": OTHER, "year": 2024}
    report, _ = report_from_dict(dict(data, cells={f"公开01:62:{column}": "1.00"}))
    with Database.open(tmp_path / "db.sqlite") as db:
        report_id = import_report(db, report)
        assert report_info(db, report_id).region == OTHER
        assert load_report(db, report_id) == report
        # 公开01 line 62 takes figures in 测试市 2024, not in 武汉市 2024: the edit is checked in the report's own.
        set_cells(db, report_id, [(f"公开01:62:{column}", 200_000)])
        assert load_report(db, report_id).cells == {f"公开01:62:{column}": 200_000}
        created = create_report(db, "另一局", 2023, region=OTHER)
        assert load_report(db, created).region == OTHER
        wuhan = create_report(db, "第三局", 2024)
        assert report_info(db, wuhan).region == DEFAULT_REGION
        with pytest.raises(Exception, match="没有行次“62”"):
            set_cells(db, wuhan, [(f"公开01:62:{column}", 1)])
        with pytest.raises(TemplateError, match="没有 测试市 2022 年度的表式"):
            create_report(db, "第四局", 2022, region=OTHER)


def test_a_database_of_revision_0005_keeps_its_reports_as_wuhans(tmp_path):
    path = tmp_path / "old.sqlite"
    with Database.open(path, revision="0005") as db, db.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO units (id, name) VALUES (1, '某局')")
        connection.exec_driver_sql(
            "INSERT INTO reports (id, unit_id, year, template_year, amount_unit, status, created_at, updated_at) "
            f"VALUES (1, 1, 2023, 2023, '万元', '草稿', '{datetime(2024, 1, 1)}', '{datetime(2024, 1, 1)}')"
        )
        connection.exec_driver_sql("INSERT INTO cell_values VALUES (1, '公开01:1:1', 81993540000)")
    with Database.open(path) as db:
        assert db.revision() == head_revision()
        report = load_report(db, 1)
        assert report.region == DEFAULT_REGION and report.cells == {"公开01:1:1": 81_993_540_000}
        assert report_info(db, 1).region == DEFAULT_REGION


# -- the commands --------------------------------------------------------------------------------


def run(args, capsys):
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_audit_without_region_is_as_before_and_region_names_the_layout(root, tmp_path, capsys):
    seed = str(SEED_REPORTS["000"])
    status, out, err = run(["audit", seed], capsys)
    assert status == 1 and out.startswith(
        f"{json.loads(Path(seed).read_text(encoding='utf-8'))['unit']['name']}　2023年度　审核结果"
    )
    assert run(["audit", seed, "--region", DEFAULT_REGION], capsys)[1] == out
    # The seed does not say its region: --region reads it in 测试市's 2023 layout (the same as Wuhan's here).
    status, other, _ = run(["audit", seed, "--region", OTHER], capsys)
    assert status == 1 and "　测试市表式　2023年度　审核结果" in other.splitlines()[0]
    status, _, err = run(["audit", seed, "--region", "北京市", "--json"], capsys)
    assert status == 2 and "没有 北京市 2023 年度的表式（现有：武汉市 2022、2023、2024；测试市 2023、2024）" in err
    report, _ = read_report(seed)
    report.region = OTHER
    marked = tmp_path / "marked.json"
    write_report(report, marked)
    status, out, _ = run(["audit", str(marked), "--json"], capsys)
    assert status == 1 and json.loads(out)["summary"]["region"] == OTHER
    status, _, err = run(["audit", str(marked), "--region", DEFAULT_REGION], capsys)
    assert status == 2 and "文件中写明地区为“测试市”，与指定的地区“武汉市”不一致" in err


def test_import_of_a_workbook_takes_the_region_it_is_given(root, tmp_path, capsys):
    report, templates = read_report(SEED_REPORTS["000"])
    book = export_workbook(report, templates, audit(templates, report), tmp_path / "000.xlsx", program_version="t")
    database = str(tmp_path / "db.sqlite")
    status, _, err = run(["import", str(book), "--db", database, "--region", "北京市"], capsys)
    assert status == 2 and "没有“北京市”的表式（现有：武汉市 2022、2023、2024；测试市 2023、2024）" in err
    status, out, _ = run(["import", str(book), "--db", database, "--region", OTHER], capsys)
    assert status == 0 and f"已导入“{report.unit_name}”2023年度报表（测试市表式）" in out
    with Database.open(database) as db:
        stored = load_report(db, 1)
    assert stored.region == OTHER and stored.cells == report.cells
    # Without --region a workbook is Wuhan's, as before.
    status, out, _ = run(["import", str(book), "--db", database, "--replace"], capsys)
    assert status == 0 and "已覆盖" in out and "表式）" not in out
    with Database.open(database) as db:
        assert load_report(db, 1).region == DEFAULT_REGION


def test_import_of_a_folder_into_a_department_takes_the_region(root, tmp_path, capsys):
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(SEED_REPORTS["000"], folder / "000.json")
    database = str(tmp_path / "db.sqlite")
    status, _, _ = run(["import", str(folder), "--department", "某部门", "--db", database, "--region", OTHER], capsys)
    assert status == 0
    with Database.open(database) as db:
        assert load_report(db, 1).region == OTHER


# -- the window ----------------------------------------------------------------------------------


def test_the_new_report_dialog_asks_for_region_and_year_and_the_window_names_the_region(root, qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QTreeWidgetItemIterator

    from app.context import AppContext
    from ui.dialogs import NewReportDialog
    from ui.main_window import MainWindow

    dialog = NewReportDialog()
    qtbot.addWidget(dialog)
    regions = [dialog.region.itemData(i) for i in range(dialog.region.count())]
    years = lambda: [dialog.year.itemData(i) for i in range(dialog.year.count())]  # noqa: E731
    assert regions == [DEFAULT_REGION, OTHER] and dialog.region.currentData() == DEFAULT_REGION
    assert years() == [2024, 2023, 2022] and dialog.year.currentData() == 2024
    dialog.region.setCurrentIndex(1)
    assert years() == [2024, 2023] and dialog.year.currentData() == 2024
    dialog.name.setText("某区人社局")
    values = dialog.values()
    assert (values["region"], values["year"]) == (OTHER, 2024)
    with Database.open(tmp_path / "empty.sqlite") as db:
        main = MainWindow(AppContext(db), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(main)
        report_id = main._create(values)
        assert main.session.report_id == report_id
        assert (main.session.templates.region, main.session.app.report().region) == (OTHER, OTHER)
        shown = []
        iterator = QTreeWidgetItemIterator(main.tree)
        while iterator.value():
            shown.append(iterator.value().text(0))
            iterator += 1
        assert "2024年度（测试市）" in shown
        wuhan = main._create({"unit_name": "另一局", "unit_code": None, "year": 2024, "kind": "单位"})
        assert main.session.report_id == wuhan and main.session.templates.region == DEFAULT_REGION
        main.close()


@pytest.mark.parametrize("region, year", available_layouts())
def test_every_shipped_layout_loads_and_every_rule_binds_on_an_empty_report(region, year):
    # The check a new region's file must pass (README "Adding a region"): it parses, its rules name cells
    # that exist, and the checker can run on it.
    from core.audit import Checker
    from core.report import Report

    templates = load_template_set(year, region)
    assert templates.region == region and templates.year == year and templates.tables
    assert Checker(templates, Report("空白单位", year, region=region)).findings() == []
