"""People who leave the workspace (Slack's ``user_change`` with a deactivated user, or a send
that fails because the account is gone), and people who come back."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.context import AppContext
from bot.logging import get_logger
from handlers.blocks.leaving import (
    build_partner_left,
    build_request_closed_for_mentee,
    build_request_withdrawn_for_mentor,
)
from handlers.flows.ended_offers import redraw_ended_offers
from handlers.flows.home import refresh_homes
from handlers.flows.slack import notify_message, program_focus_label, update_to
from storage.db import unit_of_work
from storage.leaving import Departure, mark_left, mark_returned
from storage.programs import program_config

log = get_logger("mentorbot.leaving")

# Slack's answers to a send that mean the person's account is gone for good.
GONE_ERRORS = frozenset({"account_inactive", "user_not_found", "user_disabled"})


def tell_partners(
    ctx: AppContext, client: WebClient, departure: Departure, *, erased: bool
) -> None:
    """After the change is saved: the partners' kind notes, the waiting mentees' notes, the
    request DMs of the people they had asked and the offers of meeting times the ending closed
    (each redrawn as the app recorded it), Homes."""
    labels: dict[tuple[int, str], str] = {}
    with unit_of_work(ctx.sessions) as session:
        for program_id, focus in {
            *((p.program_id, p.focus) for p in departure.pairings),
            *((r.program_id, r.focus) for r in departure.requests),
        }:
            labels[(program_id, focus)] = program_focus_label(
                program_config(session, ctx.settings, program_id), focus
            )
    for ended in departure.pairings:
        notify_message(
            client,
            ended.partner_id,
            build_partner_left(
                departure.user_id,
                labels[(ended.program_id, ended.focus)],
                partner_is_mentee=ended.partner_is_mentee,
                erased=erased,
            ),
        )
    waiting = [r for r in departure.requests if r.mentor_id == departure.user_id]
    for request in waiting:
        notify_message(
            client,
            request.mentee_id,
            build_request_closed_for_mentee(
                request.mentor_id, labels[(request.program_id, request.focus)], erased=erased
            ),
        )
    for asked in (r for r in departure.requests if r.mentee_id == departure.user_id):
        update_to(
            client,
            asked.mentor_channel,
            asked.mentor_ts,
            build_request_withdrawn_for_mentor(
                asked.mentee_id, labels[(asked.program_id, asked.focus)], erased=erased
            ),
        )
    redraw_ended_offers(ctx, client, [p.pairing_id for p in departure.pairings])
    refresh_homes(
        ctx,
        client,
        *(p.partner_id for p in departure.pairings),
        *(r.mentee_id for r in departure.requests if r.mentee_id != departure.user_id),
        *(r.mentor_id for r in departure.requests if r.mentor_id != departure.user_id),
    )


def member_left(ctx: AppContext, client: WebClient, user_id: str, *, why: str) -> bool:
    """``user_id`` left the workspace: end what they were part of and tell the others once.
    False when there was nothing to do (unknown to the app, or already known to have left)."""
    with unit_of_work(ctx.sessions) as session:
        departure = mark_left(session, user_id, ctx.now())
    if departure is None:
        return False
    log.info(
        "person.left",
        user=user_id,
        why=why,
        pairings=len(departure.pairings),
        requests=len(departure.requests),
    )
    tell_partners(ctx, client, departure, erased=False)
    return True


def member_returned(ctx: AppContext, user_id: str) -> bool:
    """``user_id`` is active in the workspace again: they can take part as anyone else."""
    with unit_of_work(ctx.sessions) as session:
        returned = mark_returned(session, user_id)
    if returned:
        log.info("person.returned", user=user_id)
    return returned
