"""The incremental checker: an edit re-checks what reads the cell and reports what changed."""

import pytest

from core.audit import Checker
from core.report import AddressError, Report
from core.reportfile import read_report
from core.templates import load_template_set
from tests.conftest import SEED_REPORTS

WAN = 1_000_000


@pytest.fixture
def seed000():
    report, templates = read_report(SEED_REPORTS["000"])
    return Checker(templates, report)


def test_breaking_and_mending_gongkai01_income_total(seed000):
    change = seed000.set("公开01:27:1", 84_174_27 * 10_000)
    assert change.cells == {"公开01:27:1"}
    rules = {f.rule for f in change.appeared}
    assert {"公开01.本年收入合计", "公开01.收入总计", "表间.公开01公开02.本年收入合计"} <= rules
    finding = next(f for f in change.appeared if f.rule == "公开01.本年收入合计")
    assert (
        finding.message
        == "公开01表第27行“本年收入合计”应等于第1至8行之和，实为 84,174.27，应为 84,174.24，相差 0.03 万元"
    )
    assert finding.severity == "error"
    mended = seed000.set("公开01:27:1", 84_174_24 * 10_000)
    assert set(mended.disappeared) == set(change.appeared) and mended.appeared == ()


def test_one_cent_off_in_a_two_cell_identity_is_rounding(seed000):
    change = seed000.set("公开09:1:12", 3_960_000)  # 公务接待费 3.95 → 3.96
    (finding,) = [f for f in change.appeared if f.rule == "公开09.决算数合计"]
    assert finding.severity == "rounding" and finding.diff == -10_000


def test_unchanged_value_changes_nothing(seed000):
    change = seed000.set("公开01:1:1", seed000.values["公开01:1:1"])
    assert change.appeared == change.disappeared == () and not change.cells


def test_a_new_item_row_joins_its_parents_sums(seed000):
    change = seed000.set("公开03:2080199:3", 5 * WAN)
    rules = {(f.rule, f.cells[0]) for f in change.appeared}
    assert ("公开03.本年支出合计", "公开03:2080199:1") in rules
    assert ("公开03.科目汇总", "公开03:20801:3") in rules


def test_an_item_without_its_class_row_flags_the_missing_parent(seed000):
    change = seed000.set("公开03:2130599:2", 1 * WAN)
    (finding,) = [f for f in change.appeared if f.rule == "公开03.科目汇总"]
    # The 款 row is missing: its blank counts as zero against the 项 below it.
    assert finding.cells[:2] == ("公开03:21305:2", "公开03:2130599:2")
    assert (finding.actual, finding.expected) == (0, 1 * WAN)
    assert "“21305 巩固脱贫攻坚成果衔接乡村振兴”行第2栏“基本支出”应等于其下各项之和" in finding.message


def test_unknown_code_is_a_warning_and_a_typed_name_is_compared(seed000):
    change = seed000.set("公开02:2089999:1", 1 * WAN)
    assert any(f.rule == "公开02.科目编码" and f.severity == "warning" for f in change.appeared)
    renamed = seed000.set_label("公开02", "2050201", "学前教育经费")
    assert [f.rule for f in renamed.appeared] == ["公开02.科目名称"]
    fixed = seed000.set_label("公开02", "2050201", "学前教育")
    assert [f.rule for f in fixed.disappeared] == ["公开02.科目名称"]


def test_negative_amount_is_a_warning(seed000):
    change = seed000.set("公开06:30201:1", -1 * WAN)
    negative = [f for f in change.appeared if f.rule == "金额非负"]
    assert negative and negative[0].severity == "warning" and "为负数" in negative[0].message


def test_cells_that_do_not_exist_are_refused(seed000):
    for address in ["公开01:9:1", "公开01:27:2", "公开10:1:1", "公开02:2050201:8", "公开02:12:1", "27"]:
        with pytest.raises(AddressError):
            seed000.set(address, 1)


def test_report_in_yuan_has_no_rounding_allowance():
    templates = load_template_set(2023)
    report = Report("某局", 2023, "元", cells={"公开09:1:1": 100, "公开09:1:2": 99})
    (finding,) = Checker(templates, report).findings()
    assert finding.severity == "error" and "0.01 元" in finding.message


def test_gongkai06_totals_read_as_printed(seed000):
    change = seed000.set("公开06:人员经费合计:1", 41_389_50 * 10_000)
    finding = next(f for f in change.appeared if f.rule == "公开06.人员经费合计")
    assert finding.message.startswith("公开06表“人员经费合计”应等于“301 工资福利支出”、“303 对个人和家庭的补助”之和")


def test_income_and_expense_totals_of_gongkai01_must_agree():
    report, templates = read_report(SEED_REPORTS["003"])
    checker = Checker(templates, report)
    checker.set("公开01:29:1", checker.values["公开01:29:1"] + WAN)
    change = checker.set("公开01:31:1", checker.values["公开01:31:1"] + WAN)
    (finding,) = [f for f in change.appeared if f.rule == "公开01.收支总计相等"]
    assert finding.message.startswith("公开01表第31行“总计”应等于第62行“总计”")


def test_removing_a_row_takes_its_checks_and_findings_away():
    report, templates = read_report(SEED_REPORTS["000"])
    checker = Checker(templates, report)
    before = set(checker.findings())
    checker.set("公开02:2089999:1", 1 * WAN)
    checker.set_label("公开02", "2089999", "自编科目")
    change = checker.remove_row("公开02", "2089999")
    assert set(checker.findings()) == before
    assert "2089999" not in checker.present["公开02"]
    assert any(f.rule == "公开02.科目编码" for f in change.disappeared)


def test_fill_by_formula_gives_totals_from_their_parts(seed000):
    seed000.set("公开03:2050201:2", 5_900_000_000)  # 5,857.05 → 5,900.00
    assert seed000.formula("公开03:2050201:1") == 5_900_000_000 + 4_414_610_000
    filled = seed000.formulas_for_table("公开03")
    for address, value in filled.items():
        seed000.set(address, value)
    assert [f for f in seed000.findings() if f.table == "公开03" and f.severity == "error"] == []
    assert filled["公开03:合计:1"] == 84_015_980_000 + 42_950_000
