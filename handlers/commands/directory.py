"""Subcommands for finding a mentor one doesn't know yet: find and profile."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from handlers.blocks.directory import (
    build_profile_chooser,
    search_words,
)
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, program_hint
from handlers.flows.directory import find_view, open_profile_modal
from handlers.flows.modals import open_modal


def handle_find(ctx: AppContext, args: Args, command: parsing.Find) -> None:
    caller = actor_id(args)
    args.ack()
    view = find_view(
        ctx,
        args.client,
        caller,
        hint=program_hint(args),
        focus=command.focus.key if command.focus else None,
        words=search_words(command.words),
        typed=True,
    )
    open_modal(ctx, args.client, caller, args.body["trigger_id"], view)


def handle_profile(ctx: AppContext, args: Args, command: parsing.EditProfile) -> None:
    if command.which is None:
        chooser = build_profile_chooser()
        ack_text(args, chooser.text, chooser.blocks)
        return
    args.ack()
    open_profile_modal(ctx, args.client, actor_id(args), command.which, args.body["trigger_id"])


ROUTES: Routes = {
    parsing.Find: Route(("find",), handle_find),
    parsing.EditProfile: Route(("profile",), handle_profile),
}
