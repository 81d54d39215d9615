"""The checker keeps the self-evaluation tables' findings table by table: an edit re-checks only what reads it."""

import copy
from dataclasses import replace

import pytest

import core.selfeval.tracking as tracking
from core.audit import Checker, audit
from core.findings import sort_key
from core.reportfile import read_report
from core.selfeval import SelfEvalError
from tests.conftest import SEED_REPORTS

WAN = 1_000_000


@pytest.fixture
def seed000():
    report, templates = read_report(SEED_REPORTS["000"])
    return report, templates, Checker(templates, report)


@pytest.fixture
def own_checks(monkeypatch):
    """The tables whose own checks run, by name, from now on."""
    checked = []

    def counting(evaluation):
        checked.append(evaluation.table)
        return own_findings(evaluation)

    own_findings = tracking.own_findings
    monkeypatch.setattr(tracking, "own_findings", counting)
    return checked


def fresh_audit(report, templates, checker):
    return audit(
        templates, replace(report, cells=dict(checker.values), labels=dict(checker.labels), selfeval=checker.selfeval)
    )


def test_editing_gongkai01_total_expense_rechecks_only_the_comparison_that_reads_it(seed000, own_checks):
    report, templates, checker = seed000
    assert checker.rules_reading("公开01:58:2") == 4  # three identities of the 公开表, and 整体 执行数
    change = checker.set("公开01:58:2", checker.values["公开01:58:2"] + WAN)
    assert own_checks == []
    (finding,) = [f for f in change.appeared if f.rule == "表间.自评公开01.执行数"]
    assert finding.cells == ("整体绩效自评:预算执行:执行数", "公开01:58:2")
    assert finding.message == (
        "整体绩效自评预算执行情况执行数（B）应等于公开01表第58行“本年支出合计”，"
        "实为 84,015.98，应为 84,016.98，相差 1.00 万元"
    )
    assert checker.findings() == fresh_audit(report, templates, checker)
    mended = checker.set("公开01:58:2", checker.values["公开01:58:2"] - WAN)
    assert finding in mended.disappeared


def test_gongkai03_project_total_is_read_by_the_header_and_every_project_table(seed000):
    _, _, checker = seed000
    # 1栏＝Σ栏 of the 合计 row, 合计＝Σ类, 公开01 本年支出合计 by column… and 1 整体 + 9 项目 comparisons.
    comparisons = [k for k in checker._index["公开03:合计:3"] if k.startswith(tracking.KEY_PREFIX)]
    assert len(comparisons) == 10
    change = checker.set("公开03:合计:3", 3_000_000)  # 项目支出 down to 3.00 万元: every project spends more
    rules = sorted(f.rule for f in change.appeared if f.table != "公开03" and not f.table.startswith("公开0"))
    assert rules.count("表间.自评公开03.项目执行数") == 9


def test_a_changed_table_is_the_only_one_rechecked(seed000, own_checks):
    report, templates, checker = seed000
    tables = list(checker.selfeval)
    tables[3] = copy.deepcopy(tables[3])
    tables[3]["total"] = "90"
    change = checker.set_selfeval(tables)
    assert own_checks == ["项目绩效自评:人才资助项目"]
    assert [(f.rule, f.table) for f in change.appeared] == [("自评.总分", "项目绩效自评:人才资助项目")]
    assert change.disappeared == () and change.cells == frozenset()
    assert checker.findings() == fresh_audit(report, templates, checker)


def test_setting_one_table_is_setting_the_list_with_that_table_replaced(seed000, own_checks):
    report, templates, checker = seed000
    table = copy.deepcopy(checker.selfeval[0])
    table["budget"]["B"] = "80000.00"  # 执行率 94.77 %, printed 99.5%
    change = checker.set_selfeval_table(0, table)
    assert own_checks == ["整体绩效自评"]
    rules = {f.rule for f in change.appeared}
    assert {"表间.自评公开01.执行数", "自评.执行率", "自评.支出构成"} <= rules
    assert checker.selfeval[0] is table and len(checker.selfeval) == 10
    assert checker.findings() == fresh_audit(report, templates, checker)


def test_tables_removed_and_added_again_take_their_findings_and_reads_with_them(seed000):
    report, templates, checker = seed000
    original = list(checker.selfeval)
    before = checker.findings()
    removed = checker.set_selfeval(original[:1])
    assert {f.table for f in removed.disappeared} == {
        "项目绩效自评:就业和劳动保障工作经费",
        "项目绩效自评:社会保障工作",
    }
    assert (
        checker.rules_reading("公开03:合计:3")
        == len([k for k in checker._index["公开03:合计:3"] if not k.startswith(tracking.KEY_PREFIX)]) + 1
    )
    assert checker.selfeval_names() == ["整体绩效自评"]
    for position in range(1, len(original)):
        checker.set_selfeval_table(position, original[position])
    assert checker.findings() == before
    assert checker.findings() == fresh_audit(report, templates, checker)


def test_a_malformed_table_is_refused_and_changes_nothing(seed000):
    _, _, checker = seed000
    tables, before = checker.selfeval, checker.findings()
    with pytest.raises(SelfEvalError, match="第3张自评表"):
        checker.set_selfeval(tables[:2] + [{"kind": "其他"}] + tables[3:])
    with pytest.raises(IndexError):
        checker.set_selfeval_table(11, tables[0])
    assert checker.selfeval is tables and checker.findings() == before


def test_findings_stay_in_listing_order_edit_after_edit(seed000):
    report, templates, checker = seed000
    for address, value in [
        ("公开03:2080105:1", 1 * WAN),
        ("公开02:2089999:1", 2 * WAN),
        ("公开06:30201:1", -1 * WAN),
        ("公开01:58:2", 5 * WAN),
        ("公开03:2080105:1", None),
    ]:
        checker.set(address, value)
        listing = checker.findings()
        public = [f for f in listing if f.table in templates.tables]
        assert public == sorted(public, key=sort_key(templates))
        assert listing == fresh_audit(report, templates, checker)


def test_the_listing_handed_out_is_the_callers_own(seed000):
    _, _, checker = seed000
    listing = checker.findings()
    listing.clear()
    assert checker.findings() != []
