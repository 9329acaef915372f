"""Small Web API helpers the flows share: DMs, in-place updates, and local dates.

Every message the app posts or updates goes through the helpers here (or, for replies to a
request, through :mod:`handlers.edge`), which take its ``text`` only as
:class:`~bot.text.Mrkdwn`: Slack parses that text, and notifications show it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.focus import find_focus
from bot.logging import get_logger
from bot.programs import ProgramConfig
from bot.settings import Settings
from bot.text import Mrkdwn
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


def post_message(
    client: WebClient, channel: str, text: Mrkdwn, blocks: list[dict[str, Any]] | None = None
) -> SlackResponse:
    """chat.postMessage to ``channel`` (a channel id, or a user id for the app's DM)."""
    return client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def post_ephemeral(
    client: WebClient,
    channel: str,
    user_id: str,
    text: Mrkdwn,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    client.chat_postEphemeral(channel=channel, user=user_id, text=text, blocks=blocks)


def replace_message(
    client: WebClient, channel: str, ts: str, text: Mrkdwn, blocks: list[dict[str, Any]]
) -> None:
    """chat.update of a message the app sent; errors are the caller's to handle."""
    client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)


def share_files(
    client: WebClient, channel: str, comment: Mrkdwn, files: list[dict[str, Any]]
) -> None:
    """Upload ``files`` into ``channel`` with ``comment``, which Slack shows as mrkdwn."""
    client.files_upload_v2(channel=channel, initial_comment=comment, file_uploads=files)


def upload_to_dm(
    client: WebClient, user_id: str, comment: Mrkdwn, filename: str, title: str, content: bytes
) -> tuple[str, str]:
    """Share one file into the app's DM with ``user_id``; (the DM's channel, the file's id)."""
    channel = str(client.conversations_open(users=user_id)["channel"]["id"])
    response = client.files_upload_v2(
        channel=channel,
        initial_comment=comment,
        file_uploads=[{"filename": filename, "title": title, "content": content}],
    )
    files = response.get("files") or [response.get("file") or {}]
    return channel, str(files[0].get("id") or "")


def send_dm(
    client: WebClient, user_id: str, text: Mrkdwn, blocks: list[dict[str, Any]] | None = None
) -> tuple[str, str]:
    """DM ``user_id`` from the app; returns (channel, ts) for later updates."""
    response = post_message(client, user_id, text, blocks)
    return str(response["channel"]), str(response["ts"])


def notify(
    client: WebClient, user_id: str, text: Mrkdwn, blocks: list[dict[str, Any]] | None = None
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
    text: Mrkdwn,
    blocks: list[dict[str, Any]],
) -> None:
    if not channel or not ts:
        return
    try:
        replace_message(client, channel, ts, text, blocks)
    except SlackApiError as error:
        log.warning("slack.update.failed", channel=channel, error=slack_error(error))


def program_focus_label(program: ProgramConfig, key: str) -> str:
    """The label ``program`` gives the focus stored as ``key`` (a slug); a focus the program no
    longer lists keeps a readable label made from its slug."""
    area = find_focus(key, program.focus_areas)
    return area.label if area is not None else key.replace("-", " ").capitalize()


def local_date(instant: datetime, tz: str | None, settings: Settings) -> date:
    return instant.astimezone(ZoneInfo(tz or settings.default_timezone)).date()
