"""Messages about pairings: introductions, agreed check-ins, endings, and the pairing list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.dates import format_date
from bot.text import Mrkdwn, escape, fmt, md, mention, plural
from handlers import ids
from handlers.blocks.common import (
    MESSAGE_BLOCK_LIMIT,
    Block,
    MessageBody,
    context,
    header,
    section,
    sections_from_lines,
)
from handlers.blocks.introductions import IntroLine, introduction_summary
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


def build_introduction_for_mentor(intro: Introduction) -> MessageBody:
    value = str(intro.pairing_id)
    lead = fmt(
        "{coordinator} has paired you with {mentee} as their mentor for *{focus_label}*.",
        coordinator=mention(intro.coordinator_id),
        mentee=mention(intro.mentee_id),
        focus_label=intro.focus_label,
    )
    return MessageBody(
        lead,
        [
            section(lead),
            *_why(intro),
            section(md("Please agree with them how often you'll meet and how:")),
            actions(
                f"introduction-{intro.pairing_id}",
                button("Set up check-ins", ids.COMMUNICATION_OPEN, value, "primary"),
                button("I can't take this on", ids.ASSIGNMENT_DECLINE, value),
            ),
        ],
    )


def _mentee_introduction(intro: Introduction, lead: Mrkdwn) -> list[Block]:
    return [
        section(lead),
        *_why(intro),
        section(md("Next, agree how often you'll meet and how:")),
        actions(
            f"introduction-{intro.pairing_id}",
            button("Set up check-ins", ids.COMMUNICATION_OPEN, str(intro.pairing_id), "primary"),
        ),
    ]


def build_introduction_for_mentee(intro: Introduction) -> MessageBody:
    lead = fmt(
        "{coordinator} has paired you with {mentor}, who will mentor you for *{focus_label}*.",
        coordinator=mention(intro.coordinator_id),
        mentor=mention(intro.mentor_id),
        focus_label=intro.focus_label,
    )
    return MessageBody(lead, _mentee_introduction(intro, lead))


def build_reassigned_for_mentee(intro: Introduction, old_mentor_id: str) -> MessageBody:
    """A coordinator moved the mentee from ``old_mentor_id`` to the new mentor in ``intro``."""
    lead = fmt(
        "{coordinator} has closed your mentorship with {old} and paired you with {mentor}, "
        "who will mentor you for *{focus_label}* from now on.",
        coordinator=mention(intro.coordinator_id),
        old=mention(old_mentor_id),
        mentor=mention(intro.mentor_id),
        focus_label=intro.focus_label,
    )
    blocks = _mentee_introduction(intro, lead)
    blocks.insert(
        1, context(md("Your goals, tasks and history with your previous mentor are kept."))
    )
    return MessageBody(lead, blocks)


def build_assignment_declined_for_coordinator(
    mentor_id: str, mentee_id: str, focus_label: str, note: str
) -> MessageBody:
    lead = fmt(
        "{mentor} can't take on mentoring {mentee} for *{focus_label}*, so that pairing is closed.",
        mentor=mention(mentor_id),
        mentee=mention(mentee_id),
        focus_label=focus_label,
    )
    blocks = [section(lead)]
    if note.strip():
        blocks.append(section(fmt("Their note to you:\n{quote}", quote=quote(note))))
    blocks.append(context(md("You can assign someone else with `/mentor assign @mentor @mentee`.")))
    return MessageBody(lead, blocks)


def build_assignment_declined_for_mentee(mentor_id: str, focus_label: str) -> MessageBody:
    lead = fmt(
        "{mentor} isn't able to mentor you for *{focus_label}* after all.",
        mentor=mention(mentor_id),
        focus_label=focus_label,
    )
    return MessageBody(
        lead,
        [
            section(
                fmt(
                    "{lead} Your program coordinator knows and will help you find someone.",
                    lead=lead,
                )
            ),
            context(md("You can also ask someone yourself with `/mentor ask @person`.")),
        ],
    )


def build_ended_for_other(
    actor_id: str, focus_label: str, completed: bool, *, other_is_mentee: bool
) -> MessageBody:
    if completed:
        summary = fmt(
            "{actor} has marked your mentorship for *{focus_label}* as completed.",
            actor=mention(actor_id),
            focus_label=focus_label,
        )
        lead = fmt("{summary} Thank you both for the work you put in.", summary=summary)
    else:
        summary = fmt(
            "{actor} has closed your mentorship for *{focus_label}*.",
            actor=mention(actor_id),
            focus_label=focus_label,
        )
        lead = fmt(
            "{summary} Mentorships end for all kinds of reasons; thank you for the time you "
            "gave it.",
            summary=summary,
        )
    blocks = [section(lead), context(md("Your goals, tasks and history are kept, not deleted."))]
    if other_is_mentee:
        blocks.append(
            section(md("Whenever you're ready, ask someone else with `/mentor ask @person`."))
        )
    return MessageBody(summary, blocks)


def build_ended_for_actor(
    other_id: str, focus_label: str, completed: bool, *, actor_is_mentee: bool
) -> MessageBody:
    summary = fmt(
        "Your mentorship with {other} for *{focus_label}* is {done}.",
        other=mention(other_id),
        focus_label=focus_label,
        done="completed" if completed else "closed",
    )
    blocks = [
        section(
            fmt(
                "{summary} I've let {other} know, without any reason.",
                summary=summary,
                other=mention(other_id),
            )
        )
    ]
    if actor_is_mentee:
        blocks.append(
            section(md("When you're ready, ask someone else with `/mentor ask @person`."))
        )
    return MessageBody(summary, blocks)


def build_communication_changed(actor_id: str, description: str) -> MessageBody:
    summary = fmt(
        "{actor} set up your check-ins: *{description}*.",
        actor=mention(actor_id),
        description=description,
    )
    return MessageBody(
        summary,
        [
            section(
                fmt(
                    "{summary}\nEither of you can change this any time with `/mentor cadence`.",
                    summary=summary,
                )
            )
        ],
    )


@dataclass(frozen=True)
class PairingLine:
    other_id: str
    focus_label: str
    rhythm: str | None
    started: date
    paused: bool
    introductions: Sequence[IntroLine] = ()  # made in this mentorship, the first first


@dataclass(frozen=True)
class RequestLine:
    other_id: str
    focus_label: str
    asked: date


def _pairing_lines(
    pairings: Sequence[PairingLine], today: date, *, viewer_is_mentor: bool
) -> list[Mrkdwn]:
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
        made = introduction_summary(p.introductions, viewer_is_mentor=viewer_is_mentor)
        if made is not None:
            lines[-1] = fmt("{line}\n    {made}", line=lines[-1], made=made)
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


@dataclass(frozen=True)
class PairingGroup:
    """One program's part of ``/mentor list`` for someone in several programs."""

    program: str
    mentors: Sequence[PairingLine] = ()
    mentees: Sequence[PairingLine] = ()
    asked_by_me: Sequence[RequestLine] = ()
    asked_of_me: Sequence[RequestLine] = ()


def _group_lines(group: PairingGroup, today: date) -> list[Mrkdwn]:
    lines: list[Mrkdwn] = []
    if group.mentors:
        lines += [
            md("*Your mentors*"),
            *_pairing_lines(group.mentors, today, viewer_is_mentor=False),
        ]
    if group.mentees:
        lines += [md("*You mentor*"), *_pairing_lines(group.mentees, today, viewer_is_mentor=True)]
    if group.asked_by_me or group.asked_of_me:
        lines += [
            md("*Waiting for an answer*"),
            *_request_lines(group.asked_by_me, today, mine=True),
            *_request_lines(group.asked_of_me, today, mine=False),
        ]
    if not lines:
        lines.append(
            fmt(
                "_Nothing here yet._ Ask someone in this program with "
                "`/mentor ask @person [focus] in {program}`.",
                program=group.program,
            )
        )
    return lines


def _grouped_list(groups: Sequence[PairingGroup], today: date) -> MessageBody:
    """The list under a heading per program; programs that would not fit in one message are
    counted at the end."""
    blocks: list[Block] = []
    shown = 0
    for group in groups:
        part = [header(group.program), *sections_from_lines(_group_lines(group, today))]
        # Keep one block for the note about the programs left out.
        room = MESSAGE_BLOCK_LIMIT - 1 - len(blocks)
        if len(part) > room:
            if blocks:
                break
            part = part[:room]  # one program longer than a message: its first sections
        blocks += part
        shown += 1
    if shown < len(groups):
        blocks.append(
            context(
                fmt(
                    "+{more} not shown here: see them on my Home tab.",
                    more=plural(len(groups) - shown, "more program"),
                )
            )
        )
    text = fmt(
        "Your mentorships in {programs}: {mentors}, {mentees}, {requests} waiting for an answer.",
        programs=plural(len(groups), "program"),
        mentors=plural(sum(len(g.mentors) for g in groups), "mentor"),
        mentees=plural(sum(len(g.mentees) for g in groups), "mentee"),
        requests=plural(sum(len(g.asked_by_me) + len(g.asked_of_me) for g in groups), "request"),
    )
    return MessageBody(text, blocks)


def build_pairing_list(
    *,
    mentors: Sequence[PairingLine],
    mentees: Sequence[PairingLine],
    asked_by_me: Sequence[RequestLine],
    asked_of_me: Sequence[RequestLine],
    today: date,
    groups: Sequence[PairingGroup] = (),
) -> MessageBody:
    """``/mentor list``: the caller's mentors, mentees and pending requests both ways. With
    ``groups`` (two or more: the caller is in several programs) they are listed per program
    instead, each under the program's name."""
    if len(groups) > 1:
        return _grouped_list(groups, today)
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
        return MessageBody(md("You have no mentors or mentees yet."), blocks)
    if mentors:
        blocks.append(section(md("*Your mentors*")))
        blocks.extend(sections_from_lines(_pairing_lines(mentors, today, viewer_is_mentor=False)))
    if mentees:
        blocks.append(section(md("*You mentor*")))
        blocks.extend(sections_from_lines(_pairing_lines(mentees, today, viewer_is_mentor=True)))
    waiting = len(asked_by_me) + len(asked_of_me)
    if waiting:
        blocks.append(section(md("*Waiting for an answer*")))
        lines = _request_lines(asked_by_me, today, mine=True) + _request_lines(
            asked_of_me, today, mine=False
        )
        blocks.extend(sections_from_lines(lines))
    text = fmt(
        "Your mentorships: {mentors}, {mentees}, {requests} waiting for an answer.",
        mentors=plural(len(mentors), "mentor"),
        mentees=plural(len(mentees), "mentee"),
        requests=plural(waiting, "request"),
    )
    return MessageBody(text, blocks)


def build_pairing_choices(
    lead: Mrkdwn,
    choices: Sequence[tuple[int, str, str]],
    *,
    button_text: str = "Set up check-ins",
    action_id: str = ids.COMMUNICATION_OPEN,
) -> MessageBody:
    """One button per pairing: (pairing id, other person, focus label); ``lead`` asks which."""
    blocks: list[Block] = [section(lead)]
    for pairing_id, other_id, label in choices[:24]:
        blocks.append(section(fmt("{other}: *{label}*", other=mention(other_id), label=label)))
        blocks.append(
            actions(f"choose-{pairing_id}", button(button_text, action_id, str(pairing_id)))
        )
    return MessageBody(lead, blocks)
