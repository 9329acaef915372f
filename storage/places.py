"""A mentor's free place, as one recorded fact.

Whatever frees a place (a mentorship ends or never starts, the limit rises, the profile opens
or shows again) calls :func:`place_freed` in the transaction that makes the change; the waiting
list is told from these records by the scheduler (:mod:`handlers.flows.waiting`), never by the
code that made the change, so no path that frees a place can forget to tell it.

A place told to someone on the waiting list is theirs for :data:`PLACE_HOLD`; left unused that
long, it is recorded free again (:data:`PlaceCause.UNUSED`) for the next person waiting."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from storage.models import FreedPlace, WaitingEntry

# How many recorded places one pass of the scheduler offers.
BATCH = 200

# A waiting-list entry (storage.profiles keeps the list): waiting its turn; told of a place (its
# Ask in the DM); off the list; or told of a place it left unused past the hold.
WAITING = "waiting"
NOTIFIED = "notified"
LEFT = "left"
LAPSED = "lapsed"
# How long a place told to someone on the waiting list is theirs alone.
PLACE_HOLD = timedelta(days=3)


class PlaceCause(StrEnum):
    ENDED = "ended"  # a mentorship ended or completed, by anyone or anything
    NEVER_STARTED = "never_started"  # an assignment declined
    LIMIT_RAISED = "limit_raised"
    PROFILE_OPENED = "profile_opened"  # open to new mentees, or shown in the directory again
    UNUSED = "unused"  # told to someone on the waiting list, who left it unused past the hold


def place_freed(session: Session, mentor_id: str, cause: PlaceCause, now: datetime) -> None:
    session.add(FreedPlace(mentor_id=mentor_id, cause=cause.value, at=now))


def unoffered_clause() -> ColumnElement[bool]:
    return FreedPlace.offered_at.is_(None)


def unused_notices_clause(now: datetime) -> ColumnElement[bool]:
    """Waiting-list entries told of a place longer than :data:`PLACE_HOLD` ago."""
    return and_(WaitingEntry.status == NOTIFIED, WaitingEntry.notified_at <= now - PLACE_HOLD)


def take_unoffered(session: Session) -> list[FreedPlace]:
    """The oldest places not offered yet, locked so that two schedulers offer each once (on
    SQLite writers take turns)."""
    return list(
        session.scalars(
            select(FreedPlace)
            .where(unoffered_clause())
            .order_by(FreedPlace.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )


def mark_offered(session: Session, place_ids: list[int], now: datetime) -> None:
    session.execute(update(FreedPlace).where(FreedPlace.id.in_(place_ids)).values(offered_at=now))
