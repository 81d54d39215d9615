"""One program instance per database file: an OS lock on `<db>.lock`, which also says who holds it."""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# The lock is taken on one byte far past the owner text, so that others can still read the text
# (Windows locks byte ranges for reading too).
_LOCK_OFFSET = 1 << 20


@dataclass(frozen=True)
class LockOwner:
    user: str
    host: str
    pid: int
    since: str

    def describe(self) -> str:
        return f"{self.user}（计算机 {self.host}，进程 {self.pid}）自 {self.since} 起"


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser fails where no login name is set (some services)
        return "未知用户"


class InstanceLock:
    """Held while a program instance has the database open for writing."""

    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self._file = None

    def acquire(self) -> LockOwner | None:
        """Take the lock; returns None, or the current holder if another instance has it."""
        handle = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        if not _try_lock(handle):
            handle.seek(0)
            owner = _read_owner(handle.read(4096))
            handle.close()
            return owner or LockOwner("未知用户", "未知", 0, "未知时间")
        owner = LockOwner(current_user(), socket.gethostname(), os.getpid(), datetime.now().strftime("%Y-%m-%d %H:%M"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(owner.__dict__, ensure_ascii=False).encode("utf-8"))
        handle.flush()
        self._file = handle
        return None

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            _unlock(self._file)
            self._file.close()
            self._file = None


def _read_owner(data: bytes) -> LockOwner | None:
    try:
        fields = json.loads(data.decode("utf-8"))
        return LockOwner(str(fields["user"]), str(fields["host"]), int(fields["pid"]), str(fields["since"]))
    except (ValueError, KeyError, TypeError):
        return None


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle) -> bool:
        handle.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle) -> None:
        handle.seek(_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    # flock, not lockf: a second open in the same process must be refused too.
    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
