"""Workbooks that look like what units send: the seeds' tables typed by hand or exported by other software.

Deliberately independent of `core.xlsx_export`: own headers, own column arrangements, and the quirks
seen in the seeds and in practice (表号 written “公开 01 表” or “表1”, titles with “（表1）”, codes in one
column or split over 类/款/项, text amounts with thousands separators, “—” for blanks, merged titles,
hidden rows, several tables on one sheet, notes and identities printed under the tables), plus the
broken variants the reader must refuse. Also a minimal encrypted-Office container (OLE/CFB holding an
EncryptedPackage stream), as Excel writes for a workbook with an opening password.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.money import unit_fen
from core.report import Report
from core.templates import TableTemplate, TemplateSet

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass
class Style:
    """How a unit's workbook is laid out; every option is a quirk seen in practice."""

    sheets: str = "per_table"  # per_table | one | pairs
    sheet_names: str = "printed"  # printed | generic (Sheet1…) | titles
    number: str = "printed"  # printed (公开01表 / 表1) | spaced (公开 01 表) | in_title (标题（表1）) | none
    # single | split_full (208|01|01) | split_sparse (208 / |01 / ||01) | with_name (“2080101 学前教育”)
    codes: str = "single"
    amounts: str = "number"  # number | text (“81,993.54”) | mixed
    blank: str | None = None  # written in empty amount cells: None, "—", "-", "－"
    unit: str = "万元"  # 万元 | 元
    unit_line: str = "two_cells"  # one_cell | two_cells | two_rows
    merged_titles: bool = True
    hidden_rows: bool = False  # insert a hidden blank row and hide one data row per classification table
    notes: bool = True  # notes, printed identities and 说明 lines under each table
    indent_names: bool = False  # names typed with leading spaces for 款/项
    lanci_label: bool = True  # the word 栏次 in the 栏次 row of classification tables
    spaced_labels: bool = False  # “合 计”, “栏 次”, “总 计”
    toc: str = "numbered"  # the cover's table of contents: numbered (一、收入支出决算总表) | plain (收入支出决算总表)
    # Broken variants
    drop_tables: set[str] = field(default_factory=set)
    bad_amount: tuple[str, str] | None = None  # (address, text written instead)
    formula_at: str | None = None  # address written as a formula without a cached result
    duplicate_row: str | None = None  # table:row written twice
    drop_total: str | None = None  # table whose 合计 row is left out
    drop_lanci: str | None = None  # table whose 栏次 row is left out
    cut_lines_after: tuple[str, int] | None = None  # (lines table, last 行次 written)


@dataclass
class Built:
    path: Path
    where: dict[str, str]  # address → "Sheet!C12"


def amount_text(fen: int, unit: str) -> str:
    """Exact amount with thousands separators, as typed: 81,993.54."""
    per = unit_fen(unit)
    decimals = len(str(per)) - 1
    whole, part = divmod(abs(fen), per)
    frac = f"{part:0{decimals}d}".rstrip("0").ljust(2, "0")
    return f"{'-' if fen < 0 else ''}{whole:,}.{frac}"


def amount_number(fen: int, unit: str) -> float:
    return float(Decimal(fen) / Decimal(unit_fen(unit)))


class _Writer:
    def __init__(self, report: Report, templates: TemplateSet, style: Style):
        self.report, self.templates, self.style = report, templates, style
        self.where: dict[str, str] = {}
        self.rows_by_table: dict[str, set[str]] = {}
        for key in list(report.cells) + list(report.labels):
            table, row = key.split(":")[:2]
            self.rows_by_table.setdefault(table, set()).add(row)
        self.amount_count = 0

    def spaced(self, text: str) -> str:
        return " ".join(text) if self.style.spaced_labels and len(text) == 2 else text

    def put(self, ws, row: int, col: int, value, bold: bool = False) -> None:
        cell = ws.cell(row, col, value)
        cell.border = _BORDER
        if bold:
            cell.font = Font(bold=True)

    def amount(self, ws, row: int, col: int, address: str) -> None:
        fen = self.report.cells.get(address)
        sheet = ws.title if re.fullmatch(r"\w+", ws.title) else f"'{ws.title}'"
        self.where[address] = f"{sheet}!{get_column_letter(col)}{row}"
        style = self.style
        if style.bad_amount and style.bad_amount[0] == address:
            self.put(ws, row, col, style.bad_amount[1])
            return
        if style.formula_at == address:
            self.put(ws, row, col, "=1+1")
            return
        if fen is None:
            self.put(ws, row, col, style.blank)
            return
        self.amount_count += 1
        as_text = style.amounts == "text" or (style.amounts == "mixed" and self.amount_count % 2 == 0)
        value = amount_text(fen, style.unit) if as_text else amount_number(fen, style.unit)
        self.put(ws, row, col, value)
        if not as_text:
            ws.cell(row, col).number_format = "#,##0.00"

    # -- the frame of every table ------------------------------------------------------------

    def frame(self, ws, row: int, template: TableTemplate, width: int) -> int:
        style = self.style
        title = f"{self.report.year}年度{template.title}"
        number = template.printed
        if style.number == "spaced" and number.startswith("公开"):
            number = f"公开 {number[2:4]} 表"
        if style.number == "in_title":
            title += f"（{number}）"
        ws.cell(row, 1, title).font = Font(bold=True, size=16)
        ws.cell(row, 1).alignment = Alignment(horizontal="center")
        if style.merged_titles:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
        if style.number in ("printed", "spaced"):
            ws.cell(row, width, number)
            row += 1
        unit = f"单位：{style.unit}"
        department = f"部门：{self.report.unit_name}"
        if style.unit_line == "one_cell":
            ws.cell(row, 1, f"{department}　　{unit}")
            row += 1
        elif style.unit_line == "two_cells":
            ws.cell(row, 1, department)
            ws.cell(row, width, unit)
            row += 1
        else:
            ws.cell(row, width, unit)
            ws.cell(row + 1, 1, department)
            row += 2
        return row

    def tail(self, ws, row: int, template: TableTemplate) -> int:
        if not self.style.notes:
            return row
        for note in template.notes:
            ws.cell(row, 1, note)
            row += 1
        for rule in template.rules[:2]:
            ws.cell(row, 1, rule.text + "。")
            row += 1
        ws.cell(row, 1, f"说明：{self.report.unit_name}已按要求公开本表。")
        return row + 1

    # -- tables -------------------------------------------------------------------------------

    def lines(self, ws, row: int, template: TableTemplate) -> int:
        panels = template.panels
        widths = [2 + len(p.columns) for p in panels]
        width = sum(widths)
        row = self.frame(ws, row, template, width)
        starts = [sum(widths[:i]) + 1 for i in range(len(panels))]
        for start, panel, w in zip(starts, panels, widths, strict=True):
            self.put(ws, row, start, " ".join(panel.title), bold=True)
            ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=start + w - 1)
            self.put(ws, row + 1, start, "项 目")
            self.put(ws, row + 1, start + 1, "行次")
            for i, col in enumerate(panel.columns):
                self.put(ws, row + 1, start + 2 + i, template.columns[col])
            if self.style.drop_lanci != template.id:
                self.put(ws, row + 2, start, self.spaced("栏次"))
                for i, col in enumerate(panel.columns):
                    self.put(ws, row + 2, start + 2 + i, col)
        row += 2 if self.style.drop_lanci == template.id else 3
        height = max(len(p.lines) for p in panels)
        cut = self.style.cut_lines_after
        for i in range(height):
            for start, panel in zip(starts, panels, strict=True):
                if i >= len(panel.lines):
                    continue
                line = panel.lines[i]
                if cut and cut[0] == template.id and line.number > cut[1]:
                    continue
                label = line.label or ""
                if label in ("总计", "合计") and self.style.spaced_labels:
                    label = " ".join(label)
                self.put(ws, row + i, start, label)
                self.put(ws, row + i, start + 1, line.number)
                for j, col in enumerate(panel.columns):
                    if col in line.columns:
                        self.amount(ws, row + i, start + 2 + j, f"{template.id}:{line.number}:{col}")
                    else:
                        self.put(ws, row + i, start + 2 + j, None)
        return self.tail(ws, row + height, template)

    def classification(self, ws, row: int, template: TableTemplate) -> int:
        style = self.style
        split = style.codes in ("split_full", "split_sparse")
        key_cols = 4 if split else 2  # 类 款 项 名称 | 编码 名称
        columns = list(template.columns)
        width = key_cols + len(columns)
        row = self.frame(ws, row, template, width)
        self.put(ws, row, 1, "项    目")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=key_cols)
        for i, col in enumerate(columns):
            self.put(ws, row, key_cols + 1 + i, template.columns[col])
        row += 1
        if split:
            self.put(ws, row, 1, "功能分类科目编码")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            self.put(ws, row, 4, "科目名称")
        else:
            self.put(ws, row, 1, "科目编码")
            self.put(ws, row, 2, "科目名称")
        row += 1
        if style.drop_lanci != template.id:
            if split:
                for i, part in enumerate(("类", "款", "项")):
                    self.put(ws, row, 1 + i, part)
                self.put(ws, row, 4, self.spaced("栏次") if style.lanci_label else None)
            else:
                self.put(ws, row, 1, self.spaced("栏次") if style.lanci_label else "")
            for i, col in enumerate(columns):
                self.put(ws, row, key_cols + 1 + i, str(col))
            row += 1
        codes = sorted(r for r in self.rows_by_table.get(template.id, ()) if template.level(r) is not None)
        rows = ([] if style.drop_total == template.id else [template.total_row]) + codes
        if style.duplicate_row and style.duplicate_row.split(":")[0] == template.id:
            rows.insert(rows.index(style.duplicate_row.split(":")[1]) + 1, style.duplicate_row.split(":")[1])
        hidden_done = False
        for index, code in enumerate(rows):
            level = template.level(code)
            name = self.report.labels.get(f"{template.id}:{code}", "")
            if style.indent_names and level:
                name = "  " * level + name
            if level is None:  # 合计
                self.put(ws, row, 1, self.spaced("合计"), bold=True)
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=key_cols)
            elif split:
                parts = [code[:3], code[3:5], code[5:7]]
                if style.codes == "split_sparse":
                    parts = [p if i == level else "" for i, p in enumerate(parts)]
                for i, part in enumerate(parts):
                    self.put(ws, row, 1 + i, part or None)
                self.put(ws, row, 4, name or None)
            elif style.codes == "with_name":
                self.put(ws, row, 1, f"{code}   {name}".rstrip())
                self.put(ws, row, 2, None)
            else:
                self.put(ws, row, 1, int(code) if index % 3 == 0 else code)  # codes typed as numbers and as text
                self.put(ws, row, 2, name or None)
            for i, col in enumerate(columns):
                self.amount(ws, row, key_cols + 1 + i, f"{template.id}:{code}:{col}")
            if style.hidden_rows and not hidden_done and level == 2:
                ws.row_dimensions[row].hidden = True  # a data row someone hid: still read
                row += 1
                ws.row_dimensions[row].hidden = True  # and a hidden blank row
                hidden_done = True
            row += 1
        return self.tail(ws, row, template)

    def economic(self, ws, row: int, template: TableTemplate) -> int:
        panels = template.panels
        width = 3 * len(panels)
        row = self.frame(ws, row, template, width)
        start = 1
        titles = [p.title for p in panels]
        i = 0
        while i < len(titles):
            j = i
            while j + 1 < len(titles) and titles[j + 1] == titles[i]:
                j += 1
            self.put(ws, row, 1 + 3 * i, titles[i], bold=True)
            ws.merge_cells(start_row=row, start_column=1 + 3 * i, end_row=row, end_column=3 + 3 * j)
            i = j + 1
        row += 1
        for p in range(len(panels)):
            start = 1 + 3 * p
            self.put(ws, row, start, "经济分类科目")
            self.put(ws, row, start + 1, "科目名称")
            self.put(ws, row, start + 2, "决算数")
        row += 1
        present = self.rows_by_table.get(template.id, set())
        columns = [list(p.rows) for p in panels]
        placed = {r for rows in columns for r in rows}
        for code in sorted(r for r in present if r not in placed and template.level(r) is not None):
            target = next((k for k, p in enumerate(panels) if any(r[:3] == code[:3] for r in p.rows)), len(panels) - 1)
            columns[target] = sorted(columns[target] + [code])
        height = max(len(c) for c in columns)
        col = next(iter(template.columns))
        for i in range(height):
            for p, codes in enumerate(columns):
                if i >= len(codes):
                    continue
                code = codes[i]
                start = 1 + 3 * p
                self.put(ws, row + i, start, code)
                self.put(ws, row + i, start + 1, self.report.labels.get(f"{template.id}:{code}"))
                self.amount(ws, row + i, start + 2, f"{template.id}:{code}:{col}")
        row += height
        # totals: 人员经费合计 under panel 1, 公用经费合计 over panels 2–3 with the figure at the far right
        for p, panel in enumerate(panels):
            if not panel.total:
                continue
            last = p
            while last + 1 < len(panels) and panels[last + 1].title == panel.title and not panels[last + 1].total:
                last += 1
            self.put(ws, row, 1 + 3 * p, panel.total, bold=True)
            self.amount(ws, row, 3 + 3 * last, f"{template.id}:{panel.total}:{col}")
        return self.tail(ws, row + 1, template)

    def single(self, ws, row: int, template: TableTemplate) -> int:
        columns = list(template.columns)
        width = len(columns)
        row = self.frame(ws, row, template, width)
        half = width // 2
        self.put(ws, row, 1, "预算数", bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=half)
        self.put(ws, row, half + 1, "决算数", bold=True)
        ws.merge_cells(start_row=row, start_column=half + 1, end_row=row, end_column=width)
        row += 1
        for i, col in enumerate(columns):
            self.put(ws, row, 1 + i, template.columns[col].removeprefix("预算数").removeprefix("决算数"))
        row += 1
        if self.style.drop_lanci != template.id:
            for i, col in enumerate(columns):
                self.put(ws, row, 1 + i, col)
            row += 1
        for i, col in enumerate(columns):
            self.amount(ws, row, 1 + i, f"{template.id}:1:{col}")
        return self.tail(ws, row + 1, template)

    def table(self, ws, row: int, template: TableTemplate) -> int:
        if template.kind == "lines":
            return self.lines(ws, row, template)
        if template.kind == "single":
            return self.single(ws, row, template)
        if template.panels:
            return self.economic(ws, row, template)
        return self.classification(ws, row, template)


def build_workbook(report: Report, templates: TemplateSet, path: Path, style: Style | None = None) -> Built:
    """Write `report` as a unit would send it, in `style`; returns where each amount went."""
    style = style or Style()
    writer = _Writer(report, templates, style)
    workbook = Workbook()
    workbook.remove(workbook.active)
    cover = workbook.create_sheet("封面")
    cover["A1"] = f"{report.unit_name}{report.year}年度部门决算表"
    cover["A3"] = "目录"
    for n, template in enumerate(templates.tables.values(), start=1):
        number = f"{'一二三四五六七八九'[n - 1]}、" if style.toc == "numbered" else ""
        cover.cell(3 + n, 1, f"{number}{template.title}")  # a table of contents
    tables = [t for t in templates.tables.values() if t.id not in style.drop_tables]
    if style.sheets == "one":
        groups = [tables]
    elif style.sheets == "pairs":
        groups = [tables[i : i + 2] for i in range(0, len(tables), 2)]
    else:
        groups = [[t] for t in tables]
    for n, group in enumerate(groups, start=1):
        if style.sheets == "one":
            name = "部门决算公开表"
        elif style.sheet_names == "generic":
            name = f"Sheet{n}"
        elif style.sheet_names == "titles":
            name = group[0].title[:31]
        else:
            name = "、".join(t.printed for t in group)[:31]
        ws = workbook.create_sheet(name)
        row = 1
        for template in group:
            row = writer.table(ws, row, template) + 2
        for c in range(1, 14):
            ws.column_dimensions[get_column_letter(c)].width = 14
    workbook.save(path)
    return Built(Path(path), writer.where)


# -- an encrypted Office file -----------------------------------------------------------------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(name: str, kind: int, child: int, left: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    entry = encoded.ljust(64, b"\0")
    entry += struct.pack("<HBB", len(encoded), kind, 1)
    entry += struct.pack("<III", left, right, child)
    entry += b"\0" * 16 + b"\0" * 4 + b"\0" * 16  # CLSID, state bits, times
    entry += struct.pack("<IQ", start, size)
    return entry


def write_encrypted_container(path: Path) -> None:
    """A compound file (CFB v3) with EncryptionInfo and EncryptedPackage streams, as Excel saves a
    workbook protected by an opening password (the streams' contents are filler here)."""
    sector = 512
    stream = 4096  # at the mini-stream cutoff: stored in ordinary sectors
    per_stream = stream // sector
    # sector 0: FAT, sector 1: directory, then EncryptionInfo, then EncryptedPackage
    info_start, package_start = 2, 2 + per_stream
    fat = [_FAT, _END]
    for start in (info_start, package_start):
        fat += [start + i + 1 for i in range(per_stream - 1)] + [_END]
    fat += [_FREE] * (sector // 4 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, stream, _END, 0, _END, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    directory = _dir_entry("Root Entry", 5, 1, _FREE, _FREE, _END, 0)
    directory += _dir_entry("EncryptionInfo", 2, _FREE, _FREE, 2, info_start, stream)
    directory += _dir_entry("EncryptedPackage", 2, _FREE, _FREE, _FREE, package_start, stream)
    directory += _dir_entry("", 0, _FREE, _FREE, _FREE, 0, 0)
    body = struct.pack(f"<{sector // 4}I", *fat) + directory
    body += b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x5a" * (stream - 8)  # EncryptionInfo (agile 4.4)
    body += struct.pack("<Q", 9000) + bytes((i * 37) % 256 for i in range(stream - 8))  # EncryptedPackage
    path.write_bytes(header.ljust(sector, b"\0") + body)


# -- hostile archives ---------------------------------------------------------------------------------


def replace_part(source: Path, target: Path, part: str, transform) -> None:
    """Copy a workbook, passing the bytes of one part (e.g. xl/worksheets/sheet2.xml) through `transform`."""
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item.filename, transform(data) if item.filename == part else data)


def sheet_part(path: Path, sheet: str) -> str:
    """The archive part holding the worksheet named `sheet`."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    return f"xl/worksheets/sheet{workbook.sheetnames.index(sheet) + 1}.xml"


def add_merge(data: bytes, ref: str) -> bytes:
    """Sheet XML with one more merged range (after sheetData, where Excel writes mergeCells)."""
    text = data.decode("utf-8")
    if "<mergeCells" in text:
        return re.sub(r"<mergeCells[^>]*>", lambda m: m.group(0) + f'<mergeCell ref="{ref}"/>', text, count=1).encode()
    return text.replace(
        "</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'
    ).encode()


def write_rows_bomb(path: Path, uncompressed: int) -> None:
    """A workbook whose one sheet is `uncompressed` bytes of identical rows: it zips to a few hundred KB per 100 MB."""
    import zipfile

    base = Workbook()
    base.active["A1"] = "x"
    plain = path.with_suffix(".base.xlsx")
    base.save(plain)
    row = b'<row r="1"><c r="A1" t="n"><v>1</v></c><c r="B1" t="n"><v>2</v></c></row>' * 64
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item.filename, zin.read(item.filename))
                continue
            head = zin.read(item.filename).decode("utf-8").split("<sheetData")[0].encode()
            with zout.open(item.filename, "w", force_zip64=True) as stream:
                stream.write(head + b"<sheetData>")
                written = 0
                while written < uncompressed:
                    stream.write(row)
                    written += len(row)
                stream.write(b"</sheetData></worksheet>")
    plain.unlink()


def to_xls(source: Path, target: Path) -> Path:
    """The same workbook as Excel 97–2003 (.xls, BIFF8) written by xlwt: values, merges, hidden rows,
    columns and sheets — what a unit's Excel or WPS saves as .xls (formulas are not carried over)."""
    import datetime as dt

    import xlwt
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell

    book = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for ws in load_workbook(source).worksheets:
        sheet = book.add_sheet(ws.title, cell_overwrite_ok=True)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or cell.value is None:
                    continue
                value = cell.value
                if cell.data_type == "f":
                    raise ValueError(f"{ws.title}!{cell.coordinate}: formulas are not converted")
                if isinstance(value, dt.datetime | dt.date):
                    sheet.write(cell.row - 1, cell.column - 1, value, dates)
                else:
                    sheet.write(cell.row - 1, cell.column - 1, value)
        for merged in ws.merged_cells.ranges:
            sheet.merge(merged.min_row - 1, merged.max_row - 1, merged.min_col - 1, merged.max_col - 1)
        for number, dimension in ws.row_dimensions.items():
            if dimension.hidden:
                sheet.row(number - 1).hidden = True
        for dimension in ws.column_dimensions.values():
            if dimension.hidden and dimension.min and dimension.max:
                for col in range(dimension.min, dimension.max + 1):
                    sheet.col(col - 1).hidden = True
        if ws.sheet_state != "visible":
            sheet.visibility = 1
    book.save(str(target))
    return target
