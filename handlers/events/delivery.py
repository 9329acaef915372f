"""Slack retries an event it thinks went unanswered; each event id takes effect once."""

from __future__ import annotations

from slack_bolt import Args

from bot.context import AppContext
from storage.db import unit_of_work
from storage.events import first_delivery


def is_first_delivery(ctx: AppContext, args: Args) -> bool:
    event_id = args.body.get("event_id")
    if not event_id:
        return True
    with unit_of_work(ctx.sessions) as session:
        return first_delivery(session, str(event_id), ctx.now())
