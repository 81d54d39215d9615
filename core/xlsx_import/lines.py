"""公开01/04: lines by 行次, in side-by-side panels."""

from __future__ import annotations

from core.layout.tables import table_columns
from core.templates import TableTemplate
from core.xlsx_import.table_reader import TableReader
from core.xlsx_import.text import cell_text, int_like, is_blank, norm


class LinesReader(TableReader):
    """公开01/04: lines by 行次, in side-by-side panels."""

    def find_header(self) -> int | None:
        return self._find_lanci_row()

    def read_body(self, header_row: int) -> None:
        if not self.t.column_numbers or not self.t.line_numbers:
            self._read_by_labels(header_row)
            return
        sheet, t = self.sheet, self.t
        starts = sorted(c for c, v in sheet.texts(header_row) if norm(v) == "栏次")
        numbers = {}
        for col, value in sheet.texts(header_row):
            n = int_like(value)
            if n is not None and n in t.columns:
                numbers[n] = col
        missing = [n for n in t.columns if n not in numbers]
        if missing:
            self.out.problems.append(
                f"{sheet.where(header_row, starts[0])}：{t.printed}栏次行缺少第{'、'.join(map(str, missing))}栏"
            )
            return
        panels = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else sheet.max_col + 1
            line_col = start + 1
            for row in sheet.rows_between(self.c.start, header_row - 1):
                for col, value in sheet.texts(row):
                    if start < col < end and norm(value) in ("行次", "行"):
                        line_col = col
            amounts = {n: c for n, c in numbers.items() if start <= c < end}
            panels.append((start, line_col, amounts))
        found: dict[int, str] = {}
        for row in self._body_rows(header_row):
            used = False
            for label_col, line_col, amounts in panels:
                raw = sheet.get(row, line_col)
                filled = [c for c in amounts.values() if not is_blank(sheet.get(row, c))]
                if raw is None:
                    if filled:
                        self.out.problems.append(
                            f"{sheet.where(row, filled[0])}：{t.printed}此处有金额，但同一行没有行次"
                        )
                    continue
                number = int_like(raw)
                if number is None:
                    if norm(raw) in ("行次", "行", "栏次"):
                        continue
                    self.out.problems.append(
                        f"{sheet.where(row, line_col)}：{t.printed}的行次“{cell_text(raw).strip()}”无法识别"
                    )
                    continue
                line = t.lines.get(str(number))
                if line is None:
                    span = f"{min(map(int, t.lines))}–{max(map(int, t.lines))}"
                    self.out.problems.append(
                        f"{sheet.where(row, line_col)}：{t.printed}没有第{number}行（本年度表式的行次为 {span}）"
                    )
                    continue
                if number in found:
                    self.out.problems.append(
                        f"{sheet.where(row, line_col)}：{t.printed}第{number}行重复（{found[number]} 已有第{number}行）"
                    )
                    continue
                found[number] = sheet.where(row, line_col)
                used = True
                self._note_hidden(row)
                if not line.columns:
                    if filled:
                        self.out.problems.append(
                            f"{sheet.where(row, filled[0])}：{t.printed}第{number}行是空行，不应填数"
                        )
                    continue
                if not set(line.columns) <= set(amounts):
                    self.out.problems.append(
                        f"{sheet.where(row, line_col)}：{t.printed}第{number}行“{line.label}”应在第"
                        f"{'、'.join(map(str, line.columns))}栏，但它在第{'、'.join(map(str, amounts))}栏一侧"
                        "（表式可能不是本年度的）"
                    )
                    continue
                for col in line.columns:
                    value = self._amount(row, amounts[col], f"{t.printed}第{number}行第{col}栏")
                    if value is not None:
                        self.out.cells[f"{t.id}:{number}:{col}"] = value
                label = sheet.get(row, label_col)
                if isinstance(label, str) and label.strip() and line.label and norm(label) != norm(line.label):
                    self.out.labels[f"{t.id}:{number}"] = label.strip()
            if used:
                self.out.rows += 1
        missing_lines = [n for n, line in t.lines.items() if line.columns and int(n) not in found]
        if missing_lines:
            names = "、".join(f"第{n}行“{t.lines[n].label}”" for n in missing_lines[:4])
            more = f"等 {len(missing_lines)} 行" if len(missing_lines) > 4 else ""
            self.out.problems.append(f"{self.c.where}：{t.printed}缺少{names}{more}，表格不完整")
        self.out.last_col = max((c for _, _, a in panels for c in a.values()), default=0)

    def _read_by_labels(self, header_row: int) -> None:
        """No 栏次 (or no 行次) printed: columns by the header texts, lines by their labels (as printed, an
        alias, or a variant's label; spaces, line breaks and full/half-width punctuation do not count)."""
        sheet, t = self.sheet, self.t
        layout = table_columns(t)
        if t.column_numbers:
            self._header_by_texts()
        panels = []
        for side in layout.lines_panels:
            label_col = self._sheet_col(side.label_col)
            amounts = {n: self._sheet_col(c) for n, c in side.amounts.items()}
            missing = [n for n, c in amounts.items() if c is None]
            if label_col is None or missing:
                names = "、".join(f"“{t.columns[n]}”" for n in missing) or "“项目”"
                self.out.problems.append(
                    f"{sheet.where(header_row, 1)}：{t.printed}表头中找不到{side.panel.title}的{names}栏"
                )
                return
            known: dict[str, list] = {}
            for line in side.panel.lines:
                for text in line.printings:
                    known.setdefault(norm(text), []).append(line)
            panels.append((label_col, amounts, known))
        found: dict[int, str] = {}
        by_variant: set[str] = set()
        for row in self._body_rows(header_row):
            used = False
            for label_col, amounts, known in panels:
                raw = sheet.get(row, label_col)
                filled = [c for c in amounts.values() if not is_blank(sheet.get(row, c))]
                lines = [ln for ln in known.get(norm(raw), []) if ln.number not in found] if raw is not None else []
                if not lines:
                    if filled:
                        what = f"“{cell_text(raw).strip()}”不是本表的项目" if raw is not None else "同一行没有项目名称"
                        self.out.problems.append(f"{sheet.where(row, filled[0])}：{t.printed}此处有金额，但{what}")
                    continue
                line = lines[0]
                found[line.number] = sheet.where(row, label_col)
                by_variant.update(name for name, text in line.variant_labels if norm(text) == norm(raw))
                used = True
                self._note_hidden(row)
                for col in line.columns:
                    value = self._amount(row, amounts[col], f"{t.printed}“{line.label}”{t.columns.get(col, '')}")
                    if value is not None:
                        self.out.cells[f"{t.id}:{line.number}:{col}"] = value
            if used:
                self.out.rows += 1
        self.out.variant = _variant(t, set(found), by_variant)
        omitted = t.omitted(self.out.variant)
        missing_lines = [
            n for n, line in t.lines.items() if line.columns and int(n) not in found and int(n) not in omitted
        ]
        if missing_lines:
            names = "、".join(f"“{t.lines[n].label}”" for n in missing_lines[:4])
            more = f"等 {len(missing_lines)} 行" if len(missing_lines) > 4 else ""
            self.out.problems.append(f"{self.c.where}：{t.printed}缺少{names}{more}，表格不完整")
        self.out.last_col = max((c for _, a, _ in panels for c in a.values()), default=0)


def _variant(t: TableTemplate, found: set[int], named: set[str]) -> str | None:
    """The variant the lines found print: one that omits none of them, the one their labels name if any;
    None for the default."""
    if not t.variants:
        return None
    fits = [v for v in t.variants if not (v.omit & found)] or list(t.variants[-1:])
    chosen = next((v for v in fits if v.name in named), fits[0])
    return None if chosen is t.variants[0] else chosen.name
