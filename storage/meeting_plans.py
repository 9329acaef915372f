"""Planning a pair's next meeting: the times one member offers the other (one offer waiting
for a pick per mentorship, added race-safe), the DM that carries them, the time picked, and
the meetings agreed that a check-in or Home mentions; and what ending the mentorship leaves of
them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import MeetingPlan
from storage.upsert import get_or_insert, unique_index

OFFERED = "offered"
AGREED = "agreed"
DECLINED = "declined"  # none of the times suited, and no others were left to offer
LAPSED = "lapsed"  # every time offered went by without a pick
MOVED = "moved"  # agreed, then replaced by another time the pair picked
WITHDRAWN = "withdrawn"  # the member who offered the times took them back before a pick
# The mentorship ended first: the offer waiting for a pick closed, or the meeting still to come
# called off (its calendar withdrawals owed by the ending, storage.calendar_files).
ENDED = "ended"
# The one offer waiting for a pick: the partial unique index the insert conflicts on.
_WAITING = unique_index(MeetingPlan, "uq_meeting_plan_offered").where


def iso(moment: datetime) -> str:
    return moment.isoformat()


def options_of(plan: MeetingPlan) -> list[datetime]:
    return [datetime.fromisoformat(option) for option in plan.options]


def offer_times(
    session: Session,
    *,
    pairing_id: int,
    proposed_by: str,
    picker_id: str,
    options: Sequence[datetime],
    now: datetime,
) -> tuple[MeetingPlan, bool]:
    """The mentorship's offer waiting for a pick, and whether this call made it. An offer whose
    every time has gone by lapses and gives way to this one."""
    values = {
        "pairing_id": pairing_id,
        "proposed_by": proposed_by,
        "picker_id": picker_id,
        "options": [iso(o) for o in options],
        "status": OFFERED,
        "created_at": now,
    }
    key = [MeetingPlan.pairing_id]
    plan, added = get_or_insert(session, MeetingPlan, values, key=key, where=_WAITING)
    if added or any(option > now for option in options_of(plan)):
        return plan, added
    plan.status = LAPSED
    session.flush()
    return get_or_insert(session, MeetingPlan, values, key=key, where=_WAITING)


def get_plan(session: Session, plan_id: int, *, lock: bool = False) -> MeetingPlan | None:
    query = select(MeetingPlan).where(MeetingPlan.id == plan_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def record_offer_dm(session: Session, plan_id: int, channel: str, ts: str) -> None:
    plan = get_plan(session, plan_id)
    if plan is not None:
        plan.channel, plan.ts = channel, ts


def drop_unsent(session: Session, plan_id: int) -> None:
    """The offer could not reach the other member: it was never made."""
    session.execute(
        delete(MeetingPlan).where(
            MeetingPlan.id == plan_id, MeetingPlan.status == OFFERED, MeetingPlan.ts.is_(None)
        )
    )


def mark_withdrawn(plan: MeetingPlan, now: datetime) -> None:
    """The member who offered the times took them back before a pick (the caller checked who,
    and that the offer still waits); a new offer may follow."""
    plan.status, plan.answered_at = WITHDRAWN, now


def end_with_mentorship(session: Session, pairing_id: int, now: datetime) -> None:
    """The mentorship ended (:func:`storage.pairings.close_pairing`, after it owed the calendar
    withdrawals of the meetings still to come): its offer waiting for a pick closes, and those
    meetings are called off. Meetings already held keep their time."""
    session.execute(
        update(MeetingPlan)
        .where(MeetingPlan.pairing_id == pairing_id, MeetingPlan.status == OFFERED)
        .values(status=ENDED, answered_at=now)
    )
    session.execute(
        update(MeetingPlan)
        .where(
            MeetingPlan.pairing_id == pairing_id,
            MeetingPlan.status == AGREED,
            MeetingPlan.starts_at > now,
        )
        .values(status=ENDED)
    )


def ended_offers(session: Session, pairing_ids: Collection[int]) -> list[tuple[str, str]]:
    """Where the app recorded each offer of these mentorships that closed because the
    mentorship ended (the DM to redraw): (channel, ts)."""
    if not pairing_ids:
        return []
    rows = session.execute(
        select(MeetingPlan.channel, MeetingPlan.ts).where(
            MeetingPlan.pairing_id.in_(sorted(pairing_ids)),
            MeetingPlan.status == ENDED,
            MeetingPlan.starts_at.is_(None),
            MeetingPlan.ts.is_not(None),
        )
    )
    return [(channel, ts) for channel, ts in rows if channel and ts]


def agreed_meetings(
    session: Session, pairing_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, list[datetime]]:
    """The meetings agreed in each mentorship that start in [start, end)."""
    found: dict[int, list[datetime]] = {}
    if not pairing_ids:
        return found
    rows = session.execute(
        select(MeetingPlan.pairing_id, MeetingPlan.starts_at)
        .where(
            MeetingPlan.pairing_id.in_(sorted(pairing_ids)),
            MeetingPlan.status == AGREED,
            MeetingPlan.starts_at >= start,
            MeetingPlan.starts_at < end,
        )
        .order_by(MeetingPlan.starts_at)
    )
    for pairing_id, starts_at in rows:
        if starts_at is not None:
            found.setdefault(pairing_id, []).append(starts_at)
    return found


def upcoming_meetings(session: Session, pairing_id: int, now: datetime) -> list[MeetingPlan]:
    """The meetings the pair agreed that are still to come."""
    return list(
        session.scalars(
            select(MeetingPlan)
            .where(
                MeetingPlan.pairing_id == pairing_id,
                MeetingPlan.status == AGREED,
                MeetingPlan.starts_at > now,
            )
            .order_by(MeetingPlan.starts_at)
        )
    )
