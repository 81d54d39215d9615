"""Classification tables (公开02/03/05/07/08): rows by 科目编码, whole or split over 类/款/项."""

from __future__ import annotations

from core.xlsx_import.table_reader import TableReader
from core.xlsx_import.text import CODE_AND_NAME, cell_text, is_blank, nfkc, norm


class ClassificationReader(TableReader):
    """Classification tables (公开02/03/05/07/08): rows by 科目编码, whole or split over 类/款/项."""

    def find_header(self) -> int | None:
        return self._find_lanci_row()

    def read_body(self, header_row: int) -> None:
        sheet, t = self.sheet, self.t
        amounts = self._amount_columns(header_row)
        missing = [n for n in t.columns if n not in amounts]
        if missing and not t.column_numbers:
            names = "、".join(f"“{t.columns[n]}”" for n in missing)
            self.out.problems.append(f"{sheet.where(header_row, 1)}：{t.printed}表头中找不到{names}栏")
            return
        if missing:
            self.out.problems.append(
                f"{sheet.where(header_row, sheet.row_cols[header_row][0])}：{t.printed}栏次行缺少第{'、'.join(map(str, missing))}栏"
            )
            return
        first_amount = min(amounts.values())
        roles: dict[int, str] = {}
        for row in sheet.rows_between(self.c.start, header_row):
            for col, value in sheet.texts(row):
                if col < first_amount and norm(value) in ("类", "款", "项"):
                    roles[col] = norm(value)
        total_names = {norm(t.total_row), "合计", "总计"} if t.total_row else set()
        seen: dict[str, int] = {}
        context: dict[str, str | None] = {"类": None, "款": None}
        for row in self._body_rows(header_row):
            keys = [(c, v) for c, v in sheet.texts(row) if c < first_amount]
            filled = [c for c in amounts.values() if not is_blank(sheet.get(row, c))]
            digits: list[tuple[int, str]] = []
            texts: list[str] = []
            for col, value in keys:
                if isinstance(value, bool):
                    texts.append(str(value))
                elif isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
                    digits.append((col, str(int(value))))
                elif isinstance(value, str):
                    plain = "".join(nfkc(value).split())
                    if plain.isdigit():
                        digits.append((col, plain))
                        continue
                    both = CODE_AND_NAME.match(nfkc(value).strip())
                    if both and not digits:
                        digits.append((col, both.group(1)))
                        texts.append(value.strip()[len(both.group(1)) :].strip())
                    elif value.strip():
                        texts.append(value.strip())
                else:
                    texts.append(cell_text(value))
            if not digits:
                name = norm(texts[0]) if texts else ""
                if t.total_row and name in total_names:
                    code = t.total_row
                elif texts and any(
                    "栏次" in norm(x) or norm(x) in ("项目", "科目名称", "类", "款", "项") for x in texts
                ):
                    self.out.skipped.append(f"{sheet.where(row, keys[0][0])}：重复的表头行，不含数据")
                    continue
                elif filled:
                    what = f"“{texts[0]}”" if texts else ""
                    self.out.problems.append(
                        f"{sheet.where(row, filled[0])}：{t.printed}第{row}行{what}有金额，但没有科目编码"
                    )
                    continue
                else:
                    if texts:
                        self.out.skipped.append(
                            f"{sheet.where(row, keys[0][0])}“{texts[0]}”：不是科目行（没有编码和金额）"
                        )
                    continue
            else:
                code = self._code(row, digits, roles, context)
                if code is None:
                    continue
            if code in seen:
                self.out.problems.append(
                    f"{sheet.where(row, (digits or keys)[0][0])}：{t.printed}第{row}行“科目编码”{code}重复（与第{seen[code]}行相同）"
                    if code != t.total_row
                    else f"{sheet.where(row, keys[0][0])}：{t.printed}第{row}行“{code}”重复（与第{seen[code]}行相同）"
                )
                continue
            seen[code] = row
            self._note_hidden(row)
            self.out.rows += 1
            what = f"{t.printed}“{code}”行"
            for col, sheet_col in amounts.items():
                value = self._amount(row, sheet_col, f"{what}第{col}栏")
                if value is not None:
                    self.out.cells[f"{t.id}:{code}:{col}"] = value
            if code != t.total_row and texts and texts[0]:
                self.out.labels[f"{t.id}:{code}"] = texts[0]
            elif digits and sum(part == code for _, part in digits) > 1:
                self.out.labels[f"{t.id}:{code}"] = code  # named by its code, as a new row is (see ui add_row)
        if t.total_row and t.total_row not in seen:
            self.out.problems.append(f"{self.c.where}：{t.printed}没有“{t.total_row}”行，表格不完整")
        self.out.last_col = max(amounts.values())

    def _code(self, row: int, digits: list[tuple[int, str]], roles: dict[int, str], context) -> str | None:
        sheet, t = self.sheet, self.t
        code = ""
        for col, part in digits:
            if not code:
                role = roles.get(col)
                if len(part) in t.levels:
                    code = part
                elif len(part) == 2 and role in ("款", "项"):
                    base = context["类"] if role == "款" else context["款"]
                    if base is None:
                        above = "类" if role == "款" else "款"
                        self.out.problems.append(
                            f"{sheet.where(row, col)}：{t.printed}“{role}”栏的编码“{part}”上面没有所属的{above}"
                        )
                        return None
                    code = base + part
                else:
                    self.out.problems.append(f"{sheet.where(row, col)}：{t.printed}的科目编码“{part}”位数不对")
                    return None
            elif part.startswith(code) and len(part) > len(code):
                code = part
            elif part == code:  # the name column repeats the code: a code outside the catalogue (core.layout.row_name)
                continue
            elif len(part) == 2:
                code += part
            else:
                self.out.problems.append(f"{sheet.where(row, col)}：{t.printed}的科目编码“{code}”与“{part}”连不起来")
                return None
        if len(code) not in t.levels:
            self.out.problems.append(
                f"{sheet.where(row, digits[0][0])}：{t.printed}的科目编码“{code}”位数不对（应为 {'、'.join(map(str, t.levels))} 位）"
            )
            return None
        if len(code) == t.levels[0]:
            context["类"], context["款"] = code, None
        elif len(t.levels) > 1 and len(code) == t.levels[1]:
            context["类"], context["款"] = code[: t.levels[0]], code
        return code
