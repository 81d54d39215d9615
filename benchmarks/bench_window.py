"""Window timings in the real MainWindow (offscreen): a keystroke to its repainted cell, and where the time goes.

    .venv/bin/python benchmarks/bench_window.py            # full run (about two minutes)
    .venv/bin/python benchmarks/bench_window.py --quick    # smoke run (about 20 s)
    .venv/bin/python benchmarks/bench_window.py --profile  # also cProfile the 公开02 keystroke at 10×

A keystroke is timed from pressing Enter in a cell's open editor (the value already typed) until the
table model has emitted dataChanged for that cell AND the table's viewport has been painted after it —
so it includes the durable database write, the checker, every view's update and the repaint. The
breakdown wraps the functions an edit goes through (each timed inclusively, none nested in another);
"Qt + rest" is what is left: the delegate's commit, closing the editor, the undo stack and the paint.
Sizes as in bench_audit.py: seed 000 (1×) and the synthetic 10×; each also "with many findings", the
same report with leaf figures of its classification tables raised by 1 万元 (see `with_many_findings`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_audit import synthetic_report  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QLineEdit  # noqa: E402

import app.session  # noqa: E402
import ui.findings_dock  # noqa: E402
import ui.main_window  # noqa: E402
import ui.selfeval_editor  # noqa: E402
import ui.selfeval_model  # noqa: E402
import ui.table_model  # noqa: E402
from app.context import AppContext  # noqa: E402
from core.audit import Checker  # noqa: E402
from core.money import format_amount  # noqa: E402
from core.report import Report  # noqa: E402
from core.reportfile import read_report  # noqa: E402
from core.templates import TemplateSet  # noqa: E402
from db import repository  # noqa: E402
from db.database import Database  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.selfeval_model import SCORE  # noqa: E402

WAN = 1_000_000  # 1 万元 in 分
#: Cells typed into: a 公开01 figure, 公开01 本年支出合计 (read by the self-evaluation checks), a 公开02 项
#: and the 公开02 合计 (read by three checks, one of them across tables).
CELLS = ("公开01:6:1", "公开01:58:2", "公开02:2080105:1", "公开02:合计:1")
SELFEVAL_TABLE = 1  # seed 000's first project table (项目：2023年机关业务工作经费项目)
#: Functions an edit passes through, timed in the breakdown (none calls another of them).
STAGES = {
    "database write (repository.set_cells)": (repository, "set_cells"),
    "database write (repository.set_selfeval)": (repository, "set_selfeval"),
    "checker (Checker.set)": (Checker, "set"),
    "checker (Checker.set_selfeval)": (Checker, "set_selfeval"),
    "session finding index (ReportSession._index)": (app.session.ReportSession, "_index"),
    "table views (TableModel._on_change)": (ui.table_model.TableModel, "_on_change"),
    "findings dock (FindingsModel.apply)": (ui.findings_dock.FindingsModel, "apply"),
    "tree marks + counts (MainWindow._after_change)": (ui.main_window.MainWindow, "_after_change"),
    "self-evaluation grid (IndicatorModel._on_change)": (ui.selfeval_model.IndicatorModel, "_on_change"),
    "self-evaluation editor (SelfEvalEditor._on_change)": (ui.selfeval_editor.SelfEvalEditor, "_on_change"),
}


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} / {p95(samples) * 1000:.2f} ({len(samples)})"


def with_many_findings(report: Report, templates: TemplateSet, extra: int = 1000) -> Report:
    """The report with leaf 项 figures of 公开03/05/07/08 (then 公开02) raised by 1 万元 until it has
    about `extra` more findings (each raised figure breaks its row's identity and its parents' sums).

    The cells typed into by this benchmark are left alone. Returns the report; its finding count is
    what `Checker(...).findings()` says.
    """
    base = len(Checker(templates, report).findings())
    cells = dict(report.cells)
    leaves = [
        a
        for table in ("公开03", "公开05", "公开07", "公开08", "公开02")
        for a in sorted(cells)
        if a.startswith(table + ":") and len(a.split(":")[1]) == 7 and not a.endswith(":1")
    ]
    leaves = [a for a in leaves if a.rsplit(":", 1)[0] not in {c.rsplit(":", 1)[0] for c in CELLS}]
    step = max(1, len(leaves) // 20)
    for start in range(0, len(leaves), step):
        for address in leaves[start : start + step]:
            cells[address] += WAN
        candidate = replace(report, cells=dict(cells))
        if len(Checker(templates, candidate).findings()) - base >= extra:
            return candidate
    return replace(report, cells=cells)


def with_row_names(report: Report, templates: TemplateSet) -> Report:
    """Names for the synthetic rows (their codes are in no catalogue), as an imported workbook has them.

    Without a name the table model's data() fails on such a row (TypeError: str + None); see README.
    """
    checker = Checker(templates, report)
    labels = dict(report.labels)
    for table, rows in checker.present.items():
        for row in rows:
            if row != "合计" and not checker.row_name(table, row):
                labels[f"{table}:{row}"] = f"合成科目{row}"
    return replace(report, labels=labels)


class PaintCounter(QObject):
    """Counts paint events of a viewport (what the user sees being redrawn)."""

    def __init__(self, target):
        super().__init__()
        self.painted = 0
        target.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.painted += 1
        return False


class Stages:
    """Wraps the STAGES functions while active; sums the time spent in each, per keystroke.

    Active from before the window is built: Qt keeps the methods views connect to their signals, so
    wrapping them later would time nothing.
    """

    def __init__(self):
        self.spent: dict[str, list[float]] = defaultdict(list)
        self._current: dict[str, float] = defaultdict(float)

    @contextmanager
    def active(self):
        originals = []
        for name, (owner, attribute) in STAGES.items():
            original = getattr(owner, attribute, None)
            if original is None:
                continue
            originals.append((owner, attribute, original))
            setattr(owner, attribute, self._wrap(name, original))
        try:
            yield self
        finally:
            for owner, attribute, original in originals:
                setattr(owner, attribute, original)

    def _wrap(self, name, original):
        current = self._current

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                current[name] += time.perf_counter() - start

        return timed

    def end_of_keystroke(self, total: float) -> None:
        for name in STAGES:
            self.spent[name].append(self._current.get(name, 0.0))
        self.spent["Qt + rest (commit, editor, undo stack, paint)"].append(total - sum(self._current.values()))
        self._current.clear()

    def reset(self) -> None:
        self.spent.clear()
        self._current.clear()


def make_window(folder: Path, report: Report) -> tuple[MainWindow, Database]:
    db = Database.open(folder / "w.sqlite")
    repository.import_report(db, report)
    settings = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppContext(db), settings)
    window.resize(1366, 768)
    window.show()
    QApplication.processEvents()
    return window, db


#: Set by profile(): keystrokes are profiled from Enter to the repaint only, not while typing.
PROFILER: cProfile.Profile | None = None


def press_enter_until_painted(view, model, index, editor, counter: PaintCounter, session) -> tuple[float, float]:
    """Enter in `editor`; seconds until `model` said `index` changed and `view` painted after that, and
    until the views around it had followed too (`session.settled`) and painted what that changed."""
    seen: dict[str, int] = {}

    def changed(first, last, _roles=()):
        if first.row() <= index.row() <= last.row() and first.column() <= index.column() <= last.column():
            seen.setdefault("paints", counter.painted)

    def settled(_changes):
        seen["settled"] = 1

    model.dataChanged.connect(changed)
    session.settled.connect(settled)
    if PROFILER:
        PROFILER.enable()
    start = time.perf_counter()
    QTest.keyClick(editor, Qt.Key.Key_Return)
    while not (
        "paints" in seen and counter.painted > seen["paints"] and view.state() != QAbstractItemView.State.EditingState
    ):
        QApplication.processEvents()
        if time.perf_counter() - start > 10:
            raise SystemExit("the cell was never repainted after Enter")
    elapsed = time.perf_counter() - start
    while "settled" not in seen:
        QApplication.processEvents()
        if time.perf_counter() - start > 10:
            raise SystemExit("the views around the cell never followed the change")
    QApplication.processEvents()  # the paint of what they changed
    everything = time.perf_counter() - start
    if PROFILER:
        PROFILER.disable()
    model.dataChanged.disconnect(changed)
    session.settled.disconnect(settled)
    return elapsed, everything


def open_editor(view, index, text: str) -> QLineEdit:
    """Put the cursor on `index` and type `text` (the first key opens the editor); Enter not yet pressed."""
    view.setFocus()
    view.setCurrentIndex(index)
    QTest.keyClicks(view, text[0])
    editors = [e for e in view.findChildren(QLineEdit) if e.isVisible() and not isinstance(e.parent(), QComboBox)]
    if len(editors) != 1:
        raise SystemExit(f"expected one open editor, found {len(editors)}")
    QTest.keyClicks(editors[0], text[1:])
    QApplication.processEvents()
    return editors[0]


def type_cells(window: MainWindow, runs: int, stages: Stages | None) -> tuple[dict[str, list[float]], list[float]]:
    """Type a value into each of CELLS and press Enter, `runs` times each: +1 万元, then back: seconds to
    the repainted cell by address, and (all cells) until everything had followed."""
    results, settled = {}, []
    for address in CELLS:
        table = address.split(":")[0]
        view = window.show_table(table)
        QApplication.processEvents()
        counter = PaintCounter(view.body.viewport())
        position = view.model.position(address)
        if position is None:
            raise SystemExit(f"{address} is not in the window's {table}")
        index = view.model.index(*position)
        original = window.session.value(address) or 0
        texts = (format_amount(original + WAN, "万元", False), format_amount(original, "万元", False))
        samples = []
        for n in range(runs):
            view.body.scrollTo(index)
            editor = open_editor(view.body, index, texts[n % 2])
            elapsed, everything = press_enter_until_painted(
                view.body, view.model, index, editor, counter, window.session
            )
            samples.append(elapsed)
            settled.append(everything)
            if stages:
                stages.end_of_keystroke(everything)
        results[address] = samples
    return results, settled


def type_scores(window: MainWindow, runs: int, stages: Stages | None) -> tuple[list[float], list[float]]:
    """Type a 得分 into the first indicator of a project table and press Enter (one table changes):
    seconds to the repainted cell, and until everything had followed."""
    editor = window.show_selfeval(SELFEVAL_TABLE)
    QApplication.processEvents()
    view, model = editor.view, editor.view.model()
    counter = PaintCounter(view.viewport())
    index = model.index(0, SCORE)
    current = str(model.data(index, Qt.ItemDataRole.EditRole) or "0")
    texts = ("3" if current != "3" else "2", current)
    samples, settled = [], []
    for n in range(runs):
        line = open_editor(view, index, texts[n % 2])
        elapsed, everything = press_enter_until_painted(view, model, index, line, counter, window.session)
        samples.append(elapsed)
        settled.append(everything)
        if stages:
            stages.end_of_keystroke(everything)
    return samples, settled


def selfeval_operation(window: MainWindow, runs: int) -> list[float]:
    """OpenReport.edit_selfeval with one table's 总分 changed (and back), then the event loop's next turn."""
    session = window.session
    original = session.checker.selfeval[SELFEVAL_TABLE]
    versions = ({**original, "total": "1" if original.get("total") != "1" else "2"}, original)
    samples = []
    for n in range(runs):
        tables = list(session.checker.selfeval)
        tables[SELFEVAL_TABLE] = versions[n % 2]
        start = time.perf_counter()
        session.edit_selfeval(tables, "bench")
        QApplication.processEvents()
        samples.append(time.perf_counter() - start)
    return samples


def bench(name: str, report: Report, runs: int) -> dict:
    stages = Stages()
    with tempfile.TemporaryDirectory() as folder, stages.active():
        window, db = make_window(Path(folder), report)
        try:
            findings = len(window.session.findings())
            type_cells(window, 2, None)  # warm-up: views built, caches filled
            stages.reset()
            cells, cells_settled = type_cells(window, runs, stages)
            cell_stages = dict(stages.spent)
            stages.reset()
            scores, scores_settled = type_scores(window, runs, stages)
            score_stages = dict(stages.spent)
            operation = selfeval_operation(window, max(4, runs // 2))
            return dict(
                name=name,
                cells=len(report.cells),
                findings=findings,
                typed=cells,
                typed_settled=cells_settled,
                stages=cell_stages,
                scores=scores,
                scores_settled=scores_settled,
                score_stages=score_stages,
                operation=operation,
            )
        finally:
            window.close()
            db.close()


def profile(report: Report, runs: int) -> str:
    """cProfile of keystrokes into 公开02:合计:1 (after a warm-up), Enter to repaint only: top functions."""
    global CELLS, PROFILER
    with tempfile.TemporaryDirectory() as folder:
        window, db = make_window(Path(folder), report)
        kept, CELLS = CELLS, ("公开02:合计:1",)
        try:
            type_cells(window, 2, None)
            PROFILER = cProfile.Profile()
            type_cells(window, runs, None)
            profiler, PROFILER = PROFILER, None
        finally:
            CELLS = kept
            window.close()
            db.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"{runs} keystrokes; cumulative:\n")
    stats.sort_stats("cumulative").print_stats(40)
    out.write("by own time:\n")
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def print_results(results: list[dict]) -> None:
    print(
        "Keystroke (Enter in an open editor) → model's dataChanged for the cell → viewport repainted, ms median / p95 (runs):"
    )
    print()
    print("| size | cells | findings | " + " | ".join(f"`{c}`" for c in CELLS) + " | all cells | all settled |")
    print("|---|---:|---:|" + "---:|" * (len(CELLS) + 2))
    for r in results:
        every = [s for samples in r["typed"].values() for s in samples]
        row = " | ".join(ms(r["typed"][c]) for c in CELLS)
        print(f"| {r['name']} | {r['cells']} | {r['findings']} | {row} | {ms(every)} | {ms(r['typed_settled'])} |")
    print()
    print("*all settled*: until the tree's marks, the counts and the findings list had followed and painted too.")
    print()
    print("Where a figure keystroke's time goes (all cells, until settled), ms median / p95:")
    print()
    names = [n for n in results[0]["stages"] if any(max(r["stages"][n]) > 0 for r in results)]
    print("| stage | " + " | ".join(r["name"] for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for stage in names:
        print(f"| {stage} | " + " | ".join(ms(r["stages"][stage]).rsplit(" (", 1)[0] for r in results) + " |")
    print()
    print("Self-evaluation: a 得分 typed and Enter in the editor (one table changed), and the operation alone:")
    print()
    print(
        "| size | keystroke → repainted | → all settled | `OpenReport.edit_selfeval` + event loop "
        "| of which DB write | checker |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        st = r["score_stages"]
        print(
            f"| {r['name']} | {ms(r['scores'])} | {ms(r['scores_settled'])} | {ms(r['operation'])} | "
            f"{ms(st['database write (repository.set_selfeval)']).rsplit(' (', 1)[0]} | "
            f"{ms(st['checker (Checker.set_selfeval)']).rsplit(' (', 1)[0]} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of keystrokes at 10×")
    args = parser.parse_args(argv)
    runs = 10 if args.quick else 60
    QApplication.instance() or QApplication([])
    seed, templates = read_report(ROOT / "tests" / "fixtures" / "reports" / "000.json")
    ten = with_row_names(synthetic_report(seed, templates, 10), templates)
    plan = [("seed 000 (1×)", seed), ("synthetic 10×", ten)]
    plan += [(f"{name}, many findings", with_many_findings(report, templates)) for name, report in plan]
    results = []
    for name, report in plan:
        print(f"… {name}", file=sys.stderr, flush=True)
        results.append(bench(name, report, runs))
    print_results(results)
    if args.profile:
        print("\n```")
        print(profile(ten, runs))
        print("```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
