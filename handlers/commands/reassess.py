"""``/mentor reassess [@person]``: open the reassess-and-refine modal for a pairing."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.errors import Refused
from bot.text import mention
from handlers import ids
from handlers.actions.reassess import open_reassess_modal
from handlers.blocks.pairings import build_pairing_choices
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id
from handlers.flows.choosing import open_pairing_choices


def handle_reassess(ctx: AppContext, args: Args, command: parsing.Reassess) -> None:
    args.ack()
    choices = open_pairing_choices(ctx, actor_id(args), command.other_id)
    if not choices:
        if command.other_id:
            raise Refused(
                f"You don't have an active mentorship with {mention(command.other_id)}.",
                reason="bad_input",
            )
        raise Refused(
            "You don't have an active mentorship to reassess yet. "
            "Ask someone with `/mentor ask @person`.",
            reason="bad_input",
        )
    if len(choices) == 1:
        open_reassess_modal(ctx, args, choices[0].pairing_id)
        return
    args.respond(
        text="Which mentorship?",
        blocks=build_pairing_choices(
            "Which mentorship would you like to reassess?",
            [(c.pairing_id, c.other_id, c.focus_label) for c in choices],
            button_text="Reassess now",
            action_id=ids.REASSESS_OPEN,
        ),
        response_type="ephemeral",
    )


ROUTES: Routes = {parsing.Reassess: Route(("reassess",), handle_reassess)}
