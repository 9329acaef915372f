"""Subcommands for goals and tasks: add (directly, or through a modal) and list."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.dates import DateParseError, parse_due_date
from bot.errors import Refused
from bot.privacy import identifier_warning
from bot.text import escape, fmt, md, mention
from handlers.blocks.requests import quote
from handlers.blocks.work import build_goals_list, build_tasks_list
from handlers.blocks.work_modals import (
    GoalDraft,
    GoalInput,
    PairingOption,
    TaskDraft,
    TaskInput,
    build_goal_modal,
    build_task_modal,
    fingerprint,
)
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, respond_text
from handlers.flows.work import (
    add_goal_for,
    add_task_for,
    offered_competencies,
    open_goals,
    pairing_options,
    today_for,
    work_lists,
)
from storage.db import unit_of_work


def _options(ctx: AppContext, caller: str, other_id: str | None) -> list[PairingOption]:
    options = pairing_options(ctx, caller, other_id)
    if options:
        return options
    if other_id:
        raise Refused(
            fmt("You don't have an active mentorship with {other}.", other=mention(other_id)),
            reason="bad_input",
        )
    raise Refused(
        md(
            "Goals and tasks belong to a mentorship, and you don't have one yet. "
            "Ask someone with `/mentor ask @person`."
        ),
        reason="bad_input",
    )


def handle_goal_add(ctx: AppContext, args: Args, command: parsing.GoalAdd) -> None:
    args.ack()
    caller = actor_id(args)
    options = _options(ctx, caller, command.other_id)
    warning = identifier_warning(command.text) if command.text else None
    if command.text and len(options) == 1 and warning is None:
        draft = GoalDraft(command.text)
        other = add_goal_for(ctx, args.client, caller, GoalInput(options[0].pairing_id, draft))
        respond_text(
            args,
            fmt(
                "Goal added. I've told {other}.\n{quote}",
                other=mention(other),
                quote=quote(command.text),
            ),
            response_type="ephemeral",
        )
        return
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_goal_modal(
            options,
            offered_competencies(options),
            GoalDraft(command.text),
            warning=warning,
            warned=fingerprint(command.text) if warning else None,
        ),
    )


def handle_goals(ctx: AppContext, args: Args, command: parsing.Goals) -> None:
    caller = actor_id(args)
    _options(ctx, caller, command.other_id)
    pairings, today = work_lists(ctx, caller, command.other_id)
    listing = build_goals_list(pairings, today)
    ack_text(args, listing.text, listing.blocks)


def handle_task_add(ctx: AppContext, args: Args, command: parsing.TaskAdd) -> None:
    caller = actor_id(args)
    options = _options(ctx, caller, command.other_id)
    due = None
    if command.due_text:
        with unit_of_work(ctx.sessions) as session:
            today = today_for(ctx, session, caller, ctx.now())
        try:
            due = parse_due_date(command.due_text, today)
        except DateParseError as error:
            raise Refused(escape(error.message), reason="bad_input") from error
    args.ack()
    draft = TaskDraft(command.text, due)
    warning = identifier_warning(command.text) if command.text else None
    if command.text and len(options) == 1 and warning is None:
        assignee = add_task_for(ctx, args.client, caller, TaskInput(options[0].pairing_id, draft))
        whom = md("you") if assignee == caller else mention(assignee)
        respond_text(
            args,
            fmt("Task added for {whom}.\n{quote}", whom=whom, quote=quote(command.text)),
            response_type="ephemeral",
        )
        return
    goals = open_goals(ctx, options[0].pairing_id) if len(options) == 1 else []
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_task_modal(
            options,
            goals,
            draft,
            warning=warning,
            warned=fingerprint(command.text) if warning else None,
        ),
    )


def handle_tasks(ctx: AppContext, args: Args, command: parsing.Tasks) -> None:
    caller = actor_id(args)
    _options(ctx, caller, command.other_id)
    pairings, today = work_lists(ctx, caller, command.other_id)
    listing = build_tasks_list(pairings, today, caller)
    ack_text(args, listing.text, listing.blocks)


ROUTES: Routes = {
    parsing.GoalAdd: Route(("goal",), handle_goal_add),
    parsing.Goals: Route(("goals",), handle_goals),
    parsing.TaskAdd: Route(("task",), handle_task_add),
    parsing.Tasks: Route(("tasks",), handle_tasks),
}
