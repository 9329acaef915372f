"""Modal submissions for requests: ask (when no focus was typed), decline, suggest someone."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.text import fmt, mention
from handlers import ids
from handlers.blocks.modals import (
    ForgedProgram,
    InvalidSubmission,
    focus_block_in,
    parse_asked_mentor,
    parse_focus_note,
    parse_metadata,
    parse_note,
    parse_program,
    parse_redirect,
)
from handlers.blocks.programs import program_of_metadata
from handlers.blocks.requests import build_request_sent
from handlers.edge import FORGED_VALUE, actor_id, edge, id_values
from handlers.flows.program_scope import member_program
from handlers.flows.requests import decline_request, redirect_request, send_request
from handlers.flows.slack import notify
from storage.db import unit_of_work


def state_values(args: Args) -> dict[str, dict[str, dict[str, object]]]:
    return dict(((args.view or {}).get("state") or {}).get("values") or {})


def metadata(args: Args) -> str:
    return str((args.view or {}).get("private_metadata") or "")


def reject(args: Args, invalid: InvalidSubmission) -> None:
    args.ack(response_action="errors", errors=invalid.errors)
    args.context["outcome"] = "bad_input"


def submitted_program(args: Args) -> int | None:
    """The program id a modal came back with; a malformed one only a forged payload carries."""
    try:
        return parse_program(state_values(args), parse_metadata(metadata(args)))
    except ForgedProgram as forged:
        raise Refused(FORGED_VALUE, reason="forbidden") from forged


def metadata_program(args: Args) -> int:
    """The program id a modal's own metadata carries (the members, report and program forms);
    a missing or malformed one only a forged payload carries."""
    program_id = program_of_metadata(metadata(args))
    if program_id is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    return program_id


def handle_ask_submission(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    program_id = submitted_program(args)
    try:
        with unit_of_work(ctx.sessions) as session:
            # Checked here, not trusted from the modal: only the caller's own programs.
            program, _ = member_program(session, ctx.settings, caller, program_id)
        focus, note = parse_focus_note(state_values(args), program.focus_areas)
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    named = str(parse_metadata(metadata(args)).get("mentor") or "")
    try:
        mentor_id = parse_asked_mentor(state_values(args), named)
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    if mentor_id == caller:
        where = ids.ASK_MENTOR_BLOCK if not named else focus_block_in(state_values(args))
        reject(args, InvalidSubmission({where: "You can't ask yourself."}))
        return
    args.ack()
    sent = send_request(
        ctx,
        args.client,
        program=program,
        mentee_id=caller,
        mentor_id=mentor_id,
        focus=focus,
        note=note,
    )
    notify(args.client, caller, build_request_sent(sent.mentor_id, sent.focus_label))


def handle_decline_submission(ctx: AppContext, args: Args) -> None:
    try:
        note = parse_note(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()
    (request_id,) = id_values(metadata(args))[:1]
    if not decline_request(ctx, args.client, request_id, actor_id(args), note):
        args.context["outcome"] = "repeat"


def handle_redirect_submission(ctx: AppContext, args: Args) -> None:
    try:
        suggested_id, note = parse_redirect(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    caller = actor_id(args)
    if suggested_id == caller:
        reject(
            args,
            InvalidSubmission({ids.SUGGEST_BLOCK: "Please suggest someone other than yourself."}),
        )
        return
    args.ack()
    (request_id,) = id_values(metadata(args))[:1]
    if redirect_request(ctx, args.client, request_id, caller, suggested_id, note):
        notify(
            args.client,
            caller,
            fmt(
                "Thanks! I've passed {suggested} on as a suggestion.",
                suggested=mention(suggested_id),
            ),
        )
    else:
        args.context["outcome"] = "repeat"


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.ASK_VIEW: handle_ask_submission,
        ids.DECLINE_VIEW: handle_decline_submission,
        ids.REDIRECT_VIEW: handle_redirect_submission,
    }
    for callback_id, handler in handlers.items():
        app.view(callback_id)(edge(f"view:{callback_id}", partial(handler, ctx)))
