"""Buttons of **Plan our next meeting**: planning (Home card, check-in), picking one of the
times offered, asking for other times, and withdrawing the times one offered."""

from __future__ import annotations

import re
from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from handlers import ids
from handlers.blocks.meetings import parse_pick
from handlers.edge import FORGED_VALUE, action_value, actor_id, edge, id_values, reply_privately
from handlers.flows.meetings import other_times, pick_time, plan_next_meeting, withdraw_offer

PICK = re.compile(rf"^{re.escape(ids.MEETING_PICK)}\.\d$")


def handle_plan(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pairing_id,) = id_values(action_value(args))[:1]
    reply = plan_next_meeting(ctx, args.client, pairing_id, actor_id(args))
    reply_privately(args, reply.text, reply.blocks)


def handle_pick(ctx: AppContext, args: Args) -> None:
    args.ack()
    picked = parse_pick(action_value(args))
    if picked is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    plan_id, epoch = picked
    pick_time(ctx, args.client, plan_id, epoch, actor_id(args))


def handle_other(ctx: AppContext, args: Args) -> None:
    args.ack()
    (plan_id,) = id_values(action_value(args))[:1]
    other_times(ctx, args.client, plan_id, actor_id(args))


def handle_withdraw(ctx: AppContext, args: Args) -> None:
    args.ack()
    (plan_id,) = id_values(action_value(args))[:1]
    reply_privately(args, withdraw_offer(ctx, args.client, plan_id, actor_id(args)))


def register(app: App, ctx: AppContext) -> None:
    app.action(ids.MEETING_PLAN)(edge(f"action:{ids.MEETING_PLAN}", partial(handle_plan, ctx)))
    app.action(PICK)(edge(f"action:{ids.MEETING_PICK}", partial(handle_pick, ctx)))
    app.action(ids.MEETING_OTHER)(edge(f"action:{ids.MEETING_OTHER}", partial(handle_other, ctx)))
    app.action(ids.MEETING_WITHDRAW)(
        edge(f"action:{ids.MEETING_WITHDRAW}", partial(handle_withdraw, ctx))
    )
