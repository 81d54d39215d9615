"""The written PDF's text as printed: ToUnicode maps that send look-alike radicals back to ideographs.

A CJK font draws 人 (U+4EBA) and the Kangxi radical ⼈ (U+2F08) with one glyph, and 门 (U+95E8) and
the radical ⻔ (U+2EED) too. Qt's PDF writer gives each glyph the lowest code point that maps to
it, so copying or searching the PDF would find radicals instead of the characters printed. The
ToUnicode maps of the written file are corrected: a radical that shares its glyph with a unified
ideograph maps to that ideograph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QFont, QRawFont

#: code point → the unified ideograph drawn with the same glyph, or None
Ideograph = Callable[[int], int | None]

RADICALS = (0x2E80, 0x2FDF)  # CJK Radicals Supplement and Kangxi Radicals


def fix_pdf_text(path: Path, family: str | None) -> None:
    """Correct the ToUnicode maps of the PDF at `path`, printed in `family`; rewrite it only if one changed."""
    data = path.read_bytes()
    fixed = fix_to_unicode(data, _ideographs(family))
    if fixed != data:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(fixed)
        temporary.replace(path)


def _ideographs(family: str | None) -> Ideograph:
    """code point → the unified ideograph drawn with the same glyph in `family` (or NFKC's), or None."""
    raw = QRawFont.fromFont(QFont(family)) if family else None
    by_glyph: dict[int, int] | None = None

    def ideograph(code: int) -> int | None:
        nonlocal by_glyph
        if raw is not None and raw.isValid():
            if by_glyph is None:
                text = "".join(chr(c) for c in range(0x4E00, 0xA000))
                by_glyph = {}
                for char, glyph in zip(text, raw.glyphIndexesForString(text), strict=False):
                    if glyph:
                        by_glyph.setdefault(glyph, ord(char))
            glyphs = raw.glyphIndexesForString(chr(code))
            if glyphs and glyphs[0] in by_glyph:
                return by_glyph[glyphs[0]]
        normal = unicodedata.normalize("NFKC", chr(code))
        return ord(normal) if len(normal) == 1 and normal != chr(code) else None

    return ideograph


def fix_to_unicode(data: bytes, ideograph: Ideograph) -> bytes:
    """The PDF `data` with its ToUnicode maps sending radicals to ideographs; unchanged if it cannot tell."""
    end = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    if end is None:
        return data
    xref_at = int(end.group(1))
    head = re.match(rb"xref\s+0\s+(\d+)\s*\n", data[xref_at:])
    if head is None:
        return data
    count = int(head.group(1))
    entries_at = xref_at + head.end()
    entries = [data[entries_at + 20 * i : entries_at + 20 * i + 20] for i in range(count)]
    trailer_at = entries_at + 20 * count
    if not data[trailer_at:].lstrip().startswith(b"trailer") or any(len(e) != 20 for e in entries):
        return data
    offsets = {i: int(e[:10]) for i, e in enumerate(entries) if e[17:18] == b"n"}
    order = sorted(offsets, key=offsets.__getitem__)
    spans = {n: (offsets[n], offsets[order[i + 1]] if i + 1 < len(order) else xref_at) for i, n in enumerate(order)}
    bodies: dict[int, bytes] = {}
    for number in {int(n) for n in re.findall(rb"/ToUnicode (\d+) 0 R", data)}:
        if number not in spans:
            continue
        body = data[slice(*spans[number])]
        stream = re.match(rb"\d+ 0 obj\s*<<\s*/Length (\d+)\s*>>\s*stream\r?\n", body)
        if stream is None:
            continue
        cmap = body[stream.end() : stream.end() + int(stream.group(1))]
        fixed = _fix_cmap(cmap, ideograph)
        if fixed != cmap:
            bodies[number] = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
                number,
                len(fixed),
                fixed,
            )
    if not bodies:
        return data
    out = bytearray(data[: offsets[order[0]]])
    moved = {}
    for number in order:
        moved[number] = len(out)
        out += bodies.get(number, data[slice(*spans[number])])
    xref = len(out)
    out += b"xref\n0 %d\n" % count
    for i, entry in enumerate(entries):
        out += b"%010d 00000 n \n" % moved[i] if i in moved else entry
    out += data[trailer_at : end.start()].strip() + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _fix_cmap(cmap: bytes, ideograph: Ideograph) -> bytes:
    text = cmap.decode("latin-1")
    mapping: dict[int, str] = {}
    for section in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            mapping[int(source, 16)] = target.upper()
    for section in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", section
        ):
            low, high = int(low, 16), int(high, 16)
            if target.startswith("["):
                for offset, value in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", target)):
                    mapping[low + offset] = value.upper()
            elif len(target) == 6:
                start = int(target[1:-1], 16)
                for offset in range(high - low + 1):
                    mapping[low + offset] = f"{start + offset:04X}"
            else:
                return cmap  # a form Qt does not write: leave the map alone
    changed = False
    for source, target in mapping.items():
        code = int(target, 16) if len(target) == 4 else None
        if code is not None and RADICALS[0] <= code <= RADICALS[1]:
            better = ideograph(code)
            if better:
                mapping[source], changed = f"{better:04X}", True
    if not changed:
        return cmap
    start = text.find("endcodespacerange")
    stop = text.find("endcmap")
    if start < 0 or stop < 0:
        return cmap
    start += len("endcodespacerange\n")
    items = sorted(mapping.items())
    chunks = []
    for i in range(0, len(items), 100):
        block = items[i : i + 100]
        chunks.append(f"{len(block)} beginbfchar\n" + "".join(f"<{s:04X}> <{t}>\n" for s, t in block) + "endbfchar\n")
    return (text[:start] + "".join(chunks) + text[stop:]).encode("latin-1")
