"""Coordinator subcommands: ``/mentor digest`` (an ephemeral preview) and ``/mentor report``,
each for one program: the only one the caller coordinates, or the one named with
``in <program>``."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.text import md
from handlers.blocks.digest import build_digest
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, program_hint, respond_text
from handlers.flows.digest import preview_digest, report_program
from handlers.flows.reports import send_audit_report, send_report


def handle_digest(ctx: AppContext, args: Args, command: parsing.Digest) -> None:
    user = actor_id(args)
    args.ack()
    view = preview_digest(ctx, user, program_hint(args))
    digest = build_digest(view)
    respond_text(args, digest.text, digest.blocks, response_type="ephemeral")


def handle_report(ctx: AppContext, args: Args, command: parsing.Report) -> None:
    user = actor_id(args)
    hint = program_hint(args)
    if command.kind == "audit":
        report_program(ctx, user, hint)  # refused, before the ack, unless they coordinate it
        ack_text(args, md("Preparing the audit log; it will arrive in our DM."))
        send_audit_report(ctx, args.client, user, hint)
        return
    chosen = report_program(ctx, user, hint)
    ack_text(args, md("Preparing your report; it will arrive in our DM."))
    send_report(ctx, args.client, user, chosen, command, hint)


ROUTES: Routes = {
    parsing.Digest: Route(("digest",), handle_digest),
    parsing.Report: Route(("report",), handle_report),
}
