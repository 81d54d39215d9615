"""Self-evaluation tables in the database: the report file's nested dicts ↔ rows, read and written table by table.

A keystroke in the editor changes one value of one table: that table is read with plain statements (no
ORM objects), compared, and when its shape (header fields, goals, groups, indicators) is unchanged only
the rows whose values differ are updated. A table whose shape changed is deleted and inserted again.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from db.history import selfeval_changes
from db.lock import current_user
from db.models import (
    EditLogEntry,
    SelfEvalGoal,
    SelfEvalHeaderField,
    SelfEvalIndicator,
    SelfEvalLevel1,
    SelfEvalLevel2,
    SelfEvalTable,
)

_BUDGET = {"A": "budget_a", "B": "budget_b", "rate": "budget_rate", "score": "budget_score", "points": "budget_points"}
_INDICATOR_FIELDS = ("name", "weight", "target", "actual", "score")
#: The value columns of each kind of row (what an in-place update compares and writes).
_VALUES = {
    SelfEvalTable: ("kind", *_BUDGET.values(), "total", "reason", "measures"),
    SelfEvalHeaderField: ("name", "value"),
    SelfEvalGoal: ("name", "points"),
    SelfEvalLevel1: ("name", "points"),
    SelfEvalLevel2: ("name", "points"),
    SelfEvalIndicator: _INDICATOR_FIELDS,
}
_ORM = (SelfEvalTable, SelfEvalHeaderField, SelfEvalGoal, SelfEvalLevel1, SelfEvalLevel2, SelfEvalIndicator)
_PLAIN = (SimpleNamespace,) * len(_ORM)


def replace_selfeval(
    session: Session,
    report_id: int,
    tables: list[dict[str, Any]],
    source: str,
    now: datetime,
    positions=None,
    stored_tables: list[dict[str, Any]] | None = None,
) -> int:
    """Put `tables` in place of the report's; `positions` (when known) are the only ones that may differ.

    `stored_tables` are the tables as the database holds them, when the caller keeps them (an open
    report's session does: every write goes through it, under the database's lock): then nothing is
    read back, and the rows that differ are found by their places. Logs one entry per value that
    changed and returns how many.
    """
    wanted = None if positions is None else set(positions)
    connection = session.connection()
    if stored_tables is None:
        stored = {t.position: t for t in load_tables(session, report_id, wanted)}
    else:
        stored = {t.position: t for t in selfeval_rows(report_id, stored_tables, wanted, orm=False)}
    rows = {row.position: row for row in selfeval_rows(report_id, tables, wanted, orm=False)}
    old = {i: selfeval_dict(t) for i, t in stored.items()}
    new = {i: selfeval_dict(row) for i, row in rows.items()}  # as stored, so equal means unchanged
    differ = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
    if not differ:
        return 0
    changes = selfeval_changes(old, new)
    # Only the tables that differ are written (a keystroke in one of ten tables writes one), and a table
    # of the same shape only in the rows that differ.
    rebuilt = set()
    for i in sorted(differ):
        matched = _matched(stored[i], rows[i]) if i in stored and i in rows else None
        if matched is None:
            rebuilt.add(i)
        else:
            _update(connection, report_id, i, matched)
    if rebuilt:
        session.execute(
            delete(SelfEvalTable).where(SelfEvalTable.report_id == report_id, SelfEvalTable.position.in_(rebuilt))
        )
        session.flush()
        session.add_all(selfeval_rows(report_id, tables, rebuilt & rows.keys(), orm=True))
    if changes:
        session.flush()  # entries added before these (an import's) keep their place in the log
        user = current_user()
        connection.execute(
            insert(EditLogEntry.__table__),
            [
                dict(report_id=report_id, at=now, os_user=user, address=a, old_value=b, new_value=c, source=source)
                for a, b, c in changes
            ],
        )
    return len(changes)


def load_tables(session: Session, report_id: int, positions: set[int] | None = None) -> list[SimpleNamespace]:
    """The report's tables (only those at `positions`, when given) with everything below them, in order.

    Plain objects with the ORM's attribute names (`header`, `goals`, `groups`, `indicators`), read with
    one statement per level.
    """
    connection = session.connection()
    chosen = positions is not None
    parameters = {"report_id": report_id, "positions": sorted(positions)} if chosen else {"report_id": report_id}

    def level(model) -> dict[int, list[SimpleNamespace]]:
        """Rows of `model` below the chosen tables, by their parent's id, in printed order."""
        found: dict[int, list[SimpleNamespace]] = {}
        parent_key = _PARENT[model]
        for row in connection.execute(_reading(model, chosen), parameters):
            found.setdefault(getattr(row, parent_key), []).append(SimpleNamespace(**row._mapping))
        return found

    headers, goals, level1, level2, indicators = (level(m) for m in _ORM[1:])
    tables = []
    for row in connection.execute(_reading(SelfEvalTable, chosen), parameters):
        node = SimpleNamespace(**row._mapping)
        node.header = headers.get(node.id, [])
        node.goals = goals.get(node.id, [])
        for goal in node.goals:
            goal.groups = level1.get(goal.id, [])
            for group in goal.groups:
                group.groups = level2.get(group.id, [])
                for sub in group.groups:
                    sub.indicators = indicators.get(sub.id, [])
        tables.append(node)
    return tables


#: The column of each kind of row that names its parent.
_PARENT = {
    SelfEvalHeaderField: "table_id",
    SelfEvalGoal: "table_id",
    SelfEvalLevel1: "goal_id",
    SelfEvalLevel2: "level1_id",
    SelfEvalIndicator: "level2_id",
}


_STATEMENTS: dict[tuple[type, bool], Any] = {}


def _reading(model, chosen: bool):
    """The statement that reads a level's rows for one report (`chosen`: of the tables at `positions`),
    made once: a keystroke runs six of them."""
    key = (model, chosen)
    if key not in _STATEMENTS:
        table = SelfEvalTable.__table__
        statement = select(model.__table__)
        child = model
        while child is not SelfEvalTable:  # join up to the table: header/goal → table, 一级 → goal → table …
            parent = _UP[child]
            statement = statement.join(parent.__table__, child.__table__.c[_PARENT[child]] == parent.__table__.c.id)
            child = parent
        statement = statement.where(table.c.report_id == bindparam("report_id"))
        if chosen:
            statement = statement.where(table.c.position.in_(bindparam("positions", expanding=True)))
        columns = model.__table__.c
        order = [columns.position] if model is SelfEvalTable else [columns[_PARENT[model]], columns.position]
        _STATEMENTS[key] = statement.order_by(*order)
    return _STATEMENTS[key]


_UP = {
    SelfEvalHeaderField: SelfEvalTable,
    SelfEvalGoal: SelfEvalTable,
    SelfEvalLevel1: SelfEvalGoal,
    SelfEvalLevel2: SelfEvalLevel1,
    SelfEvalIndicator: SelfEvalLevel2,
}


def _matched(old: SimpleNamespace, new: SimpleNamespace) -> list[tuple[type, tuple[int, ...], Any, Any]] | None:
    """(kind, place, stored row, new row) for every row of two tables of the same shape, None when the
    shapes differ; a row's place is its positions below the table (a goal's (g,), an indicator's (g, i, j, k))."""
    if len(old.header) != len(new.header) or len(old.goals) != len(new.goals):
        return None
    pairs: list[tuple[type, tuple[int, ...], Any, Any]] = [(SelfEvalTable, (), old, new)]
    pairs += [(SelfEvalHeaderField, (h,), o, n) for h, (o, n) in enumerate(zip(old.header, new.header, strict=True))]
    for g, (goal, new_goal) in enumerate(zip(old.goals, new.goals, strict=True)):
        if len(goal.groups) != len(new_goal.groups):
            return None
        pairs.append((SelfEvalGoal, (g,), goal, new_goal))
        for i, (group, new_group) in enumerate(zip(goal.groups, new_goal.groups, strict=True)):
            if len(group.groups) != len(new_group.groups):
                return None
            pairs.append((SelfEvalLevel1, (g, i), group, new_group))
            for j, (sub, new_sub) in enumerate(zip(group.groups, new_group.groups, strict=True)):
                if len(sub.indicators) != len(new_sub.indicators):
                    return None
                pairs.append((SelfEvalLevel2, (g, i, j), sub, new_sub))
                pairs += [
                    (SelfEvalIndicator, (g, i, j, k), o, n)
                    for k, (o, n) in enumerate(zip(sub.indicators, new_sub.indicators, strict=True))
                ]
    return pairs


def _update(connection, report_id: int, position: int, pairs: list[tuple[type, tuple[int, ...], Any, Any]]) -> None:
    """Write the values that differ, row by row (a typed 得分 is one row), each row found by its place."""
    for model, place, old, new in pairs:
        columns = tuple(f for f in _VALUES[model] if getattr(old, f) != getattr(new, f))
        if columns:
            parameters = {"in_report": report_id, "in_table": position}
            parameters.update((f"p{n}", p) for n, p in enumerate(place))
            parameters.update((f"new_{c}", getattr(new, c)) for c in columns)
            connection.execute(_updating(model, columns), parameters)


_UPDATES: dict[tuple[type, tuple[str, ...]], Any] = {}


def _updating(model, columns: tuple[str, ...]):
    """The statement that writes `columns` of one row found by its place, made once per kind of edit
    (SQLAlchemy then compiles it once and keys its cache without walking the subqueries again)."""
    key = (model, columns)
    if key not in _UPDATES:
        values = {c: bindparam(f"new_{c}") for c in columns}
        _UPDATES[key] = update(model.__table__).where(*_placed(model)).values(values)
    return _UPDATES[key]


_PLACED: dict[type, list] = {}


def _placed(model) -> list:
    """The conditions that pick one row of `model` by the report, the table's position and the row's
    place (bound as in_report, in_table, p0, p1 …): each level's id is a subquery on the one above."""
    if model not in _PLACED:
        tables = SelfEvalTable.__table__
        at_table = [tables.c.report_id == bindparam("in_report"), tables.c.position == bindparam("in_table")]
        if model is SelfEvalTable:
            _PLACED[model] = at_table
        else:
            parent = select(tables.c.id).where(*at_table).scalar_subquery()
            *above, _ = _CHAIN[model]
            for depth, level in enumerate(above):
                columns = level.__table__.c
                where = (columns[_PARENT[level]] == parent, columns.position == bindparam(f"p{depth}"))
                parent = select(columns.id).where(*where).scalar_subquery()
            columns = model.__table__.c
            _PLACED[model] = [columns[_PARENT[model]] == parent, columns.position == bindparam(f"p{len(above)}")]
    return _PLACED[model]


#: The levels from below the table down to each kind of row.
_CHAIN = {
    SelfEvalTable: (),
    SelfEvalHeaderField: (SelfEvalHeaderField,),
    SelfEvalGoal: (SelfEvalGoal,),
    SelfEvalLevel1: (SelfEvalGoal, SelfEvalLevel1),
    SelfEvalLevel2: (SelfEvalGoal, SelfEvalLevel1, SelfEvalLevel2),
    SelfEvalIndicator: (SelfEvalGoal, SelfEvalLevel1, SelfEvalLevel2, SelfEvalIndicator),
}


def selfeval_rows(report_id: int, tables: list[dict[str, Any]], positions: set[int] | None = None, orm: bool = True):
    """The tables (those at `positions`, when given) as rows: ORM objects to insert, or plain ones to compare."""
    make_table, make_header, make_goal, make_level1, make_level2, make_indicator = _ORM if orm else _PLAIN
    rows = []
    for position, data in enumerate(tables):
        if positions is not None and position not in positions:
            continue
        budget = data.get("budget") or {}
        table = make_table(
            report_id=report_id,
            position=position,
            kind=str(data.get("kind", "项目")),
            total=data.get("total"),
            reason=data.get("reason"),
            measures=data.get("measures"),
            **{column: budget.get(key) for key, column in _BUDGET.items()},
        )
        table.header = [
            make_header(position=i, name=name, value=str(value))
            for i, (name, value) in enumerate((data.get("header") or {}).items())
        ]
        table.goals = [
            make_goal(
                position=g,
                name=goal.get("name"),
                points=goal.get("points"),
                groups=[
                    make_level1(
                        position=i,
                        name=group.get("level1"),
                        points=group.get("points"),
                        groups=[
                            make_level2(
                                position=j,
                                name=sub.get("level2"),
                                points=sub.get("points"),
                                indicators=[
                                    make_indicator(position=k, **{f: ind.get(f) for f in _INDICATOR_FIELDS})
                                    for k, ind in enumerate(sub.get("indicators") or [])
                                ],
                            )
                            for j, sub in enumerate(group.get("groups") or [])
                        ],
                    )
                    for i, group in enumerate(goal.get("groups") or [])
                ],
            )
            for g, goal in enumerate(data.get("goals") or [])
        ]
        rows.append(table)
    return rows


def _present(**fields: Any) -> dict[str, Any]:
    """A report-file object: fields not printed in this layout are left out."""
    return {k: v for k, v in fields.items() if v is not None}


def selfeval_dict(table) -> dict[str, Any]:
    """A stored (or about to be stored) table as the report file has it."""
    return _present(
        kind=table.kind,
        header={f.name: f.value for f in table.header},
        budget=_present(**{key: getattr(table, column) for key, column in _BUDGET.items()}),
        goals=[
            _present(
                name=goal.name,
                points=goal.points,
                groups=[
                    _present(
                        level1=group.name,
                        points=group.points,
                        groups=[
                            _present(
                                level2=sub.name,
                                points=sub.points,
                                indicators=[
                                    _present(**{f: getattr(ind, f) for f in _INDICATOR_FIELDS})
                                    for ind in sub.indicators
                                ],
                            )
                            for sub in group.groups
                        ],
                    )
                    for group in goal.groups
                ],
            )
            for goal in table.goals
        ],
        total=table.total,
        reason=table.reason,
        measures=table.measures,
    )
