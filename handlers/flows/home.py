"""Publishing App Home: read someone's pairings, goals, tasks and requests, build, publish; and
turning per-pairing sharing with coordinators on or off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.text import Mrkdwn, fmt, md, mention
from handlers.blocks.home import (
    HomeContent,
    HomePairing,
    HomeRequest,
    build_home,
    clamp_page,
)
from handlers.blocks.work import GoalRow, TaskRow
from handlers.flows.rhythm import current_communication
from handlers.flows.slack import focus_label, local_date, notify, slack_error
from storage import goals as goal_store
from storage import tasks as task_store
from storage.db import unit_of_work
from storage.models import Goal, Pairing, Task
from storage.pairings import get_pairing, is_open, open_pairings_of, other_member, record
from storage.pairings import require_member as require_pairing_member
from storage.people import get_person
from storage.requests import pending_from, pending_to

log = get_logger("mentorbot.home")


def _goal_row(goal: Goal) -> GoalRow:
    return GoalRow(goal.id, goal.text, goal.status, goal.target_date, goal.competency)


def _task_row(task: Task) -> TaskRow:
    return TaskRow(task.id, task.text, task.status, task.assignee_id, task.due_date)


def _home_pairing(
    ctx: AppContext, session: Session, pairing: Pairing, viewer_id: str, tz: str
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
    goals = [g for g in goal_store.goals_of(session, pairing.id) if g.status != goal_store.DROPPED]
    # Open goals first, then those achieved; each group oldest first.
    goals.sort(key=lambda g: g.status != goal_store.OPEN)
    tasks = task_store.tasks_of(session, pairing.id, ctx.now(), include_recent=False)
    return HomePairing(
        pairing_id=pairing.id,
        other_id=other_member(pairing, viewer_id),
        viewer_is_mentor=pairing.mentor_id == viewer_id,
        focus_label=focus_label(ctx.settings, pairing.focus),
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
        share_with_coordinators=pairing.share_with_coordinators,
        goals=[_goal_row(g) for g in goals],
        open_tasks=[_task_row(t) for t in tasks],
    )


def home_content(ctx: AppContext, user_id: str, page: int = 0) -> HomeContent:
    """What ``user_id``'s Home shows, read in one unit of work."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        person = get_person(session, user_id)
        tz = (person.tz if person is not None else None) or ctx.settings.default_timezone
        pairings = [
            _home_pairing(ctx, session, p, user_id, tz) for p in open_pairings_of(session, user_id)
        ]
        requests = [
            HomeRequest(
                r.mentor_id,
                focus_label(ctx.settings, r.focus),
                local_date(r.created_at, tz, ctx.settings),
                mine=True,
            )
            for r in pending_from(session, user_id)
        ] + [
            HomeRequest(
                r.mentee_id,
                focus_label(ctx.settings, r.focus),
                local_date(r.created_at, tz, ctx.settings),
                mine=False,
            )
            for r in pending_to(session, user_id)
        ]
    return HomeContent(
        today=local_date(now, tz, ctx.settings),
        focus_labels=ctx.settings.focus_areas,
        pairings=pairings,
        requests=requests,
        page=clamp_page(page, len(pairings)),
    )


def today_of(ctx: AppContext, user_id: str) -> date:
    """Today where ``user_id`` is (their Slack time zone, else the program's)."""
    with unit_of_work(ctx.sessions) as session:
        person = get_person(session, user_id)
        return local_date(ctx.now(), person.tz if person else None, ctx.settings)


def publish_home(ctx: AppContext, client: WebClient, user_id: str, page: int = 0) -> None:
    """Publish ``user_id``'s Home as it is now. Home follows from changes already saved, so a
    Slack failure is logged, never raised: the next change or visit publishes it again."""
    view = build_home(home_content(ctx, user_id, page))
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


@dataclass(frozen=True)
class SharingChange:
    changed: bool
    other_id: str
    focus_label: str


def set_sharing(
    ctx: AppContext, client: WebClient, pairing_id: int, actor_id: str, share: bool
) -> SharingChange:
    """Let coordinators see (or stop seeing) this pair's goal and task text; the other member is
    told, and both Homes are refreshed. Setting it to what it already is changes nothing."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = require_pairing_member(get_pairing(session, pairing_id, lock=True), actor_id)
        if not is_open(pairing):
            raise Refused(md("That mentorship has ended."), reason="bad_input")
        done = SharingChange(
            changed=pairing.share_with_coordinators != share,
            other_id=other_member(pairing, actor_id),
            focus_label=focus_label(ctx.settings, pairing.focus),
        )
        if done.changed:
            pairing.share_with_coordinators = share
            record(
                session,
                pairing,
                actor_id=actor_id,
                kind="pairing.sharing_on" if share else "pairing.sharing_off",
                now=now,
            )
    if done.changed:
        notify(client, done.other_id, sharing_note(actor_id, done.focus_label, share))
    refresh_homes(ctx, client, actor_id, done.other_id)
    return done


def sharing_note(actor_id: str, label: str, share: bool) -> Mrkdwn:
    if share:
        return fmt(
            "{actor} chose to share your goal and task text for *{label}* with the "
            "program coordinators. Either of you can turn this off on my Home tab.",
            actor=mention(actor_id),
            label=label,
        )
    return fmt(
        "{actor} stopped sharing your goal and task text for *{label}* with the "
        "program coordinators: they see counts only again.",
        actor=mention(actor_id),
        label=label,
    )
