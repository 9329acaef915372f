"""Events API deliveries already handled: Slack retries an event it thinks went unanswered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ProcessedEvent


def first_delivery(session: Session, event_id: str, now: datetime) -> bool:
    """Record ``event_id``; False when it was seen before (a retry to ignore).

    The insert runs in a savepoint so that a concurrent delivery of the same event, which
    breaks the primary key, answers False instead of failing the whole unit of work."""
    if session.scalar(select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id)):
        return False
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    return True


def received_before_clause(cutoff: datetime) -> ColumnElement[bool]:
    return ProcessedEvent.received_at < cutoff


def forget_events_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(received_before_clause(cutoff)))
    return int(getattr(result, "rowcount", 0) or 0)
