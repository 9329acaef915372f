"""Builders of what Slack sends the app: slash command fields, interactivity payloads, events."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from typing import Any

# The workspace, app and bot the test rig pretends to be; FakeSlack answers with the same ids.
TEAM_ID = "T0TEST0001"
TEAM_DOMAIN = "mentorbot-test"
TEAM_NAME = "Mentorbot Test"
API_APP_ID = "A0TESTAPP1"
BOT_ID = "B0TEST0001"
BOT_USER_ID = "UBOT00001"
BOT_NAME = "mentorbot"
# Slack still sends the deprecated verification token in every payload; Bolt ignores it.
VERIFICATION_TOKEN = "Jhj5dZrVaK7ZwHHjRyZWjbDl"
DEFAULT_CHANNEL_ID = "C0TESTCHAN"

_trigger_serial = itertools.count(4_000_000_000)


def conversation_id_for(user_ids: list[str] | tuple[str, ...]) -> str:
    """The stable id of the app's DM with one user ("D…") or group DM with several ("G…")."""
    members = sorted(set(user_ids))
    digest = hashlib.sha256(",".join(members).encode()).hexdigest()[:9].upper()
    return ("D" if len(members) == 1 else "G") + digest


def dm_channel_id(user_id: str) -> str:
    """The id of the DM between the app and ``user_id``, where Slack puts messages to a user."""
    return conversation_id_for([user_id])


def new_trigger_id() -> str:
    """A fresh trigger_id in Slack's shape, e.g. ``4000000001.1234567890.0f3c…``."""
    return f"{next(_trigger_serial)}.{secrets.randbelow(10**10):010d}.{secrets.token_hex(16)}"


def new_event_id() -> str:
    return "Ev" + secrets.token_hex(5).upper()


def slack_ts(now: float) -> str:
    """A Slack timestamp string ("seconds.microseconds") for ``now``."""
    return f"{now:.6f}"


def payload_user(user_id: str, team_id: str = TEAM_ID) -> dict[str, str]:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _channel_name(channel_id: str) -> str:
    if channel_id.startswith("D"):
        return "directmessage"
    if channel_id.startswith("G"):
        return "privategroup"
    return "general"


def plain_text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


# ---------------------------------------------------------------------------------------------
# Slash commands (sent as application/x-www-form-urlencoded fields)
# ---------------------------------------------------------------------------------------------


def slash_command_fields(
    text: str,
    *,
    user_id: str,
    command: str = "/mentor",
    user_name: str = "",
    channel_id: str = DEFAULT_CHANNEL_ID,
    response_url: str = "",
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, str]:
    """The form fields of a slash command, in the order and shape of SlashCommandPayload.json."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": _channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }


# ---------------------------------------------------------------------------------------------
# Interactivity (sent form-encoded as payload=<json>)
# ---------------------------------------------------------------------------------------------


def action_element(
    *,
    action_id: str,
    block_id: str,
    action_ts: str,
    value: str | None = None,
    selected_user: str | None = None,
    selected_option: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One entry of ``actions``: a users_select, a static_select or (by default) a button."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id}
    if selected_user is not None:
        action.update(type="users_select", selected_user=selected_user)
    elif selected_option is not None:
        action.update(type="static_select", selected_option=selected_option)
    else:
        action.update(type="button", text=plain_text("Button"))
        if value is not None:
            action["value"] = value
    action["action_ts"] = action_ts
    return action


def bot_message(
    ts: str, *, text: str = "", blocks: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A message as the app posted it, the way Slack echoes it back in block_actions."""
    return {
        "type": "message",
        "subtype": "bot_message",
        "text": text,
        "ts": ts,
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": API_APP_ID,
        "team": TEAM_ID,
        "blocks": blocks or [],
    }


def block_actions_payload(
    *,
    user_id: str,
    action: dict[str, Any],
    trigger_id: str,
    message: dict[str, Any] | None = None,
    channel_id: str | None = None,
    view: dict[str, Any] | None = None,
    response_url: str = "",
    team_id: str = TEAM_ID,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A block_actions payload shaped on BlockActionPayload.json.

    With ``ephemeral`` the click happened in an ephemeral reply: as on Slack, the container
    says so and the payload carries no ``message``, only the ``response_url`` to redraw it.

    With ``view`` the click happened in a modal or the Home tab: the container is the view and,
    as on Slack, there is no channel, message or response_url. Otherwise it happened in a
    message (by default a bot message in the user's DM with the app).
    """
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": payload_user(user_id, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {},
        "trigger_id": trigger_id,
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "")}
        payload["view"] = view
    else:
        channel = channel_id or dm_channel_id(user_id)
        shown = message if message is not None else bot_message(action["action_ts"])
        payload["container"] = {
            "type": "message",
            "message_ts": shown.get("ts", ""),
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel, "name": _channel_name(channel)}
        payload["message"] = shown
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url
        if ephemeral:
            payload["container"]["is_ephemeral"] = True
            del payload["message"]
    payload["actions"] = [action]
    return payload


def modal_view(
    *,
    view_id: str,
    callback_id: str,
    values: dict[str, Any],
    private_metadata: str = "",
    hash_: str = "",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """The ``view`` of a view_submission: a modal whose inputs hold ``values``."""
    return {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "title": plain_text("Mentorbot"),
        "submit": plain_text("Submit"),
        "close": plain_text("Cancel"),
        "blocks": [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "external_id": "",
        "state": {"values": values},
        "hash": hash_ or f"1700000000.{secrets.token_hex(4)}",
        "clear_on_close": False,
        "notify_on_close": False,
        "submit_disabled": False,
        "root_view_id": view_id,
        "previous_view_id": None,
        "app_id": API_APP_ID,
        "app_installed_team_id": team_id,
        "bot_id": BOT_ID,
    }


def view_submission_payload(
    *,
    user_id: str,
    callback_id: str,
    values: dict[str, Any],
    trigger_id: str,
    private_metadata: str = "",
    view_id: str = "V0TEST0001",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A view_submission payload shaped on ViewSubmissionPayload.json."""
    return {
        "type": "view_submission",
        "team": _team(team_id),
        "user": payload_user(user_id, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": modal_view(
            view_id=view_id,
            callback_id=callback_id,
            values=values,
            private_metadata=private_metadata,
            team_id=team_id,
        ),
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def view_closed_payload(
    *,
    user_id: str,
    callback_id: str,
    private_metadata: str = "",
    view_id: str = "V0TEST0001",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A view_closed payload shaped on ViewClosedPayload.json (sent when notify_on_close)."""
    view = modal_view(
        view_id=view_id,
        callback_id=callback_id,
        values={},
        private_metadata=private_metadata,
        team_id=team_id,
    )
    return {
        "type": "view_closed",
        "team": _team(team_id),
        "user": payload_user(user_id, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": view,
        "is_cleared": False,
        "enterprise": None,
        "is_enterprise_install": False,
    }


# ---------------------------------------------------------------------------------------------
# Events API (sent as application/json)
# ---------------------------------------------------------------------------------------------


def event_callback(
    event: dict[str, Any],
    *,
    event_id: str,
    event_time: int,
    team_id: str = TEAM_ID,
    bot_user_id: str = BOT_USER_ID,
) -> dict[str, Any]:
    """The event_callback envelope around ``event``, shaped on the recorded events samples."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(24),
    }


def app_home_opened_event(
    user_id: str, *, now: float, tab: str = "home", view: dict[str, Any] | None = None
) -> dict[str, Any]:
    """app_home_opened, as in AppHomeOpenedPayload.json; ``view`` is absent before a publish."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": dm_channel_id(user_id),
        "tab": tab,
        "event_ts": slack_ts(now),
    }
    if view is not None:
        event["view"] = view
    return event


def message_event(
    text: str,
    *,
    user_id: str,
    now: float,
    channel_id: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A person's message, as in MessagePayload.json; by default in their DM with the app."""
    channel = channel_id or dm_channel_id(user_id)
    ts = slack_ts(now)
    event: dict[str, Any] = {
        "client_msg_id": secrets.token_hex(16),
        "type": "message",
        "text": text,
        "user": user_id,
        "ts": ts,
        "team": TEAM_ID,
        "blocks": [],
        "channel": channel,
        "event_ts": ts,
        "channel_type": {"D": "im", "G": "mpim"}.get(channel[0], "channel"),
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def app_mention_event(
    text: str, *, user_id: str, now: float, channel_id: str = DEFAULT_CHANNEL_ID
) -> dict[str, Any]:
    """An @-mention of the app in a channel, as in AppMentionPayload.json."""
    ts = slack_ts(now)
    return {
        "type": "app_mention",
        "client_msg_id": secrets.token_hex(16),
        "text": f"<@{BOT_USER_ID}> {text}",
        "user": user_id,
        "ts": ts,
        "team": TEAM_ID,
        "blocks": [],
        "channel": channel_id,
        "event_ts": ts,
    }


def app_uninstalled_event() -> dict[str, Any]:
    return {"type": "app_uninstalled"}


def tokens_revoked_event(bot_user_ids: list[str] | None = None) -> dict[str, Any]:
    return {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": bot_user_ids or [BOT_USER_ID]}}
