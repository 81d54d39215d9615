"""Files written whole or not at all: into a temporary file beside the target, then renamed over it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def write_atomically(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call `write` with a temporary path beside `path`, then put it in place; a failure leaves `path` as it was."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    try:
        write(temporary)
        temporary.replace(path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path
