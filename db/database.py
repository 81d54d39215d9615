"""Opening the database file safely: lock, check, back up, migrate; sessions in one place.

The order on open is what keeps a file untouched until it is known to be ours and usable: lock it
(by identity), check it read-only (damaged? busy? newer schema? edits lost with a `-wal`?), back it up
if it changed, and only then open it for writing (WAL) and migrate.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import backups
from db.lock import InstanceLock, LockOwner, real_path

APP_NAME = "juesuan"
DEFAULT_FILE = "juesuan.sqlite"
#: While editing, a backup is taken at most this often (seconds), and only if something was saved.
BACKUP_INTERVAL = 15 * 60
#: Seconds without an edit after which the window copies the edits into the file itself (a checkpoint),
#: so that a copy of the .sqlite alone (what users put on a USB stick) holds every edit.
IDLE_CHECKPOINT = 2
#: How long (seconds) an edit waits for another program's lock before it is refused.
EDIT_BUSY_WAIT = 5.0

READ_ONLY_ASKED = "以只读方式打开"
READ_ONLY_FILE = "数据库文件只读（没有写入权限）"
READ_ONLY_FOLDER = "数据库所在文件夹只读（没有写入权限）"


class DatabaseError(Exception):
    """A database that cannot be used as asked; the message is for the user, in Chinese.

    `detail` holds the technical text (SQLite's or the system's own words) for a 详细信息 section;
    it is never part of the message itself.
    """

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


class DatabaseCorrupt(DatabaseError):
    """The file is damaged (or empty): a restore may be offered."""

    def __init__(self, path: Path, problem: str, backup: Path | None, detail: str | None = None):
        self.path, self.problem, self.backup = path, problem, backup
        offer = f"可以恢复最近的完好备份：{backup}（命令 restore）" if backup else "没有找到可用的备份"
        super().__init__(f"无法打开数据库“{path}”：{problem}。{offer}。原文件不会被删除。", detail)


class DatabaseEmpty(DatabaseCorrupt):
    """A zero-length file (what a crash or a bad copy leaves): refused, kept as it is."""


class DatabaseTooNew(DatabaseError):
    pass


class DatabaseInUse(DatabaseError):
    def __init__(self, path: Path, owner: LockOwner, hint: str = "可以以只读方式打开。"):
        self.path, self.owner = path, owner
        super().__init__(f"数据库“{path}”正在被使用：{owner.describe()}。{hint}")


class DatabaseBusy(DatabaseError):
    """Another program (not this one) holds the file locked: in use, never damaged; never restore it."""

    def __init__(self, path: Path, detail: str | None = None, action: str = "打开"):
        self.path = path
        super().__init__(
            f"数据库“{path}”正被其他程序占用（可能是另一个程序、杀毒软件或备份工具），暂时无法{action}。"
            "请稍后再试；文件未作改动。",
            detail,
        )


class DatabaseWalLost(DatabaseError):
    """Edits the last session saved are not in the file: its `-wal` went missing or was damaged."""


def default_path() -> Path:
    """The database in the user's data folder."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DEFAULT_FILE


def _alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("db") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def _known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}


def write_problem(path: Path) -> str | None:
    """Why this process may not write the file (or the folder its journal files go in), or None."""
    if path.exists() and not os.access(path, os.W_OK):
        return READ_ONLY_FILE
    if not os.access(path.parent, os.W_OK):
        return READ_ONLY_FOLDER
    return None


class Database:
    """An open database file. Writers hold the instance lock; read-only openers do not."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        lock: InstanceLock | None,
        read_only: bool,
        read_only_reason: str | None = None,
    ):
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._lock = lock
        #: Why the file is open read-only, for a notice the user can see (None when writable).
        self.read_only_reason: str | None = (read_only_reason or READ_ONLY_ASKED) if read_only else None
        #: Things the user should know that did not stop the open (a backup that failed), in Chinese.
        self.warnings: list[str] = []
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._last_backup = time.monotonic()
        self._unsaved_in_backup = False
        self._commits = 0

    @classmethod
    def open(cls, path: str | Path | None = None, read_only: bool = False, revision: str | None = None) -> Database:
        """Open (or create) the file: refuse it if in use, damaged or newer; back up, then migrate.

        `revision` migrates only that far (for tests of older schemas). A file this process may not
        write opens read-only, with `read_only_reason` saying why.
        """
        path = Path(path) if path else default_path()
        real = real_path(path)
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建数据库文件夹“{real.parent}”", backups._os_detail(exc)) from exc
        reason = READ_ONLY_ASKED if read_only else write_problem(real)
        lock = None
        if reason is None:
            lock = InstanceLock(real)
            try:
                owner = lock.acquire()
            except OSError:
                lock, reason = None, READ_ONLY_FOLDER  # the lock file cannot be made: the folder is read-only
            else:
                if owner is not None:
                    raise DatabaseInUse(path, owner)
        try:
            return cls._open_locked(path, real, lock, reason, revision or head_revision())
        except BaseException:
            if lock:
                lock.release(record=False)
            raise

    @classmethod
    def _open_locked(
        cls, path: Path, real: Path, lock: InstanceLock | None, reason: str | None, target: str
    ) -> Database:
        created = False
        wal_size = backups._size(Path(str(real) + "-wal"))  # before any connection makes an empty one
        if not real.exists():
            if lock is None:
                raise DatabaseError(f"数据库“{path}”不存在，且{reason}，无法新建")
            _create(real, target)
            lock.lock_database_file()
            created = True
        elif real.stat().st_size == 0:
            raise DatabaseEmpty(
                path, "文件是空的（长度为零，可能是崩溃或复制不完整留下的）", backups.newest_good_backup(real)
            )
        current = _check(path, real)
        warnings = []
        if lock is not None:
            _check_wal(path, real, lock, wal_size)
            if not created:
                warnings = _backup_before_use(path, real, current, target)
        try:
            database = cls._connect(path, real, lock, reason, target, current)
        except DatabaseError as exc:
            if lock is None or backups.sqlite_code(exc) not in (8, 14):  # SQLITE_READONLY, SQLITE_CANTOPEN
                raise
            # Writable to all appearances, yet SQLite may not write it (a read-only share, an ACL):
            # read-only then, as when the file mode says so.
            lock.release(record=False)
            return cls._connect(path, real, None, READ_ONLY_FILE, target, current)
        database.warnings = warnings
        return database

    @classmethod
    def _connect(
        cls, path: Path, real: Path, lock: InstanceLock | None, reason: str | None, target: str, current: str | None
    ) -> Database:
        read_only = lock is None
        if read_only and current != target:
            raise DatabaseError(f"数据库“{path}”需要先升级结构，不能以只读方式打开（{reason}）")
        engine = _engine(real, read_only)
        database = cls(path, engine, lock, read_only, reason)
        try:
            if not read_only:
                database._probe_write()
                database._commits = database._counter()
                lock.record(database._commits, clean=False)
                if current != target:
                    with engine.begin() as connection:
                        command.upgrade(_alembic_config(connection), target)
        except (OperationalError, sqlite3.OperationalError) as exc:
            engine.dispose()
            orig = getattr(exc, "orig", exc)
            if backups.is_busy(orig):
                raise DatabaseBusy(path, str(orig)) from exc
            error = DatabaseError(f"无法打开数据库“{path}”：{backups._reason(orig)}", str(orig))
            error.orig = orig
            raise error from exc
        except BaseException:
            engine.dispose()
            raise
        return database

    def _probe_write(self) -> None:
        """Take the write lock once and give it back: a file another program holds, or one SQLite may not
        write, shows here and not at the first edit."""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            count = cursor.execute("PRAGMA user_version").fetchone()[0]
            cursor.execute("BEGIN IMMEDIATE")
            try:
                # Touch a page (and roll back): a file SQLite may only read fails here, not at the first edit.
                cursor.execute(f"PRAGMA user_version = {count}")
            finally:
                cursor.execute("ROLLBACK")
        finally:
            raw.close()

    def _counter(self) -> int:
        with self.engine.connect() as connection:
            return connection.exec_driver_sql("PRAGMA user_version").scalar() or 0

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work, committed (and on disk) when the block ends, rolled back on error.

        Each commit that wrote something is counted in the file (`PRAGMA user_version`, in the same
        transaction), then `after_write` runs: checkpoint, timed backup.
        """
        if self.read_only:
            raise DatabaseError(f"数据库以只读方式打开（{self.read_only_reason}），不能修改")
        wrote = False
        try:
            with self._sessions.begin() as session:
                yield session
                session.flush()
                dbapi = session.connection().connection.dbapi_connection
                if getattr(dbapi, "in_transaction", True):  # the driver began a transaction: something was written
                    count = session.connection().exec_driver_sql("PRAGMA user_version").scalar() or 0
                    session.connection().exec_driver_sql(f"PRAGMA user_version = {count + 1}")
                    wrote = True
        except OperationalError as exc:
            raise self._write_error(exc) from exc
        if wrote:
            self._commits = max(self._commits + 1, count + 1)
            self.after_write()

    def _write_error(self, exc: OperationalError) -> DatabaseError:
        detail = str(exc.orig)
        if backups.is_busy(exc):
            return DatabaseBusy(self.path, detail, action="保存修改")
        return DatabaseError(f"无法写入数据库“{self.path}”（{backups._reason(exc)}），修改未保存", detail)

    def after_write(self) -> None:
        """After a saved edit: note it for the next start, copy it into the main file, back up if due.

        The edit is already on disk; nothing here may fail it, so failures become `warnings`.
        """
        self._unsaved_in_backup = True
        if self._lock:
            self._lock.record(self._commits, clean=False)
        # No checkpoint here: it cost two more fsyncs per keystroke. The window checkpoints once it has
        # sat idle for a moment after an edit (`IDLE_CHECKPOINT`), and closing empties the -wal.
        try:
            self.backup_if_due()
        except DatabaseError as exc:
            self.warnings.append(str(exc))

    def checkpoint(self, truncate: bool = True) -> bool:
        """Copy every saved edit from the `-wal` into the database file; True if all of it went in.

        `truncate` also empties the `-wal` (it may wait for readers, up to the busy timeout).
        """
        if self.read_only:
            return False
        try:
            with self.engine.connect() as connection:
                mode = "TRUNCATE" if truncate else "PASSIVE"
                busy, log, done = connection.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})").fetchone()
        except OperationalError:
            return False
        return busy == 0 and log == done

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def backup_now(self, reason: str = "manual") -> Path:
        """A backup now; raises DatabaseError (with the system's words as detail) if it cannot be made."""
        try:
            target = backups.take_backup(real_path(self.path), reason)
        except backups.BackupError as exc:
            raise DatabaseError(f"数据库“{self.path}”未能备份：{exc}", exc.detail) from exc
        self._last_backup = time.monotonic()
        self._unsaved_in_backup = False
        return target

    def backup_if_due(self, interval: float | None = None) -> Path | None:
        """A timed backup while editing: at most one per `interval` seconds (BACKUP_INTERVAL), and only after edits.

        Cheap when not due (a clock comparison); `transaction()` calls it after every commit.
        """
        interval = BACKUP_INTERVAL if interval is None else interval
        if self.read_only or not self._unsaved_in_backup or time.monotonic() - self._last_backup < interval:
            return None
        return self.backup_now("timer")

    def close(self) -> None:
        clean = self.checkpoint(truncate=True)
        self.engine.dispose()
        if self._lock:
            # Not clean when another process still reads the file: the -wal may hold edits; the next start checks.
            self._lock.release(self._commits, clean=clean)
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def restore_backup(path: str | Path | None, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Put a backup (the newest good one by default) in place of the database; returns (backup, kept file).

    Refused while another instance has the database open, or another program holds it locked; the
    old file is kept beside it under a name never used before. Raises DatabaseError, file untouched.
    """
    path = Path(path) if path else default_path()
    real = real_path(path)
    lock = InstanceLock(real)
    try:
        owner = lock.acquire()
    except OSError as exc:
        raise DatabaseError(f"无法恢复数据库“{path}”：{READ_ONLY_FOLDER}", backups._os_detail(exc)) from exc
    if owner is not None:
        raise DatabaseInUse(path, owner, hint="请先关闭正在使用它的程序，再恢复；数据库未作改动。")
    try:
        if not os.access(real.parent, os.W_OK):  # the restored copy is made beside the database, then renamed
            raise DatabaseError(f"无法恢复数据库“{path}”：{READ_ONLY_FOLDER}，数据库未作改动")
        source = Path(backup) if backup else backups.newest_good_backup(real)
        if source is None:
            raise DatabaseError(f"没有找到“{path}”的可用备份")
        try:
            found = backups.diagnose(source)
        except (backups.FileBusy, OSError) as exc:
            raise DatabaseError(f"无法读取备份“{source}”", str(exc)) from exc
        if found:
            raise DatabaseError(f"备份“{source}”不能用：{found[0]}", found[1])
        label = "replaced"
        if real.exists():
            try:
                damaged = real.stat().st_size == 0 or backups.diagnose(real) is not None
            except backups.FileBusy as exc:
                raise DatabaseBusy(path, exc.detail, action="恢复") from exc
            except OSError:
                damaged = True
            label = "damaged" if damaged else "replaced"
            if not damaged:
                _refuse_if_held(path, real)
        lock.release_database_file()
        try:
            kept = backups.restore_file(real, source, label)
        except backups.BackupError as exc:
            raise DatabaseError(f"无法恢复数据库“{path}”：{exc}。数据库未作改动。", exc.detail) from exc
        # A new file: what the old one's log counted no longer applies to it.
        lock.release(_file_counter(real), record=True)
        return source, kept
    finally:
        lock.release(record=False)


def _refuse_if_held(path: Path, real: Path) -> None:
    """Refuse while another program holds SQLite's write lock (in WAL mode, reading still works then)."""
    try:
        connection = sqlite3.connect(real, timeout=backups.BUSY_WAIT, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        if backups.is_busy(exc):
            raise DatabaseBusy(path, str(exc), action="恢复") from exc
        # Otherwise (read-only, …) the restore itself says what stops it.


def _create(real: Path, target: str) -> None:
    """A new database, built beside its place and renamed in whole: a crash never leaves an empty file."""
    temporary = real.with_name(f".{real.name}.new-{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{temporary}")
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), target)
    except BaseException:
        engine.dispose()
        temporary.unlink(missing_ok=True)
        raise
    engine.dispose()
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, real)


def _check(path: Path, real: Path) -> str | None:
    """Check the file without changing it; returns its schema revision. Raises for every refusal."""
    try:
        found = backups.diagnose(real)
    except backups.FileBusy as exc:
        raise DatabaseBusy(path, exc.detail) from exc
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库“{path}”（没有读取权限或文件无法访问）", backups._os_detail(exc)) from exc
    if found:
        raise DatabaseCorrupt(path, found[0], backups.newest_good_backup(real), found[1])
    try:
        connection = backups.connect_read_only(real)
        try:
            tables = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchall()
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone() if tables else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if backups.is_busy(exc):
            raise DatabaseBusy(path, str(exc)) from exc
        raise DatabaseError(f"无法读取数据库“{path}”", str(exc)) from exc
    current = row[0] if row else None
    if current is not None and current not in _known_revisions():
        raise DatabaseTooNew(
            f"数据库“{path}”由更新版本的程序创建（结构版本 {current}），本程序无法打开。请升级程序；文件未作任何改动。"
        )
    return current


def _file_counter(real: Path) -> int:
    try:
        connection = backups.connect_read_only(real)
        try:
            return connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return 0


def _check_wal(path: Path, real: Path, lock: InstanceLock, wal_size: int) -> None:
    """Refuse, once, a file whose last session saved edits that are no longer in it (a lost `-wal`).

    What the last session counted (in the lock file, after each commit) is compared with the count in
    the file as SQLite reads it (with whatever `-wal` is there). Detected: a `-wal` deleted or damaged
    after a session ended without closing the file, while it held edits not yet copied into the file.
    """
    if not lock.previous_unclean_here():
        return
    expected = lock.previous_commits()
    found = _file_counter(real)
    if found >= expected:
        return
    wal = Path(str(real) + "-wal")
    kept = None
    if wal_size > 0 and wal.exists():  # damaged: keep it as it is before SQLite resets it on the next write
        kept = wal.with_name(f"{wal.name}.damaged-{datetime.now():%Y%m%d-%H%M%S-%f}")
        with contextlib.suppress(OSError):
            kept.write_bytes(wal.read_bytes())
    lock.acknowledge(found)  # reported now; the next start goes on with what the file holds
    state = f"已损坏（原日志另存为 {kept.name}）" if kept else "缺失"
    raise DatabaseWalLost(
        f"数据库“{path}”上次没有正常关闭，而它的预写日志文件（{wal.name}）{state}："
        f"最近保存的 {expected - found} 次修改不在数据库中。"
        "再次打开将以文件现有的内容继续；也可以用 restore 恢复备份。",
        f"edit counter: last session recorded {expected}, file (with -wal) has {found}",
    )


def _backup_before_use(path: Path, real: Path, current: str | None, target: str) -> list[str]:
    """Back the file up before this session touches it; a failed backup is a warning, except before an upgrade."""
    if current != target:
        try:
            backups.take_backup(real, backups.PRE_UPGRADE)
        except backups.BackupError as exc:
            raise DatabaseError(
                f"数据库“{path}”需要升级结构，但升级前未能备份：{exc}。为免丢失数据，未作升级，文件未作改动。",
                exc.detail,
            ) from exc
        return []
    if not backups.changed_since_last_backup(real):
        return []
    try:
        backups.take_backup(real, "open")
    except backups.BackupError as exc:
        return [f"打开数据库时未能备份：{exc}。数据库照常可用，但最近一次的备份不含本次打开前的内容。"]
    return []


def _engine(path: Path, read_only: bool) -> Engine:
    if read_only:
        # mode=ro: a reader never changes the file, not even by checkpointing it when it closes.
        return create_engine(f"sqlite:///{path}", creator=lambda: backups.connect_read_only(path))
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(EDIT_BUSY_WAIT * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before it returns, so an acknowledged edit survives a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine
