"""Killed at any moment, the program loses no acknowledged edit and leaves no edit half-applied.

The same for the paths around editing: killed while taking a backup, no partial copy sits in a slot and
the database is untouched; killed while restoring, the database is the old file or the restored one,
whole. In all 340 kills (12 mid-edit, 160 mid-backup, 160 mid-restore, 8 through the
full restore command).
"""

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
from db import backups
from db.database import Database
from db.repository import edit_log, import_report, load_report, set_cells
from tests.conftest import SEED_REPORTS
from tests.crash_child import edit

ROOT = Path(__file__).resolve().parents[1]
RUNS = 12
CHUNKS = 4  # each kill test runs in this many parts (pytest -n can spread them)
BACKUP_KILLS = 40  # per part
RESTORE_KILLS = 40  # per part
FULL_RESTORE_KILLS = 8  # the command's child starts slowly (SQLAlchemy, Alembic): a few are enough


@pytest.mark.parametrize("run", range(RUNS))
def test_sigkill_at_a_random_point_loses_no_acknowledged_edit(tmp_path, run):
    path = tmp_path / "crash.sqlite"
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["000"])[0])
        logged_before = len(edit_log(db, report_id))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_child", "edit", str(path), str(report_id), "100000"],
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


def _kill_soon(child: subprocess.Popen, rng: random.Random, window: float) -> None:
    """Wait until the child is ready, then kill it at a random moment within `window` seconds."""
    assert child.stdout.readline().strip() == "ready"
    time.sleep(rng.random() * window)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()


def _child(mode: str, *args: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.crash_child", mode, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _intact(path: Path) -> None:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",), path


@pytest.mark.parametrize("part", range(CHUNKS))
def test_sigkill_while_taking_backups_leaves_no_partial_copy_in_a_slot(tmp_path, part):
    path = tmp_path / "crash.sqlite"
    with Database.open(path) as db:
        import_report(db, read_report(SEED_REPORTS["000"])[0])
    before = path.read_bytes()
    content = backups.content_digest(path)
    rng = random.Random(1000 + part)
    for _ in range(BACKUP_KILLS):
        _kill_soon(_child("backup", path), rng, 0.03)
        assert path.read_bytes() == before  # a backup only reads the database
        for slot in backups.list_backups(path):
            assert backups.check_file(slot) is None, slot.name
            assert backups.content_digest(slot) == content, slot.name
        assert len(backups.list_backups(path)) <= 4  # killed before the oldest was removed: one over, never less
    backups.take_backup(path, "timer", keep=3)
    assert 1 <= len(backups.list_backups(path)) <= 3
    assert list(backups.backup_dir(path).glob(".*")) == []  # what a kill left half-written is cleared


def _three_states(tmp_path: Path) -> tuple[Path, Path, Path, set[str]]:
    """A database (value 3) and two backups of it (values 1 and 2); returns them and their contents."""
    path = tmp_path / "crash.sqlite"
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["000"])[0])
        for value in (1, 2):
            set_cells(db, report_id, [("公开01:1:1", value)])
            db.backup_now(f"state{value}")
        set_cells(db, report_id, [("公开01:1:1", 3)])
    first, second = sorted(backups.list_backups(path))[-2:]
    return path, first, second, {backups.content_digest(p) for p in (path, first, second)}


@pytest.mark.parametrize("part", range(CHUNKS))
def test_sigkill_while_restoring_leaves_the_old_or_the_restored_file(tmp_path, part):
    path, first, second, states = _three_states(tmp_path)
    assert len(states) == 3
    rng = random.Random(2000 + part)
    seen: set[Path] = set()
    for _ in range(RESTORE_KILLS):
        _kill_soon(_child("restore", path, first, second), rng, 0.03)
        _intact(path)
        assert backups.content_digest(path) in states
        wal = Path(f"{path}-wal")  # an old log left beside a restored file would be replayed into it
        assert not wal.exists() or wal.stat().st_size == 0
        kept = {p for p in tmp_path.glob("crash.sqlite.replaced-*") if not p.name.endswith(("-wal", "-shm"))} - seen
        for old in kept:  # every file moved aside is whole, and one of the three
            assert backups.content_digest(old) in states, old.name
        seen |= kept


def test_sigkill_during_the_restore_command_leaves_the_old_or_the_restored_file(tmp_path):
    path, first, second, states = _three_states(tmp_path)
    rng = random.Random(3000)
    for _ in range(FULL_RESTORE_KILLS):
        _kill_soon(_child("restore-full", path, first, second), rng, 0.05)
        _intact(path)
        assert backups.content_digest(path) in states
    with Database.open(path) as db:  # and the program opens what is there, lock and all
        assert load_report(db, 1).cells["公开01:1:1"] in (1, 2, 3)
