"""``/mentor help``: the guide to every subcommand this deployment offers."""

from __future__ import annotations

from collections.abc import Iterable

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from handlers.blocks.help import build_help_blocks, build_help_text
from handlers.commands.routing import Route
from handlers.edge import ack_text


def help_entries(offered: Iterable[str]) -> list[tuple[str, str]]:
    names = {*offered, "help"}
    return [(usage, about) for name, usage, about in parsing.SUBCOMMANDS if name in names]


def help_route(offered: Iterable[str]) -> Route:
    """The help route, listing exactly the subcommands in ``offered``."""
    entries = help_entries(offered)

    def show_help(ctx: AppContext, args: Args, command: parsing.Help) -> None:
        ack_text(
            args,
            build_help_text(entries),
            build_help_blocks(entries, ctx.settings.focus_areas, unknown=command.unknown),
        )

    return Route(names=("help",), handler=show_help)
