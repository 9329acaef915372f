"""Small Web API helpers the flows share: DMs, in-place updates, and local dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.focus import find_focus, focus_areas
from bot.logging import get_logger
from bot.settings import Settings
from handlers.blocks.common import MessageBody

log = get_logger("mentorbot.slack")

# Errors that no retry will fix: the person or conversation is gone, or the app was removed.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
    }
)


def slack_error(error: SlackApiError) -> str:
    return str(error.response.get("error") or "unknown_error")


def is_permanent(error: SlackApiError) -> bool:
    return slack_error(error) in PERMANENT_ERRORS


def send_dm(
    client: WebClient, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None
) -> tuple[str, str]:
    """DM ``user_id`` from the app; returns (channel, ts) for later updates."""
    response = client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    return str(response["channel"]), str(response["ts"])


def notify(
    client: WebClient, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None
) -> tuple[str, str] | None:
    """A DM that follows from a change already saved: a failure is logged, not raised, so the
    change stands and the person acting is not told it failed."""
    try:
        return send_dm(client, user_id, text, blocks)
    except SlackApiError as error:
        log.warning("slack.notify.failed", recipient=user_id, error=slack_error(error))
        return None


def notify_message(client: WebClient, user_id: str, message: MessageBody) -> tuple[str, str] | None:
    """``notify`` with a built message: its blocks, and its fallback text."""
    return notify(client, user_id, message.text, message.blocks)


def update_to(client: WebClient, channel: str | None, ts: str | None, message: MessageBody) -> None:
    """``update_message`` with a built message: its blocks, and its fallback text."""
    update_message(client, channel, ts, message.text, message.blocks)


def update_message(
    client: WebClient,
    channel: str | None,
    ts: str | None,
    text: str,
    blocks: list[dict[str, Any]],
) -> None:
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as error:
        log.warning("slack.update.failed", channel=channel, error=slack_error(error))


def focus_label(settings: Settings, key: str) -> str:
    area = find_focus(key, focus_areas(settings.focus_areas))
    return area.label if area is not None else key.replace("-", " ").capitalize()


def local_date(instant: datetime, tz: str | None, settings: Settings) -> date:
    return instant.astimezone(ZoneInfo(tz or settings.default_timezone)).date()
