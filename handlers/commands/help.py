"""``/mentor help``: the guide to every subcommand this deployment offers, or one of them."""

from __future__ import annotations

from collections.abc import Iterable

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from handlers.blocks.help import build_help, build_topic_help
from handlers.commands.routing import Route
from handlers.edge import ack_text, actor_id
from storage.db import unit_of_work
from storage.programs import programs_of


def help_entries(offered: Iterable[str]) -> list[tuple[str, str]]:
    names = {*offered, "help"}
    return [(usage, about) for name, usage, about in parsing.SUBCOMMANDS if name in names]


def help_route(offered: Iterable[str]) -> Route:
    """The help route, listing exactly the subcommands in ``offered``."""
    names = {*offered, "help"}
    topics = {name: (usage, about) for name, usage, about in parsing.SUBCOMMANDS if name in names}

    def show_help(ctx: AppContext, args: Args, command: parsing.Help) -> None:
        caller = actor_id(args)
        with unit_of_work(ctx.sessions) as session:
            mine = programs_of(session, ctx.settings, caller)
        # Program administration is listed only for those who may use it: admins, and
        # coordinators of any program.
        staff = bool(names & parsing.STAFF_SUBCOMMANDS) and (
            ctx.settings.is_admin(caller) or any(p.is_coordinator(caller) for p in mine)
        )
        hidden = set() if staff else parsing.STAFF_SUBCOMMANDS
        shown_entries = help_entries(names - hidden)
        topic = topics.get(command.topic or "") if command.topic not in hidden else None
        if topic is not None and command.topic in parsing.TOPICS:
            example, detail = parsing.TOPICS[command.topic]
            shown = build_topic_help(*topic, example, detail)
        else:
            shown = build_help(
                shown_entries,
                mine[0].focus_labels if mine else ctx.settings.focus_areas,
                unknown=command.unknown,
                unknown_topic=command.topic,
                programs=[(p.name, p.focus_labels) for p in mine],
            )
        ack_text(args, shown.text, shown.blocks)

    return Route(names=("help",), handler=show_help)
