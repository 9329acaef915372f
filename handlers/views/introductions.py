"""Modal submissions of introductions: the mentor's introduction, and the mentee's ask. A
colleague who can't be introduced (an app, a deactivated account, the mentee, a conflict of
interest) is refused under the field, with the form still open."""

from __future__ import annotations

import uuid
from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from handlers import ids
from handlers.blocks.introductions import (
    parse_introduce,
    parse_introduce_metadata,
    parse_looking_for,
)
from handlers.blocks.modals import InvalidSubmission
from handlers.edge import FORGED_VALUE, actor_id, edge, id_values
from handlers.flows.introductions import (
    ask_for_introduction,
    introduction_problem,
    make_introduction,
    mentor_to_ask,
    mentorship_for_introduction,
)
from handlers.flows.slack import notify
from handlers.views.requests import metadata, reject, state_values


def handle_introduce_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    form = parse_introduce_metadata(metadata(args))
    if form is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    mentorship = mentorship_for_introduction(ctx, caller, form.pairing_id, form.ask_id)
    try:
        colleague_id, why = parse_introduce(state_values(args))
        problem = introduction_problem(ctx, args.client, mentorship, colleague_id)
        if problem is not None:
            raise InvalidSubmission({ids.INTRO_COLLEAGUE_BLOCK: problem})
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    told = make_introduction(
        ctx,
        args.client,
        actor_id=caller,
        pairing_id=mentorship.pairing_id,
        colleague_id=colleague_id,
        why=why,
        ask_id=mentorship.ask_id,
    )
    notify(args.client, caller, told)


def handle_ask_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    found = id_values(metadata(args))
    if len(found) != 1:
        raise Refused(FORGED_VALUE, reason="forbidden")
    pairing_id = found[0]
    mentor_to_ask(ctx, caller, pairing_id)
    try:
        looking_for = parse_looking_for(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    ask_for_introduction(
        ctx,
        args.client,
        actor_id=caller,
        pairing_id=pairing_id,
        looking_for=looking_for,
        # Slack's retry of a submission carries the same view; a view without an id is unique.
        submission=str((args.view or {}).get("id") or uuid.uuid4().hex)[:64],
    )


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.INTRO_VIEW)(
        edge(f"view:{ids.INTRO_VIEW}", partial(handle_introduce_submission, ctx))
    )
    app.view(ids.INTRO_ASK_VIEW)(
        edge(f"view:{ids.INTRO_ASK_VIEW}", partial(handle_ask_submission, ctx))
    )
