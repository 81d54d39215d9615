"""Opening and restoring the database file, for the window's start and the `restore` command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.context import AppContext
from db import repository
from db.database import Database, DatabaseError, restore_backup


@dataclass(frozen=True)
class Restored:
    backup: Path
    kept: Path | None
    #: What the restored database's log now says about it (how many newer edits the replaced file held).
    note: str


def open_database(path: str | Path | None, read_only: bool = False) -> AppContext:
    """The program's one database, as an AppContext (raises the errors of app.errors for the caller to tell)."""
    return AppContext(Database.open(path, read_only=read_only))


def restore(path: str | Path | None, backup: Path | None = None) -> Restored:
    """Put a backup (the newest good one by default) in place of the database and log that it happened.

    Refused, with the file untouched, while another instance or program has the database.
    """
    source, kept = restore_backup(path, backup)
    try:
        with Database.open(path) as db:  # before anything else writes to it: the note counts what was lost
            note = repository.record_restore(db, source, kept)
    except DatabaseError as exc:
        note = f"恢复已完成，但未能在数据库中记下这次恢复：{exc}"
    return Restored(source, kept, note)
