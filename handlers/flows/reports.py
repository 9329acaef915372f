"""Reports to a coordinator's DM: the CSV files of a period, the engagement chart, or the audit
log, of one program they coordinate, whether asked for with ``/mentor report`` or from Home's
**Report…**. The program is resolved (and the caller checked) before anything is acked; the
files go after."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from slack_sdk import WebClient

from bot import commands as parsing
from bot.context import AppContext
from bot.programs import ProgramConfig
from bot.text import Mrkdwn, fmt, md
from handlers.flows.audit import audit_action, audit_csv
from handlers.flows.digest import (
    ReportProgram,
    engagement_chart,
    report_csv,
    week_before,
)
from handlers.flows.feedback import feedback_report_csv
from handlers.flows.shared_work import shared_goals_csv
from handlers.flows.slack import share_files
from storage.reports import Period


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


def _dm(client: WebClient, user: str) -> str:
    return str(client.conversations_open(users=user)["channel"]["id"])


def send_audit_report(ctx: AppContext, client: WebClient, user: str, hint: str | None) -> None:
    """The program's audit log, to the caller's DM."""
    program, content = audit_csv(ctx, user, hint)
    share_files(
        client,
        _dm(client, user),
        fmt("The audit log of {program}: what its coordinators did, and when.", program=program),
        [{"filename": "audit-log.csv", "title": "Audit log", "content": content}],
    )


def send_report(
    ctx: AppContext,
    client: WebClient,
    user: str,
    chosen: ReportProgram,
    command: parsing.Report,
    hint: str | None,
) -> None:
    """The report ``command`` asks for, of ``chosen`` (already checked), to the caller's DM."""
    if command.kind == "audit":
        send_audit_report(ctx, client, user, hint)
        return
    program = chosen.program
    channel = _dm(client, user)
    if command.kind == "chart":
        audit_action(ctx, program_id=program.id, actor=user, action="report.chart")
        share_files(
            client,
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
        client,
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
