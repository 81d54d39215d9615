"""Shared fixtures: the seeds' figures as report files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.reportfile import read_report

FIXTURES = Path(__file__).parent / "fixtures"
SEED_REPORTS = {seed: FIXTURES / "reports" / f"{seed}.json" for seed in ("000", "001", "002", "003")}


@pytest.fixture(params=sorted(SEED_REPORTS))
def seed_report(request):
    """(seed number, Report, TemplateSet) for each seed's figures."""
    report, templates = read_report(SEED_REPORTS[request.param])
    return request.param, report, templates
