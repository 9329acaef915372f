"""The program picker in the ask and assign modals: choosing a program redraws the modal with
that program's focus areas (views.update), after checking the chooser may act in it."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from handlers import ids
from handlers.blocks.modals import (
    FocusForm,
    ForgedProgram,
    InvalidSubmission,
    ProgramPick,
    build_ask_modal,
    build_assign_modal,
    parse_metadata,
    parse_note,
    program_id_of,
)
from handlers.edge import FORGED_VALUE, actor_id, edge
from handlers.flows.modals import update_modal
from handlers.flows.program_scope import coordinated_program, member_program
from storage.db import unit_of_work

log = get_logger("mentorbot.programs")


def _picked(args: Args) -> tuple[dict[str, Any], int, dict[str, Any], str]:
    """The modal, the program chosen in it, its metadata and the note typed so far."""
    view = dict(args.body.get("view") or {})
    values = dict((view.get("state") or {}).get("values") or {})
    option = (args.action or {}).get("selected_option") or {}
    try:
        program_id = program_id_of(option.get("value"))
    except ForgedProgram as forged:
        raise Refused(FORGED_VALUE, reason="forbidden") from forged
    try:
        note = parse_note(values)
    except InvalidSubmission:
        note = ""  # too long: the modal shows it again when submitted
    return view, program_id, parse_metadata(str(view.get("private_metadata") or "")), note


def _redraw(ctx: AppContext, args: Args, view: dict[str, Any], updated: dict[str, Any]) -> None:
    update_modal(ctx, args.client, actor_id(args), view, updated)


def handle_ask_program(ctx: AppContext, args: Args) -> None:
    args.ack()
    caller = actor_id(args)
    view, program_id, meta, note = _picked(args)
    with unit_of_work(ctx.sessions) as session:
        program, options = member_program(session, ctx.settings, caller, program_id)
    pick = ProgramPick(tuple((p.id, p.name) for p in options), program.id)
    updated = build_ask_modal(
        str(meta.get("mentor") or ""), FocusForm(program.focus_areas, note, pick=pick)
    )
    _redraw(ctx, args, view, updated)


def handle_assign_program(ctx: AppContext, args: Args) -> None:
    args.ack()
    caller = actor_id(args)
    view, program_id, meta, note = _picked(args)
    with unit_of_work(ctx.sessions) as session:
        program, options = coordinated_program(session, ctx.settings, caller, program_id)
    pick = ProgramPick(tuple((p.id, p.name) for p in options), program.id)
    updated = build_assign_modal(
        str(meta.get("mentor") or ""),
        str(meta.get("mentee") or ""),
        FocusForm(program.focus_areas, note, pick=pick),
    )
    _redraw(ctx, args, view, updated)


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.ASK_PROGRAM_INPUT: handle_ask_program,
        ids.ASSIGN_PROGRAM_INPUT: handle_assign_program,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
