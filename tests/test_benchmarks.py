"""Timings of the checker on seed 000 (run `pytest tests/test_benchmarks.py --benchmark-enable`).

CI runs them once each as ordinary tests; the numbers come from benchmarks/bench_audit.py and
from these with --benchmark-enable. Nothing here asserts a time.
"""

from core.audit import Checker, audit
from core.reportfile import read_report
from tests.conftest import SEED_REPORTS


def test_full_audit_of_seed000(benchmark):
    report, templates = read_report(SEED_REPORTS["000"])
    findings = benchmark(audit, templates, report)
    assert len([f for f in findings if f.table.startswith("公开")]) == 14


def test_single_edit_recheck_in_seed000(benchmark):
    report, templates = read_report(SEED_REPORTS["000"])
    checker = Checker(templates, report)
    original = checker.values["公开03:2080105:1"]
    values = iter([original + 1_000_000, original] * 1_000_000)

    def edit():
        return checker.set("公开03:2080105:1", next(values))

    change = benchmark(edit)
    assert change.cells == {"公开03:2080105:1"}
