"""The coordinator digest: building it for a period, the weekly post, the CSV export, and the
at-risk actions (nudge, close) coordinators take from it."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import Session

from bot.chart import render_engagement_chart
from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.settings import Settings
from bot.spreadsheet import safe_cell
from bot.text import escape, fmt, md, mention
from bot.tick import StepResult, TickContext
from handlers.blocks.digest import DigestView, build_digest
from handlers.blocks.pairings import (
    Introduction,
    build_introduction_for_mentor,
    build_reassigned_for_mentee,
)
from handlers.flows.delivery import Kind, Message, deliver
from handlers.flows.home import refresh_homes
from handlers.flows.slack import focus_label, local_date, notify, slack_error
from handlers.flows.waiting import waiting_list_digest_lines
from handlers.profiles import person_problem, profiles_before_saving
from storage.db import unit_of_work
from storage.models import Pairing, ScheduledSend
from storage.outbox import enqueue, get_send, keyed_clause
from storage.pairings import close_pairing, create_pairing, get_pairing, is_open, open_pairing_for
from storage.people import Profile, is_at_capacity
from storage.programs import default_program_id
from storage.reports import (
    PAIRING_COLUMNS,
    TEACHING_COLUMNS,
    Period,
    at_risk,
    at_risk_reasons,
    digest_numbers,
    pairing_rows,
    teaching_record,
    weekly_engagement,
)

log = get_logger("mentorbot.digest")

DIGEST = "digest"
CHART_WEEKS = 12


def require_coordinator(settings: Settings, user_id: str) -> None:
    if user_id not in settings.coordinators:
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


def digest_week(slot: datetime, settings: Settings) -> Period:
    """What the weekly digest posted at ``slot`` covers: the seven whole local days before the
    digest's day (midnight to midnight, across daylight-saving changes)."""
    zone = ZoneInfo(settings.default_timezone)
    day = slot.astimezone(zone).date()
    start = datetime.combine(day - timedelta(days=7), time(0), zone)
    end = datetime.combine(day, time(0), zone)
    return Period(start=start.astimezone(UTC), end=end.astimezone(UTC))


def digest_key(slot: datetime, settings: Settings) -> str:
    year, week, _ = slot.astimezone(ZoneInfo(settings.default_timezone)).isocalendar()
    return f"{DIGEST}/{year}-W{week:02d}"


def build_digest_view(
    session: Session, settings: Settings, period: Period, now: datetime
) -> DigestView:
    today = local_date(now, None, settings)
    zone = ZoneInfo(settings.default_timezone)
    return DigestView(
        start=period.start.astimezone(zone),
        end=period.end.astimezone(zone),
        numbers=digest_numbers(session, period, now),
        risk=at_risk(session, now, today),
        now=now,
        waiting=waiting_list_digest_lines(session, settings, default_program_id(session)),
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
    view = build_digest_view(
        session, ctx.settings, digest_week(send.slot_at, ctx.settings), ctx.now()
    )
    digest = build_digest(view)
    return Message(to=channel, text=digest.text, blocks=digest.blocks)


KINDS: dict[str, Kind] = {DIGEST: Kind(_render_digest)}


# A digest missed by more than this (the bot was down, or was just installed) waits for the
# next week's slot instead of arriving on a random weekday.
DIGEST_GRACE = timedelta(hours=12)


@dataclass(frozen=True)
class _DigestSlot:
    channel: str
    slot: datetime
    key: str


def _digest_to_post(tick: TickContext) -> _DigestSlot | None:
    """This week's digest when it may be posted now: a coordinator channel is set and this
    week's moment has come and not passed by more than ``DIGEST_GRACE`` (a new install, long
    downtime)."""
    settings = tick.app.settings
    channel = settings.coordinator_channel
    if not channel:
        return None
    slot = digest_slot(tick.now, settings)
    if tick.now - slot > DIGEST_GRACE:
        return None
    return _DigestSlot(channel, slot, digest_key(slot, settings))


def weekly_digest_due(tick: TickContext) -> ColumnElement[bool] | bool:
    """Whether :func:`post_weekly_digest` has work: within the digest's moment, and not enqueued
    yet (its key is the one the step enqueues under); no question for the database otherwise."""
    due = _digest_to_post(tick)
    if due is None:
        return False
    return ~exists().where(keyed_clause(due.key))


def post_weekly_digest(tick: TickContext) -> StepResult:
    """Post the week's digest once, at the configured local weekday and time, with the chart."""
    due = _digest_to_post(tick)
    if due is None:
        return StepResult()
    channel, slot, key = due.channel, due.slot, due.key
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
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        risk = at_risk_reasons(session, now, local_date(now, None, ctx.settings))
        return build_pairings_csv(session, ctx.settings, period, risk), build_teaching_csv(
            session, period
        )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_pairings_csv(
    session: Session, settings: Settings, period: Period, risk: Mapping[int, tuple[str, ...]]
) -> bytes:
    """One row per pairing in the period; ``risk`` flags the open ones at risk now, with why
    (as the digest's at-risk rows), so the export holds every pair the digest had no room for."""
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
                _iso(row.ended) if row.ended is not None else "",
                row.ended_by or "",
                "yes" if row.pairing_id in risk else "no",
                "; ".join(risk.get(row.pairing_id, ())),
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
    _tell_closed(client, coordinator_id, mentor_id, mentee_id, label)
    _tell_closed(client, coordinator_id, mentee_id, mentor_id, label)
    refresh_homes(ctx, client, mentor_id, mentee_id)
    return True


def _tell_closed(
    client: WebClient, coordinator_id: str, person: str, other: str, label: str
) -> None:
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


def _reassign_problem(
    session: Session, pairing: Pairing, new_mentor_id: str, profile: Profile | None
) -> str | None:
    """Why ``new_mentor_id`` can't take over ``pairing``'s mentee, in plain words (the modal
    shows it under the picker); None when they can."""
    name = profile.display_name if profile is not None and profile.display_name else None
    who = name or "That person"
    if new_mentor_id == pairing.mentee_id:
        return "That's the mentee. Please choose someone else to mentor them."
    if new_mentor_id == pairing.mentor_id:
        return f"{who} is their mentor now. Please choose someone else."
    problem = person_problem(profile, who)
    if problem is not None:
        return problem
    if open_pairing_for(
        session,
        program_id=pairing.program_id,
        mentor_id=new_mentor_id,
        mentee_id=pairing.mentee_id,
        focus=pairing.focus,
    ):
        return f"{who} already mentors them for this focus. Please choose someone else."
    if is_at_capacity(session, new_mentor_id):
        return (
            f"{who} has reached the number of mentees they can take on. Please choose someone else."
        )
    return None


def _open_pairing(session: Session, pairing_id: int, *, lock: bool = False) -> Pairing:
    pairing = get_pairing(session, pairing_id, lock=lock)
    if pairing is None or not is_open(pairing):
        raise Refused(md("That mentorship has already ended."), reason="bad_input")
    return pairing


def reassign_problem(
    ctx: AppContext, client: WebClient, pairing_id: int, coordinator_id: str, new_mentor_id: str
) -> str | None:
    """What stops ``new_mentor_id`` from taking over, checked before anything changes."""
    require_coordinator(ctx.settings, coordinator_id)
    profile = profiles_before_saving(ctx.sessions, client, [new_mentor_id], ctx.now())[
        new_mentor_id
    ]
    with unit_of_work(ctx.sessions) as session:
        return _reassign_problem(
            session, _open_pairing(session, pairing_id), new_mentor_id, profile
        )


def reassign_from_digest(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    coordinator_id: str,
    new_mentor_id: str,
    note: str,
) -> int:
    """Move a stalled pairing's mentee to a new mentor for the same focus: the new mentor is
    checked first, then the old pairing ends and the new one starts in one transaction, so a
    refused choice changes nothing. Returns the new pairing's id."""
    require_coordinator(ctx.settings, coordinator_id)
    now = ctx.now()
    profile = profiles_before_saving(ctx.sessions, client, [new_mentor_id], now)[new_mentor_id]
    with unit_of_work(ctx.sessions) as session:
        pairing = _open_pairing(session, pairing_id, lock=True)
        problem = _reassign_problem(session, pairing, new_mentor_id, profile)
        if problem is not None:
            raise Refused(escape(problem), reason="bad_input")
        close_pairing(
            session,
            pairing,
            by=coordinator_id,
            completed=False,
            reason="Reassigned to a new mentor by a coordinator",
            reason_visibility="coordinators",
            now=now,
        )
        new = create_pairing(
            session,
            program_id=pairing.program_id,
            mentor_id=new_mentor_id,
            mentee_id=pairing.mentee_id,
            focus=pairing.focus,
            origin="assignment",
            now=now,
            assigned_by=coordinator_id,
        )
        old_mentor_id = pairing.mentor_id
        intro = Introduction(
            pairing_id=new.id,
            mentor_id=new_mentor_id,
            mentee_id=pairing.mentee_id,
            coordinator_id=coordinator_id,
            focus_label=focus_label(ctx.settings, pairing.focus),
            note=note,
        )
    _tell_closed(client, coordinator_id, old_mentor_id, intro.mentee_id, intro.focus_label)
    reassigned = build_reassigned_for_mentee(intro, old_mentor_id)
    notify(client, intro.mentee_id, reassigned.text, reassigned.blocks)
    introduced = build_introduction_for_mentor(intro)
    notify(client, new_mentor_id, introduced.text, introduced.blocks)
    refresh_homes(ctx, client, old_mentor_id, intro.mentee_id, new_mentor_id)
    return intro.pairing_id


def reassign_parties(ctx: AppContext, pairing_id: int, coordinator_id: str) -> tuple[str, str]:
    require_coordinator(ctx.settings, coordinator_id)
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id)
        if pairing is None or not is_open(pairing):
            raise Refused(md("That mentorship has already ended."), reason="bad_input")
        return pairing.mentor_id, pairing.mentee_id
