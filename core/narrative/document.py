"""Reading a written 情况说明: the text of a .txt/.docx, 第三部分, and its numbered sections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: Section topics, found by the words of a heading (regions number them differently: Shanghai's 三公 is 七).
TOPICS: tuple[tuple[str, str], ...] = (
    ("财政拨款收入支出决算总体", "财政拨款总体"),
    ("收入支出决算总体", "总体"),
    ("收入决算", "收入"),
    ("一般公共预算财政拨款基本支出", "基本支出"),
    ("一般公共预算财政拨款支出决算总体", "一般公共预算总体"),
    ("一般公共预算财政拨款支出决算结构", "一般公共预算结构"),
    ("一般公共预算财政拨款支出决算具体", "一般公共预算具体"),
    ("一般公共预算财政拨款支出", "一般公共预算"),
    ("政府性基金", "政府性基金"),
    ("国有资本经营", "国有资本经营"),
    ("三公", "三公"),
    ("机关运行经费", "机关运行经费"),
    ("政府采购", "政府采购"),
    ("国有资产", "国有资产"),
    ("绩效", "绩效"),
    ("其他重要事项", "其他"),
    ("支出决算情况", "支出"),
)

_NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(rf"^[#*\s\-]*(?P<num>[{_NUMERALS}]{{1,3}})\s*[、.．]\s*(?P<title>[^。]{{2,40}}?)[*\s。]*$")
_SUBHEADING = re.compile(
    rf"^[#*\s\-]*[（(]\s*(?P<num>[{_NUMERALS}]{{1,3}})\s*[)）]\s*(?P<title>[^。]{{2,40}}?)[*\s。]*$"
)
_PAGE_NUMBER = re.compile(r"^\s*[-—]?\s*\d{1,3}\s*[-—]?\s*$")
_CAPTION = re.compile(r"^\s*图\s*\d+\s*[:：]")


class DocumentError(ValueError):
    """A document that cannot be read as a 情况说明; the message is in Chinese."""


@dataclass(frozen=True)
class Section:
    """One numbered part of 第三部分, or one (一)(二) subsection of it, as one run of text."""

    label: str  # 五 or 五(二), as findings name it
    title: str
    topic: str | None
    text: str  # the body with the line breaks of the page layout removed


def read_document(path: str | Path) -> str:
    """The text of a .txt (UTF-8, or GB18030 as Chinese Windows saves it) or .docx document."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".docx":
            return _docx_text(path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"找不到文件“{path}”") from None
    except IsADirectoryError:
        raise DocumentError(f"“{path}”是文件夹，不是文档") from None
    except OSError as exc:
        raise DocumentError(f"无法读取“{path}”：{exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"“{path.name}”不是 UTF-8 或 GB18030 编码的文本文件")


def _docx_text(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not path.exists():
        raise FileNotFoundError(path)  # said as 找不到文件 by read_document
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise DocumentError(f"“{path.name}”不是有效的 Word 文档（.docx）：{exc}") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def part_three(text: str) -> str:
    """第三部分 of a whole published document (or the text itself when it has no parts).

    A table of contents names 第三部分 too, so the part taken is the longest run from a 第三部分 line
    to the next 第四部分 (or the end).
    """
    starts = [m.start() for m in re.finditer(r"第三部分", text)]
    if not starts:
        return text
    best = ""
    for start in starts:
        end_match = re.compile(r"第[四五六]部分").search(text, start)
        body = text[start : end_match.start() if end_match else len(text)]
        if len(body) > len(best):
            best = body
    return best


def topic_of(title: str) -> str | None:
    compact = re.sub(r"\s+", "", title)
    for words, topic in TOPICS:
        if words in compact:
            return topic
    return None


def sections(text: str) -> list[Section]:
    """The numbered sections of 第三部分 and their subsections, each with its text joined into one run."""
    found: list[tuple[str, str, str | None, list[str]]] = []
    main_label, main_topic = "", None
    for line in part_three(text).splitlines():
        if _PAGE_NUMBER.match(line) or _CAPTION.match(line):
            continue
        heading = _HEADING.match(line)
        if heading and topic_of(heading["title"]) is not None:
            main_label, main_topic = heading["num"], topic_of(heading["title"])
            found.append((main_label, heading["title"].strip(), main_topic, []))
            continue
        sub = _SUBHEADING.match(line)
        if sub and main_label and "，" not in sub["title"] and len(sub["title"]) <= 30:
            topic = topic_of(sub["title"]) or main_topic
            found.append((f"{main_label}({sub['num']})", sub["title"].strip(), topic, []))
            continue
        if found:
            found[-1][3].append(line)
    return [Section(label, title, topic, join_lines(lines)) for label, title, topic, lines in found]


def join_lines(lines: list[str]) -> str:
    """One run of text: PDF line breaks fall inside words and numbers, so lines are joined without a space."""
    parts = []
    for line in lines:
        stripped = line.strip().strip("*").strip()
        stripped = re.sub(r"^#+\s*", "", stripped)
        stripped = re.sub(r"</?b>", "", stripped)
        if stripped:
            parts.append(stripped)
    return "".join(parts)
