"""Redrawing a digest's at-risk row after Nudge or Close, from what the app recorded.

A tap's place is the client's claim (:mod:`handlers.tapped`). A posted digest is redrawn only
when the claimed message is a digest the app posted (its outbox row, with what it drew) for
the program of the pair acted on; the row is marked in that stored drawing and the drawing is
saved again, so a second coordinator's mark keeps the first. An ephemeral preview is rebuilt
from the database for the acting coordinator. Anything else is refused before the action."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.context import AppContext
from bot.errors import Refused
from bot.text import Mrkdwn, md, stored_text
from handlers.blocks.common import MessageBody
from handlers.blocks.digest import build_digest, mark_row
from handlers.flows.delivery import drawing_json
from handlers.flows.digest import (
    build_digest_view,
    program_of_digest,
    several_programs,
    week_before,
)
from handlers.flows.digest_slots import DIGEST
from handlers.flows.slack import update_message
from handlers.tapped import Nowhere, OnMessage, Tapped
from storage.db import unit_of_work
from storage.outbox import redrawn, sent_message_at
from storage.pairings import get_pairing
from storage.programs import program_config

NOT_A_DIGEST = md(
    "That button isn't on a digest I posted for this pair's program, so I did nothing."
)


def check_digest_place(ctx: AppContext, where: Tapped, pairing_id: int) -> None:
    """Refuse, before anything changes, a tap whose message is not a digest the app posted for
    the pairing's program (who may act on the pairing is the action's own check)."""
    if isinstance(where, Nowhere):
        raise Refused(NOT_A_DIGEST, reason="forbidden")
    if not isinstance(where, OnMessage):
        return
    with unit_of_work(ctx.sessions) as session:
        send = sent_message_at(session, channel=where.channel, ts=where.ts, kinds=[DIGEST])
        pairing = get_pairing(session, pairing_id)
        if (
            send is None
            or send.drawn is None
            or pairing is None
            or program_of_digest(session, send) != pairing.program_id
        ):
            raise Refused(NOT_A_DIGEST, reason="forbidden")


@dataclass(frozen=True)
class _Drawing:
    text: Mrkdwn
    blocks: list[dict[str, Any]]


def _read(drawn: str) -> _Drawing:
    stored = json.loads(drawn)
    return _Drawing(stored_text(str(stored["text"])), list(stored["blocks"]))


# How many times a mark re-sends the stored drawing when another mark overtook it (each
# re-send follows a newer save, so a handful of coordinators at once settle within this).
_RESENDS = 3


def mark_posted_row(
    ctx: AppContext, client: WebClient, where: OnMessage, pairing_id: int, note: Mrkdwn
) -> None:
    """Mark the pair's row in the recorded digest post at ``where`` with ``note``.

    Two marks at once are saved one after the other (under the row's lock), but their
    ``chat.update`` calls, made after the saves, may reach Slack in either order, the older
    drawing last. So after its update each mark reads the stored drawing again, and sends it
    when it is not what it just sent: whichever update reaches Slack last, the message ends as
    the database has it, every mark in place."""
    with unit_of_work(ctx.sessions) as session:
        send = sent_message_at(
            session, channel=where.channel, ts=where.ts, kinds=[DIGEST], lock=True
        )
        if send is None or send.drawn is None:
            return
        drawing = _read(send.drawn)
        blocks = mark_row(drawing.blocks, pairing_id, note)
        sent = drawing_json(drawing.text, blocks)
        redrawn(send, sent)
    update_message(client, where.channel, where.ts, drawing.text, blocks)
    for _ in range(_RESENDS):
        with unit_of_work(ctx.sessions) as session:
            send = sent_message_at(session, channel=where.channel, ts=where.ts, kinds=[DIGEST])
            latest = send.drawn if send is not None else None
        if latest is None or latest == sent:
            return
        drawing = _read(latest)
        update_message(client, where.channel, where.ts, drawing.text, drawing.blocks)
        sent = latest


def preview_marked(ctx: AppContext, pairing_id: int, note: Mrkdwn) -> MessageBody | None:
    """The pair's program's digest preview as it stands now, with the pair's row (if it is still
    at risk) marked with ``note``."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id)
        if pairing is None:
            return None
        view = build_digest_view(
            session,
            program_config(session, ctx.settings, pairing.program_id),
            week_before(now),
            now,
            named=several_programs(session),
            minimum=ctx.settings.feedback_min_responses,
        )
    digest = build_digest(view)
    return MessageBody(digest.text, mark_row(list(digest.blocks), pairing_id, note))
