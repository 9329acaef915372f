"""The Web API client: Slack's (or a proxy's) base URL, and retries for 429s, 5xx and lost
connections."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

# Enough to ride out a burst of 429s (each waits Retry-After) or a short Slack incident,
# without holding a scheduler tick for minutes.
RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3
CONNECTION_RETRIES = 3
REQUEST_TIMEOUT_SECONDS = 15


def make_web_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(
        token=token, base_url=settings.slack_api_url, timeout=REQUEST_TIMEOUT_SECONDS
    )
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]
    return client
