"""Mentor requests: asking, answering, withdrawing, and what is due for reminder or expiry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.lifecycle import IllegalTransition, RequestEvent, RequestStatus, next_request_status
from bot.programs import Source
from bot.text import Mrkdwn, fmt, md, mention
from storage.models import MentorRequest
from storage.pairings import open_pairing_for
from storage.people import ensure_person, is_at_capacity
from storage.programs import add_members
from storage.upsert import insert_new, unique_index

PENDING = RequestStatus.PENDING.value
SENDING = RequestStatus.SENDING.value
OPEN = (SENDING, PENDING)
# The outbox's note to a mentee whose request was withdrawn because the person they asked is
# no longer in the program (storage.leaving.take_out_of_program).
CLOSED_FOR_MENTEE = "request.closed.mentee"


def get_request(session: Session, request_id: int, *, lock: bool = False) -> MentorRequest | None:
    query = select(MentorRequest).where(MentorRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def find_open(
    session: Session, program_id: int, mentee_id: str, mentor_id: str, focus: str
) -> MentorRequest | None:
    """The request in this program for this mentee, mentor and focus that is being sent or
    waits for an answer, if any."""
    return session.scalar(
        select(MentorRequest).where(
            MentorRequest.program_id == program_id,
            MentorRequest.mentee_id == mentee_id,
            MentorRequest.mentor_id == mentor_id,
            MentorRequest.focus == focus,
            MentorRequest.status.in_(OPEN),
        )
    )


def pending_from(session: Session, mentee_id: str) -> list[MentorRequest]:
    return list(
        session.scalars(
            select(MentorRequest)
            .where(MentorRequest.mentee_id == mentee_id, MentorRequest.status == PENDING)
            .order_by(MentorRequest.created_at)
        )
    )


def pending_to(session: Session, mentor_id: str) -> list[MentorRequest]:
    return list(
        session.scalars(
            select(MentorRequest)
            .where(MentorRequest.mentor_id == mentor_id, MentorRequest.status == PENDING)
            .order_by(MentorRequest.created_at)
        )
    )


def other_pending_for_focus(session: Session, accepted: MentorRequest) -> list[MentorRequest]:
    """The mentee's other requests for the same focus, still waiting once one was accepted."""
    return [
        r
        for r in pending_from(session, accepted.mentee_id)
        if r.focus == accepted.focus and r.program_id == accepted.program_id and r.id != accepted.id
    ]


def open_request(
    session: Session,
    *,
    program_id: int,
    mentee_id: str,
    mentor_id: str,
    focus: str,
    note: str,
    now: datetime,
    remind_after: timedelta,
    expire_after: timedelta,
) -> MentorRequest:
    """Record a new request as being sent (see :func:`deliver_request`), or refuse one that
    cannot be."""
    if mentee_id == mentor_id:
        raise Refused(md("You can't ask yourself to be your mentor. Pick a colleague instead."))
    if find_open(session, program_id, mentee_id, mentor_id, focus) is not None:
        raise Refused(_already_asked(mentor_id))
    if open_pairing_for(
        session, program_id=program_id, mentor_id=mentor_id, mentee_id=mentee_id, focus=focus
    ):
        raise Refused(
            fmt("{mentor} is already your mentor for this focus.", mentor=mention(mentor_id))
        )
    if is_at_capacity(session, mentor_id):
        raise Refused(
            fmt(
                "{mentor} is mentoring as many people as they can right now. Try asking "
                "someone else, or ask your program coordinator for a suggestion.",
                mentor=mention(mentor_id),
            )
        )
    ensure_person(session, mentee_id)
    ensure_person(session, mentor_id)
    add_members(session, program_id, (mentee_id,), source=Source.PAIRING, now=now)
    pending = unique_index(MentorRequest, "uq_pending_request")
    added = insert_new(
        session,
        MentorRequest,
        [
            {
                "program_id": program_id,
                "mentee_id": mentee_id,
                "mentor_id": mentor_id,
                "focus": focus,
                "note": note,
                "status": SENDING,
                "created_at": now,
                "remind_at": now + remind_after,
                "expires_at": now + expire_after,
            }
        ],
        key=pending.columns,
        where=pending.where,
    )
    if not added:
        # The same ask, sent twice at the same moment (a double tap, a retried request).
        raise Refused(_already_asked(mentor_id))
    request = session.get(MentorRequest, added[0])
    assert request is not None
    return request


def _already_asked(mentor_id: str) -> Mrkdwn:
    return fmt(
        "You've already asked {mentor} for this focus and they haven't answered "
        "yet. I'll let you know as soon as they do.",
        mentor=mention(mentor_id),
    )


def deliver_request(session: Session, request_id: int, channel: str, ts: str) -> bool:
    """Slack took the request's DM: the request now waits for an answer, and the DM can be
    redrawn when it gets one. False when the request was discarded meanwhile."""
    request = get_request(session, request_id, lock=True)
    if request is None or request.status != SENDING:
        return False
    request.status = next_request_status(RequestStatus.SENDING, RequestEvent.DELIVER).value
    request.mentor_channel, request.mentor_ts = channel, ts
    return True


def discard_undelivered(session: Session, request_id: int) -> MentorRequest | None:
    """Forget a request whose DM never reached the asked person (a request nobody received
    does not stay); returns it, or None when it was delivered or already gone."""
    request = get_request(session, request_id, lock=True)
    if request is None or request.status != SENDING:
        return None
    session.delete(request)
    session.flush()
    return request


def stale_sending_clause(before: datetime) -> ColumnElement[bool]:
    """Requests still being sent although made before ``before`` (:func:`stale_sending`)."""
    return and_(MentorRequest.status == SENDING, MentorRequest.created_at < before)


def stale_sending(session: Session, before: datetime, limit: int = 500) -> list[int]:
    """Requests still being sent although made before ``before``: their sender died between
    saving and hearing back from Slack."""
    return list(
        session.scalars(
            select(MentorRequest.id)
            .where(stale_sending_clause(before))
            .order_by(MentorRequest.created_at)
            .limit(limit)
        )
    )


def apply_request_event(request: MentorRequest, event: RequestEvent, now: datetime) -> None:
    """Move ``request`` along its state machine; IllegalTransition when it cannot."""
    request.status = next_request_status(RequestStatus(request.status), event).value
    request.remind_at = None


def try_request_event(request: MentorRequest, event: RequestEvent, now: datetime) -> bool:
    """Apply ``event`` if the request can take it; False when it was already answered."""
    try:
        apply_request_event(request, event, now)
    except IllegalTransition:
        return False
    return True


def due_reminder_clause(now: datetime) -> ColumnElement[bool]:
    """Requests waiting for an answer, not yet reminded, whose reminder is due by ``now``."""
    return and_(
        MentorRequest.status == PENDING,
        MentorRequest.remind_at <= now,
        MentorRequest.reminded_at.is_(None),
    )


def due_expiry_clause(now: datetime) -> ColumnElement[bool]:
    """Requests waiting for an answer that expire by ``now``."""
    return and_(MentorRequest.status == PENDING, MentorRequest.expires_at <= now)


def due_reminders(session: Session, now: datetime, limit: int = 500) -> Sequence[MentorRequest]:
    return session.scalars(
        select(MentorRequest)
        .where(due_reminder_clause(now))
        .order_by(MentorRequest.remind_at)
        .limit(limit)
    ).all()


def due_expiries(session: Session, now: datetime, limit: int = 500) -> Sequence[MentorRequest]:
    return session.scalars(
        select(MentorRequest)
        .where(due_expiry_clause(now))
        .order_by(MentorRequest.expires_at)
        .limit(limit)
    ).all()
