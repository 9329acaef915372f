"""Modals for asking, answering, agreeing check-ins and ending, with the parsers of their
submissions (kept here, beside the ids they read)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.cadence import CADENCE_LABELS, Cadence
from bot.communication import (
    DAYS_OF_MONTH,
    MEETING_FORMATS,
    WEEKDAYS,
    WEEKS_OF_MONTH,
    Communication,
)
from bot.focus import FocusArea
from bot.text import clip, fmt, md, mention, normalise_user_text, plain
from handlers import ids
from handlers.blocks.common import context, section
from handlers.blocks.conflicts import override_input

NOTE_LIMIT = 500
REASON_LIMIT = 1000
OPTION_TEXT_LIMIT = 75


class InvalidSubmission(Exception):
    """What to show next to each input (``block_id`` -> message); the modal stays open."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


Values = dict[str, dict[str, dict[str, Any]]]


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=clip(plain(text), OPTION_TEXT_LIMIT))


def form_modal(
    title: str, callback_id: str, blocks: list[Any], metadata: str, submit: str
) -> dict[str, Any]:
    """A modal with a submit and a Cancel, its title and submit cut to Slack's limits."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, 24),
        submit=clip(submit, 24),
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def _note_input(
    label: str, hint: str | None, initial: str = "", limit: int = NOTE_LIMIT
) -> InputBlock:
    return InputBlock(
        block_id=ids.NOTE_BLOCK,
        label=label,
        optional=True,
        hint=hint,
        element=PlainTextInputElement(
            action_id=ids.NOTE_INPUT,
            multiline=True,
            max_length=limit,
            initial_value=initial[:limit] or None,
        ),
    )


def focus_block_id(picked_program: int | None) -> str:
    """The focus input's block id. Under a program picker it names the program chosen: Slack
    keeps an input's value across views.update while its block id stays the same, and a focus
    chosen from the last program's list must not linger in the next one's."""
    return ids.FOCUS_BLOCK if picked_program is None else f"{ids.FOCUS_BLOCK}.{picked_program}"


def focus_block_in(values: Values) -> str:
    """The focus block a submitted modal holds (where errors about the focus go)."""
    prefix = f"{ids.FOCUS_BLOCK}."
    return next(
        (b for b in values if b == ids.FOCUS_BLOCK or b.startswith(prefix)), ids.FOCUS_BLOCK
    )


def focus_input(
    areas: Sequence[FocusArea],
    chosen: str | None = None,
    block_id: str = ids.FOCUS_BLOCK,
    *,
    placeholder: str | None = "What would you like help with?",
) -> InputBlock:
    """The focus select of a form, its options the program's focus areas."""
    options = [_option(a.key, a.label) for a in areas]
    return InputBlock(
        block_id=block_id,
        label="Focus",
        element=StaticSelectElement(
            action_id=ids.FOCUS_INPUT,
            placeholder=placeholder,
            options=options,
            initial_option=next((o for o in options if o.value == chosen), None),
        ),
    )


@dataclass(frozen=True)
class ProgramPick:
    """The programs a modal offers (id, name) and the one chosen, for someone in several; the
    focus options shown are the chosen program's."""

    options: tuple[tuple[int, str], ...]
    chosen: int


def _program_input(pick: ProgramPick, action_id: str) -> InputBlock:
    options = [_option(str(program_id), name) for program_id, name in pick.options]
    return InputBlock(
        block_id=ids.PROGRAM_BLOCK,
        label="Program",
        hint="You're in more than one program; the focus areas are the chosen program's.",
        # Choosing a program sends a block action at once, so the focus options follow it.
        dispatch_action=True,
        element=StaticSelectElement(
            action_id=action_id,
            options=options,
            initial_option=next((o for o in options if o.value == str(pick.chosen)), None),
        ),
    )


def _metadata(people: dict[str, str], program_id: int | None) -> str:
    # The program travels with the modal only once settled; a picker's choice is in its state.
    carried: dict[str, Any] = dict(people)
    if program_id is not None:
        carried["program"] = program_id
    return json.dumps(carried)


@dataclass(frozen=True)
class FocusForm:
    """What the ask and assign forms share: the focus areas offered (the program's), the focus
    already chosen, the note typed so far, and the program: settled (``program_id``, carried in
    the metadata) or asked with ``pick`` (someone in several)."""

    areas: Sequence[FocusArea]
    note: str = ""
    program_id: int | None = None
    pick: ProgramPick | None = None
    focus: str | None = None


def _program_and_focus(form: FocusForm, program_action: str) -> list[InputBlock]:
    """The program picker (when the program is not settled), then the focus select."""
    pick = form.pick
    picker = [_program_input(pick, program_action)] if pick is not None else []
    block_id = focus_block_id(pick.chosen if pick else None)
    return [*picker, focus_input(form.areas, form.focus, block_id)]


def _form_metadata(people: dict[str, str], form: FocusForm) -> str:
    return _metadata(people, None if form.pick is not None else form.program_id)


def _asked(mentor_id: str) -> Any:
    """Whom the form asks: named already (``/mentor ask @person``), or chosen here (from Home)."""
    if mentor_id:
        return section(fmt("You're asking {mentor} to be your mentor.", mentor=mention(mentor_id)))
    return InputBlock(
        block_id=ids.ASK_MENTOR_BLOCK,
        label="Who would you like to ask?",
        hint="Someone you know and would like to learn from; they can say yes, no, or suggest "
        "someone better suited.",
        element=UserSelectElement(action_id=ids.ASK_MENTOR_INPUT, placeholder="Choose someone"),
    )


def parse_asked_mentor(values: Values, named: str) -> str:
    """The person asked: the one the form named, else the one chosen in its picker."""
    if named:
        return named
    chosen = _value(values, ids.ASK_MENTOR_BLOCK, ids.ASK_MENTOR_INPUT).get("selected_user")
    if not chosen:
        raise InvalidSubmission({ids.ASK_MENTOR_BLOCK: "Please choose the person to ask."})
    return str(chosen)


def build_ask_modal(mentor_id: str, form: FocusForm) -> dict[str, Any]:
    """The ask form, for ``mentor_id`` or (empty) for someone chosen in it; with ``form.pick``
    it asks which program first (someone in several)."""
    blocks: list[Any] = [
        _asked(mentor_id),
        *_program_and_focus(form, ids.ASK_PROGRAM_INPUT),
        _note_input(
            "A note for them (optional)",
            "What you hope to work on, and how much time you're hoping for.",
            form.note,
        ),
    ]
    return form_modal(
        "Ask for a mentor",
        ids.ASK_VIEW,
        blocks,
        _form_metadata({"mentor": mentor_id}, form),
        "Send request",
    )


def _pairing_whom(mentor_id: str, mentee_id: str) -> list[Any]:
    """Who the assign form pairs: both named (``/mentor assign``), or the mentee named and the
    mentor chosen in it (**Assign…** on a coordinator's Home)."""
    if mentor_id:
        return [
            section(
                fmt(
                    "Pair {mentor} as mentor to {mentee}.",
                    mentor=mention(mentor_id),
                    mentee=mention(mentee_id),
                )
            )
        ]
    return [
        section(fmt("Choose a mentor for {mentee}.", mentee=mention(mentee_id))),
        InputBlock(
            block_id=ids.ASSIGN_MENTOR_BLOCK,
            label="Mentor",
            element=UserSelectElement(
                action_id=ids.ASSIGN_MENTOR_INPUT, placeholder="Choose someone"
            ),
        ),
    ]


def parse_assigned_mentor(values: Values, named: str) -> str:
    """The mentor assigned: the one the form named, else the one chosen in its picker."""
    if named:
        return named
    chosen = _value(values, ids.ASSIGN_MENTOR_BLOCK, ids.ASSIGN_MENTOR_INPUT).get("selected_user")
    if not chosen:
        raise InvalidSubmission({ids.ASSIGN_MENTOR_BLOCK: "Please choose a mentor."})
    return str(chosen)


def build_assign_modal(
    mentor_id: str, mentee_id: str, form: FocusForm, *, from_home: bool = False
) -> dict[str, Any]:
    """The assign form, for ``mentor_id`` or (empty) a mentor chosen in it; with ``form.pick``
    it asks which program first (a coordinator of several). ``from_home``: opened from the
    coordinator's Home, which is redrawn once the pair is made."""
    blocks: list[Any] = [
        *_pairing_whom(mentor_id, mentee_id),
        *_program_and_focus(form, ids.ASSIGN_PROGRAM_INPUT),
        _note_input("Why you paired them (shown to both)", None, form.note),
        override_input(),
    ]
    return form_modal(
        "Assign a mentor",
        ids.ASSIGN_VIEW,
        blocks,
        _form_metadata(
            {"mentor": mentor_id, "mentee": mentee_id, **({"from": "home"} if from_home else {})},
            form,
        ),
        "Assign",
    )


def _value(values: Values, block_id: str, action_id: str) -> dict[str, Any]:
    return values.get(block_id, {}).get(action_id, {})


def _text(values: Values, block_id: str, action_id: str, limit: int) -> str:
    raw = _value(values, block_id, action_id).get("value") or ""
    text = normalise_user_text(str(raw))
    if len(text) > limit:
        raise InvalidSubmission({block_id: f"Please keep this under {limit} characters."})
    return text


def _selected(values: Values, block_id: str, action_id: str) -> str | None:
    option = _value(values, block_id, action_id).get("selected_option")
    return str(option["value"]) if isinstance(option, dict) and "value" in option else None


def parse_note(values: Values, limit: int = NOTE_LIMIT) -> str:
    return _text(values, ids.NOTE_BLOCK, ids.NOTE_INPUT, limit)


def parse_focus_note(values: Values, areas: Sequence[FocusArea]) -> tuple[str, str]:
    block_id = focus_block_in(values)
    focus = _selected(values, block_id, ids.FOCUS_INPUT)
    if focus not in {a.key for a in areas}:
        raise InvalidSubmission({block_id: "Please choose a focus."})
    assert focus is not None
    return focus, parse_note(values)


class ForgedProgram(Exception):
    """A program id in a modal that is no id at all: only a forged payload carries one."""


def parse_program(values: Values, metadata: dict[str, Any]) -> int | None:
    """The program a modal was submitted for: the picker's choice, else the one settled when
    it opened; None for a modal that carried neither (opened before programs existed)."""
    block = values.get(ids.PROGRAM_BLOCK) or {}
    for state in block.values():
        option = state.get("selected_option") if isinstance(state, dict) else None
        if isinstance(option, dict):
            return program_id_of(option.get("value"))
    if "program" in metadata:
        return program_id_of(metadata["program"])
    return None


def program_id_of(raw: object) -> int:
    """A program id as a modal carries it (a picker's option value, or metadata)."""
    if isinstance(raw, bool):
        raise ForgedProgram(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    raise ForgedProgram(raw)


def parse_metadata(metadata: str) -> dict[str, Any]:
    try:
        loaded = json.loads(metadata or "{}")
    except json.JSONDecodeError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def build_decline_modal(request_id: int, mentee_id: str) -> dict[str, Any]:
    return form_modal(
        "Decline request",
        ids.DECLINE_VIEW,
        [
            section(
                fmt(
                    "I'll let {mentee} know kindly that you can't take this on.",
                    mentee=mention(mentee_id),
                )
            ),
            _note_input(
                "A private note to them (optional)",
                "Only they will see it. A suggestion of who else to ask is always welcome.",
            ),
        ],
        str(request_id),
        "Decline",
    )


def build_redirect_modal(request_id: int, mentee_id: str) -> dict[str, Any]:
    return form_modal(
        "Suggest someone else",
        ids.REDIRECT_VIEW,
        [
            section(
                fmt(
                    "Who would be a better mentor for {mentee}? I'll pass your suggestion "
                    "on; nothing is sent to the person you suggest.",
                    mentee=mention(mentee_id),
                )
            ),
            InputBlock(
                block_id=ids.SUGGEST_BLOCK,
                label="Suggested colleague",
                element=UserSelectElement(
                    action_id=ids.SUGGEST_INPUT, placeholder="Choose someone"
                ),
            ),
            _note_input("A note (optional)", "Why they'd be a good fit, or how to approach them."),
        ],
        str(request_id),
        "Suggest",
    )


def build_reassign_modal(pairing_id: int, mentor_id: str, mentee_id: str) -> dict[str, Any]:
    """A coordinator picks a new mentor for ``mentee_id``; the old pairing ends kindly."""
    return form_modal(
        "Reassign mentor",
        ids.DIGEST_REASSIGN_VIEW,
        [
            section(
                fmt(
                    "Choose a new mentor for {mentee}. Their mentorship with {mentor} ends "
                    "with a kind note to both, and the new pair is introduced with the same "
                    "focus.",
                    mentee=mention(mentee_id),
                    mentor=mention(mentor_id),
                )
            ),
            InputBlock(
                block_id=ids.SUGGEST_BLOCK,
                label="New mentor",
                element=UserSelectElement(
                    action_id=ids.SUGGEST_INPUT, placeholder="Choose someone"
                ),
            ),
            _note_input("Why this mentor (shown to both)", None),
            override_input(),
        ],
        str(pairing_id),
        "Reassign",
    )


def parse_redirect(values: Values) -> tuple[str, str]:
    suggested = _value(values, ids.SUGGEST_BLOCK, ids.SUGGEST_INPUT).get("selected_user")
    if not suggested:
        raise InvalidSubmission({ids.SUGGEST_BLOCK: "Please choose a colleague."})
    return str(suggested), parse_note(values)


def build_decline_assignment_modal(pairing_id: int, coordinator_id: str | None) -> dict[str, Any]:
    who = mention(coordinator_id) if coordinator_id else "your coordinator"
    return form_modal(
        "Decline assignment",
        ids.DECLINE_ASSIGNMENT_VIEW,
        [
            section(
                fmt("I'll close this pairing and tell {who}. The mentee is told kindly.", who=who)
            ),
            _note_input(
                f"A note to {'them' if coordinator_id else 'your coordinator'} (optional)", None
            ),
        ],
        str(pairing_id),
        "Decline",
    )


@dataclass(frozen=True)
class EndChoice:
    pairing_id: int
    completed: bool
    reason: str
    visibility: str


def build_end_modal(other_id: str, pairings: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """``pairings`` are (id, focus label) of the open pairings with ``other_id``."""
    blocks: list[Any] = [
        section(
            fmt(
                "End your mentorship with {other}? Check-ins stop at once; goals, tasks "
                "and history are kept. They'll get a kind message with no reason in it.",
                other=mention(other_id),
            )
        )
    ]
    if len(pairings) > 1:
        blocks.append(
            InputBlock(
                block_id=ids.PAIRING_BLOCK,
                label="Which mentorship?",
                element=StaticSelectElement(
                    action_id=ids.PAIRING_INPUT,
                    options=[_option(str(pid), label) for pid, label in pairings],
                ),
            )
        )
    completed = _option("completed", "Completed: we met our goals")
    blocks += [
        InputBlock(
            block_id=ids.OUTCOME_BLOCK,
            label="How did it go?",
            element=RadioButtonsElement(
                action_id=ids.OUTCOME_INPUT,
                options=[completed, _option("ended", "Ending early: it isn't working out")],
                initial_option=completed,
            ),
        ),
        _note_input("Reason (optional)", "Never shown to the other person.", limit=REASON_LIMIT),
        InputBlock(
            block_id=ids.VISIBILITY_BLOCK,
            label="Who may see the reason?",
            element=RadioButtonsElement(
                action_id=ids.VISIBILITY_INPUT,
                options=[
                    _option("nobody", "Nobody"),
                    _option("coordinators", "Program coordinators only"),
                ],
                initial_option=_option("nobody", "Nobody"),
            ),
        ),
        context(md("Ending is private between you and the app.")),
    ]
    single = str(pairings[0][0]) if len(pairings) == 1 else ""
    return form_modal("End mentorship", ids.END_VIEW, blocks, single, "End mentorship")


def parse_end(values: Values, metadata: str, allowed: Sequence[int]) -> EndChoice:
    """``metadata`` names the pairing when the modal had no picker; ``allowed`` are the ids
    the picker may return (the submitter's open pairings)."""
    if metadata:
        pairing_id = int(metadata) if metadata.isdigit() else -1
    else:
        picked = _selected(values, ids.PAIRING_BLOCK, ids.PAIRING_INPUT) or ""
        if not picked.isdigit() or int(picked) not in allowed:
            raise InvalidSubmission({ids.PAIRING_BLOCK: "Please choose which mentorship to end."})
        pairing_id = int(picked)
    outcome = _selected(values, ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT)
    if outcome not in ("completed", "ended"):
        raise InvalidSubmission({ids.OUTCOME_BLOCK: "Please choose how it went."})
    visibility = _selected(values, ids.VISIBILITY_BLOCK, ids.VISIBILITY_INPUT) or "nobody"
    if visibility not in ("nobody", "coordinators"):
        raise InvalidSubmission({ids.VISIBILITY_BLOCK: "Please choose who may see the reason."})
    return EndChoice(
        pairing_id=pairing_id,
        completed=outcome == "completed",
        reason=parse_note(values, REASON_LIMIT),
        visibility=visibility,
    )


def build_communication_modal(
    pairing_id: int,
    other_id: str,
    focus_label: str,
    current: Communication | None,
    *,
    default_cadence: str | None = None,
) -> dict[str, Any]:
    """How the pair meets; a pair with no rhythm yet starts from its program's usual cadence."""
    cadences = [_option(c.value, CADENCE_LABELS[c]) for c in Cadence]
    weekdays = [_option(str(i), name) for i, name in enumerate(WEEKDAYS)]
    weeks = [
        _option(str(n), f"{label} week, on the day above") for n, label in WEEKS_OF_MONTH.items()
    ]
    days = [_option(day_value(d), label) for d, label in DAYS_OF_MONTH.items()]
    formats = [_option(key, label) for key, label in MEETING_FORMATS.items()]

    def initial(options: list[Option], value: str | None) -> Option | None:
        return next((o for o in options if o.value == value), None)

    cur = current
    blocks: list[Any] = [
        section(
            fmt(
                "How often will you and {other} meet for *{focus_label}*, and how? I'll "
                "check in with you both at that rhythm, in your working hours.",
                other=mention(other_id),
                focus_label=focus_label,
            )
        ),
        InputBlock(
            block_id=ids.CADENCE_BLOCK,
            label="How often",
            element=StaticSelectElement(
                action_id=ids.CADENCE_INPUT,
                options=cadences,
                initial_option=initial(
                    cadences, cur.cadence.value if cur else _first_cadence(default_cadence)
                ),
            ),
        ),
        InputBlock(
            block_id=ids.WEEKDAY_BLOCK,
            label="Day",
            element=StaticSelectElement(
                action_id=ids.WEEKDAY_INPUT,
                options=weekdays,
                initial_option=initial(weekdays, str(cur.weekday) if cur else None),
            ),
        ),
        InputBlock(
            block_id=ids.TIME_BLOCK,
            label="Time (your local time)",
            element=TimePickerElement(
                action_id=ids.TIME_INPUT,
                initial_time=cur.local_time.strftime("%H:%M") if cur else "08:00",
            ),
        ),
        InputBlock(
            block_id=ids.WEEK_OF_MONTH_BLOCK,
            label="For monthly: when in the month",
            optional=True,
            hint="A week of the month (on the day chosen above), or a date such as the 15th.",
            element=StaticSelectElement(
                action_id=ids.WEEK_OF_MONTH_INPUT,
                option_groups=[
                    OptionGroup(label="A week of the month", options=weeks),
                    OptionGroup(label="A day of the month", options=days),
                ],
                initial_option=initial([*weeks, *days], _monthly_value(cur)),
            ),
        ),
        InputBlock(
            block_id=ids.FORMAT_BLOCK,
            label="How you'll meet",
            element=StaticSelectElement(
                action_id=ids.FORMAT_INPUT,
                options=formats,
                initial_option=initial(formats, cur.meeting_format if cur else None),
            ),
        ),
    ]
    return form_modal("Check-ins", ids.COMMUNICATION_VIEW, blocks, str(pairing_id), "Save")


def _first_cadence(default_cadence: str | None) -> str:
    known = {c.value for c in Cadence}
    return default_cadence if default_cadence in known else Cadence.BIWEEKLY.value


def day_value(day: int) -> str:
    """The option value of a day of the month ("day-15"), apart from the weeks ("1", "-1")."""
    return f"day-{day}"


def _monthly_value(current: Communication | None) -> str | None:
    if current is None:
        return None
    if current.day_of_month:
        return day_value(current.day_of_month)
    return str(current.week_of_month) if current.week_of_month else None


def _monthly_choice(value: str | None) -> tuple[int | None, int | None] | None:
    """(week of month, day of month) from the select's value; None when it isn't one."""
    if value is None:
        return (None, None)
    if value.startswith("day-"):
        day = value[4:]
        return (None, int(day)) if day.isdigit() and int(day) in DAYS_OF_MONTH else None
    if value.lstrip("-").isdigit() and int(value) in WEEKS_OF_MONTH:
        return (int(value), None)
    return None


def parse_communication(values: Values) -> Communication:
    errors: dict[str, str] = {}
    cadence_value = _selected(values, ids.CADENCE_BLOCK, ids.CADENCE_INPUT)
    weekday_value = _selected(values, ids.WEEKDAY_BLOCK, ids.WEEKDAY_INPUT)
    time_value = _value(values, ids.TIME_BLOCK, ids.TIME_INPUT).get("selected_time")
    week_value = _selected(values, ids.WEEK_OF_MONTH_BLOCK, ids.WEEK_OF_MONTH_INPUT)
    format_value = _selected(values, ids.FORMAT_BLOCK, ids.FORMAT_INPUT)
    cadence = next((c for c in Cadence if c.value == cadence_value), None)
    if cadence is None:
        errors[ids.CADENCE_BLOCK] = "Please choose how often you'll meet."
    if weekday_value not in {str(i) for i in range(7)}:
        errors[ids.WEEKDAY_BLOCK] = "Please choose a day."
    parsed_time = _parse_time(time_value)
    if parsed_time is None:
        errors[ids.TIME_BLOCK] = "Please choose a time."
    monthly = _monthly_choice(week_value)
    week, day = monthly or (None, None)
    if monthly is None:
        errors[ids.WEEK_OF_MONTH_BLOCK] = "Please choose a week or a day of the month."
    elif cadence is Cadence.MONTHLY and week is None and day is None:
        errors[ids.WEEK_OF_MONTH_BLOCK] = "For a monthly rhythm, choose a week or a day."
    if format_value not in MEETING_FORMATS:
        errors[ids.FORMAT_BLOCK] = "Please choose how you'll meet."
    if errors:
        raise InvalidSubmission(errors)
    assert cadence is not None
    assert parsed_time is not None
    assert format_value is not None
    return Communication(
        cadence=cadence,
        weekday=int(str(weekday_value)),
        local_time=parsed_time,
        week_of_month=week if cadence is Cadence.MONTHLY else None,
        meeting_format=format_value,
        day_of_month=day if cadence is Cadence.MONTHLY else None,
    )


def _parse_time(value: object) -> time | None:
    if not isinstance(value, str):
        return None
    try:
        hours, minutes = (int(part) for part in value.split(":"))
        return time(hours, minutes)
    except ValueError:
        return None
