"""Buttons of matching rounds: rank, rather not, close early, approve, change a pair, cancel,
and the proposal's CSV again."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.text import fmt, md, plural
from handlers import ids
from handlers.blocks.matching import build_change_modal, build_rank_modal, build_rather_not_modal
from handlers.edge import action_value, actor_id, edge, id_values, reply_privately
from handlers.flows import matching as flow
from handlers.flows.home import publish_home
from handlers.tapped import OnHome, OnMessage, tapped


def handle_rank_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (participant_id,) = id_values(action_value(args))[:1]
    ranked, suggested = flow.rank_form(ctx, participant_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_rank_modal(participant_id, ranked, suggested),
    )


def handle_rather_not_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (participant_id,) = id_values(action_value(args))[:1]
    current = flow.rather_not_form(ctx, participant_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"], view=build_rather_not_modal(participant_id, current)
    )


def handle_close(ctx: AppContext, args: Args) -> None:
    args.ack()
    (round_id,) = id_values(action_value(args))[:1]
    closed = flow.propose(ctx, args.client, round_id, actor_id(args))
    if isinstance(tapped(args.body), OnHome):
        publish_home(ctx, args.client, actor_id(args))  # the round leaves "In progress"
    if not closed:
        args.context["outcome"] = "repeat"
        reply_privately(args, md("That round has closed already; its proposal is in our DM."))


def _clicked_message(args: Args) -> tuple[str, str] | None:
    """The channel and ts the tap claims, when a message: the flow redraws only the round's
    recorded proposals, and takes this claim only after Slack confirms the channel is the
    caller's DM with the app."""
    where = tapped(args.body)
    return (where.channel, where.ts) if isinstance(where, OnMessage) else None


def handle_approve(ctx: AppContext, args: Args) -> None:
    args.ack()
    (round_id,) = id_values(action_value(args))[:1]
    caller = actor_id(args)
    pairs = flow.pairs_to_approve(ctx, round_id, caller)
    if pairs:
        # A large round takes seconds to make: say so at once.
        reply_privately(
            args,
            fmt(
                "Approving: making {pairs} now. I'll say here when they're made.",
                pairs=plural(pairs, "pairing"),
            ),
        )
    outcome = flow.approve_round(ctx, round_id, caller)
    # After the approval committed (or was found done): the proposal loses its buttons.
    flow.redraw_approved_proposal(ctx, args.client, round_id, caller, _clicked_message(args))
    if outcome.repeat:
        args.context["outcome"] = "repeat"
        if outcome.status == "cancelled":
            reply_privately(args, md("That round was cancelled, so nobody was paired."))
        else:
            reply_privately(args, md("That round was approved already; nothing changed."))
        return
    reply_privately(
        args,
        fmt(
            "Approved: {made} made; I'm introducing each pair now. {left} told kindly and "
            "put on the waiting list.",
            made=plural(outcome.made, "pairing"),
            left=plural(outcome.left, "trainee"),
        ),
    )


def handle_cancel(ctx: AppContext, args: Args) -> None:
    args.ack()
    (round_id,) = id_values(action_value(args))[:1]
    if flow.cancel_round(ctx, round_id, actor_id(args)):
        reply_privately(args, md("Cancelled the round: nobody will be paired by it."))
    else:
        args.context["outcome"] = "repeat"
        reply_privately(args, md("That round was already decided, so I left it as it is."))


def handle_change_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (round_id,) = id_values(action_value(args))[:1]
    flow.require_round_coordinator(ctx, round_id, actor_id(args))
    args.client.views_open(trigger_id=args.body["trigger_id"], view=build_change_modal(round_id))


def handle_csv(ctx: AppContext, args: Args) -> None:
    args.ack()
    (round_id,) = id_values(action_value(args))[:1]
    flow.send_csv(ctx, args.client, round_id, actor_id(args))


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.MATCH_RANK_OPEN: handle_rank_open,
        ids.MATCH_RATHER_NOT_OPEN: handle_rather_not_open,
        ids.MATCH_CLOSE: handle_close,
        ids.MATCH_APPROVE: handle_approve,
        ids.MATCH_CHANGE_OPEN: handle_change_open,
        ids.MATCH_CSV: handle_csv,
        ids.MATCH_CANCEL: handle_cancel,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
