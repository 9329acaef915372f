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
from bot.text import Mrkdwn, clip, escape, fmt, md, md_join, mention, plural
from handlers import ids
from handlers.blocks.common import (
    MESSAGE_BLOCK_LIMIT,
    Block,
    MessageBody,
    context,
    divider,
    mrkdwn_text,
    section,
)
from handlers.blocks.requests import quote

ROW_TEXT_LIMIT = 600  # a row shows the start of very long text; the pair can open the list
GOAL_NAME_LIMIT = 80  # a goal named on a task's row
SUMMARY_TEXT_LIMIT = 100  # user text quoted in a message's fallback text
REASON_SHOWN_LIMIT = 300
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
    goal_id: int | None = None  # the goal it works towards
    goal: str | None = None  # that goal's text


@dataclass(frozen=True)
class GoalRow:
    goal_id: int
    text: str
    status: str  # open, achieved, dropped
    target: date | None
    competency: str | None
    closed_by: str | None = None  # who marked it achieved or dropped it
    closed_on: date | None = None
    reason: str | None = None  # why, as they gave it


def task_block_id(task_id: int) -> str:
    return f"task-{task_id}"


def _button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value, style=style)


def _whose(user_id: str, viewer_id: str | None) -> Mrkdwn:
    return md("you") if user_id == viewer_id else mention(user_id)


def task_text(
    row: TaskRow, today: date, *, viewer_id: str | None, show_goal: bool = True
) -> Mrkdwn:
    """One task as ``viewer_id`` reads it ("For you" on their own tasks); the goal it works
    towards is named unless the row sits under that goal already (``show_goal``)."""
    text = clip(row.text, ROW_TEXT_LIMIT)
    towards = md("")
    if show_goal and row.goal:
        towards = fmt(" · towards “{goal}”", goal=clip(row.goal, GOAL_NAME_LIMIT))
    if row.status == "done":
        who = fmt(" by {who}", who=_whose(row.done_by, viewer_id)) if row.done_by else md("")
        when = f" on {format_date(row.done_on, today)}" if row.done_on else ""
        return fmt(
            "✅ ~{text}~\n_Done{who}{when}{towards}_",
            text=text,
            who=who,
            when=when,
            towards=towards,
        )
    if row.status == "dropped":
        return fmt("➖ ~{text}~ _(dropped{towards})_", text=text, towards=towards)
    due = md("")
    if row.due is not None:
        overdue = md(" *overdue*") if row.due < today else md("")
        due = fmt(" · due {date}{overdue}", date=format_date(row.due, today), overdue=overdue)
    return fmt(
        "◻️ {text}\n_For {whose}{due}{towards}_",
        text=text,
        whose=_whose(row.assignee_id, viewer_id),
        due=due,
        towards=towards,
    )


def task_block(
    row: TaskRow,
    today: date,
    *,
    viewer_id: str | None,
    buttons: bool = True,
    show_goal: bool = True,
) -> Block:
    """One task: **Mark complete** while open, **Undo** once done."""
    accessory = None
    if buttons and row.status == "open":
        accessory = _button("Mark complete", ids.TASK_COMPLETE, str(row.task_id), "primary")
    elif buttons and row.status == "done":
        accessory = _button("Undo", ids.TASK_UNDO, str(row.task_id))
    return SectionBlock(
        block_id=task_block_id(row.task_id),
        text=mrkdwn_text(task_text(row, today, viewer_id=viewer_id, show_goal=show_goal)),
        accessory=accessory,
    ).to_dict()


def replace_task_row(
    blocks: Sequence[Block], row: TaskRow, today: date, *, viewer_id: str | None
) -> list[Block] | None:
    """``blocks`` with the row of ``row.task_id`` redrawn for ``viewer_id``; None when the
    message has no such row (then there is nothing to update in place)."""
    target = task_block_id(row.task_id)
    if not any(b.get("block_id") == target for b in blocks):
        return None
    return [
        task_block(row, today, viewer_id=viewer_id) if b.get("block_id") == target else dict(b)
        for b in blocks
    ]


def build_task_dm(row: TaskRow, today: date, actor_id: str, focus_label: str) -> MessageBody:
    """The assignee's DM about a new task, with **Mark complete**."""
    if actor_id != row.assignee_id:
        lead = fmt("{actor} gave you a task ({label}):", actor=mention(actor_id), label=focus_label)
    else:
        lead = fmt("Your new task ({label}):", label=focus_label)
    return MessageBody(
        fmt("{lead} {text}", lead=lead, text=clip(row.text, SUMMARY_TEXT_LIMIT)),
        [section(lead), task_block(row, today, viewer_id=row.assignee_id)],
    )


def build_task_redrawn(row: TaskRow, today: date) -> MessageBody:
    """The assignee's task DM brought up to date after the task changed elsewhere."""
    state = {"done": "Done", "dropped": "Dropped"}.get(row.status, "Your task")
    return MessageBody(
        fmt("{state}: {text}", state=state, text=clip(row.text, SUMMARY_TEXT_LIMIT)),
        [task_block(row, today, viewer_id=row.assignee_id)],
    )


def _quoted(lead: Mrkdwn, user_text: str) -> MessageBody:
    """A short note about a goal or task: ``lead``, then what was written, quoted."""
    return MessageBody(
        fmt(
            "{lead} “{text}”",
            lead=lead,
            text=clip(user_text.replace("\n", " "), SUMMARY_TEXT_LIMIT),
        ),
        [section(fmt("{lead}\n{quote}", lead=lead, quote=quote(user_text)))],
    )


def build_goal_added(actor_id: str, focus_label: str, goal_text: str) -> MessageBody:
    lead = fmt(
        "{actor} added a goal to your *{label}* mentorship:",
        actor=mention(actor_id),
        label=focus_label,
    )
    return _quoted(lead, goal_text)


def build_task_added(actor_id: str, focus_label: str, task_text: str) -> MessageBody:
    lead = fmt(
        "{actor} added a task to your *{label}* mentorship:",
        actor=mention(actor_id),
        label=focus_label,
    )
    return _quoted(lead, task_text)


def build_task_completed(actor_id: str, focus_label: str, task_text: str) -> MessageBody:
    lead = fmt("✅ {actor} completed a task ({label}):", actor=mention(actor_id), label=focus_label)
    return _quoted(lead, task_text)


def build_goal_closed(actor_id: str, focus_label: str, row: GoalRow) -> MessageBody:
    """The other member told that a goal was achieved, or dropped (with the reason given)."""
    if row.status == "achieved":
        lead = fmt(
            "🎉 {actor} marked a goal achieved ({label}):",
            actor=mention(actor_id),
            label=focus_label,
        )
        return _quoted(lead, row.text)
    lead = fmt(
        "{actor} dropped a goal ({label}); it stays in your history:",
        actor=mention(actor_id),
        label=focus_label,
    )
    note = _quoted(lead, row.text)
    if not row.reason:
        return note
    why = fmt("Why: {reason}", reason=clip(row.reason, REASON_SHOWN_LIMIT))
    return MessageBody(fmt("{note} {why}", note=note.text, why=why), [*note.blocks, context(why)])


def goal_closing(row: GoalRow, today: date) -> Mrkdwn:
    """How a closed goal ended: "achieved by <@U1> on Tue 1 Dec", with the reason if one was
    given ("dropped by <@U2> on Mon 30 Nov: “Rotation changed”"); empty for an open goal."""
    if row.status == "open":
        return md("")
    words: list[str] = [row.status]
    if row.closed_by:
        words.append(fmt("by {who}", who=mention(row.closed_by)))
    if row.closed_on is not None:
        words.append(f"on {format_date(row.closed_on, today)}")
    said = md_join(" ", words)
    if not row.reason:
        return said
    reason = clip(row.reason.replace("\n", " "), REASON_SHOWN_LIMIT)
    return fmt("{said}: “{reason}”", said=said, reason=reason)


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
        details.append(goal_closing(row, today))
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


def _listing_text(what: str, pairings: Sequence[PairingWork], counts: str) -> Mrkdwn:
    """E.g. "Your goals with <@U1> (Research): 1 open goal, 2 closed goals"."""
    shown = pairings[:3]
    return fmt(
        "Your {what} with {whom}{more}: {counts}.",
        what=what,
        whom=md_join(
            ", ",
            (fmt("{who} ({label})", who=mention(w.other_id), label=w.focus_label) for w in shown),
        ),
        more=f" and {plural(len(pairings) - len(shown), 'more mentorship')}"
        if pairings[3:]
        else "",
        counts=counts,
    )


def _nothing_to_list(what: str) -> MessageBody:
    text = fmt("You have no open mentorships, so no {what} to show.", what=what)
    return MessageBody(
        text, [section(fmt("{text} Ask someone with `/mentor ask @person`.", text=text))]
    )


def build_goals_list(pairings: Sequence[PairingWork], today: date) -> MessageBody:
    """``/mentor goals``: each mentorship's goals, closed ones with who closed them and why."""
    if not pairings:
        return _nothing_to_list("goals")
    blocks = _listing(
        pairings,
        today,
        empty=md("No goals yet. Specific, checkable goals work best."),
        rows=lambda w: [goal_block(g, today) for g in w.goals],
        add=("Add a goal", ids.GOAL_ADD_OPEN),
    )
    goals = [g for w in pairings for g in w.goals]
    open_count = sum(g.status == "open" for g in goals)
    counts = f"{plural(open_count, 'open goal')}, {plural(len(goals) - open_count, 'closed goal')}"
    return MessageBody(_listing_text("goals", pairings, counts), blocks)


def build_tasks_list(pairings: Sequence[PairingWork], today: date, viewer_id: str) -> MessageBody:
    """``/mentor tasks``: each mentorship's open and recently done tasks."""
    if not pairings:
        return _nothing_to_list("tasks")
    blocks = _listing(
        pairings,
        today,
        empty=md("No open tasks."),
        rows=lambda w: [task_block(t, today, viewer_id=viewer_id) for t in w.tasks],
        add=("Add a task", ids.TASK_ADD_OPEN),
    )
    tasks = [t for w in pairings for t in w.tasks]
    open_count = sum(t.status == "open" for t in tasks)
    counts = (
        f"{plural(open_count, 'open task')}, "
        f"{plural(len(tasks) - open_count, 'recently done task')}"
    )
    return MessageBody(_listing_text("tasks", pairings, counts), blocks)
