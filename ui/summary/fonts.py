"""The Chinese font to print with: the first installed family of `CJK_FAMILIES`, which Qt embeds in the PDF."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

#: Preferred Chinese families, best first (Linux, Windows, macOS names).
CJK_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "SimSun",
    "宋体",
    "NSimSun",
    "Microsoft YaHei",
    "微软雅黑",
    "SimHei",
    "黑体",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "Songti SC",
    "PingFang SC",
    "Heiti SC",
    "STSong",
)


def cjk_family() -> str | None:
    """The installed Chinese font family to print with, or None."""
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    for family in sorted(installed):  # any family that can write Simplified Chinese
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            return family
    return None


def print_font(family: str | None, points: float) -> QFont:
    """The font to print with. For the Chinese fonts of `CJK_FAMILIES` the OpenType feature
    `locl` is off: outside a Chinese locale it gives digits next to Latin letters ("000.json")
    glyphs that no character maps to, which a PDF reader then cannot copy or find. These fonts
    already draw Simplified Chinese forms without it."""
    font = QFont(family) if family else QFont()
    font.setPointSizeF(points)
    if family in CJK_FAMILIES:
        font.setFeature(QFont.Tag("locl"), 0)
    return font
