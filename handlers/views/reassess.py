"""The reassess-and-refine modal's submission."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from handlers import ids
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.reassess import parse_reassessment
from handlers.edge import actor_id, edge, id_values
from handlers.flows.reassess import apply_reassess
from handlers.views.requests import metadata, reject, state_values


def handle_reassess_submission(ctx: AppContext, args: Args) -> None:
    try:
        submission = parse_reassessment(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    (pairing_id,) = id_values(metadata(args))[:1]
    apply_reassess(ctx, args.client, pairing_id, actor_id(args), submission)


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.REASSESS_VIEW)(
        edge(f"view:{ids.REASSESS_VIEW}", partial(handle_reassess_submission, ctx))
    )
