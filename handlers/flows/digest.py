"""The coordinator digest: building it for a period, the weekly post, the CSV export, and the
at-risk actions (nudge, close) coordinators take from it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.chart import render_engagement_chart
from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.settings import Settings
from bot.spreadsheet import safe_cell
from bot.text import fmt, md, mention
from bot.tick import StepResult, TickContext
from handlers.blocks.digest import DigestView, build_digest, digest_text
from handlers.flows.delivery import Kind, Message, deliver
from handlers.flows.home import refresh_homes
from handlers.flows.pairings import assign_pairing
from handlers.flows.slack import focus_label, local_date, notify, slack_error
from storage.db import unit_of_work
from storage.models import ScheduledSend
from storage.outbox import enqueue, get_send
from storage.pairings import close_pairing, get_pairing, is_open
from storage.reports import (
    PAIRING_COLUMNS,
    TEACHING_COLUMNS,
    Period,
    at_risk,
    digest_numbers,
    pairing_rows,
    teaching_record,
    weekly_engagement,
)

log = get_logger("mentorbot.digest")

DIGEST = "digest"
CHART_WEEKS = 12


def require_coordinator(settings: Settings, user_id: str) -> None:
    if not settings.is_coordinator(user_id):
        log.warning("digest.refused", user=user_id)
        raise Refused(
            md(
                "That's for program coordinators. If you think you should have access, "
                "please ask your program director."
            ),
            reason="forbidden",
        )


def digest_slot(now: datetime, settings: Settings) -> datetime:
    """The most recent weekly digest time at or before ``now`` (local weekday and time)."""
    zone = ZoneInfo(settings.default_timezone)
    local = now.astimezone(zone)
    hour, minute = (int(p) for p in settings.digest_time.split(":"))
    day = local.date() - timedelta(days=(local.weekday() - settings.digest_weekday) % 7)
    slot = datetime.combine(day, time(hour, minute), zone)
    if slot > now:
        slot = datetime.combine(day - timedelta(days=7), time(hour, minute), zone)
    return slot.astimezone(UTC)


def week_before(end: datetime) -> Period:
    return Period(start=end - timedelta(days=7), end=end)


def digest_key(slot: datetime, settings: Settings) -> str:
    year, week, _ = slot.astimezone(ZoneInfo(settings.default_timezone)).isocalendar()
    return f"{DIGEST}/{year}-W{week:02d}"


def build_digest_view(
    session: Session, settings: Settings, period: Period, now: datetime
) -> DigestView:
    today = local_date(now, None, settings)
    return DigestView(
        start=local_date(period.start, None, settings),
        end=local_date(period.end - timedelta(seconds=1), None, settings),
        numbers=digest_numbers(session, period, now),
        risk=at_risk(session, now, today),
        now=now,
    )


def preview_digest(ctx: AppContext, user_id: str) -> DigestView:
    require_coordinator(ctx.settings, user_id)
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        return build_digest_view(session, ctx.settings, week_before(now), now)


def chart_png(session: Session, now: datetime) -> bytes:
    weeks = [week_before(now - timedelta(days=7 * i)) for i in reversed(range(CHART_WEEKS))]
    return render_engagement_chart(weekly_engagement(session, weeks))


def engagement_chart(ctx: AppContext) -> bytes:
    """The 12-week engagement chart as PNG bytes, for ``/mentor report chart``."""
    with unit_of_work(ctx.sessions) as session:
        return chart_png(session, ctx.now())


def _render_digest(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    channel = ctx.settings.coordinator_channel
    if not channel:
        return "no coordinator channel configured"
    view = build_digest_view(session, ctx.settings, week_before(send.slot_at), ctx.now())
    return Message(to=channel, text=digest_text(view), blocks=build_digest(view))


KINDS: dict[str, Kind] = {DIGEST: Kind(_render_digest)}


# A digest missed by more than this (the bot was down, or was just installed) waits for the
# next week's slot instead of arriving on a random weekday.
DIGEST_GRACE = timedelta(hours=12)


def post_weekly_digest(tick: TickContext) -> StepResult:
    """Post the week's digest once, at the configured local weekday and time, with the chart."""
    settings = tick.app.settings
    channel = settings.coordinator_channel
    if not channel:
        return StepResult()
    slot = digest_slot(tick.now, settings)
    if tick.now - slot > DIGEST_GRACE:
        return StepResult()  # this week's moment has passed (a new install, long downtime)
    key = digest_key(slot, settings)
    with unit_of_work(tick.app.sessions) as session:
        send = enqueue(session, key=key, kind=DIGEST, slot_at=slot, now=tick.now, recipient=channel)
        if send is None:
            return StepResult()
        session.flush()
        send_id = send.id
    result = deliver(tick, KINDS, [send_id])
    result.due += 1
    if result.sent:
        _attach_chart(tick, key, channel)
    return result


def _attach_chart(tick: TickContext, key: str, channel: str) -> None:
    """The chart follows the digest in its thread; a failure leaves the digest standing."""
    with unit_of_work(tick.app.sessions) as session:
        send = get_send(session, key)
        thread_ts = send.ts if send is not None else None
        png = chart_png(session, tick.now)
    try:
        tick.client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            filename="engagement.png",
            title="Weekly engagement, last 12 weeks",
            content=png,
        )
    except SlackApiError as error:
        log.warning("digest.chart.failed", error=slack_error(error))


def report_csv(ctx: AppContext, user_id: str, period: Period) -> tuple[bytes, bytes]:
    """(pairings CSV, teaching record CSV) for the period; coordinators only."""
    require_coordinator(ctx.settings, user_id)
    with unit_of_work(ctx.sessions) as session:
        return build_pairings_csv(session, ctx.settings, period), build_teaching_csv(
            session, period
        )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_pairings_csv(session: Session, settings: Settings, period: Period) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAIRING_COLUMNS)
    labels: dict[str, str] = {}
    for row in pairing_rows(session, period):
        label = labels.get(row.focus) or labels.setdefault(
            row.focus, focus_label(settings, row.focus)
        )
        writer.writerow(
            (
                row.pairing_id,
                row.mentor_id,
                row.mentee_id,
                safe_cell(label),
                _iso(row.started),
                row.status,
                row.checkins_held,
                row.tasks_done,
                row.goals_achieved,
                _iso(row.last_activity),
            )
        )
    return out.getvalue().encode()


def build_teaching_csv(session: Session, period: Period) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEACHING_COLUMNS)
    for row in teaching_record(session, period):
        hours = "" if row.minutes is None else f"{row.minutes / 60:.2f}"
        writer.writerow((row.mentor_id, row.meetings_held, hours))
    return out.getvalue().encode()


def nudge_pair(ctx: AppContext, client: WebClient, pairing_id: int, coordinator_id: str) -> None:
    require_coordinator(ctx.settings, coordinator_id)
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id)
        if pairing is None or not is_open(pairing):
            raise Refused(md("That mentorship has already ended."), reason="bad_input")
        mentor_id, mentee_id = pairing.mentor_id, pairing.mentee_id
    for person, other in ((mentor_id, mentee_id), (mentee_id, mentor_id)):
        notify(
            client,
            person,
            fmt(
                "Hello! Your program coordinator {coordinator} is checking in: how are "
                "things going with {other}? If it's been a while, now is a lovely time "
                "to find a moment to meet. If something isn't working, just reply to "
                "your coordinator.",
                coordinator=mention(coordinator_id),
                other=mention(other),
            ),
        )


def close_from_digest(
    ctx: AppContext, client: WebClient, pairing_id: int, coordinator_id: str
) -> bool:
    """End the pairing with the coordinator recorded as closer; both members are told kindly."""
    require_coordinator(ctx.settings, coordinator_id)
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id, lock=True)
        if pairing is None:
            raise Refused(md("I couldn't find that mentorship."), reason="bad_input")
        if not is_open(pairing):
            return False
        close_pairing(
            session,
            pairing,
            by=coordinator_id,
            completed=False,
            reason="Closed by a coordinator from the digest",
            reason_visibility="coordinators",
            now=now,
        )
        mentor_id, mentee_id = pairing.mentor_id, pairing.mentee_id
        label = focus_label(ctx.settings, pairing.focus)
    for person, other in ((mentor_id, mentee_id), (mentee_id, mentor_id)):
        notify(
            client,
            person,
            fmt(
                "Your program coordinator {coordinator} has closed your mentorship with "
                "{other} ({label}). Thank you for the time you gave it. If you'd like a "
                "new mentorship, `/mentor ask @person` is always open.",
                coordinator=mention(coordinator_id),
                other=mention(other),
                label=label,
            ),
        )
    refresh_homes(ctx, client, mentor_id, mentee_id)
    return True


def reassign_from_digest(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    coordinator_id: str,
    new_mentor_id: str,
    note: str,
) -> int:
    """Close the stalled pairing (coordinator recorded) and introduce the mentee to a new
    mentor for the same focus; returns the new pairing's id."""
    require_coordinator(ctx.settings, coordinator_id)
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id)
        if pairing is None or not is_open(pairing):
            raise Refused(md("That mentorship has already ended."), reason="bad_input")
        mentor_id, mentee_id, focus = pairing.mentor_id, pairing.mentee_id, pairing.focus
    if new_mentor_id in (mentor_id, mentee_id):
        raise Refused(
            md("Please choose someone other than the current mentor and the mentee."),
            reason="bad_input",
        )
    close_from_digest(ctx, client, pairing_id, coordinator_id)
    return assign_pairing(
        ctx,
        client,
        coordinator_id=coordinator_id,
        mentor_id=new_mentor_id,
        mentee_id=mentee_id,
        focus=focus,
        note=note,
    )


def reassign_parties(ctx: AppContext, pairing_id: int, coordinator_id: str) -> tuple[str, str]:
    require_coordinator(ctx.settings, coordinator_id)
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id)
        if pairing is None or not is_open(pairing):
            raise Refused(md("That mentorship has already ended."), reason="bad_input")
        return pairing.mentor_id, pairing.mentee_id
