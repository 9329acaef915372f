"""People who leave the workspace, or a program: what changes when the app learns it, and when
they return.

Leaving ends each open mentorship (ended early, recorded as ``pairing.member_left`` so the
digest lists it once), withdraws the requests waiting either way, takes the person off waiting
lists and out of matching rounds not yet decided, and skips whatever the outbox still owed them
or those pairs and requests."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.lifecycle import RequestEvent, RequestStatus
from bot.programs import Role
from storage.calendar_files import MEETING_FILE, RHYTHM_FILE
from storage.feedback import EXIT_SURVEY
from storage.matching import PairStatus, RoundStatus, rounds_in, withdraw_mentors
from storage.models import (
    Activity,
    MatchPair,
    MatchParticipant,
    MentorRequest,
    Pairing,
    Person,
    ProgramMember,
    ScheduledSend,
    WaitingEntry,
)
from storage.outbox import PENDING, SKIPPED, NewSend, enqueue_many, send_key
from storage.pairings import OPEN, close_pairing, other_member, record
from storage.places import LEFT, WAITING
from storage.programs import remove_members
from storage.requests import CLOSED_FOR_MENTEE, try_request_event

LEFT_REASON = "Ended early: the member left the workspace"
# What the ending of a mentorship owes the partner who stays, through the outbox: their exit
# survey, and the calendar files that take the rhythm and the meetings still to come off their
# calendar (each file's renderer judges from the database whether one is still owed).
OWED_TO_PARTNER = (EXIT_SURVEY, RHYTHM_FILE, MEETING_FILE)
MEMBER_LEFT = "pairing.member_left"


@dataclass(frozen=True)
class EndedPairing:
    pairing_id: int
    program_id: int
    partner_id: str
    partner_is_mentee: bool
    focus: str


@dataclass(frozen=True)
class WithdrawnRequest:
    request_id: int
    program_id: int
    mentee_id: str
    mentor_id: str
    focus: str
    mentor_channel: str | None
    mentor_ts: str | None


@dataclass
class Departure:
    """What leaving changed, for the messages sent once it is saved."""

    user_id: str
    pairings: list[EndedPairing] = field(default_factory=list)
    requests: list[WithdrawnRequest] = field(default_factory=list)


def end_everything_of(
    session: Session, user_id: str, *, by: str, reason: str, kind: str, now: datetime
) -> Departure:
    """End ``user_id``'s open mentorships early (by ``by``, with ``reason`` for coordinators
    and an activity row of ``kind``), withdraw their pending requests both ways, and skip
    every pending send to them or about those pairs and requests."""
    departure = Departure(user_id)
    pairings = session.scalars(
        select(Pairing)
        .where(
            or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id),
            Pairing.status.in_(OPEN),
        )
        .order_by(Pairing.id)
        .with_for_update()
    ).all()
    for pairing in pairings:
        close_pairing(
            session,
            pairing,
            by=by,
            completed=False,
            reason=reason,
            reason_visibility="coordinators",
            now=now,
        )
        record(session, pairing, actor_id=user_id, kind=kind, now=now)
        partner = other_member(pairing, user_id)
        departure.pairings.append(
            EndedPairing(
                pairing.id, pairing.program_id, partner, partner == pairing.mentee_id, pairing.focus
            )
        )
    requests = session.scalars(
        select(MentorRequest)
        .where(
            or_(MentorRequest.mentee_id == user_id, MentorRequest.mentor_id == user_id),
            MentorRequest.status == RequestStatus.PENDING.value,
        )
        .order_by(MentorRequest.id)
        .with_for_update()
    ).all()
    for request in requests:
        if try_request_event(request, RequestEvent.WITHDRAW, now):
            departure.requests.append(
                WithdrawnRequest(
                    request.id,
                    request.program_id,
                    request.mentee_id,
                    request.mentor_id,
                    request.focus,
                    request.mentor_channel,
                    request.mentor_ts,
                )
            )
    skip_sends_of(
        session,
        user_id,
        [p.pairing_id for p in departure.pairings],
        [r.request_id for r in departure.requests],
        now,
    )
    leave_lists_and_rounds(session, user_id, now)
    return departure


def leave_lists_and_rounds(session: Session, user_id: str, now: datetime) -> None:
    """Off every waiting list, out of the matching rounds still collecting answers, and out of
    the proposals still waiting for approval (their trainees are left for the coordinator)."""
    _leave_lists_and_rounds(session, [user_id], now, program_id=None)


def take_out_of_program(
    session: Session,
    program_id: int,
    user_ids: Collection[str],
    now: datetime,
    *,
    source: str | None = None,
) -> int:
    """These people are no longer members of the program (they left it, a coordinator took them
    out, or, with ``source``, they left the channel or user group they came in through): off
    its waiting list, out of its matching rounds not yet decided, as trainees and as mentors,
    and their requests there waiting for an answer withdrawn both ways. Their mentorships there
    carry on. Returns how many stopped being members.

    The one way members leave a program: a test keeps every other module from removing
    memberships another way (``tests/test_state_change_rules.py``)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return 0
    # Their requests first, locked in the order an answer locks them (the request, then the
    # membership it may add), so that leaving and a mentor's Accept at once wait in turn.
    requests = _waiting_requests_in(session, program_id, wanted)
    members = select(ProgramMember.user_id).where(
        ProgramMember.program_id == program_id,
        ProgramMember.role == Role.MEMBER,
        ProgramMember.user_id.in_(wanted),
    )
    before = set(session.scalars(members))
    remove_members(session, program_id, wanted, source=source)
    gone = before - set(session.scalars(members))
    if gone:
        _leave_lists_and_rounds(session, gone, now, program_id=program_id)
        _withdraw(session, requests, gone, now)
    return len(gone)


def _waiting_requests_in(
    session: Session, program_id: int, user_ids: Sequence[str]
) -> Sequence[MentorRequest]:
    """The requests in the program made by or to these people still waiting for an answer,
    locked."""
    return session.scalars(
        select(MentorRequest)
        .where(
            MentorRequest.program_id == program_id,
            MentorRequest.status == RequestStatus.PENDING.value,
            or_(MentorRequest.mentee_id.in_(user_ids), MentorRequest.mentor_id.in_(user_ids)),
        )
        .order_by(MentorRequest.id)
        .with_for_update()
    ).all()


def _withdraw(
    session: Session, requests: Sequence[MentorRequest], gone: Collection[str], now: datetime
) -> None:
    """Withdraw the ``requests`` made by or to someone who left the program (an answer would
    bring them back in). A mentee still in it who was waiting on someone who left is told,
    through the outbox; the asked person's Accept, tapped, says the request was withdrawn."""
    told: list[NewSend] = []
    for request in requests:
        if request.mentee_id not in gone and request.mentor_id not in gone:
            continue
        if not try_request_event(request, RequestEvent.WITHDRAW, now):
            continue
        if request.mentee_id not in gone:
            told.append(
                NewSend(
                    key=send_key(CLOSED_FOR_MENTEE, request.id),
                    kind=CLOSED_FOR_MENTEE,
                    slot_at=now,
                    due_at=now,
                    request_id=request.id,
                    recipient=request.mentee_id,
                )
            )
    enqueue_many(session, told)


def _leave_lists_and_rounds(
    session: Session, user_ids: Collection[str], now: datetime, *, program_id: int | None
) -> None:
    wanted = sorted(set(user_ids))
    entries = update(WaitingEntry).where(
        WaitingEntry.user_id.in_(wanted), WaitingEntry.status == WAITING
    )
    if program_id is not None:
        entries = entries.where(WaitingEntry.program_id == program_id)
    session.execute(entries.values(status=LEFT, left_at=now))
    session.execute(
        delete(MatchParticipant).where(
            MatchParticipant.user_id.in_(wanted),
            MatchParticipant.round_id.in_(rounds_in(RoundStatus.COLLECTING, program_id)),
        )
    )
    session.execute(
        update(MatchPair)
        .where(
            MatchPair.round_id.in_(rounds_in(RoundStatus.PROPOSED, program_id)),
            MatchPair.trainee_id.in_(wanted),
            MatchPair.status == PairStatus.PROPOSED.value,
        )
        .values(status=PairStatus.REMOVED.value, reason="No longer taking part")
    )
    withdraw_mentors(session, wanted, program_id=program_id)


def skip_sends_of(
    session: Session,
    user_id: str,
    pairing_ids: Sequence[int],
    request_ids: Sequence[int],
    now: datetime,
) -> None:
    """Skip the outbox rows still waiting to go to ``user_id`` or about these pairs and
    requests: none of them should reach anyone now, but what the pairs' endings owe the
    partners (:data:`OWED_TO_PARTNER`)."""
    about = [ScheduledSend.recipient == user_id]
    if pairing_ids:
        # What the ending owes the partner (their survey, their calendar's withdrawals) is
        # still theirs to get.
        about.append(
            and_(
                ScheduledSend.pairing_id.in_(list(pairing_ids)),
                ScheduledSend.kind.not_in(OWED_TO_PARTNER),
            )
        )
    if request_ids:
        about.append(ScheduledSend.request_id.in_(list(request_ids)))
    session.execute(
        update(ScheduledSend)
        .where(ScheduledSend.status == PENDING, or_(*about))
        .values(status=SKIPPED, error="the person left or was forgotten", sent_at=now)
    )


def mark_left(session: Session, user_id: str, now: datetime) -> Departure | None:
    """Record that ``user_id`` left and end what they were part of; None when the app never
    met them or already knew they had left (a retried event, a second failed send)."""
    person = session.get(Person, user_id, with_for_update=True)
    if person is None or person.left_at is not None or person.erased_at is not None:
        return None
    person.is_deleted = True
    person.left_at = now
    return end_everything_of(
        session, user_id, by=user_id, reason=LEFT_REASON, kind=MEMBER_LEFT, now=now
    )


def mark_returned(session: Session, user_id: str) -> bool:
    """A person who left is active again (Slack reactivated them); True when they had left."""
    person = session.get(Person, user_id, with_for_update=True)
    if person is None or person.left_at is None or person.erased_at is not None:
        return False
    person.is_deleted = False
    person.left_at = None
    return True


def departures_between(
    session: Session, program_id: int, start: datetime, end: datetime
) -> tuple[tuple[str, str], ...]:
    """(who left, their partner) for each of the program's mentorships that ended because a
    member left in [start, end), oldest first: what the digest of that period lists."""
    rows = session.execute(
        select(Activity.actor_id, Pairing.mentor_id, Pairing.mentee_id)
        .join(Pairing, Pairing.id == Activity.pairing_id)
        .where(
            Activity.kind == MEMBER_LEFT,
            Pairing.program_id == program_id,
            Activity.at >= start,
            Activity.at < end,
        )
        .order_by(Activity.at, Activity.id)
    ).all()
    return tuple(
        (str(left), mentee if left == mentor else mentor)
        for left, mentor, mentee in rows
        if left is not None
    )
