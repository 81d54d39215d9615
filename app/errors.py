"""What an operation that could not be carried out tells its caller: a Chinese message and the technical detail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.money import AmountError
from core.report import AddressError
from core.reportfile import ReportFileError
from db.database import (  # noqa: F401 - the kinds of trouble opening a database, for the window to tell apart
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseInUse,
    DatabaseWalLost,
)


class OperationFailed(Exception):
    """Nothing was changed. `str()` is for the user (Chinese); `detail` is for a 详细信息 section."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


#: Errors whose message is already written for the user.
USER_ERRORS = (DatabaseError, ReportFileError, AddressError, AmountError)


@contextmanager
def failing_as_operation() -> Iterator[None]:
    """Turn the lower layers' user-facing errors, and the system's, into OperationFailed."""
    try:
        yield
    except OperationFailed:
        raise
    except USER_ERRORS as exc:
        raise OperationFailed(str(exc), getattr(exc, "detail", None)) from exc
    except OSError as exc:
        where = f"“{exc.filename}”" if exc.filename else "文件"
        raise OperationFailed(f"无法读写{where}：{exc.strerror or exc}", repr(exc)) from exc
