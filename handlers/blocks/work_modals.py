"""Modals for adding and changing goals and tasks, with the parsers of their submissions.

``private_metadata`` is JSON: ``pairing`` (when the modal is for one pairing), ``goal`` (when it
edits or drops one goal), and ``warned``, a fingerprint of text the writer was already warned
about (possible patient identifiers), so a second submit of the same text saves it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)

from bot.text import fmt, md
from handlers import ids
from handlers.blocks.common import context, section
from handlers.blocks.modals import (
    InvalidSubmission,
    Values,
    _option,
    _selected,
    _text,
    _value,
    form_modal,
)

GOAL_LIMIT = 500
TASK_LIMIT = 500
REASON_LIMIT = 500
PAIRING_OPTION_LIMIT = 100


@dataclass(frozen=True)
class PairingOption:
    pairing_id: int
    label: str  # plain text, e.g. "Bob Surgeon · Research"
    # The competencies of the pairing's program, which its goals may be tagged with.
    competencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoalDraft:
    text: str = ""
    target: date | None = None
    competency: str | None = None


@dataclass(frozen=True)
class TaskDraft:
    text: str = ""
    due: date | None = None
    goal_id: int | None = None
    assignee: str = "mentee"  # or "mentor"


@dataclass(frozen=True)
class GoalInput:
    pairing_id: int
    draft: GoalDraft


@dataclass(frozen=True)
class TaskInput:
    pairing_id: int
    draft: TaskDraft


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_metadata(raw: str) -> dict[str, Any]:
    try:
        loaded = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _metadata(pairing_id: int | None, warned: str | None = None, **extra: Any) -> str:
    data: dict[str, Any] = {"pairing": pairing_id, **extra}
    if warned:
        data["warned"] = warned
    return json.dumps(data)


def _pairing_picker(pairings: Sequence[PairingOption]) -> InputBlock:
    return InputBlock(
        block_id=ids.PAIRING_BLOCK,
        label="Which mentorship?",
        element=StaticSelectElement(
            action_id=ids.PAIRING_INPUT,
            options=[_option(str(p.pairing_id), p.label) for p in pairings[:PAIRING_OPTION_LIMIT]],
        ),
    )


def _lead(pairings: Sequence[PairingOption], warning: str | None) -> list[Any]:
    blocks: list[Any] = []
    if warning:
        blocks.append(section(fmt(":warning: {warning}", warning=warning)))
    if len(pairings) == 1:
        blocks.append(context(fmt("For your mentorship: {label}", label=pairings[0].label)))
    else:
        blocks.append(_pairing_picker(pairings))
    return blocks


def _date_input(block_id: str, action_id: str, label: str, initial: date | None) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=DatePickerElement(
            action_id=action_id, initial_date=initial.isoformat() if initial else None
        ),
    )


def _text_input(block_id: str, action_id: str, label: str, initial: str, limit: int) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(
            action_id=action_id, multiline=True, max_length=limit, initial_value=initial or None
        ),
    )


def build_goal_modal(
    pairings: Sequence[PairingOption],
    competencies: Sequence[str],
    draft: GoalDraft = GoalDraft(),
    *,
    warning: str | None = None,
    warned: str | None = None,
) -> dict[str, Any]:
    blocks = _lead(pairings, warning)
    blocks.append(
        _text_input(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, "Goal", draft.text, GOAL_LIMIT)
    )
    blocks.append(
        _date_input(ids.TARGET_DATE_BLOCK, ids.TARGET_DATE_INPUT, "Target date", draft.target)
    )
    options = [_option(str(n), c) for n, c in enumerate(competencies)]
    initial = next(
        (o for o, c in zip(options, competencies, strict=True) if c == draft.competency), None
    )
    blocks.append(
        InputBlock(
            block_id=ids.COMPETENCY_BLOCK,
            label="Competency",
            optional=True,
            element=StaticSelectElement(
                action_id=ids.COMPETENCY_INPUT, options=options, initial_option=initial
            ),
        )
    )
    blocks.append(context(md("Specific and checkable works best: what, by when, how you'll know.")))
    single = pairings[0].pairing_id if len(pairings) == 1 else None
    return form_modal("Add a goal", ids.GOAL_VIEW, blocks, _metadata(single, warned), "Add goal")


def build_goal_edit_modal(
    goal_id: int,
    competencies: Sequence[str],
    draft: GoalDraft,
    *,
    warning: str | None = None,
    warned: str | None = None,
) -> dict[str, Any]:
    view = build_goal_modal(
        [PairingOption(0, "")], competencies, draft, warning=warning, warned=warned
    )
    view["blocks"] = [b for b in view["blocks"] if b.get("type") != "context"]
    view["callback_id"] = ids.GOAL_EDIT_VIEW
    view["title"]["text"] = "Edit goal"
    view["submit"]["text"] = "Save"
    view["private_metadata"] = _metadata(None, warned, goal=goal_id)
    return view


def build_goal_drop_modal(goal_id: int, goal_text: str) -> dict[str, Any]:
    from handlers.blocks.requests import quote

    blocks: list[Any] = [
        section(
            fmt(
                "Drop this goal? It stays in your history as dropped.\n{quote}",
                quote=quote(goal_text),
            )
        ),
        InputBlock(
            block_id=ids.NOTE_BLOCK,
            label="Why (optional)",
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.NOTE_INPUT, multiline=True, max_length=REASON_LIMIT
            ),
        ),
    ]
    return form_modal(
        "Drop goal", ids.GOAL_DROP_VIEW, blocks, _metadata(None, goal=goal_id), "Drop"
    )


def build_task_modal(
    pairings: Sequence[PairingOption],
    goals: Sequence[tuple[int, str]],
    draft: TaskDraft = TaskDraft(),
    *,
    warning: str | None = None,
    warned: str | None = None,
) -> dict[str, Any]:
    """``goals`` (id, text) of the one pairing, offered as links; empty with a picker."""
    blocks = _lead(pairings, warning)
    blocks.append(
        _text_input(ids.TASK_TEXT_BLOCK, ids.TASK_TEXT_INPUT, "Task", draft.text, TASK_LIMIT)
    )
    blocks.append(_date_input(ids.DUE_DATE_BLOCK, ids.DUE_DATE_INPUT, "Due date", draft.due))
    if goals and len(pairings) == 1:
        options = [_option(str(goal_id), text) for goal_id, text in goals[:100]]
        blocks.append(
            InputBlock(
                block_id=ids.GOAL_LINK_BLOCK,
                label="Towards goal",
                optional=True,
                element=StaticSelectElement(
                    action_id=ids.GOAL_LINK_INPUT,
                    options=options,
                    initial_option=next(
                        (o for o in options if o.value == str(draft.goal_id)), None
                    ),
                ),
            )
        )
    who = [_option("mentee", "The mentee"), _option("mentor", "The mentor")]
    blocks.append(
        InputBlock(
            block_id=ids.ASSIGNEE_BLOCK,
            label="Who does it?",
            element=RadioButtonsElement(
                action_id=ids.ASSIGNEE_INPUT,
                options=who,
                initial_option=who[0] if draft.assignee == "mentee" else who[1],
            ),
        )
    )
    single = pairings[0].pairing_id if len(pairings) == 1 else None
    return form_modal("Add a task", ids.TASK_VIEW, blocks, _metadata(single, warned), "Add task")


def _pairing(values: Values, metadata: dict[str, Any], allowed: Sequence[int]) -> int:
    fixed = metadata.get("pairing")
    if isinstance(fixed, int):
        return fixed
    picked = _selected(values, ids.PAIRING_BLOCK, ids.PAIRING_INPUT) or ""
    if not picked.isdigit() or int(picked) not in allowed:
        raise InvalidSubmission({ids.PAIRING_BLOCK: "Please choose a mentorship."})
    return int(picked)


def _date(values: Values, block_id: str, action_id: str, today: date) -> date | None:
    raw = _value(values, block_id, action_id).get("selected_date")
    if not raw:
        return None
    try:
        picked = date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidSubmission({block_id: "Please pick a date from the calendar."}) from None
    if picked < today:
        raise InvalidSubmission({block_id: "That date has already passed."})
    return picked


def _required_text(values: Values, block_id: str, action_id: str, limit: int, what: str) -> str:
    text = _text(values, block_id, action_id, limit)
    if not text:
        raise InvalidSubmission({block_id: f"Please write the {what}."})
    return text


def parse_goal(
    values: Values,
    metadata: dict[str, Any],
    allowed: Sequence[int],
    competencies: Sequence[str],
    today: date,
) -> GoalInput:
    pairing_id = _pairing(values, metadata, allowed)
    text = _required_text(values, ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, GOAL_LIMIT, "goal")
    target = _date(values, ids.TARGET_DATE_BLOCK, ids.TARGET_DATE_INPUT, today)
    picked = _selected(values, ids.COMPETENCY_BLOCK, ids.COMPETENCY_INPUT)
    competency = None
    if picked is not None:
        if not picked.isdigit() or int(picked) >= len(competencies):
            raise InvalidSubmission({ids.COMPETENCY_BLOCK: "Please choose from the list."})
        competency = competencies[int(picked)]
    return GoalInput(pairing_id, GoalDraft(text, target, competency))


def parse_task(
    values: Values, metadata: dict[str, Any], allowed: Sequence[int], today: date
) -> TaskInput:
    pairing_id = _pairing(values, metadata, allowed)
    text = _required_text(values, ids.TASK_TEXT_BLOCK, ids.TASK_TEXT_INPUT, TASK_LIMIT, "task")
    due = _date(values, ids.DUE_DATE_BLOCK, ids.DUE_DATE_INPUT, today)
    goal = _selected(values, ids.GOAL_LINK_BLOCK, ids.GOAL_LINK_INPUT)
    assignee = _selected(values, ids.ASSIGNEE_BLOCK, ids.ASSIGNEE_INPUT) or "mentee"
    if assignee not in ("mentee", "mentor"):
        raise InvalidSubmission({ids.ASSIGNEE_BLOCK: "Please choose who does it."})
    goal_id = int(goal) if goal and goal.isdigit() else None
    return TaskInput(pairing_id, TaskDraft(text, due, goal_id, assignee))


def parse_drop_reason(values: Values) -> str:
    return _text(values, ids.NOTE_BLOCK, ids.NOTE_INPUT, REASON_LIMIT)
