"""Reports in the database: import all or nothing, load, and edits that are durable and logged."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.money import amount_text
from core.report import Report, parse_address, parse_row_key
from core.templates import DEFAULT_REGION, load_template_set
from db.catalogue_codes import read_additions, replace_additions, write_addition
from db.database import Database, DatabaseError
from db.history import (
    LostEntries,
    count_entries_after,
    latest_entry_id,
    log_entry,
    write_restore_note,
)
from db.lock import current_user
from db.models import (
    SOURCES,
    STATUS_DRAFT,
    STATUS_LOCKED,
    STATUSES,
    UNIT,
    CellValue,
    DatabaseLogEntry,
    EditLogEntry,
    Explanation,
    ReportRecord,
    RowLabel,
    Unit,
)
from db.narrative import read_answers, replace_answers, write_answers
from db.selfeval_store import load_tables, replace_selfeval, selfeval_dict


class ReportExists(DatabaseError):
    pass


class ReportNotFound(DatabaseError):
    pass


class ReportLocked(DatabaseError):
    pass


class DatabaseReadOnly(DatabaseError):
    pass


def read_only_message(db: Database) -> str:
    """Why nothing can be saved, in the words of the window's notice."""
    reason = getattr(db, "read_only_reason", None) or "数据库以只读方式打开"
    return f"修改未保存：数据库为只读（{reason}）"


@contextmanager
def _writing(db: Database) -> Iterator[Session]:
    """A write transaction; on a read-only database refused up front with the reason the user was shown."""
    if db.read_only:
        raise DatabaseReadOnly(read_only_message(db))
    try:
        with db.transaction() as session:
            yield session
    except OverflowError as exc:  # SQLite holds 64-bit integers: more 分 than that cannot be saved
        raise DatabaseError("金额超出可保存的范围，修改未保存", detail=str(exc)) from exc


@dataclass(frozen=True)
class ReportInfo:
    id: int
    unit_name: str
    unit_code: str | None
    year: int
    status: str
    amount_unit: str
    updated_at: datetime
    unit_kind: str = UNIT
    region: str = DEFAULT_REGION


@dataclass(frozen=True)
class CellEdit:
    """What an accepted edit did to one cell (old and new in 分, None for blank)."""

    address: str
    old: int | None
    new: int | None


def list_reports(db: Database) -> list[ReportInfo]:
    with db.reading() as session:
        rows = session.execute(select(ReportRecord, Unit).join(Unit).order_by(Unit.name, ReportRecord.year)).all()
        return [_info(record, unit) for record, unit in rows]


def find_report(db: Database, unit_name: str, year: int) -> ReportInfo | None:
    with db.reading() as session:
        row = session.execute(
            select(ReportRecord, Unit).join(Unit).where(Unit.name == unit_name, ReportRecord.year == year)
        ).first()
        return _info(*row) if row else None


def load_last_year(db: Database, unit_name: str, year: int) -> Report | None:
    """The unit's report of the year before `year`, when the database holds one (what the 跨年 checks read)."""
    info = find_report(db, unit_name, year - 1)
    return load_report(db, info.id) if info else None


def report_info(db: Database, report_id: int) -> ReportInfo:
    with db.reading() as session:
        record = session.get(ReportRecord, report_id)
        if record is None:
            raise ReportNotFound(f"数据库中没有编号为 {report_id} 的报表")
        return _info(record, record.unit)


def _info(record: ReportRecord, unit: Unit) -> ReportInfo:
    fields = (record.id, unit.name, unit.code, record.year, record.status, record.amount_unit, record.updated_at)
    return ReportInfo(*fields, unit.kind, record.region)


def import_report(db: Database, report: Report, replace: bool = False, source: str = "import") -> int:
    """Put a whole report in, in one transaction; over an existing unit-year only with `replace`.

    Replacing keeps the report's history: each changed cell is logged like any other edit.
    """
    templates = load_template_set(report.year, report.region)
    for address in report.cells:
        parse_address(address, templates)
    now = datetime.now()
    with _writing(db) as session:
        unit = session.scalar(select(Unit).where(Unit.name == report.unit_name))
        if unit is None:
            unit = Unit(name=report.unit_name, code=report.unit_code, kind=report.unit_kind or UNIT)
            session.add(unit)
            session.flush()
        elif report.unit_code:
            # An existing unit keeps its kind: in the units' tree it is what its place makes it.
            unit.code = report.unit_code
        record = session.scalar(
            select(ReportRecord).where(ReportRecord.unit_id == unit.id, ReportRecord.year == report.year)
        )
        if record is not None and not replace:
            raise ReportExists(f"“{report.unit_name}”{report.year}年度的报表已在数据库中；要覆盖请加 --replace")
        if record is None:
            record = ReportRecord(
                unit_id=unit.id,
                year=report.year,
                template_year=templates.year,
                region=templates.region,
                amount_unit=report.amount_unit,
                status=STATUS_DRAFT,
                created_at=now,
                updated_at=now,
            )
            session.add(record)
            session.flush()
            session.add(_log(record.id, now, "报表", None, f"新建（{report.unit_name} {report.year}年度）", source))
        else:
            _refuse_if_locked(record, report.unit_name)
            if record.amount_unit != report.amount_unit:
                session.add(_log(record.id, now, "金额单位", record.amount_unit, report.amount_unit, source))
            record.amount_unit = report.amount_unit
            if record.region != templates.region:
                session.add(_log(record.id, now, "地区", record.region, templates.region, source))
            record.region = templates.region
            record.updated_at = now
        record.layout_variants = json.dumps(report.variants, ensure_ascii=False, sort_keys=True)
        old_cells = _cells(session, record.id)
        edits = [
            CellEdit(a, old_cells.get(a), report.cells.get(a))
            for a in sorted(old_cells.keys() | report.cells.keys())
            if old_cells.get(a) != report.cells.get(a)
        ]
        session.flush()  # the entries above go into the log before the cells' (they are written directly)
        _apply(session.connection(), record.id, record.amount_unit, edits, source, now)
        old_labels = _labels(session, record.id)
        for key in sorted(old_labels.keys() | report.labels.keys()):
            if old_labels.get(key) != report.labels.get(key):
                session.add(_log(record.id, now, f"{key}:名称", old_labels.get(key), report.labels.get(key), source))
        session.execute(delete(RowLabel).where(RowLabel.report_id == record.id))
        session.add_all(RowLabel(report_id=record.id, row_key=k, label=v) for k, v in report.labels.items())
        replace_selfeval(session, record.id, report.selfeval, source, now)
        replace_additions(session, record.id, report.catalogue_additions, source, now)
        replace_answers(session, record.id, report.narrative, source, now)
        return record.id


def create_report(
    db: Database,
    unit_name: str,
    year: int,
    unit_code: str | None = None,
    kind: str = UNIT,
    region: str = DEFAULT_REGION,
) -> int:
    """An empty report for a unit-year in `region`'s layout (the unit is created if new), as the new-report dialog does."""
    load_template_set(year, region)
    unit_name = unit_name.strip()
    if not unit_name:
        raise DatabaseError("单位名称不能为空")
    now = datetime.now()
    with _writing(db) as session:
        unit = session.scalar(select(Unit).where(Unit.name == unit_name))
        if unit is None:
            unit = Unit(name=unit_name, code=unit_code or None, kind=kind)
            session.add(unit)
            session.flush()
        if session.scalar(select(ReportRecord.id).where(ReportRecord.unit_id == unit.id, ReportRecord.year == year)):
            raise ReportExists(f"“{unit_name}”{year}年度的报表已经存在")
        record = ReportRecord(
            unit_id=unit.id,
            year=year,
            template_year=year,
            region=region,
            amount_unit="万元",
            status=STATUS_DRAFT,
            created_at=now,
            updated_at=now,
        )
        session.add(record)
        session.flush()
        session.add(_log(record.id, now, "报表", None, f"新建（{unit_name} {year}年度）", "typed"))
        return record.id


def load_report(db: Database, report_id: int) -> Report:
    with db.reading() as session:
        record = session.get(ReportRecord, report_id)
        if record is None:
            raise ReportNotFound(f"数据库中没有编号为 {report_id} 的报表")
        tables = load_tables(session, report_id)
        return Report(
            unit_name=record.unit.name,
            year=record.year,
            amount_unit=record.amount_unit,
            unit_code=record.unit.code,
            unit_kind=record.unit.kind,
            region=record.region,
            cells=_cells(session, report_id),
            labels=_labels(session, report_id),
            selfeval=[selfeval_dict(t) for t in tables],
            catalogue_additions=read_additions(session, report_id),
            variants=json.loads(record.layout_variants or "{}"),
            narrative=read_answers(session, report_id),
        )


def load_report_by_name(db: Database, unit_name: str, year: int) -> Report:
    info = find_report(db, unit_name, year)
    if info is None:
        raise ReportNotFound(f"数据库中没有“{unit_name}”{year}年度的报表")
    return load_report(db, info.id)


def set_cells(
    db: Database,
    report_id: int,
    values: Iterable[tuple[str, int | None]],
    source: str = "typed",
    labels: dict[str, str | None] | None = None,
    catalogue: tuple[str, str, str | None] | None = None,
) -> list[CellEdit]:
    """One user edit (a typed cell, a paste, an undo, a removed row): one transaction, on disk when this returns.

    `labels` maps `table:row` to a row name (None removes it) to change in the same transaction;
    `catalogue` is (kind, code, name or None): a code added to (or taken from) the report's catalogue.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown edit source {source!r}")
    now = datetime.now()
    with _writing(db) as session:
        # Core statements on the transaction's connection: a keystroke is a handful of small statements,
        # and the ORM's bookkeeping around them cost more than SQLite's work.
        connection = session.connection()
        record = _edited(connection, report_id)
        templates = load_template_set(record.template_year, record.region)
        wanted = {str(parse_address(a, templates)): v for a, v in values}
        existing = dict(connection.execute(_EXISTING, {"report_id": report_id, "addresses": list(wanted)}).all())
        edits = [CellEdit(a, existing.get(a), v) for a, v in wanted.items() if existing.get(a) != v]
        if edits:
            _apply(connection, report_id, record.amount_unit, edits, source, now)
            connection.execute(_TOUCHED, {"report_id": report_id, "now": now})
        for key, label in (labels or {}).items():
            table, row = parse_row_key(key, templates)
            _write_label(session, report_id, f"{table}:{row}", label, source, now)
        if catalogue is not None and write_addition(session, report_id, *catalogue, source, now):
            connection.execute(_TOUCHED, {"report_id": report_id, "now": now})
        return edits


def set_label(db: Database, report_id: int, table: str, row: str, label: str | None, source: str = "typed") -> None:
    set_cells(db, report_id, [], source, labels={f"{table}:{row}": label})


def set_catalogue_code(
    db: Database, report_id: int, kind: str, code: str, name: str | None, source: str = "typed"
) -> None:
    """Add a code to one report's catalogue (None takes it away): one logged transaction."""
    set_cells(db, report_id, [], source, catalogue=(kind, code, name))


def _write_label(session: Session, report_id: int, key: str, label: str | None, source: str, now: datetime) -> None:
    current = session.get(RowLabel, (report_id, key))
    old = current.label if current else None
    label = (label or "").strip() or None
    if old == label:
        return
    if current is not None:
        session.delete(current)
        session.flush()
    if label is not None:
        session.add(RowLabel(report_id=report_id, row_key=key, label=label))
    session.add(_log(report_id, now, f"{key}:名称", old, label, source))


def set_selfeval(
    db: Database,
    report_id: int,
    tables: list[dict[str, Any]],
    source: str = "typed",
    positions: Iterable[int] | None = None,
    stored: list[dict[str, Any]] | None = None,
) -> int:
    """Put the report's self-evaluation tables in one transaction; `positions` (when the caller knows
    them) are the only tables that may differ: just those are compared and rewritten. `stored` are
    the tables as the database holds them, when the caller keeps them: then nothing is read back.

    The log gets one entry per value that changed (table, field or indicator, before, after);
    returns how many.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown edit source {source!r}")
    now = datetime.now()
    with _writing(db) as session:
        connection = session.connection()
        _edited(connection, report_id)
        changed = replace_selfeval(session, report_id, tables, source, now, positions, stored)
        if changed:
            connection.execute(_TOUCHED, {"report_id": report_id, "now": now})
        return changed


def set_status(db: Database, report_id: int, status: str, source: str = "typed") -> None:
    """草稿, 已审核 or 已锁定; locking and unlocking are logged like any other change."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    now = datetime.now()
    with _writing(db) as session:
        record = _record(session, report_id)
        if record.status == status:
            return
        session.add(_log(report_id, now, "状态", record.status, status, source))
        record.status = status
        record.updated_at = now


def set_explanation(
    db: Database, report_id: int, finding_key: str, rule: str, text: str | None, source: str = "typed"
) -> None:
    """Write (or, with an empty text, remove) the 说明 of a warning finding; refused on a locked report."""
    now = datetime.now()
    with _writing(db) as session:
        record = _record(session, report_id)
        _refuse_if_locked(record, record.unit.name)
        current = session.get(Explanation, (report_id, finding_key))
        old = current.text if current is not None else None
        text = (text or "").strip() or None
        if old == text:
            return
        session.add(_log(report_id, now, f"说明:{finding_key}", old, text, source))
        if text is None:
            session.delete(current)
            return
        if current is None:
            current = Explanation(report_id=report_id, finding_key=finding_key)
            session.add(current)
        current.rule, current.text = rule, text
        current.os_user, current.updated_at = current_user(), now


def set_narrative(db: Database, report_id: int, changes: dict[str, str | None], source: str = "typed") -> None:
    """Write the 情况说明's supplementary answers given (None removes one), logged; refused on a locked report."""
    now = datetime.now()
    with _writing(db) as session:
        record = _record(session, report_id)
        _refuse_if_locked(record, record.unit.name)
        if write_answers(session, report_id, changes, source, now):
            record.updated_at = now


def explanations(db: Database, report_id: int) -> dict[str, str]:
    with db.reading() as session:
        rows = session.execute(
            select(Explanation.finding_key, Explanation.text).where(Explanation.report_id == report_id)
        )
        return dict(rows.all())


def edit_log(db: Database, report_id: int) -> list[EditLogEntry]:
    with db.reading() as session:
        return list(
            session.scalars(
                select(EditLogEntry).where(EditLogEntry.report_id == report_id).order_by(EditLogEntry.id)
            ).all()
        )


def database_log(db: Database) -> list[DatabaseLogEntry]:
    """Events of the whole file (restores), oldest first."""
    with db.reading() as session:
        return list(session.scalars(select(DatabaseLogEntry).order_by(DatabaseLogEntry.id)).all())


# -- restore: the note a restored database keeps about itself --------------------------------


def log_restore(db: Database, backup_name: str, kept_name: str | None, lost_entries: int | None) -> str:
    """Write into the restored database that it was restored (from which backup, when, by whom).

    `lost_entries` is how many edit-log entries the replaced file held beyond the backup (None: unknown).
    Returns the note as written.
    """
    with _writing(db) as session:
        return write_restore_note(session, backup_name, kept_name, None, lost_entries)


def record_restore(db: Database, backup: Path, kept: Path | None) -> str:
    """`log_restore` with the lost entries counted from the replaced file `kept` (None: there was none).

    Call it on the restored database, before anything else is written to it.
    """
    with _writing(db) as session:
        last = latest_entry_id(session)
        lost = count_entries_after(kept, last) if kept is not None else LostEntries(0, None, None, {})
        return write_restore_note(session, Path(backup).name, Path(kept).name if kept else None, lost)


# -- helpers ---------------------------------------------------------------------------------


def _record(session: Session, report_id: int) -> ReportRecord:
    record = session.get(ReportRecord, report_id)
    if record is None:
        raise ReportNotFound(f"数据库中没有编号为 {report_id} 的报表")
    return record


def _refuse_if_locked(record: ReportRecord, unit_name: str) -> None:
    if record.status == STATUS_LOCKED:
        raise ReportLocked(f"“{unit_name}”{record.year}年度的报表已锁定，不能修改；如需修改请先解除锁定")


def _labels(session: Session, report_id: int) -> dict[str, str]:
    rows = session.execute(select(RowLabel.row_key, RowLabel.label).where(RowLabel.report_id == report_id))
    return dict(rows.all())


def _cells(session: Session, report_id: int) -> dict[str, int]:
    rows = session.execute(select(CellValue.address, CellValue.fen).where(CellValue.report_id == report_id))
    return dict(rows.all())


def _edited(connection, report_id: int):
    """The report's status, year, layout (template year, region) and amount unit, read for an edit; refused when missing or locked."""
    record = connection.execute(_EDITED, {"report_id": report_id}).first()
    if record is None:
        raise ReportNotFound(f"数据库中没有编号为 {report_id} 的报表")
    if record.status == STATUS_LOCKED:  # only then is the unit's name needed, for the message
        _refuse_if_locked(record, connection.execute(_UNIT_NAME, {"report_id": report_id}).scalar_one())
    return record


_EDITED = select(
    ReportRecord.status, ReportRecord.year, ReportRecord.template_year, ReportRecord.region, ReportRecord.amount_unit
).where(ReportRecord.id == bindparam("report_id"))
_UNIT_NAME = select(Unit.name).join(ReportRecord).where(ReportRecord.id == bindparam("report_id"))
_EXISTING = select(CellValue.address, CellValue.fen).where(
    CellValue.report_id == bindparam("report_id"), CellValue.address.in_(bindparam("addresses", expanding=True))
)
_TOUCHED = (
    update(ReportRecord.__table__)
    .where(ReportRecord.__table__.c.id == bindparam("report_id"))
    .values(updated_at=bindparam("now"))
)
_UPSERT = sqlite_insert(CellValue.__table__)
_UPSERT = _UPSERT.on_conflict_do_update(index_elements=["report_id", "address"], set_={"fen": _UPSERT.excluded.fen})
_REMOVE = delete(CellValue.__table__).where(
    CellValue.__table__.c.report_id == bindparam("report_id"),
    CellValue.__table__.c.address.in_(bindparam("addresses", expanding=True)),
)
_LOG = insert(EditLogEntry.__table__)


def _apply(connection, report_id: int, amount_unit: str, edits: list[CellEdit], source: str, now: datetime) -> None:
    """Write the edits and their log entries (in bulk: an import is hundreds of cells)."""
    removed = [e.address for e in edits if e.new is None]
    if removed:
        connection.execute(_REMOVE, {"report_id": report_id, "addresses": removed})
    written = [{"report_id": report_id, "address": e.address, "fen": e.new} for e in edits if e.new is not None]
    if written:
        connection.execute(_UPSERT, written)
    if edits:
        user = current_user()
        connection.execute(
            _LOG,
            [
                {
                    "report_id": report_id,
                    "at": now,
                    "os_user": user,
                    "address": e.address,
                    "old_value": _text(e.old, amount_unit),
                    "new_value": _text(e.new, amount_unit),
                    "source": source,
                }
                for e in edits
            ],
        )


def _text(fen: int | None, amount_unit: str) -> str | None:
    return None if fen is None else amount_text(fen, amount_unit)


_log = log_entry
