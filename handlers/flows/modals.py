"""Opening modals, and updating one a payload names.

A view id in a payload is the client's word. A modal the app may later redraw (the directory,
the ask and assign forms with their program picker) is opened here and recorded for the person
it was opened for; it is then updated only for that person and only with the view's ``hash``,
so a forged id, another person's view, or a stale copy changes nothing."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.text import md
from handlers.flows.slack import slack_error
from storage.db import unit_of_work
from storage.views import opened_for, remember_opened_view

log = get_logger("mentorbot.modals")

NOT_YOUR_VIEW = md("That window isn't one I opened for you, so I left it alone.")


def open_modal(
    ctx: AppContext, client: WebClient, user_id: str, trigger_id: str, view: Any
) -> None:
    """views.open, then record the view for ``user_id`` (no transaction open during the call)."""
    response = client.views_open(trigger_id=trigger_id, view=view)
    opened = response.get("view")
    view_id = opened.get("id") if isinstance(opened, dict) else None
    if isinstance(view_id, str) and view_id:
        with unit_of_work(ctx.sessions) as session:
            remember_opened_view(session, view_id, user_id, ctx.now())


def update_modal(ctx: AppContext, client: WebClient, user_id: str, shown: Any, view: Any) -> None:
    """Redraw the modal ``shown`` (the payload's ``view``) as ``view``: only a modal the app
    opened for ``user_id``, and only with its hash. A hash conflict means the modal changed
    meanwhile (a second quick choice): that later redraw stands."""
    view_id = shown.get("id") if isinstance(shown, dict) else None
    view_hash = shown.get("hash") if isinstance(shown, dict) else None
    if not isinstance(view_id, str) or not isinstance(view_hash, str) or not view_hash:
        raise Refused(NOT_YOUR_VIEW, reason="forbidden")
    with unit_of_work(ctx.sessions) as session:
        mine = opened_for(session, view_id, user_id, ctx.now())
    if not mine:
        raise Refused(NOT_YOUR_VIEW, reason="forbidden")
    try:
        client.views_update(view_id=view_id, hash=view_hash, view=view)
    except SlackApiError as error:
        if slack_error(error) != "hash_conflict":
            raise
        log.warning("modal.redraw.superseded", error="hash_conflict")
