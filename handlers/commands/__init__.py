"""The ``/mentor`` slash command: parse the text, then route each subcommand to its handler."""

from __future__ import annotations

from slack_bolt import App, Args

from bot import commands as parsing
from bot.context import AppContext
from bot.focus import focus_areas
from handlers import ids
from handlers.commands import checkins, coordinators, pairings, reassess, requests, work
from handlers.commands import help as help_command
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, edge

FEATURE_ROUTES: tuple[Routes, ...] = (
    requests.ROUTES,
    pairings.ROUTES,
    work.ROUTES,
    reassess.ROUTES,
    checkins.ROUTES,
    coordinators.ROUTES,
)


def all_routes() -> Routes:
    """Every subcommand this deployment offers, by the parsed command's type."""
    routes: Routes = {}
    for feature in FEATURE_ROUTES:
        routes.update(feature)
    offered = [name for route in routes.values() for name in route.names]
    routes[parsing.Help] = help_command.help_route(offered)
    return routes


def handle_mentor_command(ctx: AppContext, routes: Routes, args: Args) -> None:
    text = str((args.command or {}).get("text", ""))
    try:
        command = parsing.parse_command(text, focus_areas(ctx.settings.focus_areas))
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
