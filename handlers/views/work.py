"""Modal submissions for goals and tasks: add, edit, drop; with the gentle warning about
patient identifiers shown once before saving."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, Args

from bot.context import AppContext
from bot.privacy import identifier_warning
from handlers import ids
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.work_modals import (
    build_goal_edit_modal,
    build_goal_modal,
    build_task_modal,
    fingerprint,
    parse_drop_reason,
    parse_goal,
    parse_task,
    read_metadata,
)
from handlers.edge import actor_id, edge
from handlers.flows.work import (
    add_goal_for,
    add_task_for,
    edit_goal_for,
    goal_competencies,
    local_today,
    offered_competencies,
    open_goals,
    pairing_options,
    set_goal_status_for,
)
from handlers.views.requests import metadata, reject, state_values
from storage import goals as goal_store


def warn_or_save(
    args: Args,
    text: str,
    meta: dict[str, Any],
    rebuild: Callable[[str, str], dict[str, Any]],
    save: Callable[[], object],
) -> None:
    """Show the modal again with a warning (``rebuild(warning, fingerprint)``) the first time
    ``text`` looks like it holds a patient identifier; otherwise close it and ``save()``."""
    warning = identifier_warning(text)
    if warning is not None and meta.get("warned") != fingerprint(text):
        args.ack(response_action="update", view=rebuild(warning, fingerprint(text)))
        args.context["outcome"] = "warned"
        return
    args.ack()
    save()


def handle_goal_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    meta = read_metadata(metadata(args))
    options = pairing_options(ctx, caller, None)
    offered = offered_competencies(options)
    try:
        goal = parse_goal(
            state_values(args),
            meta,
            [o.pairing_id for o in options],
            offered,
            local_today(ctx, caller),
        )
        chosen = [o for o in options if o.pairing_id == goal.pairing_id] or options
        if goal.draft.competency is not None and goal.draft.competency not in (
            chosen[0].competencies
        ):
            # Offered for another of their pairings, in a program this one isn't in.
            raise InvalidSubmission(
                {ids.COMPETENCY_BLOCK: "Please choose one of this mentorship's competencies."}
            )
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    warn_or_save(
        args,
        goal.draft.text,
        meta,
        lambda warning, warned: build_goal_modal(
            chosen, offered_competencies(chosen), goal.draft, warning=warning, warned=warned
        ),
        lambda: add_goal_for(ctx, args.client, caller, goal),
    )


def handle_goal_edit_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    meta = read_metadata(metadata(args))
    goal_id = meta.get("goal")
    if not isinstance(goal_id, int):
        reject(args, InvalidSubmission({ids.GOAL_TEXT_BLOCK: "I lost track of which goal."}))
        return
    competencies = goal_competencies(ctx, goal_id, caller)
    try:
        goal = parse_goal(
            state_values(args),
            {"pairing": 0},
            [],
            competencies,
            local_today(ctx, caller),
        )
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    warn_or_save(
        args,
        goal.draft.text,
        meta,
        lambda warning, warned: build_goal_edit_modal(
            goal_id, competencies, goal.draft, warning=warning, warned=warned
        ),
        lambda: edit_goal_for(ctx, args.client, goal_id, caller, goal.draft),
    )


def handle_goal_drop_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    goal_id = read_metadata(metadata(args)).get("goal")
    try:
        reason = parse_drop_reason(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    if not isinstance(goal_id, int):
        reject(args, InvalidSubmission({ids.NOTE_BLOCK: "I lost track of which goal."}))
        return
    args.ack()
    set_goal_status_for(ctx, args.client, goal_id, caller, goal_store.DROPPED, reason or None)


def handle_task_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    meta = read_metadata(metadata(args))
    options = pairing_options(ctx, caller, None)
    try:
        task = parse_task(
            state_values(args), meta, [o.pairing_id for o in options], local_today(ctx, caller)
        )
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    chosen = [o for o in options if o.pairing_id == task.pairing_id] or options

    def rebuild(warning: str, warned: str) -> dict[str, Any]:
        goals = open_goals(ctx, chosen[0].pairing_id) if len(chosen) == 1 else []
        return build_task_modal(chosen, goals, task.draft, warning=warning, warned=warned)

    warn_or_save(
        args, task.draft.text, meta, rebuild, lambda: add_task_for(ctx, args.client, caller, task)
    )


def register(app: App, ctx: AppContext) -> None:
    handlers: dict[str, Callable[[AppContext, Args], None]] = {
        ids.GOAL_VIEW: handle_goal_submission,
        ids.GOAL_EDIT_VIEW: handle_goal_edit_submission,
        ids.GOAL_DROP_VIEW: handle_goal_drop_submission,
        ids.TASK_VIEW: handle_task_submission,
    }
    for callback_id, handler in handlers.items():
        app.view(callback_id)(edge(f"view:{callback_id}", partial(handler, ctx)))
