"""Delivering enqueued outbox messages, a chunk at a time: claim a chunk and render it from the
database as it is now in one transaction, send it with no transaction open (renewing the claim
while it takes), and record the chunk's outcomes in one more (see storage/outbox.py for the
exactly-once rule)."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.logging import get_logger
from bot.pacing import sending_in_bulk
from bot.text import Mrkdwn, is_user_id
from bot.tick import StepResult, TickContext
from handlers.flows.due_work import claim_timeout
from handlers.flows.leaving import GONE_ERRORS, member_left
from handlers.flows.slack import is_permanent, post_message, slack_error, upload_to_dm
from storage.db import unit_of_work
from storage.models import ScheduledSend
from storage.outbox import (
    CLAIMED,
    Delivered,
    claim_due,
    give_back,
    mark_failed,
    mark_sent_many,
    mark_skipped,
    reclaim,
    renew_claims,
    take_over_stale,
)
from storage.people import departed_among

log = get_logger("mentorbot.delivery")

# Sends claimed, rendered and recorded together. Small enough that a chunk goes out well inside
# the claim timeout at Slack's pace, large enough that its reads and writes are a handful of
# statements for the whole chunk.
CHUNK = 100


@dataclass(frozen=True)
class Attachment:
    filename: str
    title: str
    content: bytes


@dataclass(frozen=True)
class Message:
    to: str  # a user id (the app's DM with them) or a channel id
    text: Mrkdwn
    blocks: list[dict[str, Any]]
    # Keep what was posted with the send (a digest, whose rows are redrawn one by one later).
    keep: bool = False
    # A file shared into the DM instead of a message (``text`` its comment): the send then
    # records the DM's channel and the file's id where a message's ts would be.
    file: Attachment | None = None

    def drawn(self) -> str | None:
        return drawing_json(self.text, self.blocks) if self.keep else None


def drawing_json(text: Mrkdwn, blocks: list[dict[str, Any]]) -> str:
    """What a kept message shows, as ``scheduled_sends.drawn`` holds it."""
    return json.dumps({"text": str(text), "blocks": blocks})


Render = Callable[[Session, AppContext, ScheduledSend], Message | str]
"""Build the message from current state, or return why there is nothing to send any more."""

RenderMany = Callable[[Session, AppContext, Sequence[ScheduledSend]], Mapping[int, Message | str]]
"""The same for a whole chunk of one kind, keyed by send id, with one read per table."""

AfterSent = Callable[[Session, ScheduledSend], None]


@dataclass(frozen=True)
class Kind:
    render: Render
    after_sent: AfterSent | None = None
    render_many: RenderMany | None = None
    # Sent in bulk wherever it is sent from (an invitation to every trainee): at Slack's steady
    # rate, behind interactive messages (``bot.pacing``). The scheduler's sends are all bulk.
    bulk: bool = False


Claim = Callable[[Session, datetime], list[ScheduledSend]]


def deliver(tick: TickContext, kinds: Mapping[str, Kind], send_ids: Iterable[int]) -> StepResult:
    """Send rows this tick enqueued claimed (:func:`storage.outbox.enqueue`)."""
    ids = list(send_ids)
    result = StepResult()
    for start in range(0, len(ids), CHUNK):
        claim = _reclaimer(ids[start : start + CHUNK])
        result.add(_deliver_chunks(tick, kinds, claim, once=True, count_due=False))
    return result


def _reclaimer(send_ids: list[int]) -> Claim:
    def claim(session: Session, stamp: datetime) -> list[ScheduledSend]:
        return reclaim(session, send_ids, stamp)

    return claim


def deliver_due_pending(tick: TickContext, kinds: Mapping[str, Kind]) -> StepResult:
    """Claim and send, chunk by chunk, the messages of ``kinds`` that have come due."""

    def claim(session: Session, stamp: datetime) -> list[ScheduledSend]:
        return claim_due(session, tick.now, stamp, kinds.keys(), CHUNK)

    return _deliver_chunks(tick, kinds, claim)


def retry_stale(tick: TickContext, kinds: Mapping[str, Kind]) -> StepResult:
    """Take over claims left by a tick that died mid-send (or gave them back) and send them."""
    timeout = claim_timeout(tick)
    # A send given back after a passing failure is stale at once; it waits for the next tick
    # rather than being tried again (and again) in this one.
    tried: set[int] = set()

    def claim(session: Session, stamp: datetime) -> list[ScheduledSend]:
        sends = take_over_stale(session, stamp, timeout, kinds.keys(), CHUNK, skip=tried)
        tried.update(send.id for send in sends)
        return sends

    return _deliver_chunks(tick, kinds, claim)


@dataclass
class _Chunk:
    token: str
    stamp: datetime
    outgoing: list[tuple[int, Message]] = field(default_factory=list)
    skipped: int = 0
    bulk: set[int] = field(default_factory=set)  # sends of a bulk kind


def _deliver_chunks(
    tick: TickContext,
    kinds: Mapping[str, Kind],
    claim: Claim,
    *,
    once: bool = False,
    count_due: bool = True,
) -> StepResult:
    """Claim, render and send chunk after chunk until nothing is left to claim (or, ``once``,
    one chunk); ``count_due`` counts the claimed messages as the step's due work."""
    result = StepResult()
    while True:
        chunk = _claim_and_render(tick, kinds, claim, result)
        if chunk is None:
            return result
        if count_due:
            result.due += len(chunk.outgoing) + chunk.skipped
        _send_chunk(tick, kinds, chunk, result)
        if once:
            return result


def _claim_and_render(
    tick: TickContext, kinds: Mapping[str, Kind], claim: Claim, result: StepResult
) -> _Chunk | None:
    ctx = tick.app
    with unit_of_work(ctx.sessions) as session:
        stamp = tick.clock()
        sends = claim(session, stamp)
        if not sends:
            return None
        chunk = _Chunk(token=str(sends[0].claim_token), stamp=stamp)
        by_kind: dict[str, list[ScheduledSend]] = {}
        for send in sends:
            by_kind.setdefault(send.kind, []).append(send)
        rendered: dict[int, Message | str] = {}
        for name, group in by_kind.items():
            rendered.update(_render(session, ctx, kinds[name], group))
        # Nobody is messaged after they left or asked to be forgotten.
        gone = departed_among(
            session, sorted({m.to for m in rendered.values() if isinstance(m, Message)})
        )
        for send in sends:
            message = rendered.get(send.id)
            if message is None:
                continue  # could not be drawn: given back, tried again on a later tick
            if isinstance(message, Message) and message.to in gone:
                message = "the recipient left"
            if isinstance(message, str):
                mark_skipped(send, tick.now, message)
                result.skipped += 1
                chunk.skipped += 1
            else:
                chunk.outgoing.append((send.id, message))
                if kinds[send.kind].bulk:
                    chunk.bulk.add(send.id)
    return chunk


def _render(
    session: Session, ctx: AppContext, kind: Kind, sends: Sequence[ScheduledSend]
) -> dict[int, Message | str]:
    if kind.render_many is not None:
        try:
            return dict(kind.render_many(session, ctx, sends))
        except Exception:
            log.exception("outbox.render_many.failed", kind=sends[0].kind, count=len(sends))
    rendered: dict[int, Message | str] = {}
    for send in sends:
        try:
            rendered[send.id] = kind.render(session, ctx, send)
        except Exception:
            # One message that cannot be drawn never holds up the rest of its chunk.
            log.exception("outbox.render.failed", key=send.dedupe_key)
            give_back(send, "could not render the message")
    return rendered


def _send_chunk(
    tick: TickContext, kinds: Mapping[str, Kind], chunk: _Chunk, result: StepResult
) -> None:
    """Send each message of the chunk; no transaction is open during a Web API call. What Slack
    accepted is recorded before the next message goes out (one short transaction per DM), so a
    process that dies mid-chunk repeats at most the one DM in flight, and no delivered DM's
    claim is left to go stale while the chunk is still sending."""
    renew_after = timedelta(minutes=tick.app.settings.claim_timeout_minutes) / 3
    held = {send_id for send_id, _ in chunk.outgoing}
    gone: set[str] = set()
    for send_id, message in chunk.outgoing:
        if send_id not in held:
            continue
        if tick.clock() - chunk.stamp >= renew_after:
            held = _renew(tick, chunk, held)
            if send_id not in held:
                continue
        try:
            with sending_in_bulk() if send_id in chunk.bulk else nullcontext():
                channel, ts = _post(tick, message)
        except SlackApiError as error:
            _record_failure(tick, chunk, send_id, slack_error(error), is_permanent(error))
            result.failed += 1
            result.failures.append(f"{send_id}:{slack_error(error)}")
            if slack_error(error) in GONE_ERRORS and is_user_id(message.to):
                gone.add(message.to)
        except SlackClientError as error:
            _record_failure(tick, chunk, send_id, error.__class__.__name__, False)
            result.failed += 1
        else:
            done = Delivered(send_id, channel, ts, message.drawn())
            _save_delivered(tick, kinds, chunk, [done])
            held.discard(send_id)
            result.sent += 1
    for user_id in sorted(gone):
        # Their account is gone for good: they leave, as if Slack had said so by an event.
        member_left(tick.app, tick.client, user_id, why="send_failed")


def _post(tick: TickContext, message: Message) -> tuple[str, str]:
    """Send one message (or share its file); where it went: (channel, ts or file id)."""
    if message.file is not None:
        file = message.file
        return upload_to_dm(
            tick.client, message.to, message.text, file.filename, file.title, file.content
        )
    response = post_message(tick.client, message.to, message.text, message.blocks)
    return str(response["channel"]), str(response["ts"])


def _renew(tick: TickContext, chunk: _Chunk, held: Collection[int]) -> set[int]:
    """Stamp the chunk's unsent claims again, so no other tick takes them over while this one
    is still sending; any it lost (its clock is behind another tick's) are left to the other."""
    with unit_of_work(tick.app.sessions) as session:
        stamp = tick.clock()
        still = renew_claims(session, chunk.token, held, stamp)
    chunk.stamp = stamp
    lost = set(held) - still
    if lost:
        log.warning("outbox.claims.lost", count=len(lost))
    return still


def _save_delivered(
    tick: TickContext, kinds: Mapping[str, Kind], chunk: _Chunk, delivered: Sequence[Delivered]
) -> None:
    if not delivered:
        return
    with unit_of_work(tick.app.sessions) as session:
        mark_sent_many(session, chunk.token, delivered, tick.now)
        followed = [name for name, kind in kinds.items() if kind.after_sent is not None]
        if not followed:
            return
        for send in session.scalars(
            select(ScheduledSend).where(
                ScheduledSend.id.in_([d.send_id for d in delivered]),
                ScheduledSend.kind.in_(followed),
            )
        ):
            after_sent = kinds[send.kind].after_sent
            if after_sent is not None:
                after_sent(session, send)


def _record_failure(
    tick: TickContext, chunk: _Chunk, send_id: int, error: str, permanent: bool
) -> None:
    with unit_of_work(tick.app.sessions) as session:
        send = session.get(ScheduledSend, send_id)
        if send is None or send.claim_token != chunk.token or send.status != CLAIMED:
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
