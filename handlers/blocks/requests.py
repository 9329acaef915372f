"""Messages about mentor requests: the ask, its answers, redirects, reminders and expiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.dates import format_date
from bot.text import clip, escape, mention, plural
from handlers import ids
from handlers.blocks.common import MESSAGE_BLOCK_LIMIT, Block, MessageBody, context, section

BUTTON_TEXT_LIMIT = 75


@dataclass(frozen=True)
class RequestCard:
    """What a request message shows; user text is escaped when built, never before."""

    request_id: int
    mentee_id: str
    mentor_id: str
    focus_label: str
    note: str
    expires_on: date


def quote(text: str) -> str:
    """User text as a block quote, escaped so it can't mention or notify anyone."""
    return "\n".join("> " + line for line in escape(text).splitlines() if line.strip())


def button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=clip(text, BUTTON_TEXT_LIMIT), action_id=action_id, value=value, style=style
    )


def actions(block_id: str, *buttons: ButtonElement) -> Block:
    return ActionsBlock(block_id=block_id, elements=list(buttons)).to_dict()


def _request_lines(card: RequestCard, lead: str) -> list[Block]:
    blocks = [section(lead)]
    if card.note.strip():
        blocks.append(section(quote(card.note)))
    return blocks


def build_request_message(card: RequestCard, today: date) -> MessageBody:
    """The DM to the asked person, with Accept / Decline / Suggest someone else."""
    lead = (
        f"{mention(card.mentee_id)} would like you to be their mentor for "
        f"*{escape(card.focus_label)}*."
    )
    value = str(card.request_id)
    return MessageBody(
        lead,
        [
            *_request_lines(card, lead),
            actions(
                f"request-{card.request_id}",
                button("Accept", ids.REQUEST_ACCEPT, value, "primary"),
                button("Decline", ids.REQUEST_DECLINE, value),
                button("Suggest someone else", ids.REQUEST_REDIRECT, value),
            ),
            context(
                f"If you can't answer now, that's fine: this request stays open until "
                f"{format_date(card.expires_on, today)}. Only {mention(card.mentee_id)} sees "
                "your answer."
            ),
        ],
    )


def build_request_reminder(card: RequestCard, today: date) -> MessageBody:
    lead = (
        f"A gentle reminder: {mention(card.mentee_id)} is still hoping to hear from you "
        f"about mentoring them for *{escape(card.focus_label)}*."
    )
    return MessageBody(lead, [section(lead), *build_request_message(card, today).blocks])


def build_request_closed(card: RequestCard, outcome: str) -> MessageBody:
    """The asked person's DM once answered: same request, the buttons replaced by ``outcome``
    (which says what happened, in a sentence)."""
    lead = (
        f"{mention(card.mentee_id)} asked you to be their mentor for *{escape(card.focus_label)}*."
    )
    return MessageBody(f"{lead} {outcome}", [*_request_lines(card, lead), context(outcome)])


def build_request_sent(mentor_id: str, focus_label: str) -> str:
    return (
        f"I've asked {mention(mentor_id)} to be your mentor for *{escape(focus_label)}*. "
        "I'll message you as soon as they answer."
    )


def build_accepted_for_mentee(pairing_id: int, mentor_id: str, focus_label: str) -> MessageBody:
    lead = (
        f":tada: {mention(mentor_id)} accepted! They're now your mentor for "
        f"*{escape(focus_label)}*."
    )
    return MessageBody(
        lead,
        [
            section(f"{lead}\nNext, agree how often you'll meet and how."),
            actions(
                f"communication-{pairing_id}",
                button("Set up check-ins", ids.COMMUNICATION_OPEN, str(pairing_id), "primary"),
            ),
        ],
    )


def build_accepted_for_mentor(pairing_id: int, mentee_id: str, focus_label: str) -> MessageBody:
    lead = f"You're now mentoring {mention(mentee_id)} for *{escape(focus_label)}*."
    return MessageBody(
        lead,
        [
            section(f"{lead} Thank you! Agree how often you'll meet and how:"),
            actions(
                f"communication-{pairing_id}",
                button("Set up check-ins", ids.COMMUNICATION_OPEN, str(pairing_id), "primary"),
            ),
        ],
    )


def build_withdraw_others_offer(others: Sequence[tuple[int, str]], focus_label: str) -> MessageBody:
    """After an accept: offer to withdraw the mentee's other requests for the same focus."""
    names = ", ".join(mention(mentor_id) for _, mentor_id in others)
    value = ",".join(str(request_id) for request_id, _ in others)
    asked = f"You also asked {names} for *{escape(focus_label)}*."
    return MessageBody(
        f"{asked} Withdraw those requests now that you have a mentor?",
        [
            section(
                f"{asked} Now that you have a mentor for this, would you like to withdraw "
                "those requests? They'll be told kindly."
            ),
            actions(
                "withdraw-others",
                button("Withdraw those requests", ids.REQUEST_WITHDRAW_OTHERS, value),
            ),
        ],
    )


def build_declined_for_mentee(mentor_id: str, focus_label: str, note: str | None) -> MessageBody:
    lead = f"{mention(mentor_id)} can't take on mentoring for *{escape(focus_label)}* right now."
    blocks = [section(f"{lead} That's about their time, not about you.")]
    if note and note.strip():
        blocks.append(section(f"They added a note for you:\n{quote(note)}"))
    blocks.append(context("You can ask someone else any time with `/mentor ask @person`."))
    return MessageBody(lead, blocks)


def build_redirect_for_mentee(
    request_id: int,
    mentor_id: str,
    suggested_id: str,
    suggested_name: str,
    focus_label: str,
    note: str | None,
) -> MessageBody:
    lead = (
        f"{mention(mentor_id)} thinks {mention(suggested_id)} would be a better mentor "
        f"for *{escape(focus_label)}*."
    )
    blocks = [section(f"{lead} Nothing has been sent to them yet.")]
    if note and note.strip():
        blocks.append(section(f"{mention(mentor_id)} wrote:\n{quote(note)}"))
    blocks.append(
        actions(
            f"suggested-{request_id}",
            button(
                f"Ask {suggested_name or 'them'}",
                ids.REQUEST_ASK_SUGGESTED,
                str(request_id),
                "primary",
            ),
        )
    )
    blocks.append(context("Tapping the button sends them your original focus and note."))
    return MessageBody(lead, blocks)


def build_expired_for_mentee(mentor_id: str, focus_label: str) -> MessageBody:
    lead = (
        f"Your request to {mention(mentor_id)} for *{escape(focus_label)}* has closed "
        "without an answer."
    )
    return MessageBody(
        lead,
        [
            section(f"{lead} People get busy; please don't take it personally."),
            context(
                "Ask someone else with `/mentor ask @person`, or ask your program coordinator."
            ),
        ],
    )


def build_expired_for_mentor(mentee_id: str, focus_label: str) -> MessageBody:
    lead = (
        f"{mention(mentee_id)}'s request for mentoring in *{escape(focus_label)}* has "
        "closed, as it wasn't answered in time."
    )
    return MessageBody(lead, [section(f"{lead} No need to do anything.")])


def build_withdrawn_notice(mentee_id: str, focus_label: str) -> str:
    return (
        f"{mention(mentee_id)} withdrew their request for *{escape(focus_label)}*. "
        "No need to do anything."
    )


def build_withdraw_choices(cards: Sequence[RequestCard]) -> MessageBody:
    """``/mentor withdraw`` with several requests waiting: one button each."""
    question = "Which request would you like to withdraw?"
    blocks = [section(question)]
    for card in cards:
        blocks.append(section(f"{mention(card.mentor_id)}: *{escape(card.focus_label)}*"))
        blocks.append(
            actions(
                f"withdraw-{card.request_id}",
                button("Withdraw", ids.REQUEST_WITHDRAW, str(card.request_id)),
            )
        )
    names = ", ".join(mention(card.mentor_id) for card in cards[:5])
    more = f" and {len(cards) - 5} more" if len(cards) > 5 else ""
    return MessageBody(
        f"{question} You have {plural(len(cards), 'request')} waiting: {names}{more}.",
        blocks[:MESSAGE_BLOCK_LIMIT],
    )
