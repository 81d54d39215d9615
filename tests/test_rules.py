"""The rule language reads identities the way they are printed under the tables."""

import pytest

from core.rules.binding import expand
from core.rules.syntax import RuleSyntaxError, parse_rule
from core.templates import load_template_set


def refs(terms):
    return [(t.sign, t.ref) for t in terms]


def test_printed_row_identity_with_ellipsis():
    rule = parse_rule("r", "58行＝（32＋33＋…＋57）行", "公开01")
    assert rule.form == "rows"
    assert refs(rule.left) == [(1, "58")]
    assert [r for _, r in refs(rule.right)] == [str(n) for n in range(32, 58)]


def test_printed_column_identity_with_minus():
    rule = parse_rule("r", "6栏各行＝（1＋2－3）栏各行", "公开07")
    assert rule.form == "columns"
    assert refs(rule.right) == [(1, "1"), (1, "2"), (-1, "3")]


def test_half_width_and_spaced_forms_read_the_same():
    assert refs(parse_rule("r", "1栏各行 = （2+3）栏各行", "公开05").right) == [(1, "2"), (1, "3")]
    assert refs(parse_rule("r", "1栏=(2+3+6)栏", "公开09").right) == [(1, "2"), (1, "3"), (1, "6")]


def test_cells_and_bounds():
    rule = parse_rule("r", "公开06:30217:1 ≤ 公开09:1:12", None, "warning")
    assert (rule.form, rule.relation, rule.severity) == ("cells", "<=", "warning")


@pytest.mark.parametrize(
    "text", ["27行", "27行＝＝1行", "1栏＝（a＋2）栏", "公开01:27 ＝ 公开02:合计:1", "27行＝（…＋3）行", "X＝Y"]
)
def test_unreadable_rules_are_refused(text):
    with pytest.raises(RuleSyntaxError):
        parse_rule("r", text, "公开01")


def test_column_rule_on_gongkai04_applies_to_expense_lines_only():
    templates = load_template_set(2023)
    rule = next(r for r in templates.table("公开04").rules if r.id == "公开04.支出小计")
    rows = {c.left[0][0].split(":")[1] for c in expand(rule, templates, {})}
    assert rows == {str(n) for n in range(33, 61)} | {"64"}


def test_class_placeholder_follows_the_printed_class_lines():
    templates = load_template_set(2024)
    rule = next(r for r in templates.cross_rules if r.id == "表间.公开01公开03.按类支出")
    pairs = {(c.left[0][0], c.right[0][0]) for c in expand(rule, templates, {})}
    assert ("公开01:38:2", "公开03:208:1") in pairs
    assert len(pairs) == 26


def test_every_finding_names_a_rule_declared_in_one_place(seed_report):
    from core.audit import Checker
    from core.rules.coded import rule_ids

    _, report, templates = seed_report
    checker = Checker(templates, report)
    checker.set("公开06:30201:1", -10_000)  # 金额非负
    checker.set("公开02:2089999:1", 10_000)  # 科目编码, and 科目汇总 of its new parents
    checker.set_label("公开03", "2080105", "自编名称")  # 科目名称
    checker.set("公开01:27:1", 1)  # printed and table-to-table rules
    rules = {f.rule for f in checker.findings()}
    assert {"金额非负", "公开02.科目编码", "公开03.科目名称", "公开02.科目汇总"} <= rules
    assert rules <= rule_ids(templates)
    assert "自评.总分" in rule_ids(templates) and "表间.自评公开01.执行数" in rule_ids(templates)
