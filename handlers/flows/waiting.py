"""The waiting list: when a mentor gets a free place (capacity raised, a mentorship ended or
never started, a profile (re)opened), the trainees waiting for that focus in that mentor's
programs hear of it, first come first, as many as there are places.

Whatever frees the place records it (:func:`storage.places.place_freed`, in the transaction of
the change); the offers are made from those records, by the scheduler's step here, or straight
after a member's own change for a quicker answer: the same function either way, so a place
freed by any path is offered once.

Each notice is decided once and sent once: the entry moves from ``waiting`` to ``notified``
(a conditional update, so of two racing triggers one wins) and its message is enqueued in the
outbox under the entry's key, in the same transaction; the message goes out after the commit,
and a sender that dies before recording it leaves a claim the tick retries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
from handlers.flows.send_kinds import PLACE_FREE
from handlers.flows.slack import program_focus_label
from storage.db import unit_of_work
from storage.models import ScheduledSend, WaitingEntry
from storage.outbox import enqueue, send_key
from storage.people import departed_among, get_person
from storage.places import NOTIFIED, PLACE_HOLD, mark_offered, take_unoffered
from storage.profiles import (
    directory_candidates,
    get_waiting_entry,
    lapse_unused_notices,
    mark_notified,
    mentor_profile,
    trainee_profile,
    waiting_counts,
    waiting_entries,
)
from storage.programs import all_programs, program_config

log = get_logger("mentorbot.waiting")


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


def _notices(session: Session, mentor_ids: Sequence[str], now: datetime) -> list[int]:
    """Mark the entries the mentors' free places answer, and enqueue their messages; the
    send ids. Entries are taken first come first, at most as many per mentor as places; an
    entry of someone who has left the workspace or was erased is never answered."""
    profiles = [mentor_profile(session, m) for m in mentor_ids]
    focuses = {f for p in profiles if p is not None and p.listed and p.open for f in p.focus_areas}
    if not focuses:
        return []
    sends: list[int] = []
    granted: dict[str, int] = {}
    for program in all_programs(session):
        entries = waiting_entries(session, program_id=program.id, focuses=focuses)
        gone = departed_among(session, sorted({e.user_id for e in entries}))
        for entry in entries:
            if entry.user_id in gone:
                continue
            candidates = directory_candidates(
                session,
                program_id=program.id,
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


def offer_freed_places(tick: TickContext) -> StepResult:
    """Offer every place recorded free and not offered yet to the waiting list (with those told
    to someone who left them unused past the hold): the scheduler's step, and what a member's
    own change runs straight after its commit."""
    try:
        with unit_of_work(tick.app.sessions) as session:
            lapse_unused_notices(session, tick.now)
            places = take_unoffered(session)
            if not places:
                return StepResult()
            send_ids = _notices(session, sorted({p.mentor_id for p in places}), tick.now)
            mark_offered(session, [p.id for p in places], tick.now)
    except Exception:
        # The places stay recorded as not offered: the next tick offers them.
        log.exception("waiting.offer.failed")
        return StepResult()
    result = deliver(tick, KINDS, send_ids) if send_ids else StepResult()
    if send_ids:
        log.info("waiting.notified", places=len(places), count=len(send_ids), sent=result.sent)
    return StepResult(
        due=len(places), sent=result.sent, skipped=result.skipped, failed=result.failed
    )


def offer_free_places(ctx: AppContext, client: WebClient) -> int:
    """Right after a change that freed a place (committed), offer it without waiting for the
    tick; how many trainees were told."""
    now = ctx.now()
    return offer_freed_places(TickContext(app=ctx, client=client, now=now, clock=ctx.now)).sent


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
        PLACE_HOLD.days,
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
