"""Modal submissions for check-ins: how a meeting went (We met), how useful it was, and how long
to pause."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from handlers import ids
from handlers.blocks.checkins import build_paused_reply, parse_checkin_met, parse_pause_until
from handlers.blocks.feedback import parse_rating
from handlers.blocks.modals import InvalidSubmission
from handlers.edge import actor_id, edge, id_values
from handlers.flows.checkins import actor_today, answer_checkin, pause_pairings, rate_checkin
from handlers.flows.slack import post_message
from handlers.views.requests import metadata, reject, state_values
from storage.checkins import MET


def handle_checkin_met_submission(ctx: AppContext, args: Args) -> None:
    try:
        note, minutes = parse_checkin_met(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    (checkin_id,) = id_values(metadata(args))[:1]
    answer_checkin(ctx, args.client, checkin_id, actor_id(args), MET, note=note, minutes=minutes)


def handle_rating_submission(ctx: AppContext, args: Args) -> None:
    try:
        score, note = parse_rating(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    (checkin_id,) = id_values(metadata(args))[:1]
    rate_checkin(ctx, args.client, checkin_id, actor_id(args), score, note=note)


def handle_pause_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    today = actor_today(ctx, caller)
    try:
        until = parse_pause_until(state_values(args), today)
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    paused = pause_pairings(ctx, args.client, id_values(metadata(args)), caller, until)
    reply = build_paused_reply(paused.pairing_ids, paused.other_ids, until, today)
    post_message(args.client, caller, reply.text, reply.blocks)


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.CHECKIN_MET_VIEW: handle_checkin_met_submission,
        ids.PAUSE_VIEW: handle_pause_submission,
        ids.CHECKIN_RATE_VIEW: handle_rating_submission,
    }
    for callback_id, handler in handlers.items():
        app.view(callback_id)(edge(f"view:{callback_id}", partial(handler, ctx)))
