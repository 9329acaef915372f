"""A request's ``response_url`` is the client's word, and the app posts to it: a request that
names one outside Slack's (``SLACK_RESPONSE_URL_BASE``) is refused whole, before any listener
runs, and nothing is posted anywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.logging import get_logger
from handlers.edge import acting_user

log = get_logger("mentorbot.requests")

Middleware = Callable[[BoltRequest, BoltResponse, Callable[[], BoltResponse]], BoltResponse | None]


def response_urls(body: dict[str, Any]) -> Iterator[str]:
    """Every response URL a request carries: a command's or a button's ``response_url``, and
    the ``response_urls`` of a modal submission."""
    single = body.get("response_url")
    if single:
        yield str(single)
    for entry in body.get("response_urls") or []:
        if isinstance(entry, dict) and entry.get("response_url"):
            yield str(entry["response_url"])


def only_slack_response_urls(base: str) -> Middleware:
    def middleware(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body if isinstance(req.body, dict) else {}
        if all(url.startswith(base) for url in response_urls(body)):
            return next()
        log.warning("request.response_url.refused", user=acting_user(body))
        return BoltResponse(status=200, body="")

    return middleware
