"""The ``/mentor help`` guide."""

from __future__ import annotations

from collections.abc import Sequence

from bot.text import Mrkdwn, fmt, md, md_join
from handlers.blocks.common import Block, context, divider, header, section, sections_from_lines

HELP_TITLE = "mentorbot: mentorship, inside Slack"


def build_help_text(entries: Sequence[tuple[str, str]]) -> Mrkdwn:
    """The plain-text fallback (notifications, screen readers)."""
    lines = (fmt("{usage}: {about}", usage=usage, about=about) for usage, about in entries)
    return fmt("{title}\n{lines}", title=HELP_TITLE, lines=md_join("\n", lines))


def build_help_blocks(
    entries: Sequence[tuple[str, str]],
    focus_labels: Sequence[str],
    unknown: str | None = None,
) -> list[Block]:
    """``entries`` are (usage, description) pairs of the subcommands this deployment supports;
    ``unknown`` is what the person typed when it matched none of them."""
    blocks: list[Block] = [header(HELP_TITLE)]
    if unknown:
        blocks.append(
            section(
                fmt("I don't know `/mentor {unknown}`. Here is what I can do:", unknown=unknown)
            )
        )
    else:
        blocks.append(
            section(
                md(
                    "Find mentors, agree goals and a check-in rhythm, work through tasks, "
                    "and reassess together. Here is what I can do:"
                )
            )
        )
    blocks.append(divider())
    blocks.extend(
        sections_from_lines(
            fmt("`{usage}`\n{about}", usage=usage, about=about) for usage, about in entries
        )
    )
    blocks.append(
        context(
            fmt(
                "Focus areas: {labels}. Pick people from Slack's @ list so I get a real mention.",
                labels=md_join(", ", focus_labels),
            )
        )
    )
    return blocks
