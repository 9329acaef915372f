"""Goals and tasks as Block Kit rows, shared by task DMs, lists, check-ins and App Home.

Every task row is one section whose ``block_id`` is ``task-<id>`` with its button as the
accessory, so a tap on **Mark complete** can redraw exactly that row in whatever message it
sits in (see :func:`replace_task_row`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import ButtonElement, SectionBlock

from bot.dates import format_date
from bot.text import Mrkdwn, clip, escape, fmt, md, md_join, mention
from handlers import ids
from handlers.blocks.common import (
    MESSAGE_BLOCK_LIMIT,
    Block,
    context,
    divider,
    mrkdwn_text,
    section,
)

ROW_TEXT_LIMIT = 600  # a row shows the start of very long text; the pair can open the list
GOAL_ICONS = {"open": "◻️", "achieved": "✅", "dropped": "➖"}


@dataclass(frozen=True)
class TaskRow:
    task_id: int
    text: str
    status: str  # open, done, dropped
    assignee_id: str
    due: date | None
    done_by: str | None = None
    done_on: date | None = None


@dataclass(frozen=True)
class GoalRow:
    goal_id: int
    text: str
    status: str  # open, achieved, dropped
    target: date | None
    competency: str | None


def task_block_id(task_id: int) -> str:
    return f"task-{task_id}"


def _button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value, style=style)


def task_text(row: TaskRow, today: date) -> Mrkdwn:
    text = clip(row.text, ROW_TEXT_LIMIT)
    if row.status == "done":
        who = fmt(" by {who}", who=mention(row.done_by)) if row.done_by else md("")
        when = f" on {format_date(row.done_on, today)}" if row.done_on else ""
        return fmt("✅ ~{text}~\n_Done{who}{when}_", text=text, who=who, when=when)
    if row.status == "dropped":
        return fmt("➖ ~{text}~ _(dropped)_", text=text)
    due = md("")
    if row.due is not None:
        overdue = md(" *overdue*") if row.due < today else md("")
        due = fmt(" · due {date}{overdue}", date=format_date(row.due, today), overdue=overdue)
    return fmt(
        "◻️ {text}\n_For {assignee}{due}_", text=text, assignee=mention(row.assignee_id), due=due
    )


def task_block(row: TaskRow, today: date, *, buttons: bool = True) -> Block:
    """One task: **Mark complete** while open, **Undo** once done."""
    accessory = None
    if buttons and row.status == "open":
        accessory = _button("Mark complete", ids.TASK_COMPLETE, str(row.task_id), "primary")
    elif buttons and row.status == "done":
        accessory = _button("Undo", ids.TASK_UNDO, str(row.task_id))
    return SectionBlock(
        block_id=task_block_id(row.task_id),
        text=mrkdwn_text(task_text(row, today)),
        accessory=accessory,
    ).to_dict()


def replace_task_row(blocks: Sequence[Block], row: TaskRow, today: date) -> list[Block] | None:
    """``blocks`` with the row of ``row.task_id`` redrawn; None when the message has no such
    row (then there is nothing to update in place)."""
    target = task_block_id(row.task_id)
    if not any(b.get("block_id") == target for b in blocks):
        return None
    return [task_block(row, today) if b.get("block_id") == target else dict(b) for b in blocks]


def goal_text(row: GoalRow, today: date) -> Mrkdwn:
    icon = GOAL_ICONS.get(row.status, "◻️")
    text = escape(clip(row.text, ROW_TEXT_LIMIT))
    if row.status != "open":
        text = fmt("~{text}~", text=text)
    details: list[str] = []
    if row.competency:
        details.append(row.competency)
    if row.target is not None:
        details.append(f"by {format_date(row.target, today)}")
    if row.status != "open":
        details.append(row.status)
    suffix = fmt("\n_{details}_", details=md_join(" · ", details)) if details else md("")
    return fmt("{icon} {text}{suffix}", icon=icon, text=text, suffix=suffix)


def goal_block(row: GoalRow, today: date, *, buttons: bool = True) -> Block:
    accessory: dict[str, Any] | None = None
    if buttons:
        accessory = goal_menu(row)
    block = SectionBlock(
        block_id=f"goal-{row.goal_id}",
        text=mrkdwn_text(goal_text(row, today)),
    ).to_dict()
    if accessory is not None:
        block["accessory"] = accessory
    return block


def goal_menu(row: GoalRow) -> dict[str, Any]:
    """An overflow menu: achieved / edit / drop for an open goal, reopen for a closed one."""
    value = str(row.goal_id)
    if row.status == "open":
        choices = [
            ("Mark achieved", f"{ids.GOAL_ACHIEVED}:{value}"),
            ("Edit…", f"{ids.GOAL_EDIT_OPEN}:{value}"),
            ("Drop…", f"{ids.GOAL_DROP_OPEN}:{value}"),
        ]
    else:
        choices = [("Reopen", f"{ids.GOAL_REOPEN}:{value}")]
    return {
        "type": "overflow",
        "action_id": ids.GOAL_MENU,
        "options": [
            {"text": {"type": "plain_text", "text": label}, "value": choice}
            for label, choice in choices
        ],
    }


@dataclass(frozen=True)
class PairingWork:
    """One pairing's goals and tasks, as shown to one of its members."""

    pairing_id: int
    other_id: str
    role: str  # the viewer's role: "mentor" or "mentee"
    focus_label: str
    goals: Sequence[GoalRow]
    tasks: Sequence[TaskRow]


def pairing_heading(work: PairingWork) -> Mrkdwn:
    whose = "you mentor" if work.role == "mentor" else "your mentor"
    return fmt(
        "*{focus_label}* with {other} ({whose})",
        focus_label=work.focus_label,
        other=mention(work.other_id),
        whose=whose,
    )


def _listing(
    pairings: Sequence[PairingWork],
    today: date,
    *,
    empty: Mrkdwn,
    rows: Callable[[PairingWork], list[Block]],
    add: tuple[str, str],
) -> list[Block]:
    """Per pairing: a heading, its rows, an add button; within a message's 50 blocks."""
    blocks: list[Block] = []
    budget = MESSAGE_BLOCK_LIMIT - 1
    for work in pairings:
        items = rows(work)
        room = budget - len(blocks) - 3
        if room < 1:
            blocks.append(
                context(
                    md("More mentorships than fit here: name one, as in `/mentor tasks @person`.")
                )
            )
            break
        shown, hidden = items[:room], len(items) - min(len(items), room)
        if blocks:
            blocks.append(divider())
        blocks.append(section(pairing_heading(work)))
        blocks.extend(shown if shown else [context(empty)])
        if hidden:
            blocks.append(context(fmt("…and {hidden} more.", hidden=hidden)))
        label, action_id = add
        blocks.append(
            {
                "type": "actions",
                "block_id": f"add-{work.pairing_id}",
                "elements": [_button(label, action_id, str(work.pairing_id)).to_dict()],
            }
        )
    return blocks[:MESSAGE_BLOCK_LIMIT]


def build_goals_list(pairings: Sequence[PairingWork], today: date) -> list[Block]:
    return _listing(
        pairings,
        today,
        empty=md("No goals yet. Specific, checkable goals work best."),
        rows=lambda w: [goal_block(g, today) for g in w.goals],
        add=("Add a goal", ids.GOAL_ADD_OPEN),
    )


def build_tasks_list(pairings: Sequence[PairingWork], today: date) -> list[Block]:
    return _listing(
        pairings,
        today,
        empty=md("No open tasks."),
        rows=lambda w: [task_block(t, today) for t in w.tasks],
        add=("Add a task", ids.TASK_ADD_OPEN),
    )
