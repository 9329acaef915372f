"""The ``/mentor forget`` confirmation: submitting it erases, after checking again who may."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import md
from handlers import ids
from handlers.blocks.forget import ForgedMetadata, parse_forget_metadata
from handlers.edge import actor_id, edge
from handlers.flows.personal_data import ForgetTarget, forget
from handlers.views.requests import metadata

FORGED = md("That form didn't come from me, so I changed nothing.")


def handle_forget_submission(ctx: AppContext, args: Args) -> None:
    actor = actor_id(args)
    try:
        request = parse_forget_metadata(metadata(args))
    except ForgedMetadata:
        raise Refused(FORGED, reason="forbidden") from None
    args.ack()
    forget(ctx, args.client, actor, ForgetTarget(request.user_id, request.program_id, None))


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.FORGET_VIEW)(
        edge(f"view:{ids.FORGET_VIEW}", partial(handle_forget_submission, ctx))
    )
