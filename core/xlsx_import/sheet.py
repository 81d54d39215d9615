"""One worksheet as the readers see it: its non-empty cells, merged ranges and hidden rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from core.xlsx_import.text import cell_ref


class _Uncalculated:
    """A formula whose result the file does not hold (written by a program, never opened in Excel)."""

    def __repr__(self) -> str:
        return "<未计算的公式>"


UNCALCULATED = _Uncalculated()
#: Merged ranges larger than this are not expanded cell by cell: only their top-left matters.
HUGE_MERGE = 5000


class SheetCells:
    """The non-empty cells of one worksheet (1-based), whatever file format they came from."""

    def __init__(
        self,
        title: str,
        hidden: bool,
        values: dict[tuple[int, int], Any],
        empty_text: set[tuple[int, int]],
        merges: Iterable[tuple[int, int, int, int]],
        hidden_rows: set[int],
        hidden_cols: set[int],
        formulas: list[tuple[int, int]] | None = None,
    ):
        self.title = title
        self.hidden = hidden
        self.values = values
        self.empty_text = empty_text  # cells holding an empty text (not just blank)
        self.formulas = formulas or []  # cells whose value is still a formula (see xlsx_file)
        by_row: dict[int, list[int]] = {}
        for row, col in values:
            by_row.setdefault(row, []).append(col)
        self.row_cols = {r: sorted(cols) for r, cols in sorted(by_row.items())}
        self.rows = list(self.row_cols)
        self.max_row = max(self.rows, default=0)
        self.max_col = max((c for _, c in values), default=0)
        self.merge_end: dict[tuple[int, int], tuple[int, int]] = {}
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}
        for min_row, min_col, max_row, max_col in merges:
            top = (min_row, min_col)
            self.merge_end[top] = (max_row, max_col)
            if (max_row - min_row + 1) * (max_col - min_col + 1) > HUGE_MERGE:
                continue
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    if (r, c) != top:
                        self.covered[(r, c)] = top
        self.hidden_rows = hidden_rows
        self.hidden_cols = hidden_cols

    def get(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def texts(self, row: int) -> Iterator[tuple[int, Any]]:
        for col in self.row_cols.get(row, ()):
            yield col, self.values[(row, col)]

    def rows_between(self, first: int, last: int) -> list[int]:
        return [r for r in self.rows if first <= r <= last]

    def where(self, row: int, col: int) -> str:
        return cell_ref(self.title, row, col)

    def after(self, row: int, col: int) -> int:
        """First column right of the (merged) cell at row, col."""
        return self.merge_end.get((row, col), (row, col))[1] + 1
