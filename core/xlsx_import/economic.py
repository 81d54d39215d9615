"""公开06: economic classification codes in side-by-side panels, totals on the last row."""

from __future__ import annotations

from core.xlsx_import.table_reader import TableReader
from core.xlsx_import.text import CODE_AND_NAME, cell_text, is_blank, nfkc, norm


class EconomicReader(TableReader):
    """公开06: economic classification codes in side-by-side panels, totals on the last row."""

    def find_header(self) -> int | None:
        for row in self._header_rows():
            names = [c for c, v in self.sheet.texts(row) if isinstance(v, str) and "名称" in norm(v)]
            if len(names) >= 2 or (names and len(self.t.panels) == 1):
                return row
        return None

    def read_body(self, header_row: int) -> None:
        sheet, t = self.sheet, self.t
        name_cols = [c for c, v in sheet.texts(header_row) if isinstance(v, str) and "名称" in norm(v)]
        panels = [(n - 1, n, n + 1) for n in name_cols if n > 1]
        totals = {norm(p.total): p.total for p in t.panels if p.total}
        column = next(iter(t.columns))
        seen: dict[str, str] = {}
        for row in self._body_rows(header_row):
            used = False
            consumed: set[int] = set()
            for col, value in list(sheet.texts(row)):
                key = norm(value) if isinstance(value, str) else ""
                if key not in totals:
                    continue
                total = totals[key]
                consumed.add(col)
                if total in seen:
                    self.out.problems.append(f"{sheet.where(row, col)}：{t.printed}“{total}”重复（{seen[total]} 已有）")
                    continue
                seen[total] = sheet.where(row, col)
                used = True
                c = sheet.after(row, col)
                while c <= sheet.max_col:
                    v = sheet.get(row, c)
                    if v is not None:
                        if isinstance(v, str) and norm(v) in totals:
                            break
                        consumed.add(c)
                        amount = self._amount(row, c, f"{t.printed}“{total}”")
                        if amount is not None:
                            self.out.cells[f"{t.id}:{total}:{column}"] = amount
                        break
                    c += 1
            for code_col, name_col, amount_col in panels:
                if code_col in consumed:
                    continue
                raw = sheet.get(row, code_col)
                amount_raw = sheet.get(row, amount_col) if amount_col not in consumed else None
                if raw is None:
                    if not is_blank(amount_raw):
                        self.out.problems.append(
                            f"{sheet.where(row, amount_col)}：{t.printed}此处有金额，但同一行没有经济分类科目编码"
                        )
                    continue
                code = "".join(nfkc(cell_text(raw)).split())
                name = sheet.get(row, name_col)
                if isinstance(raw, float) and raw.is_integer():
                    code = str(int(raw))
                if not code.isdigit():
                    both = CODE_AND_NAME.match(nfkc(cell_text(raw)).strip())
                    if both:
                        code, name = both.group(1), cell_text(raw).strip()[len(both.group(1)) :].strip()
                    elif norm(raw) in ("栏次", "经济分类科目编码", "科目编码"):
                        break
                    else:
                        if not is_blank(amount_raw):
                            self.out.problems.append(
                                f"{sheet.where(row, code_col)}：{t.printed}的经济分类科目编码“{cell_text(raw).strip()}”无法识别"
                            )
                        else:
                            self.out.skipped.append(
                                f"{sheet.where(row, code_col)}“{cell_text(raw).strip()}”：不是科目行"
                            )
                        continue
                if not t.is_row(code):
                    self.out.problems.append(
                        f"{sheet.where(row, code_col)}：{t.printed}的经济分类科目编码“{code}”位数不对（应为 {'、'.join(map(str, t.levels))} 位）"
                    )
                    continue
                if code in seen:
                    self.out.problems.append(
                        f"{sheet.where(row, code_col)}：{t.printed}“科目编码”{code}重复（{seen[code]} 已有）"
                    )
                    continue
                seen[code] = sheet.where(row, code_col)
                used = True
                value = self._amount(row, amount_col, f"{t.printed}“{code}”行")
                if value is not None:
                    self.out.cells[f"{t.id}:{code}:{column}"] = value
                if isinstance(name, str) and name.strip():
                    self.out.labels[f"{t.id}:{code}"] = name.strip()
            if used:
                self.out.rows += 1
                self._note_hidden(row)
        for total in totals.values():
            if total not in seen:
                self.out.problems.append(f"{self.c.where}：{t.printed}没有“{total}”行，表格不完整")
        self.out.last_col = max((p[2] for p in panels), default=0)
