"""``/mentor meet [@person]``: plan the next meeting of a mentorship."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.text import md
from handlers import ids
from handlers.commands.pairings import caller_pairings, offer_choices
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id, respond_text
from handlers.flows.meetings import plan_next_meeting


def handle_meet(ctx: AppContext, args: Args, command: parsing.Meet) -> None:
    args.ack()
    choices = caller_pairings(ctx, args, command.other_id)
    if len(choices) > 1:
        offer_choices(
            args,
            choices,
            md("Which mentorship's next meeting would you like to plan?"),
            button_text="Plan our next meeting",
            action_id=ids.MEETING_PLAN,
        )
        return
    reply = plan_next_meeting(ctx, args.client, choices[0].pairing_id, actor_id(args))
    respond_text(args, reply.text, reply.blocks, response_type="ephemeral")


ROUTES: Routes = {parsing.Meet: Route(("meet",), handle_meet)}
