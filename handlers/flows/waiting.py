"""The waiting list: when a mentor gets a free place (capacity raised, a mentorship ended, a
profile (re)opened), the trainees waiting for that focus in that mentor's programs hear of it,
first come first, as many as there are places.

Each notice is decided once and sent once: the entry moves from ``waiting`` to ``notified``
(a conditional update, so of two racing triggers one wins) and its message is enqueued in the
outbox under the entry's key, in the same transaction; the message goes out after the commit,
and a sender that dies before recording it leaves a claim the tick retries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.directory import Seeker, rank_mentors
from bot.logging import get_logger
from bot.programs import ProgramConfig
from bot.text import Mrkdwn
from bot.tick import StepResult, TickContext
from handlers.blocks.directory import Labels, build_place_free_message, waiting_list_lines
from handlers.flows.delivery import Kind, Message, deliver
from handlers.flows.slack import program_focus_label
from storage.db import unit_of_work
from storage.models import ScheduledSend, WaitingEntry
from storage.outbox import enqueue, send_key
from storage.people import get_person
from storage.profiles import (
    NOTIFIED,
    directory_candidates,
    get_waiting_entry,
    mark_notified,
    mentor_profile,
    trainee_profile,
    waiting_counts,
    waiting_entries,
)
from storage.programs import all_programs, program_config

log = get_logger("mentorbot.waiting")

PLACE_FREE = "waiting.place_free"


def entry_key(entry_id: int) -> str:
    return send_key(PLACE_FREE, entry_id)


def _entry_id(send: ScheduledSend) -> int | None:
    tail = send.dedupe_key.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def seeker_for(session: Session, user_id: str, focus: str | None) -> Seeker:
    """The trainee as the ranking sees them: their profile, their Slack time zone."""
    profile = trainee_profile(session, user_id)
    person = get_person(session, user_id)
    return Seeker(
        user_id=user_id,
        focus=focus,
        specialty=profile.specialty if profile is not None else None,
        stage=profile.stage if profile is not None else None,
        tz=person.tz if person is not None else None,
    )


def _notices(session: Session, ctx: AppContext, mentor_ids: Sequence[str]) -> list[int]:
    """Mark the entries the mentors' free places answer, and enqueue their messages; the
    send ids. Entries are taken first come first, at most as many per mentor as places."""
    now = ctx.now()
    profiles = [mentor_profile(session, m) for m in mentor_ids]
    focuses = {f for p in profiles if p is not None and p.listed and p.open for f in p.focus_areas}
    if not focuses:
        return []
    sends: list[int] = []
    granted: dict[str, int] = {}
    for program in all_programs(session):
        entries = waiting_entries(session, program_id=program.id, focuses=focuses)
        for entry in entries:
            candidates = directory_candidates(
                session,
                program_id=program.id,
                is_default=program.is_default,
                seeker_id=entry.user_id,
                focus=entry.focus,
                mentor_ids=mentor_ids,
            )
            # A place given to an earlier entry in this pass is no longer free.
            free = [
                c
                for c in candidates
                if c.places_free is None or c.places_free > granted.get(c.user_id, 0)
            ]
            if not free:
                continue
            best = rank_mentors(seeker_for(session, entry.user_id, entry.focus), free, now)[0]
            mentor_id = best.candidate.user_id
            if not mark_notified(session, entry.id, mentor_id, now):
                continue
            granted[mentor_id] = granted.get(mentor_id, 0) + 1
            send = enqueue(
                session,
                key=entry_key(entry.id),
                kind=PLACE_FREE,
                slot_at=now,
                now=now,
                recipient=entry.user_id,
            )
            if send is not None:
                session.flush()
                sends.append(send.id)
    return sends


def offer_free_places(ctx: AppContext, client: WebClient, mentor_ids: Iterable[str]) -> int:
    """Tell waiting trainees about the free places these mentors now have; how many were
    told. Call it after the change that freed the place has been committed."""
    wanted = sorted(set(mentor_ids))
    if not wanted:
        return 0
    try:
        with unit_of_work(ctx.sessions) as session:
            send_ids = _notices(session, ctx, wanted)
    except Exception:
        # The change that freed the place stands; the next one offers it again.
        log.exception("waiting.offer.failed", mentors=len(wanted))
        return 0
    if not send_ids:
        return 0
    tick = TickContext(app=ctx, client=client, now=ctx.now(), clock=ctx.now)
    result: StepResult = deliver(tick, KINDS, send_ids)
    log.info("waiting.notified", count=len(send_ids), sent=result.sent)
    return len(send_ids)


def _render_place_free(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    entry_id = _entry_id(send)
    entry: WaitingEntry | None = get_waiting_entry(session, entry_id) if entry_id else None
    if entry is None or entry.status != NOTIFIED or entry.notified_mentor_id is None:
        return "the waiting list entry is gone"
    program = program_config(session, ctx.settings, entry.program_id)
    several = len(all_programs(session)) > 1
    message = build_place_free_message(
        entry.notified_mentor_id,
        program_focus_label(program, entry.focus),
        program.name,
        several,
        entry.id,
    )
    return Message(to=entry.user_id, text=message.text, blocks=message.blocks)


KINDS: dict[str, Kind] = {PLACE_FREE: Kind(_render_place_free)}


def waiting_list_digest_lines(session: Session, program: ProgramConfig) -> list[Mrkdwn]:
    """The program's digest section: how many wait for a mentor, per focus."""
    labels = Labels(
        focus={a.key: a.label for a in program.focus_areas},
        specialties={},
    )
    return waiting_list_lines(waiting_counts(session, program.id), labels)
