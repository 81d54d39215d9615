"""The wheel is the program: built from a copy of the checkout, installed in a fresh virtual environment,
it runs `juesuan-cli audit`, `juesuan --version` and the window from a folder outside the checkout.

The wheel's tests are slow (a minute or two: the fresh environment installs PySide6, pandas, … from the
package index or pip's cache) and marked so: `-m "not slow"` leaves them out. They run by default.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
import venv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import SEED_REPORTS

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
#: Left out of the copy the wheel is built from: nothing here may reach the wheel.
NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".benchmarks", ".hypothesis")


def test_version_from_a_checkout_that_was_never_installed(tmp_path):
    """No metadata to ask (no site-packages): the version is read from the checkout's pyproject.toml."""
    (tmp_path / "core").mkdir()
    shutil.copy(ROOT / "core" / "version.py", tmp_path / "core" / "version.py")
    (tmp_path / "core" / "__init__.py").write_text("")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    program = "from core.version import version_text; print(version_text())"
    result = _run([sys.executable, "-S", "-c", program], tmp_path)
    assert result.stdout.strip() == f"决算审核台 {PROJECT['version']}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the wheel, the fresh environment's folder, a working folder outside the checkout)."""
    base = tmp_path_factory.mktemp("packaging")
    # A copy, so that a stale build/ of the checkout (which keeps deleted files) cannot leak into the wheel.
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    wheels = base / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)], cwd=base)
    (wheel,) = wheels.glob("juesuan-*.whl")
    environment = base / "venv"
    venv.create(environment, with_pip=True)
    _run([str(environment / BIN / f"python{EXE}"), "-m", "pip", "install", "-q", str(wheel)], cwd=base, timeout=600)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return wheel, environment, elsewhere


def _run(args, cwd, timeout=300, env=None, check=True):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=timeout, env=env)
    if check and result.returncode != 0:
        pytest.fail(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _isolated_env(folder: Path) -> dict[str, str]:
    """The user's folders (data, settings) inside `folder`, the window on no screen."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1")
    env.pop("PYTHONPATH", None)
    for name in ("HOME", "USERPROFILE", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "LOCALAPPDATA", "APPDATA"):
        env[name] = str(folder / "user")
    return env


@pytest.mark.slow
def test_the_wheel_carries_everything_read_at_run_time(installed):
    wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, suffix in (("resources/templates", ".yaml"), ("resources/catalogues", ".csv")):
        expected = {f"{folder}/{p.relative_to(ROOT / folder).as_posix()}" for p in (ROOT / folder).rglob(f"*{suffix}")}
        assert expected and expected <= names
    migrations = {p.relative_to(ROOT).as_posix() for p in (ROOT / "db" / "migrations").rglob("*.py")}
    assert "db/migrations/env.py" in migrations and migrations <= names
    assert "db/migrations/script.py.mako" in names
    assert {"main.py", "core/version.py", "ui/main_window.py", "db/database.py"} <= names
    assert not any(n.startswith(("tests/", "benchmarks/", "scripts/")) for n in names)
    (entry_points,) = (n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[console_scripts]\njuesuan-cli = main:main" in text
    assert "[gui_scripts]\njuesuan = main:gui" in text


@pytest.mark.slow
def test_installed_version_from_outside_the_checkout(installed):
    _, environment, elsewhere = installed
    for command in ("juesuan", "juesuan-cli"):
        result = _run(
            [str(environment / BIN / f"{command}{EXE}"), "--version"], elsewhere, env=_isolated_env(elsewhere)
        )
        assert result.stdout.strip() == f"决算审核台 {PROJECT['version']}"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [[], ["--json"]], ids=["text", "json"])
def test_installed_audit_gives_the_same_output_as_the_source(installed, fmt):
    _, environment, elsewhere = installed
    for seed in ("000", "003"):
        report = str(SEED_REPORTS[seed])
        source = _run([sys.executable, "main.py", "audit", report, *fmt], ROOT, check=False)
        wheel = _run(
            [str(environment / BIN / f"juesuan-cli{EXE}"), "audit", report, *fmt],
            elsewhere,
            env=_isolated_env(elsewhere),
            check=False,
        )
        # The seeds' self-evaluation tables carry real errors: exit 1 from both, and the same findings.
        assert (wheel.returncode, wheel.stdout, wheel.stderr) == (source.returncode, source.stdout, source.stderr)
        assert wheel.returncode == 1 and wheel.stdout
        if fmt:
            assert json.loads(wheel.stdout)["summary"]["counts"]["error"] > 0


@pytest.mark.slow
def test_installed_program_migrates_a_database_and_opens_the_window(installed):
    _, environment, elsewhere = installed
    env = _isolated_env(elsewhere)
    database = elsewhere / "office.sqlite"
    cli = str(environment / BIN / f"juesuan-cli{EXE}")
    # import: the database is created by the migrations the wheel carries.
    _run([cli, "import", str(SEED_REPORTS["000"]), "--db", str(database)], elsewhere, env=env)
    # An exported workbook names the version it was checked with.
    unit = json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))
    workbook = elsewhere / "out.xlsx"
    _run(
        [
            cli,
            "export",
            "--unit",
            unit["unit"]["name"],
            "--year",
            str(unit["year"]),
            "--db",
            str(database),
            "-o",
            str(workbook),
        ],
        elsewhere,
        env=env,
    )
    facts = {row[0]: row[1] for row in openpyxl.load_workbook(workbook)["审核结果"].iter_rows(values_only=True)}
    assert facts["程序版本"] == PROJECT["version"]
    # The window, as `juesuan` starts it (main:gui), quit by a timer once it is shown.
    program = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        import main
        app = QApplication(sys.argv[:1])
        def shown():
            print("shown:", "|".join(w.windowTitle() for w in app.topLevelWidgets() if w.isVisible()))
            app.quit()
        QTimer.singleShot(300, shown)
        sys.argv[1:] = ["--db", {str(database)!r}]
        sys.exit(main.gui())
        """
    )
    result = _run([str(environment / BIN / f"python{EXE}"), "-c", program], elsewhere, env=env, timeout=120)
    assert "shown: 决算审核台" in result.stdout
