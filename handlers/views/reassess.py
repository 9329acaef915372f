"""The reassess-and-refine modal's submission, with the gentle warning about patient
identifiers in new goals shown once before saving."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import md
from handlers import ids
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.reassess import (
    build_reassess_modal,
    parse_reassessment,
    read_reassess_metadata,
)
from handlers.edge import actor_id, edge
from handlers.flows.reassess import apply_reassess, reassess_form
from handlers.views.requests import metadata, reject, state_values
from handlers.views.work import warn_or_save


def handle_reassess_submission(ctx: AppContext, args: Args) -> None:
    try:
        submission = parse_reassessment(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    pairing_id, warned = read_reassess_metadata(metadata(args))
    if pairing_id is None:
        raise Refused(
            md("That form didn't carry what I expected, so I did nothing."), reason="forbidden"
        )
    caller = actor_id(args)
    warn_or_save(
        args,
        "\n".join(submission.decisions.new_goals),
        {"warned": warned},
        lambda warning, fingerprint: build_reassess_modal(
            reassess_form(ctx, pairing_id, caller),
            submission,
            warning=warning,
            warned=fingerprint,
        ),
        lambda: apply_reassess(ctx, args.client, pairing_id, caller, submission),
    )


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.REASSESS_VIEW)(
        edge(f"view:{ids.REASSESS_VIEW}", partial(handle_reassess_submission, ctx))
    )
