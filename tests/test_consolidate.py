"""汇总 of synthetic departments made from seed 000: exact sums, adjustments, refusals, label merging."""

from __future__ import annotations

import random

import pytest

from core.audit import audit
from core.consolidate import (
    ACCUMULATED_ROUNDING,
    Adjustment,
    ConsolidationError,
    adjustments_from_dict,
    adjustments_to_dict,
    consolidate,
    scaled,
    spread,
)
from core.report import Report
from core.reportfile import read_report
from tests.conftest import SEED_REPORTS

X = 120_000_000  # 120.00 万元 in 分: the transfer between 本级 and a subordinate unit


@pytest.fixture(scope="module")
def seed000():
    report, templates = read_report(SEED_REPORTS["000"])
    return report, templates


def split(report: Report, parts: int, rng: random.Random) -> list[Report]:
    """Seed 000 cut into `parts` units whose figures add up to the seed's, cell by cell."""
    units = [
        Report(f"下属单位{i + 1:02d}", report.year, report.amount_unit, labels=dict(report.labels))
        for i in range(parts)
    ]
    for address, value in report.cells.items():
        shares = [rng.randint(-abs(value), abs(value)) // 100 * 100 for _ in range(parts - 1)]
        shares.append(value - sum(shares))
        for unit, share in zip(units, shares, strict=True):
            unit.cells[address] = share
    return units


def public_findings(report: Report, templates) -> list:
    """The seed's findings on the nine tables (a consolidation has no self-evaluation tables)."""
    return audit(
        templates, Report(report.unit_name, report.year, report.amount_unit, cells=report.cells, labels=report.labels)
    )


def test_scaled_seeds_sum_exactly_cell_by_cell(seed000):
    report, _ = seed000
    factors = [1, 2, 3, 5, 7]
    units = [scaled(report, k, f"单位{k}") for k in factors]
    department = consolidate("武汉市人力资源和社会保障局（汇总）", units)
    assert department.report().cells == {a: v * sum(factors) for a, v in report.cells.items()}
    assert department.breakdown("公开01:27:1") == [(f"单位{k}", report.cells["公开01:27:1"] * k) for k in factors]
    assert department.report().selfeval == []  # self-evaluation tables are not summed


def test_seed000_split_into_27_units_consolidates_back_to_seed000(seed000):
    report, templates = seed000
    units = split(report, 27, random.Random(27))
    department = consolidate(report.unit_name, units)
    assert department.report().cells == report.cells
    assert department.findings() == public_findings(report, templates)


def test_adjustments_add_to_their_cells_and_the_totals_that_follow(seed000):
    report, templates = seed000
    units = [scaled(report, 1, "本级"), scaled(report, 2, "下属单位")]
    entries = [
        Adjustment("公开02:2080105:3", -X, "上级补助收入与对附属单位补助支出抵销", totals=True),
        Adjustment("公开09:1:7", 5_000, "三公经费口径调整"),
    ]
    department = consolidate("部门", units, entries)
    landing = spread(entries, templates)
    for address in set(report.cells) | set(landing):
        base = report.cells.get(address)
        expected = (3 * base if base is not None else 0) + sum(a for _, a in landing.get(address, ()))
        assert department.value(address) == expected, address
    # 项 → 款 → 类 → 合计, and 第1栏 of each: the totals the entry reaches.
    assert {a for a in landing} >= {
        "公开02:2080105:1",
        "公开02:20801:3",
        "公开02:208:3",
        "公开02:合计:3",
        "公开02:合计:1",
    }
    assert department.adjustments_at("公开02:合计:1") == [(entries[0], -X)]


def transfer(unit: Report, entries: list[Adjustment], templates) -> Report:
    """A unit's figures with the given cells (and the totals they reach) increased."""
    cells = dict(unit.cells)
    for address, amounts in spread(entries, templates).items():
        cells[address] = cells.get(address, 0) + sum(a for _, a in amounts)
    return Report(unit.unit_name, unit.year, unit.amount_unit, cells=cells, labels=dict(unit.labels))


def test_offset_of_上级补助收入_against_对附属单位补助支出_leaves_no_double_count(seed000):
    report, templates = seed000
    main, sub = split(report, 2, random.Random(2))
    main.unit_name, sub.unit_name = "本级", "下属单位"
    # 本级 gets X as 其他收入 and pays it to the unit (对附属单位补助支出, 社会保障和就业支出 line 39);
    # the unit books it as 上级补助收入 and spends it on a project.
    main = transfer(
        main,
        [Adjustment(a, X, "", True) for a in ("公开01:8:1", "公开02:2080101:7", "公开03:2080101:6", "公开01:39:2")],
        templates,
    )
    sub = transfer(
        sub,
        [Adjustment(a, X, "", True) for a in ("公开01:4:1", "公开02:2080101:3", "公开03:2080101:3", "公开01:39:2")],
        templates,
    )
    offset = [
        Adjustment(a, -X, "上级补助收入与对附属单位补助支出抵销", True)
        for a in ("公开01:4:1", "公开02:2080101:3", "公开03:2080101:6", "公开01:39:2")
    ]
    without = consolidate("部门", [main, sub])
    assert without.value("公开01:4:1") == X and without.value("公开03:合计:6") == X
    assert without.value("公开01:27:1") == report.cells["公开01:27:1"] + 2 * X  # counted twice
    department = consolidate("部门", [main, sub], offset)
    assert department.value("公开01:4:1") == 0 and department.value("公开03:合计:6") == 0
    assert department.value("公开01:27:1") == report.cells["公开01:27:1"] + X  # the department received X once
    assert department.value("公开01:62:2") == report.cells["公开01:62:2"] + X

    def shape(findings):
        return {(f.rule, f.severity, f.cells) for f in findings}

    assert shape(department.findings()) == shape(public_findings(report, templates))


def test_adjustment_file_round_trip_and_refusals(seed000):
    _, templates = seed000
    entries = [Adjustment("公开01:4:1", -X, "抵销", totals=True), Adjustment("公开03:2080101:6", -X, "抵销")]
    data = adjustments_to_dict(entries, 2023)
    assert data["entries"][0] == {"cell": "公开01:4:1", "amount": "-120.00", "note": "抵销", "totals": True}
    assert adjustments_from_dict(data, templates) == entries
    with pytest.raises(ConsolidationError, match="年度为 2024"):
        adjustments_from_dict({**data, "year": 2024}, templates)
    broken = {
        "format": "juesuan-adjust/1",
        "entries": [{"cell": "公开01:9:1", "amount": "1", "note": "x"}, {"cell": "公开01:4:1", "amount": "1"}],
    }
    with pytest.raises(ConsolidationError, match="有 2 处") as refused:
        adjustments_from_dict(broken, templates)
    assert "空行" in str(refused.value) and "缺少调整说明" in str(refused.value)
    with pytest.raises(ConsolidationError, match="本身是合计数"):
        adjustments_from_dict(adjustments_to_dict([Adjustment("公开01:27:1", -X, "x", True)], 2023), templates)


def test_reports_of_different_years_or_units_are_refused_naming_the_file(seed000):
    report, _ = seed000
    other_unit = Report("下属单位", 2023, "元", cells={"公开01:1:1": 100})
    with pytest.raises(ConsolidationError, match="“b.json”的金额单位为“元”"):
        consolidate("部门", [report, other_unit], sources=["“a.json”", "“b.json”"])
    last_year = Report("下属单位", 2024, "万元")
    with pytest.raises(ConsolidationError, match="年度为“2024”"):
        consolidate("部门", [report, last_year])
    with pytest.raises(ConsolidationError, match="同一单位"):
        consolidate("部门", [report, scaled(report, 2)])
    with pytest.raises(ConsolidationError, match="没有可汇总"):
        consolidate("部门", [])


def test_conflicting_row_names_keep_the_catalogue_name_and_say_so(seed000):
    report, _ = seed000
    first, second = scaled(report, 1, "甲单位"), scaled(report, 1, "乙单位")
    first.labels["公开02:2080101"] = "行政运行（甲）"
    department = consolidate("部门", [first, second])
    assert department.report().labels["公开02:2080101"] == "行政运行"
    [note] = department.notes()
    assert "甲单位为“行政运行（甲）”" in note and "采用科目目录的名称“行政运行”" in note


def test_finding_leads_to_the_units_that_contribute(seed000):
    report, _ = seed000
    units = [scaled(report, 1, "甲单位"), Report("乙单位", 2023, cells={"公开09:1:7": 100})]
    department = consolidate("部门", units)
    change = department.set("甲单位", "公开03:2080105:1", report.cells["公开03:2080105:1"] + 1_000_000)
    error = next(f for f in change.appeared if f.rule == "公开03.本年支出合计")
    assert department.contributors(error) == ["甲单位"]


def test_rounding_of_many_units_is_a_tail_difference_of_the_consolidation():
    # Each unit rounds its own figures: 27 units, each 0.01 万元 off in 27行, add up to 0.27 万元.
    units = [Report(f"单位{i:02d}", 2023, cells={"公开01:1:1": 10_000, "公开01:27:1": 20_000}) for i in range(27)]
    department = consolidate("部门", units)
    [finding] = [f for f in department.findings() if f.rule == "公开01.本年收入合计"]
    assert finding.severity == "rounding" and finding.message.endswith(ACCUMULATED_ROUNDING)
    assert finding.diff == 27 * 10_000


def test_a_unit_filling_a_zero_can_turn_an_error_into_a_tail_difference():
    # The sum does not move, but one more filled cell may carry 0.005 万元 more rounding.
    units = [
        Report("甲", 2023, cells={"公开01:27:1": 15_000}),
        Report("乙", 2023, cells={"公开01:1:1": 0}),
        Report("丙", 2023),
    ]
    department = consolidate("部门", units)
    [error] = [f for f in department.findings() if f.rule == "公开01.本年收入合计"]
    assert error.severity == "error"
    change = department.set("丙", "公开01:27:1", 0)
    assert change.disappeared == (error,)
    [rounding] = change.appeared
    assert (rounding.rule, rounding.severity, rounding.diff) == ("公开01.本年收入合计", "rounding", 15_000)
    assert (
        department.findings()
        == consolidate("部门", [*units[:2], Report("丙", 2023, cells={"公开01:27:1": 0})]).findings()
    )
    assert department.set("丙", "公开01:27:1", None).appeared == (error,)
