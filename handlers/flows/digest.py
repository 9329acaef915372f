"""The coordinator digest: building it for a period, the weekly post, the CSV export, and the
at-risk actions (nudge, close) coordinators take from it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot import feedback as fb
from bot.chart import render_engagement_chart
from bot.conflicts import conflict_error, conflict_reason
from bot.context import AppContext
from bot.errors import Refused
from bot.feedback import TREND_WEEKS
from bot.logging import get_logger
from bot.programs import ProgramConfig
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
from handlers.flows.digest_slots import DIGEST, DigestSlot, digests_to_post
from handlers.flows.ended_offers import redraw_ended_offers
from handlers.flows.home import refresh_homes
from handlers.flows.programs import (
    NOT_A_COORDINATOR,
    coordinator_choice,
    require_coordinator_of,
    settled_program,
)
from handlers.flows.slack import notify, program_focus_label, slack_error
from handlers.flows.waiting import waiting_list_digest_lines
from handlers.profiles import person_problem, profiles_before_saving
from storage.audit import record_audit
from storage.conflicts import conflict_of, record_overridden
from storage.coverage import program_coverage
from storage.db import unit_of_work
from storage.feedback import load_program_feedback, mentor_feedback_by_mentor, weekly_usefulness
from storage.leaving import departures_between
from storage.models import Pairing, ScheduledSend
from storage.outbox import enqueue, get_send
from storage.pairings import close_pairing, create_pairing, get_pairing, is_open, open_pairing_for
from storage.people import Profile, is_at_capacity
from storage.programs import (
    all_programs,
    default_program_id,
    members_among,
    program_config,
)
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

CHART_WEEKS = 12


def week_before(end: datetime) -> Period:
    return Period(start=end - timedelta(days=7), end=end)


def digest_week(slot: datetime, program: ProgramConfig) -> Period:
    """What the weekly digest posted at ``slot`` covers: the seven whole local days before the
    digest's day (midnight to midnight in the program's zone, across daylight-saving changes)."""
    zone = program.zone
    day = slot.astimezone(zone).date()
    start = datetime.combine(day - timedelta(days=7), time(0), zone)
    end = datetime.combine(day, time(0), zone)
    return Period(start=start.astimezone(UTC), end=end.astimezone(UTC))


_PROGRAM_KEY = re.compile(rf"^{DIGEST}/program-(\d+)/")


def _program_of_key(session: Session, key: str) -> int:
    found = _PROGRAM_KEY.match(key)
    return int(found.group(1)) if found is not None else default_program_id(session)


def program_of_digest(session: Session, send: ScheduledSend) -> int:
    """The program a posted digest (its outbox row) belongs to."""
    return _program_of_key(session, send.dedupe_key)


def build_digest_view(
    session: Session,
    program: ProgramConfig,
    period: Period,
    now: datetime,
    *,
    named: bool,
    minimum: int,
) -> DigestView:
    """The program's digest for ``period``; ``named`` shows the program's name (an installation
    with several programs); ``minimum`` is FEEDBACK_MIN_RESPONSES."""
    zone = program.zone
    return DigestView(
        start=period.start.astimezone(zone),
        end=period.end.astimezone(zone),
        numbers=digest_numbers(session, period, now, program.id),
        risk=at_risk(session, now, now.astimezone(zone).date(), program.id),
        now=now,
        program_name=program.name if named else None,
        departures=departures_between(session, program.id, period.start, period.end),
        waiting=waiting_list_digest_lines(session, program),
        coverage=program_coverage(session, program.id),
        mentor_rule=program.mentor_rule,
        feedback=load_program_feedback(
            session, program.id, fb.whole_weeks(period.end, zone, TREND_WEEKS), minimum
        ),
    )


def several_programs(session: Session) -> bool:
    return len(all_programs(session)) > 1


def coordinated_program(
    session: Session, settings: Settings, user_id: str, hint: str | None
) -> ProgramConfig:
    """The program a typed coordinator command is for: the one named with ``in <program>``,
    else the only one ``user_id`` coordinates; refused when they coordinate none (or not the
    one named), and a question when they coordinate several."""
    return settled_program(coordinator_choice(session, settings, user_id, hint))


@dataclass(frozen=True)
class ReportProgram:
    """The program a report is for, and whether to name it (several programs installed)."""

    program: ProgramConfig
    named: bool


def report_program(ctx: AppContext, user_id: str, hint: str | None) -> ReportProgram:
    """The program ``/mentor report`` is for (see :func:`coordinated_program`)."""
    with unit_of_work(ctx.sessions) as session:
        program = coordinated_program(session, ctx.settings, user_id, hint)
        return ReportProgram(program, several_programs(session))


def preview_digest(ctx: AppContext, user_id: str, hint: str | None) -> DigestView:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        program = coordinated_program(session, ctx.settings, user_id, hint)
        record_audit(
            session, program_id=program.id, actor=user_id, action="digest.preview", now=now
        )
        return build_digest_view(
            session,
            program,
            week_before(now),
            now,
            named=several_programs(session),
            minimum=ctx.settings.feedback_min_responses,
        )


def chart_png(
    session: Session, settings: Settings, now: datetime, program_id: int, minimum: int
) -> bytes:
    weeks = [week_before(now - timedelta(days=7 * i)) for i in reversed(range(CHART_WEEKS))]
    zone = program_config(session, settings, program_id).zone
    return render_engagement_chart(
        weekly_engagement(session, weeks, program_id),
        weekly_usefulness(session, program_id, fb.whole_weeks(now, zone, CHART_WEEKS), minimum),
    )


def engagement_chart(ctx: AppContext, user_id: str, program_id: int) -> bytes:
    """The program's 12-week engagement chart as PNG bytes, for ``/mentor report chart``."""
    with unit_of_work(ctx.sessions) as session:
        require_coordinator_of(session, ctx.settings, program_id, user_id)
        return chart_png(
            session, ctx.settings, ctx.now(), program_id, ctx.settings.feedback_min_responses
        )


def _render_digest(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    program = program_config(session, ctx.settings, _program_of_key(session, send.dedupe_key))
    channel = program.digest_channel
    if not channel:
        return "no digest channel configured"
    view = build_digest_view(
        session,
        program,
        digest_week(send.slot_at, program),
        ctx.now(),
        named=several_programs(session),
        minimum=ctx.settings.feedback_min_responses,
    )
    digest = build_digest(view)
    return Message(to=channel, text=digest.text, blocks=digest.blocks, keep=True)


KINDS: dict[str, Kind] = {DIGEST: Kind(_render_digest)}


def post_weekly_digest(tick: TickContext) -> StepResult:
    """Post each program's digest of the week once, to its channel, at its local weekday and
    time, each with its own chart."""
    total = StepResult()
    for due in digests_to_post(tick):
        with unit_of_work(tick.app.sessions) as session:
            send = enqueue(
                session,
                key=due.key,
                kind=DIGEST,
                slot_at=due.slot,
                now=tick.now,
                recipient=due.channel,
            )
            if send is None:
                continue
            session.flush()
            send_id = send.id
        result = deliver(tick, KINDS, [send_id])
        result.due += 1
        if result.sent:
            _attach_chart(tick, due)
        total.add(result)
    return total


def _attach_chart(tick: TickContext, due: DigestSlot) -> None:
    """The chart follows the digest in its thread; a failure leaves the digest standing."""
    with unit_of_work(tick.app.sessions) as session:
        send = get_send(session, due.key)
        thread_ts = send.ts if send is not None else None
        png = chart_png(
            session,
            tick.app.settings,
            tick.now,
            due.program_id,
            tick.app.settings.feedback_min_responses,
        )
    try:
        tick.client.files_upload_v2(
            channel=due.channel,
            thread_ts=thread_ts,
            filename="engagement.png",
            title="Weekly engagement, last 12 weeks",
            content=png,
        )
    except SlackApiError as error:
        log.warning("digest.chart.failed", error=slack_error(error))


def report_csv(
    ctx: AppContext, user_id: str, program_id: int, period: Period
) -> tuple[bytes, bytes]:
    """(pairings CSV, teaching record CSV) of the program for the period; its coordinators
    only."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        program = require_coordinator_of(session, ctx.settings, program_id, user_id)
        risk = at_risk_reasons(session, now, now.astimezone(program.zone).date(), program_id)
        record_audit(
            session, program_id=program_id, actor=user_id, action="report.download", now=now
        )
        return build_pairings_csv(session, program, period, risk), build_teaching_csv(
            session, period, program_id, ctx.settings.feedback_min_responses
        )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_pairings_csv(
    session: Session, program: ProgramConfig, period: Period, risk: Mapping[int, tuple[str, ...]]
) -> bytes:
    """One row per pairing in the period; ``risk`` flags the open ones at risk now, with why
    (as the digest's at-risk rows), so the export holds every pair the digest had no room for."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAIRING_COLUMNS)
    labels: dict[str, str] = {}
    for row in pairing_rows(session, period, program.id):
        label = labels.get(row.focus) or labels.setdefault(
            row.focus, program_focus_label(program, row.focus)
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
                row.introductions_made,
                row.introductions_accepted,
                _iso(row.last_activity),
                _iso(row.ended) if row.ended is not None else "",
                row.ended_by or "",
                "yes" if row.pairing_id in risk else "no",
                "; ".join(risk.get(row.pairing_id, ())),
            )
        )
    return out.getvalue().encode()


def build_teaching_csv(session: Session, period: Period, program_id: int, minimum: int) -> bytes:
    """Per mentor: meetings held in the period, their hours, and the mentor's feedback to date
    (evidence for a teaching portfolio; withheld until enough mentees answered)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEACHING_COLUMNS)
    feedback = mentor_feedback_by_mentor(session, program_id, minimum)
    for row in teaching_record(session, period, program_id):
        hours = "" if row.minutes is None else f"{row.minutes / 60:.2f}"
        mine = feedback.get(row.mentor_id)
        usefulness = mine.usefulness_text if mine else fb.withheld_text(minimum)
        recommend = mine.recommend_text if mine else fb.withheld_text(minimum)
        writer.writerow((row.mentor_id, row.meetings_held, hours, usefulness, recommend))
    return out.getvalue().encode()


def coordinated_pairing(
    session: Session,
    settings: Settings,
    pairing_id: int,
    coordinator_id: str,
    *,
    lock: bool = False,
) -> tuple[Pairing, ProgramConfig]:
    """The pairing a coordinator's button or view names, with its program, when they coordinate
    that program. A pairing that doesn't exist gets the same refusal as one of another program,
    so a forged payload learns nothing."""
    pairing = get_pairing(session, pairing_id, lock=lock)
    if pairing is None:
        log.warning("digest.refused", user=coordinator_id, pairing=pairing_id)
        raise Refused(NOT_A_COORDINATOR, reason="forbidden")
    return pairing, require_coordinator_of(session, settings, pairing.program_id, coordinator_id)


def _ended() -> Refused:
    return Refused(md("That mentorship has already ended."), reason="bad_input")


def nudge_pair(ctx: AppContext, client: WebClient, pairing_id: int, coordinator_id: str) -> None:
    with unit_of_work(ctx.sessions) as session:
        pairing, _ = coordinated_pairing(session, ctx.settings, pairing_id, coordinator_id)
        if not is_open(pairing):
            raise _ended()
        mentor_id, mentee_id = pairing.mentor_id, pairing.mentee_id
        record_audit(
            session,
            program_id=pairing.program_id,
            actor=coordinator_id,
            action="nudge",
            subject=f"pairing:{pairing.id}",
            now=ctx.now(),
        )
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
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing, program = coordinated_pairing(
            session, ctx.settings, pairing_id, coordinator_id, lock=True
        )
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
        record_audit(
            session,
            program_id=pairing.program_id,
            actor=coordinator_id,
            action="close",
            subject=f"pairing:{pairing.id}",
            now=now,
        )
        mentor_id, mentee_id = pairing.mentor_id, pairing.mentee_id
        label = program_focus_label(program, pairing.focus)
    _tell_closed(client, coordinator_id, mentor_id, mentee_id, label)
    _tell_closed(client, coordinator_id, mentee_id, mentor_id, label)
    redraw_ended_offers(ctx, client, [pairing_id])
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
    session: Session,
    settings: Settings,
    pairing: Pairing,
    program: ProgramConfig,
    new_mentor_id: str,
    profile: Profile | None,
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
    # The one rule for who may be paired in a program (as assigning and rounds): members.
    if new_mentor_id not in members_among(session, program, [new_mentor_id]):
        return f"{who} isn't in {program.name}. Please choose someone in the program."
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


def _open_pairing(
    session: Session,
    settings: Settings,
    pairing_id: int,
    coordinator_id: str,
    *,
    lock: bool = False,
) -> tuple[Pairing, ProgramConfig]:
    pairing, program = coordinated_pairing(session, settings, pairing_id, coordinator_id, lock=lock)
    if not is_open(pairing):
        raise _ended()
    return pairing, program


def reassign_problem(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    coordinator_id: str,
    new_mentor_id: str,
    override: bool = False,
) -> str | None:
    """What stops ``new_mentor_id`` from taking over, checked before anything changes (a
    conflict of interest too, unless the coordinator ticked "pair them anyway")."""
    with unit_of_work(ctx.sessions) as session:
        # Who may act is settled before the profile look-up reaches Slack.
        _open_pairing(session, ctx.settings, pairing_id, coordinator_id)
    profile = profiles_before_saving(ctx.sessions, client, [new_mentor_id], ctx.now())[
        new_mentor_id
    ]
    with unit_of_work(ctx.sessions) as session:
        pairing, program = _open_pairing(session, ctx.settings, pairing_id, coordinator_id)
        problem = _reassign_problem(session, ctx.settings, pairing, program, new_mentor_id, profile)
        conflict = conflict_of(session, new_mentor_id, pairing.mentee_id)
    if problem is None and conflict is not None and not override:
        return conflict_error(conflict)
    return problem


def reassign_from_digest(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    coordinator_id: str,
    new_mentor_id: str,
    note: str,
    *,
    override: bool = False,
) -> int:
    """Move a stalled pairing's mentee to a new mentor for the same focus: the new mentor is
    checked first (a conflict of interest is refused unless ``override``, then audited), then
    the old pairing ends and the new one starts in one transaction, so a refused choice
    changes nothing. Returns the new pairing's id."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        _open_pairing(session, ctx.settings, pairing_id, coordinator_id)
    profile = profiles_before_saving(ctx.sessions, client, [new_mentor_id], now)[new_mentor_id]
    with unit_of_work(ctx.sessions) as session:
        pairing, program = _open_pairing(
            session, ctx.settings, pairing_id, coordinator_id, lock=True
        )
        problem = _reassign_problem(session, ctx.settings, pairing, program, new_mentor_id, profile)
        if problem is not None:
            raise Refused(escape(problem), reason="bad_input")
        conflict = conflict_of(session, new_mentor_id, pairing.mentee_id)
        if conflict is not None and not override:
            raise Refused(conflict_reason(conflict), reason="bad_input")
        if conflict is not None:
            record_overridden(session, pairing.program_id, coordinator_id, conflict, now)
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
        record_audit(
            session,
            program_id=pairing.program_id,
            actor=coordinator_id,
            action="reassign",
            subject=f"pairing:{pairing.id}",
            detail=f"new pairing:{new.id}",
            now=now,
        )
        old_mentor_id = pairing.mentor_id
        intro = Introduction(
            pairing_id=new.id,
            mentor_id=new_mentor_id,
            mentee_id=pairing.mentee_id,
            coordinator_id=coordinator_id,
            focus_label=program_focus_label(program, pairing.focus),
            note=note,
        )
    _tell_closed(client, coordinator_id, old_mentor_id, intro.mentee_id, intro.focus_label)
    reassigned = build_reassigned_for_mentee(intro, old_mentor_id)
    notify(client, intro.mentee_id, reassigned.text, reassigned.blocks)
    introduced = build_introduction_for_mentor(intro)
    notify(client, new_mentor_id, introduced.text, introduced.blocks)
    redraw_ended_offers(ctx, client, [pairing_id])
    refresh_homes(ctx, client, old_mentor_id, intro.mentee_id, new_mentor_id)
    return intro.pairing_id


def reassign_parties(ctx: AppContext, pairing_id: int, coordinator_id: str) -> tuple[str, str]:
    with unit_of_work(ctx.sessions) as session:
        pairing, _ = _open_pairing(session, ctx.settings, pairing_id, coordinator_id)
        return pairing.mentor_id, pairing.mentee_id
