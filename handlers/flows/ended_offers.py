"""The offers of meeting times a mentorship's ending closed: the other member's DM, as the app
recorded it, redrawn with nothing left to pick. Each way a mentorship ends calls this once its
ending is saved (:func:`storage.meeting_plans.end_with_mentorship` closed the offers)."""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk import WebClient

from bot.context import AppContext
from handlers.blocks.meetings import build_offer_ended
from handlers.flows.slack import update_to
from storage.db import unit_of_work
from storage.meeting_plans import ended_offers


def redraw_ended_offers(ctx: AppContext, client: WebClient, pairing_ids: Collection[int]) -> None:
    """After these mentorships ended: each offer that was waiting for a pick, redrawn closed."""
    if not pairing_ids:
        return
    with unit_of_work(ctx.sessions) as session:
        where = ended_offers(session, pairing_ids)
    for channel, ts in where:
        update_to(client, channel, ts, build_offer_ended())
