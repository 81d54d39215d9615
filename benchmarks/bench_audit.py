"""Timing of the audit engine: full audit, single-edit re-check and adding a row, at three report sizes.

Run from the project root:

    .venv/bin/python benchmarks/bench_audit.py            # full run (about 40 s)
    .venv/bin/python benchmarks/bench_audit.py --quick    # smoke run (a few seconds)

Also one self-evaluation edit (a table's 总分) per size. Sizes: the seed-000 report as read (1×), and two synthetic reports with about 10× and 100× as many
cells, made by adding 类/款/项 rows to the classification tables 公开02/03/05/07/08 (see
`synthetic_report`). Every timing is repeated; the table shows the median and the 95th percentile
(time.perf_counter, wall clock, one process, garbage collector left on as in the application).
README.md next to this file explains each column and holds the numbers measured on the dev machine.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.audit import Checker  # noqa: E402
from core.report import Report  # noqa: E402
from core.reportfile import read_report  # noqa: E402
from core.templates import TemplateSet  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "reports" / "000.json"

#: Cells edited by the single-edit benchmark; the same addresses at every size.
EDITS = {
    "a 公开03 项": "公开03:2080105:1",  # a leaf 项 of the seed (劳动保障监察), 本年支出合计 column
    "b 公开01 total": "公开01:58:2",  # 本年支出合计 of 公开01
    "c 公开02 合计": "公开02:合计:1",  # 合计 row of 公开02, 本年收入合计 column
    # Extra: a 类 row, the most-read kind of cell (5 checks); its 类＝Σ款 check grows with the 款 added.
    "d 公开03 类": "公开03:208:1",
    # Read by the self-evaluation checks too: 公开03 合计 基本支出 (表间.自评公开03.基本支出).
    "e 公开03 合计 基本支出": "公开03:合计:2",
}
#: The self-evaluation table edited by the self-evaluation benchmark (0-based; seed 000: 人才资助项目).
SELFEVAL_TABLE = 3
#: The row added by the new-row benchmark: a catalogue 项 that seed 000 does not have, under a 款 it has.
NEW_ROW = "公开03:2080107:1"
ONE_WAN = 1_000_000  # 1 万元 in 分
CENT = 100  # 0.01 万元 in 分: the finest amount a 万元 report prints


# -- synthetic reports ------------------------------------------------------------------------


def synthetic_report(seed: Report, templates: TemplateSet, factor: int, rng_seed: int = 2023) -> Report:
    """Seed 000 plus new 类/款/项 rows until the report has about `factor` × the seed's cells.

    New 项 codes are spread over the 26 function classes of 公开01 (round robin), six 项 per 款,
    款 numbers 51…98 (so none collides with a seed row; none is in the catalogue either, so each new
    row also gets one 科目编码 warning). Every new 项 goes into 公开02, 公开03 and 公开05; every fourth
    (which falls in 13 of the 26 classes) also into 公开07 and 公开08. Values are multiples of 0.01 万元 and CONSISTENT within each table:
    each row satisfies its column identity (e.g. 1栏＝(2＋…＋6)栏), every 款/类/合计 is increased by
    exactly what its new parts add, and 公开05 ≤ 公开03 code by code. They are NOT consistent across
    tables: 公开01/04/06 are left as in the seed, so the cross-table totals (公开01↔02/03,
    公开04↔05/07/08, 公开05↔06) and the per-class [类] checks of the touched classes become errors.
    """
    if factor <= 1:
        return seed
    rng = random.Random(rng_seed)
    cells = dict(seed.cells)
    target = factor * len(seed.cells)
    classes = sorted(templates.table("公开01").class_lines())
    per_kuan, first_kuan, last_kuan = 6, 51, 98

    def add(table: str, row: str, values: dict[int, int]) -> None:
        """Put a new 项's values in `table` and add them to its 款, 类 and 合计."""
        kuan, lei = row[:5], row[:3]
        for code in (row, kuan, lei, "合计"):
            for col, value in values.items():
                address = f"{table}:{code}:{col}"
                cells[address] = cells.get(address, 0) + value

    def amount(low: float, high: float) -> int:
        return round(rng.uniform(low, high) * ONE_WAN / CENT) * CENT

    def some(columns: tuple[int, ...], chance: tuple[float, ...]) -> dict[int, int]:
        values = {c: amount(0.5, 300) for c, p in zip(columns, chance, strict=True) if rng.random() < p}
        return values or {columns[0]: amount(0.5, 300)}

    i = 0
    while len(cells) < target:
        lei = classes[i % len(classes)]
        j = i // len(classes)
        kuan_number = first_kuan + j // per_kuan
        if kuan_number > last_kuan:
            raise SystemExit(f"factor {factor} needs more synthetic codes than the generator has")
        row = f"{lei}{kuan_number:02d}{first_kuan + j % per_kuan:02d}"
        # 公开02 收入决算表: 1栏＝(2＋…＋7)栏
        parts = some((2, 3, 4, 5, 6, 7), (0.9, 0.3, 0.3, 0.2, 0.2, 0.3))
        add("公开02", row, {1: sum(parts.values()), **parts})
        # 公开03 支出决算表: 1栏＝(2＋…＋6)栏
        parts = some((2, 3, 4, 5, 6), (0.7, 0.7, 0.1, 0.1, 0.1))
        add("公开03", row, {1: sum(parts.values()), **parts})
        # 公开05 一般公共预算财政拨款支出: half of 公开03's 基本/项目支出, so 公开05 ≤ 公开03 holds
        general = {c: parts[c] // 2 // CENT * CENT for c in (2, 3) if parts.get(c, 0) >= 2 * CENT}
        if general:
            add("公开05", row, {1: sum(general.values()), **general})
        if i % 4 == 0:
            # 公开07 政府性基金: 3栏＝(4＋5)栏, 6栏＝(1＋2－3)栏 (年末结余 never negative)
            spend = some((4, 5), (0.6, 0.6))
            spent = sum(spend.values())
            opening = amount(0, 50) if rng.random() < 0.5 else 0
            income = spent + amount(0, 50)
            fund = {2: income, 3: spent, **spend, 6: opening + income - spent}
            if opening:
                fund[1] = opening
            add("公开07", row, fund)
            # 公开08 国有资本经营: 1栏＝(2＋3)栏
            parts = some((2, 3), (0.6, 0.6))
            add("公开08", row, {1: sum(parts.values()), **parts})
        i += 1
    return replace(seed, cells=cells, labels=dict(seed.labels), selfeval=list(seed.selfeval))


# -- timing -----------------------------------------------------------------------------------


@dataclass
class Timing:
    median: float  # seconds
    p95: float
    runs: int


def p95(samples: list[float]) -> float:
    """95th percentile, nearest-rank (the max when there are fewer than 20 runs)."""
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def timed(runs: int, once: Callable[[], object], setup: Callable[[], object] | None = None) -> Timing:
    """Call `once` `runs` times (after `setup`, untimed, if given) and summarise."""
    samples = []
    for _ in range(runs):
        argument = setup() if setup else None
        start = time.perf_counter()
        once() if setup is None else once(argument)
        samples.append(time.perf_counter() - start)
    return Timing(statistics.median(samples), p95(samples), runs)


def terms_read(checker: Checker, address: str) -> int:
    """Cells read by the checks that read `address` (what one edit of it re-evaluates)."""
    index, checks = getattr(checker, "_index", {}), getattr(checker, "_checks", {})
    return sum(len(checks[key].addresses) for key in index.get(address, ()) if key in checks)


def fresh_checker(templates: TemplateSet, report: Report) -> Checker:
    """A new checker with the collector's deferred work done, so it does not land in the timed call."""
    checker = Checker(templates, report)
    gc.collect()
    return checker


def bench_size(name: str, report: Report, templates: TemplateSet, runs: dict[str, int]) -> dict:
    if runs["edit"] % 2:
        raise ValueError("use an even number of edits, so that each cell ends with its original value")
    result: dict = {"name": name}
    gc.collect()
    full = timed(runs["full"], lambda: Checker(templates, report).findings())
    checker = Checker(templates, report)
    findings = checker.findings()
    counts = Counter(f.severity for f in findings)
    listing = timed(runs["full"], checker.findings)
    result.update(
        listing=listing,
        cells=len(report.cells),
        checks=len(getattr(checker, "_checks", ())),  # private: a benchmark may count what the engine holds
        rows=sum(len(checker.present.get(t, ())) for t in ("公开02", "公开03", "公开05", "公开07", "公开08")),
        findings=f"{counts['error']}/{counts['warning']}/{counts['rounding']}",
        full=full,
        edits={},
    )
    for label, address in EDITS.items():
        original = checker.values.get(address)
        if original is None:
            raise SystemExit(f"{name}: {address} is blank; pick another cell to edit")
        values = (original + ONE_WAN, original)  # one edit breaks the identities, the next mends them
        state = {"n": 0}

        def edit(address=address, values=values, state=state):
            change = checker.set(address, values[state["n"] % 2])
            state["n"] += 1
            assert change.cells, "the edit changed nothing"

        timing = timed(runs["edit"], edit)
        result["edits"][label] = (address, checker.rules_reading(address), terms_read(checker, address), timing)

    # Adding a row: the first value on a new code adds the checks of that row and widens its parents' sums.
    # Each run gets a freshly built checker (untimed), so every run adds the same row to the same report.
    table = NEW_ROW.split(":")[0]
    if NEW_ROW.split(":")[1] in checker.present.get(table, ()):
        raise SystemExit(f"{name}: {NEW_ROW} is not a new row")
    probe = Checker(templates, report)
    change = probe.set(NEW_ROW, 12 * ONE_WAN)
    result["new_row"] = (
        NEW_ROW,
        probe.rules_reading(NEW_ROW),
        len(change.appeared),
        timed(runs["new_row"], lambda c: c.set(NEW_ROW, 12 * ONE_WAN), setup=lambda: fresh_checker(templates, report)),
    )
    # For comparison: a second value on that (now existing) row is an ordinary edit.
    flip = {"n": 0}

    def edit_again():
        flip["n"] += 1
        assert probe.set(NEW_ROW, (12 + flip["n"] % 2) * ONE_WAN).cells

    result["new_row_again"] = timed(runs["edit"], edit_again)

    # A self-evaluation keystroke: one table's 总分 changed and changed back, given as the whole list
    # (set_selfeval compares table by table) and as that one table (set_selfeval_table).
    tables = list(checker.selfeval)
    position = min(SELFEVAL_TABLE, len(tables) - 1)
    if position >= 0:
        typed = {**tables[position], "total": "1"}
        versions = (typed, tables[position])
        turn = {"n": 0}

        def whole_list():
            edited = list(checker.selfeval)
            edited[position] = versions[turn["n"] % 2]
            turn["n"] += 1
            checker.set_selfeval(edited)

        def one_table():
            turn["n"] += 1
            checker.set_selfeval_table(position, versions[(turn["n"] - 1) % 2])

        result["selfeval"] = (
            checker.selfeval_names()[position],
            len(tables),
            timed(runs["selfeval"], whole_list),
            timed(runs["selfeval"], one_table),
        )
    return result


# -- output -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def print_results(results: list[dict], quick: bool) -> None:
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
        f"{' — QUICK run, few repetitions' if quick else ''}"
    )
    print("# times in ms: median / p95 (runs)")
    print()
    print(
        "| size | cells | class. rows | checks | findings e/w/r | full audit (Checker + findings) | findings() alone |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        f, g = r["full"], r["listing"]
        print(
            f"| {r['name']} | {r['cells']} | {r['rows']} | {r['checks']} | {r['findings']} | "
            f"{ms(f.median)} / {ms(f.p95)} ({f.runs}) | {ms(g.median)} / {ms(g.p95)} ({g.runs}) |"
        )
    print()
    print("Single-edit re-check, `checker.set(addr, v)` alternating v between original + 1 万元 and original:")
    print()
    print("| size | edited cell | address | rules_reading | cells those checks read | set() |")
    print("|---|---|---|---:|---:|---:|")
    for r in results:
        for label, (address, reading, terms, t) in r["edits"].items():
            print(
                f"| {r['name']} | {label} | `{address}` | {reading} | {terms} | {ms(t.median)} / {ms(t.p95)} ({t.runs}) |"
            )
    print()
    print("Adding a classification row (first value on a new code, fresh checker per run):")
    print()
    print(
        "| size | address | checks reading the new cell | findings appeared | first set() on new row | next set() on it |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for r in results:
        address, expanded, appeared, t = r["new_row"]
        again = r["new_row_again"]
        print(
            f"| {r['name']} | `{address}` | {expanded} | {appeared} | {ms(t.median)} / {ms(t.p95)} ({t.runs}) | "
            f"{ms(again.median)} / {ms(again.p95)} ({again.runs}) |"
        )

    print()
    print("A self-evaluation edit (one table's 总分 changed and changed back; the other tables are not re-checked):")
    print()
    print("| size | table | tables | `set_selfeval(list)` | `set_selfeval_table(i, table)` |")
    print("|---|---|---:|---:|---:|")
    for r in results:
        if "selfeval" in r:
            name, count, whole, one = r["selfeval"]
            print(
                f"| {r['name']} | {name} | {count} | {ms(whole.median)} / {ms(whole.p95)} ({whole.runs}) | "
                f"{ms(one.median)} / {ms(one.p95)} ({one.runs}) |"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run of a few seconds")
    args = parser.parse_args(argv)

    seed, templates = read_report(SEED)
    if args.quick:
        plan = [
            ("seed 000 (1×)", 1, dict(full=5, edit=20, new_row=3, selfeval=10)),
            ("synthetic 10×", 10, dict(full=3, edit=20, new_row=3, selfeval=10)),
            ("synthetic 100×", 100, dict(full=1, edit=20, new_row=1, selfeval=10)),
        ]
    else:
        plan = [
            ("seed 000 (1×)", 1, dict(full=200, edit=2000, new_row=200, selfeval=400)),
            ("synthetic 10×", 10, dict(full=40, edit=2000, new_row=40, selfeval=400)),
            ("synthetic 100×", 100, dict(full=11, edit=2000, new_row=11, selfeval=400)),
        ]
    results = []
    for name, factor, runs in plan:
        report = synthetic_report(seed, templates, factor)
        print(f"… {name}: {len(report.cells)} cells", file=sys.stderr, flush=True)
        results.append(bench_size(name, report, templates, runs))
    print_results(results, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
