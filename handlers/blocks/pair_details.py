"""The coordinator's **Details** modal for one pair: the numbers for every pair, and the pair's
goals and open tasks only when both members agreed to share them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.views import View

from bot.dates import format_date
from bot.text import Mrkdwn, clip, fmt, md, mention, plural
from handlers.blocks.common import Block, context, divider, section, sections_from_lines
from handlers.blocks.introductions import STATUS_ICONS
from handlers.blocks.introductions import STATUS_WORDS as STATUS_WORDS_OF_ANSWERS
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
    introductions_made: int = 0  # to colleagues, for every pair
    introductions_accepted: int = 0
    # (colleague, answer, the mentor's why) of each introduction: empty unless shared.
    introductions: Sequence[tuple[str, str, str]] = ()


def _counts(d: PairDetails) -> Mrkdwn:
    c = d.counts
    overdue = f" ({c.overdue_tasks} overdue)" if c.overdue_tasks else ""
    return fmt(
        "*Goals:* {open} open, {achieved} achieved, {dropped} dropped\n"
        "*Tasks:* {tasks} open{overdue}, {done} done\n"
        "*Check-ins unanswered in a row:* {unanswered}\n"
        "*Introductions to colleagues:* {made} made, {accepted} accepted",
        open=c.goals.get("open", 0),
        achieved=c.goals.get("achieved", 0),
        dropped=c.goals.get("dropped", 0),
        tasks=c.open_tasks,
        overdue=overdue,
        done=c.done_tasks,
        unanswered=d.unanswered_checkins,
        made=d.introductions_made,
        accepted=d.introductions_accepted,
    )


def _more(hidden: int, what: str) -> list[Block]:
    if hidden <= 0:
        return []
    return [
        context(
            fmt(
                "…and {more}: the goals CSV from `/mentor report` has all.",
                more=plural(hidden, f"more {what}"),
            )
        )
    ]


def _shared_blocks(d: PairDetails, today: date) -> list[Block]:
    blocks: list[Block] = [section(md("*Goals* _(both members agreed to share these with you)_"))]
    if d.goals:
        blocks += [goal_block(g, today, buttons=False) for g in d.goals[:GOALS_SHOWN]]
        blocks += _more(len(d.goals) - GOALS_SHOWN, "goal")
    else:
        blocks.append(context(md("No goals yet.")))
    blocks.append(section(md("*Open tasks*")))
    if d.open_tasks:
        blocks += [
            task_block(t, today, viewer_id=None, buttons=False) for t in d.open_tasks[:TASKS_SHOWN]
        ]
        blocks += _more(len(d.open_tasks) - TASKS_SHOWN, "task")
    else:
        blocks.append(context(md("No open tasks.")))
    if d.introductions:
        blocks.append(section(md("*Introductions*")))
        blocks += sections_from_lines(
            fmt(
                "{icon} {colleague} ({answer}){why}",
                icon=STATUS_ICONS.get(answer, "⏳"),
                colleague=mention(colleague),
                answer=STATUS_WORDS_OF_ANSWERS.get(answer, answer),
                why=fmt(": {why}", why=clip(why, 300)) if why.strip() else md(""),
            )
            for colleague, answer, why in d.introductions
        )
    return blocks


def build_pair_details_modal(d: PairDetails, today: date) -> dict[str, Any]:
    blocks: list[Block] = [
        section(
            fmt(
                "{mentor} mentors {mentee} · *{focus}*",
                mentor=mention(d.mentor_id),
                mentee=mention(d.mentee_id),
                focus=clip(d.focus_label, 200),
            )
        ),
        context(
            fmt(
                "{status} · started {started} · last activity {last}",
                status=STATUS_WORDS.get(d.status, d.status),
                started=format_date(d.started, today),
                last=format_date(d.last_activity, today),
            )
        ),
        section(_counts(d)),
        divider(),
    ]
    if d.shared:
        blocks += _shared_blocks(d, today)
    else:
        blocks.append(
            context(
                md(
                    "🔒 Goal and task text stays with the pair: they haven't both agreed to "
                    "share it with coordinators."
                )
            )
        )
    return View(
        type="modal",
        title="Pair details",
        close="Close",
        blocks=blocks,
    ).to_dict()
