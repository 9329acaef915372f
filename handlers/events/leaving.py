"""``user_change`` (someone deactivated or reactivated), and ``app_uninstalled`` /
``tokens_revoked`` (the app removed from the workspace: sending stops)."""

from __future__ import annotations

from slack_bolt import Args

from bot.context import AppContext
from bot.logging import get_logger
from handlers.events.delivery import is_first_delivery
from handlers.flows.leaving import member_left, member_returned
from storage.db import unit_of_work
from storage.installation import stop_sending

log = get_logger("mentorbot.installation")


def handle_user_change(ctx: AppContext, args: Args) -> None:
    args.ack()
    user = (args.event or {}).get("user") or {}
    user_id = str(user.get("id") or "")
    if not user_id or not is_first_delivery(ctx, args):
        args.context["outcome"] = "ignored"
        return
    if user.get("deleted"):
        changed = member_left(ctx, args.client, user_id, why="deactivated")
    else:
        changed = member_returned(ctx, user_id)
    args.context["outcome"] = "done" if changed else "ignored"


def handle_app_removed(ctx: AppContext, args: Args) -> None:
    """Slack removed the app or revoked its bot token: no send can succeed any more, so the
    scheduler stops sending (one log line here) rather than failing every message."""
    args.ack()
    event = args.event or {}
    kind = str(event.get("type") or "app_uninstalled")
    if kind == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        args.context["outcome"] = "ignored"  # only user tokens: the bot's still works
        return
    if not is_first_delivery(ctx, args):
        args.context["outcome"] = "ignored"
        return
    with unit_of_work(ctx.sessions) as session:
        stopped = stop_sending(session, kind, ctx.now())
    if stopped:
        log.warning("installation.sending_stopped", because=kind)
    args.context["outcome"] = "done" if stopped else "ignored"
