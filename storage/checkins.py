"""Check-ins and the scheduler's pairing queries: what is due (check-ins, reassess prompts, pause
endings), creating a check-in once per slot, recording its answer once, pausing and resuming."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union_all
from sqlalchemy.orm import Session

from bot.lifecycle import PairingEvent, PairingStatus
from storage.models import CheckIn, Pairing, Person, ScheduledSend
from storage.outbox import SENT
from storage.pairings import apply_pairing_event, record
from storage.upsert import insert_new

# Members' profiles (time zones) are refreshed from Slack this long before their check-in is
# due, so a Monday 09:00 of thousands of check-ins is spread over the hour before it.
PROFILE_LOOKAHEAD = timedelta(hours=1)

MET = "met"
RESCHEDULED = "rescheduled"
SKIPPED = "skipped"
ANSWERS = (MET, RESCHEDULED, SKIPPED)

# Three check-ins in a row that passed without an answer mark a pair at risk (for the digest).
AT_RISK_AFTER = 3

_ACTIVE = PairingStatus.ACTIVE.value
_PAUSED = PairingStatus.PAUSED.value


# Each "due" condition below is the one place it is written: the query that selects the work
# and the scheduler's probe of whether there is any (``bot/jobs.py``) both use it.


def due_checkin_clause(now: datetime) -> ColumnElement[bool]:
    """Active pairings whose next check-in is due by ``now``."""
    return and_(Pairing.next_checkin_at <= now, Pairing.status == _ACTIVE)


def due_reassess_clause(now: datetime) -> ColumnElement[bool]:
    """Active pairings whose reassess prompt is due by ``now``."""
    return and_(Pairing.next_reassess_at <= now, Pairing.status == _ACTIVE)


def due_pause_end_clause(now: datetime) -> ColumnElement[bool]:
    """Paused pairings whose pause ends by ``now``."""
    return and_(Pairing.paused_until <= now, Pairing.status == _PAUSED)


def due_checkins(
    session: Session, now: datetime, *, limit: int = 200, skip: Collection[int] = ()
) -> list[Pairing]:
    """Active pairings whose next check-in is due, earliest first, locked for this tick."""
    query = (
        select(Pairing).where(due_checkin_clause(now)).order_by(Pairing.next_checkin_at, Pairing.id)
    )
    return _locked(session, query, skip, limit)


def due_reassess_prompts(
    session: Session, now: datetime, *, limit: int = 200, skip: Collection[int] = ()
) -> list[Pairing]:
    query = (
        select(Pairing)
        .where(due_reassess_clause(now))
        .order_by(Pairing.next_reassess_at, Pairing.id)
    )
    return _locked(session, query, skip, limit)


def due_pause_endings(
    session: Session, now: datetime, *, limit: int = 200, skip: Collection[int] = ()
) -> list[Pairing]:
    query = (
        select(Pairing).where(due_pause_end_clause(now)).order_by(Pairing.paused_until, Pairing.id)
    )
    return _locked(session, query, skip, limit)


def _locked(
    session: Session, query: Select[Pairing], skip: Collection[int], limit: int
) -> list[Pairing]:
    """Lock the rows for this tick; rows another tick holds are skipped, not waited for
    (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer and ignores it)."""
    if skip:
        query = query.where(Pairing.id.notin_(skip))
    return list(session.scalars(query.limit(limit).with_for_update(skip_locked=True)).all())


def members_without_fresh_profiles(
    session: Session, now: datetime, max_age: timedelta, lookahead: timedelta, *, limit: int
) -> list[str]:
    """Up to ``limit`` people in pairings due a check-in by ``now + lookahead`` whose cached
    Slack profile (time zone) is missing or will be older than ``max_age`` by then, those due
    soonest first, in one query."""
    horizon = now + lookahead
    due = due_checkin_clause(horizon)
    members = union_all(
        select(Pairing.mentor_id.label("user_id"), Pairing.next_checkin_at.label("due_at")).where(
            due
        ),
        select(Pairing.mentee_id.label("user_id"), Pairing.next_checkin_at.label("due_at")).where(
            due
        ),
    ).subquery()
    return list(
        session.scalars(
            select(members.c.user_id)
            .outerjoin(Person, Person.user_id == members.c.user_id)
            .where(
                or_(
                    Person.profile_fetched_at.is_(None),
                    Person.profile_fetched_at < horizon - max_age,
                )
            )
            .group_by(members.c.user_id)
            .order_by(func.min(members.c.due_at), members.c.user_id)
            .limit(limit)
        ).all()
    )


def zones_of(session: Session, user_ids: Iterable[str]) -> dict[str, str | None]:
    """Each person's cached Slack time zone (None when unknown), in one query."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    rows = session.execute(select(Person.user_id, Person.tz).where(Person.user_id.in_(wanted)))
    return {str(row[0]): row[1] for row in rows}


def get_checkin(session: Session, checkin_id: int, *, lock: bool = False) -> CheckIn | None:
    query = select(CheckIn).where(CheckIn.id == checkin_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def checkin_at(session: Session, pairing_id: int, slot_at: datetime) -> CheckIn | None:
    return session.scalar(
        select(CheckIn).where(CheckIn.pairing_id == pairing_id, CheckIn.slot_at == slot_at)
    )


@dataclass(frozen=True)
class LastCheckin:
    slot_at: datetime
    answered: bool


def last_checkins(session: Session, pairing_ids: Collection[int]) -> dict[int, LastCheckin]:
    """Each pairing's latest check-in so far (pairings with none are left out), in one query."""
    if not pairing_ids:
        return {}
    latest = (
        select(CheckIn.pairing_id, func.max(CheckIn.slot_at).label("slot_at"))
        .where(CheckIn.pairing_id.in_(list(pairing_ids)))
        .group_by(CheckIn.pairing_id)
        .subquery()
    )
    rows = session.execute(
        select(CheckIn.pairing_id, CheckIn.slot_at, CheckIn.answer).join(
            latest,
            (CheckIn.pairing_id == latest.c.pairing_id) & (CheckIn.slot_at == latest.c.slot_at),
        )
    )
    return {row[0]: LastCheckin(row[1], row[2] is not None) for row in rows}


def record_checkins(session: Session, slots: Mapping[int, datetime], now: datetime) -> set[int]:
    """The check-in of each pairing for its slot, once, in one statement: the pairings whose
    check-in was new (a slot that already has one is left as it was)."""
    if not slots:
        return set()
    rows = [
        {"pairing_id": pairing_id, "slot_at": slot_at, "sent_at": now}
        for pairing_id, slot_at in slots.items()
    ]
    return set(
        insert_new(
            session,
            CheckIn,
            rows,
            key=[CheckIn.pairing_id, CheckIn.slot_at],
            returning=CheckIn.pairing_id,
        )
    )


def checkins_at(
    session: Session, slots: Collection[tuple[int, datetime]]
) -> dict[tuple[int, datetime], CheckIn]:
    """The check-ins of these (pairing, slot) pairs, in one query."""
    if not slots:
        return {}
    wanted = set(slots)
    found = session.scalars(
        select(CheckIn).where(
            CheckIn.pairing_id.in_({pairing_id for pairing_id, _ in wanted}),
            CheckIn.slot_at.in_({slot_at for _, slot_at in wanted}),
        )
    )
    return {(c.pairing_id, c.slot_at): c for c in found if (c.pairing_id, c.slot_at) in wanted}


def record_answer(
    session: Session,
    pairing: Pairing,
    checkin: CheckIn,
    answer: str,
    *,
    by: str,
    now: datetime,
    note: str | None = None,
    minutes: int | None = None,
) -> bool:
    """Record how the pair answered; False when the check-in already has an answer."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown check-in answer {answer!r}")
    if checkin.answer is not None:
        return False
    checkin.answer = answer
    checkin.answered_by = by
    checkin.answered_at = now
    checkin.note = note or None
    checkin.duration_minutes = minutes if answer == MET else None
    pairing.unanswered_checkins = 0
    record(
        session,
        pairing,
        actor_id=by,
        kind=f"checkin.{answer}",
        now=now,
        subject_id=checkin.id,
        minutes=checkin.duration_minutes,
    )
    return True


def checkin_messages(
    session: Session, pairing_id: int, slot_at: datetime, kind: str
) -> Sequence[ScheduledSend]:
    """The sent DMs of one check-in (one per recipient), to update in place."""
    return session.scalars(
        select(ScheduledSend).where(
            ScheduledSend.pairing_id == pairing_id,
            ScheduledSend.kind == kind,
            ScheduledSend.slot_at == slot_at,
            ScheduledSend.status == SENT,
        )
    ).all()


def at_risk_pairings(session: Session) -> Sequence[Pairing]:
    """Open pairings that let ``AT_RISK_AFTER`` check-ins in a row pass unanswered."""
    return session.scalars(
        select(Pairing)
        .where(
            Pairing.unanswered_checkins >= AT_RISK_AFTER,
            Pairing.status.in_((_ACTIVE, _PAUSED)),
        )
        .order_by(Pairing.id)
    ).all()


def pause_pairing(
    session: Session, pairing: Pairing, *, until: datetime, by: str, now: datetime
) -> None:
    """No check-ins or reassess prompts until ``until``; pausing again moves the end."""
    apply_pairing_event(pairing, PairingEvent.PAUSE, now)
    pairing.paused_until = until
    pairing.next_checkin_at = None
    record(session, pairing, actor_id=by, kind="pairing.paused", now=now, until=until.isoformat())


def resume_pairing(
    session: Session,
    pairing: Pairing,
    *,
    by: str | None,
    now: datetime,
    next_checkin_at: datetime | None,
) -> None:
    apply_pairing_event(pairing, PairingEvent.RESUME, now)
    pairing.paused_until = None
    pairing.next_checkin_at = next_checkin_at
    # A reassess prompt that fell due during the pause waits for the first check-in back.
    if pairing.next_reassess_at is not None and pairing.next_reassess_at <= now:
        pairing.next_reassess_at = next_checkin_at or now + timedelta(weeks=1)
    record(session, pairing, actor_id=by, kind="pairing.resumed", now=now)
