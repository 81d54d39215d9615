"""Catalogues per year and region, and codes a user adds to one report (file, database, session, undo)."""

import csv
import json
from pathlib import Path

import pytest

from app.context import AppContext
from app.errors import OperationFailed
from core.audit import audit
from core.catalogue import CatalogueError, addition_problem, catalogue_year, load_catalogue, same_name
from core.reportfile import ReportFileError, read_report, report_from_dict, write_report
from tests.conftest import FIXTURES, SEED_REPORTS

SHARED_REPORTS = Path("/work/shared/seeds/reports")
REPORT_FILES = sorted((FIXTURES / "reports").glob("*.json")) + sorted(SHARED_REPORTS.glob("*.json"))
SHANGHAI = FIXTURES / "catalogue" / "shanghai_putuo_2024_codes.csv"
#: Printed names the seeds get wrong (cut off or misprinted); tests/test_seeds.py checks they are 提示.
MISPRINTED = {
    "其他巩固脱贫攻坚成果衔接乡村振兴支",
    "劳动关系的维权",
    "其他商品和服务支",
    "公务用车运行维护",
    "房租补贴",
}
UNKNOWN = "2089999"  # a 项 under 208 that no catalogue lists


def printed_codes(data: dict) -> set[tuple[str, str]]:
    """(table, code) of every classification row a report file fills or names."""
    codes = set()
    for key in [*data["cells"], *data.get("labels", {})]:
        table, row = key.split(":")[:2]
        if row.isdigit() and table not in ("公开01", "公开04", "公开09"):
            codes.add((table, row))
    return codes


@pytest.mark.parametrize("path", REPORT_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_code_a_seed_prints_is_in_the_catalogue_of_its_year_with_its_printed_name(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    codes = printed_codes(data)
    assert len(codes) > 100
    for table, code in codes:
        catalogue = load_catalogue("economic" if table == "公开06" else "function", data["year"])
        assert code in catalogue, (path.name, table, code)
        printed = data.get("labels", {}).get(f"{table}:{code}")
        if printed and printed not in MISPRINTED:
            assert same_name(printed, catalogue[code]), (table, code, printed, catalogue[code])


def test_the_seed_reports_find_no_code_outside_the_catalogue(seed_report):
    _, report, templates = seed_report
    assert not [f for f in audit(templates, report) if f.rule.endswith(".科目编码")]


def shanghai_codes() -> list[dict[str, str]]:
    with SHANGHAI.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_code_the_shanghai_2024_documents_print_is_in_the_2024_catalogue_with_its_name():
    rows = shanghai_codes()
    assert {r["document"] for r in rows} == {"putuo_czj_2024.txt", "putuo_ghzy_2024.txt", "putuo_shgzb_2024.txt"}
    for row in rows:
        catalogue = load_catalogue(row["kind"], 2024, "上海市")
        assert catalogue.get(row["code"]) == row["name"], row
    # Codes the one global list lacked: 财政事务, 社会工作事务, 城乡社区管理事务, 自然资源事务 …
    found = {r["code"] for r in rows}
    assert {"20106", "2010608", "20139", "2013999", "21201", "21202", "22001", "2200150"} <= found


def test_the_shanghai_table_lists_what_the_texts_print():
    """The fixture was read from the texts: every code in it is printed in its document's tables."""
    for row in shanghai_codes():
        text = (FIXTURES / "regions" / "shanghai-putuo-2024" / row["document"]).read_text(encoding="utf-8")
        code = row["code"]
        spaced = " ".join(filter(None, (code[:3], code[3:5], code[5:])))
        assert code in text or spaced.replace(" ", "   ") in text or code[3:] in text, row
        if row["kind"] == "function":
            assert row["name"][:4] in text, row


def test_a_code_new_in_2024_is_not_in_the_catalogues_before():
    assert load_catalogue("function", 2024)["20139"] == "社会工作事务"
    assert "20139" not in load_catalogue("function", 2023)
    assert "20139" not in load_catalogue("function", 2022)


def test_a_year_without_a_catalogue_uses_the_newest_before_it_else_the_oldest():
    assert catalogue_year(2025) == 2024
    assert catalogue_year(2023) == 2023
    assert catalogue_year(2010) == 2022


def make_catalogues(root: Path, region_rows: str | None) -> Path:
    (root / "2024").mkdir(parents=True)
    (root / "2024" / "function.csv").write_text("code,name\n208,社会保障和就业支出\n20801,人力资源和社会保障管理事务\n")
    (root / "2024" / "economic.csv").write_text("code,name\n301,工资福利支出\n")
    if region_rows is not None:
        (root / "某市" / "2024").mkdir(parents=True)
        (root / "某市" / "2024" / "function.csv").write_text("code,name\n" + region_rows)
    return root


def test_a_region_folder_adds_and_renames_codes_for_that_region_only(tmp_path):
    root = make_catalogues(tmp_path / "catalogues", "2080199,某市特有科目\n20801,人社管理事务\n")
    national = load_catalogue("function", 2024, root=root)
    regional = load_catalogue("function", 2024, "某市", root=root)
    assert "2080199" not in national and regional["2080199"] == "某市特有科目"
    assert national["20801"] == "人力资源和社会保障管理事务" and regional["20801"] == "人社管理事务"
    assert load_catalogue("function", 2024, "武汉市", root=root) == national


def test_a_catalogue_line_without_its_parent_is_refused(tmp_path):
    root = make_catalogues(tmp_path / "catalogues", "2089901,无上级的项\n")
    with pytest.raises(CatalogueError, match="上级科目“20899”不在目录中"):
        load_catalogue("function", 2024, "某市", root=root)


def test_an_added_code_must_be_digits_of_the_right_length_and_have_a_name():
    assert addition_problem("function", "20899", "") == "请填写科目“20899”的名称"
    assert "应为 3、5、7 位数字" in addition_problem("function", "208999", "x")
    assert "应为 3、5 位数字" in addition_problem("economic", "3029", "x")
    assert "应为 3、5、7 位数字" in addition_problem("function", "２０８９９", "x")  # full-width digits
    assert "已在目录中" in addition_problem("function", "208", "x", load_catalogue("function", 2024))
    assert addition_problem("function", UNKNOWN, "其他社会保障和就业支出") is None


# -- the report file --------------------------------------------------------------------------------


def seed_with_unknown_row(seed: str = "000") -> dict:
    data = json.loads(SEED_REPORTS[seed].read_text(encoding="utf-8"))
    data["cells"][f"公开02:{UNKNOWN}:1"] = "1.00"
    return data


def test_an_unknown_code_is_a_warning_that_says_the_catalogue_may_lack_it_and_how_to_add_it():
    report, templates = report_from_dict(seed_with_unknown_row())
    (finding,) = [f for f in audit(templates, report) if f.rule == "公开02.科目编码"]
    assert finding.severity == "warning"
    assert f"“{UNKNOWN}”不在2023年度支出功能分类科目目录中" in finding.message
    assert "目录可能缺少该科目" in finding.message and "添加到科目目录" in finding.message


def test_a_code_added_in_the_report_file_is_accepted_and_named(tmp_path):
    data = seed_with_unknown_row()
    data["catalogue_additions"] = {"function": {UNKNOWN: "其他社会保障和就业支出"}}
    report, templates = report_from_dict(data)
    assert report.catalogue_additions == {"function": {UNKNOWN: "其他社会保障和就业支出"}}
    findings = audit(templates, report)
    assert not [f for f in findings if f.cells == (f"公开02:{UNKNOWN}",)]
    write_report(report, tmp_path / "out.json")
    written = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert written["catalogue_additions"] == {"function": {UNKNOWN: "其他社会保障和就业支出"}}
    again, _ = read_report(tmp_path / "out.json")
    assert again.catalogue_additions == report.catalogue_additions


def test_a_report_file_without_additions_writes_none():
    report, _ = report_from_dict(json.loads(SEED_REPORTS["003"].read_text(encoding="utf-8")))
    assert report.catalogue_additions == {}
    from core.reportfile import report_to_dict

    assert "catalogue_additions" not in report_to_dict(report)


@pytest.mark.parametrize(
    "additions, message",
    [
        ({"functional": {}}, "catalogue_additions 的键应为 function"),
        ({"function": ["2089999"]}, "catalogue_additions.function 应为"),
        ({"function": {"20899X": "名称"}}, "应为 3、5、7 位数字"),
        ({"economic": {"30299": " "}}, "请填写科目“30299”的名称"),
        ({"economic": {"30298": 5}}, "请填写科目“30298”的名称"),
    ],
)
def test_malformed_catalogue_additions_are_refused_by_name(additions, message):
    data = seed_with_unknown_row()
    data["catalogue_additions"] = additions
    with pytest.raises(ReportFileError, match=message):
        report_from_dict(data)


# -- the application layer -------------------------------------------------------------------------


@pytest.fixture
def context(tmp_path):
    with AppContext.open(tmp_path / "app.sqlite") as ctx:
        yield ctx


def open_unknown(context, tmp_path):
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(seed_with_unknown_row(), ensure_ascii=False), encoding="utf-8")
    return context.open_session(context.import_file(path).report_id)


def code_findings(session) -> list:
    return [f for f in session.findings() if f.rule == "公开02.科目编码" and f.cells == (f"公开02:{UNKNOWN}",)]


def test_adding_a_code_removes_its_finding_names_its_row_and_undo_brings_both_back(context, tmp_path):
    session = open_unknown(context, tmp_path)
    (finding,) = code_findings(session)
    outcome = session.add_catalogue_code("function", UNKNOWN, "其他社会保障和就业支出")
    assert finding in outcome.changes.audit.disappeared
    assert f"公开02:{UNKNOWN}" in outcome.changes.labels
    assert code_findings(session) == []
    assert session.checker.row_name("公开02", UNKNOWN) == "其他社会保障和就业支出"
    assert session.report().labels[f"公开02:{UNKNOWN}"] == "其他社会保障和就业支出"
    session.undo(outcome.step)
    assert code_findings(session) == [finding]
    assert session.report().catalogue_additions == {}
    assert f"公开02:{UNKNOWN}" not in session.report().labels
    session.redo(outcome.step)
    assert code_findings(session) == []


def test_an_added_code_survives_reopening_the_database_and_a_report_file_round_trip(tmp_path):
    with AppContext.open(tmp_path / "app.sqlite") as context:
        session = open_unknown(context, tmp_path)
        session.add_catalogue_code("function", UNKNOWN, "其他社会保障和就业支出")
        report_id = session.report_id
    with AppContext.open(tmp_path / "app.sqlite") as context:
        session = context.open_session(report_id)
        assert code_findings(session) == []
        assert session.checker.catalogue("function")[UNKNOWN] == "其他社会保障和就业支出"
        exported = session.export(tmp_path / "exported.json")
    with AppContext.open(tmp_path / "other.sqlite") as context:
        session = context.open_session(context.import_file(exported).report_id)
        assert code_findings(session) == []
        assert session.report().catalogue_additions == {"function": {UNKNOWN: "其他社会保障和就业支出"}}


def test_a_row_added_after_the_code_is_named_from_the_reports_catalogue(context, tmp_path):
    session = open_unknown(context, tmp_path)
    session.add_catalogue_code("function", UNKNOWN, "其他社会保障和就业支出")
    # As the window does for a new row: the code's name, from the report's own catalogue.
    name = session.checker.catalogue("function").get(UNKNOWN)
    session.rename_row("公开03", UNKNOWN, name)
    assert not [f for f in session.findings() if f.cells == (f"公开03:{UNKNOWN}",)]
    # A row named only by its code is not a name mismatch either.
    session.rename_row("公开05", UNKNOWN, UNKNOWN)
    assert not [f for f in session.findings() if f.cells == (f"公开05:{UNKNOWN}",)]


def test_a_code_already_in_the_catalogue_or_without_a_name_is_refused_and_nothing_changes(context, tmp_path):
    session = open_unknown(context, tmp_path)
    with pytest.raises(OperationFailed, match="已在目录中"):
        session.add_catalogue_code("function", "208", "社会保障")
    with pytest.raises(OperationFailed, match="请填写科目"):
        session.add_catalogue_code("function", UNKNOWN, " ")
    assert len(code_findings(session)) == 1
    assert session.report().catalogue_additions == {}


def test_adding_a_code_is_in_the_edit_log(context, tmp_path):
    from db import repository

    session = open_unknown(context, tmp_path)
    session.add_catalogue_code("function", UNKNOWN, "其他社会保障和就业支出")
    entries = [e for e in repository.edit_log(session.db, session.report_id) if e.address.startswith("科目目录")]
    assert [(e.address, e.old_value, e.new_value) for e in entries] == [
        (f"科目目录:function:{UNKNOWN}", None, "其他社会保障和就业支出")
    ]


def test_a_table_names_codes_from_its_own_year_s_catalogue():
    # 20139 社会工作事务 was created in 2024: a 2022 table does not know it, a 2024 table does.
    from core.layout.tables import row_name
    from core.templates import load_template_set

    assert row_name(load_template_set(2024).table("公开03"), "2013901", {}) == "行政运行"
    assert row_name(load_template_set(2022).table("公开03"), "2013901", {}) == "2013901"
    assert load_template_set(2024, "上海市").table("公开03").region == "上海市"
