"""Codes users added to a report's catalogues: read, replace (on import) and one logged change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.history import log_entry
from db.models import CatalogueAddition


def log_address(kind: str, code: str) -> str:
    """How the edit log names an added code."""
    return f"科目目录:{kind}:{code}"


def read_additions(session: Session, report_id: int) -> dict[str, dict[str, str]]:
    rows = session.execute(
        select(CatalogueAddition.kind, CatalogueAddition.code, CatalogueAddition.name)
        .where(CatalogueAddition.report_id == report_id)
        .order_by(CatalogueAddition.kind, CatalogueAddition.code)
    )
    additions: dict[str, dict[str, str]] = {}
    for kind, code, name in rows:
        additions.setdefault(kind, {})[code] = name
    return additions


def write_addition(
    session: Session, report_id: int, kind: str, code: str, name: str | None, source: str, now: datetime
) -> bool:
    """Give one code a name in the report's catalogue (None removes it), logged; whether anything changed."""
    current = session.get(CatalogueAddition, (report_id, kind, code))
    old = current.name if current else None
    if old == name:
        return False
    if current is not None and name is None:
        session.delete(current)
    elif current is not None:
        current.name = name
    else:
        session.add(CatalogueAddition(report_id=report_id, kind=kind, code=code, name=name))
    session.add(log_entry(report_id, now, log_address(kind, code), old, name, source))
    return True


def replace_additions(
    session: Session, report_id: int, additions: dict[str, dict[str, str]], source: str, now: datetime
) -> None:
    """Put a whole report's additions in place of those held (an import), logging each that differs."""
    old = read_additions(session, report_id)
    for kind in sorted(old.keys() | additions.keys()):
        before, after = old.get(kind, {}), additions.get(kind, {})
        for code in sorted(before.keys() | after.keys()):
            if before.get(code) != after.get(code):
                session.add(
                    log_entry(report_id, now, log_address(kind, code), before.get(code), after.get(code), source)
                )
    session.execute(delete(CatalogueAddition).where(CatalogueAddition.report_id == report_id))
    session.add_all(
        CatalogueAddition(report_id=report_id, kind=kind, code=code, name=name)
        for kind, codes in additions.items()
        for code, name in codes.items()
    )
