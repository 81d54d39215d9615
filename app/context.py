"""AppContext: built once by main.py — the database, the layouts, the open sessions — for the window and commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.changes import OpChanges
from app.errors import OperationFailed, failing_as_operation
from app.session import ReportSession
from core.report import Report
from core.templates import DEFAULT_REGION, load_template_set
from db import repository
from db.database import IDLE_CHECKPOINT, Database

ReportInfo = repository.ReportInfo


@dataclass(frozen=True)
class ImportOutcome:
    """A file read into the database: which report, whether it replaced one, and what the reader said."""

    report_id: int
    replaced: bool
    report: Report
    notes: tuple[str, ...] = ()
    changes: OpChanges = OpChanges()


class AppContext:
    """One per program run: owns the open database; everything above it works through this object."""

    #: After this long without an edit, the window checkpoints (see db.database.IDLE_CHECKPOINT).
    idle_checkpoint_seconds = IDLE_CHECKPOINT

    def __init__(self, database: Database):
        self.db = database

    @classmethod
    def open(cls, path: str | Path | None = None, read_only: bool = False) -> AppContext:
        """Open the database (raising db.database's errors, which the caller turns into dialogs or exit 2)."""
        return cls(Database.open(path, read_only=read_only))

    # -- the database ----------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    @property
    def read_only_reason(self) -> str | None:
        return getattr(self.db, "read_only_reason", None) if self.db.read_only else None

    @property
    def warnings(self) -> list[str]:
        """What went wrong on opening without stopping it (a backup that could not be taken)."""
        return self.db.warnings

    def checkpoint(self) -> bool:
        """Copy the saved edits into the database file itself (the window calls it when idle)."""
        return self.db.checkpoint(truncate=False)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reports -----------------------------------------------------------------------------------

    def reports(self) -> list[ReportInfo]:
        with failing_as_operation():
            return repository.list_reports(self.db)

    def find_report(self, unit_name: str, year: int) -> ReportInfo | None:
        with failing_as_operation():
            return repository.find_report(self.db, unit_name, year)

    @property
    def department(self):
        """The department operations (units tree, 汇总, overview, folder import) on this database."""
        from app.department import Department

        return Department(self.db)

    def open_session(self, report_id: int) -> ReportSession:
        return ReportSession(self.db, report_id, load_template_set)  # loaded once per region, year and run

    def create_report(
        self,
        unit_name: str,
        year: int,
        unit_code: str | None = None,
        kind: str | None = None,
        region: str = DEFAULT_REGION,
    ) -> int:
        """An empty report of `region`'s layout for `year` (the new-report dialog)."""
        with failing_as_operation():
            if kind is None:
                return repository.create_report(self.db, unit_name, year, unit_code, region=region)
            return repository.create_report(self.db, unit_name, year, unit_code, kind, region)

    def read_file(self, path: str | Path, region: str | None = None) -> tuple[Report, tuple[str, ...]]:
        """A report file or workbook read (not yet imported): the report and what the reader said of it.
        `region`: the layout of a file that does not say (see core.commands.load_report)."""
        from core.commands import read_report_or_workbook

        with failing_as_operation():
            report, _, account = read_report_or_workbook(str(path), region)
        return report, tuple(account.splitlines()) if account else ()

    def import_report(self, report: Report, replace: bool = False, notes: tuple[str, ...] = ()) -> ImportOutcome:
        """The whole report goes in, or nothing does."""
        with failing_as_operation():
            existed = repository.find_report(self.db, report.unit_name, report.year) is not None
            report_id = repository.import_report(self.db, report, replace=replace)
        return ImportOutcome(report_id, existed, report, notes, OpChanges(reports=frozenset({report_id})))

    def import_file(self, path: str | Path, replace: bool = False, region: str | None = None) -> ImportOutcome:
        report, notes = self.read_file(path, region)
        return self.import_report(report, replace, notes)

    def export(self, report_id: int, path: str | Path) -> Path:
        return self.open_session(report_id).export(path)

    def export_by_name(self, unit_name: str, year: int, path: str | Path) -> Path:
        info = self.find_report(unit_name, year)
        if info is None:
            raise OperationFailed(f"数据库中没有“{unit_name}”{year}年度的报表")
        return self.export(info.id, path)
