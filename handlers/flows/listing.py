"""What ``/mentor list`` shows: someone's mentors, mentees and pending requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.context import AppContext
from handlers.blocks.pairings import PairingLine, RequestLine
from handlers.flows.program_scope import focus_label_in
from handlers.flows.rhythm import current_communication
from handlers.flows.slack import local_date
from storage.db import unit_of_work
from storage.models import Pairing
from storage.pairings import open_pairings_of
from storage.people import get_person
from storage.requests import pending_from, pending_to


@dataclass(frozen=True)
class Overview:
    mentors: list[PairingLine]
    mentees: list[PairingLine]
    asked_by_me: list[RequestLine]
    asked_of_me: list[RequestLine]
    today: date


def _line(
    ctx: AppContext, session: Session, pairing: Pairing, other_id: str, tz: str | None
) -> PairingLine:
    agreed = current_communication(pairing)
    rhythm = None
    if agreed is not None:
        rhythm = agreed.describe(
            pairing.timezone or ctx.settings.default_timezone,
            pairing.cadence_anchor or local_date(pairing.started_at, tz, ctx.settings),
        )
    return PairingLine(
        other_id=other_id,
        focus_label=focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus),
        rhythm=rhythm,
        started=local_date(pairing.started_at, tz, ctx.settings),
        paused=pairing.status == "paused",
    )


def pairing_overview(ctx: AppContext, user_id: str) -> Overview:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        person = get_person(session, user_id)
        tz = person.tz if person is not None else None
        pairings = open_pairings_of(session, user_id)
        mentors = [
            _line(ctx, session, p, p.mentor_id, tz) for p in pairings if p.mentee_id == user_id
        ]
        mentees = [
            _line(ctx, session, p, p.mentee_id, tz) for p in pairings if p.mentor_id == user_id
        ]
        asked_by_me = [
            RequestLine(
                r.mentor_id,
                focus_label_in(session, ctx.settings, r.program_id, r.focus),
                local_date(r.created_at, tz, ctx.settings),
            )
            for r in pending_from(session, user_id)
        ]
        asked_of_me = [
            RequestLine(
                r.mentee_id,
                focus_label_in(session, ctx.settings, r.program_id, r.focus),
                local_date(r.created_at, tz, ctx.settings),
            )
            for r in pending_to(session, user_id)
        ]
    return Overview(mentors, mentees, asked_by_me, asked_of_me, local_date(now, tz, ctx.settings))
