"""The record of who changed what: self-evaluation diffs for the edit log, and the note a restore leaves."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.lock import current_user
from db.models import DatabaseLogEntry, EditLogEntry, ReportRecord

#: How the edit log names the parts of a self-evaluation table (the printed words).
_BUDGET_NAMES = {"A": "预算数", "B": "执行数", "rate": "执行率", "points": "分值", "score": "得分"}
_INDICATOR_NAMES = {"name": "名称", "weight": "权重", "target": "年度指标值", "actual": "实际完成值", "score": "得分"}
_CLOSING = {"total": "总分", "reason": "原因分析", "measures": "改进措施"}

RESTORE = "restore"


def selfeval_table_name(table: dict[str, Any], index: int) -> str:
    """The table as findings name it: 整体绩效自评, or 项目绩效自评:<项目名称>."""
    header = table.get("header") or {}
    if table.get("kind") == "整体":
        return "整体绩效自评"
    return f"项目绩效自评:{str(header.get('项目名称') or '').strip() or f'（第{index + 1}张）'}"


def _text(value: Any) -> str | None:
    text = None if value is None else str(value)
    return text if text and text.strip() else None


def _fields(table: dict[str, Any]) -> dict[str, str | None]:
    """Every value of one table, under a name a reader of the log understands, in printed order."""
    fields: dict[str, str | None] = {"类型": _text(table.get("kind"))}
    for name, value in (table.get("header") or {}).items():
        fields[f"表头:{name}"] = _text(value)
    budget = table.get("budget") or {}
    for key, name in _BUDGET_NAMES.items():
        fields[f"预算执行:{name}"] = _text(budget.get(key))
    number = 0
    for g, goal in enumerate(table.get("goals") or [], start=1):
        fields[f"目标{g}:名称"] = _text(goal.get("name"))
        fields[f"目标{g}:分值"] = _text(goal.get("points"))
        for i, level1 in enumerate(goal.get("groups") or [], start=1):
            fields[f"目标{g}一级{i}:名称"] = _text(level1.get("level1"))
            fields[f"目标{g}一级{i}:分值"] = _text(level1.get("points"))
            for j, level2 in enumerate(level1.get("groups") or [], start=1):
                fields[f"目标{g}一级{i}二级{j}:名称"] = _text(level2.get("level2"))
                fields[f"目标{g}一级{i}二级{j}:分值"] = _text(level2.get("points"))
                for indicator in level2.get("indicators") or []:
                    number += 1
                    for key, name in _INDICATOR_NAMES.items():
                        fields[f"第{number}个指标:{name}"] = _text(indicator.get(key))
    for key, name in _CLOSING.items():
        fields[name] = _text(table.get(key))
    return fields


def selfeval_changes(
    old: list[dict[str, Any]] | dict[int, dict[str, Any]], new: list[dict[str, Any]] | dict[int, dict[str, Any]]
) -> list[tuple[str, str | None, str | None]]:
    """(address, before, after) for every value that differs, tables matched by their place in the report.

    An indicator is named by its place (第3个指标) and, when its name is not what changed, by its name too,
    so that a reader sees which indicator a weight or score belongs to.
    """
    # Lists are tables in order; mappings are {position: table} for just the tables that may differ.
    old = old if isinstance(old, dict) else dict(enumerate(old))
    new = new if isinstance(new, dict) else dict(enumerate(new))
    changes = []
    for index in sorted(old.keys() | new.keys()):
        before = _fields(old[index]) if index in old else {}
        after = _fields(new[index]) if index in new else {}
        table = selfeval_table_name(new.get(index) or old[index], index)
        names = {k.split(":")[0]: v for k, v in (after or before).items() if k.endswith("个指标:名称")}
        for key in dict.fromkeys([*before, *after]):
            if before.get(key) == after.get(key):
                continue
            place, _, field = key.partition(":")
            name = names.get(place) if place.endswith("个指标") and field != "名称" else None
            label = f"{place}“{name}”:{field}" if name else key
            changes.append((f"{table}:{label}", before.get(key), after.get(key)))
    return changes


def log_entry(
    report_id: int, now: datetime, address: str, old: str | None, new: str | None, source: str
) -> EditLogEntry:
    return EditLogEntry(
        report_id=report_id,
        at=now,
        os_user=current_user(),
        address=address,
        old_value=old,
        new_value=new,
        source=source,
    )


# -- restore ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LostEntries:
    """Edit-log entries of the replaced file that are newer than the backup put back."""

    count: int
    first: datetime | None
    last: datetime | None
    by_report: dict[int, int]


def latest_entry_id(session: Session) -> int:
    return session.scalar(select(func.max(EditLogEntry.id))) or 0


def count_entries_after(replaced: Path, last_entry_id: int) -> LostEntries | None:
    """What the replaced file's edit log holds beyond `last_entry_id` (None when that file cannot be read).

    Entry ids only grow (SQLite's rowid, no deletions), so entries the backup does not hold are those
    above its largest id. The file is opened read-only and left as it is.
    """
    wal = Path(str(replaced) + "-wal")
    # With no log to read, `immutable` opens the file without creating a -wal or -shm beside it.
    mode = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "immutable=1"
    try:
        connection = sqlite3.connect(f"{Path(replaced).resolve().as_uri()}?{mode}", uri=True)
    except sqlite3.Error:
        return None
    try:
        rows = connection.execute(
            "SELECT report_id, COUNT(*), MIN(at), MAX(at) FROM edit_log WHERE id > ? GROUP BY report_id",
            (last_entry_id,),
        ).fetchall()
        # A damaged file may hold anything where a time should be.
        firsts = [datetime.fromisoformat(r[2]) for r in rows if r[2]]
        lasts = [datetime.fromisoformat(r[3]) for r in rows if r[3]]
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        connection.close()
    return LostEntries(
        sum(r[1] for r in rows),
        min(firsts, default=None),
        max(lasts, default=None),
        {r[0]: r[1] for r in rows},
    )


def restore_note(backup_name: str, kept_name: str | None, lost: LostEntries | None, lost_count: int | None) -> str:
    """The sentence the logs keep about a restore, in Chinese (the users read it)."""
    note = f"数据库已用备份“{backup_name}”恢复"
    if kept_name:
        note += f"；被替换的文件保存为“{kept_name}”"
    if lost is None and lost_count is None:
        note += "；无法读取被替换的文件，不知道其中有多少条备份之后的修改记录"
    elif (lost.count if lost else lost_count) == 0:
        note += "；被替换的文件中没有备份之后的修改记录"
    else:
        count = lost.count if lost else lost_count
        note += f"；被替换的文件中有 {count} 条备份之后的修改记录未包含在恢复的数据中"
        if lost and lost.first and lost.last:
            note += f"（{lost.first:%Y-%m-%d %H:%M} 至 {lost.last:%Y-%m-%d %H:%M}）"
    return note


def write_restore_note(
    session: Session,
    backup_name: str,
    kept_name: str | None,
    lost: LostEntries | None,
    lost_count: int | None = None,
    now: datetime | None = None,
) -> str:
    """One database-wide entry, and one in each report's edit log so its history shows the gap."""
    now = now or datetime.now()
    note = restore_note(backup_name, kept_name, lost, lost_count)
    session.add(DatabaseLogEntry(at=now, os_user=current_user(), event=RESTORE, detail=note))
    for report_id in session.scalars(select(ReportRecord.id)).all():
        text = note
        if lost is not None and lost.by_report.get(report_id):
            text += f"；其中本报表 {lost.by_report[report_id]} 条"
        session.add(log_entry(report_id, now, "数据库", None, text, RESTORE))
    return note
