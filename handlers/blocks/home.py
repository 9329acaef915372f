"""The App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.text import escape
from handlers.blocks.common import Block, context, divider, header, section


def build_welcome_home(focus_labels: Sequence[str]) -> dict[str, Any]:
    """Home for someone with no pairings yet: how to find a mentor."""
    blocks: list[Block] = [
        header("Welcome to mentorbot"),
        section(
            "Mentorship works best as a simple loop: *find a mentor*, *set specific goals*, "
            "*agree how often you meet*, *work through tasks*, and *reassess together* "
            "every few weeks."
        ),
        divider(),
        section(
            "*Find a mentor*\nAsk someone directly, naming what you'd like help with:\n"
            "`/mentor ask @person research I'd like help planning my first study`"
        ),
        context("Focus areas: " + ", ".join(escape(label) for label in focus_labels)),
        section("Type `/mentor help` to see everything you can do."),
    ]
    return {"type": "home", "blocks": blocks}
