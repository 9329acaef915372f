"""The calendar files a pair's members get in their DM (``bot.calendar_invites``): owed when
the pair agrees or changes its rhythm, when a pause takes dates out or gives them back, and
when an ended mentorship withdraws the event. Each is a send in the outbox (the scheduler's
next tick sends it, never twice), keyed by the pairing, the member and the moment of the
change, and drawn from the pairing as it is when it goes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from storage.models import Pairing, ScheduledSend
from storage.outbox import SENT, NewSend, enqueue_many, send_key

RHYTHM_FILE = "calendar.rhythm"


def _key(pairing: Pairing, member: str, now: datetime) -> str:
    return send_key(RHYTHM_FILE, f"{pairing.id}:{member}", now)


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
        NewSend(
            key=_key(pairing, member, now),
            kind=RHYTHM_FILE,
            slot_at=now,
            due_at=now,
            pairing_id=pairing.id,
            recipient=member,
        )
        for member in members
    ]
    return enqueue_many(session, sends)


def owe_cancellations(session: Session, pairing: Pairing, now: datetime) -> int:
    """The mentorship ended: the event is withdrawn from the calendar of each member who was
    sent it."""
    return owe_rhythm_files(session, pairing, now, holders_only=True)


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
