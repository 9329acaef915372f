"""The outbox: every scheduled message is enqueued under a unique key before it is sent.

The rule that makes scheduled sends exactly-once in normal running and never lost:

1. The tick that finds work due makes the domain change (a request expires, a check-in slot
   passes) and enqueues its messages in one transaction. Each message has a unique key
   (``kind/subject/slot``), so of two ticks racing for the same slot, in one process or
   several, exactly one enqueues it; the other finds the key taken and skips. The enqueued row
   is *claimed* by that tick (``claimed_at``, ``claim_token``).
2. The claiming tick calls Slack, then marks the row ``sent``, or ``failed`` with Slack's
   reason when the error is permanent (or after ``MAX_ATTEMPTS``).
3. A row still ``claimed`` after the claim timeout belongs to a tick that died between steps 1
   and 2 (or gave the claim back after a passing failure). Any later tick takes it over and
   sends it. This is the one case in which a message can arrive twice: the process died after
   Slack accepted the message but before step 2 was saved. A message is never lost.

A message owed later (``due_at`` after now: a check-in outside its recipient's working hours)
is enqueued ``pending`` under its unique key in step 1 instead, and claimed by whichever tick
first finds it due (:func:`claim_due_pending`, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL); from
there it follows steps 2 and 3.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ScheduledSend

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"

MAX_ATTEMPTS = 5
# A claim given back after a passing failure is stale at once: the next tick retries it.
_RELEASED_AT = datetime(2000, 1, 1, tzinfo=UTC)


def send_key(kind: str, subject: int | str, slot: datetime | None = None) -> str:
    suffix = f"/{slot.astimezone(UTC).isoformat()}" if slot is not None else ""
    return f"{kind}/{subject}{suffix}"


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    slot_at: datetime,
    now: datetime,
    pairing_id: int | None = None,
    request_id: int | None = None,
    recipient: str | None = None,
    due_at: datetime | None = None,
) -> ScheduledSend | None:
    """Enqueue and claim the send ``key`` (or, when ``due_at`` is later than ``now``, leave it
    pending until then); None when it was enqueued before."""
    later = due_at is not None and due_at > now
    row = ScheduledSend(
        dedupe_key=key,
        kind=kind,
        pairing_id=pairing_id,
        request_id=request_id,
        recipient=recipient,
        slot_at=slot_at,
        due_at=due_at or slot_at,
        status=PENDING if later else CLAIMED,
        claimed_at=None if later else now,
        claim_token=None if later else uuid.uuid4().hex,
        attempts=0,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def claim_due_pending(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Claim pending rows that have come due for this tick; rows another tick is claiming at
    the same moment are skipped (PostgreSQL) rather than waited for."""
    ids = list(
        session.scalars(
            select(ScheduledSend.id)
            .where(ScheduledSend.status == PENDING, ScheduledSend.due_at <= now)
            .order_by(ScheduledSend.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
    )
    if not ids:
        return []
    token = uuid.uuid4().hex
    session.execute(
        update(ScheduledSend)
        .where(ScheduledSend.id.in_(ids), ScheduledSend.status == PENDING)
        .values(status=CLAIMED, claimed_at=now, claim_token=token)
        .execution_options(synchronize_session=False)
    )
    # Only what this tick's token now holds: on SQLite a concurrent writer could have won.
    return list(
        session.scalars(
            select(ScheduledSend.id).where(
                ScheduledSend.id.in_(ids), ScheduledSend.claim_token == token
            )
        ).all()
    )


def stale_claims(
    session: Session, now: datetime, timeout: timedelta, limit: int = 200
) -> Sequence[int]:
    return session.scalars(
        select(ScheduledSend.id)
        .where(ScheduledSend.status == CLAIMED, ScheduledSend.claimed_at < now - timeout)
        .order_by(ScheduledSend.slot_at)
        .limit(limit)
    ).all()


def take_over(session: Session, send_id: int, now: datetime, timeout: timedelta) -> bool:
    """Claim a stale row for this tick; False when another tick got there first."""
    result = session.execute(
        update(ScheduledSend)
        .where(
            ScheduledSend.id == send_id,
            ScheduledSend.status == CLAIMED,
            ScheduledSend.claimed_at < now - timeout,
        )
        .values(claimed_at=now, claim_token=uuid.uuid4().hex)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def mark_sent(
    send: ScheduledSend, now: datetime, *, channel: str | None = None, ts: str | None = None
) -> None:
    send.status = SENT
    send.sent_at = now
    send.channel = channel
    send.ts = ts
    send.error = None


def mark_skipped(send: ScheduledSend, now: datetime, why: str) -> None:
    """Nothing to send any more (the pairing ended, the request was answered)."""
    send.status = SKIPPED
    send.sent_at = now
    send.error = why


def mark_failed(send: ScheduledSend, error: str) -> None:
    send.status = FAILED
    send.error = error[:500]


def give_back(send: ScheduledSend, error: str) -> None:
    """A passing failure: retry on a later tick, or give up after ``MAX_ATTEMPTS``."""
    if send.attempts >= MAX_ATTEMPTS:
        mark_failed(send, f"gave up after {send.attempts} attempts: {error}")
        return
    send.error = error[:500]
    send.claimed_at = _RELEASED_AT


def get_send(session: Session, key: str) -> ScheduledSend | None:
    return session.scalar(select(ScheduledSend).where(ScheduledSend.dedupe_key == key))


def failed_sends_since(session: Session, since: datetime) -> Sequence[ScheduledSend]:
    return session.scalars(
        select(ScheduledSend)
        .where(ScheduledSend.status == FAILED, ScheduledSend.slot_at >= since)
        .order_by(ScheduledSend.slot_at)
    ).all()
