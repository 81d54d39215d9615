"""Shared fixtures: the seeds' figures as report files."""

from __future__ import annotations

import os
from pathlib import Path

# GUI tests run without a screen, whichever way pytest is started.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from core.reportfile import read_report

FIXTURES = Path(__file__).parent / "fixtures"
SEED_REPORTS = {seed: FIXTURES / "reports" / f"{seed}.json" for seed in ("000", "001", "002", "003")}


@pytest.fixture(params=sorted(SEED_REPORTS))
def seed_report(request):
    """(seed number, Report, TemplateSet) for each seed's figures."""
    report, templates = read_report(SEED_REPORTS[request.param])
    return request.param, report, templates
