"""The reassess-and-refine modal (each open goal and task, new goals, the next round) and the
parser of its submission."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import InputBlock, Option, PlainTextInputElement, StaticSelectElement
from slack_sdk.models.views import View

from bot.dates import format_date
from bot.text import clip, fmt, md, mention, normalise_user_text, plain, plural
from handlers import ids
from handlers.blocks.common import VIEW_BLOCK_LIMIT, Block, context, section
from handlers.blocks.modals import InvalidSubmission, Values
from handlers.blocks.work import GoalRow, TaskRow
from storage.reassessments import KEEP, Decisions

# Block ids of the per-goal and per-task inputs: the prefix, then the goal or task id.
GOAL_DECISION_PREFIX = "reassess-goal-"
GOAL_REASON_PREFIX = "reassess-why-"
TASK_DECISION_PREFIX = "reassess-task-"
DECISION_INPUT = "decision"
REASON_INPUT = "reason"
EVERY_BLOCK, EVERY_INPUT = "reassess_every", "reassess_every_input"

GOAL_CHOICES = ((KEEP, "Keep"), ("achieved", "Achieved 🎉"), ("drop", "Drop"))
TASK_CHOICES = ((KEEP, "Keep"), ("done", "Done ✅"), ("drop", "Drop"))
WEEK_CHOICES = (2, 4, 6, 8, 12)
DEFAULT_WEEKS = 4

LABEL_LIMIT = 150
REASON_LIMIT = 500
NEW_GOAL_LIMIT = 500
NEW_GOALS_MAX = 10
NEW_GOALS_CHARS = NEW_GOALS_MAX * (NEW_GOAL_LIMIT + 1)

# A patient-identifier warning, intro, goals heading, tasks heading, the "not all shown" note,
# new goals, next round.
FIXED_BLOCKS = 7
MAX_GOALS = 25  # two blocks each (choice and reason)
BLOCKS_PER_GOAL = 2


@dataclass(frozen=True)
class ReassessForm:
    pairing_id: int
    other_id: str
    focus_label: str
    goals: Sequence[GoalRow]  # open goals
    tasks: Sequence[TaskRow]  # open tasks
    every_weeks: int
    today: date


@dataclass(frozen=True)
class ReassessSubmission:
    decisions: Decisions
    every_weeks: int


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=plain(text))


def _choice_input(
    block_id: str, label: str, choices: Sequence[tuple[str, str]], chosen: str | None
) -> Block:
    options = [_option(value, text) for value, text in choices]
    initial = next((o for o in options if o.value == chosen), options[0])
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        element=StaticSelectElement(
            action_id=DECISION_INPUT, options=options, initial_option=initial
        ),
    ).to_dict()


def _goal_label(goal: GoalRow, today: date) -> str:
    """A plain_text label: the goal as written, never escaped."""
    text = clip(goal.text, LABEL_LIMIT)
    if goal.target is not None:
        text += f" (by {format_date(goal.target, today)})"
    return text


def _task_label(task: TaskRow, today: date) -> str:
    """A plain_text label: the task as written, never escaped."""
    text = clip(task.text, LABEL_LIMIT)
    if task.due is not None:
        text += f" (due {format_date(task.due, today)})"
    return text


def shown_counts(goal_count: int, task_count: int) -> tuple[int, int]:
    """How many goals and tasks fit in one modal: goals first, tasks in the blocks left."""
    goals = min(goal_count, MAX_GOALS)
    room = VIEW_BLOCK_LIMIT - FIXED_BLOCKS - goals * BLOCKS_PER_GOAL
    return goals, min(task_count, room)


def build_reassess_modal(
    form: ReassessForm,
    chosen: ReassessSubmission | None = None,
    *,
    warning: str | None = None,
    warned: str | None = None,
) -> dict[str, Any]:
    """The modal; ``chosen`` (what was submitted) fills it in again when it is shown back with
    a ``warning`` about the new goals, and ``warned`` fingerprints the text warned about."""
    goals_shown, tasks_shown = shown_counts(len(form.goals), len(form.tasks))
    decisions = chosen.decisions if chosen is not None else Decisions()
    blocks: list[Block] = [
        section(
            fmt(
                "Reassess and refine with {other} for *{focus_label}*: check off what's "
                "done, drop what's no longer a priority, and add what's next.",
                other=mention(form.other_id),
                focus_label=clip(form.focus_label, LABEL_LIMIT),
            )
        )
    ]
    if warning:
        blocks.insert(0, section(fmt(":warning: {warning}", warning=warning)))
    if form.goals:
        blocks.append(section(md("*Goals*")))
        for goal in form.goals[:goals_shown]:
            blocks.append(
                _choice_input(
                    f"{GOAL_DECISION_PREFIX}{goal.goal_id}",
                    _goal_label(goal, form.today),
                    GOAL_CHOICES,
                    decisions.goals.get(goal.goal_id),
                )
            )
            blocks.append(
                InputBlock(
                    block_id=f"{GOAL_REASON_PREFIX}{goal.goal_id}",
                    label="Why (optional)",
                    optional=True,
                    element=PlainTextInputElement(
                        action_id=REASON_INPUT,
                        max_length=REASON_LIMIT,
                        placeholder="E.g. done at grand rounds, or no longer a priority",
                        initial_value=decisions.goal_reasons.get(goal.goal_id),
                    ),
                ).to_dict()
            )
    if form.tasks:
        blocks.append(section(md("*Open tasks*")))
        for task in form.tasks[:tasks_shown]:
            blocks.append(
                _choice_input(
                    f"{TASK_DECISION_PREFIX}{task.task_id}",
                    _task_label(task, form.today),
                    TASK_CHOICES,
                    decisions.tasks.get(task.task_id),
                )
            )
    hidden = (len(form.goals) - goals_shown, len(form.tasks) - tasks_shown)
    if any(hidden):
        blocks.append(
            context(
                fmt(
                    "Showing {goals_shown} of {goals} and {tasks_shown} of {tasks}; the rest "
                    "stay as they are. Use `/mentor goals` and `/mentor tasks` for those.",
                    goals_shown=goals_shown,
                    goals=plural(len(form.goals), "goal"),
                    tasks_shown=tasks_shown,
                    tasks=plural(len(form.tasks), "task"),
                )
            )
        )
    blocks.append(
        InputBlock(
            block_id=ids.NEW_GOALS_BLOCK,
            label="New goals (one per line)",
            optional=True,
            hint=f"Up to {NEW_GOALS_MAX}. Specific goals work best.",
            element=PlainTextInputElement(
                action_id=ids.NEW_GOALS_INPUT,
                multiline=True,
                max_length=NEW_GOALS_CHARS,
                initial_value="\n".join(decisions.new_goals) or None,
            ),
        ).to_dict()
    )
    weeks = [_option(str(w), plural(w, "week")) for w in WEEK_CHOICES]
    every = chosen.every_weeks if chosen is not None else form.every_weeks
    initial = next((o for o in weeks if o.value == str(every)), weeks[1])
    blocks.append(
        InputBlock(
            block_id=EVERY_BLOCK,
            label="Next reassessment in",
            element=StaticSelectElement(
                action_id=EVERY_INPUT, options=weeks, initial_option=initial
            ),
        ).to_dict()
    )
    return View(
        type="modal",
        callback_id=ids.REASSESS_VIEW,
        title="Reassess and refine",
        submit="Save",
        close="Cancel",
        private_metadata=reassess_metadata(form.pairing_id, warned),
        blocks=blocks,
    ).to_dict()


def reassess_metadata(pairing_id: int, warned: str | None = None) -> str:
    """The modal's ``private_metadata``: the pairing, and the fingerprint of new-goal text the
    writer was already warned about (so submitting it again saves it)."""
    data: dict[str, Any] = {"pairing": pairing_id}
    if warned:
        data["warned"] = warned
    return json.dumps(data)


def read_reassess_metadata(raw: str) -> tuple[int | None, str | None]:
    """(pairing id, warned fingerprint); a pairing id of None when the metadata was forged."""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    pairing, warned = data.get("pairing"), data.get("warned")
    return (
        pairing if isinstance(pairing, int) and not isinstance(pairing, bool) else None,
        warned if isinstance(warned, str) else None,
    )


def _selected(field: dict[str, Any]) -> str | None:
    option = field.get("selected_option")
    return str(option["value"]) if isinstance(option, dict) and "value" in option else None


def _suffix_id(block_id: str, prefix: str) -> int | None:
    rest = block_id[len(prefix) :]
    return int(rest) if block_id.startswith(prefix) and rest.isdigit() and len(rest) < 19 else None


def parse_reassessment(values: Values) -> ReassessSubmission:
    """Every decision in the submitted modal; :class:`InvalidSubmission` for anything a person
    should fix (the modal stays open with the message beside the input)."""
    errors: dict[str, str] = {}
    goals: dict[int, str] = {}
    reasons: dict[int, str] = {}
    tasks: dict[int, str] = {}
    goal_values = {value for value, _ in GOAL_CHOICES}
    task_values = {value for value, _ in TASK_CHOICES}
    for block_id, fields in values.items():
        if (goal_id := _suffix_id(block_id, GOAL_DECISION_PREFIX)) is not None:
            choice = _selected(fields.get(DECISION_INPUT, {})) or KEEP
            if choice not in goal_values:
                errors[block_id] = "Please choose keep, achieved or drop."
            goals[goal_id] = choice
        elif (goal_id := _suffix_id(block_id, GOAL_REASON_PREFIX)) is not None:
            raw = str(fields.get(REASON_INPUT, {}).get("value") or "")
            reason = normalise_user_text(raw)
            if len(reason) > REASON_LIMIT:
                errors[block_id] = f"Please keep this under {REASON_LIMIT} characters."
            elif reason:
                reasons[goal_id] = reason
        elif (task_id := _suffix_id(block_id, TASK_DECISION_PREFIX)) is not None:
            choice = _selected(fields.get(DECISION_INPUT, {})) or KEEP
            if choice not in task_values:
                errors[block_id] = "Please choose keep, done or drop."
            tasks[task_id] = choice
    new_goals = _new_goals(values, errors)
    weeks_text = _selected(values.get(EVERY_BLOCK, {}).get(EVERY_INPUT, {}))
    if weeks_text not in {str(w) for w in WEEK_CHOICES}:
        errors[EVERY_BLOCK] = "Please choose when to reassess next."
    if errors:
        raise InvalidSubmission(errors)
    assert weeks_text is not None
    return ReassessSubmission(
        decisions=Decisions(
            goals=goals,
            # A reason is kept only with the change it explains.
            goal_reasons={g: r for g, r in reasons.items() if goals.get(g, KEEP) != KEEP},
            tasks=tasks,
            new_goals=new_goals,
        ),
        every_weeks=int(weeks_text),
    )


def _new_goals(values: Values, errors: dict[str, str]) -> tuple[str, ...]:
    raw = str(values.get(ids.NEW_GOALS_BLOCK, {}).get(ids.NEW_GOALS_INPUT, {}).get("value") or "")
    lines = [line.strip().lstrip("•-*").strip() for line in normalise_user_text(raw).split("\n")]
    goals = tuple(line for line in lines if line)
    if len(goals) > NEW_GOALS_MAX:
        errors[ids.NEW_GOALS_BLOCK] = (
            f"Please add at most {NEW_GOALS_MAX} goals at a time (one per line)."
        )
    elif any(len(goal) > NEW_GOAL_LIMIT for goal in goals):
        errors[ids.NEW_GOALS_BLOCK] = f"Please keep each goal under {NEW_GOAL_LIMIT} characters."
    return goals
