"""Retention: free text of mentorships that ended before the cutoff, and notes of requests
answered before it, are purged; the rows, their dates, statuses and counts stay, so reports
and past digests keep their numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, select, text, update
from sqlalchemy.orm import Session

from storage.models import (
    Activity,
    CheckIn,
    ExitSurvey,
    Goal,
    MentorRequest,
    Pairing,
    SessionRating,
    Task,
)
from storage.pairings import OPEN
from storage.requests import OPEN as OPEN_REQUESTS

# What stands where purged goal and task text was (the column holds text).
PURGED = "(removed after the retention period)"
BATCH = 500


def expired_pairings_clause(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        Pairing.purged_at.is_(None),
        Pairing.ended_at < cutoff,
        Pairing.status.not_in(OPEN),
    )


def expired_requests_clause(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        MentorRequest.created_at < cutoff,
        # Spelled as the partial index's condition, so the planner can use that index.
        text("mentor_requests.note <> ''"),
        MentorRequest.status.not_in(OPEN_REQUESTS),
    )


def expired_text_exists(cutoff: datetime) -> ColumnElement[bool]:
    """Whether :func:`purge_expired_text` has anything to do: one probe for the tick."""
    return exists().where(expired_pairings_clause(cutoff)) | exists().where(
        expired_requests_clause(cutoff)
    )


def purge_expired_text(session: Session, cutoff: datetime, now: datetime) -> int:
    """Purge a batch of expired text; how many mentorships were purged."""
    ids = list(
        session.scalars(
            select(Pairing.id)
            .where(expired_pairings_clause(cutoff))
            .order_by(Pairing.id)
            .limit(BATCH)
        )
    )
    if ids:
        session.execute(
            update(Goal).where(Goal.pairing_id.in_(ids)).values(text=PURGED, close_reason=None)
        )
        session.execute(update(Task).where(Task.pairing_id.in_(ids)).values(text=PURGED))
        session.execute(update(CheckIn).where(CheckIn.pairing_id.in_(ids)).values(note=None))
        session.execute(update(Activity).where(Activity.pairing_id.in_(ids)).values(detail={}))
        session.execute(
            update(SessionRating).where(SessionRating.pairing_id.in_(ids)).values(note=None)
        )
        session.execute(
            update(ExitSurvey)
            .where(ExitSurvey.pairing_id.in_(ids))
            .values(helped=None, change=None)
        )
        session.execute(
            update(Pairing).where(Pairing.id.in_(ids)).values(end_reason=None, purged_at=now)
        )
    requests = list(
        session.scalars(
            select(MentorRequest.id).where(expired_requests_clause(cutoff)).limit(BATCH)
        )
    )
    if requests:
        session.execute(update(MentorRequest).where(MentorRequest.id.in_(requests)).values(note=""))
    return len(ids)
