"""Storage timings: one durable edit, loading a seed-000-sized report, in a 1- and a 100-unit database.

.venv/bin/python benchmarks/bench_db.py [--quick]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.context import AppContext  # noqa: E402
from core.reportfile import read_report  # noqa: E402
from db.database import Database  # noqa: E402
from db.repository import import_report, list_reports, load_report, set_cells, set_selfeval  # noqa: E402


def timed(runs: int, once) -> str:
    samples = []
    for n in range(runs):
        start = time.perf_counter()
        once(n)
        samples.append(time.perf_counter() - start)
    samples.sort()
    p95 = samples[max(0, -(-95 * len(samples) // 100) - 1)]
    return f"{statistics.median(samples) * 1000:.2f} / {p95 * 1000:.2f} ms ({runs})"


def edited_selfeval(tables: list[dict], position: int, changed: bool) -> list[dict]:
    """The tables with one table's 总分 changed (or as they were): what a keystroke in the editor saves."""
    edited = list(tables)
    if changed:
        edited[position] = {**tables[position], "total": "1"}
    return edited


def bench(units: int, runs: int) -> dict[str, str]:
    seed, _ = read_report(ROOT / "tests" / "fixtures" / "reports" / "000.json")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        with Database.open(path) as db:
            start = time.perf_counter()
            for n in range(units):
                report = dataclasses.replace(seed, unit_name=f"{seed.unit_name}{n:03d}" if n else seed.unit_name)
                import_report(db, report)
            fill = time.perf_counter() - start
            first = list_reports(db)[0].id
            result = {
                "import one report": f"{fill / units * 1000:.1f} ms average over {units}",
                "durable edit (set_cells, one cell, synchronous=FULL)": timed(
                    runs, lambda n: set_cells(db, first, [("公开01:1:1", 81_993_540_000 + (n % 2) * 10_000)])
                ),
                "durable self-evaluation edit (set_selfeval, one table's 总分 of ten)": timed(
                    runs // 4 or 1,
                    lambda n: set_selfeval(db, first, edited_selfeval(seed.selfeval, 1, n % 2 == 0)),
                ),
                "durable self-evaluation edit as an open report writes it (that table only, nothing read back)": timed(
                    runs // 4 or 1,
                    lambda n: set_selfeval(
                        db,
                        first,
                        edited_selfeval(seed.selfeval, 1, n % 2 == 0),
                        positions={1},
                        stored=edited_selfeval(seed.selfeval, 1, n % 2 == 1),
                    ),
                ),
                "load report (383 cells + 10 self-evaluation tables)": timed(
                    runs // 4 or 1, lambda n: load_report(db, first)
                ),
                "list reports": timed(runs // 4 or 1, lambda n: list_reports(db)),
                "file size": f"{path.stat().st_size / 1e6:.1f} MB",
            }
        open_time = timed(max(3, runs // 20), lambda n: Database.open(path, read_only=True).close())
        result["open database (read-only, checks + migration check)"] = open_time
        result["open database (writable: lock, checks, migration check, backup if due)"] = timed(
            max(3, runs // 20), lambda n: Database.open(path).close()
        )
        with Database.open(path) as db:
            context = AppContext(db)
            result["open the report (ReportSession: load + full audit + finding index)"] = timed(
                max(3, runs // 20), lambda n: context.open_session(first)
            )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 40 if args.quick else 400
    print(f"# CPython {sys.version.split()[0]}; median / p95 (runs)")
    for units in (1, 100):
        print(f"\n## {units} unit(s) of seed-000 size")
        for name, value in bench(units, runs).items():
            print(f"- {name}: {value}")


if __name__ == "__main__":
    main()
