"""Timings of the checker on seed 000 (run `pytest tests/test_benchmarks.py --benchmark-enable`).

CI runs them once each as ordinary tests; the numbers come from benchmarks/bench_audit.py and
from these with --benchmark-enable. Nothing here asserts a time.
"""

import pytest

from core.audit import Checker, audit
from core.money import format_amount, parse_typed_amount
from core.reportfile import read_report
from db import repository
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


def test_window_benchmark_types_into_the_real_window(tmp_path, qapp):
    """benchmarks/bench_window.py still drives MainWindow: each keystroke is saved, recoloured and repainted."""
    bench_window = pytest.importorskip("benchmarks.bench_window")
    report, _ = read_report(SEED_REPORTS["000"])
    window, db = bench_window.make_window(tmp_path, report)
    try:
        typed, typed_settled = bench_window.type_cells(window, 2, None)
        scores, settled = bench_window.type_scores(window, 2, None)
        assert set(typed) == set(bench_window.CELLS) and all(len(s) == 2 for s in typed.values())
        assert len(typed_settled) == 2 * len(bench_window.CELLS)
        assert len(scores) == len(settled) == 2 and all(a <= b for a, b in zip(scores, settled, strict=True))
        # Two keystrokes per cell: raised by 1 万元, then the seed's figure typed back as the grid shows it
        # (to 0.01 万元), so the database holds that.
        stored = repository.load_report(db, window.session.report_id)
        shown = {
            a: parse_typed_amount(format_amount(report.cells.get(a, 0), "万元", False)) for a in bench_window.CELLS
        }
        assert {a: stored.cells.get(a) or 0 for a in bench_window.CELLS} == shown
        assert stored.selfeval[bench_window.SELFEVAL_TABLE] == report.selfeval[bench_window.SELFEVAL_TABLE]
    finally:
        window.close()
        db.close()
