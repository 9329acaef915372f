"""The ``/mentor help`` guide, and the help for one subcommand (``/mentor help <topic>``)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.text import clip, escape
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


def _guide_blocks(entries: Sequence[tuple[str, str]], focus_labels: Sequence[str]) -> list[Block]:
    return [
        divider(),
        *sections_from_lines(f"`{usage}`\n{about}" for usage, about in entries),
        context(
            "Focus areas: " + ", ".join(escape(label) for label in focus_labels) + ". "
            "Pick people from Slack's @ list so I get a real mention. "
            "`/mentor help <subcommand>` shows one with an example."
        ),
    ]


def build_help(
    entries: Sequence[tuple[str, str]],
    focus_labels: Sequence[str],
    unknown: str | None = None,
    unknown_topic: str | None = None,
) -> MessageBody:
    """The guide: ``entries`` are (usage, description) pairs of the subcommands this deployment
    supports; ``unknown`` is a subcommand the person typed that matched none of them, and
    ``unknown_topic`` a help topic that did."""
    if unknown:
        lead = f"I don't know `/mentor {escape(unknown)}`. Here is what I can do:"
        text = f"I don't know /mentor {escape(clip(unknown, 50))}; here is what I can do."
    elif unknown_topic:
        lead = (
            f"There's no help on “{escape(clip(unknown_topic, 50))}”, sorry. "
            "Here is everything I can do:"
        )
        text = f"No help on “{escape(clip(unknown_topic, 50))}”; here is everything I can do."
    else:
        lead = (
            "Find mentors, agree goals and a check-in rhythm, work through tasks, "
            "and reassess together. Here is what I can do:"
        )
        text = f"{HELP_TITLE}: " + ", ".join(f"/mentor {u.split()[1]}" for u, _ in entries)
    blocks = [header(HELP_TITLE), section(lead), *_guide_blocks(entries, focus_labels)]
    return MessageBody(text, blocks)


def build_topic_help(usage: str, about: str, example: str, detail: str) -> MessageBody:
    """One subcommand: what it does, how to type it, an example, and more detail."""
    blocks = [
        section(f"*`{usage}`*\n{about}"),
        section(f"*For example*\n`{example}`"),
        context(detail),
        context("`/mentor help` lists everything I can do."),
    ]
    return MessageBody(f"{usage}: {about} For example: {example}", blocks)
