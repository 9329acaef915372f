"""Buttons on pairings: set up check-ins, and decline an assignment."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import md
from handlers import ids
from handlers.blocks.modals import build_communication_modal, build_decline_assignment_modal
from handlers.commands.pairings import open_end_modal
from handlers.edge import action_value, actor_id, edge, id_values
from handlers.flows.choosing import member_choice
from handlers.flows.pairings import assignment_to_decline


def handle_communication_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pairing_id,) = id_values(action_value(args))[:1]
    choice = member_choice(ctx, pairing_id, actor_id(args))
    if choice is None:
        raise Refused(md("That mentorship has ended, so there are no check-ins to set up."))
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_communication_modal(
            choice.pairing_id,
            choice.other_id,
            choice.focus_label,
            choice.communication,
            default_cadence=choice.default_cadence,
        ),
    )


def handle_end_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pairing_id,) = id_values(action_value(args))[:1]
    choice = member_choice(ctx, pairing_id, actor_id(args))
    if choice is None:
        raise Refused(md("That mentorship has already ended."))
    open_end_modal(args, [choice])


def handle_assignment_decline(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pairing_id,) = id_values(action_value(args))[:1]
    coordinator_id = assignment_to_decline(ctx, pairing_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_decline_assignment_modal(pairing_id, coordinator_id),
    )


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.COMMUNICATION_OPEN: handle_communication_open,
        ids.ASSIGNMENT_DECLINE: handle_assignment_decline,
        ids.END_OPEN: handle_end_open,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
