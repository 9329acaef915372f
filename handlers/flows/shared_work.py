"""What coordinators see of a pair's goals and tasks: the at-risk row's **Details** (numbers for
every pair, text only for pairs that share) and the goals CSV (pairs that share, only).

Both read the text through :mod:`storage.sharing`, which hands it out only while both members
agree; each request re-checks that the person asking is a coordinator."""

from __future__ import annotations

import csv
import io

from bot.context import AppContext
from bot.errors import Refused
from bot.spreadsheet import safe_cell
from bot.text import md
from handlers.blocks.pair_details import PairDetails
from handlers.flows.digest import require_coordinator
from handlers.flows.rows import goal_row, task_row
from handlers.flows.slack import focus_label, local_date
from storage.db import unit_of_work
from storage.goals import closings_of
from storage.pairings import get_pairing
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


def pair_details(ctx: AppContext, pairing_id: int, coordinator_id: str) -> PairDetails:
    """One pair as a coordinator may see it now."""
    require_coordinator(ctx.settings, coordinator_id)
    now = ctx.now()
    today = local_date(now, None, ctx.settings)
    with unit_of_work(ctx.sessions) as session:
        pairing = get_pairing(session, pairing_id)
        if pairing is None:
            raise Refused(md("I couldn't find that mentorship."), reason="bad_input")
        work = shared_work(session, pairing)
        # The same rows the pair sees (a closed goal with who closed it and why, a task with
        # the goal it works towards), and only while both members share them.
        goals, open_tasks = [], []
        if work is not None:
            closings = closings_of(session, pairing.id)
            goals = [goal_row(g, closings.get(g.id)) for g in work.goals]
            texts = {g.id: g.text for g in work.goals}
            open_tasks = [task_row(t, texts) for t in work.open_tasks]
        return PairDetails(
            pairing_id=pairing.id,
            mentor_id=pairing.mentor_id,
            mentee_id=pairing.mentee_id,
            focus_label=focus_label(ctx.settings, pairing.focus),
            status=pairing.status,
            started=local_date(pairing.started_at, None, ctx.settings),
            last_activity=local_date(pairing.last_activity_at, None, ctx.settings),
            unanswered_checkins=pairing.unanswered_checkins,
            counts=pair_counts(session, pairing.id, today),
            shared=work is not None,
            goals=goals,
            open_tasks=open_tasks,
        )


def shared_goals_csv(ctx: AppContext, coordinator_id: str) -> tuple[bytes, int]:
    """(the goals CSV, how many pairs are in it): every goal and open task of each pair whose
    members both agree to share them, as they stand now."""
    require_coordinator(ctx.settings, coordinator_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GOALS_COLUMNS)
    labels: dict[str, str] = {}
    with unit_of_work(ctx.sessions) as session:
        for item in shared_items(session):
            label = labels.get(item.focus) or labels.setdefault(
                item.focus, focus_label(ctx.settings, item.focus)
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
        pairs = sharing_pairs(session)
    return out.getvalue().encode(), pairs
