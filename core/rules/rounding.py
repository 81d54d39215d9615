"""What rounding can do to an identity of printed figures: 尾差, a difference to look at, or an error.

Each printed figure is its exact value rounded to the last printed digit (0.01 万元), so it is off
by at most half of that digit, h = 0.005 万元, and in practice by anything in [−h, h] alike (a
uniform error: standard deviation h/√3). An identity over n printed figures is therefore off by

- at most n·h (every figure rounded the same way as far as it can go: the *worst case*), and
- usually by no more than k·h·√(n/3), k standard deviations of the sum of n such errors.

We take k = 3, so the plausible bound is h·√(3n): a sum of uniform errors goes beyond three
standard deviations in fewer than 3 identities of 1000 (fewer still for small n, whose tails are
lighter than the normal's), and never below one printed digit where the worst case allows one:

| filled n | 1 | 2 | 3 | 4 | 12 | 28 | 302 |
|---|---|---|---|---|---|---|---|
| plausible (万元) | 0.005 | 0.01 | 0.015 | 0.017 | 0.03 | 0.045 | 0.15 |
| worst case (万元) | 0.005 | 0.01 | 0.015 | 0.02 | 0.06 | 0.14 | 1.51 |

So a difference of one printed digit (0.01) on two or three figures — every 尾差 of the seeds,
the 公开05 ≤ 公开03 codes of seed 000, 表1/表2 of seed 002, and 公开06 301/302 of seed 001
(on 14 and 28 figures) — stays 尾差; 0.10 on the 28 figures of a 302 or 0.14 on 28 mostly printed
0.00 figures is a warning (差额超出常见尾差，请核实), and beyond the worst case an identity is broken.

The floor (one printed digit, 2h, capped by the worst case) only binds for k below √6; it is kept
so that the rule reads plainly whatever k: a single 0.01 on two or more figures is always 尾差.

A blank cell is exactly zero and carries no rounding; a printed 0.00 may hide up to 49 元 and does.
In 元 (h = 0) every difference is a difference: there is no 尾差.
"""

from __future__ import annotations

from math import isqrt

from core.money import unit_fen

#: Standard deviations of the sum of n rounding errors that rounding plausibly explains.
K = 3


def half_digit(unit: str) -> int:
    """Half of the last printed digit (0.01) of an amount in `unit`, in 分: 5000 in 万元, 0 in 元."""
    return unit_fen(unit) // 200


def worst_case(filled: int, half: int) -> int:
    """The largest difference n rounded figures can show (in 分)."""
    return filled * half


def plausible(filled: int, half: int) -> int:
    """The difference rounding of n figures plausibly explains, in 分: min(worst case, max(2h, h·√(3n)))."""
    spread = isqrt(K * K * filled * half * half // 3)  # k·h·√(n/3), rounded down to the 分
    return min(worst_case(filled, half), max(2 * half, spread))


def classify(diff: int, filled: int, half: int, severity: str) -> str:
    """rounding within what rounding plausibly explains, warning up to the worst case, else `severity`."""
    size = abs(diff)
    if size <= plausible(filled, half):
        return "rounding"
    if size <= worst_case(filled, half):
        return "warning"
    return severity


def bound_text(fen: int, unit: str) -> str:
    """A bound in `unit` to the half digit it can end in: 0.01, 0.015, 0.045, 1.51."""
    per = unit_fen(unit)
    thousandths = fen * 1000 // per  # rounded down: the bound is never shown larger than it is
    whole, part = divmod(thousandths, 1000)
    text = f"{whole:,}.{part:03d}"
    return text[:-1] if text.endswith("0") else text
