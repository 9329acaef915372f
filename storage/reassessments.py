"""Reassess and refine: apply every decision of one round together, and keep the round."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.text import md
from storage import goals as goal_store
from storage import tasks as task_store
from storage.models import Pairing, Reassessment

KEEP = "keep"
GOAL_DECISIONS = {KEEP: None, "achieved": goal_store.ACHIEVED, "drop": goal_store.DROPPED}
TASK_DECISIONS = {KEEP: None, "done": task_store.DONE, "drop": task_store.DROPPED}


@dataclass(frozen=True)
class Decisions:
    goals: Mapping[int, str] = field(default_factory=dict)  # goal id -> keep / achieved / drop
    goal_reasons: Mapping[int, str] = field(default_factory=dict)
    tasks: Mapping[int, str] = field(default_factory=dict)  # task id -> keep / done / drop
    new_goals: Sequence[str] = ()


def apply_reassessment(
    session: Session, pairing: Pairing, decisions: Decisions, *, by: str, now: datetime
) -> Reassessment:
    """All of it or none of it: a goal or task of another pairing refuses the whole round."""
    counts = {"goals_achieved": 0, "goals_dropped": 0, "tasks_done": 0, "tasks_dropped": 0}
    for goal_id, decision in decisions.goals.items():
        if decision not in GOAL_DECISIONS:
            raise Refused(md("I didn't understand one of the goal choices."), reason="bad_input")
        goal = goal_store.get_goal(session, goal_id, lock=True)
        if goal is None or goal.pairing_id != pairing.id:
            raise Refused(md("That goal belongs to another mentorship."), reason="forbidden")
        status = GOAL_DECISIONS[decision]
        reason = decisions.goal_reasons.get(goal_id)
        if status and goal_store.set_goal_status(
            session, pairing, goal, status, by=by, now=now, reason=reason
        ):
            counts["goals_achieved" if status == goal_store.ACHIEVED else "goals_dropped"] += 1
    for task_id, decision in decisions.tasks.items():
        if decision not in TASK_DECISIONS:
            raise Refused(md("I didn't understand one of the task choices."), reason="bad_input")
        task = task_store.get_task(session, task_id, lock=True)
        if task is None or task.pairing_id != pairing.id:
            raise Refused(md("That task belongs to another mentorship."), reason="forbidden")
        status = TASK_DECISIONS[decision]
        if status and task_store.set_task_status(session, pairing, task, status, by=by, now=now):
            counts["tasks_done" if status == task_store.DONE else "tasks_dropped"] += 1
    for text in decisions.new_goals:
        goal_store.add_goal(session, pairing, text=text, by=by, now=now)
    round_ = Reassessment(
        pairing_id=pairing.id,
        at=now,
        goals_added=len(decisions.new_goals),
        **counts,
    )
    session.add(round_)
    pairing.next_reassess_at = now + timedelta(weeks=pairing.reassess_every_weeks)
    pairing.last_activity_at = now
    session.flush()
    return round_
