"""Opening the database file safely: lock, check, back up, migrate; sessions in one place."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
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
from db.lock import InstanceLock, LockOwner

APP_NAME = "juesuan"
DEFAULT_FILE = "juesuan.sqlite"
#: While editing, a backup is taken at most this often (seconds).
BACKUP_INTERVAL = 15 * 60


class DatabaseError(Exception):
    """A database that cannot be used as asked; the message is for the user, in Chinese.

    `detail` holds the technical text (SQLite's or the system's own words) for a 详细信息 section;
    it is never part of the message itself.
    """

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


class DatabaseCorrupt(DatabaseError):
    def __init__(self, path: Path, problem: str, backup: Path | None):
        self.path, self.problem, self.backup = path, problem, backup
        offer = f"可以恢复最近的完好备份：{backup}" if backup else "没有找到可用的备份"
        super().__init__(f"无法打开数据库“{path}”：{problem}。{offer}。原文件不会被删除。")


class DatabaseTooNew(DatabaseError):
    pass


class DatabaseInUse(DatabaseError):
    def __init__(self, path: Path, owner: LockOwner):
        self.path, self.owner = path, owner
        super().__init__(f"数据库“{path}”正在被使用：{owner.describe()}。可以以只读方式打开。")


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


class Database:
    """An open database file. Writers hold the instance lock; read-only openers do not."""

    def __init__(self, path: Path, engine: Engine, lock: InstanceLock | None, read_only: bool):
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._lock = lock
        #: Why the file is open read-only, for a notice the user can see (None when writable).
        self.read_only_reason: str | None = "以只读方式打开" if read_only else None
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._last_backup = time.monotonic()

    @classmethod
    def open(cls, path: str | Path | None = None, read_only: bool = False, revision: str | None = None) -> Database:
        """Open (or create) the file: refuse it if in use, damaged or newer; back up, then migrate.

        `revision` migrates only that far (for tests of older schemas).
        """
        path = Path(path) if path else default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = None
        if not read_only:
            lock = InstanceLock(path)
            owner = lock.acquire()
            if owner is not None:
                raise DatabaseInUse(path, owner)
        try:
            existed = path.exists() and path.stat().st_size > 0
            if existed:
                problem = backups.check_file(path)
                if problem:
                    raise DatabaseCorrupt(path, problem, backups.newest_good_backup(path))
            if existed and not read_only and backups.changed_since_last_backup(path):
                backups.take_backup(path, "open")  # before anything, migrations included, touches it
            engine = _engine(path, read_only)
            database = cls(path, engine, lock, read_only)
            database._migrate(revision or head_revision())
            return database
        except BaseException:
            if lock:
                lock.release()
            raise

    def _migrate(self, target: str) -> None:
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        known = {s.revision for s in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}
        if current is not None and current not in known:
            self.engine.dispose()
            raise DatabaseTooNew(
                f"数据库“{self.path}”由更新版本的程序创建（结构版本 {current}），本程序无法打开。请升级程序；文件未作任何改动。"
            )
        if current == target:
            return
        if self.read_only:
            self.engine.dispose()
            raise DatabaseError(f"数据库“{self.path}”需要先升级结构，不能以只读方式打开")
        with self.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), target)

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work, committed (and on disk) when the block ends, rolled back on error."""
        if self.read_only:
            raise DatabaseError("数据库以只读方式打开，不能修改")
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise DatabaseError(f"无法写入数据库“{self.path}”：{exc.orig}") from exc

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def backup_now(self, reason: str = "manual") -> Path:
        self._last_backup = time.monotonic()
        return backups.take_backup(self.path, reason)

    def backup_if_due(self, interval: float = BACKUP_INTERVAL) -> Path | None:
        """A timed backup while editing: at most one per `interval` seconds."""
        if self.read_only or time.monotonic() - self._last_backup < interval:
            return None
        return self.backup_now("timer")

    def close(self) -> None:
        self.engine.dispose()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _engine(path: Path, read_only: bool) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk before it returns, so an acknowledged edit survives a power cut.
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine
