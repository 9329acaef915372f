"""Program subcommands: ``/mentor programs``, ``program add | edit | members``, ``join`` and
``leave``."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from handlers.blocks.programs import build_members_modal, build_program_modal, build_programs_list
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, program_hint
from handlers.flows.program_admin import (
    draft_for_edit,
    join_program,
    leave_program,
    members_draft,
    programs_listing,
    require_admin,
    typed_program_name,
)


def handle_programs(ctx: AppContext, args: Args, command: parsing.Programs) -> None:
    listing = programs_listing(ctx, actor_id(args))
    shown = build_programs_list(
        listing.managed, listing.mine, listing.joinable, is_admin=listing.is_admin
    )
    ack_text(args, shown.text, shown.blocks)


def handle_program_add(ctx: AppContext, args: Args, command: parsing.ProgramAdd) -> None:
    require_admin(ctx.settings, actor_id(args))
    args.ack()
    args.client.views_open(
        trigger_id=args.body["trigger_id"], view=build_program_modal(None, program_id=None)
    )


def handle_program_edit(ctx: AppContext, args: Args, command: parsing.ProgramEdit) -> None:
    name = typed_program_name(ctx, command.name, program_hint(args))
    draft = draft_for_edit(ctx, actor_id(args), name)
    args.ack()
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_program_modal(
            draft.form,
            program_id=draft.program_id,
            installation_coordinators=draft.installation_coordinators,
        ),
    )


def handle_program_members(ctx: AppContext, args: Args, command: parsing.ProgramMembers) -> None:
    draft = members_draft(ctx, actor_id(args), program_hint(args))
    args.ack()
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_members_modal(draft.program_id, draft.name, draft.members, draft.trainees),
    )


def handle_join(ctx: AppContext, args: Args, command: parsing.Join) -> None:
    name = typed_program_name(ctx, command.name, program_hint(args)) or command.name
    ack_text(args, join_program(ctx, actor_id(args), name))


def handle_leave(ctx: AppContext, args: Args, command: parsing.Leave) -> None:
    name = typed_program_name(ctx, command.name, program_hint(args)) or command.name
    ack_text(args, leave_program(ctx, actor_id(args), name))


ROUTES: Routes = {
    parsing.Programs: Route(("programs",), handle_programs),
    parsing.ProgramAdd: Route(("program",), handle_program_add),
    parsing.ProgramEdit: Route(("program",), handle_program_edit),
    parsing.ProgramMembers: Route(("program",), handle_program_members),
    parsing.Join: Route(("join",), handle_join),
    parsing.Leave: Route(("leave",), handle_leave),
}
