"""Buttons on goals and tasks: Mark complete / Undo, the goal menu, and the add buttons.

A tap redraws what was tapped: the row in a message (task DM, check-in, list) is replaced in
place; an ephemeral list is redrawn whole; App Home is republished by the flow itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import md, own_message_text
from handlers import ids
from handlers.blocks.common import Block, MessageBody
from handlers.blocks.work import (
    GoalRow,
    build_goals_list,
    build_tasks_list,
    goal_block,
    replace_task_row,
)
from handlers.blocks.work_modals import (
    PairingOption,
    build_goal_drop_modal,
    build_goal_edit_modal,
    build_goal_modal,
    build_task_modal,
)
from handlers.edge import action_value, actor_id, edge, id_values, respond_text
from handlers.flows.slack import replace_message
from handlers.flows.work import (
    goal_competencies,
    goal_for_edit,
    local_today,
    offered_competencies,
    open_goals,
    pairing_options,
    redraw_task_dm,
    set_goal_status_for,
    set_task_done,
    work_lists,
)
from storage import goals as goal_store


def redraw(
    args: Args,
    replace: Callable[[list[Block]], list[Block] | None],
    rebuild: Callable[[], MessageBody],
) -> None:
    """Redraw the surface that was tapped (see the module docstring)."""
    body = args.body
    container = body.get("container") or {}
    if container.get("type") == "view":
        return
    message = body.get("message")
    if isinstance(message, dict) and message.get("blocks"):
        blocks = replace(list(message["blocks"]))
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        if blocks is not None and channel:
            text = own_message_text(str(message.get("text") or ""))
            replace_message(args.client, channel, str(message["ts"]), text, blocks)
        return
    if container.get("is_ephemeral") and body.get("response_url"):
        listing = rebuild()
        respond_text(
            args,
            listing.text,
            listing.blocks,
            response_type="ephemeral",
            replace_original=True,
        )


def handle_task(ctx: AppContext, args: Args, *, done: bool) -> None:
    args.ack()
    (task_id,) = id_values(action_value(args))[:1]
    caller = actor_id(args)
    change = set_task_done(ctx, args.client, task_id, caller, done=done)
    today = local_today(ctx, caller)

    def rebuild() -> MessageBody:
        pairings, listed_on = work_lists(ctx, caller, None)
        return build_tasks_list(pairings, listed_on, caller)

    redraw(
        args,
        lambda blocks: replace_task_row(blocks, change.row, today, viewer_id=caller),
        rebuild,
    )
    message = args.body.get("message") or {}
    if change.changed and change.dm and change.dm[1] != message.get("ts"):
        redraw_task_dm(ctx, args.client, change)


def _replace_goal(blocks: list[Block], row: GoalRow, today: Any) -> list[Block] | None:
    target = f"goal-{row.goal_id}"
    if not any(b.get("block_id") == target for b in blocks):
        return None
    return [goal_block(row, today) if b.get("block_id") == target else b for b in blocks]


def handle_goal_menu(ctx: AppContext, args: Args) -> None:
    args.ack()
    chosen = str(((args.action or {}).get("selected_option") or {}).get("value") or "")
    what, _, raw_id = chosen.rpartition(":")
    (goal_id,) = id_values(raw_id)[:1]
    caller = actor_id(args)
    if what == ids.GOAL_EDIT_OPEN:
        draft = goal_for_edit(ctx, goal_id, caller)
        competencies = goal_competencies(ctx, goal_id, caller)
        args.client.views_open(
            trigger_id=args.body["trigger_id"],
            view=build_goal_edit_modal(goal_id, competencies, draft),
        )
        return
    if what == ids.GOAL_DROP_OPEN:
        draft = goal_for_edit(ctx, goal_id, caller)
        args.client.views_open(
            trigger_id=args.body["trigger_id"], view=build_goal_drop_modal(goal_id, draft.text)
        )
        return
    statuses = {ids.GOAL_ACHIEVED: goal_store.ACHIEVED, ids.GOAL_REOPEN: goal_store.OPEN}
    if what not in statuses:
        raise Refused(
            md("That menu choice isn't one I know, so I did nothing."), reason="forbidden"
        )
    _changed, row = set_goal_status_for(ctx, args.client, goal_id, caller, statuses[what])
    today = local_today(ctx, caller)

    def rebuild() -> MessageBody:
        pairings, listed_on = work_lists(ctx, caller, None)
        return build_goals_list(pairings, listed_on)

    redraw(args, lambda blocks: _replace_goal(blocks, row, today), rebuild)


def _one_pairing(ctx: AppContext, args: Args) -> list[PairingOption]:
    (pairing_id,) = id_values(action_value(args))[:1]
    options = [o for o in pairing_options(ctx, actor_id(args), None) if o.pairing_id == pairing_id]
    if not options:
        raise Refused(
            md(
                "That belongs to a mentorship you're not part of (or one that has ended), "
                "so I left it alone."
            ),
            reason="forbidden",
        )
    return options


def handle_goal_add_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    options = _one_pairing(ctx, args)
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_goal_modal(options, offered_competencies(options)),
    )


def handle_task_add_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    options = _one_pairing(ctx, args)
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_task_modal(options, open_goals(ctx, options[0].pairing_id)),
    )


def register(app: App, ctx: AppContext) -> None:
    handlers: dict[str, Callable[[AppContext, Args], None]] = {
        ids.TASK_COMPLETE: partial(handle_task, done=True),
        ids.TASK_UNDO: partial(handle_task, done=False),
        ids.GOAL_MENU: handle_goal_menu,
        ids.GOAL_ADD_OPEN: handle_goal_add_open,
        ids.TASK_ADD_OPEN: handle_task_add_open,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
