"""Introductions: the mentor's form, the group DM of the mentee, the colleague and the app with
the colleague's two answers, the notes that follow, a mentee's ask and its DM to the mentor,
and the lines that list introductions on Home and in ``/mentor list``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, UserSelectElement

from bot.dates import format_date
from bot.text import Mrkdwn, clip, fmt, md, md_join, mention, normalise_user_text
from handlers import ids
from handlers.blocks.common import Block, MessageBody, context, section
from handlers.blocks.modals import InvalidSubmission, Values, form_modal
from handlers.blocks.requests import actions, button, quote

WHY_LIMIT = 500
LOOKING_FOR_LIMIT = 300
# How many introductions a Home card names; the rest are counted.
SHOWN_ON_HOME = 5
# How many introductions waiting for the colleague's answer their Home shows with its answer
# buttons, and the blocks they take: a heading, a section and buttons each, "and N more".
AWAITING_ON_HOME = 2
AWAITING_BLOCKS = 2 + 2 * AWAITING_ON_HOME
WHY_ON_HOME = 300
# Shown, never stored: an introduction still waiting for a colleague who has left the workspace.
GONE = "gone"
STATUS_WORDS = {
    "made": "no answer yet",
    "accepted": "happy to talk",
    "declined": "not now",
    GONE: "no longer in the workspace",
}
STATUS_ICONS = {"made": "⏳", "accepted": "🤝", "declined": "🕊️", GONE: "👋"}


@dataclass(frozen=True)
class IntroCard:
    """One introduction as its messages show it; ``why`` is the mentor's own words."""

    introduction_id: int
    mentor_id: str
    mentee_id: str
    colleague_id: str
    why: str


@dataclass(frozen=True)
class IntroLine:
    """An introduction on Home or in a list: who, how it went, when."""

    colleague_id: str
    status: str
    made: date


# -- the mentor's form --------------------------------------------------------------------------


def build_introduce_modal(
    pairing_id: int, mentee_id: str, *, ask_id: int | None = None, looking_for: str = ""
) -> dict[str, Any]:
    """Introduce the mentee to a colleague: who, and why the two should talk."""
    blocks: list[Any] = [
        section(
            fmt(
                "I'll open a group message with {mentee}, the colleague you choose and me, "
                "introduce them in your name, and ask your colleague whether they're happy to "
                "talk. Their answer comes back to you both; a “not now” stays private.",
                mentee=mention(mentee_id),
            )
        )
    ]
    if looking_for.strip():
        blocks.append(
            section(
                fmt(
                    "{mentee} asked for:\n{quote}",
                    mentee=mention(mentee_id),
                    quote=quote(looking_for),
                )
            )
        )
    blocks += [
        InputBlock(
            block_id=ids.INTRO_COLLEAGUE_BLOCK,
            label="Colleague",
            element=UserSelectElement(
                action_id=ids.INTRO_COLLEAGUE_INPUT, placeholder="Choose someone"
            ),
        ),
        InputBlock(
            block_id=ids.NOTE_BLOCK,
            label="Why you two should talk",
            optional=True,
            hint="Shown to both of them in the group message; coordinators never see it.",
            element=PlainTextInputElement(
                action_id=ids.NOTE_INPUT, multiline=True, max_length=WHY_LIMIT
            ),
        ),
    ]
    metadata = f"{pairing_id}:{ask_id}" if ask_id is not None else str(pairing_id)
    return form_modal("Introduce a colleague", ids.INTRO_VIEW, blocks, metadata, "Introduce")


@dataclass(frozen=True)
class IntroduceForm:
    pairing_id: int
    ask_id: int | None


def parse_introduce_metadata(metadata: str) -> IntroduceForm | None:
    """The mentorship (and the ask) the form was opened for; None when it is not the app's."""
    parts = metadata.split(":")
    if not 1 <= len(parts) <= 2 or not all(p.isdecimal() and len(p) < 12 for p in parts):
        return None
    return IntroduceForm(int(parts[0]), int(parts[1]) if len(parts) == 2 else None)


def parse_introduce(values: Values) -> tuple[str, str]:
    """(the colleague chosen, why), or what to fix under each input."""
    chosen = values.get(ids.INTRO_COLLEAGUE_BLOCK, {}).get(ids.INTRO_COLLEAGUE_INPUT, {})
    colleague = chosen.get("selected_user")
    if not colleague:
        raise InvalidSubmission({ids.INTRO_COLLEAGUE_BLOCK: "Please choose a colleague."})
    why = _text(values, ids.NOTE_BLOCK, ids.NOTE_INPUT, WHY_LIMIT)
    return str(colleague), why


def _text(values: Values, block_id: str, action_id: str, limit: int) -> str:
    raw = values.get(block_id, {}).get(action_id, {}).get("value") or ""
    text = normalise_user_text(str(raw))
    if len(text) > limit:
        raise InvalidSubmission({block_id: f"Please keep this under {limit} characters."})
    return text


# -- the mentee's ask ---------------------------------------------------------------------------


def build_ask_introduction_modal(pairing_id: int, mentor_id: str) -> dict[str, Any]:
    return form_modal(
        "Ask for an introduction",
        ids.INTRO_ASK_VIEW,
        [
            section(
                fmt(
                    "Tell {mentor} who would help you, and I'll ask them to introduce you to "
                    "someone they know.",
                    mentor=mention(mentor_id),
                )
            ),
            InputBlock(
                block_id=ids.INTRO_LOOKING_BLOCK,
                label="Who would you like to meet?",
                element=PlainTextInputElement(
                    action_id=ids.INTRO_LOOKING_INPUT,
                    multiline=True,
                    max_length=LOOKING_FOR_LIMIT,
                    placeholder="e.g. someone in interventional radiology research",
                ),
            ),
        ],
        str(pairing_id),
        "Ask",
    )


def parse_looking_for(values: Values) -> str:
    text = _text(values, ids.INTRO_LOOKING_BLOCK, ids.INTRO_LOOKING_INPUT, LOOKING_FOR_LIMIT)
    if not text:
        raise InvalidSubmission({ids.INTRO_LOOKING_BLOCK: "Say a few words about who, please."})
    return text


def build_ask_for_mentor(ask_id: int, mentee_id: str, looking_for: str) -> MessageBody:
    lead = fmt(
        "{mentee} would like an introduction to someone you know.", mentee=mention(mentee_id)
    )
    return MessageBody(
        lead,
        [
            section(fmt("{lead}\n{quote}", lead=lead, quote=quote(looking_for))),
            actions(
                f"intro-ask-{ask_id}",
                button("Introduce…", ids.INTRO_FROM_ASK, str(ask_id), "primary"),
            ),
        ],
    )


def build_ask_answered_for_mentor(
    mentee_id: str, looking_for: str, colleague_id: str
) -> MessageBody:
    lead = fmt(
        "{mentee} asked for an introduction, and you introduced them to {colleague}.",
        mentee=mention(mentee_id),
        colleague=mention(colleague_id),
    )
    return MessageBody(lead, [section(fmt("{lead}\n{quote}", lead=lead, quote=quote(looking_for)))])


def ask_sent(mentor_id: str) -> Mrkdwn:
    return fmt(
        "I've asked {mentor} for an introduction. You'll both be in a group message with the "
        "colleague they choose.",
        mentor=mention(mentor_id),
    )


# -- the group DM -------------------------------------------------------------------------------


def _group_lead(card: IntroCard) -> Mrkdwn:
    return fmt(
        "👋 {colleague}, meet {mentee}. {mentor}, who mentors {mentee}, thought you two "
        "should talk.",
        colleague=mention(card.colleague_id),
        mentee=mention(card.mentee_id),
        mentor=mention(card.mentor_id),
    )


def _why_blocks(card: IntroCard) -> list[Block]:
    if not card.why.strip():
        return []
    return [
        section(
            fmt(
                "In {mentor}'s words:\n{quote}",
                mentor=mention(card.mentor_id),
                quote=quote(card.why),
            )
        )
    ]


def build_group_introduction(card: IntroCard) -> MessageBody:
    lead = _group_lead(card)
    return MessageBody(
        lead,
        [
            section(lead),
            *_why_blocks(card),
            section(
                fmt(
                    "{colleague}, would you have time for a short conversation? Only you can "
                    "answer; a “not now” is shared privately and kindly.",
                    colleague=mention(card.colleague_id),
                )
            ),
            _answer_buttons(card),
        ],
    )


def _answer_buttons(card: IntroCard) -> Block:
    value = str(card.introduction_id)
    return actions(
        f"intro-{value}",
        button("Happy to talk", ids.INTRO_HAPPY, value, "primary"),
        button("Not now", ids.INTRO_NOT_NOW, value),
    )


def awaiting_answer_blocks(cards: Sequence[IntroCard], waiting: int) -> list[Block]:
    """The colleague's Home: the introductions made to them that wait for their answer (the
    same two buttons as in the group DM), at most ``AWAITING_ON_HOME`` of the ``waiting``."""
    if not cards:
        return []
    blocks: list[Block] = [section(md("*Introductions waiting for your answer*"))]
    for card in cards[:AWAITING_ON_HOME]:
        lead = fmt(
            "{mentor} introduced you to {mentee}, whom they mentor.",
            mentor=mention(card.mentor_id),
            mentee=mention(card.mentee_id),
        )
        why = normalise_user_text(card.why)
        if why:
            lead = fmt("{lead}\n{quote}", lead=lead, quote=quote(clip(why, WHY_ON_HOME)))
        blocks += [section(lead), _answer_buttons(card)]
    more = waiting - min(len(cards), AWAITING_ON_HOME)
    if more > 0:
        blocks.append(
            context(
                fmt(
                    "{count} more waiting: each is in its group message with the mentee.",
                    count=more,
                )
            )
        )
    return blocks


def build_group_answered(card: IntroCard, *, happy: bool) -> MessageBody:
    """The group DM once the colleague answered: a yes for both to see; a "not now" leaves no
    trace here beyond a thank-you (the mentee and mentor hear it privately)."""
    lead = _group_lead(card)
    if happy:
        answer = fmt(
            "✅ {colleague} is happy to talk. {mentee}, over to you: suggest a time that suits "
            "you both, here.",
            colleague=mention(card.colleague_id),
            mentee=mention(card.mentee_id),
        )
    else:
        answer = fmt(
            "Thank you, {colleague}: I've passed your answer on.",
            colleague=mention(card.colleague_id),
        )
    return MessageBody(lead, [section(lead), *_why_blocks(card), section(answer)])


def build_happy_for_mentor(card: IntroCard) -> MessageBody:
    text = fmt(
        "{colleague} is happy to talk with {mentee}. Thank you for the introduction.",
        colleague=mention(card.colleague_id),
        mentee=mention(card.mentee_id),
    )
    return MessageBody(text, [section(text)])


def build_not_now_for_mentee(card: IntroCard) -> MessageBody:
    text = fmt(
        "{colleague} can't take up the introduction just now. That's about their time, not "
        "about you; {mentor} can introduce you to someone else whenever you like.",
        colleague=mention(card.colleague_id),
        mentor=mention(card.mentor_id),
    )
    return MessageBody(text, [section(text), context(md("Only you and your mentor see this."))])


def build_not_now_for_mentor(card: IntroCard) -> MessageBody:
    text = fmt(
        "{colleague} can't take up your introduction of {mentee} just now. I've told {mentee} "
        "kindly; perhaps someone else could help?",
        colleague=mention(card.colleague_id),
        mentee=mention(card.mentee_id),
    )
    return MessageBody(text, [section(text), context(md("Only you and your mentee see this."))])


def introduced(mentee_id: str, colleague_id: str) -> Mrkdwn:
    return fmt(
        "Done: I've introduced {mentee} to {colleague} in a group message. I'll tell you their "
        "answer.",
        mentee=mention(mentee_id),
        colleague=mention(colleague_id),
    )


def already_introduced(mentee_id: str, colleague_id: str, made: date, today: date) -> Mrkdwn:
    return fmt(
        "You already introduced {mentee} to {colleague} on {when}, so I didn't do it again.",
        mentee=mention(mentee_id),
        colleague=mention(colleague_id),
        when=format_date(made, today),
    )


# -- listings -------------------------------------------------------------------------------------


def introduction_summary(lines: Sequence[IntroLine], *, viewer_is_mentor: bool) -> Mrkdwn | None:
    """One line naming the mentorship's introductions, the latest first; None when none."""
    if not lines:
        return None
    latest = list(reversed(lines))
    shown = [
        fmt(
            "{icon} {colleague} ({status})",
            icon=STATUS_ICONS.get(line.status, "⏳"),
            colleague=mention(line.colleague_id),
            status=STATUS_WORDS.get(line.status, line.status),
        )
        for line in latest[:SHOWN_ON_HOME]
    ]
    more = len(lines) - SHOWN_ON_HOME
    tail = fmt(" +{more} more", more=more) if more > 0 else md("")
    label = md("*Introductions you made:*") if viewer_is_mentor else md("*Introduced to:*")
    return fmt("{label} {shown}{tail}", label=label, shown=md_join(", ", shown), tail=tail)


def waiting_asks_line(count: int, *, viewer_is_mentor: bool) -> Mrkdwn | None:
    if count <= 0:
        return None
    if viewer_is_mentor:
        return fmt(
            "📨 Your mentee asked for {count}: see my DM to you.",
            count="an introduction" if count == 1 else f"{count} introductions",
        )
    return md("📨 You asked your mentor for an introduction.")
