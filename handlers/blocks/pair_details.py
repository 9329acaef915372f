"""The coordinator's **Details** modal for one pair: the numbers for every pair, and the pair's
goals and open tasks only when both members agreed to share them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.views import View

from bot.dates import format_date
from bot.text import clip, escape, mention
from handlers.blocks.common import Block, context, divider, section
from handlers.blocks.work import GoalRow, TaskRow, goal_block, task_block
from storage.sharing import PairCounts

GOALS_SHOWN = 30
TASKS_SHOWN = 30
STATUS_WORDS = {
    "active": "Active",
    "paused": "Paused",
    "completed": "Completed",
    "ended": "Ended early",
}


@dataclass(frozen=True)
class PairDetails:
    pairing_id: int
    mentor_id: str
    mentee_id: str
    focus_label: str
    status: str
    started: date
    last_activity: date
    unanswered_checkins: int
    counts: PairCounts
    shared: bool
    goals: Sequence[GoalRow] = ()  # empty unless shared
    open_tasks: Sequence[TaskRow] = ()  # empty unless shared


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _counts(d: PairDetails) -> str:
    goals, c = d.counts.goals, d.counts
    overdue = f" ({c.overdue_tasks} overdue)" if c.overdue_tasks else ""
    return "\n".join(
        [
            f"*Goals:* {goals.get('open', 0)} open, {goals.get('achieved', 0)} achieved, "
            f"{goals.get('dropped', 0)} dropped",
            f"*Tasks:* {c.open_tasks} open{overdue}, {c.done_tasks} done",
            f"*Check-ins unanswered in a row:* {d.unanswered_checkins}",
        ]
    )


def _more(hidden: int, what: str) -> list[Block]:
    if hidden <= 0:
        return []
    return [context(f"…and {_n(hidden, what)} more: the goals CSV from `/mentor report` has all.")]


def _shared_blocks(d: PairDetails, today: date) -> list[Block]:
    blocks: list[Block] = [section("*Goals* _(both members agreed to share these with you)_")]
    if d.goals:
        blocks += [goal_block(g, today, buttons=False) for g in d.goals[:GOALS_SHOWN]]
        blocks += _more(len(d.goals) - GOALS_SHOWN, "goal")
    else:
        blocks.append(context("No goals yet."))
    blocks.append(section("*Open tasks*"))
    if d.open_tasks:
        blocks += [task_block(t, today, buttons=False) for t in d.open_tasks[:TASKS_SHOWN]]
        blocks += _more(len(d.open_tasks) - TASKS_SHOWN, "task")
    else:
        blocks.append(context("No open tasks."))
    return blocks


def build_pair_details_modal(d: PairDetails, today: date) -> dict[str, Any]:
    focus = escape(clip(d.focus_label, 200))
    status = STATUS_WORDS.get(d.status, escape(d.status))
    blocks: list[Block] = [
        section(f"{mention(d.mentor_id)} mentors {mention(d.mentee_id)} · *{focus}*"),
        context(
            f"{status} · started {format_date(d.started, today)} · last activity "
            f"{format_date(d.last_activity, today)}"
        ),
        section(_counts(d)),
        divider(),
    ]
    if d.shared:
        blocks += _shared_blocks(d, today)
    else:
        blocks.append(
            context(
                "🔒 Goal and task text stays with the pair: they haven't both agreed to share "
                "it with coordinators."
            )
        )
    return View(
        type="modal",
        title="Pair details",
        close="Close",
        blocks=blocks,
    ).to_dict()
