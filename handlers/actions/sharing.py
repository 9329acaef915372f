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
    build_proposal_answered,
    parse_agree_value,
    proposal_block_id,
)
from handlers.edge import FORGED_VALUE, action_value, actor_id, edge
from handlers.flows.home import publish_home
from handlers.flows.sharing import SharingChange, set_sharing
from handlers.flows.slack import update_to


def _redraw_proposal(args: Args, change: SharingChange, move: SharingMove) -> None:
    """The proposal DM that was tapped, redrawn to say how it was answered; any other message
    (a forged tap names one) is left as it is. A refused answer (the proposal was answered or
    withdrawn already) redraws nothing: whatever closed it redrew its DM, and a late or second
    tap must not overwrite that with "no longer open"; its tapper is told privately."""
    if change.outcome is SharingOutcome.NOT_OPEN:
        return
    body = args.body
    message = body.get("message") or {}
    proposal = proposal_block_id(change.pairing_id)
    if not any(b.get("block_id") == proposal for b in message.get("blocks") or []):
        return
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    ts = container.get("message_ts") or message.get("ts")
    if change.proposal_dm is not None and change.proposal_dm[1] == ts:
        return  # the flow has redrawn it already
    agreed = move is SharingMove.AGREE
    redrawn = build_proposal_answered(agreed, change.other_id, change.focus_label)
    update_to(args.client, channel, ts, redrawn)


def handle_answer(ctx: AppContext, args: Args, *, move: SharingMove) -> None:
    args.ack()
    parsed = parse_agree_value(action_value(args))
    if parsed is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    pairing_id, stamp = parsed
    user = actor_id(args)
    change = set_sharing(ctx, args.client, pairing_id, user, move, answering=stamp)
    refusal = change.refusal()
    on_home = (args.body.get("container") or {}).get("type") == "view"
    if on_home:
        if refusal is not None:
            publish_home(ctx, args.client, user)  # it showed a proposal that is gone
    elif change.outcome is not SharingOutcome.OWN_PROPOSAL:
        _redraw_proposal(args, change, move)
    if refusal is not None:
        raise refusal
    if change.outcome is SharingOutcome.UNCHANGED:
        args.context["outcome"] = "repeat"


def register(app: App, ctx: AppContext) -> None:
    answers = {ids.SHARING_AGREE: SharingMove.AGREE, ids.SHARING_DECLINE: SharingMove.DECLINE}
    for action_id, move in answers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handle_answer, ctx, move=move)))
