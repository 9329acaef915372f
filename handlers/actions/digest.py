"""Buttons on the coordinator digest's at-risk rows: Details, Nudge, Reassign and Close
(coordinators of the pair's program only, checked on every click)."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.text import Mrkdwn, fmt, mention, own_message_text
from handlers import ids
from handlers.blocks.digest import mark_row
from handlers.blocks.modals import build_reassign_modal
from handlers.blocks.pair_details import build_pair_details_modal
from handlers.edge import action_value, actor_id, edge, id_values, respond_text
from handlers.flows.digest import close_from_digest, nudge_pair, reassign_parties
from handlers.flows.shared_work import pair_details
from handlers.flows.slack import update_message


def _update_digest(args: Args, pairing_id: int, note: Mrkdwn) -> None:
    message = args.body.get("message") or {}
    blocks = mark_row(list(message.get("blocks") or []), pairing_id, note)
    container = args.body.get("container") or {}
    # The digest's own fallback text still sums it up.
    text = own_message_text(str(message.get("text") or "Mentorship program digest"))
    if container.get("is_ephemeral") and args.respond is not None:
        respond_text(args, text, blocks, replace_original=True)
        return
    channel = (args.body.get("channel") or {}).get("id") or container.get("channel_id")
    ts = container.get("message_ts") or message.get("ts")
    update_message(args.client, channel, ts, text, blocks)


def handle_nudge(ctx: AppContext, args: Args) -> None:
    args.ack()
    user = actor_id(args)
    (pairing_id,) = id_values(action_value(args))[:1]
    nudge_pair(ctx, args.client, pairing_id, user)
    _update_digest(args, pairing_id, fmt("Nudged by {user}", user=mention(user)))


def handle_close(ctx: AppContext, args: Args) -> None:
    args.ack()
    user = actor_id(args)
    (pairing_id,) = id_values(action_value(args))[:1]
    close_from_digest(ctx, args.client, pairing_id, user)
    _update_digest(args, pairing_id, fmt("Closed by {user}", user=mention(user)))


def handle_reassign(ctx: AppContext, args: Args) -> None:
    args.ack()
    user = actor_id(args)
    (pairing_id,) = id_values(action_value(args))[:1]
    mentor_id, mentee_id = reassign_parties(ctx, pairing_id, user)
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_reassign_modal(pairing_id, mentor_id, mentee_id),
    )


def handle_details(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pairing_id,) = id_values(action_value(args))[:1]
    details, today = pair_details(ctx, pairing_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"], view=build_pair_details_modal(details, today)
    )


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.DIGEST_DETAILS: handle_details,
        ids.DIGEST_NUDGE: handle_nudge,
        ids.DIGEST_CLOSE: handle_close,
        ids.DIGEST_REASSIGN: handle_reassign,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
