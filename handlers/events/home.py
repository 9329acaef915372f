"""``app_home_opened``: publish the person's Home tab."""

from __future__ import annotations

from slack_bolt import Args

from bot.context import AppContext
from handlers.blocks.home import build_welcome_home
from handlers.events.delivery import is_first_delivery


def handle_app_home_opened(ctx: AppContext, args: Args) -> None:
    args.ack()
    event = args.event or {}
    if event.get("tab") != "home" or not is_first_delivery(ctx, args):
        args.context["outcome"] = "ignored"
        return
    args.client.views_publish(
        user_id=event["user"], view=build_welcome_home(ctx.settings.focus_areas)
    )
