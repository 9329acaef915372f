"""Pairings after they start: coordinators assigning them, agreeing how to meet, and ending."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.cadence import Cadence, next_slot_after
from bot.communication import Communication
from bot.conflicts import Conflict, conflict_reason
from bot.context import AppContext
from bot.errors import Refused
from bot.focus import find_focus
from bot.text import fmt, md, mention
from handlers.blocks import pairings as blocks
from handlers.flows.ended_offers import redraw_ended_offers
from handlers.flows.home import refresh_homes
from handlers.flows.programs import require_coordinator_of
from handlers.flows.slack import local_date, notify, program_focus_label
from handlers.flows.waiting import offer_free_places
from handlers.profiles import check_person, profiles_before_saving
from storage.audit import record_audit
from storage.calendar_files import owe_rhythm_files
from storage.conflicts import conflict_of, record_overridden
from storage.db import unit_of_work
from storage.models import Pairing
from storage.pairings import (
    close_pairing,
    create_pairing,
    get_pairing,
    is_open,
    other_member,
    record,
    require_member,
)
from storage.people import is_at_capacity
from storage.programs import get_program, members_among, program_config

VISIBILITIES = ("nobody", "coordinators")


def assign_conflict(
    ctx: AppContext, program_id: int, mentor_id: str, mentee_id: str
) -> Conflict | None:
    """The conflict of interest an assignment in the program would pair, for the form to show
    before it is saved; only between two of the program's members (a coordinator learns
    nothing of anyone else's list: :func:`assign_pairing` refuses non-members first)."""
    with unit_of_work(ctx.sessions) as session:
        program = get_program(session, program_id)
        if program is None or members_among(session, program, (mentor_id, mentee_id)) != {
            mentor_id,
            mentee_id,
        }:
            return None
        return conflict_of(session, mentor_id, mentee_id)


def assign_pairing(
    ctx: AppContext,
    client: WebClient,
    *,
    program_id: int,
    coordinator_id: str,
    mentor_id: str,
    mentee_id: str,
    focus: str,
    note: str,
    override: bool = False,
) -> int:
    """Pair two people in ``program_id``, which ``coordinator_id`` must coordinate; the focus
    must be one of that program's. A conflict of interest (the mentor assesses or supervises
    the mentee) is refused unless ``override`` (the form's "pair them anyway"), audited."""
    with unit_of_work(ctx.sessions) as session:
        program = require_coordinator_of(session, ctx.settings, program_id, coordinator_id)
    if find_focus(focus, program.focus_areas) is None:
        raise Refused(
            fmt(
                "That focus isn't one of {program}'s focus areas, so I didn't pair them.",
                program=program.name,
            ),
            reason="bad_input",
        )
    now = ctx.now()
    profiles = profiles_before_saving(ctx.sessions, client, [mentor_id, mentee_id], now)
    check_person(profiles[mentor_id], mentor_id)
    check_person(profiles[mentee_id], mentee_id, role="mentee")
    with unit_of_work(ctx.sessions) as session:
        # Checked again in this unit of work: a coordinator removed meanwhile pairs nobody.
        require_coordinator_of(session, ctx.settings, program_id, coordinator_id)
        if is_at_capacity(session, mentor_id):
            # The limit a mentor set holds for coordinators too (as for requests and reassigning).
            raise Refused(
                fmt(
                    "{mentor} is mentoring as many people as they said they can take on. "
                    "Ask them to raise it with `/mentor capacity`, or choose someone else.",
                    mentor=mention(mentor_id),
                ),
                reason="bad_input",
            )
        # The one rule for who may be paired in a program (as Reassign and rounds): members.
        members = members_among(session, program, (mentor_id, mentee_id))
        outside = [person for person in (mentor_id, mentee_id) if person not in members]
        if outside:
            raise Refused(
                fmt(
                    "{person} isn't in {program}, so I didn't pair them. Its coordinators add "
                    "people with `/mentor program members in {program}`.",
                    person=mention(outside[0]),
                    program=program.name,
                ),
                reason="bad_input",
            )
        conflict = conflict_of(session, mentor_id, mentee_id)
        if conflict is not None and not override:
            raise Refused(
                fmt(
                    "{reason} To pair them anyway, open the form with `/mentor assign "
                    "{mentor} {mentee}` (no focus) and tick “I know, pair them anyway”.",
                    reason=conflict_reason(conflict),
                    mentor=mention(mentor_id),
                    mentee=mention(mentee_id),
                ),
                reason="bad_input",
            )
        pairing = create_pairing(
            session,
            program_id=program_id,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            focus=focus,
            origin="assignment",
            now=now,
            assigned_by=coordinator_id,
        )
        if conflict is not None:
            record_overridden(session, program_id, coordinator_id, conflict, now)
        record_audit(
            session,
            program_id=program_id,
            actor=coordinator_id,
            action="assign",
            subject=f"pairing:{pairing.id}",
            now=now,
        )
        intro = blocks.Introduction(
            pairing_id=pairing.id,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            coordinator_id=coordinator_id,
            focus_label=program_focus_label(program, focus),
            note=note,
        )
    for person, message in (
        (mentor_id, blocks.build_introduction_for_mentor(intro)),
        (mentee_id, blocks.build_introduction_for_mentee(intro)),
    ):
        notify(client, person, message.text, message.blocks)
    refresh_homes(ctx, client, mentor_id, mentee_id)
    return intro.pairing_id


def _open_member_pairing(pairing: Pairing | None, actor_id: str) -> Pairing:
    pairing = require_member(pairing, actor_id)
    if not is_open(pairing):
        raise Refused(md("That mentorship has already ended."), reason="bad_input")
    return pairing


def decline_assignment(
    ctx: AppContext, client: WebClient, pairing_id: int, actor_id: str, note: str
) -> bool:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = require_member(get_pairing(session, pairing_id, lock=True), actor_id)
        if pairing.origin != "assignment" or actor_id != pairing.mentor_id:
            raise Refused(
                md("Only the assigned mentor can decline an assignment."), reason="forbidden"
            )
        if not is_open(pairing):
            return False
        close_pairing(
            session,
            pairing,
            by=actor_id,
            completed=False,
            reason=note,
            reason_visibility="coordinators",
            now=now,
            started=False,
        )
        coordinator_id, mentee_id = pairing.assigned_by, pairing.mentee_id
        label = program_focus_label(
            program_config(session, ctx.settings, pairing.program_id), pairing.focus
        )
    if coordinator_id:
        told = blocks.build_assignment_declined_for_coordinator(actor_id, mentee_id, label, note)
        notify(client, coordinator_id, told.text, told.blocks)
    declined = blocks.build_assignment_declined_for_mentee(actor_id, label)
    notify(client, mentee_id, declined.text, declined.blocks)
    redraw_ended_offers(ctx, client, [pairing_id])
    offer_free_places(ctx, client)
    return True


def end_pairing(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    actor_id: str,
    *,
    completed: bool,
    reason: str,
    visibility: str,
) -> bool:
    """End or complete a pairing; the other member gets a kind note with no reason in it."""
    if visibility not in VISIBILITIES:
        raise Refused(md("Please choose who may see the reason."), reason="bad_input")
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = require_member(get_pairing(session, pairing_id, lock=True), actor_id)
        if not is_open(pairing):
            return False
        close_pairing(
            session,
            pairing,
            by=actor_id,
            completed=completed,
            reason=reason,
            reason_visibility=visibility,
            now=now,
        )
        other = other_member(pairing, actor_id)
        mentee_id = pairing.mentee_id
        label = program_focus_label(
            program_config(session, ctx.settings, pairing.program_id), pairing.focus
        )
    ended = blocks.build_ended_for_other(
        actor_id, label, completed, other_is_mentee=other == mentee_id
    )
    notify(client, other, ended.text, ended.blocks)
    if actor_id == mentee_id:
        confirmed = blocks.build_ended_for_actor(other, label, completed, actor_is_mentee=True)
        notify(client, actor_id, confirmed.text, confirmed.blocks)
    redraw_ended_offers(ctx, client, [pairing_id])
    refresh_homes(ctx, client, actor_id, other)
    # The mentor has a place again: someone waiting for one may hear of it.
    offer_free_places(ctx, client)
    return True


@dataclass(frozen=True)
class CommunicationSet:
    description: str
    other_id: str
    pairing_id: int


def set_communication(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    actor_id: str,
    choice: Communication,
) -> CommunicationSet:
    """Save how the pair meets, schedule the next check-in, and tell the other member."""
    now = ctx.now()
    profile = profiles_before_saving(ctx.sessions, client, [actor_id], now)[actor_id]
    with unit_of_work(ctx.sessions) as session:
        pairing = _open_member_pairing(get_pairing(session, pairing_id, lock=True), actor_id)
        tz = (profile.tz if profile else None) or ctx.settings.default_timezone
        anchor = local_date(now, tz, ctx.settings)
        pairing.cadence = choice.cadence.value
        pairing.weekday = choice.weekday
        pairing.local_time = choice.local_time.strftime("%H:%M")
        monthly = choice.cadence is Cadence.MONTHLY
        pairing.monthly_nth = choice.week_of_month if monthly else None
        pairing.monthly_day = choice.day_of_month if monthly else None
        pairing.meeting_format = choice.meeting_format
        pairing.timezone = tz
        pairing.cadence_anchor = anchor
        if pairing.status == "active":
            pairing.next_checkin_at = next_slot_after(choice.schedule(tz, anchor), now)
        description = choice.describe(tz, anchor)
        record(session, pairing, actor_id=actor_id, kind="pairing.communication", now=now)
        owe_rhythm_files(session, pairing, now)  # each member's calendar follows the rhythm
        other = other_member(pairing, actor_id)
        done = CommunicationSet(description, other, pairing.id)
    changed = blocks.build_communication_changed(actor_id, done.description)
    notify(client, done.other_id, changed.text, changed.blocks)
    refresh_homes(ctx, client, actor_id, done.other_id)
    return done


def assignment_to_decline(ctx: AppContext, pairing_id: int, actor_id: str) -> str | None:
    """The coordinator to tell, if ``actor_id`` is the assigned mentor of this open pairing."""
    with unit_of_work(ctx.sessions) as session:
        pairing = require_member(get_pairing(session, pairing_id), actor_id)
        if pairing.origin != "assignment" or actor_id != pairing.mentor_id:
            raise Refused(
                md("Only the assigned mentor can decline an assignment."), reason="forbidden"
            )
        if not is_open(pairing):
            raise Refused(md("That pairing is already closed."))
        return pairing.assigned_by
