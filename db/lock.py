"""One program instance per database file: a lock on the file itself, and `<db>.lock` saying who holds it.

Two locks are taken, both by the OS (they vanish with the process, so a crash never leaves a stale lock):

- on the database file itself, so that every name of the file — a hard link, a symbolic link, another
  spelling of the path — meets the same lock (a lock follows the file's identity, not its name);
- on `<real path>.lock`, which also guards creating a new file (before it exists there is nothing to lock)
  and holds the owner's name for the message, and the count of saved edits for the next start (see
  `previous`): that count is how a lost `-wal` file is noticed.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# The owner text is read by others while the lock is held; Windows locks byte ranges for reading too,
# so the `.lock` file is locked on one byte far past the text.
_LOCK_OFFSET = 1 << 20
# On the database file (Windows only), a byte inside the page SQLite sets aside for its own locks
# (page 262145, starting at 0x40000000; SQLite locks at most its first 512 bytes and never reads or
# writes the page), so the lock never stands in SQLite's way.
_DB_LOCK_OFFSET = 0x40000000 + 0x800


@dataclass(frozen=True)
class LockOwner:
    user: str
    host: str
    pid: int
    since: str

    def describe(self) -> str:
        return f"{self.user}（计算机 {self.host}，进程 {self.pid}）自 {self.since} 起"


UNKNOWN_OWNER = LockOwner("未知用户", "未知", 0, "未知时间")
# Another instance holds the file under another name (a hard link elsewhere) and its note is not found.
OTHER_NAME_OWNER = LockOwner("另一个程序实例（通过该文件的另一个名称打开）", "未知", 0, "未知时间")


@functools.cache  # read once: every edit's log entry names the user, and getuser may read /etc/passwd
def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser fails where no login name is set (some services)
        return "未知用户"


def real_path(path: Path) -> Path:
    """The file's path with every symbolic link resolved (the same file always gets the same name)."""
    return Path(os.path.realpath(path))


class InstanceLock:
    """Held while a program instance has the database open for writing (or is restoring it)."""

    def __init__(self, db_path: Path):
        self.db_path = real_path(db_path)
        self.path = Path(str(self.db_path) + ".lock")
        self._file = None
        self._db_file = None
        #: What the previous holder left in the lock file (None if nothing): `clean` (closed normally),
        #: `commits` (edits saved by then), `dev`/`ino` (which file it was).
        self.previous: dict | None = None
        self._owner: LockOwner | None = None

    def acquire(self) -> LockOwner | None:
        """Take the lock; returns None, or the current holder if another instance has it.

        Raises OSError when the lock file cannot be made (a read-only folder).
        """
        handle = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        if not _try_lock(handle, _LOCK_OFFSET):
            handle.seek(0)
            owner = _read_owner(handle.read(4096))
            handle.close()
            return owner or UNKNOWN_OWNER
        handle.seek(0)
        self.previous = _read_state(handle.read(4096))
        self._file = handle
        self._owner = LockOwner(
            current_user(), socket.gethostname(), os.getpid(), datetime.now().strftime("%Y-%m-%d %H:%M")
        )
        holder = self.lock_database_file()
        if holder is not None:
            self.release(record=False)
            return holder
        # Held now; what the last holder left (its count, whether it closed properly) is kept until used.
        self._write({**(self.previous or {}), **self._owner.__dict__, "held": True})
        return None

    def lock_database_file(self) -> LockOwner | None:
        """Lock the database file itself (once it exists); the holder if another name of it is in use."""
        if self._db_file is not None or not self.db_path.exists():
            return None
        handle = open(self.db_path, "rb")  # noqa: SIM115 - kept open while the lock is held
        if not _try_lock(handle, _DB_LOCK_OFFSET):
            handle.close()
            return self._owner_by_identity() or OTHER_NAME_OWNER
        self._db_file = handle
        return None

    def release_database_file(self) -> None:
        """Let go of the database file (before it is replaced: Windows refuses to replace an open file)."""
        if self._db_file is not None:
            _unlock(self._db_file, _DB_LOCK_OFFSET)
            self._db_file.close()
            self._db_file = None

    def acknowledge(self, commits: int) -> None:
        """The count in the file is now the one to go by (a loss was reported), whatever happens next."""
        self.previous = {**(self.previous or {}), "commits": commits}
        self.record(commits, clean=False)

    def previous_commits(self) -> int:
        if not self.previous or not isinstance(self.previous.get("commits"), int):
            return 0
        return self.previous["commits"]

    def previous_unclean_here(self) -> bool:
        """Whether the last holder of this very file stopped without closing it properly."""
        if not self.previous or self.previous.get("clean", True):
            return False
        return self.previous.get("identity") == _identity(self.db_path)

    def record(self, commits: int, clean: bool, held: bool = True) -> None:
        """Note, for the next start, how many edits are saved and whether the file was closed properly.

        Not synced to disk: after a power cut the note may lag behind the file, never run ahead of it
        (each edit is on disk before it is counted here), so a lost edit can be missed, never invented.
        """
        note = dict(self._owner.__dict__) if self._owner and held else {}
        note.update(held=held, commits=commits, clean=clean, identity=_identity(self.db_path))
        self._write(note)

    def _write(self, note: dict) -> None:
        if self._file is None:
            return
        try:
            self._file.seek(0)
            self._file.truncate()
            self._file.write(json.dumps(note, ensure_ascii=False).encode("utf-8"))
            self._file.flush()
        except OSError:  # the note is a help for the next start, never a reason to fail an edit
            pass

    def release(self, commits: int | None = None, record: bool = True, clean: bool = True) -> None:
        """Let go; `record` notes `commits` saved (and whether closed properly), else the previous note is put back."""
        self.release_database_file()
        if self._file is not None:
            if record:
                self.record(self.previous_commits() if commits is None else commits, clean=clean, held=False)
            else:  # nothing was done with the file: what the last holder said still holds
                self._write({**(self.previous or {}), "held": False})
            _unlock(self._file, _LOCK_OFFSET)
            self._file.close()
            self._file = None

    def _owner_by_identity(self) -> LockOwner | None:
        """The holder's note among the lock files beside this one that name the same file."""
        wanted = _identity(self.db_path)
        for note in self.path.parent.glob("*.lock"):
            if note == self.path:
                continue
            try:
                data = note.read_bytes()[:4096]
            except OSError:
                continue
            state = _read_state(data)
            if state and state.get("identity") == wanted and state.get("held"):
                return _read_owner(data)
        return None


def _identity(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_dev, info.st_ino]


def _read_state(data: bytes) -> dict | None:
    try:
        fields = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    return fields if isinstance(fields, dict) else None


def _read_owner(data: bytes) -> LockOwner | None:
    fields = _read_state(data)
    try:
        return LockOwner(str(fields["user"]), str(fields["host"]), int(fields["pid"]), str(fields["since"]))
    except (KeyError, TypeError, ValueError):
        return None


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle, offset: int) -> bool:
        handle.seek(offset)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle, offset: int) -> None:
        handle.seek(offset)
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    # flock, not fcntl/lockf: a second open in the same process must be refused too, and SQLite's own
    # fcntl locks on the database file are a separate kind that flock never meets (on local disks).
    def _try_lock(handle, offset: int) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle, offset: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
