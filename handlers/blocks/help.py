"""The ``/mentor help`` guide, and the help for one subcommand (``/mentor help <topic>``)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.text import clip, fmt, md, md_join
from handlers.blocks.common import (
    Block,
    MessageBody,
    context,
    divider,
    header,
    section,
    sections_from_lines,
)

HELP_TITLE = "mentorbot: mentorship, inside Slack"
SHOWN_WORD_LIMIT = 50


def _entry_lines(entries: Sequence[tuple[str, str]]) -> list[Block]:
    return sections_from_lines(
        fmt("`{usage}`\n{about}", usage=usage, about=about) for usage, about in entries
    )


def _guide_blocks(
    entries: Sequence[tuple[str, str]],
    focus_labels: Sequence[str],
    programs: Sequence[tuple[str, Sequence[str]]],
    coordinator_entries: Sequence[tuple[str, str]],
) -> list[Block]:
    guide = [divider(), *_entry_lines(entries)]
    if coordinator_entries:
        guide += [divider(), section(md("*For coordinators*")), *_entry_lines(coordinator_entries)]
    if len(programs) > 1:
        # Someone in several programs: each program's focus areas, and how to name one.
        guide.append(
            context(
                md_join(
                    "\n",
                    [
                        fmt(
                            "Focus areas in *{name}*: {labels}.",
                            name=name,
                            labels=md_join(", ", labels),
                        )
                        for name, labels in programs
                    ],
                )
            )
        )
        guide.append(
            context(
                md(
                    "You're in more than one program: add `in &lt;program&gt;` to a command to say "
                    "which (I ask when it matters). Pick people from Slack's @ list so I get a "
                    "real mention. `/mentor help &lt;subcommand&gt;` shows one with an example."
                )
            )
        )
        return guide
    guide.append(
        context(
            fmt(
                "Focus areas: {labels}. Pick people from Slack's @ list so I get a real mention. "
                "`/mentor help &lt;subcommand&gt;` shows one with an example.",
                labels=md_join(", ", focus_labels),
            )
        )
    )
    return guide


def build_help(
    entries: Sequence[tuple[str, str]],
    focus_labels: Sequence[str],
    unknown: str | None = None,
    unknown_topic: str | None = None,
    programs: Sequence[tuple[str, Sequence[str]]] = (),
    coordinator_entries: Sequence[tuple[str, str]] = (),
) -> MessageBody:
    """The guide: ``entries`` are (usage, description) pairs of the subcommands this deployment
    supports; ``unknown`` is a subcommand the person typed that matched none of them, and
    ``unknown_topic`` a help topic that did. ``programs`` are (name, focus labels) of the
    person's programs: with several, each program's focus areas are listed.
    ``coordinator_entries``, for coordinators and admins only, are listed apart after them."""
    if unknown:
        word = clip(unknown, SHOWN_WORD_LIMIT)
        lead = fmt("I don't know `/mentor {unknown}`. Here is what I can do:", unknown=unknown)
        text = fmt("I don't know /mentor {word}; here is what I can do.", word=word)
    elif unknown_topic:
        topic = clip(unknown_topic, SHOWN_WORD_LIMIT)
        lead = fmt("There's no help on “{topic}”, sorry. Here is everything I can do:", topic=topic)
        text = fmt("No help on “{topic}”; here is everything I can do.", topic=topic)
    else:
        lead = md(
            "Find mentors, agree goals and a check-in rhythm, work through tasks, "
            "and reassess together. Here is what I can do:"
        )
        text = fmt(
            "{title}: {names}",
            title=HELP_TITLE,
            names=md_join(
                ", ",
                (f"/mentor {usage.split()[1]}" for usage, _ in [*entries, *coordinator_entries]),
            ),
        )
    blocks = [
        header(HELP_TITLE),
        section(lead),
        *_guide_blocks(entries, focus_labels, programs, coordinator_entries),
    ]
    return MessageBody(text, blocks)


FOR_COORDINATORS_NOTE = md(
    "This is for program coordinators and workspace admins. If you need it done, ask your "
    "program's coordinator."
)


def build_topic_help(
    usage: str, about: str, example: str, detail: str, *, for_coordinators: bool = False
) -> MessageBody:
    """One subcommand: what it does, how to type it, an example, and more detail; with
    ``for_coordinators``, a note that it is not the reader's to use."""
    blocks = [
        section(fmt("*`{usage}`*\n{about}", usage=usage, about=about)),
        section(fmt("*For example*\n`{example}`", example=example)),
        context(fmt("{detail}", detail=detail)),
        *([context(FOR_COORDINATORS_NOTE)] if for_coordinators else []),
        context(md("`/mentor help` lists everything I can do.")),
    ]
    text = fmt("{usage}: {about} For example: {example}", usage=usage, about=about, example=example)
    if for_coordinators:
        text = md_join(" ", [text, FOR_COORDINATORS_NOTE])
    return MessageBody(text, blocks)
