"""Messages about mentor requests: the ask, its answers, redirects, reminders and expiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.dates import format_date
from bot.text import Mrkdwn, clip, fmt, md, md_join, mention, plain
from handlers import ids
from handlers.blocks.common import MESSAGE_BLOCK_LIMIT, Block, context, section

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


def quote(text: str) -> Mrkdwn:
    """User text as a block quote, escaped so it can't mention or notify anyone."""
    return md_join("\n", (fmt("> {line}", line=line) for line in text.splitlines() if line.strip()))


def button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=clip(plain(text), BUTTON_TEXT_LIMIT), action_id=action_id, value=value, style=style
    )


def actions(block_id: str, *buttons: ButtonElement) -> Block:
    return ActionsBlock(block_id=block_id, elements=list(buttons)).to_dict()


def _request_lines(card: RequestCard, lead: Mrkdwn) -> list[Block]:
    blocks = [section(lead)]
    if card.note.strip():
        blocks.append(section(quote(card.note)))
    return blocks


def build_request_message(card: RequestCard, today: date) -> list[Block]:
    """The DM to the asked person, with Accept / Decline / Suggest someone else."""
    lead = fmt(
        "{mentee} would like you to be their mentor for *{focus_label}*.",
        mentee=mention(card.mentee_id),
        focus_label=card.focus_label,
    )
    value = str(card.request_id)
    return [
        *_request_lines(card, lead),
        actions(
            f"request-{card.request_id}",
            button("Accept", ids.REQUEST_ACCEPT, value, "primary"),
            button("Decline", ids.REQUEST_DECLINE, value),
            button("Suggest someone else", ids.REQUEST_REDIRECT, value),
        ),
        context(
            fmt(
                "If you can't answer now, that's fine: this request stays open until "
                "{expires}. Only {mentee} sees your answer.",
                expires=format_date(card.expires_on, today),
                mentee=mention(card.mentee_id),
            )
        ),
    ]


def build_request_reminder(card: RequestCard, today: date) -> list[Block]:
    return [
        section(
            fmt(
                "A gentle reminder: {mentee} is still hoping to hear from you about "
                "mentoring them.",
                mentee=mention(card.mentee_id),
            )
        ),
        *build_request_message(card, today),
    ]


def build_request_closed(card: RequestCard, outcome: Mrkdwn) -> list[Block]:
    """The asked person's DM once answered: same request, the buttons replaced by the outcome."""
    lead = fmt(
        "{mentee} asked you to be their mentor for *{focus_label}*.",
        mentee=mention(card.mentee_id),
        focus_label=card.focus_label,
    )
    return [*_request_lines(card, lead), context(outcome)]


def build_request_sent(mentor_id: str, focus_label: str) -> Mrkdwn:
    return fmt(
        "I've asked {mentor} to be your mentor for *{focus_label}*. I'll message "
        "you as soon as they answer.",
        mentor=mention(mentor_id),
        focus_label=focus_label,
    )


def build_accepted_for_mentee(pairing_id: int, mentor_id: str, focus_label: str) -> list[Block]:
    return [
        section(
            fmt(
                ":tada: {mentor} accepted! They're now your mentor for "
                "*{focus_label}*.\nNext, agree how often you'll meet and how.",
                mentor=mention(mentor_id),
                focus_label=focus_label,
            )
        ),
        actions(
            f"communication-{pairing_id}",
            button("Set up check-ins", ids.COMMUNICATION_OPEN, str(pairing_id), "primary"),
        ),
    ]


def build_accepted_for_mentor(pairing_id: int, mentee_id: str, focus_label: str) -> list[Block]:
    return [
        section(
            fmt(
                "You're now mentoring {mentee} for *{focus_label}*. Thank you! Agree how "
                "often you'll meet and how:",
                mentee=mention(mentee_id),
                focus_label=focus_label,
            )
        ),
        actions(
            f"communication-{pairing_id}",
            button("Set up check-ins", ids.COMMUNICATION_OPEN, str(pairing_id), "primary"),
        ),
    ]


def build_withdraw_others_offer(others: Sequence[tuple[int, str]], focus_label: str) -> list[Block]:
    """After an accept: offer to withdraw the mentee's other requests for the same focus."""
    names = md_join(", ", (mention(mentor_id) for _, mentor_id in others))
    value = ",".join(str(request_id) for request_id, _ in others)
    return [
        section(
            fmt(
                "You also asked {names} for *{focus_label}*. Now that you have a mentor "
                "for this, would you like to withdraw those requests? They'll be told "
                "kindly.",
                names=names,
                focus_label=focus_label,
            )
        ),
        actions(
            "withdraw-others",
            button("Withdraw those requests", ids.REQUEST_WITHDRAW_OTHERS, value),
        ),
    ]


def build_declined_for_mentee(mentor_id: str, focus_label: str, note: str | None) -> list[Block]:
    blocks = [
        section(
            fmt(
                "{mentor} can't take on mentoring for *{focus_label}* right now. That's "
                "about their time, not about you.",
                mentor=mention(mentor_id),
                focus_label=focus_label,
            )
        )
    ]
    if note and note.strip():
        blocks.append(section(fmt("They added a note for you:\n{quote}", quote=quote(note))))
    blocks.append(context(md("You can ask someone else any time with `/mentor ask @person`.")))
    return blocks


def build_redirect_for_mentee(
    request_id: int,
    mentor_id: str,
    suggested_id: str,
    suggested_name: str,
    focus_label: str,
    note: str | None,
) -> list[Block]:
    blocks = [
        section(
            fmt(
                "{mentor} thinks {suggested} would be a better mentor for "
                "*{focus_label}*. Nothing has been sent to them yet.",
                mentor=mention(mentor_id),
                suggested=mention(suggested_id),
                focus_label=focus_label,
            )
        )
    ]
    if note and note.strip():
        blocks.append(
            section(fmt("{mentor} wrote:\n{quote}", mentor=mention(mentor_id), quote=quote(note)))
        )
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
    blocks.append(context(md("Tapping the button sends them your original focus and note.")))
    return blocks


def build_expired_for_mentee(mentor_id: str, focus_label: str) -> list[Block]:
    return [
        section(
            fmt(
                "Your request to {mentor} for *{focus_label}* has closed without an "
                "answer. People get busy; please don't take it personally.",
                mentor=mention(mentor_id),
                focus_label=focus_label,
            )
        ),
        context(
            md("Ask someone else with `/mentor ask @person`, or ask your program coordinator.")
        ),
    ]


def build_expired_for_mentor(mentee_id: str, focus_label: str) -> list[Block]:
    return [
        section(
            fmt(
                "{mentee}'s request for mentoring in *{focus_label}* has closed, as it "
                "wasn't answered in time. No need to do anything.",
                mentee=mention(mentee_id),
                focus_label=focus_label,
            )
        )
    ]


def build_withdrawn_notice(mentee_id: str, focus_label: str) -> Mrkdwn:
    return fmt(
        "{mentee} withdrew their request for *{focus_label}*. No need to do anything.",
        mentee=mention(mentee_id),
        focus_label=focus_label,
    )


def build_withdraw_choices(cards: Sequence[RequestCard]) -> list[Block]:
    """``/mentor withdraw`` with several requests waiting: one button each."""
    blocks = [section(md("Which request would you like to withdraw?"))]
    for card in cards:
        blocks.append(
            section(
                fmt(
                    "{mentor}: *{focus_label}*",
                    mentor=mention(card.mentor_id),
                    focus_label=card.focus_label,
                )
            )
        )
        blocks.append(
            actions(
                f"withdraw-{card.request_id}",
                button("Withdraw", ids.REQUEST_WITHDRAW, str(card.request_id)),
            )
        )
    return blocks[:MESSAGE_BLOCK_LIMIT]
