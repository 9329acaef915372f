"""Channel and user group membership events: programs linked to them follow who joins and
leaves (``member_joined_channel``, ``member_left_channel``, ``subteam_members_changed``)."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from handlers.edge import edge
from handlers.flows.program_admin import channel_changed, usergroup_changed


def _event_id(args: Args) -> str | None:
    found = args.body.get("event_id")
    return str(found) if found else None


def handle_channel_membership(ctx: AppContext, joined: bool, args: Args) -> None:
    args.ack()
    event = args.event or {}
    channel, user = event.get("channel"), event.get("user")
    if not channel or not user or user == args.context.get("bot_user_id"):
        args.context["outcome"] = "ignored"
        return
    changed = channel_changed(ctx, _event_id(args), str(channel), str(user), joined=joined)
    args.context["outcome"] = "ok" if changed else "ignored"


def handle_usergroup_members(ctx: AppContext, args: Args) -> None:
    args.ack()
    event = args.event or {}
    usergroup = event.get("subteam_id")
    if not usergroup:
        args.context["outcome"] = "ignored"
        return
    changed = usergroup_changed(
        ctx,
        _event_id(args),
        str(usergroup),
        added=[str(u) for u in event.get("added_users") or []],
        removed=[str(u) for u in event.get("removed_users") or []],
    )
    args.context["outcome"] = "ok" if changed else "ignored"


def register(app: App, ctx: AppContext) -> None:
    app.event("member_joined_channel")(
        edge("event:member_joined_channel", partial(handle_channel_membership, ctx, True))
    )
    app.event("member_left_channel")(
        edge("event:member_left_channel", partial(handle_channel_membership, ctx, False))
    )
    app.event("subteam_members_changed")(
        edge("event:subteam_members_changed", partial(handle_usergroup_members, ctx))
    )
