"""Messages about pairings: introductions, agreed check-ins, endings, and the pairing list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.dates import format_date
from bot.text import escape, mention, plural
from handlers import ids
from handlers.blocks.common import (
    Block,
    MessageBody,
    context,
    header,
    section,
    sections_from_lines,
)
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


def build_introduction_for_mentor(intro: Introduction) -> MessageBody:
    value = str(intro.pairing_id)
    lead = (
        f"{mention(intro.coordinator_id)} has paired you with {mention(intro.mentee_id)} "
        f"as their mentor for *{escape(intro.focus_label)}*."
    )
    return MessageBody(
        lead,
        [
            section(lead),
            *_why(intro),
            section("Please agree with them how often you'll meet and how:"),
            actions(
                f"introduction-{intro.pairing_id}",
                button("Set up check-ins", ids.COMMUNICATION_OPEN, value, "primary"),
                button("I can't take this on", ids.ASSIGNMENT_DECLINE, value),
            ),
        ],
    )


def _mentee_introduction(intro: Introduction, lead: str) -> list[Block]:
    return [
        section(lead),
        *_why(intro),
        section("Next, agree how often you'll meet and how:"),
        actions(
            f"introduction-{intro.pairing_id}",
            button("Set up check-ins", ids.COMMUNICATION_OPEN, str(intro.pairing_id), "primary"),
        ),
    ]


def build_introduction_for_mentee(intro: Introduction) -> MessageBody:
    lead = (
        f"{mention(intro.coordinator_id)} has paired you with {mention(intro.mentor_id)}, "
        f"who will mentor you for *{escape(intro.focus_label)}*."
    )
    return MessageBody(lead, _mentee_introduction(intro, lead))


def build_reassigned_for_mentee(intro: Introduction, old_mentor_id: str) -> MessageBody:
    """A coordinator moved the mentee from ``old_mentor_id`` to the new mentor in ``intro``."""
    lead = (
        f"{mention(intro.coordinator_id)} has closed your mentorship with "
        f"{mention(old_mentor_id)} and paired you with {mention(intro.mentor_id)}, who will "
        f"mentor you for *{escape(intro.focus_label)}* from now on."
    )
    blocks = _mentee_introduction(intro, lead)
    blocks.insert(1, context("Your goals, tasks and history with your previous mentor are kept."))
    return MessageBody(lead, blocks)


def build_assignment_declined_for_coordinator(
    mentor_id: str, mentee_id: str, focus_label: str, note: str
) -> MessageBody:
    lead = (
        f"{mention(mentor_id)} can't take on mentoring {mention(mentee_id)} for "
        f"*{escape(focus_label)}*, so that pairing is closed."
    )
    blocks = [section(lead)]
    if note.strip():
        blocks.append(section(f"Their note to you:\n{quote(note)}"))
    blocks.append(context("You can assign someone else with `/mentor assign @mentor @mentee`."))
    return MessageBody(lead, blocks)


def build_assignment_declined_for_mentee(mentor_id: str, focus_label: str) -> MessageBody:
    lead = f"{mention(mentor_id)} isn't able to mentor you for *{escape(focus_label)}* after all."
    return MessageBody(
        lead,
        [
            section(f"{lead} Your program coordinator knows and will help you find someone."),
            context("You can also ask someone yourself with `/mentor ask @person`."),
        ],
    )


def build_ended_for_other(
    actor_id: str, focus_label: str, completed: bool, *, other_is_mentee: bool
) -> MessageBody:
    if completed:
        summary = (
            f"{mention(actor_id)} has marked your mentorship for *{escape(focus_label)}* as "
            "completed."
        )
        lead = f"{summary} Thank you both for the work you put in."
    else:
        summary = f"{mention(actor_id)} has closed your mentorship for *{escape(focus_label)}*."
        lead = (
            f"{summary} Mentorships end for all kinds of reasons; thank you for the time you "
            "gave it."
        )
    blocks = [section(lead), context("Your goals, tasks and history are kept, not deleted.")]
    if other_is_mentee:
        blocks.append(
            section("Whenever you're ready, ask someone else with `/mentor ask @person`.")
        )
    return MessageBody(summary, blocks)


def build_ended_for_actor(
    other_id: str, focus_label: str, completed: bool, *, actor_is_mentee: bool
) -> MessageBody:
    done = "completed" if completed else "closed"
    summary = f"Your mentorship with {mention(other_id)} for *{escape(focus_label)}* is {done}."
    blocks = [section(f"{summary} I've let {mention(other_id)} know, without any reason.")]
    if actor_is_mentee:
        blocks.append(section("When you're ready, ask someone else with `/mentor ask @person`."))
    return MessageBody(summary, blocks)


def build_communication_changed(actor_id: str, description: str) -> MessageBody:
    summary = f"{mention(actor_id)} set up your check-ins: *{escape(description)}*."
    return MessageBody(
        summary,
        [section(f"{summary}\nEither of you can change this any time with `/mentor cadence`.")],
    )


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
) -> MessageBody:
    """``/mentor list``: the caller's mentors, mentees and pending requests both ways."""
    blocks: list[Block] = [header("Your mentorships")]
    if not (mentors or mentees or asked_by_me or asked_of_me):
        empty = "You have no mentors or mentees yet."
        blocks.append(section(f"{empty} Ask someone with `/mentor ask @person [focus] [note]`."))
        return MessageBody(empty, blocks)
    if mentors:
        blocks.append(section("*Your mentors*"))
        blocks.extend(sections_from_lines(_pairing_lines(mentors, today)))
    if mentees:
        blocks.append(section("*You mentor*"))
        blocks.extend(sections_from_lines(_pairing_lines(mentees, today)))
    waiting = len(asked_by_me) + len(asked_of_me)
    if waiting:
        blocks.append(section("*Waiting for an answer*"))
        lines = _request_lines(asked_by_me, today, mine=True) + _request_lines(
            asked_of_me, today, mine=False
        )
        blocks.extend(sections_from_lines(lines))
    text = (
        f"Your mentorships: {plural(len(mentors), 'mentor')}, {plural(len(mentees), 'mentee')}, "
        f"{plural(waiting, 'request')} waiting for an answer."
    )
    return MessageBody(text, blocks)


def build_pairing_choices(
    lead: str,
    choices: Sequence[tuple[int, str, str]],
    *,
    button_text: str = "Set up check-ins",
    action_id: str = ids.COMMUNICATION_OPEN,
) -> MessageBody:
    """One button per pairing: (pairing id, other person, focus label); ``lead`` asks which."""
    blocks: list[Block] = [section(lead)]
    for pairing_id, other_id, label in choices[:24]:
        blocks.append(section(f"{mention(other_id)}: *{escape(label)}*"))
        blocks.append(
            actions(f"choose-{pairing_id}", button(button_text, action_id, str(pairing_id)))
        )
    return MessageBody(lead, blocks)
