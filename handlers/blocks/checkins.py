"""Check-in DMs, reassess prompts, pause notices and the small check-in and pause modals, with
the parsers of what those modals send back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    NumberInputElement,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.dates import DateParseError, format_date, parse_pause
from bot.text import Mrkdwn, clip, fmt, md, md_join, mention, normalise_user_text
from handlers import ids
from handlers.blocks.common import Block, MessageBody, context, header, section
from handlers.blocks.feedback import rating_blocks
from handlers.blocks.meetings import planned_line
from handlers.blocks.modals import InvalidSubmission, Values
from handlers.blocks.requests import actions, button, quote
from handlers.blocks.work import GoalRow, TaskRow, goal_block, task_block

CHECKIN_ANSWER_BLOCK = "checkin-answer"
NOTE_LIMIT = 500
MIN_MINUTES, MAX_MINUTES = 1, 600
# A check-in shows at most this many goals and tasks; the pair can open the full lists.
MAX_GOALS, MAX_TASKS = 10, 20

ANSWER_LABELS = {"met": "We met", "rescheduled": "Rescheduled", "skipped": "Skipped this time"}


@dataclass(frozen=True)
class CheckinCard:
    """One member's view of a check-in."""

    checkin_id: int
    recipient_id: str
    other_id: str
    focus_label: str
    today: date
    goals: Sequence[GoalRow] = ()
    tasks: Sequence[TaskRow] = ()
    answer: str | None = None
    answered_by: str | None = None
    note: str | None = None
    minutes: int | None = None
    # After "We met": whether this member is offered the usefulness rating, and theirs if given.
    rating_offered: bool = False
    rating: int | None = None
    # A meeting the pair planned on the check-in's day (the member's time), if any.
    planned_at: datetime | None = None
    pairing_id: int | None = None  # offers **Plan our next meeting** when known


def _checkin_text(card: CheckinCard) -> Mrkdwn:
    if card.answer is None:
        return fmt(
            "Check-in: did you and {other} meet? ({focus})",
            other=mention(card.other_id),
            focus=card.focus_label,
        )
    return fmt(
        "Check-in with {other} ({focus}): {who} answered “{label}”.",
        other=mention(card.other_id),
        focus=card.focus_label,
        who=mention(card.answered_by) if card.answered_by else "Someone",
        label=ANSWER_LABELS.get(card.answer, card.answer),
    )


def _answer_line(card: CheckinCard) -> list[Block]:
    label = ANSWER_LABELS.get(card.answer or "", card.answer or "")
    who = fmt("{who} answered: ", who=mention(card.answered_by)) if card.answered_by else None
    minutes = f" · {card.minutes} min" if card.minutes else ""
    blocks = [
        context(
            fmt(
                "✅ {who}*{label}*{minutes}",
                who=who or md("Answered: "),
                label=label,
                minutes=minutes,
            )
        )
    ]
    if card.note:
        blocks.append(section(quote(clip(card.note, NOTE_LIMIT))))
    return blocks


def build_checkin_message(card: CheckinCard) -> MessageBody:
    """The check-in DM: goals, open tasks with **Mark complete**, and the one-tap answer (or,
    once answered, who answered what)."""
    blocks: list[Block] = [
        header("Time to check in"),
        section(
            fmt(
                "How are things going with {other} on *{focus_label}*? Did you meet "
                "since the last check-in?",
                other=mention(card.other_id),
                focus_label=card.focus_label,
            )
        ),
    ]
    if card.planned_at is not None:
        blocks.append(context(planned_line(card.planned_at, card.planned_at.date())))
    if card.goals:
        blocks.append(section(md("*Goals*")))
        blocks += [goal_block(row, card.today, buttons=False) for row in card.goals[:MAX_GOALS]]
    open_tasks = [row for row in card.tasks if row.status == "open"][:MAX_TASKS]
    if open_tasks:
        blocks.append(section(md("*Open tasks*")))
        blocks += [task_block(row, card.today, viewer_id=card.recipient_id) for row in open_tasks]
    if card.answer is None:
        value = str(card.checkin_id)
        blocks.append(
            actions(
                CHECKIN_ANSWER_BLOCK,
                button("We met", ids.CHECKIN_MET, value, "primary"),
                button("Rescheduled", ids.CHECKIN_RESCHEDULED, value),
                button("Skip this time", ids.CHECKIN_SKIPPED, value),
                *(
                    [button("Plan our next meeting", ids.MEETING_PLAN, str(card.pairing_id))]
                    if card.pairing_id is not None
                    else []
                ),
            )
        )
    else:
        blocks += _answer_line(card)
        if card.answer == "met" and card.rating_offered:
            blocks += rating_blocks(card.checkin_id, card.rating)
    return MessageBody(_checkin_text(card), blocks)


def build_already_answered(answer: str, answered_by: str | None) -> Mrkdwn:
    label = ANSWER_LABELS.get(answer, answer)
    who = mention(answered_by) if answered_by else "Someone"
    return fmt("That check-in is already answered: {who} said “{label}”.", who=who, label=label)


def build_checkin_met_modal(checkin_id: int, other_id: str) -> dict[str, Any]:
    blocks: list[Any] = [
        section(
            fmt(
                "Glad you met with {other}! Anything to keep for the record?",
                other=mention(other_id),
            )
        ),
        InputBlock(
            block_id=ids.NOTE_BLOCK,
            label="A short note (optional)",
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.NOTE_INPUT, multiline=True, max_length=NOTE_LIMIT
            ),
        ),
        InputBlock(
            block_id=ids.MINUTES_BLOCK,
            label="How long, in minutes (optional)",
            optional=True,
            element=NumberInputElement(
                action_id=ids.MINUTES_INPUT,
                is_decimal_allowed=False,
                min_value=str(MIN_MINUTES),
                max_value=str(MAX_MINUTES),
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.CHECKIN_MET_VIEW,
        title="We met",
        submit="Save",
        close="Cancel",
        private_metadata=str(checkin_id),
        blocks=blocks,
    ).to_dict()


def _input(values: Values, block_id: str, action_id: str) -> dict[str, Any]:
    return values.get(block_id, {}).get(action_id, {})


def parse_checkin_met(values: Values) -> tuple[str, int | None]:
    """(note, minutes) from the **We met** modal."""
    errors: dict[str, str] = {}
    note = normalise_user_text(
        str(_input(values, ids.NOTE_BLOCK, ids.NOTE_INPUT).get("value") or "")
    )
    if len(note) > NOTE_LIMIT:
        errors[ids.NOTE_BLOCK] = f"Please keep the note under {NOTE_LIMIT} characters."
    raw = str(_input(values, ids.MINUTES_BLOCK, ids.MINUTES_INPUT).get("value") or "").strip()
    minutes: int | None = None
    if raw:
        if not raw.isdigit() or not MIN_MINUTES <= int(raw) <= MAX_MINUTES:
            errors[ids.MINUTES_BLOCK] = (
                f"Please give whole minutes, {MIN_MINUTES} to {MAX_MINUTES}."
            )
        else:
            minutes = int(raw)
    if errors:
        raise InvalidSubmission(errors)
    return note, minutes


def build_pause_modal(
    pairing_ids: Sequence[int], other_ids: Sequence[str], today: date
) -> dict[str, Any]:
    names = md_join(", ", (mention(o) for o in dict.fromkeys(other_ids)))
    blocks: list[Any] = [
        section(
            fmt(
                "Pause check-ins with {names} for a while (a rotation, nights, exams, "
                "leave). They start again by themselves on the day you choose.",
                names=names,
            )
        ),
        InputBlock(
            block_id=ids.UNTIL_BLOCK,
            label="Paused until",
            element=DatePickerElement(
                action_id=ids.UNTIL_INPUT,
                initial_date=(today + timedelta(weeks=2)).isoformat(),
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.PAUSE_VIEW,
        title="Pause check-ins",
        submit="Pause",
        close="Cancel",
        private_metadata=",".join(str(p) for p in pairing_ids),
        blocks=blocks,
    ).to_dict()


def parse_pause_until(values: Values, today: date) -> date:
    """The first day check-ins are back, checked like ``/mentor pause until <date>``."""
    picked = _input(values, ids.UNTIL_BLOCK, ids.UNTIL_INPUT).get("selected_date")
    if not picked:
        raise InvalidSubmission({ids.UNTIL_BLOCK: "Please choose a date."})
    try:
        return parse_pause(f"until {picked}", today)
    except DateParseError as error:
        raise InvalidSubmission({ids.UNTIL_BLOCK: error.message}) from None


def build_paused_reply(
    pairing_ids: Sequence[int], other_ids: Sequence[str], until: date, today: date
) -> MessageBody:
    names = md_join(", ", (mention(o) for o in dict.fromkeys(other_ids)))
    text = fmt(
        "Paused: no check-ins with {names} until {until}.",
        names=names,
        until=format_date(until, today),
    )
    return MessageBody(
        text,
        [
            section(fmt("{text} I'll start them again that day and tell you both.", text=text)),
            actions(
                "pause-resume",
                button("Resume now", ids.PAUSE_RESUME, ",".join(str(p) for p in pairing_ids)),
            ),
        ],
    )


def build_paused_for_other(actor_id: str, focus_label: str, until: date, today: date) -> Mrkdwn:
    return fmt(
        "{actor} paused your check-ins on *{focus_label}* until {until}. "
        "They'll start again by themselves then.",
        actor=mention(actor_id),
        focus_label=focus_label,
        until=format_date(until, today),
    )


def build_resumed_for_other(actor_id: str, focus_label: str) -> Mrkdwn:
    return fmt(
        "{actor} resumed your check-ins on *{focus_label}*.",
        actor=mention(actor_id),
        focus_label=focus_label,
    )


def build_resumed_reply(other_ids: Sequence[str]) -> Mrkdwn:
    names = md_join(", ", (mention(o) for o in dict.fromkeys(other_ids)))
    return fmt("Resumed: check-ins with {names} are back on.", names=names)


def build_pause_ended(other_id: str, focus_label: str, next_checkin: str | None) -> MessageBody:
    when = f" The next one is {next_checkin}." if next_checkin else ""
    return MessageBody(
        fmt(
            "Check-ins with {other} on *{focus_label}* are back on: your pause is over.{when}",
            other=mention(other_id),
            focus_label=focus_label,
            when=when,
        ),
        [
            section(
                fmt(
                    "Welcome back! Your pause is over, so check-ins with {other} on "
                    "*{focus_label}* are on again.{when}",
                    other=mention(other_id),
                    focus_label=focus_label,
                    when=when,
                )
            )
        ],
    )


def build_reassess_prompt(pairing_id: int, other_id: str, focus_label: str) -> MessageBody:
    return MessageBody(
        fmt(
            "Time to reassess your goals with {other} on *{focus_label}*.",
            other=mention(other_id),
            focus_label=focus_label,
        ),
        [
            section(
                fmt(
                    "It's time to reassess and refine your goals with {other} on "
                    "*{focus_label}*: mark what's achieved, drop what no longer fits, and "
                    "set what's next.",
                    other=mention(other_id),
                    focus_label=focus_label,
                )
            ),
            actions(
                f"reassess-{pairing_id}",
                button("Reassess now", ids.REASSESS_OPEN, str(pairing_id), "primary"),
            ),
        ],
    )
