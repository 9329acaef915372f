"""The coordinator's Reassign modal: a new mentor for a stalled pair's mentee."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.text import fmt, mention
from handlers import ids
from handlers.blocks.conflicts import overridden
from handlers.blocks.modals import InvalidSubmission, parse_redirect
from handlers.edge import actor_id, edge, id_values
from handlers.flows.digest import reassign_from_digest, reassign_problem
from handlers.flows.home import publish_home
from handlers.flows.slack import notify
from handlers.views.requests import metadata, reject, state_values


def handle_reassign_submission(ctx: AppContext, args: Args) -> None:
    coordinator = actor_id(args)
    # Who may reassign is checked against the pair's own program, in reassign_problem and again
    # in reassign_from_digest, each inside its unit of work.
    try:
        new_mentor, note = parse_redirect(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    (pairing_id,) = id_values(metadata(args))[:1]
    override = overridden(state_values(args))
    problem = reassign_problem(ctx, args.client, pairing_id, coordinator, new_mentor, override)
    if problem is not None:
        reject(args, InvalidSubmission({ids.SUGGEST_BLOCK: problem}))
        return
    args.ack()
    reassign_from_digest(
        ctx, args.client, pairing_id, coordinator, new_mentor, note, override=override
    )
    notify(
        args.client,
        coordinator,
        fmt(
            "Done: {new_mentor} is the new mentor, and both have been introduced.",
            new_mentor=mention(new_mentor),
        ),
    )
    publish_home(ctx, args.client, coordinator)  # their desk, when they reassigned from Home


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.DIGEST_REASSIGN_VIEW)(
        edge(f"view:{ids.DIGEST_REASSIGN_VIEW}", partial(handle_reassign_submission, ctx))
    )
