"""Identities a reviewer checks beyond the printed totals: each fund of 公开04 balances on its own, and 公开05/08 follow.

Each mutation keeps every total of the tables true (公开04 28行＝29＋30＋31行, 60行 2栏＝3＋4＋5栏, every
table-to-table total) and moves money between funds only: before these rules, it passed silently.
"""

from __future__ import annotations

import pytest

from core.audit import Checker, audit, compose
from core.reportfile import read_report
from tests.conftest import SEED_REPORTS

GENERAL = "公开04.一般公共预算财政拨款收支平衡"
FUND = "公开04.政府性基金预算财政拨款收支平衡"
STATE_CAPITAL = "公开04.国有资本经营预算财政拨款收支平衡"
TO_05 = "表间.公开04公开05.一般公共预算财政拨款收支"
TO_08 = "表间.公开04公开08.国有资本经营预算财政拨款收支"
NEW_RULES = {GENERAL, FUND, STATE_CAPITAL, TO_05, TO_08}


def _checker(seed: str) -> Checker:
    report, templates = read_report(SEED_REPORTS[seed])
    return Checker(templates, report)


def _move(checker: Checker, *moves: tuple[str, str]) -> list:
    """Move the whole of each source cell into its target as one edit (like a paste); the findings that appeared."""
    changes = []
    for source, target in moves:
        amount = checker.values[source]
        changes.append(checker.set(source, None))
        changes.append(checker.set(target, checker.values.get(target, 0) + amount))
    return list(compose(changes).appeared)


@pytest.mark.parametrize("seed", sorted(SEED_REPORTS))
def test_every_seed_fund_balances(seed):
    report, templates = read_report(SEED_REPORTS[seed])
    assert [f.message for f in audit(templates, report) if f.rule in NEW_RULES and f.severity != "rounding"] == []


def test_general_carry_over_moved_to_state_capital_at_year_start_is_caught():
    # Seed 000 prints 年初结转和结余 10.65, all of it 一般公共预算 (29行); 28行 stays 10.65 if it is put on 31行.
    checker = _checker("000")
    before = set(checker.findings())
    appeared = _move(checker, ("公开04:29:1", "公开04:31:1"))
    assert {f.rule for f in appeared} == {GENERAL, STATE_CAPITAL, TO_05, TO_08}
    assert all(f.severity == "error" and f.diff in (10_650_000, -10_650_000) for f in appeared)
    assert set(checker.findings()) - before == set(appeared)
    general = next(f for f in appeared if f.rule == GENERAL)
    assert general.message == (
        "公开04表第1、29行之和应等于第59行“本年支出合计”第3栏“一般公共预算财政拨款”、"
        "第60行“年末财政拨款结转和结余”第3栏“一般公共预算财政拨款”之和，实为 81,993.54，应为 82,004.19，相差 10.65 万元"
    )


def test_year_end_carry_over_put_under_the_wrong_fund_is_caught():
    # Seed 002 carries 134.47 of 一般公共预算 to the next year (60行3栏); put on 5栏 with its share of 64行 总计,
    # 60行 and 64行 2栏 (小计) stay as printed.
    checker = _checker("002")
    before = set(checker.findings())
    _move(checker, ("公开04:60:3", "公开04:60:5"), ("公开04:64:3", "公开04:64:5"))
    checker.set("公开04:64:3", 12_341_980_000)
    checker.set("公开04:64:5", 134_470_000)
    after = set(checker.findings())
    assert {(f.rule, f.severity) for f in after - before} == {
        (GENERAL, "error"),
        (STATE_CAPITAL, "error"),
        (TO_05, "error"),
        (TO_08, "error"),
    }
    # Seed 002's 表5 合计 is 0.01 above 表4's: its 尾差 became an error of 134.47 less that 0.01.
    assert {f.rule for f in before - after} == {TO_05}
    assert next(f for f in after if f.rule == TO_05).diff == -134_460_000


def test_government_fund_balance_moved_from_general_is_caught_by_its_own_balance_and_by_gongkai07():
    # Seed 002 has no 政府性基金: putting 100.00 of its 一般 year-start balance on 30行 keeps 28行.
    checker = _checker("002")
    checker.set("公开04:29:1", checker.values["公开04:29:1"] - 100_000_000)
    change = checker.set("公开04:30:1", 100_000_000)
    rules = {f.rule for f in checker.findings() if f.severity == "error" and f.table in ("公开04", "公开05", "公开07")}
    assert {GENERAL, FUND, TO_05} <= rules
    assert "表间.公开04公开07.年初结转和结余" in {f.rule for f in change.appeared}


def test_the_incremental_checker_and_a_fresh_audit_agree_after_moving_a_fund():
    report, templates = read_report(SEED_REPORTS["000"])
    checker = Checker(templates, report)
    _move(checker, ("公开04:29:1", "公开04:31:1"))
    report.cells = {a: v for a, v in checker.values.items()}
    assert checker.findings() == audit(templates, report)


# -- messages (point 5) ----------------------------------------------------------------------


def test_a_single_term_is_not_a_sum_even_when_its_label_has_a_list_comma():
    # 公开04 1行“一、一般公共预算财政拨款” against 公开01 1行: one cell each side, no 之和.
    checker = _checker("000")
    change = checker.set("公开04:1:1", checker.values["公开04:1:1"] + 1_000_000)
    finding = next(f for f in change.appeared if f.rule == "表间.公开01公开04.一般公共预算财政拨款收入")
    assert finding.message.startswith(
        "公开04表第1行“一、一般公共预算财政拨款”应等于公开01表第1行“一、一般公共预算财政拨款收入”，"
    )
    assert "之和" not in finding.message


def test_several_terms_are_a_sum():
    checker = _checker("002")
    (finding,) = [f for f in checker.findings() if f.rule == "表间.公开01公开02.财政拨款收入"]
    assert finding.message.startswith("表1第1至3行之和应等于表2“合计”行第2栏“财政拨款收入”")


def test_an_amount_entered_with_more_decimals_is_quoted_with_them():
    checker = _checker("000")
    change = checker.set("公开02:合计:1", checker.values["公开02:合计:1"] + 1_234)  # 0.001234 万元
    (finding,) = [f for f in change.appeared if f.rule == "表间.公开01公开02.本年收入合计"]
    assert "实为 84,174.24，应为 84,174.241234，相差 0.001234 万元" in finding.message
