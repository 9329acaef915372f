"""Buttons on App Home: change cadence, pause, end, propose or stop sharing with coordinators,
ask someone to mentor you, assign a mentor to a trainee without one (coordinators), and show
more.

Each one re-checks that the person tapping is a member of the pairing the button names: a
button's value is only a claim."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.sharing import SharingMove, SharingOutcome
from bot.text import md
from handlers import ids
from handlers.blocks.checkins import build_pause_modal
from handlers.blocks.coverage import (
    invited_note,
    parse_assign_value,
    parse_invite_value,
    parse_more_value,
)
from handlers.blocks.home import parse_page
from handlers.blocks.modals import FocusForm, build_ask_modal, build_assign_modal
from handlers.blocks.sharing import parse_share_value
from handlers.commands.pairings import open_communication_modal, open_end_modal
from handlers.edge import FORGED_VALUE, action_value, actor_id, edge, id_values, reply_privately
from handlers.flows.choosing import PairingChoice, member_choice
from handlers.flows.coverage import invite_uncovered
from handlers.flows.home import publish_home, today_of
from handlers.flows.modals import open_modal
from handlers.flows.program_scope import ask_scope, coordinated_program
from handlers.flows.sharing import set_sharing
from storage.db import unit_of_work
from storage.people import departed_among
from storage.programs import members_among

ENDED = md("That mentorship has already ended.")


def _open_choice(ctx: AppContext, args: Args) -> PairingChoice:
    (pairing_id,) = id_values(action_value(args))[:1]
    choice = member_choice(ctx, pairing_id, actor_id(args))
    if choice is None:
        publish_home(ctx, args.client, actor_id(args))
        raise Refused(ENDED)
    return choice


def handle_home_cadence(ctx: AppContext, args: Args) -> None:
    args.ack()
    open_communication_modal(args, _open_choice(ctx, args))


def handle_home_pause(ctx: AppContext, args: Args) -> None:
    args.ack()
    choice = _open_choice(ctx, args)
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_pause_modal(
            [choice.pairing_id], [choice.other_id], today_of(ctx, actor_id(args))
        ),
    )


def handle_home_end(ctx: AppContext, args: Args) -> None:
    args.ack()
    open_end_modal(args, [_open_choice(ctx, args)])


def handle_home_share(ctx: AppContext, args: Args) -> None:
    args.ack()
    parsed = parse_share_value(action_value(args))
    if parsed is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    pairing_id, share = parsed
    move = SharingMove.PROPOSE if share else SharingMove.WITHDRAW
    change = set_sharing(ctx, args.client, pairing_id, actor_id(args), move)
    if change.outcome is SharingOutcome.UNCHANGED:
        args.context["outcome"] = "repeat"


def handle_home_ask(ctx: AppContext, args: Args) -> None:
    """**Ask someone you know**: the ask form, with a people picker, in the asker's program (or
    asking which, for someone in several)."""
    caller = actor_id(args)
    with unit_of_work(ctx.sessions) as session:
        scope = ask_scope(session, ctx.settings, caller, None, None)
    args.ack()
    open_modal(
        ctx, args.client, caller, args.body["trigger_id"], build_ask_modal("", scope.form("", None))
    )


NOT_A_MEMBER = md(
    "They are no longer a member of that program, so I can't pair them there. Your Home is "
    "up to date again."
)


def handle_coverage_assign(ctx: AppContext, args: Args) -> None:
    """**Assign…** beside a trainee without a mentor: the assign form with a mentor picker, once
    the program (a claim of the button) is checked as one the tapper coordinates and the trainee
    as its member."""
    parsed = parse_assign_value(action_value(args))
    if parsed is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    program_id, mentee_id = parsed
    caller = actor_id(args)
    with unit_of_work(ctx.sessions) as session:
        program, _ = coordinated_program(session, ctx.settings, caller, program_id)
        member = mentee_id in members_among(session, program, [mentee_id]) and not departed_among(
            session, [mentee_id]
        )
    args.ack()
    if not member:
        publish_home(ctx, args.client, caller)
        raise Refused(NOT_A_MEMBER)
    form = FocusForm(program.focus_areas, "", program_id=program.id)
    open_modal(
        ctx,
        args.client,
        caller,
        args.body["trigger_id"],
        build_assign_modal("", mentee_id, form, from_home=True),
    )


def handle_coverage_invite(ctx: AppContext, args: Args) -> None:
    """**Invite all to find a mentor**: a kind DM to each trainee of the program without one
    (at most once a week each), and a word to the coordinator of how many."""
    program_id = parse_invite_value(action_value(args))
    if program_id is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    caller = actor_id(args)
    with unit_of_work(ctx.sessions) as session:
        coordinated_program(session, ctx.settings, caller, program_id)  # refused before the ack
    args.ack()
    invited = invite_uncovered(ctx, args.client, program_id, caller)
    reply_privately(args, invited_note(invited.invited, invited.already))


def handle_coverage_page(ctx: AppContext, args: Args) -> None:
    """**More** / **Back** through a program's trainees without a mentor: Home redrawn from
    that one, for a coordinator of that program only."""
    parsed = parse_more_value(action_value(args))
    if parsed is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    program_id, start = parsed
    caller = actor_id(args)
    with unit_of_work(ctx.sessions) as session:
        coordinated_program(session, ctx.settings, caller, program_id)
    args.ack()
    publish_home(ctx, args.client, caller, coverage_from={program_id: start})


def handle_home_more(ctx: AppContext, args: Args) -> None:
    args.ack()
    # Home is built for whoever tapped, from their own pairings: there is nothing to forge.
    publish_home(ctx, args.client, actor_id(args), parse_page(action_value(args)))


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.HOME_CADENCE: handle_home_cadence,
        ids.HOME_PAUSE: handle_home_pause,
        ids.HOME_END: handle_home_end,
        ids.HOME_SHARE: handle_home_share,
        ids.HOME_MORE: handle_home_more,
        ids.HOME_ASK_OPEN: handle_home_ask,
        ids.COVERAGE_ASSIGN: handle_coverage_assign,
        ids.COVERAGE_INVITE: handle_coverage_invite,
        ids.COVERAGE_MORE: handle_coverage_page,
        ids.COVERAGE_BACK: handle_coverage_page,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
