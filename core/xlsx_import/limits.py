"""Bounds on what a workbook may hold, checked on the zip archive before openpyxl parses any of it.

openpyxl builds every cell, every row's settings and every cell a merged range or a hyperlink range
covers as Python objects: a 2.7 MB zip of 1 GiB of rows, or one merge over a whole sheet
(A1:XFD1048576, 17 billion cells), runs for minutes and takes gigabytes. So the archive's parts are
measured first (sizes as the archive states them, which `zipfile` holds every read to, and their
compression ratio), then streamed once — which also checks every part's CRC — counting the cells,
rows, shared strings and the area of merged and hyperlinked ranges. A workbook past any bound is
refused before it is parsed.

The bounds are far above any report (the nine tables and the self-evaluation sheets hold some 20 000
cells). At the bounds the parse is still bounded: 197 000 cells of text took openpyxl 10–16 s and 274 MB
(on a busy 2-core machine); a refused workbook is refused in well under a second.
"""

from __future__ import annotations

import re
import zipfile

from openpyxl.utils.cell import range_boundaries

MAX_PARTS = 5_000
#: All parts of the archive, uncompressed (pictures included).
MAX_TOTAL_BYTES = 256 * 2**20
#: The XML parts openpyxl parses (sheets, shared strings, styles, …), uncompressed.
MAX_XML_BYTES = 64 * 2**20
#: Sheet XML compresses some 5–15 times; far beyond that a part is padding made to be inflated.
MAX_RATIO = 100
RATIO_FROM_BYTES = 2**20
MAX_CELLS = 200_000
MAX_ROWS = 200_000
MAX_STRINGS = 200_000
#: Cells covered by merged ranges and by hyperlinks over a range (openpyxl makes each one).
MAX_AREA = 200_000
#: One XML tag longer than this is not from a spreadsheet program.
MAX_TAG_BYTES = 2**20

_CHUNK = 2**20
_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_RANGE = re.compile(rb"<(?:[\w.-]+:)?(mergeCell|hyperlink)\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")


class WorkbookTooLarge(ValueError):
    """A workbook beyond a bound; the message (Chinese) says which and by how much."""


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 1024:,.0f} KB"


def check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse (WorkbookTooLarge) a workbook whose parts exceed the bounds; zipfile.BadZipFile if damaged."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise WorkbookTooLarge(f"“{name}”由 {len(parts):,} 个部件组成，超过上限 {MAX_PARTS:,}，不像是报表工作簿")
    total = sum(p.file_size for p in parts)
    if total > MAX_TOTAL_BYTES:
        raise WorkbookTooLarge(
            f"“{name}”解压后有 {_mb(total)}，超过上限 {_mb(MAX_TOTAL_BYTES)}，不像是报表工作簿（可能是压缩炸弹）"
        )
    xml = sum(p.file_size for p in parts if _is_xml(p.filename))
    if xml > MAX_XML_BYTES:
        raise WorkbookTooLarge(
            f"“{name}”中的表格内容解压后有 {_mb(xml)}，超过上限 {_mb(MAX_XML_BYTES)}；"
            "请只保留公开01–09表和绩效自评表后再导入"
        )
    for part in parts:
        if part.file_size >= RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise WorkbookTooLarge(
                f"“{name}”中的 {part.filename} 压缩了 {ratio:,} 倍（{_mb(part.compress_size)} 解压成 "
                f"{_mb(part.file_size)}），远超正常工作簿，疑似压缩炸弹，未读取"
            )
    counts = {"cells": 0, "rows": 0, "strings": 0, "area": 0}
    for part in parts:
        _scan(archive, part, counts, name)
        _check_counts(counts, name)


def _check_counts(counts: dict[str, int], name: str) -> None:
    bounds = (
        ("cells", MAX_CELLS, "个单元格"),
        ("rows", MAX_ROWS, "行"),
        ("strings", MAX_STRINGS, "个不同的文字"),
        ("area", MAX_AREA, "个被合并或被超链接范围覆盖的单元格"),
    )
    for key, bound, what in bounds:
        if counts[key] > bound:
            raise WorkbookTooLarge(
                f"“{name}”有 {counts[key]:,} {what}，超过上限 {bound:,}，未读取；"
                "请只保留公开01–09表和绩效自评表（并取消整行整列的合并）后再导入"
            )


def _is_xml(filename: str) -> bool:
    return filename.lower().endswith((".xml", ".rels", ".vml"))


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo, counts: dict[str, int], name: str) -> None:
    """Read one part to its end (the CRC is checked there), counting what openpyxl would build."""
    xml = _is_xml(part.filename)
    carry = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            if not xml:
                continue
            data = carry + chunk
            # Count only up to the last complete tag; an unfinished one is carried to the next chunk.
            last_open = data.rfind(b"<")
            if last_open >= 0 and data.find(b">", last_open) < 0:
                data, carry = data[:last_open], data[last_open:]
                if len(carry) > MAX_TAG_BYTES:
                    raise WorkbookTooLarge(f"“{name}”中的 {part.filename} 有一个超过 1 MB 的标记，不是正常的工作簿")
            else:
                carry = b""
            _count(data, counts)
            _check_counts(counts, name)  # past a bound: no need to read further to refuse it
    if carry:
        _count(carry, counts)


def _count(data: bytes, counts: dict[str, int]) -> None:
    counts["cells"] += len(_CELL.findall(data))
    counts["rows"] += len(_ROW.findall(data))
    counts["strings"] += len(_STRING.findall(data))
    for _, ref in _RANGE.findall(data):
        for piece in ref.split():
            try:
                min_col, min_row, max_col, max_row = range_boundaries(piece.decode("ascii", "replace"))
            except (ValueError, TypeError):
                continue  # not a range openpyxl can use either; it reports the damage itself
            if None in (min_col, min_row, max_col, max_row):  # a whole row or column: A:A, 1:1
                counts["area"] += MAX_AREA + 1
                continue
            counts["area"] += (max_row - min_row + 1) * (max_col - min_col + 1) - 1
