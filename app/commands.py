"""The commands that work on the database, through one AppContext that main.py opens for them."""

from __future__ import annotations

from pathlib import Path

from app.context import AppContext
from app.errors import OperationFailed
from db.database import Database, DatabaseError, DatabaseInUse


def open_context(db_path: str | Path | None, writing: bool) -> AppContext:
    """The database for one command. A command that only reads opens as a writer would (so an older
    file is upgraded), or read-only while another instance has the file; OperationFailed says why not."""
    try:
        try:
            return AppContext(Database.open(db_path))
        except DatabaseInUse:
            if writing:
                raise
            return AppContext(Database.open(db_path, read_only=True))
    except DatabaseError as exc:
        raise OperationFailed(str(exc), exc.detail) from exc
