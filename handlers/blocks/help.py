"""The ``/mentor help`` guide."""

from __future__ import annotations

from collections.abc import Sequence

from bot.text import escape
from handlers.blocks.common import Block, context, divider, header, section, sections_from_lines

HELP_TITLE = "mentorbot: mentorship, inside Slack"


def build_help_text(entries: Sequence[tuple[str, str]]) -> str:
    """The plain-text fallback (notifications, screen readers)."""
    return HELP_TITLE + "\n" + "\n".join(f"{usage}: {about}" for usage, about in entries)


def build_help_blocks(
    entries: Sequence[tuple[str, str]],
    focus_labels: Sequence[str],
    unknown: str | None = None,
) -> list[Block]:
    """``entries`` are (usage, description) pairs of the subcommands this deployment supports;
    ``unknown`` is what the person typed when it matched none of them."""
    blocks: list[Block] = [header(HELP_TITLE)]
    if unknown:
        blocks.append(section(f"I don't know `/mentor {escape(unknown)}`. Here is what I can do:"))
    else:
        blocks.append(
            section(
                "Find mentors, agree goals and a check-in rhythm, work through tasks, "
                "and reassess together. Here is what I can do:"
            )
        )
    blocks.append(divider())
    blocks.extend(sections_from_lines(f"`{usage}`\n{about}" for usage, about in entries))
    blocks.append(
        context(
            "Focus areas: " + ", ".join(escape(label) for label in focus_labels) + ". "
            "Pick people from Slack's @ list so I get a real mention."
        )
    )
    return blocks
