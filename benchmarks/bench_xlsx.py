"""Timing of the Excel export and import: seed 000 as read, and a report about 100× as large.

Run from the project root:

    .venv/bin/python benchmarks/bench_xlsx.py            # full run
    .venv/bin/python benchmarks/bench_xlsx.py --quick    # one repetition per size
    .venv/bin/python benchmarks/bench_xlsx.py --reading  # reading speed: one workbook, a 27-unit folder

The large report is seed 000 plus new 项 rows in the classification tables 公开02/03/05 (and every
fourth 款 also in 公开07/08) until it holds about 100 × the seed's 383 cells. Rows are consistent
within each table (each row's 1栏 = the sum of its other columns; every new 款 and 类 sums its 项),
not across tables, so the audit finds errors and 科目编码 warnings (the synthetic codes are not in the
catalogue) — the export then also colours and comments those cells, as it would for a real report.

Timed: `audit` (for reference), `export_workbook` (build + save) and `read_workbook` (open + find
tables + read + validate); each the median of the runs (wall clock, `time.perf_counter`). The
round trip is checked on every size: the imported cells and labels equal the exported ones.

`--reading` times what a department does each day (issue 15): reading seed 000's workbook (nine
tables and ten self-evaluation tables) as .xlsx and as .xls, and reading a folder of 27 units'
workbooks (the four seeds exported, half of them saved as .xls), median and p95 of the runs.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.audit import audit  # noqa: E402
from core.catalogue import load_catalogue  # noqa: E402
from core.report import Report  # noqa: E402
from core.reportfile import read_report  # noqa: E402
from core.templates import TemplateSet  # noqa: E402
from core.xlsx_export import export_workbook  # noqa: E402
from core.xlsx_import import read_workbook  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "reports" / "000.json"
CENT = 10_000  # 0.01 万元 in 分


def large_report(seed: Report, templates: TemplateSet, factor: int) -> Report:
    """Seed 000 plus synthetic 项 rows until the report has about `factor` × the seed's cells."""
    report = Report(
        seed.unit_name,
        seed.year,
        seed.amount_unit,
        seed.unit_code,
        dict(seed.cells),
        dict(seed.labels),
        list(seed.selfeval),
    )
    target = factor * len(seed.cells)
    classes = sorted({ln.class_code for t in ("公开01",) for ln in templates.table(t).lines.values() if ln.class_code})
    tables = ("公开02", "公开03", "公开05")
    catalogue = load_catalogue("function")
    n = 0
    while len(report.cells) < target:
        klass = classes[n % len(classes)]
        kuan = f"{klass}{51 + (n // len(classes)) % 48:02d}"
        extra = ("公开07", "公开08") if (n // len(classes)) % 4 == 0 else ()
        for table_id in tables + extra:
            table = templates.table(table_id)
            columns = sorted(table.columns)
            for item in range(1, 7):
                code = f"{kuan}{item:02d}"
                parts = {c: (n * 7 + item * 13 + c) % 997 * CENT for c in columns[1:]}
                if table_id == "公开07":  # 6栏 = 1 + 2 − 3, 3 = 4 + 5
                    parts[1] = 5000 * CENT
                    parts[3] = parts[4] + parts[5]
                    parts[6] = parts[1] + parts[2] - parts[3]
                    values = parts
                else:
                    values = {columns[0]: sum(parts.values()), **parts}
                for col, value in values.items():
                    for row in (code, kuan, klass, table.total_row):
                        address = f"{table_id}:{row}:{col}"
                        if row == code:
                            report.cells[address] = value
                        else:
                            report.cells[address] = report.cells.get(address, 0) + value
                report.labels[f"{table_id}:{code}"] = f"合成项目{code}"
            report.labels.setdefault(f"{table_id}:{kuan}", f"合成款{kuan}")
            report.labels.setdefault(f"{table_id}:{klass}", catalogue.get(klass, f"类{klass}"))
        n += 1
    return report


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def spread(times: list[float]) -> str:
    """Median and p95 (nearest rank) of `times`, in seconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return f"{statistics.median(ordered):.3f} | {p95:.3f}"


def reading(runs: int) -> None:
    """Reading speed of one department workbook and of a 27-unit folder, .xlsx and .xls."""
    from tests.xlsx_factory import to_xls

    seeds = sorted(p.stem for p in SEED.parent.glob("*.json"))
    print(f"Python {platform.python_version()}, {platform.machine()}, {runs} runs, median | p95 in seconds\n")
    print("| what | files | median s | p95 s |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        exports = {}
        for seed in seeds:
            report, templates = read_report(SEED.parent / f"{seed}.json")
            path = export_workbook(report, templates, audit(templates, report), Path(folder) / f"{seed}.xlsx")
            exports[seed] = (path, to_xls(path, Path(folder) / f"{seed}.xls"))
        for label, path in (("seed 000 .xlsx", exports["000"][0]), ("seed 000 .xls", exports["000"][1])):
            read_workbook(path)  # imports and templates loaded once, as in a running program
            times = [timed(lambda p=path: read_workbook(p), 1)[0] for _ in range(runs)]
            print(f"| {label} | 1 | {spread(times)} |", flush=True)
        units = [exports[seeds[n % len(seeds)]][n % 2] for n in range(27)]
        times = [timed(lambda: [read_workbook(p) for p in units], 1)[0] for _ in range(max(3, runs // 4))]
        xls = sum(p.suffix == ".xls" for p in units)
        print(f"| 27-unit folder ({27 - xls} .xlsx, {xls} .xls) | 27 | {spread(times)} |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per size")
    parser.add_argument("--reading", action="store_true", help="reading speed: one workbook, a 27-unit folder")
    args = parser.parse_args()
    if args.reading:
        reading(3 if args.quick else 20)
        return 0
    seed, templates = read_report(SEED)
    sizes = [
        ("seed 000 (1×)", seed, 1 if args.quick else 5),
        ("synthetic 100×", large_report(seed, templates, 100), 1 if args.quick else 3),
    ]
    print(f"Python {platform.python_version()}, {platform.machine()}, openpyxl export/import, median of the runs\n")
    print("| size | cells | class. rows | findings | audit s | export s | file KB | import s | round trip |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, report, runs in sizes:
            path = Path(folder) / "report.xlsx"
            audit_s, findings = timed(lambda r=report: audit(templates, r), runs)
            export_s, _ = timed(lambda r=report, f=findings, p=path: export_workbook(r, templates, f, p), runs)
            import_s, (again, _, _) = timed(lambda p=path: read_workbook(p), runs)
            rows = sum(
                len({k.split(":")[1] for k in report.cells if k.startswith(t)})
                for t in ("公开02", "公开03", "公开05", "公开07", "公开08")
            )
            same = again.cells == report.cells and again.labels == report.labels and again.selfeval == report.selfeval
            print(
                f"| {name} | {len(report.cells)} | {rows} | {len(findings)} | {audit_s:.3f} | {export_s:.3f} | "
                f"{path.stat().st_size // 1024} | {import_s:.3f} | {'exact' if same else 'DIFFERS'} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
