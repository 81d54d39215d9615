"""The 情况说明's supplementary answers of a report: rows of narrative_answers, every change logged."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.history import log_entry
from db.models import NarrativeAnswer

#: The edit log's address of an answer: 情况说明:<key> (as 说明:<finding> is a finding's 说明).
LOG_PREFIX = "情况说明:"


def read_answers(session: Session, report_id: int) -> dict[str, str]:
    rows = session.execute(
        select(NarrativeAnswer.key, NarrativeAnswer.value).where(NarrativeAnswer.report_id == report_id)
    )
    return dict(rows.all())


def write_answers(
    session: Session, report_id: int, changes: Mapping[str, str | None], source: str, now: datetime
) -> int:
    """Put the answers given (None removes one), logging each that changed; returns how many did."""
    current = read_answers(session, report_id)
    changed = {k: v for k, v in changes.items() if current.get(k) != v}
    gone = [k for k, v in changed.items() if v is None]
    if gone:
        session.execute(
            delete(NarrativeAnswer).where(NarrativeAnswer.report_id == report_id, NarrativeAnswer.key.in_(gone))
        )
    for key, value in changed.items():
        if value is not None:
            session.merge(NarrativeAnswer(report_id=report_id, key=key, value=value))
        session.add(log_entry(report_id, now, f"{LOG_PREFIX}{key}", current.get(key), value, source))
    return len(changed)


def replace_answers(session: Session, report_id: int, answers: Mapping[str, str], source: str, now: datetime) -> int:
    """Make the report's answers exactly `answers` (an import over a report), logging what changed."""
    current = read_answers(session, report_id)
    changes: dict[str, str | None] = dict.fromkeys(current.keys() - answers.keys())
    changes.update(answers)
    return write_answers(session, report_id, changes, source, now)
