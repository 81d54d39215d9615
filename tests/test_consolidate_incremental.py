"""An edit in one unit updates the consolidation exactly as a fresh consolidation of the edited units would."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.consolidate import Adjustment, Consolidation, scaled
from core.report import Report
from core.reportfile import read_report
from tests.conftest import SEED_REPORTS

SEED, TEMPLATES = read_report(SEED_REPORTS["000"])
UNITS = ("本级", "下属单位一", "下属单位二")
ADJUSTMENTS = (Adjustment("公开01:4:1", -50_000, "上级补助收入与对附属单位补助支出抵销", True),)
#: Cells an edit may touch: the seed's own, and rows none of the units has, so that rows come and go
#: (2089801 is no catalogue code: while its row is in the table it is a 科目编码 finding).
NEW_ROWS = ["公开03:2080107:1", "公开02:2080107:1", "公开03:2089801:1", "公开03:2089801:3"]
#: Cells of the seed's 尾差 findings: a unit filling one with 0 changes how much rounding the sum may carry.
ROUNDING = ["公开05:2080506:1", "公开03:2080506:1", "公开05:210:2", "公开03:210:2", "公开09:1:7"]


def units() -> list[Report]:
    first = scaled(SEED, 1, UNITS[0])
    second = scaled(SEED, 2, UNITS[1])
    third = Report(UNITS[2], 2023, cells={a: v for a, v in SEED.cells.items() if a.startswith(("公开01", "公开09"))})
    return [first, second, third]


value = st.one_of(st.none(), st.just(0), st.integers(-2_000_000, 2_000_000), st.integers(-(10**13), 10**13))
cell = st.one_of(st.sampled_from(sorted(SEED.cells)), st.sampled_from(NEW_ROWS), st.sampled_from(ROUNDING))
label = st.sampled_from([None, "就业见习补贴", "其他"])
#: A few (unit, cell) places edited again and again, so that values come and go (set, cleared, set to 0).
places = st.lists(
    st.one_of(
        st.tuples(st.just("cell"), st.sampled_from(UNITS), cell),
        st.tuples(st.just("label"), st.sampled_from(UNITS), st.just("公开03:2089801")),
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def edits(draw):
    chosen = draw(places)
    steps = draw(st.lists(st.tuples(st.integers(0, len(chosen) - 1), value, label), min_size=1, max_size=12))
    return [(*chosen[i], new_label if chosen[i][0] == "label" else new) for i, new, new_label in steps]


def shape(consolidation: Consolidation):
    return (
        dict(consolidation.checker.values),
        dict(consolidation.checker.labels),
        consolidation.findings(),
        consolidation.notes(),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_random_edits_in_random_units_equal_a_fresh_consolidation(changes):
    reports = {r.unit_name: r for r in units()}
    live = Consolidation("部门", list(reports.values()), ADJUSTMENTS)
    shown = {f.key: f for f in live.findings()}
    for kind, unit, where, new in changes:
        if kind == "cell":
            change = live.set(unit, where, new)
            if new is None:
                reports[unit].cells.pop(where, None)
            else:
                reports[unit].cells[where] = new
        else:
            table, row = where.split(":")
            change = live.set_label(unit, table, row, new)
            if new is None:
                reports[unit].labels.pop(where, None)
            else:
                reports[unit].labels[where] = new
        # The Change is exactly the difference between the findings before and after.
        for finding in change.disappeared:
            assert shown.pop(finding.key) == finding
        for finding in change.appeared:
            assert finding.key not in shown
            shown[finding.key] = finding
    fresh = Consolidation("部门", list(reports.values()), ADJUSTMENTS)
    assert shape(live) == shape(fresh)
    assert sorted(shown.values(), key=lambda f: f.key) == sorted(fresh.findings(), key=lambda f: f.key)
