"""Checking a written 情况说明 against the tables: every statement tied to a table, or skipped and counted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from core.findings import Finding
from core.narrative.compare import (
    FindingSink,
    amount_verdict,
    amount_words,
    percent_text,
    percent_verdict,
    ratio,
)
from core.narrative.document import Section, sections
from core.narrative.extra import extra_amount
from core.narrative.figures import Figure, Figures, MissingTable, previous_figures
from core.narrative.form import nested
from core.narrative.statements import Sentence, Token, sentences
from core.narrative.vocabulary import DEFAULT_DENOMINATOR, DENOMINATORS, Subject, find_subject
from core.report import Report
from core.templates import TemplateSet

_UP, _DOWN = r"增加|增长|上升|提高", r"减少|下降|降低"
_CHANGE = re.compile(rf"({_UP}|{_DOWN})")
_LEFTOVER = re.compile(
    r"增加减少|减少增加|增长[（(]下降[)）]|下降[（(]增长[)）]|增加[（(]减少[)）]|减少[（(]增加[)）]"
    r"|增长（减少）|增加/减少|增长/下降|XX|××|＊＊"
)
_ITEM_PATH = re.compile(
    r"([^（()）。；，：\d]+?)[（(]类[)）]\s*([^（()）。；，：\d]+?)[（(]款[)）]\s*([^（()）。；，：\d]+?)[（(]项[)）]"
)
_COMPARE_WORDS = re.compile(
    r"决算数(?:比[^，。；]*?预算数?)?(大于|小于|等于|超过|低于|与[^，。；]*?预算数?基本持平|与[^，。；]*?预算数?持平)"
)
_BUDGET_ROLE = re.compile(r"(?<!一般公共)预算数?(?:为|是)?$")
_BUDGET_BASE = re.compile(r"[比较]\S*?预算")
_VALUE_ROLE = re.compile(r"(?:决算数?|支出)(?:为|是)?$")
_NEXT_ITEM = re.compile(r"(?<![\d.])\d{1,2}\s*[、.．][^。；，\d]*?[（(]类[)）]")
_SUB_OPENING = re.compile(r"\s*(?:含|其中|包括)")
_NONE_FUND = re.compile(r"无政府性基金预算财政拨款(?:收入)?(?:和|及)?(?:支出)?")
_NONE_CAPITAL = re.compile(r"无国有资本经营预算财政拨款(?:收入)?(?:和|及)?(?:支出)?")


@dataclass
class NarrativeCheck:
    """The findings of one 情况说明, with how many statements were checked and how many could not be tied."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    skipped: int = 0
    sections: list[str] = field(default_factory=list)


def check_narrative(
    report: Report, templates: TemplateSet, text: str, previous: Report | None = None, extra: dict | None = None
) -> NarrativeCheck:
    """Check every statement of the 情况说明 in `text` (a whole published document is fine); `extra` is by
    default the report's supplementary answers (`report.narrative`)."""
    if extra is None:
        extra = nested(report.narrative)
    figures = Figures(report, templates)
    before = previous_figures(previous, templates)
    result = NarrativeCheck()
    sink = FindingSink(report.amount_unit)
    for section in sections(text):
        result.sections.append(section.label)
        walker = _Walker(section, figures, before, extra, sink)
        walker.run()
        result.checked += walker.checked
        result.skipped += walker.skipped
    result.findings = sink.findings
    return result


@dataclass
class _Change:
    token: Token
    subject: Subject | None
    this: Figure | None
    sign: int
    base: int | None  # the base the percentage is over, when known
    base_known: bool  # the base is a table figure (not implied by the text)


class _Walker:
    """Goes through one section's sentences, tying each figure to the subject named before it."""

    def __init__(
        self, section: Section, figures: Figures, before: Figures | None, extra: dict | None, sink: FindingSink
    ):
        self.section, self.figures, self.before, self.extra, self.sink = section, figures, before, extra, sink
        self.topic = section.topic or ""
        self.label = section.label
        self.checked = 0
        self.used: set[int] = set()
        self.skipped = 0
        self.stated: dict[str, int] = {}  # subject key → this year's amount as the text states it

    # -- the walk -------------------------------------------------------------------------------
    def run(self) -> None:
        text = self.section.text
        for match in _LEFTOVER.finditer(text):
            self.sink.add(
                "情况说明.模板遗留",
                "warning",
                self.label,
                _around(text, match.start()),
                f"中有模板遗留文字“{match.group(0)}”，应改为实际情况",
                anchor=str(match.start()),
            )
        # A statement about a table the region's layout lacks is not checked (it counts as skipped).
        self._guarded(self._absent_tables, text)
        items = list(_ITEM_PATH.finditer(text)) if self.topic.startswith("一般公共预算") else []
        preamble = text[: items[0].start()] if items else text
        for sentence in sentences(preamble):
            self._guarded(self._sentence, sentence)
        for i, match in enumerate(items):
            end = items[i + 1].start() if i + 1 < len(items) else len(text)
            end = _item_end(text, match.end(), end)
            self._guarded(self._item, match, text[match.end() : end], match.end())
        if self.topic == "基本支出":
            self._guarded(self._lists, text)
        every = sum(len(s.tokens) for s in sentences(text))
        self.skipped += max(0, every - len(self.used) - self._counts(text))

    @staticmethod
    def _guarded(check, *args) -> None:
        try:
            check(*args)
        except MissingTable:
            pass

    def _counts(self, text: str) -> int:
        return 0

    def _sentence(self, sentence: Sentence, offset: int = 0, subject: Subject | None = None) -> None:
        current: tuple[Subject, Figure] | None = None
        if subject is not None:
            fig = subject.resolve(self.figures)
            current = (subject, fig) if fig else None
        last_amount: tuple[Token, int, Figure | None] | None = None  # token, value, table figure
        budget: tuple[Token, int] | None = None
        change: _Change | None = None
        for token in sentence.tokens:
            head = _clean(token.head)
            found = find_subject(head, self.topic) or self._named_row(head)
            if found is not None:
                fig = found.resolve(self.figures)
                current = (found, fig) if fig is not None else None
            key = token.start + offset
            if token.kind == "count":
                continue
            if found is None and _sub_amount(sentence, token):
                continue  # （含外宾接待支出 0.00 万元）: a part of the subject, not the subject itself
            if token.kind == "amount":
                if _CHANGE.search(head) and not _BUDGET_ROLE.search(head):
                    change = self._change_amount(sentence, token, head, current, budget, key)
                    continue
                if _BUDGET_ROLE.search(head):
                    budget = (token, int(token.value))
                    if current and current[0].sangong:
                        fig = self.figures.sangong(current[0].sangong, budget=True)
                        self._amount(sentence, token, fig, key, "预算数")
                    elif "年初预算" in head and current and current[0].key == "05.合计":
                        held = extra_amount(self.extra, "年初预算", "合计", unit=self.sink.unit)
                        if held is not None:
                            self._amount(sentence, token, Figure(held, (), "填报的年初预算"), key, "年初预算")
                    continue
                # Without its subject named just before it, a figure is the subject's only after 决算为/支出.
                if current is None or (found is None and not _VALUE_ROLE.search(head)):
                    last_amount = (token, int(token.value), None)
                    continue
                self.stated[current[0].key] = int(token.value)
                held = self._amount(sentence, token, current[1], key)
                last_amount = (token, int(token.value), current[1], held)
            elif token.kind == "percent":
                if "完成" in head and "预算" in head:
                    self._completion(sentence, token, current, budget, key)
                elif "占" in head:
                    self._share(sentence, token, head, last_amount, key)
                elif _CHANGE.search(head) and change is not None:
                    self._change_percent(sentence, token, change, key)

    def _named_row(self, head: str) -> Subject | None:
        """A 类 (or, among 项目支出, a 款/项) of 公开05 named just before the amount."""
        if not self.topic.startswith("一般公共预算"):
            return None
        name = re.sub(r"^[\d.、．)）(（]+", "", head)
        name = re.sub(r"[（(]类[)）]", "", name).replace("类支出", "支出")
        name = re.sub(r"(?:支出)?(?:决算)?(?:为|是)?$", "", name)
        if not name:
            return None
        code = self.figures.find_class(name)
        if code is not None:
            return Subject(re.compile("$^"), f"05.{code}", lambda f, c=code: f.row("公开05", c, 1))
        if self.topic in ("一般公共预算具体", "一般公共预算"):
            held = [
                c for c in self.figures.codes("公开05") if len(c) > 3 and self.figures.report.cells.get(f"公开05:{c}:3")
            ]
            named = [c for c in held if _bare(self.figures.row_name("公开05", c)) == _bare(name)]
            if len(named) == 1:
                code = named[0]
                return Subject(re.compile("$^"), f"05.{code}.项目", lambda f, c=code: f.row("公开05", c, 3))
        return None

    # -- single statements ----------------------------------------------------------------------
    def _amount(self, sentence: Sentence, token: Token, fig: Figure, key: int, what: str = "") -> bool:
        """Check one amount; True when it holds (within rounding)."""
        self.used.add(key)
        self.checked += 1
        verdict = amount_verdict(token, fig.value, fig.terms)
        if verdict.severity is None:
            return True
        note = f"（{verdict.note}）" if verdict.note else ""
        self.sink.add(
            "情况说明.金额",
            verdict.severity,
            self.label,
            sentence.text,
            f"写作 {token.text}，{fig.name}{what}为 {amount_words(fig.value, self.sink.unit)}{note}",
            expected=fig.value,
            actual=int(token.value),
            cells=fig.cells,
            anchor=str(key),
        )
        return verdict.severity != "error"

    def _share(self, sentence: Sentence, token: Token, head: str, last: tuple | None, key: int) -> None:
        if last is None:
            return
        resolver = next((r for p, r in DENOMINATORS if p.search(head)), DEFAULT_DENOMINATOR.get(self.topic))
        if resolver is None:
            return
        denominator = resolver(self.figures)
        if denominator is None:
            return
        stated_value, fig = last[1], last[2]
        numerator = fig.value if fig is not None else stated_value
        share = ratio(numerator, denominator.value)
        self.used.add(key)
        self.checked += 1
        if share is None:
            self._zero_base(sentence, token, denominator.name, key)
            return
        verdict = percent_verdict(token, share)
        if verdict.severity and fig is not None and not last[3]:
            # The amount was already wrong: a share that follows from the written amount says nothing new.
            if percent_verdict(token, ratio(stated_value, denominator.value)).severity is None:
                return
        if verdict.severity:
            part = fig.name if fig is not None else f"所写的 {last[0].text}"
            self.sink.add(
                "情况说明.占比",
                verdict.severity,
                self.label,
                sentence.text,
                f"写作占 {token.text}，按{part}占{denominator.name}计算为 {percent_text(share)}",
                expected=share,
                actual=Decimal(token.value),
                cells=(fig.cells if fig else ()) + denominator.cells,
                anchor=str(key),
            )

    def _completion(
        self, sentence: Sentence, token: Token, current: tuple | None, budget: tuple | None, key: int
    ) -> None:
        if current is None:
            return
        subject, actual = current
        source = "所写的年初预算"
        if subject.sangong:
            base = self.figures.sangong(subject.sangong, budget=True)
            base_value, source, cells = base.value, base.name, actual.cells + base.cells
        elif budget is not None:
            base_value, cells = budget[1], actual.cells
        else:
            return
        rate = ratio(actual.value, base_value)
        self.used.add(key)
        self.checked += 1
        if rate is None:
            self._zero_base(sentence, token, source, key)
            return
        verdict = percent_verdict(token, rate)
        if verdict.severity:
            # A rate over a budget only the text states cannot say which of the two is wrong.
            severity = verdict.severity if subject.sangong or verdict.severity == "rounding" else "warning"
            self.sink.add(
                "情况说明.完成预算",
                severity,
                self.label,
                sentence.text,
                f"写作完成预算的 {token.text}，按{actual.name} {amount_words(actual.value, self.sink.unit)}"
                f"与{source} {amount_words(base_value, self.sink.unit)}计算为 {percent_text(rate)}",
                expected=rate,
                actual=Decimal(token.value),
                cells=cells,
                anchor=str(key),
            )

    def _zero_base(self, sentence: Sentence, token: Token, base: str, key: int) -> None:
        self.sink.add(
            "情况说明.零基数",
            "warning",
            self.label,
            sentence.text,
            f"写作 {token.text}，但{base}为零，比率无从计算",
            actual=Decimal(token.value),
            anchor=str(key),
        )

    # -- 比上年 and 比预算 changes -------------------------------------------------------------
    def _change_amount(self, sentence, token, head, current, budget, key) -> _Change | None:
        words = _CHANGE.findall(head)
        sign = 1 if re.fullmatch(_UP, words[-1]) else -1
        subject = current[0] if current else None
        this = current[1] if current else None
        if this is None:
            return _Change(token, None, None, sign, None, False)
        stated = int(token.value)
        if _BUDGET_BASE.search(head):
            if subject and subject.sangong:
                base = self.figures.sangong(subject.sangong, budget=True)
                return self._check_change(sentence, token, this, base, sign, key, "预算数")
            return _Change(token, subject, this, sign, self._this_year(subject, this) - sign * stated, False)
        if self.before is not None and subject is not None:
            last = self._previous(subject)
            if last is not None:
                return self._check_change(sentence, token, this, last, sign, key, "上年决算数")
        return _Change(token, subject, this, sign, self._this_year(subject, this) - sign * stated, False)

    def _this_year(self, subject: Subject | None, this: Figure) -> int:
        """This year's figure as the text states it (the base it changed from is implied by it)."""
        return self.stated.get(subject.key, this.value) if subject is not None else this.value

    def _previous(self, subject: Subject) -> Figure | None:
        if subject.sangong:
            return self.before.sangong(subject.sangong, budget=False)
        return subject.resolve(self.before)

    def _check_change(self, sentence, token, this: Figure, base: Figure, sign: int, key: int, what: str) -> _Change:
        self.used.add(key)
        self.checked += 1
        actual_change = this.value - base.value
        stated = int(token.value)
        cells = this.cells + base.cells
        if actual_change * sign < 0 or (actual_change == 0 and stated):
            word = "持平" if actual_change == 0 else ("增加" if actual_change > 0 else "减少")
            self.sink.add(
                "情况说明.增减",
                "error",
                self.label,
                sentence.text,
                f"写作{'增加' if sign > 0 else '减少'} {token.text}，但{this.name}比{what}{word}"
                f" {amount_words(abs(actual_change), self.sink.unit)}",
                expected=actual_change,
                actual=sign * stated,
                cells=cells,
                anchor=str(key),
            )
        else:
            verdict = amount_verdict(token, abs(actual_change), this.terms + base.terms)
            if verdict.severity:
                self.sink.add(
                    "情况说明.增减",
                    verdict.severity,
                    self.label,
                    sentence.text,
                    f"写作增减 {token.text}，按{this.name}与{what}计算为 {amount_words(abs(actual_change), self.sink.unit)}",
                    expected=abs(actual_change),
                    actual=stated,
                    cells=cells,
                    anchor=str(key),
                )
        return _Change(token, None, this, sign, base.value, True)

    def _change_percent(self, sentence: Sentence, token: Token, change: _Change, key: int) -> None:
        if change.base is None:
            return
        self.used.add(key)
        self.checked += 1
        if change.base_known and change.this is not None:
            amount = abs(change.this.value - change.base)
        else:
            amount = int(change.token.value)
        rate = ratio(amount, change.base)
        if rate is None:
            self._zero_base(sentence, token, "比较的基数", key)
            return
        verdict = percent_verdict(token, rate)
        if verdict.severity is None:
            return
        if change.base_known:
            message = f"写作增减 {token.text}，按表中数计算为 {percent_text(rate)}"
            severity = verdict.severity
        else:
            message = (
                f"写作增减 {token.text}，按所写增减额 {change.token.text} 与基数"
                f" {amount_words(change.base, self.sink.unit)}（本年数减增减额）计算为 {percent_text(rate)}；"
                "增减额与增减率不一致，未提供上年报表，无法判断哪一个有误"
            )
            severity = "rounding" if verdict.severity == "rounding" else "warning"
        self.sink.add(
            "情况说明.增减率",
            severity,
            self.label,
            sentence.text,
            message,
            expected=rate,
            actual=Decimal(token.value),
            anchor=str(key),
        )

    # -- 类/款/项 paragraphs --------------------------------------------------------------------
    def _item(self, path: re.Match, body: str, offset: int) -> None:
        names = tuple(_clean(n).lstrip(".、．0123456789 ") for n in path.groups())
        code = self.figures.find_item(names)
        if code is None:
            return
        fig = self.figures.row("公开05", code, 1)
        actual_token, budget_value, budget_token = None, None, None
        if re.search(r"年初无预算|无年初预算", body):
            budget_value = 0
        for sentence in sentences(body):
            for token in sentence.tokens:
                head = _clean(token.head)
                key = token.start + offset
                if token.kind == "amount" and re.search(r"预算(?:数)?(?:为|是)$", head):
                    budget_value, budget_token = int(token.value), token
                    held = extra_amount(self.extra, "年初预算", code, unit=self.sink.unit)
                    if held is not None:
                        self._amount(sentence, token, Figure(held, (), f"填报的“{code}”年初预算"), key)
                elif token.kind == "amount" and _VALUE_ROLE.search(head):
                    actual_token = token
                    self._amount(sentence, token, fig, key)
                elif token.kind == "percent" and "完成" in head and budget_value is not None:
                    subject = Subject(re.compile("$^"), code, lambda f, c=code: f.row("公开05", c, 1))
                    self._completion(sentence, token, (subject, fig), (budget_token, budget_value), key)
            words = _COMPARE_WORDS.search(sentence.text)
            if words and budget_value is not None:
                self._compare_words(sentence, words.group(1), fig, budget_value, offset + sentence.start)
        del actual_token

    def _compare_words(self, sentence: Sentence, word: str, fig: Figure, budget: int, key: int) -> None:
        self.checked += 1
        relation = (fig.value > budget) - (fig.value < budget)
        said = 1 if word in ("大于", "超过") else -1 if word in ("小于", "低于") else 0
        if relation == said or (said == 0 and "基本持平" in word and abs(fig.value - budget) * 100 <= max(budget, 1)):
            return
        self.sink.add(
            "情况说明.比较",
            "error",
            self.label,
            sentence.text,
            f"写作决算数{word}年初预算数，但{fig.name} {amount_words(fig.value, self.sink.unit)}"
            f"，所写年初预算 {amount_words(budget, self.sink.unit)}",
            expected=budget,
            actual=fig.value,
            cells=fig.cells,
            anchor=f"比较{key}",
        )

    # -- tables said to be empty, and item lists ------------------------------------------------
    def _absent_tables(self, text: str) -> None:
        for pattern, table_id in ((_NONE_FUND, "公开07"), (_NONE_CAPITAL, "公开08")):
            match = pattern.search(text)
            if not match:
                continue
            self.checked += 1
            if self.figures.has(table_id):
                table = self.figures.table(table_id)
                self.sink.add(
                    "情况说明.无数据",
                    "error",
                    self.label,
                    _around(text, match.start()),
                    f"说本年无此项收支，但{table.printed}{table.title}有数",
                    cells=(f"{table_id}:合计:1",),
                    anchor=table_id,
                )

    def _lists(self, text: str) -> None:
        panels = self.figures.basic_panels()
        for match in re.finditer(r"主要包括[：:](.+?)(?:[。；;]|$)", text):
            before = text[: match.start()]
            panel = max(("人员经费", "公用经费"), key=lambda p: before.rfind(p))
            codes = panels.get(panel, ())
            for name in re.split(r"[、，,]", match.group(1)):
                name = _clean(name).removesuffix("等").strip()
                code = self.figures.economic_code(name, codes)
                if code is None or not name:
                    continue
                self.checked += 1
                if not self.figures.report.cells.get(f"公开06:{code}:1"):
                    self.sink.add(
                        "情况说明.明细",
                        "error",
                        self.label,
                        _around(text, match.start()),
                        f"列出“{name}”为{panel}的主要内容，但公开06表“{code} {name}”无数",
                        expected=0,
                        cells=(f"公开06:{code}:1",),
                        anchor=f"{panel}{code}",
                    )


def _item_end(text: str, start: int, end: int) -> int:
    """Where the paragraph of one 类/款/项 path ends: at the next path, or earlier where another one begins
    whose name the PDF extraction broke (its （项） moved past its figures), so its figures are not this one's."""
    begun = _NEXT_ITEM.search(text, start, end)
    return begun.start() if begun else end


def _sub_amount(sentence: Sentence, token: Token) -> bool:
    """The amount stands in brackets that give a part of what precedes them: （含…）, （其中：…）, （包括…）."""
    inside = sentence.text[: token.start - sentence.start]
    opened = max(inside.rfind("（"), inside.rfind("("))
    if opened < 0 or max(inside.rfind("）"), inside.rfind(")")) > opened:
        return False
    return bool(_SUB_OPENING.match(inside, opened + 1))


def _bare(name: str) -> str:
    return _clean(name).removesuffix("支出")


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text).replace('"', "")


def _around(text: str, position: int) -> str:
    start = max(text.rfind("。", 0, position) + 1, 0)
    end = text.find("。", position)
    return text[start : end + 1 if end >= 0 else len(text)]
