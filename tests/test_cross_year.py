"""Cross-year identities (`上年…` rules): this year's 年初结转和结余 carries last year's 年末, found by meaning."""

import copy
import json

import pytest

from app.context import AppContext
from core.audit import Checker, audit
from core.reportfile import read_report, write_report
from core.rules.syntax import RuleSyntaxError, parse_rule
from core.templates import TemplateError, parse_template_set
from main import main
from tests.conftest import SEED_REPORTS

WAN = 1_000_000
FUNDS = {"29": 3, "30": 4, "31": 5}  # 公开04 年初 line of each fund → its 年末 column


def carried(findings):
    return [f for f in findings if f.rule.startswith("跨年.")]


def last_year_of(report, end_line: str):
    """A synthetic previous year: the seed itself a year earlier, its 年末 set to what this year carries over."""
    previous = copy.deepcopy(report)
    previous.year = report.year - 1
    previous.cells[f"公开01:{end_line}:2"] = report.cells.get("公开01:29:1", 0)
    for line, col in FUNDS.items():
        previous.cells[f"公开04:60:{col}"] = report.cells.get(f"公开04:{line}:1", 0)
    return previous


@pytest.mark.parametrize(("seed", "end_line"), [("000", "60"), ("002", "60"), ("003", "60")])
def test_a_matching_carry_over_gives_no_finding(seed, end_line):
    report, templates = read_report(SEED_REPORTS[seed])
    assert carried(audit(templates, report, last_year_of(report, end_line))) == []


def test_seed000_a_moved_carry_over_is_one_warning_naming_both_years():
    report, templates = read_report(SEED_REPORTS["000"])  # 2023: 年初结转和结余 142.91
    previous = last_year_of(report, "60")
    previous.cells["公开01:60:2"] = report.cells["公开01:29:1"] + 86 * WAN // 100  # 143.77 in 2022
    findings = carried(audit(templates, report, previous))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "warning" and finding.rule == "跨年.公开01.年初结转和结余"
    assert finding.cells == ("公开01:29:1",)
    assert finding.diff == -86 * WAN // 100
    assert "2023年公开01表第29行“年初结转和结余” 142.91 万元 ≠ 2022年表1第60行“年末结转和结余” 143.77 万元" in (
        finding.message
    )


def test_seed000_a_moved_fund_of_公开04_is_one_warning():
    report, templates = read_report(SEED_REPORTS["000"])  # 一般公共预算 年初 10.65
    previous = last_year_of(report, "60")
    previous.cells["公开04:60:3"] -= WAN
    [finding] = carried(audit(templates, report, previous))
    assert finding.rule == "跨年.公开04.一般公共预算财政拨款年初结转和结余"
    assert "2022年表4第60行“年末财政拨款结转和结余”第3栏“一般公共预算财政拨款” 9.65 万元" in finding.message


@pytest.mark.parametrize("seed", sorted(SEED_REPORTS))
def test_without_last_year_the_cross_year_rules_are_silent(seed):
    report, templates = read_report(SEED_REPORTS[seed])
    checker = Checker(templates, report)
    assert carried(checker.findings()) == []
    assert not [k for k in checker._checks if k.startswith("跨年.")]


def test_a_2023_layout_previous_maps_to_a_2024_report_by_label():
    report, templates = read_report(SEED_REPORTS["001"])  # 2024: 年末结转和结余 is line 59, 总计 line 60
    report.cells["公开01:29:1"] = 4914 * WAN // 100
    previous, _ = read_report(SEED_REPORTS["000"])  # 2023 layout: 59 结余分配, 60 年末结转和结余
    previous.cells["公开01:60:2"] = 4914 * WAN // 100
    previous.cells["公开01:59:2"] = 50 * WAN
    for col in FUNDS.values():
        previous.cells[f"公开04:60:{col}"] = report.cells.get(f"公开04:{29 + col - 3}:1", 0)
    assert carried(audit(templates, report, previous)) == [], "line 60 of 2023 is 年末结转和结余, not line 59"
    previous.cells["公开01:60:2"] = 50 * WAN
    [finding] = carried(audit(templates, report, previous))
    assert "2024年公开01表第29行“年初结转和结余” 49.14 万元 ≠ 2023年公开01表第60行“年末结转和结余” 50.00 万元" in (
        finding.message
    )


def _fund_report(report, values):
    """`report` with a 公开07 of 年初 (col 1) and 年末 (col 6) figures: code → (年初, 年末) in 万元."""
    for code, (start, end) in values.items():
        report.cells[f"公开07:{code}:1"] = start * WAN
        report.cells[f"公开07:{code}:6"] = end * WAN
    return report


def test_公开07_is_checked_code_by_code():
    report, templates = read_report(SEED_REPORTS["000"])
    previous = last_year_of(report, "60")
    codes = {"合计": (10, 12), "229": (10, 12), "22960": (10, 12), "2296002": (10, 12)}
    _fund_report(previous, {c: (0, s) for c, (s, _) in codes.items()})
    _fund_report(report, codes)
    assert carried(audit(templates, report, previous)) == []
    report.cells["公开07:2296002:1"] = 11 * WAN  # only the 项 moves (its parents now fail this year's sums)
    [finding] = carried(audit(templates, report, previous))
    assert finding.cells == ("公开07:2296002:1",) and finding.severity == "warning"
    assert "2023年公开07表" in finding.message and "2022年表7" in finding.message


def test_公开07_a_code_carried_from_last_year_but_missing_now_is_found():
    report, templates = read_report(SEED_REPORTS["000"])
    previous = last_year_of(report, "60")
    _fund_report(previous, {"合计": (0, 5), "229": (0, 5), "22960": (0, 5), "2296003": (0, 5)})
    findings = carried(audit(templates, report, previous))
    assert {f.cells for f in findings} == {
        ("公开07:合计:1",),
        ("公开07:229:1",),
        ("公开07:22960:1",),
        ("公开07:2296003:1",),
    }
    # Typing this year's 年初 of the 项 answers that one, edit by edit.
    checker = Checker(templates, report, previous)
    change = checker.set("公开07:2296003:1", 5 * WAN)
    assert [f.cells for f in change.disappeared if f.rule.startswith("跨年.")] == [("公开07:2296003:1",)]


def test_an_empty_table_last_year_is_not_read_as_zero():
    report, templates = read_report(SEED_REPORTS["000"])
    previous = last_year_of(report, "60")  # no 公开07 figure at all
    _fund_report(report, {"合计": (10, 12)})
    assert carried(audit(templates, report, previous)) == []


def test_an_edit_brings_and_takes_the_warning():
    report, templates = read_report(SEED_REPORTS["000"])
    checker = Checker(templates, report, last_year_of(report, "60"))
    change = checker.set("公开01:29:1", report.cells["公开01:29:1"] + WAN)
    assert [f.rule for f in change.appeared if f.rule.startswith("跨年.")] == ["跨年.公开01.年初结转和结余"]
    change = checker.set("公开01:29:1", report.cells["公开01:29:1"])
    assert [f.rule for f in change.disappeared if f.rule.startswith("跨年.")] == ["跨年.公开01.年初结转和结余"]


def test_上年_terms_belong_on_the_right_and_in_the_layout():
    rule = parse_rule("x", "公开01:29:1 ＝ 上年公开01:60:2", None, "warning")
    assert rule.cross_year and rule.tables() == {"公开01"}
    with pytest.raises(RuleSyntaxError, match="等号右边"):
        parse_rule("x", "上年公开01:60:2 ＝ 公开01:29:1", None)
    text = (SEED_REPORTS["000"].parents[3] / "resources" / "templates" / "武汉市" / "2023.yaml").read_text(
        encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="不存在的行“99”"):
        parse_template_set(text + "  - id: 跨年.坏\n    check: 公开01:29:1 ＝ 上年公开01:99:2\n")


def test_audit_command_with_previous_reports_the_carry_over(tmp_path, capsys):
    report, _ = read_report(SEED_REPORTS["000"])
    previous = last_year_of(report, "60")
    previous.cells["公开01:60:2"] += WAN
    write_report(previous, tmp_path / "2022.json")
    main(["audit", str(SEED_REPORTS["000"]), "--previous", str(tmp_path / "2022.json"), "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    [finding] = [f for f in findings if f["rule"].startswith("跨年.")]
    assert finding["severity"] == "warning" and finding["cells"] == ["公开01:29:1"] and finding["diff"] == "-1.00"
    main(["audit", str(SEED_REPORTS["000"]), "--json"])
    assert not [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"].startswith("跨年.")]


def test_the_session_checks_against_last_years_report_in_the_database(tmp_path):
    report, _ = read_report(SEED_REPORTS["000"])
    previous = last_year_of(report, "60")
    previous.cells["公开04:60:3"] += WAN
    with AppContext.open(tmp_path / "app.sqlite") as context:
        report_id = context.import_file(SEED_REPORTS["000"]).report_id
        assert carried(context.open_session(report_id).findings()) == []
        context.import_report(previous)
        session = context.open_session(report_id)
        [finding] = carried(session.findings())
        assert finding.rule == "跨年.公开04.一般公共预算财政拨款年初结转和结余"
        assert session.findings_at("公开04:29:1") == [finding]


def test_a_shanghai_carry_over_is_checked_against_last_year_in_its_own_layout():
    from core.reportfile import read_report

    fixture = SEED_REPORTS["000"].parents[3] / "tests" / "fixtures" / "regions" / "shanghai-putuo-2024" / "reports"
    report, templates = read_report(fixture / "czj.json")
    last = copy.deepcopy(report)
    last.year = 2023
    last.cells["公开01:59:2"] = report.cells["公开01:29:1"]
    assert not [f for f in Checker(templates, report, last).findings() if f.rule.startswith("跨年")]
    last.cells["公开01:59:2"] += 100
    [finding] = [f for f in Checker(templates, report, last).findings() if f.rule.startswith("跨年")]
    assert finding.rule == "跨年.公开01.年初结转和结余" and "2023年" in finding.message
