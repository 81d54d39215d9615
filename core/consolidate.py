"""汇总: the units' reports summed exactly, plus adjustment entries, audited and kept up to date edit by edit.

A consolidated cell is the sum, in integer 分, of every unit's filled value of that cell plus the
adjustments (调整) that reach it; a cell no unit fills and no adjustment reaches stays blank. The
self-evaluation tables are not summed. The consolidation is audited by an ordinary `Checker` over the
sums; a difference the units' own rounding can explain (0.005 万元 per filled cell in every unit) is a
尾差 there too, since each unit rounded its figures to the printed digit on its own.

The adjustment file (`juesuan-adjust/1`)::

    {"format": "juesuan-adjust/1", "year": 2023, "amount_unit": "万元",
     "entries": [{"cell": "公开01:4:1", "amount": "-120.00", "totals": true,
                  "note": "上级补助收入与对附属单位补助支出抵销"}, …]}

Each entry adds a signed amount to one cell, with a note saying why. `"totals": true` also adds it to every
total of the same table that adds that cell up (as 编辑 → 按公式填充 would compute them), so an offset of
上级补助收入 against 对附属单位补助支出 is four entries: 公开01 第4行, the 项 of 公开02 第3栏, the 项 of
公开03 第6栏 and the 公开01 expense line of that 类. `year` and `amount_unit` are optional (amounts are
read in `amount_unit`, default 万元; a `year` that differs from the consolidation's is refused).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.audit import Change, Checker, compose
from core.catalogue import load_catalogue, same_name
from core.findings import Finding, sort_key
from core.money import AmountError, amount_text, parse_amount, unit_fen
from core.report import AddressError, Report, parse_address, parse_row_key
from core.reportfile import ReportFileError
from core.templates import TemplateError, TemplateSet, load_template_set

ADJUST_FORMAT = "juesuan-adjust/1"
#: Added to the message of a finding that only the units' accumulated rounding explains.
ACCUMULATED_ROUNDING = "（在各单位尾数误差累计范围内）"


class ConsolidationError(ReportFileError):
    """Reports that cannot be consolidated, or an adjustment file that cannot be read; the message is Chinese."""


@dataclass(frozen=True)
class Adjustment:
    """One 调整 entry: a signed amount in 分 on one cell, why, and whether the table's totals follow it."""

    cell: str
    amount: int
    note: str
    totals: bool = False


# -- the adjustment file ------------------------------------------------------------------------


def adjustments_from_dict(data: Any, templates: TemplateSet, source: str = "调整文件") -> list[Adjustment]:
    """Validate a decoded adjustment file against the year's layout; every problem is named at once."""
    if not isinstance(data, dict) or data.get("format") != ADJUST_FORMAT:
        raise ConsolidationError(f"{source}：应为调整文件（format 为“{ADJUST_FORMAT}”）")
    year = data.get("year")
    if year is not None and year != templates.year:
        raise ConsolidationError(f"{source}：调整文件的年度为 {year}，与汇总的 {templates.year} 年度不符")
    unit = data.get("amount_unit", "万元")
    if unit not in ("万元", "元"):
        raise ConsolidationError(f"{source}：amount_unit 应为“万元”或“元”，实为“{unit}”")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ConsolidationError(f"{source}：entries 应为调整条目的列表")
    problems, result = [], []
    for number, entry in enumerate(entries, start=1):
        where = f"第{number}条"
        if not isinstance(entry, dict):
            problems.append(f"{where}应为对象")
            continue
        try:
            cell = str(parse_address(entry.get("cell", ""), templates))
            text = entry.get("amount")
            if not isinstance(text, str):
                raise AmountError(f'金额应写成字符串，如 "-120.00"，实为 {json.dumps(text, ensure_ascii=False)}')
            amount = parse_amount(text, unit)
            if amount is None:
                raise AmountError("缺少金额")
        except (AddressError, AmountError) as exc:
            problems.append(f"{where}：{exc}")
            continue
        note = entry.get("note")
        if not isinstance(note, str) or not note.strip():
            problems.append(f"{where}（{cell}）：缺少调整说明（note）")
            continue
        result.append(Adjustment(cell, amount, note.strip(), entry.get("totals") is True))
    if problems:
        raise ConsolidationError(f"{source}：有 {len(problems)} 处无法读取：" + "；".join(problems[:5]))
    spread(result, templates)  # refuses `totals` on a cell that is itself a total
    return result


def read_adjustments(path: str | Path, templates: TemplateSet) -> list[Adjustment]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConsolidationError(f"无法读取调整文件“{path.name}”：{exc}") from None
    return adjustments_from_dict(data, templates, source=path.name)


def adjustments_to_dict(adjustments: Iterable[Adjustment], year: int, amount_unit: str = "万元") -> dict[str, Any]:
    entries = []
    for entry in adjustments:
        item: dict[str, Any] = {
            "cell": entry.cell,
            "amount": amount_text(entry.amount, amount_unit),
            "note": entry.note,
        }
        if entry.totals:
            item["totals"] = True
        entries.append(item)
    return {"format": ADJUST_FORMAT, "year": year, "amount_unit": amount_unit, "entries": entries}


def spread(adjustments: Sequence[Adjustment], templates: TemplateSet) -> dict[str, list[tuple[int, int]]]:
    """Where each entry lands: address → [(entry position, amount)], totals followed for `totals` entries."""
    landing: dict[str, list[tuple[int, int]]] = {}
    for position, entry in enumerate(adjustments):
        landing.setdefault(entry.cell, []).append((position, entry.amount))
        if not entry.totals:
            continue
        # The table's own identities on a report holding only this entry give exactly the totals it reaches.
        scratch = Checker(templates, Report("调整", templates.year, cells={entry.cell: entry.amount}))
        if scratch.formula(entry.cell) is not None:
            raise ConsolidationError(
                f"调整条目“{entry.cell}”本身是合计数，不能加 totals（totals 只用于明细单元格，其上的合计随之调整）"
            )
        for address, amount in scratch.formulas_for_table(entry.cell.split(":")[0]).items():
            if amount:
                landing.setdefault(address, []).append((position, amount))
    return landing


# -- which reports may be consolidated -----------------------------------------------------------


def check_compatible(reports: Sequence[Report], sources: Sequence[str] | None = None) -> TemplateSet:
    """The layout all the reports share; refused (naming the file or unit) if year, region or unit differ."""
    if not reports:
        raise ConsolidationError("没有可汇总的单位报表")
    names = list(sources) if sources is not None else [f"“{r.unit_name}”" for r in reports]
    first = reports[0]
    seen: dict[str, str] = {}
    for report, name in zip(reports, names, strict=True):
        for what, mine, theirs in (
            ("年度", report.year, first.year),
            ("地区（表式）", report.region, first.region),
            ("金额单位", report.amount_unit, first.amount_unit),
        ):
            if mine != theirs:
                raise ConsolidationError(
                    f"{name}的{what}为“{mine or '未写明'}”，与{names[0]}的“{theirs or '未写明'}”不同，不能汇总"
                )
        if report.unit_name in seen:
            raise ConsolidationError(f"{name}与{seen[report.unit_name]}是同一单位“{report.unit_name}”，不能重复汇总")
        seen[report.unit_name] = name
    try:
        return load_template_set(first.year, first.region)
    except TemplateError as exc:
        raise ConsolidationError(str(exc)) from None


# -- the consolidation --------------------------------------------------------------------------


class Consolidation:
    """Every unit's contribution to every cell, the adjustments, and a Checker over the sums.

    `set(unit, address, value)` is a unit's edit: the consolidated cell moves by the difference and only the
    checks that read it are re-evaluated; the returned Change names the consolidated findings that changed.
    """

    def __init__(
        self,
        unit_name: str,
        reports: Sequence[Report],
        adjustments: Sequence[Adjustment] = (),
        templates: TemplateSet | None = None,
        sources: Sequence[str] | None = None,
    ):
        shared = check_compatible(reports, sources)
        self.templates = templates or shared
        self.unit_name, self.year, self.amount_unit = unit_name, reports[0].year, reports[0].amount_unit
        self.units: list[str] = [r.unit_name for r in reports]
        self._order = {name: i for i, name in enumerate(self.units)}
        self._tolerance = unit_fen(self.amount_unit) // 200
        self._parts: dict[str, dict[str, int]] = {}
        self._unit_labels: dict[str, dict[str, str]] = {}
        for report in reports:
            for text, value in report.cells.items():
                address = str(parse_address(text, self.templates))
                self._parts.setdefault(address, {})[report.unit_name] = value
            self._unit_labels[report.unit_name] = {
                ":".join(parse_row_key(k, self.templates)): v for k, v in report.labels.items() if v and v.strip()
            }
        self.adjustments: tuple[Adjustment, ...] = tuple(adjustments)
        self._landing = spread(self.adjustments, self.templates)
        cells = {a: v for a in self._parts.keys() | self._landing.keys() if (v := self._total(a)) is not None}
        labels = {k: label for k in self._label_keys() if (label := self._merged_label(k)[0])}
        self.checker = Checker(
            self.templates, Report(unit_name, self.year, self.amount_unit, cells=cells, labels=labels)
        )
        self._raw: dict[str, Finding] = {}
        self._shown: dict[str, Finding] = {}
        self._by_cell: dict[str, set[str]] = {}
        self._absorb(Change(frozenset(), tuple(self.checker.findings()), ()), ())

    # -- reading ---------------------------------------------------------------------------

    def value(self, address: str) -> int | None:
        return self.checker.values.get(address)

    def findings(self) -> list[Finding]:
        """The consolidation's findings in table order, errors first."""
        return sorted(self._shown.values(), key=sort_key(self.templates))

    def breakdown(self, address: str) -> list[tuple[str, int]]:
        """Each unit that fills the cell with its amount, in the units' order (adjustments: `adjustments_at`)."""
        parts = self._parts.get(address, {})
        return sorted(parts.items(), key=lambda item: self._order[item[0]])

    def adjustments_at(self, address: str) -> list[tuple[Adjustment, int]]:
        """The adjustment entries that reach this cell, with what each adds to it."""
        return [(self.adjustments[position], amount) for position, amount in self._landing.get(address, ())]

    def contributors(self, finding: Finding) -> list[str]:
        """The units whose figures (or row names) a finding reads, in the units' order."""
        found: set[str] = set()
        for cell in finding.cells:
            parts = cell.split(":")
            if len(parts) == 3:
                found.update(self._parts.get(cell, ()))
                continue
            if len(parts) != 2 or parts[0] not in self.templates.tables:
                continue
            table = self.templates.table(parts[0])
            if not table.is_row(parts[1]):
                continue
            for col in table.row_columns(parts[1]):
                found.update(self._parts.get(f"{cell}:{col}", ()))
            found.update(u for u, labels in self._unit_labels.items() if cell in labels)
        return sorted(found, key=self._order.__getitem__)

    def notes(self) -> list[str]:
        """Row names the units disagree on, and which name the consolidation kept."""
        return [note for key in sorted(self._label_keys()) if (note := self._merged_label(key)[1])]

    def report(self) -> Report:
        """The consolidated report (no self-evaluation tables: they are not summed)."""
        checker = self.checker
        return Report(
            self.unit_name,
            self.year,
            self.amount_unit,
            cells=dict(checker.values),
            labels=dict(checker.labels),
            region=self.templates.region,
        )

    # -- a unit's edits ----------------------------------------------------------------------

    def set(self, unit: str, address: str, value: int | None) -> Change:
        """A unit's cell got a new value (None: cleared); returns what changed in the consolidation."""
        if unit not in self._order:
            raise ConsolidationError(f"“{unit}”不在“{self.unit_name}”的汇总范围内")
        address = str(parse_address(address, self.templates))
        parts = self._parts.setdefault(address, {})
        if parts.get(unit) == value:  # a blank cell is never stored, so None == None means unchanged
            return Change(frozenset(), (), ())
        if value is None:
            parts.pop(unit, None)
        else:
            parts[unit] = value
        if not parts:
            del self._parts[address]
        change = self.checker.set(address, self._total(address))
        table, row, _ = address.split(":")
        if self._row_is_empty(table, row):
            change = compose([change, self.checker.remove_row(table, row)])
        return self._absorb(change, (address,))

    def set_label(self, unit: str, table: str, row: str, label: str | None) -> Change:
        """A unit renamed a row (None or blank: removed its name)."""
        table, row = parse_row_key(f"{table}:{row}", self.templates)
        key = f"{table}:{row}"
        labels = self._unit_labels.setdefault(unit, {})
        label = (label or "").strip() or None
        if labels.get(key) == label:
            return Change(frozenset(), (), ())
        if label is None:
            labels.pop(key, None)
        else:
            labels[key] = label
        change = self.checker.set_label(table, row, self._merged_label(key)[0])
        if self._row_is_empty(table, row):
            change = compose([change, self.checker.remove_row(table, row)])
        return self._absorb(change, ())

    # -- inside ------------------------------------------------------------------------------

    def _total(self, address: str) -> int | None:
        parts, landing = self._parts.get(address), self._landing.get(address)
        if not parts and not landing:
            return None
        return sum(parts.values() if parts else ()) + sum(amount for _, amount in landing or ())

    def _row_is_empty(self, table_id: str, row: str) -> bool:
        table = self.templates.table(table_id)
        if table.kind != "classification" or row in table.fixed_rows:
            return False
        if any(f"{table_id}:{row}:{col}" in self.checker.values for col in table.row_columns(row)):
            return False
        return self.checker.labels.get(f"{table_id}:{row}") is None

    def _label_keys(self) -> set[str]:
        return set().union(*(labels.keys() for labels in self._unit_labels.values()))

    def _merged_label(self, key: str) -> tuple[str | None, str | None]:
        """The consolidated row name and, if the units disagree, a note saying which name was kept."""
        named = [(u, labels[key]) for u, labels in self._unit_labels.items() if key in labels]
        if not named:
            return None, None
        named.sort(key=lambda item: self._order.get(item[0], len(self._order)))
        distinct: dict[str, str] = {}
        for unit, label in named:
            if not any(same_name(label, seen) for seen in distinct):
                distinct[label] = unit
        if len(distinct) == 1:
            return named[0][1], None
        table_id, row = key.split(":")
        table = self.templates.table(table_id)
        official = load_catalogue(table.catalogue, table.year, table.region).get(row) if table.catalogue else None
        kept = official if official else named[0][1]
        why = "科目目录的名称" if official else f"“{named[0][0]}”的名称"
        listed = "，".join(f"{unit}为“{label}”" for label, unit in distinct.items())
        return kept, f"{table.printed}“{row}”行名称各单位不一致（{listed}），汇总表采用{why}“{kept}”"

    def _absorb(self, change: Change, edited: Iterable[str]) -> Change:
        """Take the checker's Change, reclassify what the units' rounding explains, return what the user sees."""
        appeared: list[Finding] = []
        disappeared: list[Finding] = []
        for finding in change.disappeared:
            key = _key(finding)
            self._raw.pop(key, None)
            shown = self._shown.pop(key, None)
            if shown is not None:
                disappeared.append(shown)
                for cell in finding.cells:
                    self._by_cell.get(cell, set()).discard(key)
        fresh = set()
        for finding in change.appeared:
            key = _key(finding)
            fresh.add(key)
            self._raw[key] = finding
            self._shown[key] = shown = self._classify(finding)
            appeared.append(shown)
            for cell in finding.cells:
                self._by_cell.setdefault(cell, set()).add(key)
        # An edit can change how many units fill a cell without changing a sum: re-weigh what reads it.
        for address in edited:
            for key in self._by_cell.get(address, set()) - fresh:
                before, after = self._shown[key], self._classify(self._raw[key])
                if before != after:
                    self._shown[key] = after
                    disappeared.append(before)
                    appeared.append(after)
        return compose([Change(change.cells, (), tuple(disappeared)), Change(frozenset(), tuple(appeared), ())])

    def _classify(self, finding: Finding) -> Finding:
        if finding.severity == "rounding" or not isinstance(finding.diff, int):
            return finding
        filled = sum(len(self._parts.get(cell, ())) for cell in finding.cells)
        if abs(finding.diff) > filled * self._tolerance:
            return finding
        return replace(finding, severity="rounding", message=finding.message + ACCUMULATED_ROUNDING)


def _key(finding: Finding) -> str:
    return finding.key or f"{finding.rule}|{'|'.join(finding.cells)}"


def consolidate(
    unit_name: str,
    reports: Sequence[Report],
    adjustments: Sequence[Adjustment] = (),
    sources: Sequence[str] | None = None,
) -> Consolidation:
    """The department's 汇总 of its units' reports, with its adjustments."""
    return Consolidation(unit_name, reports, adjustments, sources=sources)


def scaled(report: Report, factor: int, unit_name: str | None = None) -> Report:
    """A report with every amount multiplied by `factor` (for synthetic departments in tests and benchmarks)."""
    return Report(
        unit_name or report.unit_name,
        report.year,
        report.amount_unit,
        cells={a: v * factor for a, v in report.cells.items()},
        labels=dict(report.labels),
        region=report.region,
    )
