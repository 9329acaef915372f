"""The calendar files a pair's members get in their DM (``bot.calendar_invites``): owed when
the pair agrees or changes its rhythm, when a pause takes dates out or gives them back, and
when an ended mentorship withdraws the event; and a one-off invite to each when the pair
agrees a meeting (**Plan our next meeting**). Each is a send in the outbox (the scheduler's
next tick sends it, never twice), keyed by the pairing, the member and the moment of the
change, and drawn from the pairing as it is when it goes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from storage.meeting_plans import upcoming_meetings
from storage.models import MeetingPlan, Pairing, ScheduledSend
from storage.outbox import SENT, NewSend, enqueue_many, send_key

RHYTHM_FILE = "calendar.rhythm"
MEETING_FILE = "calendar.meeting"


def _file_send(
    kind: str, subject: int, member: str, pairing_id: int, now: datetime, *, once: bool = False
) -> NewSend:
    """A file about ``subject`` (a pairing, a meeting) owed to ``member`` now: keyed by the
    moment of the change, or ``once`` for all time (a meeting's invite)."""
    return NewSend(
        key=send_key(kind, f"{subject}:{member}", None if once else now),
        kind=kind,
        slot_at=now,
        due_at=now,
        pairing_id=pairing_id,
        recipient=member,
    )


def owe_rhythm_files(
    session: Session, pairing: Pairing, now: datetime, *, holders_only: bool = False
) -> int:
    """The rhythm changed (or a pause took dates out): a file to each member, or, with
    ``holders_only``, to each member who was sent one before; the scheduler's next tick sends
    them (a key enqueued before is left as it was). How many were owed."""
    members = [
        member
        for member in (pairing.mentor_id, pairing.mentee_id)
        if not holders_only or was_sent_a_file(session, pairing.id, member)
    ]
    sends: Sequence[NewSend] = [
        _file_send(RHYTHM_FILE, pairing.id, member, pairing.id, now) for member in members
    ]
    return enqueue_many(session, sends)


def owe_cancellations(session: Session, pairing: Pairing, now: datetime) -> int:
    """The mentorship ended: the rhythm's event, and each meeting still to come, are withdrawn
    from the calendar of each member who was sent them."""
    owed = owe_rhythm_files(session, pairing, now, holders_only=True)
    upcoming = [plan.id for plan in upcoming_meetings(session, pairing.id, now)]
    return owed + owe_meeting_withdrawals(session, pairing, upcoming, now)


def owe_meeting_withdrawals(
    session: Session, pairing: Pairing, plan_ids: Sequence[int], now: datetime
) -> int:
    """Meetings that will not happen (the mentorship ended, or another time replaced them):
    each withdrawn from the calendar of each member who was sent its invite."""
    sends = [
        _file_send(MEETING_FILE, plan_id, member, pairing.id, now)
        for plan_id in plan_ids
        for member in (pairing.mentor_id, pairing.mentee_id)
        if was_sent_the_meeting(session, plan_id, member)
    ]
    return enqueue_many(session, sends)


def was_sent_the_meeting(session: Session, plan_id: int, member: str) -> bool:
    """Whether ``member`` was sent the invite of the meeting ``plan_id``."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    ScheduledSend.dedupe_key == send_key(MEETING_FILE, f"{plan_id}:{member}"),
                    ScheduledSend.status == SENT,
                )
            )
        )
    )


def was_sent_a_file(session: Session, pairing_id: int, member: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    ScheduledSend.kind == RHYTHM_FILE,
                    ScheduledSend.pairing_id == pairing_id,
                    ScheduledSend.recipient == member,
                    ScheduledSend.status == SENT,
                )
            )
        )
    )


def owe_meeting_files(session: Session, plan: MeetingPlan, now: datetime) -> int:
    """A meeting was agreed: its one-off invite to each member, sent by the next tick."""
    pairing = session.get(Pairing, plan.pairing_id)
    if pairing is None:
        return 0
    return enqueue_many(
        session,
        [
            _file_send(MEETING_FILE, plan.id, member, pairing.id, now, once=True)
            for member in (pairing.mentor_id, pairing.mentee_id)
        ],
    )


def meeting_of_send(send: ScheduledSend) -> int | None:
    """The plan a meeting invite is about, from its key ("calendar.meeting/<plan>:<member>")."""
    subject = send.dedupe_key.split("/", 1)[-1].split(":", 1)[0]
    return int(subject) if subject.isdecimal() else None
