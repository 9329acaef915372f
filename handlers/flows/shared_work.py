"""What coordinators see of a pair's goals and tasks: the at-risk row's **Details** (numbers for
every pair, text only for pairs that share) and the goals CSV (pairs that share, only).

Both read the text through :mod:`storage.sharing`, which hands it out only while both members
agree; each request re-checks, in its unit of work, that the person asking coordinates the
pair's program (or the program the goals CSV is for)."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.context import AppContext
from bot.spreadsheet import safe_cell
from handlers.blocks.pair_details import PairDetails
from handlers.flows.digest import coordinated_pairing
from handlers.flows.programs import require_coordinator_of
from handlers.flows.rows import goal_row, task_row
from handlers.flows.slack import program_focus_label
from storage.audit import record_audit
from storage.db import unit_of_work
from storage.goals import closings_of
from storage.introductions import (
    IntroductionCounts,
    introductions_of,
    pairing_introduction_counts,
)
from storage.sharing import pair_counts, shared_items, shared_work, sharing_pairs

GOALS_COLUMNS = (
    "pairing_id",
    "mentor",
    "mentee",
    "focus",
    "item",
    "text",
    "competency",
    "status",
    "target_or_due",
    "assignee",
)


def pair_details(ctx: AppContext, pairing_id: int, coordinator_id: str) -> tuple[PairDetails, date]:
    """One pair as a coordinator of its program may see it now, and today in that program."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing, program = coordinated_pairing(session, ctx.settings, pairing_id, coordinator_id)
        # Details show what the pair chose to share: who looked, and when, is kept.
        record_audit(
            session,
            program_id=pairing.program_id,
            actor=coordinator_id,
            action="pair.details",
            subject=f"pairing:{pairing.id}",
            now=now,
        )
        zone = program.zone
        today = now.astimezone(zone).date()
        work = shared_work(session, pairing)
        # The same rows the pair sees (a closed goal with who closed it and why, a task with
        # the goal it works towards), and only while both members share them.
        goals, open_tasks = [], []
        if work is not None:
            closings = closings_of(session, pairing.id)
            goals = [goal_row(g, closings.get(g.id)) for g in work.goals]
            texts = {g.id: g.text for g in work.goals}
            open_tasks = [task_row(t, texts) for t in work.open_tasks]
        made = pairing_introduction_counts(session, [pairing.id]).get(
            pairing.id, IntroductionCounts()
        )
        # The why is the mentor's words to the pair: coordinators read it only when both share.
        introductions = (
            [
                (i.colleague_id, i.status, i.why)
                for i in introductions_of(session, [pairing.id])[pairing.id]
            ]
            if work is not None
            else []
        )
        details = PairDetails(
            pairing_id=pairing.id,
            mentor_id=pairing.mentor_id,
            mentee_id=pairing.mentee_id,
            focus_label=program_focus_label(program, pairing.focus),
            status=pairing.status,
            started=pairing.started_at.astimezone(zone).date(),
            last_activity=pairing.last_activity_at.astimezone(zone).date(),
            unanswered_checkins=pairing.unanswered_checkins,
            counts=pair_counts(session, pairing.id, today),
            shared=work is not None,
            goals=goals,
            open_tasks=open_tasks,
            introductions_made=made.made,
            introductions_accepted=made.accepted,
            introductions=introductions,
        )
        return details, today


def shared_goals_csv(ctx: AppContext, coordinator_id: str, program_id: int) -> tuple[bytes, int]:
    """(the goals CSV, how many pairs are in it): every goal and open task of each pair of the
    program whose members both agree to share them, as they stand now."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GOALS_COLUMNS)
    labels: dict[str, str] = {}
    with unit_of_work(ctx.sessions) as session:
        program = require_coordinator_of(session, ctx.settings, program_id, coordinator_id)
        for item in shared_items(session, program_id):
            label = labels.get(item.focus) or labels.setdefault(
                item.focus, program_focus_label(program, item.focus)
            )
            writer.writerow(
                (
                    item.pairing_id,
                    item.mentor_id,
                    item.mentee_id,
                    safe_cell(label),
                    item.item,
                    safe_cell(item.text),
                    safe_cell(item.competency or ""),
                    item.status,
                    item.when.isoformat() if item.when else "",
                    item.assignee_id or "",
                )
            )
        pairs = sharing_pairs(session, program_id)
    return out.getvalue().encode(), pairs
