"""The pieces every region's drafted 情况说明 is made of: runs of text, marked blanks, sections, and the phrases."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.money import format_amount
from core.narrative.compare import ratio
from core.narrative.extra import extra_text
from core.narrative.figures import Figure, Figures, previous_figures
from core.narrative.statements import round_half_up
from core.report import Report
from core.templates import TemplateSet

BLANK_MARK = "【待填写：{}】"


@dataclass(frozen=True)
class Run:
    text: str
    blank: bool = False  # a visibly marked blank the user still has to fill


@dataclass
class DraftSection:
    heading: str
    paragraphs: list[list[Run]] = field(default_factory=list)
    level: int = 1  # 1: 一、…; 2: （一）…


@dataclass
class NarrativeDraft:
    title: str
    sections: list[DraftSection] = field(default_factory=list)

    def text(self) -> str:
        """Plain text, as the check reads a written 情况说明."""
        lines = [self.title]
        for section in self.sections:
            lines.append(section.heading)
            lines.extend("".join(r.text for r in p) for p in section.paragraphs)
        return "\n".join(lines) + "\n"

    @property
    def blanks(self) -> int:
        return sum(r.blank for s in self.sections for p in s.paragraphs for r in p)


_NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    return "十" + _NUMERALS[n - 11]


def percent(value: Decimal | None, decimals: int | None = None) -> str:
    """One decimal, as the seeds print shares and rates (two for shares below 0.1 %), or `decimals`."""
    if value is None:
        return ""
    if decimals is None:
        decimals = 2 if 0 < abs(value) < Decimal("0.1") else 1
    return f"{round_half_up(value, decimals):f}%"


class Writer:
    """What every region's draft needs: the figures, last year's, the answers, and its phrases."""

    def __init__(self, report: Report, templates: TemplateSet, previous: Report | None, extra: dict | None):
        self.report, self.extra = report, extra or {}
        self.f = Figures(report, templates)
        self.p = previous_figures(previous, templates)
        self.year, self.unit = report.year, report.amount_unit
        self.decimals: int | None = None  # of shares and rates; None: as the Wuhan seeds print them
        self.thousands = True  # 1,234.56万元 as the Wuhan seeds print amounts; Shanghai prints 1234.56万元
        self.draft = NarrativeDraft(f"第三部分 {report.unit_name}{report.year}年度部门决算情况说明")

    # -- phrases ---------------------------------------------------------------------------------
    def amount(self, fen: int) -> str:
        text = format_amount(fen, self.unit)
        return f"{text if self.thousands else text.replace(',', '')}{self.unit}"

    def blank(self, what: str) -> Run:
        return Run(BLANK_MARK.format(what), blank=True)

    def share(self, part: int, whole: int) -> str:
        return percent(ratio(part, whole), self.decimals) or "0%"

    def change(self, this: Figure | None, resolve, words: tuple[str, str] = ("增加", "减少")) -> list[Run]:
        """增加/减少 X 万元，增长/下降 Y%, or 持平, from last year's report; a blank without one."""
        if this is None:
            return [self.blank("增减情况")]
        before = resolve(self.p) if self.p is not None else None
        if before is None:
            return [self.blank(f"与上年相比的增减（未提供{self.year - 1}年度报表）")]
        diff = this.value - before.value
        if diff == 0:
            return [Run("持平")]
        up = diff > 0
        text = f"{words[0] if up else words[1]}{self.amount(abs(diff))}"
        rate = ratio(abs(diff), before.value)
        if rate is not None:
            text += f"，{'增长' if up else '下降'}{percent(rate, self.decimals)}"
        return [Run(text)]

    def reason(self, key: str) -> Run:
        text = extra_text(self.extra, "原因", key)
        return Run(text) if text else self.blank("主要原因")

    def section(self, title: str, level: int = 1) -> DraftSection:
        number = sum(1 for s in self.draft.sections if s.level == 1) + (1 if level == 1 else 0)
        if level == 1:
            heading = f"{_numeral(number)}、{title}"
        else:
            sub = 1
            for s in reversed(self.draft.sections):
                if s.level == 1:
                    break
                sub += 1
            heading = f"（{_numeral(sub)}）{title}"
        section = DraftSection(heading, level=level)
        self.draft.sections.append(section)
        return section
