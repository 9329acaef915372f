"""Publishing App Home: read someone's programs, pairings, goals, tasks and requests, build,
publish."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot import feedback as fb
from bot.context import AppContext
from bot.logging import get_logger
from bot.programs import ProgramConfig, name_key, next_digest
from bot.settings import Settings
from bot.sharing import proposal_stamp, sharing_state
from handlers.blocks.coverage import ProgramCoverage, WeekFigures
from handlers.blocks.desk import Desk, DeskProgram
from handlers.blocks.home import (
    HISTORY_SHOWN,
    HomeContent,
    HomePairing,
    HomeProgram,
    HomeRequest,
    build_home,
)
from handlers.blocks.introductions import AWAITING_ON_HOME, IntroCard, IntroLine
from handlers.flows.rhythm import current_communication
from handlers.flows.rows import closed_goal_rows, goal_rows, introduction_rows, task_rows
from handlers.flows.slack import local_date, program_focus_label, slack_error
from storage.coverage import program_coverage, rounds_in_progress
from storage.db import unit_of_work
from storage.feedback import load_mentor_feedback, open_pulses, weekly_focus_cells
from storage.introductions import awaiting_answer, open_asks_of
from storage.meeting_plans import agreed_meetings
from storage.models import IntroductionAsk, Pairing
from storage.pairings import open_pairings_of, other_member
from storage.people import get_person
from storage.programs import all_configs, configs_of, get_program, programs_of
from storage.reports import Period, at_risk, checkin_counts, pending_requests
from storage.requests import pending_from, pending_to
from storage.sharing import consent_of

log = get_logger("mentorbot.home")


def programs_shown(
    session: Session,
    settings: Settings,
    user_id: str,
    program_ids: Iterable[int],
    mine: list[ProgramConfig] | None = None,
) -> list[ProgramConfig]:
    """The programs ``user_id`` belongs to (``mine``, when read already), plus any other program
    one of their open pairings or requests is in (they may have left it since), the default
    first, then by name."""
    wanted = set(program_ids)
    shown = list(mine) if mine is not None else programs_of(session, settings, user_id)
    if len(shown) > 1:
        # Everyone is in the default program; beside another, it gets a heading only when
        # something of theirs (a mentorship, a request) is there.
        shown = [c for c in shown if not c.is_default or c.id in wanted]
    known = {c.id for c in shown}
    others = [i for i in dict.fromkeys(program_ids) if i not in known]
    if others:
        extra = [get_program(session, i) for i in others]
        shown += configs_of(session, settings, [p for p in extra if p is not None])
    return sorted(shown, key=lambda c: (not c.is_default, name_key(c.name), c.id))


# How far ahead Home looks for a meeting the pair planned (planning offers the next two weeks).
MEETINGS_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class _Around:
    """What Home shows beside each pairing's own rows, read once for all its pairings."""

    introductions: Mapping[int, list[IntroLine]]
    asks: Mapping[int, list[IntroductionAsk]]
    meetings: Mapping[int, list[datetime]]  # agreed, still to come, soonest first


def _around(session: Session, pairing_ids: list[int], tz: str, now: datetime) -> _Around:
    return _Around(
        introductions=introduction_rows(session, pairing_ids, tz=tz),
        asks=open_asks_of(session, pairing_ids),
        meetings=agreed_meetings(session, pairing_ids, now, now + MEETINGS_AHEAD),
    )


def _home_pairing(
    ctx: AppContext,
    session: Session,
    pairing: Pairing,
    viewer_id: str,
    tz: str,
    program: ProgramConfig,
    around: _Around,
) -> HomePairing:
    zone = ZoneInfo(tz)
    agreed = current_communication(pairing)
    rhythm = None
    if agreed is not None:
        rhythm = agreed.describe(
            pairing.timezone or ctx.settings.default_timezone,
            pairing.cadence_anchor or local_date(pairing.started_at, tz, ctx.settings),
        )
    paused = pairing.status == "paused"
    other_id = other_member(pairing, viewer_id)
    mine, theirs = consent_of(pairing, viewer_id), consent_of(pairing, other_id)
    return HomePairing(
        pairing_id=pairing.id,
        other_id=other_id,
        viewer_is_mentor=pairing.mentor_id == viewer_id,
        focus_label=program_focus_label(program, pairing.focus),
        rhythm=rhythm,
        next_checkin=(
            pairing.next_checkin_at.astimezone(zone)
            if pairing.next_checkin_at is not None
            else None
        ),
        paused_until=(
            pairing.paused_until.astimezone(zone)
            if paused and pairing.paused_until is not None
            else None
        ),
        paused=paused,
        sharing=sharing_state(mine is not None, theirs is not None),
        proposal=proposal_stamp(theirs) if theirs is not None and mine is None else None,
        goals=goal_rows(session, pairing.id, open_only=True),
        open_tasks=task_rows(session, pairing.id, ctx.now(), include_recent=False),
        history=closed_goal_rows(session, pairing.id, HISTORY_SHOWN, tz=tz),
        program_id=pairing.program_id,
        introductions=around.introductions.get(pairing.id, []),
        asks_waiting=len(around.asks.get(pairing.id, [])),
        next_meeting=next((m.astimezone(zone) for m in around.meetings.get(pairing.id, [])), None),
    )


def home_content(
    ctx: AppContext, user_id: str, page: int = 0, coverage_from: Mapping[int, int] | None = None
) -> HomeContent:
    """What ``user_id``'s Home shows, read in one unit of work; ``coverage_from`` is, by program,
    the first trainee without a mentor to show (a coordinator's **More**)."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        person = get_person(session, user_id)
        tz = (person.tz if person is not None else None) or ctx.settings.default_timezone
        open_pairings = open_pairings_of(session, user_id)
        asked, asked_of = pending_from(session, user_id), pending_to(session, user_id)
        mine = programs_of(session, ctx.settings, user_id)
        programs = programs_shown(
            session,
            ctx.settings,
            user_id,
            [p.program_id for p in open_pairings] + [r.program_id for r in asked + asked_of],
            mine,
        )
        by_id = {c.id: c for c in programs}
        around = _around(session, [p.id for p in open_pairings], tz, now)
        pairings = [
            _home_pairing(ctx, session, p, user_id, tz, by_id[p.program_id], around)
            for p in open_pairings
        ]
        feedback = load_mentor_feedback(session, user_id, ctx.settings.feedback_min_responses)
        desk = coordinator_desk(
            session,
            ctx.settings,
            user_id,
            mine,
            coverage_from or {},
            now,
            person.home_program_id if person is not None else None,
        )
        awaiting, awaiting_count = awaiting_answer(session, user_id, AWAITING_ON_HOME)
        requests = [
            HomeRequest(
                r.mentor_id if mine else r.mentee_id,
                program_focus_label(by_id[r.program_id], r.focus),
                local_date(r.created_at, tz, ctx.settings),
                mine=mine,
                program_id=r.program_id,
            )
            for mine, found in ((True, asked), (False, asked_of))
            for r in found
        ]
    return HomeContent(
        today=local_date(now, tz, ctx.settings),
        focus_labels=programs[0].focus_labels,
        pairings=pairings,
        requests=requests,
        page=page,  # the builder shows the last page when this one no longer exists
        viewer_id=user_id,
        feedback=feedback,
        programs=[HomeProgram(c.id, c.name, c.focus_labels) for c in programs],
        desk=desk,
        now=now,
        awaiting=[
            IntroCard(a.introduction_id, a.mentor_id, a.mentee_id, user_id, a.why) for a in awaiting
        ],
        awaiting_count=awaiting_count,
    )


def coordinated_programs(
    session: Session, settings: Settings, user_id: str, mine: list[ProgramConfig]
) -> list[ProgramConfig]:
    """The programs ``user_id`` coordinates among ``mine`` (their programs; an admin: every
    program), the default first, then by name."""
    coordinated = (
        all_configs(session, settings)
        if settings.is_admin(user_id)
        else [c for c in mine if c.is_coordinator(user_id)]
    )
    return sorted(coordinated, key=lambda c: (not c.is_default, name_key(c.name), c.id))


def week_figures(
    session: Session, program: ProgramConfig, now: datetime, minimum: int
) -> WeekFigures:
    """The last seven days of ``program``, counted as its digest counts them; usefulness of the
    last whole week, from the same weekly cells as every other usefulness figure."""
    sent, answered = checkin_counts(session, Period(now - timedelta(days=7), now), program.id)
    cells = weekly_focus_cells(session, program.id, fb.whole_weeks(now, program.zone, 1))
    return WeekFigures(
        meetings=answered.get("met", 0),
        answered=sum(answered.values()),
        sent=sent,
        usefulness=fb.week_usefulness(cells[0], minimum) if cells else fb.Withheld(minimum),
        requests_waiting=pending_requests(session, program.id)[0],
        risk=at_risk(session, now, now.astimezone(program.zone).date(), program.id),
    )


def coordinator_desk(
    session: Session,
    settings: Settings,
    user_id: str,
    mine: list[ProgramConfig],
    starts: Mapping[int, int],
    now: datetime,
    chosen: int | None,
) -> Desk | None:
    """The desk of the program ``user_id`` chose to see (``chosen``, when they still coordinate
    it; else the first they coordinate); None for anyone who coordinates nothing."""
    coordinated = coordinated_programs(session, settings, user_id, mine)
    if not coordinated:
        return None
    c = next((p for p in coordinated if p.id == chosen), coordinated[0])
    shown = ProgramCoverage(
        c.id,
        c.name,
        program_coverage(session, c.id),
        {area.key: area.label for area in c.focus_areas},
        starts.get(c.id, 0),
        rounds_in_progress(session, c.id),
        next_digest(now, c) if c.digest_channel else None,
        str(c.zone),
        c.mentor_rule,
        open_pulses(session, c.id),
        week_figures(session, c, now, settings.feedback_min_responses),
    )
    return Desk(
        shown,
        [DeskProgram(p.id, p.name) for p in coordinated],
        is_admin=settings.is_admin(user_id),
    )


def today_of(ctx: AppContext, user_id: str) -> date:
    """Today where ``user_id`` is (their Slack time zone, else the program's)."""
    with unit_of_work(ctx.sessions) as session:
        person = get_person(session, user_id)
        return local_date(ctx.now(), person.tz if person else None, ctx.settings)


# Drawing a Home is the costliest work after most acks (its reads and blocks: tens of ms of the
# interpreter). At most this many are drawn at once, so a burst of clicks does not crowd out
# the next people's acks; the rest wait their turn without using the interpreter.
HOMES_DRAWN_AT_ONCE = 2
_drawing = threading.BoundedSemaphore(HOMES_DRAWN_AT_ONCE)


def publish_home(
    ctx: AppContext,
    client: WebClient,
    user_id: str,
    page: int = 0,
    *,
    coverage_from: Mapping[int, int] | None = None,
) -> None:
    """Publish ``user_id``'s Home as it is now. Home follows from changes already saved, so a
    Slack failure is logged, never raised: the next change or visit publishes it again."""
    with _drawing:
        view = build_home(home_content(ctx, user_id, page, coverage_from))
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("slack.home.publish_failed", user=user_id, error=slack_error(error))
    except SlackClientError as error:
        log.warning("slack.home.publish_failed", user=user_id, error=error.__class__.__name__)


def refresh_homes(ctx: AppContext, client: WebClient, *user_ids: str) -> None:
    """Republish the Home of each person (once each) after something it shows changed."""
    for user_id in dict.fromkeys(u for u in user_ids if u):
        publish_home(ctx, client, user_id)
