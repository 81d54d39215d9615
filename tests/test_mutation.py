"""Every cell that takes part in an identity, moved by 1.00 万元, breaks an identity that names it."""

import pytest

from core.audit import Checker
from core.reportfile import read_report
from tests.conftest import SEED_REPORTS

ONE_WAN = 1_000_000


def cells_in_identities(checker: Checker) -> list[str]:
    """Filled cells and the blank cells of printed rows that some `error` identity reads."""
    addresses = set(checker.values)
    for check in checker._checks.values():
        if check.rule.severity == "error":
            addresses.update(check.addresses)
    return sorted(a for a in addresses if checker.rules_reading(a))


@pytest.mark.parametrize("seed", sorted(SEED_REPORTS))
def test_moving_any_identity_cell_by_one_wan_yuan_is_an_error_naming_it(seed):
    report, templates = read_report(SEED_REPORTS[seed])
    checker = Checker(templates, report)
    before = set(checker.findings())
    cells = cells_in_identities(checker)
    assert len(cells) > len(report.cells)
    missed = []
    for address in cells:
        original = checker.values.get(address)
        change = checker.set(address, (original or 0) + ONE_WAN)
        if not any(f.severity == "error" and address in f.cells for f in change.appeared):
            missed.append(address)
        checker.set(address, original)
        assert set(checker.findings()) == before, f"undoing {address} did not restore the findings"
    assert missed == []


def test_every_filled_seed_cell_takes_part_in_an_identity():
    for seed, path in SEED_REPORTS.items():
        report, templates = read_report(path)
        checker = Checker(templates, report)
        assert [a for a in report.cells if not checker.rules_reading(a)] == [], seed
