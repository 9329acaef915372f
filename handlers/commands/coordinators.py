"""Coordinator subcommands: ``/mentor digest`` (an ephemeral preview) and ``/mentor report``,
each for one program: the only one the caller coordinates, or the one named with
``in <program>``."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.programs import ProgramConfig
from bot.text import Mrkdwn, fmt, md
from handlers.blocks.digest import build_digest
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, program_hint, respond_text
from handlers.flows.digest import (
    ReportProgram,
    engagement_chart,
    preview_digest,
    report_csv,
    report_program,
    week_before,
)
from handlers.flows.feedback import feedback_report_csv
from handlers.flows.shared_work import shared_goals_csv
from handlers.flows.slack import share_files
from storage.reports import Period


def handle_digest(ctx: AppContext, args: Args, command: parsing.Digest) -> None:
    user = actor_id(args)
    args.ack()
    view = preview_digest(ctx, user, program_hint(args))
    digest = build_digest(view)
    respond_text(args, digest.text, digest.blocks, response_type="ephemeral")


def report_period(ctx: AppContext, program: ProgramConfig, command: parsing.Report) -> Period:
    """The days asked for, whole days in the program's zone; by default the last 7 days."""
    if command.start is None or command.end is None:
        return week_before(ctx.now())
    zone = program.zone
    start = datetime.combine(command.start, time(0), zone).astimezone(UTC)
    end = datetime.combine(command.end + timedelta(days=1), time(0), zone).astimezone(UTC)
    return Period(start=start, end=end)


def describe_period(command: parsing.Report) -> str:
    if command.start is None or command.end is None:
        return "the last 7 days"
    return f"{command.start.isoformat()} to {command.end.isoformat()}"


def handle_report(ctx: AppContext, args: Args, command: parsing.Report) -> None:
    user = actor_id(args)
    chosen = report_program(ctx, user, program_hint(args))
    program = chosen.program
    ack_text(args, md("Preparing your report; it will arrive in our DM."))
    dm = args.client.conversations_open(users=user)
    channel = str(dm["channel"]["id"])
    if command.kind == "chart":
        share_files(
            args.client,
            channel,
            md("Weekly engagement over the last 12 weeks."),
            [
                {
                    "filename": "engagement.png",
                    "title": "Weekly engagement",
                    "content": engagement_chart(ctx, user, program.id),
                }
            ],
        )
        return
    period = report_period(ctx, program, command)
    pairings, teaching = report_csv(ctx, user, program.id, period)
    goals, sharing = shared_goals_csv(ctx, user, program.id)
    feedback, comments = feedback_report_csv(ctx, user, program.id, period)
    share_files(
        args.client,
        channel,
        report_comment(chosen, describe_period(command), shared_goals_note(sharing)),
        [
            {"filename": "pairings.csv", "title": "Pairings", "content": pairings},
            {"filename": "teaching-record.csv", "title": "Teaching record", "content": teaching},
            {"filename": "shared-goals.csv", "title": "Shared goals and tasks", "content": goals},
            {"filename": "feedback.csv", "title": "Feedback by focus", "content": feedback},
            {
                "filename": "feedback-comments.csv",
                "title": "Shared end-of-mentorship comments",
                "content": comments,
            },
        ],
    )


def report_comment(chosen: ReportProgram, period: str, goals: Mrkdwn) -> Mrkdwn:
    """What the report holds; the program is named where there are several."""
    if chosen.named:
        return fmt(
            "Here is the mentorship report of {program} for {period}. {goals}",
            program=chosen.program.name,
            period=period,
            goals=goals,
        )
    return fmt("Here is the mentorship report for {period}. {goals}", period=period, goals=goals)


def shared_goals_note(pairs: int) -> Mrkdwn:
    """What the goals file holds, for the report's comment."""
    if pairs == 0:
        return md(
            "No pair shares its goals with coordinators at the moment, so the goals file "
            "has headings only."
        )
    return fmt(
        "The goals file holds the goals and open tasks of the {counted} whose members both "
        "agree to share them.",
        counted="1 pair" if pairs == 1 else f"{pairs} pairs",
    )


ROUTES: Routes = {
    parsing.Digest: Route(("digest",), handle_digest),
    parsing.Report: Route(("report",), handle_report),
}
