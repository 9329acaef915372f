"""**Agree** and **Not now** on a proposal to share goal and task text with coordinators, in
the proposal DM or on App Home.

Only the member who didn't propose can answer, and only the proposal as it stands now: an
answer from anyone else, from the proposer, or to a proposal withdrawn since changes nothing
and gets a private, friendly reply."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.sharing import SharingMove, SharingOutcome
from handlers import ids
from handlers.blocks.sharing import (
    parse_agree_value,
)
from handlers.edge import FORGED_VALUE, action_value, actor_id, edge
from handlers.flows.home import publish_home
from handlers.flows.sharing import set_sharing
from handlers.tapped import OnHome, tapped


def handle_answer(ctx: AppContext, args: Args, *, move: SharingMove) -> None:
    args.ack()
    parsed = parse_agree_value(action_value(args))
    if parsed is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    pairing_id, stamp = parsed
    user = actor_id(args)
    change = set_sharing(ctx, args.client, pairing_id, user, move, answering=stamp)
    refusal = change.refusal()
    # The proposal's DM, as recorded, was redrawn by the flow once the proposal was over; the
    # place the tap names is never redrawn (it is the client's claim).
    if refusal is not None and isinstance(tapped(args.body), OnHome):
        publish_home(ctx, args.client, user)  # it showed a proposal that is gone
    if refusal is not None:
        raise refusal
    if change.outcome is SharingOutcome.UNCHANGED:
        args.context["outcome"] = "repeat"


def register(app: App, ctx: AppContext) -> None:
    answers = {ids.SHARING_AGREE: SharingMove.AGREE, ids.SHARING_DECLINE: SharingMove.DECLINE}
    for action_id, move in answers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handle_answer, ctx, move=move)))
