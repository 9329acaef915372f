"""Buttons on the coordinator digest's at-risk rows: Details, Nudge, Reassign and Close
(coordinators of the pair's program only, checked on every click)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App, Args

from bot.context import AppContext
from bot.text import Mrkdwn, fmt, mention
from handlers import ids
from handlers.blocks.digest import build_digest_preview_modal
from handlers.blocks.modals import build_reassign_modal
from handlers.blocks.pair_details import build_pair_details_modal
from handlers.edge import action_value, actor_id, edge, id_values, respond_text
from handlers.flows.digest import close_from_digest, nudge_pair, reassign_parties
from handlers.flows.digest_rows import check_digest_place, mark_posted_row, preview_marked
from handlers.flows.home import publish_home
from handlers.flows.modals import update_modal
from handlers.flows.shared_work import pair_details
from handlers.tapped import InEphemeral, OnHome, OnMessage, Tapped, tapped


def _update_digest(
    ctx: AppContext, args: Args, where: Tapped, pairing_id: int, note: Mrkdwn
) -> None:
    """Mark the pair's row where the tap was: a recorded digest post, or the coordinator's own
    preview rebuilt from the database (see :mod:`handlers.flows.digest_rows`); on Home, Home
    is drawn again."""
    if isinstance(where, OnMessage):
        mark_posted_row(ctx, args.client, where, pairing_id, note)
    elif isinstance(where, InEphemeral):
        preview = preview_marked(ctx, pairing_id, note)
        if preview is not None:
            respond_text(args, preview.text, preview.blocks, replace_original=True)
    elif isinstance(where, OnHome):
        # The coordinator's Home, or Home's digest preview: a modal the app opened for them
        # (update_modal checks), redrawn from the database; Home follows either way.
        shown = args.body.get("view")
        if isinstance(shown, dict) and shown.get("callback_id") == ids.DIGEST_PREVIEW_VIEW:
            preview = preview_marked(ctx, pairing_id, note)
            if preview is not None:
                update_modal(
                    ctx, args.client, actor_id(args), shown, build_digest_preview_modal(preview)
                )
        publish_home(ctx, args.client, actor_id(args))


def handle_nudge(ctx: AppContext, args: Args) -> None:
    args.ack()
    user = actor_id(args)
    (pairing_id,) = id_values(action_value(args))[:1]
    where = tapped(args.body)
    check_digest_place(ctx, where, pairing_id)
    nudge_pair(ctx, args.client, pairing_id, user)
    _update_digest(ctx, args, where, pairing_id, fmt("Nudged by {user}", user=mention(user)))


def handle_close(ctx: AppContext, args: Args) -> None:
    args.ack()
    user = actor_id(args)
    (pairing_id,) = id_values(action_value(args))[:1]
    where = tapped(args.body)
    check_digest_place(ctx, where, pairing_id)
    close_from_digest(ctx, args.client, pairing_id, user)
    _update_digest(ctx, args, where, pairing_id, fmt("Closed by {user}", user=mention(user)))


def handle_reassign(ctx: AppContext, args: Args) -> None:
    args.ack()
    user = actor_id(args)
    (pairing_id,) = id_values(action_value(args))[:1]
    mentor_id, mentee_id = reassign_parties(ctx, pairing_id, user)
    _show(args, build_reassign_modal(pairing_id, mentor_id, mentee_id))


def handle_details(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pairing_id,) = id_values(action_value(args))[:1]
    details, today = pair_details(ctx, pairing_id, actor_id(args))
    _show(args, build_pair_details_modal(details, today))


def _show(args: Args, view: dict[str, Any]) -> None:
    """Open ``view``; over Home's digest preview (a modal), push it onto that one."""
    shown = args.body.get("view")
    if isinstance(shown, dict) and shown.get("type") == "modal":
        args.client.views_push(trigger_id=args.body["trigger_id"], view=view)
    else:
        args.client.views_open(trigger_id=args.body["trigger_id"], view=view)


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.DIGEST_DETAILS: handle_details,
        ids.DIGEST_NUDGE: handle_nudge,
        ids.DIGEST_CLOSE: handle_close,
        ids.DIGEST_REASSIGN: handle_reassign,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
