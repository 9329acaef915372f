"""Buttons on goals and tasks: Mark complete / Undo, the goal menu, and the add buttons.

A tap redraws what was tapped: the row in a message (task DM, check-in, list) is replaced in
place; an ephemeral list is redrawn whole; App Home is republished by the flow itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import md
from handlers import ids
from handlers.blocks.common import MessageBody
from handlers.blocks.work import (
    build_goals_list,
    build_tasks_list,
)
from handlers.blocks.work_modals import (
    PairingOption,
    build_goal_drop_modal,
    build_goal_edit_modal,
    build_goal_modal,
    build_task_modal,
)
from handlers.edge import action_value, actor_id, edge, id_values, respond_text
from handlers.flows.work import (
    goal_competencies,
    goal_for_edit,
    offered_competencies,
    open_goals,
    pairing_options,
    set_goal_status_for,
    set_task_done,
    work_lists,
)
from handlers.tapped import InEphemeral, OnHome, Tapped, tapped
from storage import goals as goal_store


def redraw_listing(args: Args, where: Tapped, rebuild: Callable[[], MessageBody]) -> None:
    """Redraw an ephemeral list that was tapped, rebuilt from the database for the tapper.
    Recorded messages are redrawn by the flows; App Home is republished by them."""
    if isinstance(where, InEphemeral):
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
    where = tapped(args.body)
    set_task_done(ctx, args.client, task_id, caller, done=done, where=where)

    def rebuild() -> MessageBody:
        pairings, listed_on = work_lists(ctx, caller, None)
        return build_tasks_list(pairings, listed_on, caller)

    redraw_listing(args, where, rebuild)


NOT_A_GOAL_LIST = md(
    "That menu isn't one I drew for you, so I did nothing. Use `/mentor goals` or my Home tab."
)


def handle_goal_menu(ctx: AppContext, args: Args) -> None:
    args.ack()
    chosen = str(((args.action or {}).get("selected_option") or {}).get("value") or "")
    what, _, raw_id = chosen.rpartition(":")
    (goal_id,) = id_values(raw_id)[:1]
    caller = actor_id(args)
    where = tapped(args.body)
    if not isinstance(where, OnHome | InEphemeral):
        # Goal menus are drawn only on Home and in `/mentor goals`, never in a message.
        raise Refused(NOT_A_GOAL_LIST, reason="forbidden")
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
    set_goal_status_for(ctx, args.client, goal_id, caller, statuses[what])

    def rebuild() -> MessageBody:
        pairings, listed_on = work_lists(ctx, caller, None)
        return build_goals_list(pairings, listed_on)

    redraw_listing(args, where, rebuild)


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
