"""``app_home_opened``: publish the person's Home tab."""

from __future__ import annotations

from slack_bolt import Args

from bot.context import AppContext
from handlers.events.delivery import is_first_delivery
from handlers.flows.home import publish_home


def handle_app_home_opened(ctx: AppContext, args: Args) -> None:
    args.ack()
    event = args.event or {}
    if event.get("tab") != "home" or not is_first_delivery(ctx, args):
        args.context["outcome"] = "ignored"
        return
    publish_home(ctx, args.client, str(event["user"]))
