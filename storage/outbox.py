"""The outbox: every scheduled message is enqueued under a unique key before it is sent.

The rule that makes scheduled sends exactly-once in normal running and never lost:

1. The tick that finds work due makes the domain change (a request expires, a check-in slot
   passes) and enqueues its messages in one transaction. Each message has a unique key
   (``kind/subject/slot``), so of two ticks racing for the same slot, in one process or
   several, exactly one enqueues it; the other finds the key taken and skips
   (:func:`enqueue_many`: one ``INSERT … ON CONFLICT DO NOTHING`` per batch). A row waits as
   ``pending`` until its ``due_at`` (now, or later: a check-in outside its recipient's working
   hours).
2. Due rows are *claimed* in small chunks (:func:`claim_due`, ``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL), each chunk stamped with the moment it was claimed (``claimed_at``) and a token
   of its own (``claim_token``). The claiming tick renews the stamp (:func:`renew_claims`) while
   the chunk is still being sent, calls Slack, then marks the rows ``sent``
   (:func:`mark_sent_many`, one statement), or ``failed`` with Slack's reason when the error is
   permanent (or after ``MAX_ATTEMPTS``).
3. A row still ``claimed`` after the claim timeout was neither sent nor renewed, so it belongs
   to a tick that died between steps 2 and 3 (or gave the claim back after a passing failure).
   Any later tick takes it over (:func:`take_over_stale`) and sends it. This is the one case in
   which a message can arrive twice: the process died after Slack accepted the message but
   before its outcome was saved. A message is never lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, and_, column, select, update, values
from sqlalchemy.orm import Session

from storage.models import ScheduledSend
from storage.upsert import insert_new

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


@dataclass(frozen=True)
class NewSend:
    """A message owed: enqueued pending under ``key`` and sent from ``due_at`` on."""

    key: str
    kind: str
    slot_at: datetime
    due_at: datetime
    pairing_id: int | None = None
    request_id: int | None = None
    recipient: str | None = None


def enqueue_many(session: Session, sends: Sequence[NewSend]) -> int:
    """Enqueue ``sends`` as pending in one statement; a key enqueued before is left as it was.
    How many were new."""
    if not sends:
        return 0
    rows = [
        {
            "dedupe_key": send.key,
            "kind": send.kind,
            "pairing_id": send.pairing_id,
            "request_id": send.request_id,
            "recipient": send.recipient,
            "slot_at": send.slot_at,
            "due_at": send.due_at,
            "status": PENDING,
            "attempts": 0,
        }
        for send in sends
    ]
    # One statement, cached once compiled: SQLAlchemy sends the rows as multi-row VALUES.
    return len(insert_new(session, ScheduledSend, rows, key=[ScheduledSend.dedupe_key]))


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
    pending until then); None when it was enqueued before. For a message or two; a batch goes
    through :func:`enqueue_many`."""
    later = due_at is not None and due_at > now
    added = insert_new(
        session,
        ScheduledSend,
        [
            {
                "dedupe_key": key,
                "kind": kind,
                "pairing_id": pairing_id,
                "request_id": request_id,
                "recipient": recipient,
                "slot_at": slot_at,
                "due_at": due_at or slot_at,
                "status": PENDING if later else CLAIMED,
                "claimed_at": None if later else now,
                "claim_token": None if later else uuid.uuid4().hex,
                "attempts": 0,
            }
        ],
        key=[ScheduledSend.dedupe_key],
    )
    return session.get(ScheduledSend, added[0]) if added else None


def _claim(
    session: Session, chosen: Select[Any], stamp: datetime, *, expected: str
) -> list[ScheduledSend]:
    """Stamp the rows ``chosen`` (a query of ids) as claimed by a new token, counting an
    attempt; only the rows that are still ``expected`` (a concurrent writer may have won).
    Nothing is written when nothing was chosen, so an idle tick takes no write lock."""
    ids = list(session.scalars(chosen).all())
    if not ids:
        return []
    return _stamp(session, ids, stamp, expected=expected)


def _stamp(
    session: Session, ids: Sequence[int], stamp: datetime, *, expected: str
) -> list[ScheduledSend]:
    token = uuid.uuid4().hex
    claimed = session.scalars(
        update(ScheduledSend)
        .where(ScheduledSend.id.in_(ids), ScheduledSend.status == expected)
        .values(
            status=CLAIMED,
            claimed_at=stamp,
            claim_token=token,
            attempts=ScheduledSend.attempts + 1,
        )
        .returning(ScheduledSend)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).all()
    return sorted(claimed, key=lambda send: (send.due_at or send.slot_at, send.id))


def _due_pending(now: datetime, kinds: Collection[str]) -> Select[int]:
    """Pending rows of ``kinds`` due by ``now``, earliest first: what :func:`claim_due`
    claims, and what the scheduler's probe asks about (:func:`any_due_pending`)."""
    return (
        select(ScheduledSend.id)
        .where(
            ScheduledSend.status == PENDING,
            ScheduledSend.due_at <= now,
            ScheduledSend.kind.in_(kinds),
        )
        .order_by(ScheduledSend.due_at, ScheduledSend.id)
    )


def any_due_pending(now: datetime, kinds: Collection[str]) -> ColumnElement[bool]:
    """Whether :func:`claim_due` would find a row: its own query's first row, read in its order.
    Asked as ``EXISTS``, the order would be dropped and the database free to walk the rows
    waiting for later (for working hours) in another index; read in order, it reads the due
    index from its start and stops at once."""
    return _due_pending(now, kinds).limit(1).scalar_subquery().is_not(None)


def stale_claim_clause(
    stamp: datetime, timeout: timedelta, kinds: Collection[str]
) -> ColumnElement[bool]:
    """Claims of ``kinds`` neither finished nor renewed within ``timeout`` of ``stamp``: what
    :func:`take_over_stale` takes over, and what the scheduler's probe asks about."""
    return and_(
        ScheduledSend.status == CLAIMED,
        ScheduledSend.claimed_at < stamp - timeout,
        ScheduledSend.kind.in_(kinds),
    )


def claim_due(
    session: Session, now: datetime, stamp: datetime, kinds: Collection[str], limit: int
) -> list[ScheduledSend]:
    """Claim up to ``limit`` pending rows of ``kinds`` due by ``now``, stamped ``stamp``; rows
    another tick is claiming at the same moment are skipped (PostgreSQL) rather than waited for."""
    chosen = _due_pending(now, kinds).limit(limit).with_for_update(skip_locked=True)
    return _claim(session, chosen, stamp, expected=PENDING)


def take_over_stale(
    session: Session,
    stamp: datetime,
    timeout: timedelta,
    kinds: Collection[str],
    limit: int,
    *,
    skip: Collection[int] = (),
) -> list[ScheduledSend]:
    """Claim up to ``limit`` rows whose claim was neither finished nor renewed within
    ``timeout`` of ``stamp``: their tick died (or gave them back after a passing failure).
    Rows in ``skip`` (those this tick already tried) are left for a later tick."""
    chosen = select(ScheduledSend.id).where(stale_claim_clause(stamp, timeout, kinds))
    if skip:
        chosen = chosen.where(ScheduledSend.id.notin_(skip))
    chosen = (
        chosen.order_by(ScheduledSend.slot_at, ScheduledSend.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return _claim(session, chosen, stamp, expected=CLAIMED)


def reclaim(session: Session, send_ids: Collection[int], stamp: datetime) -> list[ScheduledSend]:
    """Re-stamp rows this tick enqueued claimed (:func:`enqueue`) under a token of the chunk."""
    if not send_ids:
        return []
    return _stamp(session, list(send_ids), stamp, expected=CLAIMED)


def renew_claims(
    session: Session, token: str, send_ids: Collection[int], stamp: datetime
) -> set[int]:
    """Stamp this tick's claims again while it is still sending them; the ids still held."""
    if not send_ids:
        return set()
    held = session.scalars(
        update(ScheduledSend)
        .where(
            ScheduledSend.id.in_(list(send_ids)),
            ScheduledSend.claim_token == token,
            ScheduledSend.status == CLAIMED,
        )
        .values(claimed_at=stamp)
        .returning(ScheduledSend.id)
        .execution_options(synchronize_session=False)
    ).all()
    return set(held)


@dataclass(frozen=True)
class Delivered:
    send_id: int
    channel: str
    ts: str
    # What was posted, kept only for messages redrawn row by row later (see ``drawn``).
    drawn: str | None = None


def mark_sent_many(
    session: Session, token: str, delivered: Sequence[Delivered], now: datetime
) -> None:
    """Record what Slack accepted, for a whole chunk in one statement."""
    if not delivered:
        return
    outcome = (
        values(
            column("id", Integer), column("channel", String), column("ts", String), name="outcome"
        )
        .data([(d.send_id, d.channel, d.ts) for d in delivered])
        .cte("outcome")
    )
    session.execute(
        update(ScheduledSend)
        .where(ScheduledSend.id == outcome.c.id, ScheduledSend.claim_token == token)
        .values(
            status=SENT,
            sent_at=now,
            channel=outcome.c.channel,
            ts=outcome.c.ts,
            error=None,
        )
        .execution_options(synchronize_session=False)
    )
    for kept in (d for d in delivered if d.drawn is not None):
        session.execute(
            update(ScheduledSend)
            .where(ScheduledSend.id == kept.send_id, ScheduledSend.claim_token == token)
            .values(drawn=kept.drawn)
            .execution_options(synchronize_session=False)
        )


def sent_message_at(
    session: Session,
    *,
    channel: str,
    ts: str,
    kinds: Collection[str],
    lock: bool = False,
) -> ScheduledSend | None:
    """The message of one of ``kinds`` the app sent to ``channel`` at ``ts``, if it recorded
    one: the check a tapped message's claimed place must pass before anything is redrawn."""
    query = select(ScheduledSend).where(
        ScheduledSend.channel == channel,
        ScheduledSend.ts == ts,
        ScheduledSend.kind.in_(list(kinds)),
        ScheduledSend.status == SENT,
    )
    return session.scalar(query.with_for_update() if lock else query)


def redrawn(send: ScheduledSend, drawn: str) -> None:
    """Keep what a recorded message shows now, after a redraw of some of its rows."""
    send.drawn = drawn


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


def keyed_clause(key: str) -> ColumnElement[bool]:
    """The send enqueued under ``key`` (at most one: the key is unique)."""
    return ScheduledSend.dedupe_key == key


def get_send(session: Session, key: str) -> ScheduledSend | None:
    return session.scalar(select(ScheduledSend).where(keyed_clause(key)))


def failed_sends_since(session: Session, since: datetime) -> Sequence[ScheduledSend]:
    return session.scalars(
        select(ScheduledSend)
        .where(ScheduledSend.status == FAILED, ScheduledSend.slot_at >= since)
        .order_by(ScheduledSend.slot_at)
    ).all()
