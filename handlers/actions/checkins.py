"""Buttons on check-in DMs (We met, Rescheduled, Skip this time, and the usefulness rating after
We met) and on pause notices (Resume)."""

from __future__ import annotations

import re
from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from handlers import ids
from handlers.blocks.checkins import build_checkin_met_modal, build_resumed_reply
from handlers.blocks.feedback import build_rating_modal, parse_rating_value
from handlers.edge import FORGED_VALUE, action_value, actor_id, edge, id_values, respond_text
from handlers.flows.checkins import (
    answer_checkin,
    answerable_checkin,
    ratable_checkin,
    rate_checkin,
    resume_pairings,
)
from handlers.flows.slack import post_message
from storage.checkins import RESCHEDULED, SKIPPED


def handle_checkin_met(ctx: AppContext, args: Args) -> None:
    args.ack()
    (checkin_id,) = id_values(action_value(args))[:1]
    other_id = answerable_checkin(ctx, checkin_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"], view=build_checkin_met_modal(checkin_id, other_id)
    )


def handle_checkin_rate(ctx: AppContext, args: Args) -> None:
    args.ack()
    parsed = parse_rating_value(action_value(args))
    if parsed is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    checkin_id, score = parsed
    rate_checkin(ctx, args.client, checkin_id, actor_id(args), score)


def handle_checkin_rate_note(ctx: AppContext, args: Args) -> None:
    args.ack()
    (checkin_id,) = id_values(action_value(args))[:1]
    ratable_checkin(ctx, checkin_id, actor_id(args))
    args.client.views_open(trigger_id=args.body["trigger_id"], view=build_rating_modal(checkin_id))


def _answer(answer: str, ctx: AppContext, args: Args) -> None:
    args.ack()
    (checkin_id,) = id_values(action_value(args))[:1]
    answer_checkin(ctx, args.client, checkin_id, actor_id(args), answer)


def handle_pause_resume(ctx: AppContext, args: Args) -> None:
    args.ack()
    resumed = resume_pairings(ctx, args.client, id_values(action_value(args)), actor_id(args))
    text = build_resumed_reply(resumed.other_ids)
    if args.respond is not None and args.body.get("response_url"):
        respond_text(args, text, replace_original=True, response_type="ephemeral")
    else:
        post_message(args.client, actor_id(args), text)


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.CHECKIN_MET: partial(handle_checkin_met, ctx),
        ids.CHECKIN_RESCHEDULED: partial(_answer, RESCHEDULED, ctx),
        ids.CHECKIN_SKIPPED: partial(_answer, SKIPPED, ctx),
        ids.PAUSE_RESUME: partial(handle_pause_resume, ctx),
        ids.CHECKIN_RATE_NOTE: partial(handle_checkin_rate_note, ctx),
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", handler))
    rate = re.compile(rf"^{re.escape(ids.CHECKIN_RATE)}\.[0-9]+$")
    app.action(rate)(edge(f"action:{ids.CHECKIN_RATE}", partial(handle_checkin_rate, ctx)))
