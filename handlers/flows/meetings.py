"""Plan our next meeting: a member asks, the app offers the other member three times inside
both their working days (``bot.meeting_times``), the other picks one (or asks for other
times), and both get a one-off calendar invite through the outbox.

Who may act is read from the database each time: either member plans, only the member the
times were offered to picks, and a pick must be one of the times offered. No Slack call
happens inside a unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.cadence import zone_of
from bot.context import AppContext
from bot.errors import Refused
from bot.meeting_times import propose_times
from bot.text import Mrkdwn, fmt, md, mention
from handlers.blocks import meetings as blocks
from handlers.blocks.common import MessageBody
from handlers.flows.checkins import actor_zone
from handlers.flows.home import refresh_homes
from handlers.flows.slack import notify_message, update_to
from storage.calendar_files import owe_meeting_files, owe_meeting_withdrawals
from storage.db import unit_of_work
from storage.meeting_plans import (
    AGREED,
    DECLINED,
    ENDED,
    MOVED,
    OFFERED,
    drop_unsent,
    get_plan,
    iso,
    mark_withdrawn,
    offer_times,
    options_of,
    record_offer_dm,
    upcoming_meetings,
)
from storage.models import MeetingPlan, Pairing
from storage.pairings import get_pairing, is_open, other_member, require_member


def zone_of_member(ctx: AppContext, session: Session, user_id: str) -> ZoneInfo:
    """A member's Slack time zone, or the default one when unknown."""
    return zone_of(actor_zone(session, ctx, user_id))


def _moving(session: Session, pairing_id: int, now: datetime) -> datetime | None:
    """The meeting still to come that a pick would replace, if any."""
    upcoming = upcoming_meetings(session, pairing_id, now)
    return upcoming[0].starts_at if upcoming else None


def _local(moments: list[datetime], zone: ZoneInfo) -> list[datetime]:
    return [m.astimezone(zone) for m in moments]


def _today(ctx: AppContext, zone: ZoneInfo) -> date:
    return ctx.now().astimezone(zone).date()


@dataclass(frozen=True)
class _Offer:
    plan_id: int
    picker_id: str
    options: list[datetime]
    picker_zone: ZoneInfo
    proposer_zone: ZoneInfo
    moves: datetime | None  # the meeting still to come that a pick would replace


def plan_next_meeting(
    ctx: AppContext, client: WebClient, pairing_id: int, actor_id: str
) -> MessageBody:
    """Offer the other member three times; what to tell the member who asked (with the button
    that withdraws their offer)."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = require_member(get_pairing(session, pairing_id), actor_id)
        if not is_open(pairing):
            raise Refused(blocks.MENTORSHIP_ENDED)
        other = other_member(pairing, actor_id)
        mine, theirs = zone_of_member(ctx, session, actor_id), zone_of_member(ctx, session, other)
        options = propose_times(now, mine, theirs)
        if not options:
            raise Refused(
                fmt(
                    "I couldn't find a time in the next two weeks inside both your days. "
                    "Message {other} to find one.",
                    other=mention(other),
                )
            )
        plan, added = offer_times(
            session,
            pairing_id=pairing.id,
            proposed_by=actor_id,
            picker_id=other,
            options=options,
            now=now,
        )
        if not added:
            return blocks.already_offered(
                plan.id,
                plan.picker_id if plan.proposed_by == actor_id else plan.proposed_by,
                mine=plan.proposed_by == actor_id,
            )
        offer = _Offer(plan.id, other, options, theirs, mine, _moving(session, pairing.id, now))
    message = blocks.build_meeting_offer(
        offer.plan_id,
        actor_id,
        _local(offer.options, offer.picker_zone),
        _today(ctx, offer.picker_zone),
        moves=offer.moves.astimezone(offer.picker_zone) if offer.moves else None,
    )
    sent = notify_message(client, offer.picker_id, message)
    with unit_of_work(ctx.sessions) as session:
        if sent is None:
            drop_unsent(session, offer.plan_id)
        else:
            record_offer_dm(session, offer.plan_id, *sent)
    if sent is None:
        raise Refused(
            fmt(
                "I couldn't reach {other} in Slack just now, so I didn't offer any times. "
                "Please try again later.",
                other=mention(offer.picker_id),
            )
        )
    return blocks.offered(
        offer.plan_id,
        offer.picker_id,
        _local(offer.options, offer.proposer_zone),
        _today(ctx, offer.proposer_zone),
    )


def _pickable(plan: MeetingPlan | None, actor_id: str) -> MeetingPlan:
    if plan is None:
        raise Refused(md("I can't find those times any more."), reason="bad_input")
    if plan.picker_id != actor_id:
        raise Refused(
            fmt("Only {picker} can pick a time here.", picker=mention(plan.picker_id)),
            reason="forbidden",
        )
    return plan


def _open_offer(session: Session, plan: MeetingPlan) -> Pairing:
    """The mentorship of an offer still waiting for a pick; refused when the offer was
    answered or withdrawn, or the mentorship has ended."""
    if plan.status not in (OFFERED, ENDED):
        raise Refused(md("These times aren't on offer any more."))
    pairing = get_pairing(session, plan.pairing_id)
    if plan.status == ENDED or pairing is None or not is_open(pairing):
        raise Refused(blocks.MENTORSHIP_ENDED)
    return pairing


@dataclass(frozen=True)
class _Agreed:
    plan_id: int
    proposer_id: str
    picker_id: str
    start: datetime
    proposer_zone: ZoneInfo
    picker_zone: ZoneInfo
    channel: str | None
    ts: str | None


def pick_time(ctx: AppContext, client: WebClient, plan_id: int, epoch: int, actor_id: str) -> bool:
    """The picker's choice; False for a repeat of the same pick."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        plan = _pickable(get_plan(session, plan_id, lock=True), actor_id)
        chosen = next((o for o in options_of(plan) if int(o.timestamp()) == epoch), None)
        if plan.status == AGREED and plan.starts_at is not None:
            if int(plan.starts_at.timestamp()) == epoch:
                return False
            raise Refused(md("You've picked a time for this meeting already."))
        pairing = _open_offer(session, plan)
        if chosen is None:
            raise Refused(
                md("That isn't one of the times I offered, so I did nothing."), reason="forbidden"
            )
        if chosen <= now:
            raise Refused(md("That time has passed. Ask for other times, please."))
        # The time picked replaces any meeting still to come: it leaves both calendars.
        replaced = upcoming_meetings(session, pairing.id, now)
        for earlier in replaced:
            earlier.status = MOVED
        owe_meeting_withdrawals(session, pairing, [m.id for m in replaced], now)
        plan.status, plan.starts_at, plan.answered_at = AGREED, chosen.astimezone(UTC), now
        owe_meeting_files(session, plan, now)
        agreed = _Agreed(
            plan.id,
            plan.proposed_by,
            plan.picker_id,
            chosen,
            zone_of_member(ctx, session, plan.proposed_by),
            zone_of_member(ctx, session, plan.picker_id),
            plan.channel,
            plan.ts,
        )
    update_to(
        client,
        agreed.channel,
        agreed.ts,
        blocks.build_meeting_picked(
            agreed.proposer_id,
            agreed.start.astimezone(agreed.picker_zone),
            _today(ctx, agreed.picker_zone),
        ),
    )
    notify_message(
        client,
        agreed.proposer_id,
        blocks.build_meeting_agreed(
            agreed.picker_id,
            agreed.start.astimezone(agreed.proposer_zone),
            _today(ctx, agreed.proposer_zone),
        ),
    )
    refresh_homes(ctx, client, agreed.proposer_id, agreed.picker_id)
    return True


def other_times(ctx: AppContext, client: WebClient, plan_id: int, actor_id: str) -> None:
    """The picker asks for later times: the offer redrawn with the next days that fit, or,
    with none left in the next two weeks, closed and the planner told."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        plan = _pickable(get_plan(session, plan_id, lock=True), actor_id)
        _open_offer(session, plan)
        picker_zone = zone_of_member(ctx, session, plan.picker_id)
        proposer_zone = zone_of_member(ctx, session, plan.proposed_by)
        later = propose_times(now, proposer_zone, picker_zone, after=max(options_of(plan)))
        if later:
            plan.options = [iso(o) for o in later]
        else:
            plan.status, plan.answered_at = DECLINED, now
        proposer, channel, ts = plan.proposed_by, plan.channel, plan.ts
        moves = _moving(session, plan.pairing_id, now)
    if later:
        update_to(
            client,
            channel,
            ts,
            blocks.build_meeting_offer(
                plan_id,
                proposer,
                _local(later, picker_zone),
                _today(ctx, picker_zone),
                moves=moves.astimezone(picker_zone) if moves else None,
            ),
        )
        return
    update_to(client, channel, ts, blocks.build_no_other_times(proposer))
    notify_message(client, proposer, blocks.build_no_time_suited(actor_id))


def withdraw_offer(ctx: AppContext, client: WebClient, plan_id: int, actor_id: str) -> Mrkdwn:
    """The member who offered times takes them back before a pick: the other member's offer
    is redrawn (the one the app recorded) without its buttons, and a new plan may be made."""
    with unit_of_work(ctx.sessions) as session:
        plan = get_plan(session, plan_id, lock=True)
        if plan is None or actor_id not in (plan.proposed_by, plan.picker_id):
            raise Refused(md("I can't find that meeting plan."), reason="forbidden")
        if plan.proposed_by != actor_id:
            raise Refused(
                fmt(
                    "Only {proposer} can withdraw these times.", proposer=mention(plan.proposed_by)
                ),
                reason="forbidden",
            )
        _open_offer(session, plan)
        mark_withdrawn(plan, ctx.now())
        picker, channel, ts = plan.picker_id, plan.channel, plan.ts
    update_to(client, channel, ts, blocks.build_offer_withdrawn(actor_id))
    return blocks.withdrawn(picker)
