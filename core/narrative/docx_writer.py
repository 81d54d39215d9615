"""Writing a drafted 情况说明 as .docx, with the East Asian fonts Word and WPS need to show Chinese."""

from __future__ import annotations

from pathlib import Path

from core.atomic import write_atomically
from core.narrative.draft import NarrativeDraft

#: Fonts every Chinese Windows has; 仿宋_GB2312 (the 公文 font) is often missing, and Word then falls back
#: to a font without Chinese glyphs unless w:eastAsia names one it has.
BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "宋体"
LATIN_FONT = "Times New Roman"


def _set_fonts(run_or_style, east_asian: str) -> None:
    from docx.oxml.ns import qn

    font = run_or_style.font
    font.name = LATIN_FONT
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def write_docx(draft: NarrativeDraft, path: str | Path) -> None:
    """Save `draft` as a Word document: A4, 三号 body with first-line indent, blanks highlighted yellow."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    _set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(16)
    normal.paragraph_format.line_spacing = Pt(28)
    document.core_properties.title = draft.title
    # Declare the document's language as Chinese so WPS and Word pick Chinese line breaking.
    lang = normal.element.get_or_add_rPr().makeelement(qn("w:lang"), {qn("w:eastAsia"): "zh-CN"})
    normal.element.get_or_add_rPr().append(lang)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(draft.title)
    _set_fonts(run, TITLE_FONT)
    run.font.size, run.font.bold = Pt(22), True
    for part in draft.sections:
        heading = document.add_paragraph()
        heading.paragraph_format.first_line_indent = Pt(32)
        run = heading.add_run(part.heading)
        _set_fonts(run, HEADING_FONT if part.level == 1 else BODY_FONT)
        run.font.bold = part.level == 2
        for runs in part.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            for piece in runs:
                if not piece.text:
                    continue
                run = paragraph.add_run(piece.text)
                _set_fonts(run, BODY_FONT)
                if piece.blank:
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    write_atomically(path, lambda temporary: document.save(str(temporary)))  # a half-written .docx never stays
