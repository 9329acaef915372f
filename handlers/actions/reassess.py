"""The **Reassess now** button (in the periodic DM, a choice list, or on Home): open the modal."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from handlers import ids
from handlers.blocks.reassess import build_reassess_modal
from handlers.edge import action_value, actor_id, edge, id_values
from handlers.flows.reassess import reassess_form


def open_reassess_modal(ctx: AppContext, args: Args, pairing_id: int) -> None:
    """Members only: ``reassess_form`` refuses anyone else before anything is shown."""
    form = reassess_form(ctx, pairing_id, actor_id(args))
    args.client.views_open(trigger_id=args.body["trigger_id"], view=build_reassess_modal(form))


def handle_reassess_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pairing_id,) = id_values(action_value(args))[:1]
    open_reassess_modal(ctx, args, pairing_id)


def register(app: App, ctx: AppContext) -> None:
    app.action(ids.REASSESS_OPEN)(
        edge(f"action:{ids.REASSESS_OPEN}", partial(handle_reassess_open, ctx))
    )
