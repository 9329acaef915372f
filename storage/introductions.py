"""Introductions a mentor makes for their mentee, and a mentee's asks for one. An introduction
is made once per mentorship and colleague: its row is added (race-safe) as *sending* before the
group DM goes, becomes *made* when Slack took it, and takes the colleague's one answer. A row
left *sending* by a process that died in between is taken over by the next attempt after a few
minutes, so it never blocks the introduction for good."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.models import ColleagueIntroduction, IntroductionAsk, Pairing
from storage.pairings import OPEN
from storage.upsert import get_or_insert


class _OfPairing(Protocol):
    pairing_id: int


R = TypeVar("R", bound=_OfPairing)

SENDING = "sending"
MADE = "made"
ACCEPTED = "accepted"  # "Happy to talk"
DECLINED = "declined"  # "Not now"
DELIVERED = (MADE, ACCEPTED, DECLINED)
ANSWERED = (ACCEPTED, DECLINED)
# A group DM still "on its way" after this long was lost with the process sending it.
STALE_SENDING = timedelta(minutes=5)


@dataclass(frozen=True)
class Opened:
    """The row an attempt to introduce found or added; ``ours`` when this attempt sends it."""

    introduction: ColleagueIntroduction
    ours: bool


def open_introduction(
    session: Session,
    *,
    pairing_id: int,
    colleague_id: str,
    why: str,
    ask_id: int | None,
    now: datetime,
) -> Opened:
    """Add the introduction as being sent; when it exists already it is not ours to send (a
    double tap, a retried submission), unless a sender died leaving it on its way."""
    row, added = get_or_insert(
        session,
        ColleagueIntroduction,
        {
            "pairing_id": pairing_id,
            "colleague_id": colleague_id,
            "why": why,
            "ask_id": ask_id,
            "status": SENDING,
            "made_at": now,
        },
        key=[ColleagueIntroduction.pairing_id, ColleagueIntroduction.colleague_id],
    )
    if added:
        return Opened(row, True)
    session.refresh(row, with_for_update=True)
    if row.status == SENDING and row.made_at <= now - STALE_SENDING:
        row.why, row.ask_id, row.made_at = why, ask_id, now
        return Opened(row, True)
    return Opened(row, False)


def get_introduction(
    session: Session, introduction_id: int, *, lock: bool = False
) -> ColleagueIntroduction | None:
    query = select(ColleagueIntroduction).where(ColleagueIntroduction.id == introduction_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def deliver_introduction(session: Session, introduction_id: int, channel: str, ts: str) -> None:
    """Slack took the group DM: record where it is (to redraw it); *made* unless the colleague
    already answered in the moment between."""
    row = get_introduction(session, introduction_id, lock=True)
    if row is None:
        return
    row.channel, row.ts = channel, ts
    if row.status == SENDING:
        row.status = MADE


def discard_unsent(session: Session, introduction_id: int) -> None:
    """The group DM could not be sent: nobody saw the introduction, so it is forgotten."""
    session.execute(
        delete(ColleagueIntroduction).where(
            ColleagueIntroduction.id == introduction_id, ColleagueIntroduction.status == SENDING
        )
    )


def answer_introduction(
    session: Session, row: ColleagueIntroduction, answer: str, now: datetime
) -> bool:
    """The colleague's answer (``ACCEPTED`` or ``DECLINED``); False when it was already given."""
    if row.status in ANSWERED:
        return False
    row.status, row.answered_at = answer, now
    return True


@dataclass(frozen=True)
class Awaiting:
    """An introduction made to a colleague that waits for their answer."""

    introduction_id: int
    mentor_id: str
    mentee_id: str
    why: str


def awaiting_answer(session: Session, colleague_id: str, limit: int) -> tuple[list[Awaiting], int]:
    """The introductions made to ``colleague_id`` in mentorships still open that wait for their
    answer, the oldest first (at most ``limit``), and how many wait in all."""
    waiting = (
        ColleagueIntroduction.colleague_id == colleague_id,
        ColleagueIntroduction.status == MADE,
        Pairing.status.in_(OPEN),
    )
    rows = [
        Awaiting(*row)
        for row in session.execute(
            select(
                ColleagueIntroduction.id,
                Pairing.mentor_id,
                Pairing.mentee_id,
                ColleagueIntroduction.why,
            )
            .join(Pairing, Pairing.id == ColleagueIntroduction.pairing_id)
            .where(*waiting)
            .order_by(ColleagueIntroduction.made_at, ColleagueIntroduction.id)
            .limit(limit)
        )
    ]
    if len(rows) < limit:
        return rows, len(rows)
    total = session.scalar(
        select(func.count())
        .select_from(ColleagueIntroduction)
        .join(Pairing, Pairing.id == ColleagueIntroduction.pairing_id)
        .where(*waiting)
    )
    return rows, int(total or 0)


def _per_pairing(pairing_ids: Collection[int], rows: Iterable[R]) -> dict[int, list[R]]:
    """``rows`` (each with a ``pairing_id``) listed under each of ``pairing_ids``, in order."""
    found: dict[int, list[R]] = {pairing_id: [] for pairing_id in pairing_ids}
    for row in rows:
        found[row.pairing_id].append(row)
    return found


def introductions_of(
    session: Session, pairing_ids: Collection[int]
) -> dict[int, list[ColleagueIntroduction]]:
    """The introductions made in each of ``pairing_ids`` (not those still on their way), the
    first made first."""
    if not pairing_ids:
        return {}
    rows = session.scalars(
        select(ColleagueIntroduction)
        .where(
            ColleagueIntroduction.pairing_id.in_(sorted(pairing_ids)),
            ColleagueIntroduction.status.in_(DELIVERED),
        )
        .order_by(ColleagueIntroduction.made_at, ColleagueIntroduction.id)
    )
    return _per_pairing(pairing_ids, rows)


@dataclass(frozen=True)
class IntroductionCounts:
    made: int = 0
    accepted: int = 0


def introduction_counts(
    session: Session, program_id: int, start: datetime, end: datetime
) -> IntroductionCounts:
    """The program's introductions made in [start, end), and how many of those the colleague
    was happy to take up."""
    made, accepted = session.execute(
        select(
            func.count(),
            func.count().filter(ColleagueIntroduction.status == ACCEPTED),
        )
        .select_from(ColleagueIntroduction)
        .join(Pairing, Pairing.id == ColleagueIntroduction.pairing_id)
        .where(
            Pairing.program_id == program_id,
            ColleagueIntroduction.status.in_(DELIVERED),
            ColleagueIntroduction.made_at >= start,
            ColleagueIntroduction.made_at < end,
        )
    ).one()
    return IntroductionCounts(int(made), int(accepted))


def pairing_introduction_counts(
    session: Session, pairing_ids: Collection[int]
) -> dict[int, IntroductionCounts]:
    """Per mentorship: introductions made, and accepted (the pairings report's columns)."""
    if not pairing_ids:
        return {}
    rows = session.execute(
        select(
            ColleagueIntroduction.pairing_id,
            func.count(),
            func.count().filter(ColleagueIntroduction.status == ACCEPTED),
        )
        .where(
            ColleagueIntroduction.pairing_id.in_(sorted(pairing_ids)),
            ColleagueIntroduction.status.in_(DELIVERED),
        )
        .group_by(ColleagueIntroduction.pairing_id)
    )
    return {pairing_id: IntroductionCounts(int(m), int(a)) for pairing_id, m, a in rows}


# -- asks -------------------------------------------------------------------------------------


def record_ask(
    session: Session, *, pairing_id: int, submission: str, looking_for: str, now: datetime
) -> tuple[IntroductionAsk, bool]:
    """The mentee's ask, once per submitted form; and whether this call added it."""
    return get_or_insert(
        session,
        IntroductionAsk,
        {
            "pairing_id": pairing_id,
            "submission": submission,
            "looking_for": looking_for,
            "asked_at": now,
        },
        key=[IntroductionAsk.pairing_id, IntroductionAsk.submission],
    )


def get_ask(session: Session, ask_id: int) -> IntroductionAsk | None:
    return session.get(IntroductionAsk, ask_id)


def deliver_ask(session: Session, ask_id: int, channel: str, ts: str) -> None:
    ask = get_ask(session, ask_id)
    if ask is not None:
        ask.mentor_channel, ask.mentor_ts = channel, ts


def forget_ask(session: Session, ask_id: int) -> None:
    """The DM to the mentor could not be sent: the ask was never made."""
    session.execute(delete(IntroductionAsk).where(IntroductionAsk.id == ask_id))


def open_asks_of(
    session: Session, pairing_ids: Collection[int]
) -> dict[int, list[IntroductionAsk]]:
    """Asks the mentor has not answered with an introduction yet, per mentorship."""
    if not pairing_ids:
        return {}
    rows = session.scalars(
        select(IntroductionAsk)
        .where(
            IntroductionAsk.pairing_id.in_(sorted(pairing_ids)),
            IntroductionAsk.answered_at.is_(None),
            IntroductionAsk.mentor_ts.is_not(None),
        )
        .order_by(IntroductionAsk.asked_at, IntroductionAsk.id)
    )
    return _per_pairing(pairing_ids, rows)
