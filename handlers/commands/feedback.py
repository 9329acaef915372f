"""``/mentor survey``: a coordinator opens the pulse modal for a program they coordinate."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from handlers.blocks.feedback import build_pulse_modal
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id, program_hint
from handlers.flows.feedback import pulse_program


def handle_survey(ctx: AppContext, args: Args, command: parsing.Survey) -> None:
    target = pulse_program(ctx, actor_id(args), program_hint(args))
    args.ack()
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_pulse_modal(target.program_id, target.program_name),
    )


ROUTES: Routes = {parsing.Survey: Route(("survey",), handle_survey)}
