"""The ``/mentor`` slash command: parse the text, then route each subcommand to its handler."""

from __future__ import annotations

from slack_bolt import App, Args

from bot import commands as parsing
from bot.acks_first import ACKS_FIRST
from bot.context import AppContext
from bot.focus import focus_areas
from bot.logging import get_logger
from bot.programs import ProgramHint, split_program_hint
from bot.text import fmt
from handlers import ids
from handlers.commands import (
    checkins,
    coordinators,
    data,
    directory,
    feedback,
    introductions,
    matching,
    meetings,
    pairings,
    programs,
    reassess,
    requests,
    work,
)
from handlers.commands import help as help_command
from handlers.commands.routing import Route, Routes
from handlers.edge import PROGRAM_HINT, ack_text, ack_within, actor_id, edge
from storage.db import unit_of_work
from storage.installation import resume_sending
from storage.programs import all_programs, programs_of

log = get_logger("mentorbot.installation")

FEATURE_ROUTES: tuple[Routes, ...] = (
    directory.ROUTES,
    requests.ROUTES,
    pairings.ROUTES,
    work.ROUTES,
    reassess.ROUTES,
    checkins.ROUTES,
    coordinators.ROUTES,
    data.ROUTES,
    matching.ROUTES,
    feedback.ROUTES,
    introductions.ROUTES,
    meetings.ROUTES,
    programs.ROUTES,
)


def all_routes() -> Routes:
    """Every subcommand this deployment offers, by the parsed command's type."""
    routes: Routes = {}
    for feature in FEATURE_ROUTES:
        routes.update(feature)
    offered = [name for route in routes.values() for name in route.names]
    routes[parsing.Help] = help_command.help_route(offered)
    return routes


def _typed_scope(ctx: AppContext, user_id: str, text: str) -> tuple[ProgramHint, list[str]]:
    """``in <program>`` taken out of the text, and the focus labels of the caller's programs
    (what a focus word may name)."""
    with unit_of_work(ctx.sessions) as session:
        if resume_sending(session):
            # A command reached us with the app's token: it was installed again.
            log.warning("installation.sending_resumed")
        programs = all_programs(session)
        names = [p.name for p in programs]
        mine = programs_of(session, ctx.settings, user_id, among=programs)
        labels = [label for p in mine for label in p.focus_labels]
    return split_program_hint(text, names), labels


def handle_mentor_command(ctx: AppContext, routes: Routes, args: Args) -> None:
    with ack_within(args, ACKS_FIRST.ack_budget_ms(ctx.settings.ack_budget_ms)):
        _handle(ctx, routes, args)


# Longer than any command or note a person types; refused before anything reads it.
MAX_COMMAND_CHARS = 4000


def _handle(ctx: AppContext, routes: Routes, args: Args) -> None:
    typed = str((args.command or {}).get("text", ""))
    if len(typed) > MAX_COMMAND_CHARS:
        ack_text(
            args,
            fmt(
                "That command is too long for me ({chars:,} characters; at most {limit:,}). "
                "For a long note, leave it out and use the form that opens.",
                chars=len(typed),
                limit=MAX_COMMAND_CHARS,
            ),
        )
        args.context["outcome"] = "bad_input"
        return
    hint, labels = _typed_scope(ctx, actor_id(args), typed)
    text = hint.text
    args.context[PROGRAM_HINT] = hint.program
    try:
        command = parsing.parse_command(text, focus_areas(labels))
    except parsing.CommandError as error:
        ack_text(args, error.message)
        args.context["outcome"] = "bad_input"
        return
    route: Route | None = routes.get(type(command))
    if route is None:
        # Parsed, but not offered by this deployment: the guide says what is.
        command = parsing.Help(topic=None, unknown=parsing.first_word(text))
        route = routes[parsing.Help]
    route.handler(ctx, args, command)


def register(app: App, ctx: AppContext) -> None:
    routes = all_routes()
    app.command(ids.COMMAND)(
        edge("command:/mentor", lambda args: handle_mentor_command(ctx, routes, args))
    )
