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
    """The help route over the subcommands in ``offered``: a member sees the member commands, a
    coordinator or admin those and, apart, the coordinators' ones; help on any one subcommand
    answers everyone."""
    names = {*offered, "help"}
    topics = {name: (usage, about) for name, usage, about in parsing.SUBCOMMANDS if name in names}
    for_members = help_entries(names - parsing.COORDINATOR_SUBCOMMANDS)
    for_coordinators = help_entries(names & parsing.COORDINATOR_SUBCOMMANDS)

    def show_help(ctx: AppContext, args: Args, command: parsing.Help) -> None:
        caller = actor_id(args)
        with unit_of_work(ctx.sessions) as session:
            mine = programs_of(session, ctx.settings, caller)
        staff = ctx.settings.is_admin(caller) or any(p.is_coordinator(caller) for p in mine)
        topic = topics.get(command.topic or "")
        if topic is not None and command.topic in parsing.TOPICS:
            example, detail = parsing.TOPICS[command.topic]
            shown = build_topic_help(
                *topic,
                example,
                detail,
                for_coordinators=command.topic in parsing.COORDINATOR_SUBCOMMANDS and not staff,
            )
        else:
            shown = build_help(
                for_members,
                mine[0].focus_labels if mine else ctx.settings.focus_areas,
                unknown=command.unknown,
                unknown_topic=command.topic,
                programs=[(p.name, p.focus_labels) for p in mine],
                coordinator_entries=for_coordinators if staff else (),
            )
        ack_text(args, shown.text, shown.blocks)

    return Route(names=("help",), handler=show_help)
