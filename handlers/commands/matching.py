"""``/mentor match [in <program>]``: a coordinator opens the matching round modal."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from handlers.blocks.matching import build_match_modal
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id, program_hint
from handlers.flows.programs import coordinator_choice, settled_program
from storage.db import unit_of_work


def handle_match(ctx: AppContext, args: Args, command: parsing.Match) -> None:
    user = actor_id(args)
    with unit_of_work(ctx.sessions) as session:
        program = settled_program(
            coordinator_choice(session, ctx.settings, user, program_hint(args))
        )
    args.ack()
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_match_modal(program.id, program.name, program.focus_areas),
    )


ROUTES: Routes = {parsing.Match: Route(("match",), handle_match)}
