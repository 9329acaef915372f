"""Asking someone to mentor you, and every way that request can be answered or closed.

Each flow changes the database in one unit of work and commits before it tells anyone, so a
message that fails to arrive never undoes (or half-does) what was decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import Refused
from bot.lifecycle import RequestEvent, RequestStatus
from bot.logging import get_logger
from bot.programs import ProgramConfig
from bot.text import Mrkdwn, fmt, md, mention
from handlers.blocks import requests as blocks
from handlers.flows.home import refresh_homes
from handlers.flows.slack import (
    is_permanent,
    local_date,
    notify_message,
    program_focus_label,
    send_dm,
    slack_error,
    update_to,
)
from handlers.profiles import check_person, profiles_before_saving
from storage.conflicts import conflict_of
from storage.db import unit_of_work
from storage.models import MentorRequest
from storage.pairings import MentorAtCapacity, create_pairing
from storage.people import get_person, hold_places
from storage.profiles import settle_waiting
from storage.programs import program_config
from storage.requests import (
    apply_request_event,
    deliver_request,
    discard_undelivered,
    get_request,
    open_request,
    other_pending_for_focus,
)
from storage.requests import (
    pending_from as pending_requests_from,
)

log = get_logger("mentorbot.requests")

ANSWERED = {
    RequestStatus.ACCEPTED.value: "accepted",
    RequestStatus.DECLINED.value: "declined",
    RequestStatus.REDIRECTED.value: "answered with a suggestion",
    RequestStatus.EXPIRED.value: "closed without an answer",
    RequestStatus.WITHDRAWN.value: "withdrawn",
}


@dataclass(frozen=True)
class Sent:
    request_id: int
    mentor_id: str
    focus_label: str


def card_for(
    ctx: AppContext, session: Session, request: MentorRequest, mentor_tz: str | None
) -> blocks.RequestCard:
    """The request as its cards show it, its focus worded as its program words it."""
    program = program_config(session, ctx.settings, request.program_id)
    return blocks.RequestCard(
        request_id=request.id,
        mentee_id=request.mentee_id,
        mentor_id=request.mentor_id,
        focus_label=program_focus_label(program, request.focus),
        note=request.note,
        expires_on=local_date(request.expires_at, mentor_tz, ctx.settings),
        conflict=conflict_of(session, request.mentor_id, request.mentee_id) is not None,
    )


def _mentor_tz(session: Session, request: MentorRequest) -> str | None:
    person = get_person(session, request.mentor_id)
    return person.tz if person is not None else None


def send_request(
    ctx: AppContext,
    client: WebClient,
    *,
    program: ProgramConfig,
    mentee_id: str,
    mentor_id: str,
    focus: str,
    note: str,
) -> Sent:
    """Record the request and DM the asked person; refuse what cannot be asked.

    No Slack call happens inside a unit of work: the request is saved as being sent and
    committed, the DM goes out, and only then does the request wait for an answer (with the
    DM's ts, to redraw it). If the DM cannot be sent the request is forgotten, since nobody
    received it; a sender that dies in between leaves a row the tick discards."""
    now = ctx.now()
    settings = ctx.settings
    profiles = profiles_before_saving(ctx.sessions, client, [mentor_id, mentee_id], now)
    mentor = check_person(profiles[mentor_id], mentor_id)
    with unit_of_work(ctx.sessions) as session:
        request = open_request(
            session,
            program_id=program.id,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            focus=focus,
            note=note,
            now=now,
            # The program's own rhythm: a fellowship may give mentors longer to answer.
            remind_after=timedelta(days=program.request_reminder_days),
            expire_after=timedelta(days=program.request_expiry_days),
        )
        card = card_for(ctx, session, request, mentor.tz)
    today = local_date(now, mentor.tz, settings)
    asking = blocks.build_request_message(card, today)
    try:
        channel, ts = send_dm(client, mentor_id, asking.text, asking.blocks)
    except Exception as error:
        with unit_of_work(ctx.sessions) as session:
            discard_undelivered(session, card.request_id)
        if not isinstance(error, SlackApiError):
            raise
        if is_permanent(error):
            raise Refused(
                fmt(
                    "I couldn't reach {mentor} in Slack ({error}), so I didn't send the request.",
                    mentor=mention(mentor_id),
                    error=slack_error(error),
                )
            ) from error
        raise Refused(
            fmt(
                "Slack didn't take my message to {mentor} just now ({error}), so I didn't send "
                "the request. Please try again in a few minutes.",
                mentor=mention(mentor_id),
                error=slack_error(error),
            )
        ) from error
    with unit_of_work(ctx.sessions) as session:
        delivered = deliver_request(session, card.request_id, channel, ts)
        if delivered:
            # However the request was sent (typed, the directory, a place-free notice), someone
            # who has asked a mentor for this focus waits for one no more.
            settle_waiting(session, program_id=program.id, user_id=mentee_id, focus=focus, now=now)
    if not delivered:
        log.warning("request.delivered_after_discard", request_id=card.request_id)
    return Sent(card.request_id, mentor_id, card.focus_label)


def _answerable(request: MentorRequest | None, actor_id: str) -> MentorRequest:
    if request is None:
        raise Refused(md("I can't find that request any more."), reason="bad_input")
    if actor_id != request.mentor_id:
        raise Refused(
            md("Only the person who was asked can answer this request."), reason="forbidden"
        )
    return request


def _closed_outcome(request: MentorRequest) -> Mrkdwn:
    if request.status == RequestStatus.SENDING.value:
        # Only in the moment between Slack taking the DM and the request being marked sent.
        return md("This request is still on its way. Please try again in a moment.")
    return fmt(
        "This request was already {outcome}.", outcome=ANSWERED.get(request.status, request.status)
    )


@dataclass(frozen=True)
class Accepted:
    pairing_id: int
    request_id: int
    mentee_id: str
    mentor_id: str
    focus_label: str
    mentor_channel: str | None
    mentor_ts: str | None
    others: tuple[tuple[int, str], ...]
    card: blocks.RequestCard


def accept_request(ctx: AppContext, client: WebClient, request_id: int, actor_id: str) -> bool:
    """Accept; True when this click did it, False when it was already accepted (a repeat)."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        request = _answerable(get_request(session, request_id, lock=True), actor_id)
        # Lock the mentor's places, then read the request again: on SQLite the first read
        # may predate another click's commit.
        hold_places(session, request.mentor_id)
        session.refresh(request)
        if request.status == RequestStatus.ACCEPTED.value:
            return False
        if request.status != RequestStatus.PENDING.value:
            raise Refused(_closed_outcome(request))
        apply_request_event(request, RequestEvent.ACCEPT, now)
        try:
            pairing = create_pairing(
                session,
                program_id=request.program_id,
                mentor_id=request.mentor_id,
                mentee_id=request.mentee_id,
                focus=request.focus,
                origin="request",
                now=now,
            )
        except MentorAtCapacity as full:
            # The one accepting is the mentor: say it to them, and how to go on.
            raise Refused(
                fmt(
                    "You're mentoring as many people as you said you can take on ({limit}), "
                    "so I haven't accepted yet. To take this request, raise your limit with "
                    "`/mentor capacity &lt;number&gt;` and accept again.",
                    limit=str(full.limit),
                ),
                reason="bad_input",
            ) from full
        others = tuple((r.id, r.mentor_id) for r in other_pending_for_focus(session, request))
        # The card already words the focus as the program does: one read of its settings.
        card = card_for(ctx, session, request, _mentor_tz(session, request))
        done = Accepted(
            pairing_id=pairing.id,
            request_id=request.id,
            mentee_id=request.mentee_id,
            mentor_id=request.mentor_id,
            focus_label=card.focus_label,
            mentor_channel=request.mentor_channel,
            mentor_ts=request.mentor_ts,
            others=others,
            card=card,
        )
    update_to(
        client,
        done.mentor_channel,
        done.mentor_ts,
        blocks.build_accepted_for_mentor(done.pairing_id, done.mentee_id, done.focus_label),
    )
    notify_message(
        client,
        done.mentee_id,
        blocks.build_accepted_for_mentee(done.pairing_id, done.mentor_id, done.focus_label),
    )
    refresh_homes(ctx, client, done.mentor_id, done.mentee_id)
    if done.others:
        notify_message(
            client,
            done.mentee_id,
            blocks.build_withdraw_others_offer(done.others, done.focus_label),
        )
    return True


def decline_request(
    ctx: AppContext, client: WebClient, request_id: int, actor_id: str, note: str
) -> bool:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        request = _answerable(get_request(session, request_id, lock=True), actor_id)
        if request.status == RequestStatus.DECLINED.value:
            return False
        if request.status != RequestStatus.PENDING.value:
            raise Refused(_closed_outcome(request))
        apply_request_event(request, RequestEvent.DECLINE, now)
        card = card_for(ctx, session, request, _mentor_tz(session, request))
        channel, ts = request.mentor_channel, request.mentor_ts
    update_to(
        client,
        channel,
        ts,
        blocks.build_request_closed(
            card,
            fmt("You declined. I've let {mentee} know kindly.", mentee=mention(card.mentee_id)),
        ),
    )
    notify_message(
        client,
        card.mentee_id,
        blocks.build_declined_for_mentee(card.mentor_id, card.focus_label, note),
    )
    return True


def redirect_request(
    ctx: AppContext,
    client: WebClient,
    request_id: int,
    actor_id: str,
    suggested_id: str,
    note: str,
) -> bool:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        # Who may answer is settled before the profile look-up reaches Slack.
        _answerable(get_request(session, request_id), actor_id)
    suggested_profile = profiles_before_saving(ctx.sessions, client, [suggested_id], now)
    with unit_of_work(ctx.sessions) as session:
        request = _answerable(get_request(session, request_id, lock=True), actor_id)
        if request.status == RequestStatus.REDIRECTED.value:
            return False
        if request.status != RequestStatus.PENDING.value:
            raise Refused(_closed_outcome(request))
        if suggested_id in (request.mentee_id, request.mentor_id):
            raise Refused(
                md("Please suggest someone other than yourself or the person asking."),
                reason="bad_input",
            )
        suggested = check_person(suggested_profile[suggested_id], suggested_id)
        apply_request_event(request, RequestEvent.REDIRECT, now)
        request.suggested_id = suggested_id
        card = card_for(ctx, session, request, _mentor_tz(session, request))
        channel, ts = request.mentor_channel, request.mentor_ts
    update_to(
        client,
        channel,
        ts,
        blocks.build_request_closed(
            card,
            fmt(
                "You suggested {suggested}. I've passed that on to {mentee}; nothing was "
                "sent to {suggested}.",
                suggested=mention(suggested_id),
                mentee=mention(card.mentee_id),
            ),
        ),
    )
    notify_message(
        client,
        card.mentee_id,
        blocks.build_redirect_for_mentee(
            card.request_id,
            card.mentor_id,
            suggested_id,
            suggested.display_name,
            card.focus_label,
            note,
        ),
    )
    return True


def ask_suggested(ctx: AppContext, client: WebClient, request_id: int, actor_id: str) -> Sent:
    """The mentee's one tap on "Ask <name>": a new request with the original focus and note."""
    with unit_of_work(ctx.sessions) as session:
        original = get_request(session, request_id)
        if original is None or original.mentee_id != actor_id:
            raise Refused(
                md("Only the person who made the original request can use this button."),
                reason="forbidden",
            )
        if original.status != RequestStatus.REDIRECTED.value or original.suggested_id is None:
            raise Refused(md("That suggestion is no longer available."), reason="bad_input")
        mentee_id, suggested_id = original.mentee_id, original.suggested_id
        focus, note = original.focus, original.note
        # The suggestion stays in the program the mentee first asked in.
        program = program_config(session, ctx.settings, original.program_id)
    return send_request(
        ctx,
        client,
        program=program,
        mentee_id=mentee_id,
        mentor_id=suggested_id,
        focus=focus,
        note=note,
    )


@dataclass(frozen=True)
class Withdrawn:
    card: blocks.RequestCard
    channel: str | None
    ts: str | None


def withdraw_requests(
    ctx: AppContext, client: WebClient, request_ids: list[int], actor_id: str
) -> list[Withdrawn]:
    """Withdraw the mentee's own pending requests among ``request_ids``; a repeat does nothing."""
    now = ctx.now()
    withdrawn: list[Withdrawn] = []
    with unit_of_work(ctx.sessions) as session:
        for request_id in request_ids:
            request = get_request(session, request_id, lock=True)
            if request is None or request.mentee_id != actor_id:
                raise Refused(
                    md("You can only withdraw requests you made yourself."), reason="forbidden"
                )
            if request.status != RequestStatus.PENDING.value:
                continue
            apply_request_event(request, RequestEvent.WITHDRAW, now)
            withdrawn.append(
                Withdrawn(
                    card_for(ctx, session, request, _mentor_tz(session, request)),
                    request.mentor_channel,
                    request.mentor_ts,
                )
            )
    for item in withdrawn:
        notice = blocks.build_withdrawn_notice(item.card.mentee_id, item.card.focus_label)
        update_to(
            client,
            item.channel,
            item.ts,
            blocks.build_request_closed(item.card, notice),
        )
    return withdrawn


def pending_request_cards(
    ctx: AppContext, mentee_id: str, mentor_id: str | None
) -> list[blocks.RequestCard]:
    """The mentee's requests still waiting, optionally only those to ``mentor_id``."""
    with unit_of_work(ctx.sessions) as session:
        return [
            card_for(ctx, session, r, _mentor_tz(session, r))
            for r in pending_requests_from(session, mentee_id)
            if mentor_id is None or r.mentor_id == mentor_id
        ]


def answerable_request(ctx: AppContext, request_id: int, actor_id: str) -> blocks.RequestCard:
    """The request, if ``actor_id`` may answer it now (before opening a modal for it)."""
    with unit_of_work(ctx.sessions) as session:
        request = _answerable(get_request(session, request_id), actor_id)
        if request.status != RequestStatus.PENDING.value:
            raise Refused(_closed_outcome(request))
        return card_for(ctx, session, request, _mentor_tz(session, request))
