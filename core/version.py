"""The program's one version number: the installed package's metadata (pyproject.toml's `version`).

Installed (pip, pipx, the PyInstaller bundle, which carries the metadata) it comes from
importlib.metadata; run from a source checkout that was never installed, from the checkout's
pyproject.toml, so the window, `--version`, workbooks and summaries always say the same.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "juesuan"
PROGRAM = "决算审核台"
UNKNOWN = "未知版本"


@functools.cache
def version() -> str:
    """`0.1.0`, or 未知版本 when neither the metadata nor a checkout's pyproject.toml can be read."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return _checkout_version() or UNKNOWN


def version_text() -> str:
    """`决算审核台 0.1.0`, as `--version` prints it and 关于 shows it."""
    return f"{PROGRAM} {version()}"


def _checkout_version() -> str | None:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if project.get("name") != DISTRIBUTION:
        return None
    return str(project.get("version") or "") or None
