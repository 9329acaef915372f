"""Home's **Report…** modal: the report chosen, for the program the modal was opened for, to the
coordinator's DM (the same files as ``/mentor report``)."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.text import md
from handlers import ids
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.report_modal import parse_report_submission
from handlers.edge import actor_id, edge
from handlers.flows.digest import ReportProgram, several_programs
from handlers.flows.programs import require_coordinator_of
from handlers.flows.reports import send_report
from handlers.flows.slack import notify
from handlers.views.requests import metadata_program, reject, state_values
from storage.db import unit_of_work


def handle_report_submission(ctx: AppContext, args: Args) -> None:
    user = actor_id(args)
    try:
        command = parse_report_submission(state_values(args))
    except InvalidSubmission as invalid:
        reject(args, invalid)
        return
    with unit_of_work(ctx.sessions) as session:
        program = require_coordinator_of(session, ctx.settings, metadata_program(args), user)
        chosen = ReportProgram(program, several_programs(session))
    args.ack()
    notify(args.client, user, md("Preparing your report; it will arrive here in a moment."))
    send_report(ctx, args.client, user, chosen, command, program.name)


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.REPORT_VIEW)(
        edge(f"view:{ids.REPORT_VIEW}", partial(handle_report_submission, ctx))
    )
