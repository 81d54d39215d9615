"""Backups of the database file: taken when it changed, checked, never half-written; and restoring one.

Every copy is written to a hidden temporary file, checked, synced and only then renamed into its place,
so a full disk or a crash never leaves a partial copy where a backup (or the database) belongs.
Copies taken just before a schema upgrade (`pre-upgrade`) are kept apart from the rolling ten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

KEEP = 10
SQLITE_HEADER = b"SQLite format 3\x00"
PRE_UPGRADE = "pre-upgrade"
#: Room kept free beyond the copy itself (SQLite's journal while writing it, the file system's own needs).
SPACE_MARGIN = 1 << 20
#: How long (seconds) to wait for another program's lock before saying the file is in use.
BUSY_WAIT = 3.0
# SQLite's primary result codes that mean "someone else holds it", not "it is broken".
BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED


class BackupError(Exception):
    """A copy that could not be made; `message` is Chinese, `detail` the system's own words."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


class FileBusy(Exception):
    """The file is locked by another program (SQLITE_BUSY/LOCKED, or a sharing violation on Windows)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code behind an error (sqlite3's or SQLAlchemy's), if it has one."""
    exc = getattr(exc, "orig", None) or exc
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(exc: BaseException) -> bool:
    return sqlite_code(exc) in BUSY_CODES


def connect_read_only(path: Path, timeout: float | None = None) -> sqlite3.Connection:
    """A connection that cannot change the file (not even its journal mode or its `-wal`).

    A WAL file in a folder we may not write to cannot get its `-shm`; then, if no `-wal` holds
    anything, it is read as `immutable` (nothing else can be writing to it there either).
    """
    uri = Path(path).resolve().as_uri()
    wait = BUSY_WAIT if timeout is None else timeout
    try:
        return _probe(sqlite3.connect(uri + "?mode=ro", uri=True, timeout=wait, check_same_thread=False))
    except sqlite3.OperationalError as exc:
        wal = Path(str(path) + "-wal")
        if sqlite_code(exc) != 14 or os.access(Path(path).parent, os.W_OK) or _size(wal) > 0:  # SQLITE_CANTOPEN
            raise
    return _probe(sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, timeout=wait, check_same_thread=False))


def _probe(connection: sqlite3.Connection) -> sqlite3.Connection:
    """Make SQLite actually open the file (it does so lazily), so that failing to open shows here."""
    try:
        connection.execute("PRAGMA schema_version").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def list_backups(db_path: Path) -> list[Path]:
    """Every backup of this database (rolling and pre-upgrade), newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.sqlite"), key=lambda p: p.name, reverse=True)


def rolling_backups(db_path: Path) -> list[Path]:
    """The backups that rotate (all but the pre-upgrade copies), newest first."""
    return [p for p in list_backups(db_path) if not p.stem.endswith(PRE_UPGRADE)]


def content_digest(path: Path) -> str:
    """A fingerprint of what the file holds: every byte but the 100-byte header.

    The header carries counters SQLite bumps without any change of content (and the journal mode,
    which differs between the database and its copies); any real change touches a page past it.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        handle.seek(100)
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def changed_since_last_backup(db_path: Path) -> bool:
    """Whether the database holds anything its newest backup does not (by content, not by file time).

    Only call this while no connection has the database open (it reads the file directly).
    """
    newest = list_backups(db_path)[:1]
    if not newest or _size(Path(str(db_path) + "-wal")) > 0:
        return True  # edits still in the write-ahead log: not comparable byte for byte, so copy
    try:
        return content_digest(db_path) != content_digest(newest[0])
    except OSError:
        return True


def take_backup(db_path: Path, reason: str, keep: int = KEEP) -> Path:
    """A checked, consistent copy (SQLite's backup API: safe while the file is in use); raises BackupError.

    Rolling copies beyond `keep` are removed only after the new one is in place.
    """
    folder = backup_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建备份文件夹“{folder}”", _os_detail(exc)) from exc
    _remove_leftovers(folder, f".{db_path.stem}-*.tmp*")  # with its -journal
    needed = _size(db_path) + _size(Path(str(db_path) + "-wal")) + SPACE_MARGIN
    _require_space(folder, needed, "备份")
    if reason != PRE_UPGRADE:
        # A kill between the rename below and the rotation after it leaves one copy too many; rotating
        # here first keeps that to one over `keep` however many such kills came before.
        _rotate(db_path, keep)
    name = f"{db_path.stem}-{_stamp()}-{reason}.sqlite"
    temporary = folder / f".{name}.tmp"
    try:
        _copy_database(db_path, temporary)
        target = _unique(folder / name)
        os.replace(temporary, target)
        _sync_folder(folder)
    except BackupError:
        temporary.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as exc:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"无法备份数据库（{_reason(exc)}）", _os_detail(exc)) from exc
    if reason != PRE_UPGRADE:
        _rotate(db_path, keep)
    return target


def _rotate(db_path: Path, keep: int) -> None:
    """Remove the oldest rolling copies beyond `keep` (pre-upgrade copies are never rotated away)."""
    for old in rolling_backups(db_path)[keep:]:
        old.unlink(missing_ok=True)


def restore_file(db_path: Path, backup: Path, label: str) -> Path | None:
    """Put a copy of `backup` in place of the database, in one atomic rename; returns the kept old file.

    The copy is made beside the database and checked before anything else happens; the old file is
    then kept (a hard link, or a copy where links are not possible) under a name that is never reused,
    with its `-wal`. At every moment the database's name holds either the old file or the restored one.
    """
    folder = db_path.parent
    _remove_leftovers(folder, f".{db_path.name}.restore-*.tmp*")
    _require_space(folder, _size(backup) + SPACE_MARGIN, "恢复")
    temporary = folder / f".{db_path.name}.restore-{_stamp()}.tmp"
    kept = None
    moved_wal = None
    try:
        _copy_database(backup, temporary)
        if db_path.exists():
            kept = _keep(db_path, f"{db_path.name}.{label}-{_stamp()}")
            # The old log belongs to the old file; left beside the restored one, SQLite would replay it.
            wal = Path(str(db_path) + "-wal")
            if wal.exists():
                moved_wal = Path(str(kept) + "-wal")
                os.replace(wal, moved_wal)
            Path(str(db_path) + "-shm").unlink(missing_ok=True)
        os.replace(temporary, db_path)
        _sync_folder(folder)
    except (OSError, sqlite3.Error, BackupError) as exc:
        temporary.unlink(missing_ok=True)
        if moved_wal is not None:
            with contextlib.suppress(OSError):
                os.replace(moved_wal, Path(str(db_path) + "-wal"))
        if kept is not None and db_path.exists():
            kept.unlink(missing_ok=True)  # the database is still the old file: the kept name is a duplicate
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"无法恢复数据库（{_reason(exc)}），数据库未作改动", _os_detail(exc)) from exc
    return kept


def check_file(path: Path) -> str | None:
    """None if `path` is a sound SQLite database, else what is wrong with it, in Chinese.

    Raises FileBusy when another program holds the file locked (that is "in use", never "damaged"),
    and OSError when the file cannot be read at all (no permission: not damaged either).
    """
    found = diagnose(path)
    return found[0] if found else None


def diagnose(path: Path) -> tuple[str, str] | None:
    """As `check_file`, with SQLite's own words: None, or (problem in Chinese, technical detail)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError as exc:
        if getattr(exc, "winerror", None) in (32, 33):  # sharing or lock violation: another program has it
            raise FileBusy(_os_detail(exc)) from exc
        raise
    if header != SQLITE_HEADER:
        return "这不是本程序的数据库文件（文件头不对，可能已损坏或被其他程序覆盖）", f"file header: {header!r}"
    try:
        connection = connect_read_only(path)
        try:
            result = [row[0] for row in connection.execute("PRAGMA quick_check(20)")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise FileBusy(str(exc)) from exc
        return "数据库文件已损坏（SQLite 无法读取其内容）", _os_detail(exc)
    if result == ["ok"]:
        return None
    return "数据库文件已损坏（完整性检查未通过）", "PRAGMA quick_check: " + "; ".join(map(str, result))


def newest_good_backup(db_path: Path) -> Path | None:
    for candidate in list_backups(db_path):
        try:
            if check_file(candidate) is None:
                return candidate
        except (FileBusy, OSError):
            continue
    return None


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite, as a self-contained (rollback-journal) file, checked and synced."""
    reader = connect_read_only(source)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
            # The copied header says WAL when the source is; a copy should stand alone, without -wal/-shm.
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    finally:
        reader.close()
    problem = check_file(target)
    if problem:
        raise BackupError(f"复制出的文件未通过检查：{problem}")
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def _keep(db_path: Path, name: str) -> Path:
    """Keep the current file under a new name that no other kept file has (or will get)."""
    for n in range(1, 10_000):
        kept = db_path.with_name(name if n == 1 else f"{name}-{n}")
        try:
            os.link(db_path, kept)  # atomic, costs no space, and fails if the name is taken
            return kept
        except FileExistsError:
            continue
        except OSError:  # no hard links here (FAT, some network shares): copy instead
            if kept.exists():
                continue
            _require_space(db_path.parent, _size(db_path) + SPACE_MARGIN, "恢复")
            with open(db_path, "rb") as source, open(kept, "xb") as target:
                shutil.copyfileobj(source, target)
                target.flush()
                os.fsync(target.fileno())
            return kept
    raise BackupError("无法为原文件找到可用的保存名称")


def _unique(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _require_space(folder: Path, needed: int, action: str) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # unknown: the copy itself will fail cleanly if the space is not there
    if free < needed:
        raise BackupError(
            f"磁盘空间不足，无法{action}：需要约 {_megabytes(needed)} MB，只剩 {_megabytes(free)} MB",
            f"shutil.disk_usage({folder!s}).free = {free}, needed = {needed}",
        )


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f}"


def _remove_leftovers(folder: Path, pattern: str) -> None:
    """Temporary files a crash left behind (the caller holds the instance lock: nobody else writes them)."""
    for leftover in folder.glob(pattern):
        leftover.unlink(missing_ok=True)


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows has no directory handles to sync)."""
    if os.name == "nt":  # pragma: no cover
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _reason(exc: BaseException) -> str:
    """A short Chinese reason for a failure; the system's own text goes to the detail."""
    code = sqlite_code(exc)
    errno = getattr(exc, "errno", None)
    if code == 13 or errno == 28:  # SQLITE_FULL, ENOSPC
        return "磁盘空间不足"
    if code in (3, 8) or isinstance(exc, PermissionError):  # SQLITE_PERM, SQLITE_READONLY
        return "没有写入权限"
    if code in BUSY_CODES:
        return "文件正被其他程序占用"
    if code in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return "文件内容损坏"
    return "读写出错"


def _os_detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
