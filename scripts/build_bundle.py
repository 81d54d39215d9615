"""Build the stand-alone folder (no Python needed on the target PC) and check it; one command, Linux or Windows:

    .venv/bin/python scripts/build_bundle.py           # Linux
    .venv\\Scripts\\python scripts\\build_bundle.py      # Windows (PyInstaller builds for the system it runs on)

1. installs the project with its `bundle` extra (PyInstaller) into the running Python (skip: --no-install);
2. runs PyInstaller on juesuan.spec → dist/juesuan/ (juesuan[.exe] the window, juesuan-cli[.exe] the commands);
3. checks the folder from a directory outside the checkout: `juesuan-cli --version` prints pyproject's version,
   and `juesuan-cli audit` on a seed report gives exactly what `python main.py audit` gives;
4. packs it: dist/juesuan-<version>-windows-x86_64.zip (.tar.gz on Linux), the file to hand out.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUNDLE = DIST / "juesuan"
EXE = ".exe" if os.name == "nt" else ""
SEED = ROOT / "tests" / "fixtures" / "reports" / "000.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-install", action="store_true", help="PyInstaller and the project are installed already")
    parser.add_argument("--no-zip", action="store_true", help="leave out the .zip / .tar.gz")
    args = parser.parse_args()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    started = time.monotonic()
    if not args.no_install:
        step(
            "installing the project and PyInstaller", [sys.executable, "-m", "pip", "install", "-q", "-e", ".[bundle]"]
        )
    step(
        "PyInstaller juesuan.spec",
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN", "juesuan.spec"],
    )
    check(version)
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"{BUNDLE}: {size / 2**20:.0f} MiB, {sum(1 for _ in BUNDLE.rglob('*'))} files and folders")
    if not args.no_zip:
        machine = {"amd64": "x86_64", "x86_64": "x86_64"}.get(platform.machine().lower(), platform.machine().lower())
        archive = DIST / f"juesuan-{version}-{sys.platform.replace('win32', 'windows')}-{machine}"
        # Windows: a .zip to unzip; elsewhere a .tar.gz, which keeps the programs' x bits and the symlinks.
        kind = "zip" if os.name == "nt" else "gztar"
        made = Path(shutil.make_archive(str(archive), kind, root_dir=DIST, base_dir=BUNDLE.name))
        print(f"{made}: {made.stat().st_size / 2**20:.0f} MiB")
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


def step(title: str, command: list[str]) -> None:
    print(f"== {title}", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def check(version: str) -> None:
    """The bundle, run from an empty folder outside the checkout, against the source."""
    print("== checking the bundle", flush=True)
    cli = BUNDLE / f"juesuan-cli{EXE}"
    window = BUNDLE / f"juesuan{EXE}"
    for program in (cli, window):
        if not program.is_file():
            sys.exit(f"missing: {program}")
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, PYTHONUTF8="1", QT_QPA_PLATFORM="offscreen")
        shown = run([cli, "--version"], folder, env).stdout.strip()
        if shown != f"决算审核台 {version}":
            sys.exit(f"`juesuan-cli --version` printed {shown!r}, expected 决算审核台 {version}")
        for fmt in ([], ["--json"]):
            bundled = run([cli, "audit", SEED, *fmt], folder, env)
            source = run([sys.executable, "main.py", "audit", SEED, *fmt], ROOT, env)
            if (bundled.returncode, bundled.stdout, bundled.stderr) != (
                source.returncode,
                source.stdout,
                source.stderr,
            ):
                sys.exit(f"`audit {' '.join(fmt)}` from the bundle differs from the source:\n{bundled.stdout[:2000]}")
        print(f"{shown}; audit {SEED.name}: same output as the source (exit {bundled.returncode})")


def run(command: list, cwd, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300
    )


if __name__ == "__main__":
    sys.exit(main())
