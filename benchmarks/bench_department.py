"""Timing of the department: 100 units consolidated and audited, one unit's edit, the overview.

Run from the project root:

    .venv/bin/python benchmarks/bench_department.py            # full run (about a minute)
    .venv/bin/python benchmarks/bench_department.py --quick    # smoke run

The department is 100 units of seed-000 size: seed 000 with every amount multiplied by 1…9 (the unit's
number mod 9, plus one), all with seed 000's rows, labels and (for the overview) self-evaluation tables.
Each timing is wall clock (time.perf_counter) around one call, repeated; median and p95 (nearest rank)
in milliseconds, garbage collector on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.department import Department  # noqa: E402
from core.consolidate import Consolidation, scaled  # noqa: E402
from core.reportfile import read_report, write_report  # noqa: E402
from db.database import Database  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "reports" / "000.json"
UNITS = 100
DEPARTMENT = "武汉市人力资源和社会保障局"
EDITED = "公开03:2080105:1"  # a 项 of 公开03 (劳动保障监察), read by its row, its 款 and 公开05


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    runs = 3 if quick else 15
    seed, _ = read_report(SEED)
    units = [scaled(seed, i % 9 + 1, f"下属单位{i:03d}") for i in range(UNITS)]
    rows = []

    consolidation = Consolidation(DEPARTMENT, units)
    median, p95 = timed(lambda: Consolidation(DEPARTMENT, units).findings(), runs)
    rows.append(("100 units consolidated and audited (reports in memory)", median, p95, runs, 2000))

    original = units[7].cells[EDITED]
    state = {"v": original}

    def edit() -> None:
        state["v"] = original + 1_000_000 if state["v"] == original else original
        change = consolidation.set(units[7].unit_name, EDITED, state["v"])
        assert change.appeared or change.disappeared
        consolidation.findings()

    median, p95 = timed(edit, runs * 40)
    rows.append(
        ("one unit's edit reflected in the consolidation's findings (set + findings())", median, p95, runs * 40, 20)
    )

    with tempfile.TemporaryDirectory() as folder:
        files = Path(folder) / "units"
        files.mkdir()
        for report in units:
            report.selfeval = list(seed.selfeval)
            write_report(report, files / f"{report.unit_name}.json")
        with Database.open(Path(folder) / "dept.sqlite") as db:
            department = Department(db)
            start = time.perf_counter()
            result = department.import_folder(files, DEPARTMENT)
            imported = (time.perf_counter() - start) * 1000
            assert len(result.read) == UNITS
            rows.append(("import DIR: 100 files read, stored, audited (once)", imported, imported, 1, None))
            median, p95 = timed(lambda: department.consolidate(DEPARTMENT, 2023).findings(), runs)
            rows.append(("100 units consolidated and audited (from the database)", median, p95, runs, 2000))
            median, p95 = timed(lambda: department.overview(DEPARTMENT, 2023).as_rows(), runs)
            rows.append(("overview of 100 units (counts kept from the import)", median, p95, runs, 1000))
            with db.transaction() as session:
                session.execute(__import__("sqlalchemy").text("DELETE FROM audit_summaries"))
            start = time.perf_counter()
            department.overview(DEPARTMENT, 2023)
            cold = (time.perf_counter() - start) * 1000
            rows.append(("overview of 100 units, no counts kept (every unit audited, once)", cold, cold, 1, None))
            median, p95 = timed(lambda: department.export_long_table(DEPARTMENT, 2023, Path(folder) / "long.csv"), 3)
            rows.append(("long table of 100 units to .csv", median, p95, 3, None))

    print("| what | median ms | p95 ms | runs | target ms |")
    print("|---|---|---|---|---|")
    for what, median, p95, count, target in rows:
        print(f"| {what} | {median:.1f} | {p95:.1f} | {count} | {target if target else '—'} |")


if __name__ == "__main__":
    main()
