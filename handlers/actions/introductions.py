"""Buttons of introductions: the mentor's **Introduce to a colleague…** (Home) and
**Introduce…** (on a mentee's ask), the mentee's **Ask for an introduction** (Home), and the
colleague's **Happy to talk** / **Not now** in the group DM."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from handlers import ids
from handlers.blocks.introductions import build_ask_introduction_modal, build_introduce_modal
from handlers.edge import action_value, actor_id, edge, id_values
from handlers.flows.introductions import (
    Mentorship,
    answer_introduction,
    mentor_to_ask,
    mentorship_for_introduction,
    mentorship_of_ask,
)


def _first_id(args: Args) -> int:
    (value,) = id_values(action_value(args))[:1]
    return value


def _open_introduce(args: Args, mentorship: Mentorship) -> None:
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_introduce_modal(
            mentorship.pairing_id,
            mentorship.mentee_id,
            ask_id=mentorship.ask_id,
            looking_for=mentorship.looking_for,
        ),
    )


def handle_introduce_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    _open_introduce(args, mentorship_for_introduction(ctx, actor_id(args), _first_id(args)))


def handle_introduce_from_ask(ctx: AppContext, args: Args) -> None:
    args.ack()
    _open_introduce(args, mentorship_of_ask(ctx, actor_id(args), _first_id(args)))


def handle_ask_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    pairing_id = _first_id(args)
    mentor_id = mentor_to_ask(ctx, actor_id(args), pairing_id)
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_ask_introduction_modal(pairing_id, mentor_id),
    )


def handle_answer(ctx: AppContext, args: Args, *, happy: bool) -> None:
    args.ack()
    answer_introduction(ctx, args.client, _first_id(args), actor_id(args), happy=happy)


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.INTRO_OPEN: partial(handle_introduce_open, ctx),
        ids.INTRO_FROM_ASK: partial(handle_introduce_from_ask, ctx),
        ids.INTRO_ASK_OPEN: partial(handle_ask_open, ctx),
        ids.INTRO_HAPPY: partial(handle_answer, ctx, happy=True),
        ids.INTRO_NOT_NOW: partial(handle_answer, ctx, happy=False),
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", handler))
