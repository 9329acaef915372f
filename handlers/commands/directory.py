"""Subcommands for finding a mentor one doesn't know yet: find and profile."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from handlers.blocks.directory import (
    TraineeForm,
    build_profile_chooser,
    build_trainee_profile_modal,
    search_words,
)
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, program_hint
from handlers.flows.directory import open_profile_modal, start_search, trainee_form


def handle_find(ctx: AppContext, args: Args, command: parsing.Find) -> None:
    caller = actor_id(args)
    args.ack()
    start = start_search(
        ctx,
        args.client,
        caller,
        hint=program_hint(args),
        focus=command.focus.key if command.focus else None,
        words=search_words(command.words),
        typed=True,
    )
    view = start.results
    if view is None:
        # The first search asks for the trainee profile; its submission shows the results.
        form, choices = trainee_form(ctx, caller)
        view = build_trainee_profile_modal(
            form or TraineeForm(),
            choices.areas,
            choices.specialties,
            start.search.to_metadata(),
            first_time=True,
        )
    args.client.views_open(trigger_id=args.body["trigger_id"], view=view)


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
