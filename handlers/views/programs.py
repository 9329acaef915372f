"""Program modal submissions: the admin's add/edit modal and the members modal. Each re-checks
who acts; a refused submission changes nothing."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.text import fmt, md, plural
from handlers import ids
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.programs import (
    parse_members,
    parse_program_submission,
    program_of_metadata,
)
from handlers.edge import actor_id, edge
from handlers.flows.home import publish_home
from handlers.flows.program_admin import (
    change_members,
    name_problem,
    require_admin,
    save_program,
    sync_linked_members,
)
from handlers.flows.slack import notify
from handlers.views.requests import metadata, metadata_program, reject, state_values


def handle_program_submission(ctx: AppContext, args: Args) -> None:
    admin = actor_id(args)
    require_admin(ctx.settings, admin)
    try:
        form = parse_program_submission(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    program_id = program_of_metadata(metadata(args))
    problem = name_problem(ctx, program_id, form.name)
    if problem is not None:
        reject(args, InvalidSubmission({ids.PROGRAM_NAME_BLOCK: problem}))
        return
    args.ack()
    saved = save_program(ctx, admin, program_id, form)
    notify(
        args.client,
        admin,
        fmt(
            "{done} *{name}*. `/mentor programs` shows it.",
            done=md("Created") if saved.created else md("Saved"),
            name=saved.name,
        ),
    )
    if saved.relinked:
        sync_linked_members(
            ctx,
            args.client,
            saved.program_id,
            tell=admin,
            bot_user=args.context.get("bot_user_id"),
        )


def handle_members_submission(ctx: AppContext, args: Args) -> None:
    user = actor_id(args)
    try:
        changes = parse_members(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    args.ack()  # the form is valid: the writes (and what leaving a program ends) come after
    changed = change_members(ctx, user, metadata_program(args), changes)
    note = fmt(
        "{name}: {added} added, {removed} removed.",
        name=changed.name,
        added=plural(len(changed.added), "person", "people"),
        removed=plural(changed.removed, "person", "people"),
    )
    if changed.marked or changed.unmarked:
        note = fmt(
            "{note} Trainees: {marked} marked, {unmarked} no longer.",
            note=note,
            marked=len(changed.marked),
            unmarked=changed.unmarked,
        )
    notify(args.client, user, note)
    publish_home(ctx, args.client, user)  # the coordinator's desk counts members and trainees


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.PROGRAM_VIEW)(
        edge(f"view:{ids.PROGRAM_VIEW}", partial(handle_program_submission, ctx))
    )
    app.view(ids.PROGRAM_MEMBERS_VIEW)(
        edge(f"view:{ids.PROGRAM_MEMBERS_VIEW}", partial(handle_members_submission, ctx))
    )
