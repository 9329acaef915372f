"""The Slack side of the app's HTTP endpoint: signed slash commands, interactivity and events."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.slack import payloads

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# What Slack's servers announce themselves as when calling an app.
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


@dataclass
class AppResponse:
    """The app's answer; header names are lower-cased."""

    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Sends requests to the app exactly as Slack would: form or JSON bodies, signed with the
    signing secret, with fresh trigger_ids."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        *,
        team_id: str = payloads.TEAM_ID,
        clock: Callable[[], float] = time.time,
        bot_user_id: str = payloads.BOT_USER_ID,
        timeout: float = 15.0,
    ) -> None:
        parsed = urllib.parse.urlsplit(app_url)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ValueError(f"expected an http:// URL, got {app_url!r}")
        self.app_url = app_url
        self._host = parsed.hostname
        self._port = parsed.port or 80
        self._path = parsed.path or "/"
        self._secret = signing_secret.encode()
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self._clock = clock
        self._timeout = timeout

    # -- what people do in Slack -----------------------------------------------------------------

    def command(
        self,
        text: str,
        *,
        user_id: str,
        command: str = "/mentor",
        user_name: str = "",
        channel_id: str = payloads.DEFAULT_CHANNEL_ID,
        response_url: str = "",
        trigger_id: str | None = None,
    ) -> AppResponse:
        fields = payloads.slash_command_fields(
            text,
            user_id=user_id,
            command=command,
            user_name=user_name,
            channel_id=channel_id,
            response_url=response_url,
            trigger_id=trigger_id,
            team_id=self.team_id,
        )
        return self._send(urllib.parse.urlencode(fields).encode(), FORM)

    def block_action(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
        selected_user: str | None = None,
        selected_option: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        channel_id: str | None = None,
        view: dict[str, Any] | None = None,
        response_url: str = "",
        trigger_id: str | None = None,
        ephemeral: bool = False,
    ) -> AppResponse:
        action = payloads.action_element(
            action_id=action_id,
            block_id=block_id,
            action_ts=payloads.slack_ts(self._clock()),
            value=value,
            selected_user=selected_user,
            selected_option=selected_option,
        )
        payload = payloads.block_actions_payload(
            user_id=user_id,
            action=action,
            trigger_id=trigger_id or payloads.new_trigger_id(),
            message=message,
            channel_id=channel_id,
            view=view,
            response_url=response_url,
            team_id=self.team_id,
            ephemeral=ephemeral,
        )
        return self.interactivity(payload)

    def view_submission(
        self,
        *,
        user_id: str,
        callback_id: str,
        values: dict[str, Any],
        private_metadata: str = "",
        view_id: str = "V0TEST0001",
        trigger_id: str | None = None,
    ) -> AppResponse:
        payload = payloads.view_submission_payload(
            user_id=user_id,
            callback_id=callback_id,
            values=values,
            trigger_id=trigger_id or payloads.new_trigger_id(),
            private_metadata=private_metadata,
            view_id=view_id,
            team_id=self.team_id,
        )
        return self.interactivity(payload)

    def interactivity(self, payload: dict[str, Any]) -> AppResponse:
        """Any interactivity payload (block_actions, view_submission, view_closed, shortcut)."""
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self._send(body, FORM)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> AppResponse:
        envelope = payloads.event_callback(
            event,
            event_id=event_id or payloads.new_event_id(),
            event_time=int(self._clock()),
            team_id=self.team_id,
            bot_user_id=self.bot_user_id,
        )
        retry_headers: dict[str, str] = {}
        if retry_num is not None:
            retry_headers = {
                "X-Slack-Retry-Num": str(retry_num),
                "X-Slack-Retry-Reason": retry_reason,
            }
        body = json.dumps(envelope, separators=(",", ":")).encode()
        return self._send(body, JSON, retry_headers)

    # -- the wire --------------------------------------------------------------------------------

    def sign(self, body: bytes, timestamp: int) -> dict[str, str]:
        """Slack's v0 signature headers for ``body`` sent at ``timestamp``."""
        basestring = b"v0:" + str(timestamp).encode() + b":" + body
        digest = hmac.new(self._secret, basestring, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}

    def post_raw(self, body: bytes, headers: dict[str, str]) -> AppResponse:
        """POST ``body`` with exactly ``headers`` (plus Content-Length): no signing."""
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            connection.request("POST", self._path, body=body, headers=headers)
            answer = connection.getresponse()
            raw = answer.read()
            charset = answer.headers.get_content_charset() or "utf-8"
            return AppResponse(
                status=answer.status,
                body=raw.decode(charset, errors="replace"),
                headers={name.lower(): value for name, value in answer.getheaders()},
            )
        finally:
            connection.close()

    def post_declaring(self, length: int, headers: dict[str, str]) -> AppResponse:
        """POST headers that declare a ``length``-byte body, then wait for the answer without
        sending any of it: what a server must do with a body too large to read."""
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            connection.putrequest("POST", self._path)
            for name, value in {**headers, "Content-Length": str(length)}.items():
                connection.putheader(name, value)
            connection.endheaders()
            answer = connection.getresponse()
            raw = answer.read()
            return AppResponse(
                status=answer.status,
                body=raw.decode("utf-8", errors="replace"),
                headers={name.lower(): value for name, value in answer.getheaders()},
            )
        finally:
            connection.close()

    def _send(
        self, body: bytes, content_type: str, extra_headers: dict[str, str] | None = None
    ) -> AppResponse:
        headers = {"Content-Type": content_type, "User-Agent": USER_AGENT, "Accept": "*/*"}
        headers.update(self.sign(body, int(self._clock())))
        headers.update(extra_headers or {})
        return self.post_raw(body, headers)
