"""What ``/mentor list`` shows: someone's mentors, mentees and pending requests, per program
when they are in several."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from bot.context import AppContext
from bot.programs import ProgramConfig
from handlers.blocks.introductions import IntroLine
from handlers.blocks.pairings import PairingGroup, PairingLine, RequestLine
from handlers.flows.home import programs_shown
from handlers.flows.rhythm import current_communication
from handlers.flows.rows import introduction_rows
from handlers.flows.slack import local_date, program_focus_label
from storage.db import unit_of_work
from storage.models import MentorRequest, Pairing
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
    # The same, per program, when the caller is in several (else empty).
    groups: list[PairingGroup] = field(default_factory=list)


def _line(
    ctx: AppContext,
    pairing: Pairing,
    other_id: str,
    tz: str | None,
    program: ProgramConfig,
    introductions: list[IntroLine],
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
        focus_label=program_focus_label(program, pairing.focus),
        rhythm=rhythm,
        started=local_date(pairing.started_at, tz, ctx.settings),
        paused=pairing.status == "paused",
        introductions=introductions,
    )


def _request_line(
    ctx: AppContext, request: MentorRequest, other_id: str, tz: str | None, program: ProgramConfig
) -> RequestLine:
    return RequestLine(
        other_id,
        program_focus_label(program, request.focus),
        local_date(request.created_at, tz, ctx.settings),
    )


T = TypeVar("T")


def _of(lines: list[tuple[int, T]], program_id: int | None = None) -> list[T]:
    """The lines of one program (of every program without ``program_id``)."""
    return [line for pid, line in lines if program_id in (None, pid)]


def pairing_overview(ctx: AppContext, user_id: str) -> Overview:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        person = get_person(session, user_id)
        tz = person.tz if person is not None else None
        pairings = open_pairings_of(session, user_id)
        asked, asked_of = pending_from(session, user_id), pending_to(session, user_id)
        programs = programs_shown(
            session,
            ctx.settings,
            user_id,
            [p.program_id for p in pairings] + [r.program_id for r in asked + asked_of],
        )
        by_id = {c.id: c for c in programs}
        made = introduction_rows(session, [p.id for p in pairings], tz=tz)
        # Each line with its program, so the same lines serve the whole list and each group.
        mentors = [
            (p.program_id, _line(ctx, p, p.mentor_id, tz, by_id[p.program_id], made[p.id]))
            for p in pairings
            if p.mentee_id == user_id
        ]
        mentees = [
            (p.program_id, _line(ctx, p, p.mentee_id, tz, by_id[p.program_id], made[p.id]))
            for p in pairings
            if p.mentor_id == user_id
        ]
        asked_by_me = [
            (r.program_id, _request_line(ctx, r, r.mentor_id, tz, by_id[r.program_id]))
            for r in asked
        ]
        asked_of_me = [
            (r.program_id, _request_line(ctx, r, r.mentee_id, tz, by_id[r.program_id]))
            for r in asked_of
        ]
    groups = []
    if len(programs) > 1:
        groups = [
            PairingGroup(
                program.name,
                _of(mentors, program.id),
                _of(mentees, program.id),
                _of(asked_by_me, program.id),
                _of(asked_of_me, program.id),
            )
            for program in programs
        ]
    return Overview(
        _of(mentors),
        _of(mentees),
        _of(asked_by_me),
        _of(asked_of_me),
        local_date(now, tz, ctx.settings),
        groups,
    )
