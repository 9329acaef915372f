"""Delivering enqueued outbox messages: render each from the database as it is now, send it,
and record the outcome (see storage/outbox.py for the exactly-once rule)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.logging import get_logger
from bot.text import Mrkdwn
from bot.tick import StepResult, TickContext
from handlers.flows.slack import is_permanent, post_message, slack_error
from storage.db import unit_of_work
from storage.models import ScheduledSend
from storage.outbox import (
    CLAIMED,
    claim_due_pending,
    give_back,
    mark_failed,
    mark_sent,
    mark_skipped,
    stale_claims,
    take_over,
)

log = get_logger("mentorbot.delivery")


@dataclass(frozen=True)
class Message:
    to: str  # a user id (the app's DM with them) or a channel id
    text: Mrkdwn
    blocks: list[dict[str, Any]]


Render = Callable[[Session, AppContext, ScheduledSend], Message | str]
"""Build the message from current state, or return why there is nothing to send any more."""

AfterSent = Callable[[Session, ScheduledSend], None]


@dataclass(frozen=True)
class Kind:
    render: Render
    after_sent: AfterSent | None = None


def deliver(tick: TickContext, kinds: Mapping[str, Kind], send_ids: Iterable[int]) -> StepResult:
    result = StepResult()
    for send_id in send_ids:
        _deliver_one(tick, kinds, send_id, result)
    return result


def _deliver_one(
    tick: TickContext, kinds: Mapping[str, Kind], send_id: int, result: StepResult
) -> None:
    ctx = tick.app
    with unit_of_work(ctx.sessions) as session:
        send = session.get(ScheduledSend, send_id)
        if send is None or send.status != CLAIMED:
            return
        kind = kinds.get(send.kind)
        if kind is None:
            return  # another deployment's kind; leave it for a process that knows it
        send.attempts += 1
        message = kind.render(session, ctx, send)
        if isinstance(message, str):
            mark_skipped(send, tick.now, message)
            result.skipped += 1
            return
    try:
        response = post_message(tick.client, message.to, message.text, message.blocks)
    except SlackApiError as error:
        _record_failure(tick, send_id, slack_error(error), permanent=is_permanent(error))
        result.failed += 1
        result.failures.append(f"{send_id}:{slack_error(error)}")
        return
    except SlackClientError as error:
        _record_failure(tick, send_id, error.__class__.__name__, permanent=False)
        result.failed += 1
        return
    with unit_of_work(ctx.sessions) as session:
        send = session.get(ScheduledSend, send_id)
        if send is None:
            return
        mark_sent(send, tick.now, channel=str(response["channel"]), ts=str(response["ts"]))
        if kind.after_sent is not None:
            kind.after_sent(session, send)
    result.sent += 1


def _record_failure(tick: TickContext, send_id: int, error: str, *, permanent: bool) -> None:
    with unit_of_work(tick.app.sessions) as session:
        send = session.get(ScheduledSend, send_id)
        if send is None:
            return
        if permanent:
            mark_failed(send, error)
        else:
            give_back(send, error)
        log.warning(
            "outbox.send.failed",
            key=send.dedupe_key,
            error=error,
            permanent=permanent,
            attempts=send.attempts,
            status=send.status,
        )


def retry_stale(tick: TickContext, kinds: Mapping[str, Kind]) -> StepResult:
    """Take over claims left by a tick that died mid-send (or gave them back) and send them."""
    timeout = timedelta(minutes=tick.app.settings.claim_timeout_minutes)
    with unit_of_work(tick.app.sessions) as session:
        candidates = list(stale_claims(session, tick.now, timeout))
    taken = []
    for send_id in candidates:
        with unit_of_work(tick.app.sessions) as session:
            if take_over(session, send_id, tick.now, timeout):
                taken.append(send_id)
    result = deliver(tick, kinds, taken)
    result.due += len(taken)
    return result


def deliver_due_pending(tick: TickContext, kinds: Mapping[str, Kind]) -> StepResult:
    """Claim and send messages that waited for their recipient's working hours."""
    result = StepResult()
    while True:
        with unit_of_work(tick.app.sessions) as session:
            claimed = claim_due_pending(session, tick.now)
        if not claimed:
            return result
        result.due += len(claimed)
        result.add(deliver(tick, kinds, claimed))
