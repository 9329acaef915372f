"""Messages about mentor requests: the ask, its answers, redirects, reminders and expiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.dates import format_date
from bot.text import Mrkdwn, clip, fmt, md, md_join, mention, plain, plural
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
    # The mentor listed the mentee among the people they assess or supervise (shown to them).
    conflict: bool = False


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


def build_request_message(card: RequestCard, today: date) -> MessageBody:
    """The DM to the asked person, with Accept / Decline / Suggest someone else."""
    lead = fmt(
        "{mentee} would like you to be their mentor for *{focus_label}*.",
        mentee=mention(card.mentee_id),
        focus_label=card.focus_label,
    )
    value = str(card.request_id)
    blocks = [
        *_request_lines(card, lead),
        actions(
            f"request-{card.request_id}",
            button("Accept", ids.REQUEST_ACCEPT, value, "primary"),
            button("Decline", ids.REQUEST_DECLINE, value),
            button("Suggest someone else", ids.REQUEST_REDIRECT, value),
        ),
        *(
            [
                context(
                    fmt(
                        "You listed {mentee} among the people you assess or supervise. If that "
                        "still holds, Decline or Suggest someone else; only you see this note.",
                        mentee=mention(card.mentee_id),
                    )
                )
            ]
            if card.conflict
            else []
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
    return MessageBody(lead, blocks)


def build_request_reminder(card: RequestCard, today: date) -> MessageBody:
    lead = fmt(
        "A gentle reminder: {mentee} is still hoping to hear from you about mentoring them "
        "for *{focus_label}*.",
        mentee=mention(card.mentee_id),
        focus_label=card.focus_label,
    )
    return MessageBody(lead, [section(lead), *build_request_message(card, today).blocks])


def build_request_closed(card: RequestCard, outcome: Mrkdwn) -> MessageBody:
    """The asked person's DM once answered: same request, the buttons replaced by ``outcome``
    (which says what happened, in a sentence)."""
    lead = fmt(
        "{mentee} asked you to be their mentor for *{focus_label}*.",
        mentee=mention(card.mentee_id),
        focus_label=card.focus_label,
    )
    return MessageBody(
        fmt("{lead} {outcome}", lead=lead, outcome=outcome),
        [*_request_lines(card, lead), context(outcome)],
    )


def build_request_sent(mentor_id: str, focus_label: str) -> Mrkdwn:
    return fmt(
        "I've asked {mentor} to be your mentor for *{focus_label}*. I'll message "
        "you as soon as they answer.",
        mentor=mention(mentor_id),
        focus_label=focus_label,
    )


def _set_up_check_ins(pairing_id: int) -> Block:
    return actions(
        f"communication-{pairing_id}",
        button("Set up check-ins", ids.COMMUNICATION_OPEN, str(pairing_id), "primary"),
    )


def build_accepted_for_mentee(pairing_id: int, mentor_id: str, focus_label: str) -> MessageBody:
    lead = fmt(
        ":tada: {mentor} accepted! They're now your mentor for *{focus_label}*.",
        mentor=mention(mentor_id),
        focus_label=focus_label,
    )
    return MessageBody(
        lead,
        [
            section(fmt("{lead}\nNext, agree how often you'll meet and how.", lead=lead)),
            _set_up_check_ins(pairing_id),
        ],
    )


def build_accepted_for_mentor(pairing_id: int, mentee_id: str, focus_label: str) -> MessageBody:
    lead = fmt(
        "You're now mentoring {mentee} for *{focus_label}*.",
        mentee=mention(mentee_id),
        focus_label=focus_label,
    )
    return MessageBody(
        lead,
        [
            section(fmt("{lead} Thank you! Agree how often you'll meet and how:", lead=lead)),
            _set_up_check_ins(pairing_id),
        ],
    )


def build_withdraw_others_offer(others: Sequence[tuple[int, str]], focus_label: str) -> MessageBody:
    """After an accept: offer to withdraw the mentee's other requests for the same focus."""
    names = md_join(", ", (mention(mentor_id) for _, mentor_id in others))
    value = ",".join(str(request_id) for request_id, _ in others)
    asked = fmt("You also asked {names} for *{focus_label}*.", names=names, focus_label=focus_label)
    return MessageBody(
        fmt("{asked} Withdraw those requests now that you have a mentor?", asked=asked),
        [
            section(
                fmt(
                    "{asked} Now that you have a mentor for this, would you like to withdraw "
                    "those requests? They'll be told kindly.",
                    asked=asked,
                )
            ),
            actions(
                "withdraw-others",
                button("Withdraw those requests", ids.REQUEST_WITHDRAW_OTHERS, value),
            ),
        ],
    )


def build_declined_for_mentee(mentor_id: str, focus_label: str, note: str | None) -> MessageBody:
    lead = fmt(
        "{mentor} can't take on mentoring for *{focus_label}* right now.",
        mentor=mention(mentor_id),
        focus_label=focus_label,
    )
    blocks = [section(fmt("{lead} That's about their time, not about you.", lead=lead))]
    if note and note.strip():
        blocks.append(section(fmt("They added a note for you:\n{quote}", quote=quote(note))))
    blocks.append(context(md("You can ask someone else any time with `/mentor ask @person`.")))
    return MessageBody(lead, blocks)


def build_redirect_for_mentee(
    request_id: int,
    mentor_id: str,
    suggested_id: str,
    suggested_name: str,
    focus_label: str,
    note: str | None,
) -> MessageBody:
    lead = fmt(
        "{mentor} thinks {suggested} would be a better mentor for *{focus_label}*.",
        mentor=mention(mentor_id),
        suggested=mention(suggested_id),
        focus_label=focus_label,
    )
    blocks = [section(fmt("{lead} Nothing has been sent to them yet.", lead=lead))]
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
    return MessageBody(lead, blocks)


def build_expired_for_mentee(mentor_id: str, focus_label: str) -> MessageBody:
    lead = fmt(
        "Your request to {mentor} for *{focus_label}* has closed without an answer.",
        mentor=mention(mentor_id),
        focus_label=focus_label,
    )
    return MessageBody(
        lead,
        [
            section(fmt("{lead} People get busy; please don't take it personally.", lead=lead)),
            context(
                md("Ask someone else with `/mentor ask @person`, or ask your program coordinator.")
            ),
        ],
    )


def build_undelivered_for_mentee(mentor_id: str, focus_label: str) -> MessageBody:
    lead = fmt(
        "Your request to {mentor} for *{focus_label}* didn't go out.",
        mentor=mention(mentor_id),
        focus_label=focus_label,
    )
    return MessageBody(
        lead,
        [
            section(
                fmt(
                    "Something went wrong on my side while I was sending your request to "
                    "{mentor} for *{focus_label}*, so they may not have received it and I've "
                    "cancelled it. Sorry about that.",
                    mentor=mention(mentor_id),
                    focus_label=focus_label,
                )
            ),
            context(fmt("To ask {mentor} again, use `/mentor ask`.", mentor=mention(mentor_id))),
        ],
    )


def build_expired_for_mentor(mentee_id: str, focus_label: str) -> MessageBody:
    lead = fmt(
        "{mentee}'s request for mentoring in *{focus_label}* has closed, as it wasn't "
        "answered in time.",
        mentee=mention(mentee_id),
        focus_label=focus_label,
    )
    return MessageBody(lead, [section(fmt("{lead} No need to do anything.", lead=lead))])


def build_withdrawn_notice(mentee_id: str, focus_label: str) -> Mrkdwn:
    return fmt(
        "{mentee} withdrew their request for *{focus_label}*. No need to do anything.",
        mentee=mention(mentee_id),
        focus_label=focus_label,
    )


def build_withdraw_choices(cards: Sequence[RequestCard]) -> MessageBody:
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
    shown = cards[:5]
    text = fmt(
        "Which request would you like to withdraw? You have {count} waiting: {names}{more}.",
        count=plural(len(cards), "request"),
        names=md_join(", ", (mention(card.mentor_id) for card in shown)),
        more=f" and {len(cards) - len(shown)} more" if len(cards) > len(shown) else "",
    )
    return MessageBody(text, blocks[:MESSAGE_BLOCK_LIMIT])
