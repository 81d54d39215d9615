"""Render every table of a report, as the window shows it, to PNG files (for looking at, not for tests).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py REPORT.json OUTDIR [--set 公开01:27:1=84174.27]

Needs a CJK font (Debian: fonts-noto-cjk) for the Chinese to show.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from app.context import AppContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.money import parse_amount  # noqa: E402
from core.reportfile import read_report  # noqa: E402
from db import repository  # noqa: E402
from db.database import Database  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("outdir")
    parser.add_argument("--set", action="append", default=[], help="ADDRESS=AMOUNT to change before the shots")
    args = parser.parse_args()
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(Path(folder) / "shots.sqlite")
        report, _ = read_report(args.report)
        repository.import_report(db, report)
        window = MainWindow(AppContext(db), QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        window.resize(1600, 1000)
        window.show()
        for change in args.set:
            address, text = change.split("=")
            window.session.edit([(address, parse_amount(text))], "screenshot")
        for table in window.session.templates.tables:
            window.show_table(table)
            app.processEvents()
            window.grab().save(str(out / f"{table}.png"))
        window.close()
        db.close()
    print(f"已保存到 {out}")


if __name__ == "__main__":
    main()
