"""Rolling backups of the database file: taken on open and while editing, checked, restorable."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

KEEP = 10
SQLITE_HEADER = b"SQLite format 3\x00"


def _read_only_uri(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def list_backups(db_path: Path) -> list[Path]:
    """Backups of this database, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.sqlite"), key=lambda p: p.name, reverse=True)


def changed_since_last_backup(db_path: Path) -> bool:
    """Whether the file (or its write-ahead log) changed after the newest backup was taken."""
    newest = list_backups(db_path)[:1]
    if not newest:
        return True
    sides = [db_path, Path(str(db_path) + "-wal")]
    changed = max(p.stat().st_mtime for p in sides if p.exists())
    return changed > newest[0].stat().st_mtime


def take_backup(db_path: Path, reason: str, keep: int = KEEP) -> Path:
    """A consistent copy made through SQLite's backup API (safe while the file is in use)."""
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-{reason}.sqlite"
    source = sqlite3.connect(_read_only_uri(db_path), uri=True)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    for old in list_backups(db_path)[keep:]:
        old.unlink(missing_ok=True)
    return target


def check_file(path: Path) -> str | None:
    """None if `path` is a sound SQLite database, else what is wrong with it, in Chinese."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"无法读取文件：{exc.strerror or exc}"
    if header != SQLITE_HEADER:
        return "这不是本程序的数据库文件（文件头不对，可能已损坏或被其他程序覆盖）"
    try:
        connection = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return f"数据库文件已损坏（{exc}）"
    return None if result == "ok" else f"数据库文件已损坏（完整性检查：{result}）"


def newest_good_backup(db_path: Path) -> Path | None:
    for candidate in list_backups(db_path):
        if check_file(candidate) is None:
            return candidate
    return None


def restore_backup(db_path: Path, backup: Path) -> Path | None:
    """Put `backup` in place of the database; the damaged file is kept beside it, never deleted."""
    kept = None
    if db_path.exists():
        kept = db_path.with_name(f"{db_path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
        db_path.replace(kept)
    for suffix in ("-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        if side.exists():
            side.replace(Path(str(kept or db_path) + suffix))
    shutil.copy2(backup, db_path)
    return kept
