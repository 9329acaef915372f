"""Socket Mode: the app's WebSocket connection to Slack on slack_sdk's built-in client, acking
every envelope Slack sends, including those no listener handles and those it cannot read, so
Slack never retries one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.logging import get_logger

log = get_logger("mentorbot.socket_mode")

# How often the client pings Slack; a connection silent for four of these is replaced.
PING_INTERVAL_SECONDS = 10
# Envelope ids are UUIDs; this finds one in a frame that is not valid JSON, so it can be acked.
_ENVELOPE_ID = re.compile(r'"envelope_id"\s*:\s*"([A-Za-z0-9._:-]{1,100})"')


class AppTokenRefused(Exception):
    """``apps.connections.open`` refused the app-level token."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class EnvelopeProblem:
    """Why a frame from Slack cannot go to Bolt, and the envelope id to ack it with, if any."""

    reason: str
    envelope_id: str | None


def envelope_problem(frame: str) -> EnvelopeProblem | None:
    """What is wrong with a text frame from Slack, or None when it is a well-formed envelope or a
    control message without an envelope id (``hello``, ``disconnect``)."""
    try:
        message = json.loads(frame)
    except ValueError:
        found = _ENVELOPE_ID.search(frame)
        return EnvelopeProblem("not JSON", found.group(1) if found else None)
    if not isinstance(message, dict):
        return EnvelopeProblem("not a JSON object", None)
    if "envelope_id" not in message:
        return None
    envelope_id = message["envelope_id"]
    if not isinstance(envelope_id, str) or not envelope_id:
        return EnvelopeProblem("envelope_id is not a string", None)
    if not isinstance(message.get("type"), str):
        return EnvelopeProblem("no type", envelope_id)
    if not isinstance(message.get("payload"), dict):
        return EnvelopeProblem("no payload object", envelope_id)
    return None


def ack_payload(response: BoltResponse) -> dict[str, Any] | None:
    """What the ack carries: the body of the listener's ``ack()`` (an ephemeral reply, a modal's
    ``response_action``) when a listener handled the request; nothing otherwise."""
    if response.status != 200 or not response.body:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    if content_type.startswith("application/json"):
        body = json.loads(response.body)
        return body if isinstance(body, dict) else None
    return {"text": response.body}


def _describe(request: SocketModeRequest) -> dict[str, Any]:
    payload = request.payload
    event = payload.get("event")
    inner = event.get("type") if isinstance(event, dict) else payload.get("type")
    return {
        "envelope_type": request.type,
        "payload_type": inner,
        "envelope_id": request.envelope_id,
    }


class _EnvelopeCheckingClient(SocketModeClient):
    """slack_sdk's built-in client, acking at once a frame it could not hand to a listener: one
    that is not JSON, or an envelope without a type or a payload object."""

    def enqueue_message(self, message: str) -> None:
        problem = envelope_problem(message)
        if problem is None:
            super().enqueue_message(message)
            return
        log.warning(
            "slack.envelope.malformed", reason=problem.reason, envelope_id=problem.envelope_id
        )
        if problem.envelope_id is not None:
            self.send_socket_mode_response(SocketModeResponse(envelope_id=problem.envelope_id))

    def close(self) -> None:
        self.closed = True
        # Wakes the message processor at once; it would otherwise wait a second for a message.
        self.message_queue.put(None)
        super().close()


class SocketModeConnection:
    """The app served over Socket Mode: every envelope goes through Bolt (which acks as soon as a
    listener calls ``ack()``), and is acked once it has, whatever Bolt answered."""

    def __init__(self, app: App, app_token: str) -> None:
        self.app = app
        self.client = _EnvelopeCheckingClient(
            app_token=app_token,
            logger=app.logger,
            web_client=app.client,
            proxy=app.client.proxy,
            ping_interval=PING_INTERVAL_SECONDS,
        )
        self.client.socket_mode_request_listeners.append(self.handle)

    def handle(self, client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        payload: dict[str, Any] | None = None
        try:
            response = self.app.dispatch(
                BoltRequest(
                    mode="socket_mode", body=request.payload, headers=build_headers(request)
                )
            )
            payload = ack_payload(response)
            if response.status != 200:
                # Nothing here handles it (Slack sends app_uninstalled and tokens_revoked to
                # every app); acked all the same, or Slack would send it again and again.
                log.info("slack.envelope.unhandled", status=response.status, **_describe(request))
        except Exception:
            log.exception("slack.envelope.failed", **_describe(request))
        finally:
            client.send_socket_mode_response(
                SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
            )

    def connect(self) -> None:
        """Open the connection (``apps.connections.open``, then the WebSocket); later drops are
        reconnected by the client. AppTokenRefused when Slack refuses the app-level token."""
        try:
            self.client.connect()
        except SlackApiError as exc:
            self.close()
            raise AppTokenRefused(str(exc.response.get("error") or exc)) from exc
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        self.client.close()


def connect_socket_mode(app: App, app_token: str) -> SocketModeConnection:
    """Serve ``app`` over a new Socket Mode connection (what ``mentorbot serve`` and ``run`` do
    when SLACK_APP_TOKEN is set)."""
    connection = SocketModeConnection(app, app_token)
    connection.connect()
    return connection
