"""Units in a tree: create, rename, move, remove; a department's reports and adjustments; cached finding counts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from core.consolidate import Adjustment
from core.report import Report
from db.database import Database, DatabaseError
from db.lock import current_user
from db.models import (
    DEPARTMENT,
    UNIT,
    AuditSummary,
    CellValue,
    DatabaseLogEntry,
    DepartmentAdjustment,
    EditLogEntry,
    Explanation,
    ReportRecord,
    RowLabel,
    Unit,
)
from db.repository import DatabaseReadOnly, read_only_message

KINDS = (DEPARTMENT, UNIT)


class UnitError(DatabaseError):
    """A tree operation that cannot be done (a cycle, a name in use, children in the way); nothing changed."""


@dataclass(frozen=True)
class UnitNode:
    """A unit in the tree, with its report for the year asked (None when it has none) and its children."""

    id: int
    name: str
    code: str | None
    kind: str
    parent_id: int | None
    report_id: int | None = None
    status: str | None = None
    children: tuple[UnitNode, ...] = ()

    def walk(self) -> Iterator[UnitNode]:
        """This unit and every unit below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@contextmanager
def _writing(db: Database) -> Iterator[Session]:
    if db.read_only:
        raise DatabaseReadOnly(read_only_message(db))
    with db.transaction() as session:
        yield session


def _log(session: Session, event: str, detail: str) -> None:
    session.add(DatabaseLogEntry(at=datetime.now(), os_user=current_user(), event=event, detail=detail))


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UnitError(f"数据库中没有编号为 {unit_id} 的单位")
    return unit


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise UnitError("单位名称不能为空")
    return name


# -- reading the tree ----------------------------------------------------------------------------


def find_unit(db: Database, name: str) -> UnitNode | None:
    with db.reading() as session:
        unit = session.scalar(select(Unit).where(Unit.name == name.strip()))
        return UnitNode(unit.id, unit.name, unit.code, unit.kind, unit.parent_id) if unit else None


def unit_tree(db: Database, year: int | None = None) -> list[UnitNode]:
    """Every unit as a tree (departments first, then by name), each with its report's status for `year`."""
    with db.reading() as session:
        units = session.execute(select(Unit.id, Unit.name, Unit.code, Unit.kind, Unit.parent_id)).all()
        reports: dict[int, tuple[int, str]] = {}
        if year is not None:
            rows = session.execute(
                select(ReportRecord.unit_id, ReportRecord.id, ReportRecord.status).where(ReportRecord.year == year)
            )
            reports = {unit_id: (report_id, status) for unit_id, report_id, status in rows}
    children: dict[int | None, list] = {}
    for row in units:
        children.setdefault(row.parent_id, []).append(row)

    def build(row) -> UnitNode:
        below = sorted(children.get(row.id, ()), key=lambda r: (r.kind != DEPARTMENT, r.name))
        report_id, status = reports.get(row.id, (None, None))
        return UnitNode(
            row.id, row.name, row.code, row.kind, row.parent_id, report_id, status, tuple(map(build, below))
        )

    roots = sorted(children.get(None, ()), key=lambda r: (r.kind != DEPARTMENT, r.name))
    return [build(row) for row in roots]


def subtree(db: Database, unit_id: int, year: int | None = None) -> UnitNode:
    for root in unit_tree(db, year):
        for node in root.walk():
            if node.id == unit_id:
                return node
    raise UnitError(f"数据库中没有编号为 {unit_id} 的单位")


# -- changing the tree ---------------------------------------------------------------------------


def create_unit(
    db: Database, name: str, parent_id: int | None = None, kind: str = UNIT, code: str | None = None
) -> int:
    """A new unit (or department) under `parent_id` (None: at the top)."""
    name = _clean_name(name)
    if kind not in KINDS:
        raise UnitError(f"单位类型应为“部门”或“单位”，实为“{kind}”")
    with _writing(db) as session:
        if session.scalar(select(Unit.id).where(Unit.name == name)) is not None:
            raise UnitError(f"已有名为“{name}”的单位")
        parent = _unit(session, parent_id) if parent_id is not None else None
        unit = Unit(name=name, code=(code or "").strip() or None, kind=kind, parent_id=parent_id)
        session.add(unit)
        session.flush()
        _log(session, "新建单位", f"{kind}“{name}”" + (f"，属于“{parent.name}”" if parent else ""))
        return unit.id


def rename_unit(db: Database, unit_id: int, name: str) -> None:
    name = _clean_name(name)
    with _writing(db) as session:
        unit = _unit(session, unit_id)
        if unit.name == name:
            return
        if session.scalar(select(Unit.id).where(Unit.name == name, Unit.id != unit_id)) is not None:
            raise UnitError(f"已有名为“{name}”的单位")
        _log(session, "单位改名", f"“{unit.name}”改为“{name}”")
        unit.name = name


def move_unit(db: Database, unit_id: int, parent_id: int | None) -> None:
    """Put a unit (with everything below it) under another parent; never under itself or its own units."""
    with _writing(db) as session:
        unit = _unit(session, unit_id)
        if unit.parent_id == parent_id:
            return
        where = "顶层"
        if parent_id is not None:
            parent = _unit(session, parent_id)
            ancestor: Unit | None = parent
            while ancestor is not None:
                if ancestor.id == unit_id:
                    raise UnitError(
                        f"不能把“{unit.name}”移到“{parent.name}”之下：“{parent.name}”是它自己或它的下级单位"
                    )
                ancestor = session.get(Unit, ancestor.parent_id) if ancestor.parent_id is not None else None
            where = f"“{parent.name}”之下"
        _log(session, "移动单位", f"“{unit.name}”移到{where}")
        unit.parent_id = parent_id


def remove_unit(db: Database, unit_id: int, with_children: bool = False) -> Path | None:
    """Remove a unit and its reports (and, only when asked, every unit below it); a backup is taken first.

    Returns the backup's path (None if the database file had nothing to back up yet).
    """
    if db.read_only:
        raise DatabaseReadOnly(read_only_message(db))
    node = subtree(db, unit_id)
    if node.children and not with_children:
        names = "、".join(child.name for child in node.children[:5])
        raise UnitError(
            f"“{node.name}”下还有 {len(node.children)} 个单位（{names}），请先移走它们，或确认连同下级一起删除"
        )
    backup = db.backup_now("remove-unit") if hasattr(db, "backup_now") and Path(db.path).exists() else None
    doomed = list(node.walk())
    with _writing(db) as session:
        for gone in reversed(doomed):  # the deepest first, so no unit is left pointing at a removed parent
            session.execute(delete(Unit).where(Unit.id == gone.id))
        names = "、".join(n.name for n in doomed)
        _log(session, "删除单位", f"{names}（删除前备份：{backup.name if backup else '无'}）")
    return backup


def place_under(db: Database, unit_name: str, department_id: int) -> str | None:
    """Put an existing unit under a department; returns the name of the parent it left (None if it had none)."""
    with db.reading() as session:
        unit = session.scalar(select(Unit).where(Unit.name == unit_name))
        if unit is None:
            raise UnitError(f"数据库中没有单位“{unit_name}”")
        if unit.parent_id == department_id:
            return None
        before = session.get(Unit, unit.parent_id).name if unit.parent_id is not None else None
    move_unit(db, unit.id, department_id)
    return before


# -- a department's reports and adjustments ------------------------------------------------------


def reports_below(db: Database, department_id: int, year: int) -> tuple[list[tuple[UnitNode, int]], list[UnitNode]]:
    """The 单位 below a department (every level) with their report ids for the year, and those without one.

    Departments inside the department are not summed themselves: their units are.
    """
    node = subtree(db, department_id, year)
    units = [n for n in node.walk() if n.id != department_id and n.kind == UNIT]
    return [(n, n.report_id) for n in units if n.report_id is not None], [n for n in units if n.report_id is None]


def load_figures(db: Database, report_ids: Sequence[int]) -> dict[int, Report]:
    """Many reports' figures and row names at once (no self-evaluation tables: they are not consolidated)."""
    wanted = list(report_ids)
    with db.reading() as session:
        records = session.execute(
            select(
                ReportRecord.id, ReportRecord.year, ReportRecord.region, ReportRecord.amount_unit, Unit.name, Unit.code
            )
            .join(Unit)
            .where(ReportRecord.id.in_(wanted))
        ).all()
        reports = {r.id: Report(r.name, r.year, r.amount_unit, r.code, region=r.region) for r in records}
        for report_id, address, fen in session.execute(
            select(CellValue.report_id, CellValue.address, CellValue.fen).where(CellValue.report_id.in_(wanted))
        ):
            reports[report_id].cells[address] = fen
        for report_id, key, label in session.execute(
            select(RowLabel.report_id, RowLabel.row_key, RowLabel.label).where(RowLabel.report_id.in_(wanted))
        ):
            reports[report_id].labels[key] = label
    return {i: reports[i] for i in wanted if i in reports}


def adjustments(db: Database, department_id: int, year: int) -> list[Adjustment]:
    with db.reading() as session:
        rows = session.scalars(
            select(DepartmentAdjustment)
            .where(DepartmentAdjustment.department_id == department_id, DepartmentAdjustment.year == year)
            .order_by(DepartmentAdjustment.position)
        ).all()
        return [Adjustment(r.address, r.fen, r.note, r.totals) for r in rows]


def set_adjustments(db: Database, department_id: int, year: int, entries: Iterable[Adjustment]) -> None:
    """Replace the department's adjustment entries for the year (one transaction, logged)."""
    entries = list(entries)
    with _writing(db) as session:
        department = _unit(session, department_id)
        session.execute(
            delete(DepartmentAdjustment).where(
                DepartmentAdjustment.department_id == department_id, DepartmentAdjustment.year == year
            )
        )
        session.add_all(
            DepartmentAdjustment(
                department_id=department_id,
                year=year,
                position=i,
                address=e.cell,
                fen=e.amount,
                totals=e.totals,
                note=e.note,
            )
            for i, e in enumerate(entries)
        )
        _log(session, "汇总调整", f"“{department.name}”{year}年度调整条目改为 {len(entries)} 条")


# -- finding counts kept for the overview --------------------------------------------------------


def predecessors(db: Database, report_ids: Sequence[int]) -> dict[int, int | None]:
    """Each report's last year: the same unit's report of the year before, when the database holds one."""
    earlier = aliased(ReportRecord)
    same_unit = (earlier.unit_id == ReportRecord.unit_id) & (earlier.year == ReportRecord.year - 1)
    with db.reading() as session:
        rows = session.execute(
            select(ReportRecord.id, earlier.id)
            .outerjoin(earlier, same_unit)
            .where(ReportRecord.id.in_(list(report_ids)))
        ).all()
    return dict(rows)


def stamps(db: Database, report_ids: Sequence[int], version: str) -> dict[int, str]:
    """Each report's current stamp: the program version, its latest edit-log entry and its last year's
    (the 跨年 checks read that report too)."""
    before = predecessors(db, report_ids)
    wanted = {*report_ids, *(i for i in before.values() if i is not None)}
    with db.reading() as session:
        latest = dict(
            session.execute(
                select(EditLogEntry.report_id, func.max(EditLogEntry.id))
                .where(EditLogEntry.report_id.in_(list(wanted)))
                .group_by(EditLogEntry.report_id)
            ).all()
        )
    return {i: f"{version}|{latest.get(i, 0)}|上年 {before.get(i)}:{latest.get(before.get(i), 0)}" for i in report_ids}


def cached_counts(db: Database, report_ids: Sequence[int]) -> dict[int, tuple[str, dict]]:
    with db.reading() as session:
        rows = session.execute(
            select(AuditSummary.report_id, AuditSummary.stamp, AuditSummary.counts).where(
                AuditSummary.report_id.in_(list(report_ids))
            )
        )
        return {report_id: (stamp, json.loads(counts)) for report_id, stamp, counts in rows}


def store_counts(db: Database, entries: dict[int, tuple[str, dict]]) -> None:
    """Keep counts for next time; on a read-only database they are simply not kept."""
    if db.read_only or not entries:
        return
    with db.transaction() as session:
        session.execute(delete(AuditSummary).where(AuditSummary.report_id.in_(list(entries))))
        session.add_all(
            AuditSummary(report_id=i, stamp=stamp, counts=json.dumps(counts, ensure_ascii=False))
            for i, (stamp, counts) in entries.items()
        )


def explained(db: Database, report_ids: Sequence[int]) -> dict[int, set[str]]:
    """The finding keys that have a 说明, per report."""
    result: dict[int, set[str]] = {i: set() for i in report_ids}
    with db.reading() as session:
        for report_id, key in session.execute(
            select(Explanation.report_id, Explanation.finding_key).where(Explanation.report_id.in_(list(report_ids)))
        ):
            result[report_id].add(key)
    return result
