"""One open report: its checker and its database row, kept together by operations that return OpChanges."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.changes import OpChanges
from app.errors import OperationFailed, failing_as_operation
from core.audit import Change, Checker, compose
from core.catalogue import KINDS as CATALOGUE_KINDS
from core.catalogue import addition_problem
from core.findings import Finding, worst
from core.report import Report, parse_address
from core.selfeval import SelfEvaluation, selfevaluations
from core.status import STATUS_LOCKED
from core.templates import TemplateSet
from db import repository
from db.database import Database


@dataclass(frozen=True)
class Step:
    """The data of one undoable operation: the state it replaced and the state it made.

    Applying `before` undoes it; applying `after` redoes it. A self-evaluation step keeps only the
    tables it changed, by position.
    """

    text: str
    values_before: Mapping[str, int | None] = field(default_factory=dict)
    values_after: Mapping[str, int | None] = field(default_factory=dict)
    labels_before: Mapping[str, str | None] = field(default_factory=dict)
    labels_after: Mapping[str, str | None] = field(default_factory=dict)
    removed_row: tuple[str, str] | None = None
    #: Classification rows the operation brought into their tables: undoing takes them out again.
    added_rows: tuple[tuple[str, str], ...] = ()
    selfeval_before: tuple[dict[str, Any], ...] | None = None
    selfeval_after: tuple[dict[str, Any], ...] | None = None
    #: A code added to the report's catalogue: (kind, code, name or None) before and after.
    catalogue_before: tuple[str, str, str | None] | None = None
    catalogue_after: tuple[str, str, str | None] | None = None
    #: The 情况说明's supplementary answers the step changed (key → text, None blank).
    narrative_before: Mapping[str, str | None] | None = None
    narrative_after: Mapping[str, str | None] | None = None


@dataclass(frozen=True)
class Outcome:
    """What an operation did (`changes`) and how to take it back (`step`, None when nothing changed)."""

    changes: OpChanges
    step: Step | None = None


NOTHING_DONE = Outcome(OpChanges())


class ReportSession:
    """Every change goes to the database first (one transaction, on disk), then to the checker.

    If the database refuses, nothing else changes: the checker, the explanations and the caller's undo
    history stay as they were, and OperationFailed says why.
    """

    def __init__(self, db: Database, report_id: int, templates_for: Callable[[int, str], TemplateSet]):
        self.db, self.report_id = db, report_id
        with failing_as_operation():
            self.info = repository.report_info(self.db, self.report_id)
            report = repository.load_report(self.db, self.report_id)
        self.templates = templates_for(report.year, report.region)
        self._previous: list[Report | None] = []
        # Last year's report, if held, for the cross-year identities (年初 = 上年年末).
        self.checker = Checker(self.templates, report, self.previous())
        self.unit_code = report.unit_code
        self.variants = dict(report.variants)  # table id → the layout variant it prints
        #: The 情况说明's supplementary answers (core.narrative.form keys → text), as stored.
        self.narrative: dict[str, str] = dict(report.narrative)
        with failing_as_operation():
            self.explanations = repository.explanations(self.db, self.report_id)
        self.by_cell: dict[str, dict[str, Finding]] = {}
        #: Findings of the written 情况说明 checked in this session (`check_narrative`), shown with the rest.
        self.narrative_findings: list[Finding] = []
        self.narrative_counts: tuple[int, int] | None = None  # statements checked, skipped
        self._index(Change(frozenset(), tuple(self.checker.findings()), ()))

    # -- reading ---------------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.info.status == STATUS_LOCKED

    @property
    def read_only(self) -> bool:
        return self.db.read_only or self.locked

    @property
    def read_only_reason(self) -> str | None:
        """Why nothing can be changed, in Chinese (None when it can)."""
        if self.db.read_only:
            return getattr(self.db, "read_only_reason", None) or "数据库以只读方式打开"
        if self.locked:
            return f"“{self.info.unit_name}”{self.info.year}年度的报表已锁定；如需修改请先解除锁定"
        return None

    @property
    def amount_unit(self) -> str:
        return self.checker.amount_unit

    @property
    def selfeval(self) -> list[dict[str, Any]]:
        return self.checker.selfeval

    def value(self, address: str) -> int | None:
        return self.checker.values.get(address)

    def findings(self) -> list[Finding]:
        """The tables' findings, then those of the written 情况说明 last checked (if any)."""
        return self.checker.findings() + self.narrative_findings

    def findings_at(self, address: str) -> list[Finding]:
        return list(self.by_cell.get(address, {}).values())

    def recoloured(self, change: Change) -> set[str]:
        """The cells whose worst finding (their colour) `change` altered; a finding that only replaced
        another of the same severity (a sum that moved, a message that changed) recolours nothing."""
        came: dict[str, set[str]] = {}
        went: dict[str, list[Finding]] = {}
        for finding in change.appeared:
            for cell in finding.cells:
                came.setdefault(cell, set()).add(finding.key)
        for finding in change.disappeared:
            for cell in finding.cells:
                went.setdefault(cell, []).append(finding)
        recoloured = set()
        for cell in came.keys() | went.keys():
            now = self.by_cell.get(cell, {})
            before = [f for key, f in now.items() if key not in came.get(cell, ())] + went.get(cell, [])
            if worst(before) != worst(now.values()):
                recoloured.add(cell)
        return recoloured

    def report(self) -> Report:
        """The report as it stands now (from the one copy the session keeps, not from a reload)."""
        checker = self.checker
        return Report(
            checker.unit_name,
            checker.year,
            checker.amount_unit,
            self.unit_code,
            cells=dict(checker.values),
            unit_kind=self.info.unit_kind,
            labels=dict(checker.labels),
            selfeval=list(checker.selfeval),
            region=self.info.region,
            variants=dict(self.variants),
            catalogue_additions={kind: dict(codes) for kind, codes in checker.additions.items() if codes},
            narrative=dict(self.narrative),
        )

    # -- operations on figures and rows ------------------------------------------------------------

    def edit_cells(
        self,
        values: Iterable[tuple[str, int | None]],
        text: str,
        source: str = "typed",
        labels: Mapping[str, str | None] | None = None,
    ) -> Outcome:
        """Give cells new values (in 分; None clears), and rows names (`table:row` → name): one transaction
        and one undo step (a pasted block of codes, names and amounts is one)."""
        with failing_as_operation():
            after = {str(parse_address(a, self.templates)): v for a, v in values}
        before = {a: self.value(a) for a in after}
        changed = {a: v for a, v in after.items() if before[a] != v}
        names_after = {k: (v or "").strip() or None for k, v in (labels or {}).items()}
        names_before = {k: self.checker.labels.get(k) for k in names_after}
        renamed = {k: v for k, v in names_after.items() if names_before[k] != v}
        if not changed and not renamed:
            return NOTHING_DONE
        before = {a: before[a] for a in changed}
        changes = self._apply(changed, renamed, source)
        step = Step(
            text,
            MappingProxyType(before),
            MappingProxyType(changed),
            {k: names_before[k] for k in renamed},
            renamed,
            added_rows=tuple(changes.rows_added),
        )
        return Outcome(changes, step)

    def rename_row(self, table: str, row: str, label: str | None) -> Outcome:
        key = f"{table}:{row}"
        before = {key: self.checker.labels.get(key)}
        after = {key: (label or "").strip() or None}
        if before == after:
            return NOTHING_DONE
        changes = self._apply({}, after, "typed")
        step = Step(f"修改 {key} 名称", labels_before=before, labels_after=after, added_rows=tuple(changes.rows_added))
        return Outcome(changes, step)

    def remove_row(self, table: str, row: str) -> Outcome:
        """Clear a classification row's figures and name and take it out of its table."""
        key = f"{table}:{row}"
        columns = self.templates.table(table).row_columns(row)
        values_before = {f"{key}:{c}": self.value(f"{key}:{c}") for c in columns}
        labels_before = {key: self.checker.labels.get(key)}
        values_after, labels_after = dict.fromkeys(values_before), dict.fromkeys(labels_before)
        changes = self._apply(values_after, labels_after, "typed", remove=((table, row),))
        step = Step(f"删除行 {row}", values_before, values_after, labels_before, labels_after, (table, row))
        return Outcome(changes, step)

    def fill_formulas(self, table: str) -> Outcome:
        """Every total of a table filled from its parts (one undo step)."""
        wanted = self.checker.formulas_for_table(table)
        return self.edit_cells(wanted.items(), f"按公式填充 {self.templates.table(table).printed}", "formula")

    def add_catalogue_code(self, kind: str, code: str, name: str) -> Outcome:
        """添加到科目目录: the code is accepted in this report from now on (its 科目编码 finding goes), and its
        rows named only by their code, or not at all, take the name. One transaction and one undo step."""
        code, name = (code or "").strip(), (name or "").strip()
        problem = addition_problem(kind, code, name, self.checker.catalogue(kind) if kind in CATALOGUE_KINDS else None)
        if problem:
            raise OperationFailed(problem)
        before, after = {}, {}
        for table in self.templates.tables.values():
            key = f"{table.id}:{code}"
            label = self.checker.labels.get(key)
            if table.catalogue == kind and code in self.checker.present.get(table.id, ()) and (label or code) == code:
                before[key], after[key] = label, name
        changes = self._apply({}, after, "typed", catalogue=(kind, code, name))
        step = Step(
            f"添加科目 {code} {name} 到科目目录",
            labels_before=before,
            labels_after=after,
            catalogue_before=(kind, code, None),
            catalogue_after=(kind, code, name),
        )
        return Outcome(changes, step)

    # -- self-evaluation tables --------------------------------------------------------------------

    def edit_selfeval(self, tables: list[dict[str, Any]], text: str, source: str = "typed") -> Outcome:
        """Put the self-evaluation tables as given; only the tables that differ are written and re-checked."""
        current = self.checker.selfeval
        if not isinstance(tables, list):
            with failing_as_operation():
                selfevaluations(Report(self.checker.unit_name, self.checker.year, selfeval=tables))  # says why
        changed = _differing(tables, current)
        with failing_as_operation():  # refuse first; the tables that did not change were read when they came in
            read = {i: SelfEvaluation.from_dict(tables[i], i + 1) for i in sorted(changed) if i < len(tables)}
        if not changed:
            return NOTHING_DONE
        changes = self._apply_selfeval(list(tables), source, changed, read)
        return Outcome(changes, Step(text, selfeval_before=tuple(current), selfeval_after=tuple(tables)))

    def _apply_selfeval(
        self,
        tables: list[dict[str, Any]],
        source: str,
        changed: frozenset[int] | None = None,
        read: dict[int, SelfEvaluation] | None = None,
    ) -> OpChanges:
        if changed is None:
            changed = _differing(tables, self.checker.selfeval)
        names_before = self.checker.selfeval_names()
        with failing_as_operation():
            repository.set_selfeval(  # the checker holds what the database holds: nothing is read back
                self.db, self.report_id, tables, source, positions=changed, stored=self.checker.selfeval
            )
        audit = self.checker.set_selfeval(tables, read)
        self._index(audit)
        return OpChanges(audit, selfeval=changed, selfeval_list=self.checker.selfeval_names() != names_before)

    # -- the 情况说明's supplementary answers -----------------------------------------------------------

    def set_narrative_extra(self, values: Mapping[str, str | None], text: str = "修改情况说明补充信息") -> Outcome:
        """Answer fields of the 情况说明 form (core.narrative.form keys; blank or None clears): each checked
        (amounts by core.money's rules), saved in one transaction and logged, one undo step."""
        from core.narrative.form import ExtraError, check_value

        try:
            after = {key: check_value(key, value, self.amount_unit, typed=True) for key, value in values.items()}
        except ExtraError as exc:
            raise OperationFailed(str(exc)) from exc
        before = {key: self.narrative.get(key) for key in after}
        changed = {key: value for key, value in after.items() if before[key] != value}
        if not changed:
            return NOTHING_DONE
        changes = self._apply_narrative(changed, "typed")
        return Outcome(changes, Step(text, narrative_before={k: before[k] for k in changed}, narrative_after=changed))

    def _apply_narrative(self, values: dict[str, str | None], source: str) -> OpChanges:
        with failing_as_operation():
            repository.set_narrative(self.db, self.report_id, values, source)
        for key, value in values.items():
            if value is None:
                self.narrative.pop(key, None)
            else:
                self.narrative[key] = value
        return OpChanges(narrative=frozenset(values))

    # -- undo and redo -------------------------------------------------------------------------------

    def undo(self, step: Step) -> OpChanges:
        if step.narrative_before is not None:
            return self._apply_narrative(dict(step.narrative_before), "undo")
        if step.selfeval_before is not None:
            return self._apply_selfeval(list(step.selfeval_before), "undo")
        return self._apply(
            dict(step.values_before),
            dict(step.labels_before),
            "undo",
            remove=step.added_rows,
            catalogue=step.catalogue_before,
        )

    def redo(self, step: Step) -> OpChanges:
        if step.narrative_after is not None:
            return self._apply_narrative(dict(step.narrative_after), "redo")
        if step.selfeval_after is not None:
            return self._apply_selfeval(list(step.selfeval_after), "redo")
        removed = (step.removed_row,) if step.removed_row else ()
        return self._apply(
            dict(step.values_after), dict(step.labels_after), "redo", remove=removed, catalogue=step.catalogue_after
        )

    # -- 说明 and status -------------------------------------------------------------------------

    def set_explanation(self, finding: Finding, text: str) -> OpChanges:
        """Write (or, with an empty text, remove) the 说明 of a finding."""
        text = (text or "").strip()
        if self.explanations.get(finding.key, "") == text:
            return OpChanges()
        with failing_as_operation():
            repository.set_explanation(self.db, self.report_id, finding.key, finding.rule, text)
        if text:
            self.explanations[finding.key] = text
        else:
            self.explanations.pop(finding.key, None)
        return OpChanges(Change(frozenset(finding.cells), (), ()), explanations=frozenset({finding.key}))

    def set_status(self, status: str) -> OpChanges:
        """草稿 / 已审核 / 已锁定; unlocking is the one change a locked report takes."""
        if self.db.read_only:
            raise OperationFailed(self.read_only_reason or "数据库以只读方式打开")
        if status == self.info.status:
            return OpChanges()
        with failing_as_operation():
            repository.set_status(self.db, self.report_id, status)
            self.info = repository.report_info(self.db, self.report_id)
        return OpChanges(status=True)

    # -- last year and the 情况说明 -------------------------------------------------------------------

    def previous(self) -> Report | None:
        """Last year's report of the same unit, if the database holds it (read once per session)."""
        if not self._previous:
            with failing_as_operation():
                self._previous.append(repository.load_last_year(self.db, self.info.unit_name, self.info.year))
        return self._previous[0]

    def previous_value(self, address: str) -> int | None | bool:
        """Last year's figure for the cell with the same meaning (False: no report of last year).

        Classification rows keep their codes; a line of 公开01/04 is found by its printed label, since
        the line numbers differ between years (2023: 1–62, 2024: 1–60).
        """
        previous = self.previous()
        if previous is None:
            return False
        table_id, row, col = address.split(":")
        table = self.templates.table(table_id)
        if table.kind != "lines" or previous.year == self.info.year:
            return previous.cells.get(address)
        from core.templates import load_template_set

        label = table.lines[row].label if row in table.lines else None
        try:
            earlier = load_template_set(previous.year, previous.region).table(table_id)
        except Exception:  # noqa: BLE001 - a year without a layout file: nothing to compare with
            return None
        same = next((n for n, line in earlier.lines.items() if label and line.label == label), None)
        return previous.cells.get(f"{table_id}:{same}:{col}") if same else None

    def check_narrative(self, path: str | Path) -> OpChanges:
        """Check a written 情况说明 (.txt/.docx, the whole published document will do) against the tables
        (and last year's report, if held); its findings replace those of the previous check."""
        from core.narrative.command import DocumentError, check_text_file

        try:
            with failing_as_operation():
                result = check_text_file(self.report(), self.templates, str(path), self.previous())
        except DocumentError as exc:
            raise OperationFailed(str(exc)) from exc
        audit = Change(frozenset(), tuple(result.findings), tuple(self.narrative_findings))
        self.narrative_findings = list(result.findings)
        self.narrative_counts = (result.checked, result.skipped)
        self._index(audit)
        return OpChanges(audit)

    def draft_narrative(self, path: str | Path) -> tuple[Path, int]:
        """The 情况说明 drafted from the tables (and last year's) as .docx; returns it and the blanks left."""
        from core.narrative.docx_writer import write_docx
        from core.narrative.draft import draft_narrative

        target = Path(path)
        if target.suffix.lower() != ".docx":
            raise OperationFailed(f"情况说明应保存为 .docx 文件：“{target.name}”")
        draft = draft_narrative(self.report(), self.templates, self.previous())
        with failing_as_operation():
            write_docx(draft, target)
        return target, draft.blanks

    # -- out of the program ----------------------------------------------------------------------

    def export(self, path: str | Path, notes: list[str] | None = None) -> Path:
        """The report as a file: a checked workbook for .xlsx, the report file for .json (by the name chosen).

        `notes` receives what the workbook had to change to hold the report (cut or cleaned text).
        """
        from core.version import version

        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in (".json", ".xlsx"):
            raise OperationFailed(f"导出文件名应以 .json 或 .xlsx 结尾：“{target.name}”")
        with failing_as_operation():
            if suffix == ".xlsx":
                from core.xlsx_export import export_workbook

                export_workbook(
                    self.report(),
                    self.templates,
                    self.findings(),
                    target,
                    self.explanations,
                    program_version=version(),
                    notes=notes,
                )
            else:
                from core.reportfile import write_report

                write_report(self.report(), target)
        return target

    def summary(self, now: datetime | None = None):
        """The audit summary's content, as the report stands now."""
        from core.summary import build_summary
        from core.version import version

        return build_summary(
            self.report(),
            self.templates,
            self.findings(),
            self.explanations,
            self.info.status,
            now or datetime.now(),
            version(),
        )

    # -- inside ------------------------------------------------------------------------------------

    def _apply(
        self,
        values: dict[str, int | None],
        labels: dict[str, str | None],
        source: str,
        remove: tuple[tuple[str, str], ...] = (),
        catalogue: tuple[str, str, str | None] | None = None,
    ) -> OpChanges:
        with failing_as_operation():
            repository.set_cells(self.db, self.report_id, values.items(), source, labels=labels, catalogue=catalogue)
        checker = self.checker
        tables = {a.split(":")[0] for a in [*values, *labels]} | {table for table, _ in remove}
        rows_before = {t: set(checker.present.get(t, ())) for t in tables}
        changes = [checker.set(a, v) for a, v in values.items()]
        for key, label in labels.items():
            table, row = key.split(":")
            changes.append(checker.set_label(table, row, label))
        for table, row in remove:
            changes.append(checker.remove_row(table, row))
        if catalogue is not None:
            changes.append(checker.set_catalogue_code(*catalogue))
        audit = compose(changes)
        self._index(audit)
        added, removed = set(), set()
        for table, rows in rows_before.items():
            if self.templates.table(table).kind != "classification":
                continue
            now = checker.present.get(table, set())
            added |= {(table, r) for r in now - rows}
            removed |= {(table, r) for r in rows - now}
        return OpChanges(audit, labels=frozenset(labels), rows_added=frozenset(added), rows_removed=frozenset(removed))

    def _index(self, change: Change) -> None:
        for finding in change.disappeared:
            for cell in finding.cells:
                self.by_cell.get(cell, {}).pop(finding.key, None)
        for finding in change.appeared:
            for cell in finding.cells:
                self.by_cell.setdefault(cell, {})[finding.key] = finding


def _differing(tables: list[dict[str, Any]], current: list[dict[str, Any]]) -> frozenset[int]:
    """The places where two lists of self-evaluation tables differ (a table added or gone counts)."""
    return frozenset(
        i
        for i in range(max(len(tables), len(current)))
        if i >= len(tables) or i >= len(current) or tables[i] != current[i]
    )
