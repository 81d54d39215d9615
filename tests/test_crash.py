"""Killed at any moment, the program loses no acknowledged edit and leaves no edit half-applied."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.reportfile import read_report
from db.database import Database
from db.repository import edit_log, import_report, load_report
from tests.conftest import SEED_REPORTS
from tests.crash_child import edit

ROOT = Path(__file__).resolve().parents[1]
RUNS = 12


@pytest.mark.parametrize("run", range(RUNS))
def test_sigkill_at_a_random_point_loses_no_acknowledged_edit(tmp_path, run):
    path = tmp_path / "crash.sqlite"
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["000"])[0])
        logged_before = len(edit_log(db, report_id))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_child", str(path), str(report_id), "100000"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(run)
    wanted = rng.randint(1, 300)
    acked = -1
    deadline = time.monotonic() + 60
    while acked < wanted - 1 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        acked = int(line.split()[1])
    time.sleep(rng.random() * 0.02)  # land the kill anywhere, mid-commit included
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate()
    acked = max([acked] + [int(token) for token in rest.split()[1::2] if token.isdigit()])
    assert acked >= 0, "the child acknowledged nothing"

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Database.open(path, read_only=True) as db:
        cells = load_report(db, report_id).cells
        log = edit_log(db, report_id)[logged_before:]
    applied = len(log)
    assert applied >= acked + 1, f"acknowledged {acked + 1} edits, only {applied} are in the file"
    # Every applied edit is whole: its log entry and its value went in together, in order.
    for n, entry in enumerate(log):
        address, value = edit(n)
        assert entry.address == address and entry.new_value == f"{value / 1_000_000:.2f}"
    for address in {edit(n)[0] for n in range(min(applied, 5))}:
        last = max(n for n in range(applied) if edit(n)[0] == address)
        assert cells[address] == edit(last)[1]
