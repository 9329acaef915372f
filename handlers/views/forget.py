"""The ``/mentor forget`` confirmation: submitting it erases (or asks the admins to), after
checking again who may; and an admin's **Review and erase…** on a coordinator's request."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import md
from handlers import ids
from handlers.blocks.forget import (
    ForgedMetadata,
    ForgetMode,
    ForgetRequest,
    build_forget_modal,
    parse_forget_metadata,
    parse_forget_reason,
)
from handlers.blocks.modals import InvalidSubmission
from handlers.edge import action_value, actor_id, edge, id_values
from handlers.flows.erasure import ForgetTarget, forget, forget_mode, review_request
from handlers.views.requests import metadata, reject, state_values
from storage.db import unit_of_work

FORGED = md("That form didn't come from me, so I changed nothing.")


def handle_forget_submission(ctx: AppContext, args: Args) -> None:
    actor = actor_id(args)
    try:
        request = parse_forget_metadata(metadata(args))
    except ForgedMetadata:
        raise Refused(FORGED, reason="forbidden") from None
    target = ForgetTarget(request.user_id, request.program_id, None)
    with unit_of_work(ctx.sessions) as session:
        mode = forget_mode(session, ctx, actor, target)
    reason = ""
    if mode is not ForgetMode.SELF:
        try:
            reason = parse_forget_reason(state_values(args))
        except InvalidSubmission as invalid:
            reject(args, invalid)
            return
    args.ack()
    forget(ctx, args.client, actor, target, reason)


def handle_review(ctx: AppContext, args: Args) -> None:
    args.ack()
    (entry_id,) = id_values(action_value(args))[:1]
    review = review_request(ctx, actor_id(args), entry_id)
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_forget_modal(
            ForgetRequest(review.target.user_id, review.target.program_id),
            mode=ForgetMode.ADMIN,
            program_name=review.target.program_name,
            reason=review.reason,
        ),
    )


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.FORGET_VIEW)(
        edge(f"view:{ids.FORGET_VIEW}", partial(handle_forget_submission, ctx))
    )
    app.action(ids.FORGET_REVIEW)(edge(f"action:{ids.FORGET_REVIEW}", partial(handle_review, ctx)))
