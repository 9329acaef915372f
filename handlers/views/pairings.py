"""Modal submissions for pairings: assign, decline an assignment, agree check-ins, end."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.conflicts import conflict_error
from bot.context import AppContext
from bot.text import fmt, mention
from handlers import ids
from handlers.blocks.conflicts import overridden
from handlers.blocks.modals import (
    InvalidSubmission,
    parse_assigned_mentor,
    parse_communication,
    parse_end,
    parse_focus_note,
    parse_metadata,
    parse_note,
)
from handlers.edge import actor_id, edge, id_values
from handlers.flows.choosing import open_pairing_choices
from handlers.flows.home import publish_home
from handlers.flows.pairings import (
    assign_conflict,
    assign_pairing,
    decline_assignment,
    end_pairing,
    set_communication,
)
from handlers.flows.program_scope import coordinated_program
from handlers.flows.slack import notify
from handlers.views.requests import metadata, reject, state_values, submitted_program
from storage.db import unit_of_work


def handle_assign_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    program_id = submitted_program(args)
    try:
        with unit_of_work(ctx.sessions) as session:
            # A coordinator of another program forging this one's id is refused here.
            program, _ = coordinated_program(session, ctx.settings, caller, program_id)
        focus, note = parse_focus_note(state_values(args), program.focus_areas)
        people = parse_metadata(metadata(args))
        mentee_id = str(people.get("mentee") or "")
        mentor_id = parse_assigned_mentor(state_values(args), str(people.get("mentor") or ""))
        override = overridden(state_values(args))
        conflict = assign_conflict(ctx, program.id, mentor_id, mentee_id)
        if conflict is not None and not override:
            raise InvalidSubmission({ids.OVERRIDE_BLOCK: conflict_error(conflict)})
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    assign_pairing(
        ctx,
        args.client,
        program_id=program.id,
        coordinator_id=caller,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        focus=focus,
        note=note,
        override=override,
    )
    notify(
        args.client,
        caller,
        fmt(
            "Done: {mentor} now mentors {mentee}. I've introduced them to each other.",
            mentor=mention(mentor_id),
            mentee=mention(mentee_id),
        ),
    )
    if people.get("from") == "home":
        publish_home(ctx, args.client, caller)  # the coverage they acted from, redrawn


def handle_decline_assignment_submission(ctx: AppContext, args: Args) -> None:
    try:
        note = parse_note(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    (pairing_id,) = id_values(metadata(args))[:1]
    if not decline_assignment(ctx, args.client, pairing_id, actor_id(args), note):
        args.context["outcome"] = "repeat"


def handle_communication_submission(ctx: AppContext, args: Args) -> None:
    try:
        choice = parse_communication(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    (pairing_id,) = id_values(metadata(args))[:1]
    caller = actor_id(args)
    done = set_communication(ctx, args.client, pairing_id, caller, choice)
    notify(
        args.client,
        caller,
        fmt(
            "Saved: *{description}*. I've told {other}.",
            description=done.description,
            other=mention(done.other_id),
        ),
    )


def handle_end_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    allowed = [c.pairing_id for c in open_pairing_choices(ctx, caller, None)]
    try:
        choice = parse_end(state_values(args), metadata(args), allowed)
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    if not end_pairing(
        ctx,
        args.client,
        choice.pairing_id,
        caller,
        completed=choice.completed,
        reason=choice.reason,
        visibility=choice.visibility,
    ):
        args.context["outcome"] = "repeat"


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.ASSIGN_VIEW: handle_assign_submission,
        ids.DECLINE_ASSIGNMENT_VIEW: handle_decline_assignment_submission,
        ids.COMMUNICATION_VIEW: handle_communication_submission,
        ids.END_VIEW: handle_end_submission,
    }
    for callback_id, handler in handlers.items():
        app.view(callback_id)(edge(f"view:{callback_id}", partial(handler, ctx)))
