"""Feedback modal submissions: the exit survey, the coordinator's pulse, and a pulse's answers.
Each is checked again against who submits it: a modal can be forged as easily as a button."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from handlers import ids
from handlers.blocks.feedback import (
    build_pulse_scheduled,
    parse_exit_survey,
    parse_pulse,
    parse_pulse_answers,
)
from handlers.blocks.modals import InvalidSubmission
from handlers.edge import actor_id, edge, id_values
from handlers.flows.feedback import (
    answer_exit_survey,
    answer_pulse,
    exit_survey_asks_mentee,
    pulse_questions_for,
    schedule_pulse,
)
from handlers.flows.home import publish_home
from handlers.flows.slack import post_message
from handlers.views.requests import metadata, reject, state_values


def handle_exit_survey_submission(ctx: AppContext, args: Args) -> None:
    (survey_id,) = id_values(metadata(args))[:1]
    user = actor_id(args)
    is_mentee = exit_survey_asks_mentee(ctx, survey_id, user)
    try:
        answers = parse_exit_survey(state_values(args), is_mentee)
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    answer_exit_survey(ctx, args.client, survey_id, user, answers)


def handle_pulse_submission(ctx: AppContext, args: Args) -> None:
    try:
        questions, days = parse_pulse(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    (program_id,) = id_values(metadata(args))[:1]
    user = actor_id(args)
    scheduled = schedule_pulse(ctx, program_id, user, questions, days)
    post_message(
        args.client,
        user,
        build_pulse_scheduled(scheduled.people, scheduled.closes, scheduled.today),
    )
    publish_home(ctx, args.client, user)  # the coordinator's desk shows the open pulse


def handle_pulse_answer_submission(ctx: AppContext, args: Args) -> None:
    (pulse_id,) = id_values(metadata(args))[:1]
    user = actor_id(args)
    questions = pulse_questions_for(ctx, pulse_id, user)
    try:
        answers = parse_pulse_answers(state_values(args), questions)
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    answer_pulse(ctx, pulse_id, user, answers)


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.EXIT_SURVEY_VIEW: handle_exit_survey_submission,
        ids.PULSE_VIEW: handle_pulse_submission,
        ids.PULSE_ANSWER_VIEW: handle_pulse_answer_submission,
    }
    for callback_id, handler in handlers.items():
        app.view(callback_id)(edge(f"view:{callback_id}", partial(handler, ctx)))
