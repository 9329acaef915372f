"""The coordinator's desk on Home: the program picker, and the Actions row (Match…, Survey…,
Report…, Digest preview, Members…, Program settings), each opening the modal or flow its typed
command opens, for the program the button names once the tapper is checked as its coordinator
(an admin for Program settings): a button's value is only a claim."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, Args

from bot.context import AppContext
from bot.errors import Refused
from bot.programs import ProgramConfig
from handlers import ids
from handlers.blocks.desk import parse_program_value
from handlers.blocks.digest import build_digest, build_digest_preview_modal
from handlers.blocks.feedback import build_pulse_modal
from handlers.blocks.matching import build_match_modal
from handlers.blocks.programs import build_members_modal, build_program_modal
from handlers.blocks.report_modal import build_report_modal
from handlers.edge import FORGED_VALUE, action_value, actor_id, edge
from handlers.flows.digest import preview_digest
from handlers.flows.home import publish_home, today_of
from handlers.flows.modals import open_modal
from handlers.flows.program_admin import draft_for_edit, members_draft, require_admin
from handlers.flows.programs import require_coordinator_of
from storage.db import unit_of_work
from storage.people import choose_home_program


def _chosen_value(args: Args) -> str:
    option = (args.action or {}).get("selected_option")
    return str(option.get("value") or "") if isinstance(option, dict) else ""


def _program(ctx: AppContext, args: Args, raw: str) -> ProgramConfig:
    """The program a desk control names, when the tapper coordinates it; refused otherwise."""
    program_id = parse_program_value(raw)
    if program_id is None:
        raise Refused(FORGED_VALUE, reason="forbidden")
    with unit_of_work(ctx.sessions) as session:
        return require_coordinator_of(session, ctx.settings, program_id, actor_id(args))


def handle_pick(ctx: AppContext, args: Args) -> None:
    """The picker: remember the program chosen and redraw Home with it."""
    program = _program(ctx, args, _chosen_value(args))
    user = actor_id(args)
    with unit_of_work(ctx.sessions) as session:
        choose_home_program(session, user, program.id)
    args.ack()
    publish_home(ctx, args.client, user)


def _open(ctx: AppContext, args: Args, view: dict[str, Any]) -> None:
    open_modal(ctx, args.client, actor_id(args), args.body["trigger_id"], view)


def handle_match(ctx: AppContext, args: Args) -> None:
    program = _program(ctx, args, action_value(args))
    args.ack()
    _open(ctx, args, build_match_modal(program.id, program.name, program.focus_areas))


def handle_survey(ctx: AppContext, args: Args) -> None:
    program = _program(ctx, args, action_value(args))
    args.ack()
    _open(ctx, args, build_pulse_modal(program.id, program.name))


def handle_report(ctx: AppContext, args: Args) -> None:
    program = _program(ctx, args, action_value(args))
    user = actor_id(args)
    args.ack()
    _open(ctx, args, build_report_modal(program.id, program.name, today_of(ctx, user)))


def handle_digest(ctx: AppContext, args: Args) -> None:
    """The program's digest as it would post now, in a modal: its at-risk buttons act as on
    the digest and redraw it."""
    program = _program(ctx, args, action_value(args))
    args.ack()
    digest = build_digest(preview_digest(ctx, actor_id(args), program.name))
    _open(ctx, args, build_digest_preview_modal(digest))


def handle_members(ctx: AppContext, args: Args) -> None:
    program = _program(ctx, args, action_value(args))
    draft = members_draft(ctx, actor_id(args), program.name)
    args.ack()
    _open(
        ctx, args, build_members_modal(draft.program_id, draft.name, draft.members, draft.trainees)
    )


def handle_settings(ctx: AppContext, args: Args) -> None:
    require_admin(ctx.settings, actor_id(args))
    program = _program(ctx, args, action_value(args))
    draft = draft_for_edit(ctx, actor_id(args), program.name)
    args.ack()
    _open(
        ctx,
        args,
        build_program_modal(
            draft.form,
            program_id=draft.program_id,
            installation_coordinators=draft.installation_coordinators,
        ),
    )


def register(app: App, ctx: AppContext) -> None:
    handlers: dict[str, Callable[[AppContext, Args], None]] = {
        ids.HOME_PROGRAM_PICK: handle_pick,
        ids.HOME_MATCH: handle_match,
        ids.HOME_SURVEY: handle_survey,
        ids.HOME_REPORT: handle_report,
        ids.HOME_DIGEST: handle_digest,
        ids.HOME_MEMBERS: handle_members,
        ids.HOME_SETTINGS: handle_settings,
    }
    for action_id, handler in handlers.items():
        app.action(action_id)(edge(f"action:{action_id}", partial(handler, ctx)))
