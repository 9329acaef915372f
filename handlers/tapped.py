"""Where a button was tapped, as the payload claims it: the one place that reads a payload's
``container``, ``channel`` and ``message``.

Only the user id of an interaction is Slack's word; the rest is the client's. So the place a
tap names is a *claim*: App Home, an ephemeral reply (answered through its ``response_url``,
which only the tapper sees), or a message at a channel and ts. A flow that redraws a message
first matches that claim against the messages it recorded for the tapper (a task DM, a
check-in, a digest post, a proposal), refuses it otherwise before changing anything, and
redraws from the database: never a payload's blocks or text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OnHome:
    """The tap was on App Home (or in a modal): the flow republishes Home itself."""


@dataclass(frozen=True)
class InEphemeral:
    """The tap was on an ephemeral reply, which only the tapper sees; it is redrawn through the
    request's ``response_url`` (a Slack host, checked at the edge)."""


@dataclass(frozen=True)
class OnMessage:
    """The tap claims to be on the message at ``channel``/``ts``: unverified until matched
    against what the app recorded."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Nowhere:
    """The payload names no place (a malformed or forged click)."""


Tapped = OnHome | InEphemeral | OnMessage | Nowhere


def tapped(body: dict[str, Any]) -> Tapped:
    """The place a block_actions payload claims its button was on."""
    container = body.get("container")
    container = container if isinstance(container, dict) else {}
    if container.get("type") == "view" or isinstance(body.get("view"), dict):
        return OnHome()
    if container.get("is_ephemeral"):
        return InEphemeral()
    message = body.get("message")
    message = message if isinstance(message, dict) else {}
    channel = body.get("channel")
    channel_id = (channel.get("id") if isinstance(channel, dict) else None) or container.get(
        "channel_id"
    )
    ts = container.get("message_ts") or message.get("ts")
    if isinstance(channel_id, str) and channel_id and isinstance(ts, str) and ts:
        return OnMessage(channel_id, ts)
    return Nowhere()


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel the payload says the request came from: fit only for an ephemeral reply to
    the actor (Slack shows it to them alone, and only in a channel they are in)."""
    where = tapped(body)
    if isinstance(where, OnMessage):
        return where.channel
    channel = body.get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return str(channel["id"])
    return None
