"""Time checking each seed's 情况说明 and drafting each seed's: median and p95 over repeated runs."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.narrative import check_narrative, draft_narrative  # noqa: E402
from core.narrative.docx_writer import write_docx  # noqa: E402
from core.reportfile import read_report  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def timed(action, runs: int = 20) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    for n in ("000", "001", "002", "003"):
        report, templates = read_report(FIXTURES / "reports" / f"{n}.json")
        (path,) = (FIXTURES / "seed_texts").glob(f"{n}_*.txt")
        text = path.read_text(encoding="utf-8")
        check = timed(lambda r=report, t=templates, x=text: check_narrative(r, t, x, previous=r))
        out = Path("/tmp") / f"bench_narrative_{n}.docx"
        draft = timed(lambda r=report, t=templates, o=out: write_docx(draft_narrative(r, t, previous=r), o))
        print(
            f"seed {n}: check median {check[0] * 1000:.0f} ms p95 {check[1] * 1000:.0f} ms; "
            f"draft+docx median {draft[0] * 1000:.0f} ms p95 {draft[1] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
