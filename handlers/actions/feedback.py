"""Buttons on feedback DMs: open the exit survey, open a pulse. Each checks that the person
tapping is the one asked before a modal opens."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from handlers import ids
from handlers.blocks.feedback import build_exit_survey_modal, build_pulse_answer_modal
from handlers.edge import action_value, actor_id, edge, id_values
from handlers.flows.feedback import exit_survey_asks_mentee, pulse_questions_for


def handle_exit_survey_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (survey_id,) = id_values(action_value(args))[:1]
    is_mentee = exit_survey_asks_mentee(ctx, survey_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"], view=build_exit_survey_modal(survey_id, is_mentee)
    )


def handle_pulse_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    (pulse_id,) = id_values(action_value(args))[:1]
    questions = pulse_questions_for(ctx, pulse_id, actor_id(args))
    args.client.views_open(
        trigger_id=args.body["trigger_id"], view=build_pulse_answer_modal(pulse_id, questions)
    )


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.EXIT_SURVEY_OPEN: handle_exit_survey_open,
        ids.PULSE_OPEN: handle_pulse_open,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
