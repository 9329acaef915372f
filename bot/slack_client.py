"""The Web API client: Slack's (or a proxy's) base URL, retries for 5xx and lost connections,
and every call paced to Slack's limits by the workspace's shared :class:`~bot.pacing.Pacer`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.acks_first import ACKS_FIRST, off_turn
from bot.logging import get_logger
from bot.pacing import Pacer, SharedBudgets, retry_after_seconds, workspace_pacer
from bot.settings import Settings

log = get_logger("mentorbot.slack")

# Enough to ride out a burst of 429s (each waits Retry-After) or a short Slack incident,
# without holding a scheduler tick for minutes.
RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3
CONNECTION_RETRIES = 3
REQUEST_TIMEOUT_SECONDS = 15

if TYPE_CHECKING:  # Bolt is the app's, not the client's: a tick runs without it
    from slack_bolt import BoltContext, BoltResponse


def _channel_of(*argument_sets: dict[str, Any] | None) -> str | None:
    for arguments in argument_sets:
        if arguments and arguments.get("channel"):
            return str(arguments["channel"])
    return None


class PacedWebClient(WebClient):
    """A ``WebClient`` whose every call first gives way to requests waiting for their ack
    (unless it is answering one: ``bot.acks_first``), then waits for its turn in the shared
    budgets, and
    whose 429s pause every client of the workspace (not just this one) for ``Retry-After``
    before it tries again."""

    def __init__(self, pacer: Pacer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> SlackResponse:
        channel = _channel_of(json, data, params)
        attempt = 0
        while True:
            ACKS_FIRST.give_way()
            try:
                with off_turn():  # waiting on Slack's pace and answer, not the interpreter
                    self.pacer.acquire(api_method, channel)
                    response = super().api_call(
                        api_method,
                        http_verb=http_verb,
                        files=files,
                        data=data,
                        params=params,
                        json=json,
                        headers=dict(headers) if headers else None,
                        auth=auth,
                    )
            except SlackApiError as error:
                if error.response.status_code != 429:
                    raise
                seconds = retry_after_seconds(error.response.headers)
                # Every caller of this method family waits, including the next one to try.
                self.pacer.pause(api_method, seconds)
                log.warning("slack.rate_limited", method=api_method, retry_after=seconds)
                if attempt >= RATE_LIMIT_RETRIES:
                    raise
                attempt += 1
                continue
            posted_to = response.get("channel")
            if api_method == "chat.postMessage" and channel and isinstance(posted_to, str):
                self.pacer.same_channel(posted_to, channel)
            ACKS_FIRST.give_way()  # what follows the answer takes its turn too
            return response


def paced_copy(client: WebClient, pacer: Pacer) -> PacedWebClient:
    """``client``'s settings (token, URL, team, retries, …) on a client paced by ``pacer``."""
    paced = PacedWebClient(
        pacer,
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=list(client.retry_handlers),
    )
    paced.default_params = dict(client.default_params)
    return paced


def pace_listener_clients(
    pacer: Pacer,
) -> Callable[[BoltContext, Callable[[], BoltResponse]], BoltResponse]:
    """Bolt middleware: Bolt hands each request a fresh plain ``WebClient`` built from
    ``app.client``'s settings; this swaps it for a paced one sharing ``pacer``, so a listener's
    DMs and updates wait in the same queue as the scheduler's."""

    # Bolt passes the continuation by the name `next`.
    def middleware(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["client"] = paced_copy(context.client, pacer)
        return next()

    return middleware


def _workspace(token: str | None) -> str:
    # The bot token names the installation (one app in one workspace); only a digest is kept.
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]


def make_web_client(settings: Settings) -> PacedWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    pacer = workspace_pacer(settings.slack_api_url, _workspace(token), paced=settings.slack_pacing)
    client = PacedWebClient(
        pacer,
        token=token,
        base_url=settings.slack_api_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
    )
    # No RateLimitErrorRetryHandler: a 429 is handled above, where the pause can be shared.
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]
    return client


def share_budgets(settings: Settings, shared: SharedBudgets) -> None:
    """Book the workspace's message budget together with every other process of the
    installation (PostgreSQL: the web process and each worker), through ``shared``."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    workspace = _workspace(token)
    pacer = workspace_pacer(settings.slack_api_url, workspace, paced=settings.slack_pacing)
    pacer.share(shared, workspace)
