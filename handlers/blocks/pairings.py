"""Messages about pairings: introductions, agreed check-ins, endings, and the pairing list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.dates import format_date
from bot.text import escape, mention
from handlers import ids
from handlers.blocks.common import Block, context, header, section, sections_from_lines
from handlers.blocks.requests import actions, button, quote


@dataclass(frozen=True)
class Introduction:
    pairing_id: int
    mentor_id: str
    mentee_id: str
    coordinator_id: str
    focus_label: str
    note: str


def _why(intro: Introduction) -> list[Block]:
    if not intro.note.strip():
        return []
    return [section(f"Why {mention(intro.coordinator_id)} paired you:\n{quote(intro.note)}")]


def build_introduction_for_mentor(intro: Introduction) -> list[Block]:
    value = str(intro.pairing_id)
    return [
        section(
            f"{mention(intro.coordinator_id)} has paired you with {mention(intro.mentee_id)} "
            f"as their mentor for *{escape(intro.focus_label)}*."
        ),
        *_why(intro),
        section("Please agree with them how often you'll meet and how:"),
        actions(
            f"introduction-{intro.pairing_id}",
            button("Set up check-ins", ids.COMMUNICATION_OPEN, value, "primary"),
            button("I can't take this on", ids.ASSIGNMENT_DECLINE, value),
        ),
    ]


def build_introduction_for_mentee(intro: Introduction) -> list[Block]:
    return [
        section(
            f"{mention(intro.coordinator_id)} has paired you with {mention(intro.mentor_id)}, "
            f"who will mentor you for *{escape(intro.focus_label)}*."
        ),
        *_why(intro),
        section("Next, agree how often you'll meet and how:"),
        actions(
            f"introduction-{intro.pairing_id}",
            button("Set up check-ins", ids.COMMUNICATION_OPEN, str(intro.pairing_id), "primary"),
        ),
    ]


def build_assignment_declined_for_coordinator(
    mentor_id: str, mentee_id: str, focus_label: str, note: str
) -> list[Block]:
    blocks = [
        section(
            f"{mention(mentor_id)} can't take on mentoring {mention(mentee_id)} for "
            f"*{escape(focus_label)}*, so that pairing is closed."
        )
    ]
    if note.strip():
        blocks.append(section(f"Their note to you:\n{quote(note)}"))
    blocks.append(context("You can assign someone else with `/mentor assign @mentor @mentee`."))
    return blocks


def build_assignment_declined_for_mentee(mentor_id: str, focus_label: str) -> list[Block]:
    return [
        section(
            f"{mention(mentor_id)} isn't able to mentor you for *{escape(focus_label)}* after "
            "all. Your program coordinator knows and will help you find someone."
        ),
        context("You can also ask someone yourself with `/mentor ask @person`."),
    ]


def build_ended_for_other(
    actor_id: str, focus_label: str, completed: bool, *, other_is_mentee: bool
) -> list[Block]:
    if completed:
        lead = (
            f"{mention(actor_id)} has marked your mentorship for *{escape(focus_label)}* as "
            "completed. Thank you both for the work you put in."
        )
    else:
        lead = (
            f"{mention(actor_id)} has closed your mentorship for *{escape(focus_label)}*. "
            "Mentorships end for all kinds of reasons; thank you for the time you gave it."
        )
    blocks = [section(lead), context("Your goals, tasks and history are kept, not deleted.")]
    if other_is_mentee:
        blocks.append(
            section("Whenever you're ready, ask someone else with `/mentor ask @person`.")
        )
    return blocks


def build_ended_for_actor(
    other_id: str, focus_label: str, completed: bool, *, actor_is_mentee: bool
) -> list[Block]:
    done = "completed" if completed else "closed"
    blocks = [
        section(
            f"Your mentorship with {mention(other_id)} for *{escape(focus_label)}* is {done}. "
            f"I've let {mention(other_id)} know, without any reason."
        )
    ]
    if actor_is_mentee:
        blocks.append(section("When you're ready, ask someone else with `/mentor ask @person`."))
    return blocks


def build_communication_changed(actor_id: str, description: str) -> list[Block]:
    return [
        section(
            f"{mention(actor_id)} set up your check-ins: *{escape(description)}*.\n"
            "Either of you can change this any time with `/mentor cadence`."
        )
    ]


@dataclass(frozen=True)
class PairingLine:
    other_id: str
    focus_label: str
    rhythm: str | None
    started: date
    paused: bool


@dataclass(frozen=True)
class RequestLine:
    other_id: str
    focus_label: str
    asked: date


def _pairing_lines(pairings: Sequence[PairingLine], today: date) -> list[str]:
    lines = []
    for p in pairings:
        rhythm = escape(p.rhythm) if p.rhythm else "_check-ins not set up yet_"
        paused = " (paused)" if p.paused else ""
        lines.append(
            f"• {mention(p.other_id)}: *{escape(p.focus_label)}*{paused}\n"
            f"    {rhythm} · since {format_date(p.started, today)}"
        )
    return lines


def _request_lines(requests: Sequence[RequestLine], today: date, *, mine: bool) -> list[str]:
    lines = []
    for r in requests:
        who = f"You asked {mention(r.other_id)}" if mine else f"{mention(r.other_id)} asked you"
        lines.append(f"• {who}: *{escape(r.focus_label)}* (asked {format_date(r.asked, today)})")
    return lines


def build_pairing_list(
    *,
    mentors: Sequence[PairingLine],
    mentees: Sequence[PairingLine],
    asked_by_me: Sequence[RequestLine],
    asked_of_me: Sequence[RequestLine],
    today: date,
) -> list[Block]:
    """``/mentor list``: the caller's mentors, mentees and pending requests both ways."""
    blocks: list[Block] = [header("Your mentorships")]
    if not (mentors or mentees or asked_by_me or asked_of_me):
        blocks.append(
            section(
                "You have no mentors or mentees yet. Ask someone with "
                "`/mentor ask @person [focus] [note]`."
            )
        )
        return blocks
    if mentors:
        blocks.append(section("*Your mentors*"))
        blocks.extend(sections_from_lines(_pairing_lines(mentors, today)))
    if mentees:
        blocks.append(section("*You mentor*"))
        blocks.extend(sections_from_lines(_pairing_lines(mentees, today)))
    if asked_by_me or asked_of_me:
        blocks.append(section("*Waiting for an answer*"))
        lines = _request_lines(asked_by_me, today, mine=True) + _request_lines(
            asked_of_me, today, mine=False
        )
        blocks.extend(sections_from_lines(lines))
    return blocks


def build_pairing_choices(
    lead: str,
    choices: Sequence[tuple[int, str, str]],
    *,
    button_text: str = "Set up check-ins",
    action_id: str = ids.COMMUNICATION_OPEN,
) -> list[Block]:
    """One button per pairing: (pairing id, other person, focus label)."""
    blocks: list[Block] = [section(lead)]
    for pairing_id, other_id, label in choices[:24]:
        blocks.append(section(f"{mention(other_id)}: *{escape(label)}*"))
        blocks.append(
            actions(f"choose-{pairing_id}", button(button_text, action_id, str(pairing_id)))
        )
    return blocks
