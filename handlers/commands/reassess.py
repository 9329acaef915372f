"""``/mentor reassess [@person]``: open the reassess-and-refine modal for a pairing."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.text import md
from handlers import ids
from handlers.actions.reassess import open_reassess_modal
from handlers.commands.pairings import caller_pairings, offer_choices
from handlers.commands.routing import Route, Routes


def handle_reassess(ctx: AppContext, args: Args, command: parsing.Reassess) -> None:
    args.ack()
    choices = caller_pairings(ctx, args, command.other_id)
    if len(choices) == 1:
        open_reassess_modal(ctx, args, choices[0].pairing_id)
        return
    offer_choices(
        args,
        choices,
        md("Which mentorship would you like to reassess?"),
        button_text="Reassess now",
        action_id=ids.REASSESS_OPEN,
    )


ROUTES: Routes = {parsing.Reassess: Route(("reassess",), handle_reassess)}
