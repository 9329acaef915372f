"""Modal submissions of matching rounds: opening one, a trainee's ranking, a mentor's rather
not, and a coordinator's change to one pair."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.conflicts import conflict_error
from bot.context import AppContext
from bot.text import fmt, mention
from handlers import ids
from handlers.blocks.matching import (
    build_answer_saved,
    parse_change_submission,
    parse_match_submission,
    parse_rank_submission,
    parse_rather_not_submission,
    participant_in,
)
from handlers.blocks.modals import InvalidSubmission
from handlers.edge import actor_id, edge
from handlers.flows import matching as flow
from handlers.flows.home import publish_home
from handlers.flows.programs import require_coordinator_of
from handlers.flows.slack import notify
from handlers.views.requests import metadata, reject, state_values
from storage import matching as rounds
from storage.db import unit_of_work
from storage.programs import program_config


def handle_match_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    program_id = flow_program(args)
    with unit_of_work(ctx.sessions) as session:
        # Checked before anything is read from the form: a forged program id changes nothing.
        require_coordinator_of(session, ctx.settings, program_id, caller)
        program = program_config(session, ctx.settings, program_id)
    today = ctx.now().astimezone(program.zone).date()
    try:
        setup = parse_match_submission(
            state_values(args), metadata(args), program.focus_areas, today
        )
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    flow.start_round(ctx, args.client, caller, setup)
    publish_home(ctx, args.client, caller)  # the coordinator's desk shows the round


def flow_program(args: Args) -> int:
    from handlers.blocks.modals import parse_metadata

    found = parse_metadata(metadata(args)).get("program")
    return found if isinstance(found, int) else 0


def _answer(ctx: AppContext, args: Args, role: str) -> None:
    caller = actor_id(args)
    participant_id = participant_in(metadata(args))
    allowed = flow.round_people(ctx, participant_id, caller, role)
    try:
        if role == rounds.TRAINEE:
            people = parse_rank_submission(state_values(args), allowed, caller)
        else:
            people = parse_rather_not_submission(state_values(args), allowed)
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    flow.save_answer(ctx, participant_id, caller, role, people)
    saved = build_answer_saved(role == rounds.TRAINEE, people)
    notify(args.client, caller, saved.text, saved.blocks)


def handle_rank_submission(ctx: AppContext, args: Args) -> None:
    _answer(ctx, args, rounds.TRAINEE)


def handle_rather_not_submission(ctx: AppContext, args: Args) -> None:
    _answer(ctx, args, rounds.MENTOR)


def handle_change_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    try:
        change = parse_change_submission(state_values(args), metadata(args))
        conflict = flow.change_conflict(ctx, caller, change)
        if conflict is not None and not change.override:
            raise InvalidSubmission({ids.MATCH_NEW_MENTOR_BLOCK: conflict_error(conflict)})
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    flow.change_pair(ctx, caller, change)
    notify(
        args.client,
        caller,
        fmt("Changed the proposal for {trainee}.", trainee=mention(change.trainee_id)),
    )


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.MATCH_VIEW: handle_match_submission,
        ids.MATCH_RANK_VIEW: handle_rank_submission,
        ids.MATCH_RATHER_NOT_VIEW: handle_rather_not_submission,
        ids.MATCH_CHANGE_VIEW: handle_change_submission,
    }
    for callback_id, handler in handlers.items():
        app.view(callback_id)(edge(f"view:{callback_id}", partial(handler, ctx)))
