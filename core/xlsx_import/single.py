"""公开09: one row of figures under the 栏次 row."""

from __future__ import annotations

from core.xlsx_import.table_reader import TableReader
from core.xlsx_import.text import int_like, is_blank


class SingleReader(TableReader):
    """公开09: one row of figures under the 栏次 row."""

    def find_header(self) -> int | None:
        if not self.t.column_numbers:
            return self._header_by_texts()
        wanted = sorted(self.t.columns)
        for row in self._header_rows():
            numbers = [n for n in (int_like(v) for _, v in self.sheet.texts(row)) if n is not None]
            if numbers[: len(wanted)] == wanted:
                return row
        return None

    def read_body(self, header_row: int) -> None:
        sheet, t = self.sheet, self.t
        amounts = self._amount_columns(header_row)
        missing = [n for n in t.columns if n not in amounts]
        if missing:
            names = "、".join(f"“{t.columns[n]}”" for n in missing)
            self.out.problems.append(f"{sheet.where(header_row, 1)}：{t.printed}表头中找不到{names}栏")
            return
        data_row = None
        for row in self._body_rows(header_row):
            if all(is_blank(sheet.get(row, c)) for c in amounts.values()):
                continue
            if data_row is not None:
                self.out.problems.append(
                    f"{sheet.where(row, min(amounts.values()))}：{t.printed}栏次下应只有一行数据（第{data_row}行已是数据）"
                )
                continue
            data_row = row
            self._note_hidden(row)
            self.out.rows = 1
            for col, sheet_col in amounts.items():
                value = self._amount(row, sheet_col, f"{t.printed}第{col}栏")
                if value is not None:
                    self.out.cells[f"{t.id}:1:{col}"] = value
        self.out.last_col = max(amounts.values())
