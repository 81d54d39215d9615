"""What the database tests share: a file's digest, and a database file holding seed 000."""

from __future__ import annotations

import hashlib
from pathlib import Path

from core.reportfile import read_report
from db.database import Database
from db.repository import import_report
from tests.conftest import SEED_REPORTS


def digest(path: Path) -> str:
    """The file's bytes, for asserting that nothing changed them."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seeded(path: Path) -> int:
    """A database holding seed 000, closed, with one backup of exactly this content."""
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["000"])[0])
    Database.open(path).close()  # changed since creation: this open backs it up
    return report_id
