"""Messages about pairings: introductions, agreed check-ins, endings, and the pairing list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.dates import format_date
from bot.text import Mrkdwn, escape, fmt, md, mention
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
    return [
        section(
            fmt(
                "Why {coordinator} paired you:\n{quote}",
                coordinator=mention(intro.coordinator_id),
                quote=quote(intro.note),
            )
        )
    ]


def build_introduction_for_mentor(intro: Introduction) -> list[Block]:
    value = str(intro.pairing_id)
    return [
        section(
            fmt(
                "{coordinator} has paired you with {mentee} as their mentor for *{focus_label}*.",
                coordinator=mention(intro.coordinator_id),
                mentee=mention(intro.mentee_id),
                focus_label=intro.focus_label,
            )
        ),
        *_why(intro),
        section(md("Please agree with them how often you'll meet and how:")),
        actions(
            f"introduction-{intro.pairing_id}",
            button("Set up check-ins", ids.COMMUNICATION_OPEN, value, "primary"),
            button("I can't take this on", ids.ASSIGNMENT_DECLINE, value),
        ),
    ]


def build_introduction_for_mentee(intro: Introduction) -> list[Block]:
    return [
        section(
            fmt(
                "{coordinator} has paired you with {mentor}, who will mentor you for "
                "*{focus_label}*.",
                coordinator=mention(intro.coordinator_id),
                mentor=mention(intro.mentor_id),
                focus_label=intro.focus_label,
            )
        ),
        *_why(intro),
        section(md("Next, agree how often you'll meet and how:")),
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
            fmt(
                "{mentor} can't take on mentoring {mentee} for *{focus_label}*, so that "
                "pairing is closed.",
                mentor=mention(mentor_id),
                mentee=mention(mentee_id),
                focus_label=focus_label,
            )
        )
    ]
    if note.strip():
        blocks.append(section(fmt("Their note to you:\n{quote}", quote=quote(note))))
    blocks.append(context(md("You can assign someone else with `/mentor assign @mentor @mentee`.")))
    return blocks


def build_assignment_declined_for_mentee(mentor_id: str, focus_label: str) -> list[Block]:
    return [
        section(
            fmt(
                "{mentor} isn't able to mentor you for *{focus_label}* after all. Your "
                "program coordinator knows and will help you find someone.",
                mentor=mention(mentor_id),
                focus_label=focus_label,
            )
        ),
        context(md("You can also ask someone yourself with `/mentor ask @person`.")),
    ]


def build_ended_for_other(
    actor_id: str, focus_label: str, completed: bool, *, other_is_mentee: bool
) -> list[Block]:
    if completed:
        lead = fmt(
            "{actor} has marked your mentorship for *{focus_label}* as completed. "
            "Thank you both for the work you put in.",
            actor=mention(actor_id),
            focus_label=focus_label,
        )
    else:
        lead = fmt(
            "{actor} has closed your mentorship for *{focus_label}*. Mentorships end "
            "for all kinds of reasons; thank you for the time you gave it.",
            actor=mention(actor_id),
            focus_label=focus_label,
        )
    blocks = [section(lead), context(md("Your goals, tasks and history are kept, not deleted."))]
    if other_is_mentee:
        blocks.append(
            section(md("Whenever you're ready, ask someone else with `/mentor ask @person`."))
        )
    return blocks


def build_ended_for_actor(
    other_id: str, focus_label: str, completed: bool, *, actor_is_mentee: bool
) -> list[Block]:
    done = "completed" if completed else "closed"
    blocks = [
        section(
            fmt(
                "Your mentorship with {other} for *{focus_label}* is {done}. I've let "
                "{other} know, without any reason.",
                other=mention(other_id),
                focus_label=focus_label,
                done=done,
            )
        )
    ]
    if actor_is_mentee:
        blocks.append(
            section(md("When you're ready, ask someone else with `/mentor ask @person`."))
        )
    return blocks


def build_communication_changed(actor_id: str, description: str) -> list[Block]:
    return [
        section(
            fmt(
                "{actor} set up your check-ins: *{description}*.\nEither of you can "
                "change this any time with `/mentor cadence`.",
                actor=mention(actor_id),
                description=description,
            )
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


def _pairing_lines(pairings: Sequence[PairingLine], today: date) -> list[Mrkdwn]:
    lines = []
    for p in pairings:
        rhythm = escape(p.rhythm) if p.rhythm else md("_check-ins not set up yet_")
        paused = " (paused)" if p.paused else ""
        lines.append(
            fmt(
                "• {other}: *{focus}*{paused}\n    {rhythm} · since {started}",
                other=mention(p.other_id),
                focus=p.focus_label,
                paused=paused,
                rhythm=rhythm,
                started=format_date(p.started, today),
            )
        )
    return lines


def _request_lines(requests: Sequence[RequestLine], today: date, *, mine: bool) -> list[Mrkdwn]:
    lines = []
    for r in requests:
        other = mention(r.other_id)
        who = (
            fmt("You asked {other}", other=other) if mine else fmt("{other} asked you", other=other)
        )
        lines.append(
            fmt(
                "• {who}: *{focus}* (asked {asked})",
                who=who,
                focus=r.focus_label,
                asked=format_date(r.asked, today),
            )
        )
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
                md(
                    "You have no mentors or mentees yet. Ask someone with "
                    "`/mentor ask @person [focus] [note]`."
                )
            )
        )
        return blocks
    if mentors:
        blocks.append(section(md("*Your mentors*")))
        blocks.extend(sections_from_lines(_pairing_lines(mentors, today)))
    if mentees:
        blocks.append(section(md("*You mentor*")))
        blocks.extend(sections_from_lines(_pairing_lines(mentees, today)))
    if asked_by_me or asked_of_me:
        blocks.append(section(md("*Waiting for an answer*")))
        lines = _request_lines(asked_by_me, today, mine=True) + _request_lines(
            asked_of_me, today, mine=False
        )
        blocks.extend(sections_from_lines(lines))
    return blocks


def build_pairing_choices(
    lead: Mrkdwn,
    choices: Sequence[tuple[int, str, str]],
    *,
    button_text: str = "Set up check-ins",
    action_id: str = ids.COMMUNICATION_OPEN,
) -> list[Block]:
    """One button per pairing: (pairing id, other person, focus label)."""
    blocks: list[Block] = [section(lead)]
    for pairing_id, other_id, label in choices[:24]:
        blocks.append(section(fmt("{other}: *{label}*", other=mention(other_id), label=label)))
        blocks.append(
            actions(f"choose-{pairing_id}", button(button_text, action_id, str(pairing_id)))
        )
    return blocks
