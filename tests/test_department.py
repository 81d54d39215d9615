"""The department in the database: the tree, folder import, consolidation, overview, long table, commands."""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest

from app.department import Counts, Department
from core.consolidate import Adjustment, adjustments_to_dict, scaled
from core.reportfile import read_report, report_to_dict, write_report
from db import repository, units
from db.database import Database
from db.models import DEPARTMENT
from db.units import UnitError
from main import main
from tests.conftest import SEED_REPORTS

DEPARTMENT_NAME = "武汉市人力资源和社会保障局"


@pytest.fixture(scope="module")
def seed000():
    return read_report(SEED_REPORTS["000"])


@pytest.fixture
def db(tmp_path):
    with Database.open(tmp_path / "dept.sqlite") as database:
        yield database


def unit_folder(path, seed, factors=(1, 2, 3)):
    """A folder of unit report files: seed 000 scaled by each factor."""
    path.mkdir()
    for k in factors:
        report = scaled(seed, k, f"下属单位{k}")
        report.selfeval = list(seed.selfeval) if k == 1 else []
        write_report(report, path / f"unit{k}.json")
    return path


def test_tree_create_rename_move_and_refuse_a_cycle(db):
    department = Department(db)
    top = department.create_unit(DEPARTMENT_NAME, kind=DEPARTMENT)
    school = department.create_unit("技师学院", top)
    canteen = department.create_unit("学院食堂", school)
    department.rename_unit(canteen, "学院后勤中心")
    with pytest.raises(UnitError, match="是它自己或它的下级单位"):
        department.move_unit(top, canteen)
    with pytest.raises(UnitError, match="是它自己或它的下级单位"):
        department.move_unit(school, school)
    with pytest.raises(UnitError, match="已有名为"):
        department.create_unit("技师学院", top)
    [root] = department.tree()
    assert [(n.name, n.kind) for n in root.walk()] == [
        (DEPARTMENT_NAME, "部门"),
        ("技师学院", "单位"),
        ("学院后勤中心", "单位"),
    ]
    department.move_unit(canteen, top)
    assert sorted(n.name for n in department.tree()[0].children) == ["学院后勤中心", "技师学院"]
    events = [e.event for e in repository.database_log(db)]
    assert events.count("新建单位") == 3 and "单位改名" in events and "移动单位" in events


def test_removing_a_unit_with_children_is_refused_unless_asked_and_a_backup_is_kept(db, seed000):
    seed, _ = seed000
    department = Department(db)
    top = department.create_unit(DEPARTMENT_NAME, kind=DEPARTMENT)
    school = department.create_unit("技师学院", top)
    department.create_unit("学院食堂", school)
    repository.import_report(db, scaled(seed, 1, "技师学院"))
    with pytest.raises(UnitError, match="下还有 1 个单位（学院食堂）"):
        department.remove_unit(school)
    assert units.find_unit(db, "技师学院") is not None
    backup = department.remove_unit(school, with_children=True)
    assert backup is not None and backup.exists()
    assert units.find_unit(db, "技师学院") is None and units.find_unit(db, "学院食堂") is None
    assert repository.find_report(db, "技师学院", 2023) is None
    with Database.open(backup, read_only=True) as before:
        assert repository.find_report(before, "技师学院", 2023) is not None


def test_importing_a_folder_with_one_broken_file_imports_the_rest_and_names_it(tmp_path, seed000, capsys):
    seed, _ = seed000
    folder = unit_folder(tmp_path / "units", seed)
    (folder / "broken.json").write_text(
        '{"format": "juesuan-report/1", "unit": {"name": "坏单位"}, "year": 2023, "cells": {"公开01:99:1": "1"}}',
        encoding="utf-8",
    )
    (folder / "~$unit1.xlsx").write_bytes(b"lock")
    (folder / "readme.txt").write_text("not a report", encoding="utf-8")
    path = tmp_path / "dept.sqlite"
    assert main(["import", str(folder), "--department", DEPARTMENT_NAME, "--db", str(path)]) == 2
    captured = capsys.readouterr()
    assert "读入 3 个文件，拒绝 1 个" in captured.out and "跳过 ~$unit1.xlsx" in captured.out
    assert "未导入 broken.json" in captured.err and "公开01:99:1" in captured.err
    with Database.open(path) as db:
        [root] = units.unit_tree(db, 2023)
        assert root.kind == "部门" and [c.name for c in root.children] == ["下属单位1", "下属单位2", "下属单位3"]
        assert all(c.status == "草稿" for c in root.children)
        assert repository.find_report(db, "坏单位", 2023) is None
    (folder / "broken.json").unlink()
    assert main(["import", str(folder), "--department", DEPARTMENT_NAME, "--db", str(path), "--replace"]) == 0


def test_a_folder_needs_a_department(tmp_path, seed000, capsys):
    folder = unit_folder(tmp_path / "units", seed000[0], (1,))
    assert main(["import", str(folder), "--db", str(tmp_path / "x.sqlite")]) == 2
    assert "--department" in capsys.readouterr().err


def test_consolidation_from_the_database_with_stored_adjustments_follows_unit_edits(db, tmp_path, seed000):
    seed, _ = seed000
    department = Department(db)
    result = department.import_folder(unit_folder(tmp_path / "units", seed), DEPARTMENT_NAME)
    assert len(result.read) == 3 and not result.refused
    offset = [Adjustment("公开01:4:1", -1_000_000, "上级补助收入与对附属单位补助支出抵销", True)]
    department.set_adjustments(DEPARTMENT_NAME, 2023, offset)
    assert department.adjustments(DEPARTMENT_NAME, 2023) == offset
    consolidated = department.consolidate(DEPARTMENT_NAME, 2023)
    assert consolidated.read_only and consolidated.units == ["下属单位1", "下属单位2", "下属单位3"]
    assert consolidated.value("公开01:1:1") == 6 * seed.cells["公开01:1:1"]
    assert consolidated.value("公开01:31:1") == 6 * seed.cells["公开01:31:1"] - 1_000_000
    assert consolidated.breakdown("公开01:1:1")[1] == ("下属单位2", 2 * seed.cells["公开01:1:1"])
    assert consolidated.report().selfeval == []
    # An edit in a unit's session reaches the consolidation through follow(): only what reads the cell.
    report_id = consolidated.report_ids["下属单位2"]
    repository.set_cells(db, report_id, [("公开03:2080105:1", 0)])
    change = consolidated.follow(report_id, {"公开03:2080105:1": 0})
    assert "公开03.本年支出合计" in {f.rule for f in change.appeared}
    fresh = department.consolidate(DEPARTMENT_NAME, 2023)
    assert consolidated.findings() == fresh.findings()
    assert consolidated.report() == fresh.report()


def test_overview_counts_findings_by_unit_and_table_and_missing_说明(db, tmp_path, seed000):
    seed, templates = seed000
    department = Department(db)
    department.import_folder(unit_folder(tmp_path / "units", seed), DEPARTMENT_NAME)
    top = units.find_unit(db, DEPARTMENT_NAME)
    department.create_unit("新设单位", top.id)
    overview = department.overview(DEPARTMENT_NAME, 2023)
    first = overview.rows[0]
    assert first.unit == "下属单位1"
    # Seed 000's own audit: 14 尾差 in 公开05, 2 强制 and 2 提示 in its self-evaluation tables, none explained.
    assert first.by_table["公开05"] == Counts(0, 0, 14, 0)
    assert first.by_table["绩效自评"] == Counts(2, 2, 0, 2)
    assert overview.rows[-1].unit == "新设单位" and overview.rows[-1].report_id is None
    assert overview.as_rows()[0][:3] == ["单位", "状态", "公开01"]
    # A 说明 written for one 提示 is counted at once; an edit is re-audited for that unit only.
    warning = next(f for f in repository_findings(db, first.report_id) if f.severity == "warning")
    repository.set_explanation(db, first.report_id, warning.key, warning.rule, "已核实")
    assert department.overview(DEPARTMENT_NAME, 2023).rows[0].by_table["绩效自评"].unexplained == 1
    repository.set_cells(db, first.report_id, [("公开01:27:1", seed.cells["公开01:27:1"] + 1_000_000)])
    assert department.overview(DEPARTMENT_NAME, 2023).rows[0].by_table["公开01"].error >= 1


def repository_findings(db, report_id):
    from core.audit import audit
    from core.templates import load_template_set

    report = repository.load_report(db, report_id)
    return audit(load_template_set(report.year), report)


def test_long_table_to_csv_and_xlsx(db, tmp_path, seed000):
    seed, _ = seed000
    department = Department(db)
    department.import_folder(unit_folder(tmp_path / "units", seed, (1, 2)), DEPARTMENT_NAME)
    csv = department.export_long_table(DEPARTMENT_NAME, 2023, tmp_path / "long.csv")
    frame = pd.read_csv(csv, dtype=str, encoding="utf-8-sig")
    assert list(frame.columns) == ["单位", "表", "行", "栏", "行名称", "金额（万元）"]
    assert len(frame) == 2 * len(seed.cells)
    row = frame[(frame["单位"] == "下属单位2") & (frame["表"] == "公开01") & (frame["行"] == "27")].iloc[0]
    assert row["金额（万元）"] == "168348.48" and row["行名称"] == "本年收入合计"
    xlsx = department.export_long_table(DEPARTMENT_NAME, 2023, tmp_path / "long.xlsx")
    sheet = pd.read_excel(xlsx)
    assert len(sheet) == len(frame) and sheet["金额（万元）"].sum() == pytest.approx(
        float(frame["金额（万元）"].astype(float).sum())
    )


def test_consolidate_files_command_with_adjustments(tmp_path, seed000, capsys):
    seed, _ = seed000
    folder = unit_folder(tmp_path / "units", seed)
    adjust = tmp_path / "adjust.json"
    entries = [Adjustment("公开01:4:1", -1_000_000, "抵销", True)]
    adjust.write_text(json.dumps(adjustments_to_dict(entries, 2023), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "dept.json"
    files = [str(p) for p in sorted(folder.glob("*.json"))]
    status = main(["consolidate", *files, "--adjust", str(adjust), "--unit", DEPARTMENT_NAME, "-o", str(out)])
    assert status in (0, 1)
    result, _ = read_report(out)
    assert result.unit_name == DEPARTMENT_NAME and result.selfeval == []
    assert result.cells["公开01:27:1"] == 6 * seed.cells["公开01:27:1"] - 1_000_000
    assert "3 个单位，调整 1 条" in capsys.readouterr().out
    xlsx = tmp_path / "dept.xlsx"
    assert main(["consolidate", *files, "--unit", DEPARTMENT_NAME, "-o", str(xlsx)]) in (0, 1) and xlsx.exists()


def test_consolidate_files_refuses_a_mismatched_amount_unit_naming_the_file(tmp_path, seed000, capsys):
    seed, _ = seed000
    folder = unit_folder(tmp_path / "units", seed, (1,))
    other = report_to_dict(scaled(seed, 1, "元单位"))
    other.update(amount_unit="元", cells={"公开01:1:1": "100.00"})
    (folder / "yuan.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    files = [str(folder / "unit1.json"), str(folder / "yuan.json")]
    assert main(["consolidate", *files, "--unit", "部门", "-o", str(tmp_path / "o.json")]) == 2
    assert "“yuan.json”的金额单位为“元”" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()


def test_consolidate_from_the_database_command(tmp_path, seed000, capsys):
    seed, _ = seed000
    path = tmp_path / "dept.sqlite"
    folder = unit_folder(tmp_path / "units", seed, (1, 4))
    assert main(["import", str(folder), "--department", DEPARTMENT_NAME, "--db", str(path)]) == 0
    out = tmp_path / "dept.json"
    assert main(["consolidate", "--db", str(path), "--unit", DEPARTMENT_NAME, "--year", "2023", "-o", str(out)]) in (
        0,
        1,
    )
    assert read_report(out)[0].cells["公开01:31:1"] == 5 * seed.cells["公开01:31:1"]
    assert main(["consolidate", "--db", str(path), "--unit", "没有的部门", "--year", "2023", "-o", str(out)]) == 2
    assert "没有部门“没有的部门”" in capsys.readouterr().err


def test_units_of_inner_departments_and_sub_units_are_summed(db, seed000):
    seed, _ = seed000
    department = Department(db)
    top = department.create_unit(DEPARTMENT_NAME, kind=DEPARTMENT)
    inner = department.create_unit("局属事业单位", top, kind=DEPARTMENT)
    school = department.create_unit("技师学院", inner)
    department.create_unit("学院食堂", school)
    rng = random.Random(1)
    factors = {"技师学院": rng.randint(1, 9), "学院食堂": rng.randint(1, 9)}
    for name, k in factors.items():
        repository.import_report(db, scaled(seed, k, name))
    department.set_adjustments("局属事业单位", 2023, [Adjustment("公开09:1:7", -100, "调整", False)])
    consolidated = department.consolidate(DEPARTMENT_NAME, 2023)
    assert consolidated.value("公开09:1:7") == sum(factors.values()) * seed.cells["公开09:1:7"] - 100


def test_overview_counts_the_cross_year_checks_and_follows_last_years_edits(db, tmp_path, seed000):
    """The window shows a unit's 跨年 findings (last year's 年末 ≠ this year's 年初): so does the overview,
    and an edit of last year's report is counted again, although this year's report did not change."""
    import copy

    from core.audit import Checker

    seed, templates = seed000
    department = Department(db)
    department.import_folder(unit_folder(tmp_path / "units", seed, factors=(1,)), DEPARTMENT_NAME)
    report = repository.load_report(db, repository.find_report(db, "下属单位1", 2023).id)
    previous = copy.deepcopy(report)
    previous.year = 2022
    previous.cells["公开01:60:2"] = report.cells["公开01:29:1"] + 1_000_000  # 1 万元 more than was carried over
    previous_id = repository.import_report(db, previous)

    def overview_warnings():
        return department.overview(DEPARTMENT_NAME, 2023).rows[0].by_table.get("公开01", Counts(0, 0, 0, 0)).warning

    def window_warnings(last_year):
        findings = Checker(templates, report, last_year).findings()
        return [f for f in findings if f.table == "公开01" and f.severity == "warning"]

    shown = window_warnings(repository.load_report(db, previous_id))
    assert any(f.rule.startswith("跨年.") for f in shown), "the carry-over differs by 1 万元"
    assert overview_warnings() == len(shown)
    repository.set_cells(db, previous_id, [("公开01:60:2", report.cells["公开01:29:1"])])
    assert overview_warnings() == len(window_warnings(repository.load_report(db, previous_id))) == len(shown) - 1
