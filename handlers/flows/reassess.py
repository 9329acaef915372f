"""Reassess and refine: what the modal shows for a pairing, and applying a submitted round in one
transaction, then telling both members and refreshing their Homes."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.context import AppContext
from bot.errors import Refused
from bot.summary import reassessment_summary
from bot.text import escape, fmt, md, mention, plural
from handlers.blocks.reassess import ReassessForm, ReassessSubmission
from handlers.flows.home import refresh_homes
from handlers.flows.program_scope import focus_label_in
from handlers.flows.rows import goal_rows, task_rows
from handlers.flows.slack import local_date, notify
from storage.db import unit_of_work
from storage.models import Pairing
from storage.pairings import get_pairing, is_open, other_member, record, require_member
from storage.people import get_person
from storage.reassessments import apply_reassessment

ENDED = md("That mentorship has ended, so there is nothing to reassess.")


def _open_member_pairing(pairing: Pairing | None, actor_id: str) -> Pairing:
    pairing = require_member(pairing, actor_id)
    if not is_open(pairing):
        raise Refused(ENDED, reason="bad_input")
    return pairing


def reassess_form(ctx: AppContext, pairing_id: int, actor_id: str) -> ReassessForm:
    """The pairing's open goals and tasks, as ``actor_id`` (who must be a member) sees them."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = _open_member_pairing(get_pairing(session, pairing_id), actor_id)
        person = get_person(session, actor_id)
        return ReassessForm(
            pairing_id=pairing.id,
            other_id=other_member(pairing, actor_id),
            focus_label=focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus),
            goals=goal_rows(session, pairing.id, open_only=True),
            tasks=task_rows(session, pairing.id, now, include_recent=False),
            every_weeks=pairing.reassess_every_weeks,
            today=local_date(now, person.tz if person else None, ctx.settings),
        )


@dataclass(frozen=True)
class Reassessed:
    reassessment_id: int
    summary: str
    other_id: str
    focus_label: str
    every_weeks: int


def apply_reassess(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    actor_id: str,
    submission: ReassessSubmission,
) -> Reassessed:
    """Every decision of the round, the new goals and the next date together, or none of them."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = _open_member_pairing(get_pairing(session, pairing_id, lock=True), actor_id)
        # apply_reassessment schedules the next round from this rhythm.
        pairing.reassess_every_weeks = submission.every_weeks
        round_ = apply_reassessment(session, pairing, submission.decisions, by=actor_id, now=now)
        record(
            session,
            pairing,
            actor_id=actor_id,
            kind="pairing.reassessed",
            now=now,
            subject_id=round_.id,
        )
        done = Reassessed(
            reassessment_id=round_.id,
            summary=reassessment_summary(
                goals_achieved=round_.goals_achieved,
                goals_dropped=round_.goals_dropped,
                goals_added=round_.goals_added,
                tasks_done=round_.tasks_done,
                tasks_dropped=round_.tasks_dropped,
            ),
            other_id=other_member(pairing, actor_id),
            focus_label=focus_label_in(session, ctx.settings, pairing.program_id, pairing.focus),
            every_weeks=pairing.reassess_every_weeks,
        )
    label = escape(done.focus_label)
    after = f"Next reassessment in {plural(done.every_weeks, 'week')}."
    notify(
        client,
        actor_id,
        fmt(
            "Reassessment saved for *{label}* with {other}: {summary}. {after}",
            label=label,
            other=mention(done.other_id),
            summary=done.summary,
            after=after,
        ),
    )
    notify(
        client,
        done.other_id,
        fmt(
            "{actor} reassessed your mentorship for *{label}*: {summary}. {after}",
            actor=mention(actor_id),
            label=label,
            summary=done.summary,
            after=after,
        ),
    )
    refresh_homes(ctx, client, actor_id, done.other_id)
    return done
