"""Window timings (offscreen): an edit (saved to disk) to its repainted colouring; choosing a table to seeing it.

.venv/bin/python benchmarks/bench_window.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.context import AppContext

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_audit import synthetic_report  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.reportfile import read_report  # noqa: E402
from db import repository  # noqa: E402
from db.database import Database  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

WAN = 1_000_000


def median_ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, -(-95 * len(samples) // 100) - 1)]
    return f"{statistics.median(samples) * 1000:.1f} / {p95 * 1000:.1f} ms ({len(samples)})"


def bench(name: str, report, app: QApplication, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(Path(folder) / "w.sqlite")
        repository.import_report(db, report)
        window = MainWindow(AppContext(db), QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        window.resize(1600, 1000)
        window.show()
        app.processEvents()
        edits = []
        window.show_table("公开02")
        app.processEvents()
        original = window.session.value("公开02:合计:1")
        for n in range(runs):
            start = time.perf_counter()
            window.session.edit([("公开02:合计:1", original + (WAN if n % 2 == 0 else 0))], "bench")
            app.processEvents()  # the next frame: Qt repaints what the edit made dirty
            edits.append(time.perf_counter() - start)
        opens = []
        for table in window.session.templates.tables:
            window.views.pop(table, None)
        for _ in range(max(1, runs // 20)):
            for table in ("公开02", "公开03", "公开05", "公开06"):
                old = window.views.pop(table, None)
                if old:
                    window.stack.removeWidget(old)
                    old.deleteLater()
                start = time.perf_counter()
                window.show_table(table)
                app.processEvents()
                opens.append(time.perf_counter() - start)
        print(f"| {name} | {len(report.cells)} | {median_ms(edits)} | {median_ms(opens)} |")
        window.close()
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    runs = 20 if parser.parse_args().quick else 200
    app = QApplication.instance() or QApplication([])
    seed, templates = read_report(ROOT / "tests" / "fixtures" / "reports" / "000.json")
    print("| size | cells | edit → repainted colouring | choose a table → painted |")
    print("|---|---:|---:|---:|")
    bench("seed 000 (1×)", seed, app, runs)
    bench("synthetic 10×", synthetic_report(seed, templates, 10), app, runs)


if __name__ == "__main__":
    main()
