"""Buttons on requests: accept, decline, suggest someone else, ask the suggested colleague,
and withdraw."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import fmt, md, md_join, mention
from handlers import ids
from handlers.blocks.modals import build_decline_modal, build_redirect_modal
from handlers.blocks.requests import build_request_sent
from handlers.edge import action_value, actor_id, edge, id_values, respond_text
from handlers.flows.requests import (
    accept_request,
    answerable_request,
    ask_suggested,
    withdraw_requests,
)


def handle_accept(ctx: AppContext, args: Args) -> None:
    args.ack()
    (request_id,) = id_values(action_value(args))[:1]
    if not accept_request(ctx, args.client, request_id, actor_id(args)):
        args.context["outcome"] = "repeat"


def handle_decline(ctx: AppContext, args: Args) -> None:
    args.ack()
    (request_id,) = id_values(action_value(args))[:1]
    request = answerable_request(ctx, request_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_decline_modal(request.request_id, request.mentee_id),
    )


def handle_redirect(ctx: AppContext, args: Args) -> None:
    args.ack()
    (request_id,) = id_values(action_value(args))[:1]
    request = answerable_request(ctx, request_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_redirect_modal(request.request_id, request.mentee_id),
    )


def handle_ask_suggested(ctx: AppContext, args: Args) -> None:
    args.ack()
    (request_id,) = id_values(action_value(args))[:1]
    sent = ask_suggested(ctx, args.client, request_id, actor_id(args))
    respond_text(args, build_request_sent(sent.mentor_id, sent.focus_label), replace_original=True)


def handle_withdraw(ctx: AppContext, args: Args) -> None:
    args.ack()
    withdrawn = withdraw_requests(ctx, args.client, id_values(action_value(args)), actor_id(args))
    if not withdrawn:
        args.context["outcome"] = "repeat"
        raise Refused(md("Nothing to withdraw: those requests were already answered or closed."))
    names = md_join(", ", (mention(w.card.mentor_id) for w in withdrawn))
    respond_text(
        args,
        fmt("Withdrawn: your request to {names}. I've let them know.", names=names),
        replace_original=True,
    )


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.REQUEST_ACCEPT: handle_accept,
        ids.REQUEST_DECLINE: handle_decline,
        ids.REQUEST_REDIRECT: handle_redirect,
        ids.REQUEST_ASK_SUGGESTED: handle_ask_suggested,
        ids.REQUEST_WITHDRAW: handle_withdraw,
        ids.REQUEST_WITHDRAW_OTHERS: handle_withdraw,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
