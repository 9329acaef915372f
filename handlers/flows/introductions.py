"""A mentor introduces their mentee to a colleague; the colleague answers; a mentee asks for an
introduction.

Who may act is settled from the database on every step (the mentor of an open mentorship
introduces, only the colleague answers, only the mentee asks), never from ids a payload
carries. Each introduction is made once: its row is added race-safe before the group DM goes
(``storage.introductions.open_introduction``), so a double tap or a retried submission finds it
and sends nothing. No Slack call happens inside a unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.text import Mrkdwn, escape, fmt, md, mention
from handlers.blocks import introductions as blocks
from handlers.flows.home import refresh_homes
from handlers.flows.slack import (
    is_permanent,
    local_date,
    notify,
    notify_message,
    post_message,
    slack_error,
    update_to,
)
from handlers.profiles import profiles_before_saving
from storage.conflicts import conflict_of
from storage.db import unit_of_work
from storage.introductions import (
    ACCEPTED,
    DECLINED,
    deliver_ask,
    deliver_introduction,
    discard_unsent,
    forget_ask,
    get_ask,
    get_introduction,
    open_introduction,
    record_ask,
)
from storage.introductions import (
    answer_introduction as record_answer,
)
from storage.models import IntroductionAsk, Pairing
from storage.pairings import get_pairing, is_open
from storage.people import Profile, get_person

log = get_logger("mentorbot.introductions")


@dataclass(frozen=True)
class Mentorship:
    """The open mentorship an introduction is made in, as the mentor acting sees it."""

    pairing_id: int
    mentor_id: str
    mentee_id: str
    ask_id: int | None = None
    looking_for: str = ""


def _mentorship(pairing: Pairing | None, actor_id: str) -> Pairing:
    if pairing is None or pairing.mentor_id != actor_id:
        raise Refused(
            md("Only the mentor in a mentorship can introduce their mentee to colleagues."),
            reason="forbidden",
        )
    if not is_open(pairing):
        raise Refused(md("That mentorship has ended, so I can't introduce anyone in it."))
    return pairing


def _ask_of(session: Session, ask_id: int | None, pairing: Pairing) -> IntroductionAsk | None:
    if ask_id is None:
        return None
    ask = get_ask(session, ask_id)
    if ask is None or ask.pairing_id != pairing.id:
        raise Refused(
            md("That ask belongs to another mentorship, so I left it alone."), reason="forbidden"
        )
    return ask


def mentorship_for_introduction(
    ctx: AppContext, actor_id: str, pairing_id: int, ask_id: int | None = None
) -> Mentorship:
    """The mentorship ``actor_id`` introduces in: theirs to mentor, open; a refusal otherwise."""
    with unit_of_work(ctx.sessions) as session:
        pairing = _mentorship(get_pairing(session, pairing_id), actor_id)
        ask = _ask_of(session, ask_id, pairing)
        return Mentorship(
            pairing.id,
            pairing.mentor_id,
            pairing.mentee_id,
            ask.id if ask is not None else None,
            ask.looking_for if ask is not None else "",
        )


def mentorship_of_ask(ctx: AppContext, actor_id: str, ask_id: int) -> Mentorship:
    """The mentorship a mentee's ask was made in, for its mentor's **Introduce…**."""
    with unit_of_work(ctx.sessions) as session:
        ask = get_ask(session, ask_id)
        if ask is None:
            raise Refused(md("I can't find that ask any more."), reason="bad_input")
        pairing_id = ask.pairing_id
    return mentorship_for_introduction(ctx, actor_id, pairing_id, ask_id)


def _person_problem(profile: Profile | None) -> str | None:
    if profile is None:
        return "I can't find that person in this workspace. Choose them from Slack's list."
    if profile.is_bot:
        return f"{profile.display_name or 'That'} is an app, not a person, so I can't introduce it."
    if profile.is_deleted:
        return (
            f"{profile.display_name or 'That person'}'s Slack account is deactivated, so I can't "
            "introduce them."
        )
    return None


def introduction_problem(
    ctx: AppContext, client: WebClient, mentorship: Mentorship, colleague_id: str
) -> str | None:
    """Why ``colleague_id`` can't be introduced to the mentee (plain text, for a form or a
    reply); None when they can. The colleague need not be in any program."""
    if colleague_id == mentorship.mentee_id:
        return "That's your mentee: choose the colleague you'd like them to meet."
    if colleague_id == mentorship.mentor_id:
        return "That's you: choose the colleague you'd like your mentee to meet."
    profiles = profiles_before_saving(ctx.sessions, client, [colleague_id], ctx.now())
    problem = _person_problem(profiles[colleague_id])
    if problem is not None:
        return problem
    with unit_of_work(ctx.sessions) as session:
        if conflict_of(session, colleague_id, mentorship.mentee_id) is not None:
            return (
                "They listed your mentee among the people they assess or supervise, so I won't "
                "introduce them: choose someone without that conflict of interest."
            )
    return None


def _days(ctx: AppContext, session: Session, user_id: str, moment: datetime) -> tuple[date, date]:
    """The day of ``moment`` and today, where ``user_id`` is."""
    person = get_person(session, user_id)
    tz = person.tz if person else None
    return local_date(moment, tz, ctx.settings), local_date(ctx.now(), tz, ctx.settings)


def make_introduction(
    ctx: AppContext,
    client: WebClient,
    *,
    actor_id: str,
    pairing_id: int,
    colleague_id: str,
    why: str,
    ask_id: int | None = None,
) -> Mrkdwn:
    """Introduce the mentee of ``pairing_id`` to ``colleague_id`` in a group DM, once; what
    to tell the mentor (done, or done before)."""
    mentorship = mentorship_for_introduction(ctx, actor_id, pairing_id, ask_id)
    problem = introduction_problem(ctx, client, mentorship, colleague_id)
    if problem is not None:
        raise Refused(escape(problem), reason="bad_input")
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = _mentorship(get_pairing(session, pairing_id, lock=True), actor_id)
        opened = open_introduction(
            session,
            pairing_id=pairing.id,
            colleague_id=colleague_id,
            why=why,
            ask_id=mentorship.ask_id,
            now=now,
        )
        row = opened.introduction
        if not opened.ours:
            made, today = _days(ctx, session, actor_id, row.made_at)
            return blocks.already_introduced(mentorship.mentee_id, colleague_id, made, today)
        card = blocks.IntroCard(row.id, pairing.mentor_id, pairing.mentee_id, colleague_id, why)
    message = blocks.build_group_introduction(card)
    try:
        opened_dm = client.conversations_open(users=f"{card.mentee_id},{card.colleague_id}")
        channel = str(opened_dm["channel"]["id"])
        posted = post_message(client, channel, message.text, message.blocks)
    except SlackApiError as error:
        with unit_of_work(ctx.sessions) as session:
            discard_unsent(session, card.introduction_id)
        raise Refused(_unsent(colleague_id, error)) from error
    except Exception:
        with unit_of_work(ctx.sessions) as session:
            discard_unsent(session, card.introduction_id)
        raise
    with unit_of_work(ctx.sessions) as session:
        deliver_introduction(session, card.introduction_id, channel, str(posted["ts"]))
        ask = get_ask(session, mentorship.ask_id) if mentorship.ask_id is not None else None
        ask_dm: tuple[str | None, str | None, str] | None = None
        if ask is not None and ask.answered_at is None:
            ask.answered_at = now
            ask_dm = (ask.mentor_channel, ask.mentor_ts, ask.looking_for)
    if ask_dm is not None:
        update_to(
            client,
            ask_dm[0],
            ask_dm[1],
            blocks.build_ask_answered_for_mentor(card.mentee_id, ask_dm[2], colleague_id),
        )
    refresh_homes(ctx, client, card.mentor_id, card.mentee_id, colleague_id)
    return blocks.introduced(card.mentee_id, colleague_id)


def _unsent(colleague_id: str, error: SlackApiError) -> Mrkdwn:
    if slack_error(error) == "missing_scope":
        # An installation from before introductions: its token lacks group DMs.
        return md(
            "I can't open group messages in this workspace yet, so I didn't make the "
            "introduction: a Slack admin needs to reinstall mentorbot from its manifest to "
            "grant the `mpim:write` permission. Until then you can introduce them yourself."
        )
    if is_permanent(error):
        return fmt(
            "I couldn't open a group message with {colleague} in Slack ({error}), so I didn't "
            "make the introduction.",
            colleague=mention(colleague_id),
            error=slack_error(error),
        )
    return fmt(
        "Slack didn't take the group message just now ({error}), so I didn't make the "
        "introduction. Please try again in a few minutes.",
        error=slack_error(error),
    )


def answer_introduction(
    ctx: AppContext, client: WebClient, introduction_id: int, actor_id: str, *, happy: bool
) -> bool:
    """The colleague's **Happy to talk** or **Not now**; False for a repeat of the same answer.
    The group DM redrawn is the one the app recorded, found from the database."""
    now = ctx.now()
    answer = ACCEPTED if happy else DECLINED
    with unit_of_work(ctx.sessions) as session:
        row = get_introduction(session, introduction_id, lock=True)
        if row is None:
            raise Refused(md("I can't find that introduction any more."), reason="bad_input")
        if row.colleague_id != actor_id:
            raise Refused(
                fmt(
                    "Only {colleague} can answer this introduction.",
                    colleague=mention(row.colleague_id),
                ),
                reason="forbidden",
            )
        if not record_answer(session, row, answer, now):
            if row.status == answer:
                return False
            raise Refused(md("You've answered this introduction already."))
        pairing = get_pairing(session, row.pairing_id)
        assert pairing is not None
        card = blocks.IntroCard(
            row.id, pairing.mentor_id, pairing.mentee_id, row.colleague_id, row.why
        )
        channel, ts = row.channel, row.ts
    update_to(client, channel, ts, blocks.build_group_answered(card, happy=happy))
    if happy:
        notify_message(client, card.mentor_id, blocks.build_happy_for_mentor(card))
    else:
        notify_message(client, card.mentee_id, blocks.build_not_now_for_mentee(card))
        notify_message(client, card.mentor_id, blocks.build_not_now_for_mentor(card))
    refresh_homes(ctx, client, card.mentor_id, card.mentee_id, card.colleague_id)
    return True


def mentor_to_ask(ctx: AppContext, actor_id: str, pairing_id: int) -> str:
    """The mentor a mentee may ask for an introduction in ``pairing_id``: theirs, open."""
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id)
        if pairing is None or pairing.mentee_id != actor_id:
            raise Refused(
                md("Only the mentee in a mentorship can ask their mentor for introductions."),
                reason="forbidden",
            )
        if not is_open(pairing):
            raise Refused(md("That mentorship has ended."))
        return pairing.mentor_id


def ask_for_introduction(
    ctx: AppContext,
    client: WebClient,
    *,
    actor_id: str,
    pairing_id: int,
    looking_for: str,
    submission: str,
) -> bool:
    """DM the mentor the mentee's ask, with **Introduce…**; once per submitted form. False when
    this submission was asked already."""
    mentor_id = mentor_to_ask(ctx, actor_id, pairing_id)
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        ask, added = record_ask(
            session, pairing_id=pairing_id, submission=submission, looking_for=looking_for, now=now
        )
        ask_id = ask.id
    if not added:
        return False
    message = blocks.build_ask_for_mentor(ask_id, actor_id, looking_for)
    sent = notify_message(client, mentor_id, message)
    with unit_of_work(ctx.sessions) as session:
        if sent is None:
            forget_ask(session, ask_id)
        else:
            deliver_ask(session, ask_id, *sent)
    if sent is None:
        raise Refused(
            fmt(
                "I couldn't reach {mentor} in Slack just now, so I didn't send your ask. Please "
                "try again later.",
                mentor=mention(mentor_id),
            )
        )
    notify(client, actor_id, blocks.ask_sent(mentor_id))
    refresh_homes(ctx, client, mentor_id, actor_id)
    return True
