"""Buttons of profiles and the directory: open a profile, Find a mentor (Home), the program
picker, Show more, Filters, Ask, join and leave the waiting list, and the Ask in a place-free
notice.

A button's value and a modal's metadata are only claims: the flows re-check the program,
focus and mentor against who acts (Slack's signature) before anything changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import fmt, mention
from handlers import ids
from handlers.blocks.common import section
from handlers.blocks.directory import (
    ForgedSearch,
    build_filters_modal,
    build_note_view,
    build_place_free_done,
    build_waiting_joined_view,
    parse_page,
)
from handlers.edge import action_value, actor_id, edge, id_values, respond_text
from handlers.flows.directory import (
    ask_from_directory,
    ask_from_waiting_list,
    filters_choices,
    find_view,
    forged,
    join_waiting,
    leave_waiting,
    open_profile_modal,
    parse_search_or_refuse,
    program_results_view,
    results_view,
)
from handlers.flows.modals import open_modal, update_modal


def _view(args: Args) -> dict[str, Any]:
    view = args.body.get("view")
    if not isinstance(view, dict) or not view.get("id"):
        raise forged()
    return view


def _update(ctx: AppContext, args: Args, view: dict[str, Any]) -> None:
    update_modal(ctx, args.client, actor_id(args), _view(args), view)


def handle_profile_open(which: str, ctx: AppContext, args: Args) -> None:
    args.ack()
    open_profile_modal(ctx, args.client, actor_id(args), which, args.body["trigger_id"])


def handle_find(ctx: AppContext, args: Args) -> None:
    args.ack()
    caller = actor_id(args)
    view = find_view(ctx, args.client, caller, hint=None, focus=None, words=(), typed=False)
    open_modal(ctx, args.client, caller, args.body["trigger_id"], view)


def handle_more(ctx: AppContext, args: Args) -> None:
    args.ack()
    search = parse_search_or_refuse(str(_view(args).get("private_metadata") or ""))
    try:
        page = parse_page(action_value(args))
    except ForgedSearch as error:
        raise forged() from error
    _update(ctx, args, results_view(ctx, actor_id(args), replace(search, page=page)))


def handle_filters_open(ctx: AppContext, args: Args) -> None:
    args.ack()
    search = parse_search_or_refuse(str(_view(args).get("private_metadata") or ""))
    choices = filters_choices(ctx, actor_id(args), search)
    # The filters replace the results in the same modal; their submission brings results back.
    _update(ctx, args, build_filters_modal(search, choices.areas, choices.specialties))


def handle_ask(ctx: AppContext, args: Args) -> None:
    args.ack()
    search = parse_search_or_refuse(str(_view(args).get("private_metadata") or ""))
    try:
        sent = ask_from_directory(ctx, args.client, actor_id(args), search, action_value(args))
    except Refused as refusal:
        if refusal.reason == "forbidden":
            raise
        _update(ctx, args, build_note_view("Find a mentor", refusal.message))
        args.context["outcome"] = refusal.reason
        return
    _update(
        ctx,
        args,
        build_note_view(
            "Request sent",
            fmt(
                "I've asked {mentor} to mentor you for {focus}, with your profile's note. "
                "I'll tell you when they answer; `/mentor withdraw` cancels it.",
                mentor=mention(sent.mentor_id),
                focus=sent.focus_label,
            ),
        ),
    )


def handle_program(ctx: AppContext, args: Args) -> None:
    args.ack()
    search = parse_search_or_refuse(str(_view(args).get("private_metadata") or ""))
    option = (args.action or {}).get("selected_option") or {}
    raw = option.get("value") if isinstance(option, dict) else None
    _update(ctx, args, program_results_view(ctx, actor_id(args), search, raw))


def handle_wait(ctx: AppContext, args: Args) -> None:
    args.ack()
    search = parse_search_or_refuse(str(_view(args).get("private_metadata") or ""))
    said, entry_id = join_waiting(ctx, actor_id(args), search, action_value(args))
    _update(ctx, args, build_waiting_joined_view(said, entry_id))


def handle_waiting_leave(ctx: AppContext, args: Args) -> None:
    """Leave from the confirmation modal (redrawn) or from the place-free DM (replaced)."""
    args.ack()
    (entry_id,) = id_values(action_value(args))[:1]
    said = leave_waiting(ctx, actor_id(args), entry_id)
    if args.body.get("view"):
        _update(ctx, args, build_note_view("Waiting list", said))
    else:
        respond_text(args, said, [section(said)], replace_original=True)


def handle_waiting_ask(ctx: AppContext, args: Args) -> None:
    args.ack()
    (entry_id,) = id_values(action_value(args))[:1]
    mentor_id, label, sent = ask_from_waiting_list(ctx, args.client, actor_id(args), entry_id)
    done = build_place_free_done(mentor_id, label, sent is not None)
    if sent is None:
        args.context["outcome"] = "gone"
    respond_text(args, done.text, done.blocks, replace_original=True)


def register(app: App, ctx: AppContext) -> None:
    handlers: dict[str, Callable[[AppContext, Args], None]] = {
        ids.PROFILE_MENTOR_OPEN: partial(handle_profile_open, "mentor"),
        ids.PROFILE_TRAINEE_OPEN: partial(handle_profile_open, "trainee"),
        ids.DIRECTORY_FIND: handle_find,
        ids.DIRECTORY_MORE: handle_more,
        ids.DIRECTORY_FILTERS_OPEN: handle_filters_open,
        ids.DIRECTORY_ASK: handle_ask,
        ids.DIRECTORY_WAIT: handle_wait,
        ids.WAITING_ASK: handle_waiting_ask,
        ids.WAITING_LEAVE: handle_waiting_leave,
        ids.DIRECTORY_PROGRAM: handle_program,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
