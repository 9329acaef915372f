"""Pairings: creating them, finding them, their members, and ending them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.lifecycle import PairingEvent, PairingStatus, next_pairing_status
from bot.programs import DEFAULT_REASSESS_WEEKS, Source
from bot.text import Mrkdwn, fmt, md, mention
from storage.calendar_files import owe_cancellations
from storage.feedback import queue_exit_surveys
from storage.meeting_plans import end_with_mentorship
from storage.models import Activity, Pairing
from storage.people import ensure_person, hold_places, mentee_count
from storage.places import PlaceCause, place_freed
from storage.programs import add_members, get_program
from storage.upsert import insert_new, unique_index

OPEN = (PairingStatus.ACTIVE.value, PairingStatus.PAUSED.value)


def get_pairing(session: Session, pairing_id: int, *, lock: bool = False) -> Pairing | None:
    query = select(Pairing).where(Pairing.id == pairing_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def pairings_by_id(session: Session, pairing_ids: Collection[int]) -> dict[int, Pairing]:
    """The pairings with these ids, in one query."""
    if not pairing_ids:
        return {}
    found = session.scalars(select(Pairing).where(Pairing.id.in_(list(pairing_ids))))
    return {pairing.id: pairing for pairing in found}


def is_member(pairing: Pairing, user_id: str) -> bool:
    return user_id in (pairing.mentor_id, pairing.mentee_id)


def other_member(pairing: Pairing, user_id: str) -> str:
    return pairing.mentee_id if user_id == pairing.mentor_id else pairing.mentor_id


def is_open(pairing: Pairing) -> bool:
    return pairing.status in OPEN


def require_member(pairing: Pairing | None, user_id: str) -> Pairing:
    """The pairing, if ``user_id`` belongs to it; otherwise a refusal that reveals nothing."""
    if pairing is None or not is_member(pairing, user_id):
        raise Refused(
            md("That belongs to a mentorship you're not part of, so I left it alone."),
            reason="forbidden",
        )
    return pairing


def open_pairing_for(
    session: Session, *, program_id: int, mentor_id: str, mentee_id: str, focus: str
) -> Pairing | None:
    return session.scalar(
        select(Pairing).where(
            Pairing.program_id == program_id,
            Pairing.mentor_id == mentor_id,
            Pairing.mentee_id == mentee_id,
            Pairing.focus == focus,
            Pairing.status.in_(OPEN),
        )
    )


def open_pairings_of(session: Session, user_id: str) -> Sequence[Pairing]:
    return session.scalars(
        select(Pairing)
        .where(
            or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id),
            Pairing.status.in_(OPEN),
        )
        .order_by(Pairing.started_at, Pairing.id)
    ).all()


class MentorAtCapacity(Refused):
    """The mentor already has as many mentees as they said they can take on."""

    def __init__(self, mentor_id: str, limit: int) -> None:
        super().__init__(
            fmt(
                "{mentor} is mentoring as many people as they said they can take on, so "
                "this mentorship wasn't started.",
                mentor=mention(mentor_id),
            ),
            reason="bad_input",
        )
        self.limit = limit


def create_pairing(
    session: Session,
    *,
    program_id: int,
    mentor_id: str,
    mentee_id: str,
    focus: str,
    origin: str,
    now: datetime,
    assigned_by: str | None = None,
) -> Pairing:
    if mentor_id == mentee_id:
        raise Refused(md("Someone can't be their own mentor."))
    if open_pairing_for(
        session, program_id=program_id, mentor_id=mentor_id, mentee_id=mentee_id, focus=focus
    ):
        raise Refused(_already_paired(mentor_id, mentee_id))
    ensure_person(session, mentee_id)
    # The mentor's limit holds however mentorships start (accepting, assigning, reassigning, a
    # matching round), and under concurrent starts: their row is locked before counting.
    mentor = hold_places(session, mentor_id)
    if mentor.capacity is not None and mentee_count(session, mentor_id) >= mentor.capacity:
        raise MentorAtCapacity(mentor_id, mentor.capacity)
    program = get_program(session, program_id)
    if program is None:
        raise LookupError(f"no program {program_id}")
    add_members(session, program_id, (mentor_id, mentee_id), source=Source.PAIRING, now=now)
    one_open = unique_index(Pairing, "uq_open_pairing")
    added = insert_new(
        session,
        Pairing,
        [
            {
                "program_id": program_id,
                "mentor_id": mentor_id,
                "mentee_id": mentee_id,
                "focus": focus,
                "status": PairingStatus.ACTIVE.value,
                "origin": origin,
                "assigned_by": assigned_by,
                "started_at": now,
                "last_activity_at": now,
                "reassess_every_weeks": program.reassess_every_weeks or DEFAULT_REASSESS_WEEKS,
                "unanswered_checkins": 0,
            }
        ],
        key=one_open.columns,
        where=one_open.where,
    )
    if not added:
        # The same pair started at the same moment by another request (two accepts at once).
        raise Refused(_already_paired(mentor_id, mentee_id))
    pairing = session.get(Pairing, added[0])
    assert pairing is not None
    record(session, pairing, actor_id=assigned_by or mentor_id, kind="pairing.started", now=now)
    return pairing


def _already_paired(mentor_id: str, mentee_id: str) -> Mrkdwn:
    return fmt(
        "{mentor} already mentors {mentee} for this focus.",
        mentor=mention(mentor_id),
        mentee=mention(mentee_id),
    )


def apply_pairing_event(pairing: Pairing, event: PairingEvent, now: datetime) -> None:
    pairing.status = next_pairing_status(PairingStatus(pairing.status), event).value
    pairing.last_activity_at = now


def close_pairing(
    session: Session,
    pairing: Pairing,
    *,
    by: str,
    completed: bool,
    reason: str | None,
    reason_visibility: str,
    now: datetime,
    started: bool = True,
) -> None:
    """End (or complete) a pairing: history stays, scheduled check-ins stop at once, the
    mentor's place is recorded free (:func:`storage.places.place_freed`), and each member still
    in the workspace is owed one exit survey DM (through the outbox); its meeting plans end
    with it (:func:`storage.meeting_plans.end_with_mentorship`). A pairing that never
    started (an assignment declined) is closed the same way but owes no survey: there was no
    mentorship to ask about."""
    apply_pairing_event(pairing, PairingEvent.COMPLETE if completed else PairingEvent.END, now)
    pairing.ended_at = now
    pairing.ended_by = by
    pairing.end_reason = reason or None
    pairing.end_reason_visibility = reason_visibility
    pairing.next_checkin_at = None
    pairing.next_reassess_at = None
    pairing.paused_until = None
    record(
        session,
        pairing,
        actor_id=by,
        kind="pairing.completed"
        if completed
        else "pairing.ended"
        if started
        else "pairing.declined",
        now=now,
    )
    place_freed(
        session,
        pairing.mentor_id,
        PlaceCause.ENDED if started else PlaceCause.NEVER_STARTED,
        now,
    )
    if started:
        queue_exit_surveys(session, pairing, now)
        owe_cancellations(session, pairing, now)  # the rhythm's event leaves their calendars
    # After the withdrawals above were owed: they read the meetings still to come.
    end_with_mentorship(session, pairing.id, now)


def record(
    session: Session,
    pairing: Pairing | None,
    *,
    actor_id: str | None,
    kind: str,
    now: datetime,
    subject_id: int | None = None,
    **detail: object,
) -> None:
    """Keep who did what to a pairing, for its history and the reports."""
    session.add(
        Activity(
            pairing_id=pairing.id if pairing is not None else None,
            actor_id=actor_id,
            kind=kind,
            subject_id=subject_id,
            detail=dict(detail),
            at=now,
        )
    )
    if pairing is not None:
        pairing.last_activity_at = now
