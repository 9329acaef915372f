"""Events API deliveries already handled: Slack retries an event it thinks went unanswered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete
from sqlalchemy.orm import Session

from storage.models import ProcessedEvent
from storage.upsert import insert_new


def first_delivery(session: Session, event_id: str, now: datetime) -> bool:
    """Record ``event_id``; False when it was seen before (a retry to ignore).

    Of two deliveries of the same event at once, the database lets one insert the row; the
    other answers False instead of failing its whole unit of work."""
    added = insert_new(
        session,
        ProcessedEvent,
        [{"event_id": event_id, "received_at": now}],
        key=[ProcessedEvent.event_id],
    )
    return bool(added)


def received_before_clause(cutoff: datetime) -> ColumnElement[bool]:
    return ProcessedEvent.received_at < cutoff


def forget_events_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(received_before_clause(cutoff)))
    return int(getattr(result, "rowcount", 0) or 0)
