"""Programs in Block Kit: the ``/mentor programs`` listing, the admin's add/edit modal and the
members modal, with the parsers of what those modals send back."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.cadence import CADENCE_LABELS, WEEKDAY_NAMES, Cadence, zone_of
from bot.programs import NAME_LIMIT, ProgramConfig, ProgramValues
from bot.required import WITHIN_DAYS_RANGE
from bot.text import Mrkdwn, clip, fmt, md, md_join, mention, normalise_user_text, plain, plural
from handlers import ids
from handlers.blocks.common import (
    MESSAGE_BLOCK_LIMIT,
    MessageBody,
    context,
    divider,
    header,
    section,
    sections_from_lines,
)
from handlers.blocks.modals import InvalidSubmission, Values

LABELS_LIMIT = 3000  # characters in one list field (focus areas, competencies, specialties)
LABEL_LIMIT = 75  # one focus area or competency: it becomes a select option's text
REASSESS_RANGE = (1, 52)
REMINDER_RANGE = (1, 60)
EXPIRY_RANGE = (2, 120)
MEMBERS_SHOWN = 40
_OPEN = "open"
_RATE = "rate"
_USERGROUP = re.compile(r"^(?:<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>|(S[A-Z0-9]+))$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]+$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ProgramForm:
    """What the add/edit modal holds: a program's name, coordinators and own settings (None and
    empty mean "as the installation is set")."""

    name: str
    coordinators: tuple[str, ...] = ()
    values: ProgramValues = field(default_factory=ProgramValues)
    open_to_join: bool = False
    member_usergroup: str | None = None
    member_channel: str | None = None
    # Members are asked how useful each meeting was, after answering "We met".
    meeting_feedback: bool = True


# -- the listing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramSummary:
    """One program as an admin or its coordinator sees it in ``/mentor programs``."""

    config: ProgramConfig
    members: int


def _rhythm(config: ProgramConfig) -> Mrkdwn:
    return fmt(
        "{day}s at {time} ({zone})",
        day=WEEKDAY_NAMES[config.digest_weekday],
        time=config.digest_time,
        zone=config.timezone,
    )


def _channel(channel_id: str | None) -> Mrkdwn:
    if channel_id and _CHANNEL_ID.match(channel_id):
        return fmt("<#{channel}>", channel=channel_id)
    return md("none")


def _usergroup(usergroup_id: str | None) -> Mrkdwn:
    if usergroup_id and _USERGROUP.match(usergroup_id):
        return fmt("<!subteam^{group}>", group=usergroup_id)
    return md("none")


def _people(user_ids: Sequence[str]) -> Mrkdwn:
    if not user_ids:
        return md("none yet")
    return md_join(", ", [mention(u) for u in sorted(user_ids)])


def _detail(summary: ProgramSummary) -> Mrkdwn:
    config = summary.config
    return fmt(
        "*{name}*{default} · {access} · {members}\n"
        "Coordinators: {coordinators}\n"
        "Digest: {channel}, {rhythm}\n"
        "Linked channel: {linked_channel} · Linked user group: {linked_group}",
        name=config.name,
        default=md(" (default)") if config.is_default else md(""),
        access=md("open to join") if config.open_to_join else md("invite-only"),
        members=plural(summary.members, "member"),
        coordinators=_people(sorted(config.coordinators)),
        channel=_channel(config.digest_channel),
        rhythm=_rhythm(config),
        linked_channel=_channel(config.member_channel),
        linked_group=_usergroup(config.member_usergroup),
    )


def build_programs_list(
    managed: Sequence[ProgramSummary],
    mine: Sequence[ProgramConfig],
    joinable: Sequence[ProgramConfig],
    *,
    is_admin: bool,
) -> MessageBody:
    """``managed``: programs shown in full (every program for an admin, the ones they
    coordinate for a coordinator); ``mine``: other programs the caller is in; ``joinable``:
    open programs they could join."""
    blocks: list[dict[str, Any]] = [header("Programs")]
    if managed:
        blocks.append(divider())
        blocks.extend(sections_from_lines(fmt("{detail}\n", detail=_detail(s)) for s in managed))
    if mine:
        blocks.append(section(fmt("*You're in:* {names}", names=_names(mine))))
    if joinable:
        blocks.append(
            section(
                fmt(
                    "*Open to join:* {names}\nJoin with `/mentor join &lt;program&gt;`.",
                    names=_names(joinable),
                )
            )
        )
    if not (managed or mine or joinable):
        blocks.append(section(md("There are no programs for you here yet.")))
    if is_admin:
        blocks.append(
            context(
                md(
                    "`/mentor program add` makes a program; `/mentor program edit &lt;program&gt;` "
                    "changes one; `/mentor program members in &lt;program&gt;` adds or removes people."
                )
            )
        )
    elif managed:
        blocks.append(
            context(md("`/mentor program members in &lt;program&gt;` adds or removes people."))
        )
    names = [s.config.name for s in managed] + [p.name for p in (*mine, *joinable)]
    text = (
        fmt("Programs: {names}", names=md_join(", ", names))
        if names
        else md("There are no programs for you here yet.")
    )
    return MessageBody(text, blocks[:MESSAGE_BLOCK_LIMIT])


def _names(programs: Sequence[ProgramConfig]) -> Mrkdwn:
    return md_join(", ", [fmt("*{name}*", name=p.name) for p in programs])


# -- the add/edit modal ---------------------------------------------------------------------------


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=clip(plain(text), 75))


def _text_input(
    block_id: str,
    action_id: str,
    label: str,
    initial: str | None,
    *,
    hint: str | None = None,
    multiline: bool = False,
    limit: int = 150,
    optional: bool = True,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=multiline,
            max_length=limit,
            initial_value=initial or None,
            placeholder=placeholder,
        ),
    )


def _channel_input(block_id: str, action_id: str, label: str, initial: str | None) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=ConversationSelectElement(
            action_id=action_id,
            initial_conversation=initial or None,
            filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
        ),
    )


def _lines(labels: tuple[str, ...] | None) -> str | None:
    return "\n".join(labels) if labels else None


def _number(value: int | None) -> str | None:
    return None if value is None else str(value)


def _static_select(
    block_id: str, action_id: str, label: str, options: list[Option], initial: str | None
) -> InputBlock:
    chosen = next((o for o in options if o.value == initial), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=StaticSelectElement(
            action_id=action_id, options=options, initial_option=chosen, placeholder="As installed"
        ),
    )


def build_program_modal(
    form: ProgramForm | None,
    *,
    program_id: int | None,
    installation_coordinators: Sequence[str] = (),
) -> dict[str, Any]:
    """The add modal (``program_id`` None) or the edit modal filled from ``form``. For the
    default program, ``installation_coordinators`` (the ``COORDINATORS`` setting) are shown as
    a note: they coordinate it whatever the modal says."""
    form = form or ProgramForm(name="")
    values = form.values
    blank = md("Leave a field empty to use the installation's setting.")
    blocks: list[Any] = [
        _text_input(
            ids.PROGRAM_NAME_BLOCK,
            ids.PROGRAM_NAME_INPUT,
            "Name",
            form.name,
            limit=NAME_LIMIT,
            optional=False,
            placeholder="Internal Medicine Residency",
        ),
        InputBlock(
            block_id=ids.PROGRAM_COORDINATORS_BLOCK,
            label="Coordinators",
            optional=True,
            element=UserMultiSelectElement(
                action_id=ids.PROGRAM_COORDINATORS_INPUT,
                initial_users=list(form.coordinators) or None,
            ),
        ),
    ]
    if installation_coordinators:
        blocks.append(
            context(
                fmt(
                    "Also coordinating this program, from the installation's settings: "
                    "{people}. Change those in the app's configuration.",
                    people=_people(installation_coordinators),
                )
            )
        )
    blocks += [
        _channel_input(
            ids.PROGRAM_DIGEST_CHANNEL_BLOCK,
            ids.PROGRAM_DIGEST_CHANNEL_INPUT,
            "Digest channel",
            values.digest_channel,
        ),
        _static_select(
            ids.PROGRAM_WEEKDAY_BLOCK,
            ids.PROGRAM_WEEKDAY_INPUT,
            "Digest day",
            [_option(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
            _number(values.digest_weekday),
        ),
        InputBlock(
            block_id=ids.PROGRAM_TIME_BLOCK,
            label="Digest time",
            optional=True,
            element=TimePickerElement(
                action_id=ids.PROGRAM_TIME_INPUT, initial_time=values.digest_time or None
            ),
        ),
        _text_input(
            ids.PROGRAM_ZONE_BLOCK,
            ids.PROGRAM_ZONE_INPUT,
            "Time zone",
            values.timezone,
            limit=64,
            placeholder="America/New_York",
            hint="An IANA name, such as Europe/London.",
        ),
        section(blank),
        _text_input(
            ids.PROGRAM_FOCUS_BLOCK,
            ids.PROGRAM_FOCUS_INPUT,
            "Focus areas",
            _lines(values.focus_areas),
            multiline=True,
            limit=LABELS_LIMIT,
            hint="One per line.",
        ),
        _text_input(
            ids.PROGRAM_COMPETENCIES_BLOCK,
            ids.PROGRAM_COMPETENCIES_INPUT,
            "Competencies",
            _lines(values.competencies),
            multiline=True,
            limit=LABELS_LIMIT,
            hint="One per line.",
        ),
        _text_input(
            ids.PROGRAM_SPECIALTIES_BLOCK,
            ids.PROGRAM_SPECIALTIES_INPUT,
            "Specialties",
            _lines(values.specialties),
            multiline=True,
            limit=LABELS_LIMIT,
            hint="One per line.",
        ),
        _static_select(
            ids.PROGRAM_CADENCE_BLOCK,
            ids.PROGRAM_CADENCE_INPUT,
            "Suggested check-in rhythm",
            [_option(c.value, CADENCE_LABELS[c]) for c in Cadence],
            values.default_cadence,
        ),
        _text_input(
            ids.PROGRAM_REASSESS_BLOCK,
            ids.PROGRAM_REASSESS_INPUT,
            "Reassess every (weeks)",
            _number(values.reassess_every_weeks),
            limit=3,
        ),
        _text_input(
            ids.PROGRAM_REMINDER_BLOCK,
            ids.PROGRAM_REMINDER_INPUT,
            "Remind about a request after (days)",
            _number(values.request_reminder_days),
            limit=3,
        ),
        _text_input(
            ids.PROGRAM_EXPIRY_BLOCK,
            ids.PROGRAM_EXPIRY_INPUT,
            "A request expires after (days)",
            _number(values.request_expiry_days),
            limit=3,
        ),
        divider(),
        section(
            md(
                "*Required mentorship* (optional): every trainee should have a mentor within a "
                "number of days of joining, or by a date for an intake. Trainees without one "
                "get a kind reminder halfway and on the day; Home and the digest show who is "
                "overdue."
            )
        ),
        _text_input(
            ids.PROGRAM_WITHIN_BLOCK,
            ids.PROGRAM_WITHIN_INPUT,
            "A mentor within (days of joining)",
            _number(values.mentor_within_days),
            limit=3,
            placeholder="30",
        ),
        InputBlock(
            block_id=ids.PROGRAM_BY_BLOCK,
            label="…or a mentor by",
            optional=True,
            hint="For an intake: trainees who join after this date aren't held to it.",
            element=DatePickerElement(
                action_id=ids.PROGRAM_BY_INPUT,
                initial_date=values.mentor_by.isoformat() if values.mentor_by else None,
            ),
        ),
        divider(),
        InputBlock(
            block_id=ids.PROGRAM_OPEN_BLOCK,
            label="Joining",
            optional=True,
            element=CheckboxesElement(
                action_id=ids.PROGRAM_OPEN_INPUT,
                options=[_option(_OPEN, "Anyone may join with /mentor join")],
                initial_options=[_option(_OPEN, "Anyone may join with /mentor join")]
                if form.open_to_join
                else None,
            ),
        ),
        InputBlock(
            block_id=ids.PROGRAM_RATING_BLOCK,
            label="After a meeting",
            optional=True,
            element=CheckboxesElement(
                action_id=ids.PROGRAM_RATING_INPUT,
                options=[_option(_RATE, "Ask each member how useful it was (1–5)")],
                initial_options=[_option(_RATE, "Ask each member how useful it was (1–5)")]
                if form.meeting_feedback
                else None,
            ),
        ),
        _channel_input(
            ids.PROGRAM_CHANNEL_BLOCK,
            ids.PROGRAM_CHANNEL_INPUT,
            "Members: everyone in this channel",
            form.member_channel,
        ),
        _text_input(
            ids.PROGRAM_USERGROUP_BLOCK,
            ids.PROGRAM_USERGROUP_INPUT,
            "Members: everyone in this user group",
            form.member_usergroup,
            limit=200,
            placeholder="S0123ABCD",
            hint="The user group's id (S...). People who join or leave it follow.",
        ),
    ]
    title = "New program" if program_id is None else "Edit program"
    return View(
        type="modal",
        callback_id=ids.PROGRAM_VIEW,
        title=title,
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"program": program_id}),
        blocks=blocks,
    ).to_dict()


def _value(values: Values, block_id: str, action_id: str) -> dict[str, Any]:
    return values.get(block_id, {}).get(action_id, {}) or {}


def _typed(values: Values, block_id: str, action_id: str) -> str:
    return str(_value(values, block_id, action_id).get("value") or "")


def _labels(
    values: Values, block_id: str, action_id: str, errors: dict[str, str]
) -> tuple[str, ...] | None:
    raw = _typed(values, block_id, action_id)
    labels = [" ".join(normalise_user_text(line).split()) for line in raw.splitlines()]
    kept = tuple(dict.fromkeys(label for label in labels if label))
    if len(raw) > LABELS_LIMIT:
        errors[block_id] = f"Please keep this under {LABELS_LIMIT} characters."
    elif any(len(label) > LABEL_LIMIT for label in kept):
        errors[block_id] = f"Please keep each line under {LABEL_LIMIT} characters."
    return kept or None


def _whole(
    values: Values, block_id: str, action_id: str, bounds: tuple[int, int], errors: dict[str, str]
) -> int | None:
    raw = _typed(values, block_id, action_id).strip()
    if not raw:
        return None
    low, high = bounds
    if not raw.isdecimal() or not low <= int(raw) <= high:
        errors[block_id] = f"Please enter a whole number from {low} to {high}, or leave it empty."
        return None
    return int(raw)


def _picked_date(
    values: Values, block_id: str, action_id: str, errors: dict[str, str]
) -> date | None:
    raw = _value(values, block_id, action_id).get("selected_date")
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        errors[block_id] = "Please pick a date."
        return None


def _selected(values: Values, block_id: str, action_id: str) -> str | None:
    option = _value(values, block_id, action_id).get("selected_option")
    return str(option["value"]) if isinstance(option, dict) and "value" in option else None


def _conversation(values: Values, block_id: str, action_id: str) -> str | None:
    chosen = _value(values, block_id, action_id).get("selected_conversation")
    return str(chosen) if chosen else None


def _users(values: Values, block_id: str, action_id: str) -> tuple[str, ...]:
    chosen = _value(values, block_id, action_id).get("selected_users") or []
    return tuple(dict.fromkeys(str(u) for u in chosen if str(u)))


def parse_usergroup(text: str) -> str | None:
    """A user group id from what was typed: ``S123``, or Slack's ``<!subteam^S123|@handle>``.
    Empty is None; anything else is ``ValueError``."""
    typed = text.strip()
    if not typed:
        return None
    match = _USERGROUP.match(typed)
    if match is None:
        raise ValueError(typed)
    return match.group(1) or match.group(2)


def parse_program_submission(values: Values) -> ProgramForm:
    """The modal's values, checked; every problem at once, each beside its field."""
    errors: dict[str, str] = {}
    name = " ".join(
        normalise_user_text(_typed(values, ids.PROGRAM_NAME_BLOCK, ids.PROGRAM_NAME_INPUT)).split()
    )
    if not name:
        errors[ids.PROGRAM_NAME_BLOCK] = "Please give the program a name."
    elif len(name) > NAME_LIMIT:
        errors[ids.PROGRAM_NAME_BLOCK] = f"Please keep the name under {NAME_LIMIT} characters."

    zone = _typed(values, ids.PROGRAM_ZONE_BLOCK, ids.PROGRAM_ZONE_INPUT).strip() or None
    if zone is not None:
        try:
            zone_of(zone)
        except ValueError:
            errors[ids.PROGRAM_ZONE_BLOCK] = (
                "I don't know that time zone. Use an IANA name such as America/Chicago."
            )

    digest_time = _value(values, ids.PROGRAM_TIME_BLOCK, ids.PROGRAM_TIME_INPUT).get(
        "selected_time"
    )
    if digest_time is not None and not _TIME.match(str(digest_time)):
        errors[ids.PROGRAM_TIME_BLOCK] = "Please pick a time of day."

    weekday = _selected(values, ids.PROGRAM_WEEKDAY_BLOCK, ids.PROGRAM_WEEKDAY_INPUT)
    if weekday is not None and weekday not in {str(i) for i in range(7)}:
        errors[ids.PROGRAM_WEEKDAY_BLOCK] = "Please pick a day of the week."

    cadence = _selected(values, ids.PROGRAM_CADENCE_BLOCK, ids.PROGRAM_CADENCE_INPUT)
    if cadence is not None and cadence not in {c.value for c in Cadence}:
        errors[ids.PROGRAM_CADENCE_BLOCK] = "Please pick one of the rhythms offered."

    reminder = _whole(
        values, ids.PROGRAM_REMINDER_BLOCK, ids.PROGRAM_REMINDER_INPUT, REMINDER_RANGE, errors
    )
    expiry = _whole(
        values, ids.PROGRAM_EXPIRY_BLOCK, ids.PROGRAM_EXPIRY_INPUT, EXPIRY_RANGE, errors
    )
    if reminder is not None and expiry is not None and reminder >= expiry:
        errors[ids.PROGRAM_REMINDER_BLOCK] = "The reminder should come before the request expires."

    within = _whole(
        values, ids.PROGRAM_WITHIN_BLOCK, ids.PROGRAM_WITHIN_INPUT, WITHIN_DAYS_RANGE, errors
    )
    mentor_by = _picked_date(values, ids.PROGRAM_BY_BLOCK, ids.PROGRAM_BY_INPUT, errors)
    if within is not None and mentor_by is not None:
        errors[ids.PROGRAM_BY_BLOCK] = "Pick a number of days or a date, not both."

    try:
        usergroup = parse_usergroup(
            _typed(values, ids.PROGRAM_USERGROUP_BLOCK, ids.PROGRAM_USERGROUP_INPUT)
        )
    except ValueError:
        usergroup = None
        errors[ids.PROGRAM_USERGROUP_BLOCK] = (
            "That doesn't look like a user group id. It starts with S, like S0123ABCD."
        )

    program_values = ProgramValues(
        digest_channel=_conversation(
            values, ids.PROGRAM_DIGEST_CHANNEL_BLOCK, ids.PROGRAM_DIGEST_CHANNEL_INPUT
        ),
        focus_areas=_labels(values, ids.PROGRAM_FOCUS_BLOCK, ids.PROGRAM_FOCUS_INPUT, errors),
        competencies=_labels(
            values, ids.PROGRAM_COMPETENCIES_BLOCK, ids.PROGRAM_COMPETENCIES_INPUT, errors
        ),
        specialties=_labels(
            values, ids.PROGRAM_SPECIALTIES_BLOCK, ids.PROGRAM_SPECIALTIES_INPUT, errors
        ),
        default_cadence=cadence,
        reassess_every_weeks=_whole(
            values, ids.PROGRAM_REASSESS_BLOCK, ids.PROGRAM_REASSESS_INPUT, REASSESS_RANGE, errors
        ),
        request_reminder_days=reminder,
        request_expiry_days=expiry,
        digest_weekday=int(weekday) if weekday is not None and weekday.isdecimal() else None,
        digest_time=str(digest_time) if digest_time else None,
        timezone=zone,
        mentor_within_days=within,
        mentor_by=mentor_by,
    )
    if errors:
        raise InvalidSubmission(errors)
    chosen = _value(values, ids.PROGRAM_OPEN_BLOCK, ids.PROGRAM_OPEN_INPUT).get("selected_options")
    open_to_join = any(isinstance(o, dict) and o.get("value") == _OPEN for o in (chosen or []))
    rating = _value(values, ids.PROGRAM_RATING_BLOCK, ids.PROGRAM_RATING_INPUT)
    # A form without the box (an older modal still open) leaves the rating on, its default.
    meeting_feedback = ids.PROGRAM_RATING_BLOCK not in values or any(
        isinstance(o, dict) and o.get("value") == _RATE
        for o in (rating.get("selected_options") or [])
    )
    return ProgramForm(
        name=name,
        coordinators=_users(values, ids.PROGRAM_COORDINATORS_BLOCK, ids.PROGRAM_COORDINATORS_INPUT),
        values=program_values,
        open_to_join=open_to_join,
        meeting_feedback=meeting_feedback,
        member_usergroup=usergroup,
        member_channel=_conversation(values, ids.PROGRAM_CHANNEL_BLOCK, ids.PROGRAM_CHANNEL_INPUT),
    )


def program_of_metadata(metadata: str) -> int | None:
    """The program id an edit modal carries; None for the add modal (and anything forged)."""
    try:
        loaded = json.loads(metadata or "{}")
    except json.JSONDecodeError:
        return None
    found = loaded.get("program") if isinstance(loaded, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


# -- the members modal ----------------------------------------------------------------------------


def build_members_modal(
    program_id: int, name: str, members: Sequence[str], trainees: int = 0
) -> dict[str, Any]:
    """Add people, or take them out, of one program, and say who among them are trainees
    (held to the program's required mentorship); the current members are listed."""
    shown = list(members)[:MEMBERS_SHOWN]
    more = len(members) - len(shown)
    listed = _people(shown)
    if more > 0:
        listed = fmt("{listed} and {more} more", listed=listed, more=more)
    blocks: list[Any] = [
        section(
            fmt(
                "*{name}* has {count}: {listed}",
                name=name,
                count=plural(len(members), "member"),
                listed=listed,
            )
        ),
        InputBlock(
            block_id=ids.PROGRAM_ADD_MEMBERS_BLOCK,
            label="Add",
            optional=True,
            element=UserMultiSelectElement(action_id=ids.PROGRAM_ADD_MEMBERS_INPUT),
        ),
        InputBlock(
            block_id=ids.PROGRAM_REMOVE_MEMBERS_BLOCK,
            label="Remove",
            optional=True,
            hint="Their mentorships carry on; they just stop being members.",
            element=UserMultiSelectElement(action_id=ids.PROGRAM_REMOVE_MEMBERS_INPUT),
        ),
        divider(),
        context(
            fmt(
                "*Trainees:* {declared} declared here. Anyone with a trainee profile, or who "
                "has looked for a mentor in the program, is a trainee too.",
                declared=plural(trainees, "member"),
            )
        ),
        InputBlock(
            block_id=ids.PROGRAM_ADD_TRAINEES_BLOCK,
            label="Mark as trainees",
            optional=True,
            hint="They become members too. Required mentorship counts them.",
            element=UserMultiSelectElement(action_id=ids.PROGRAM_ADD_TRAINEES_INPUT),
        ),
        InputBlock(
            block_id=ids.PROGRAM_UNMARK_TRAINEES_BLOCK,
            label="No longer trainees",
            optional=True,
            element=UserMultiSelectElement(action_id=ids.PROGRAM_UNMARK_TRAINEES_INPUT),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.PROGRAM_MEMBERS_VIEW,
        title="Program members",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"program": program_id}),
        blocks=blocks,
    ).to_dict()


@dataclass(frozen=True)
class MemberChanges:
    add: tuple[str, ...]
    remove: tuple[str, ...]
    trainees: tuple[str, ...] = ()  # declared trainees (and members)
    untrainees: tuple[str, ...] = ()  # no longer declared trainees (still members)


def parse_members(values: Values) -> MemberChanges:
    add = _users(values, ids.PROGRAM_ADD_MEMBERS_BLOCK, ids.PROGRAM_ADD_MEMBERS_INPUT)
    remove = _users(values, ids.PROGRAM_REMOVE_MEMBERS_BLOCK, ids.PROGRAM_REMOVE_MEMBERS_INPUT)
    trainees = _users(values, ids.PROGRAM_ADD_TRAINEES_BLOCK, ids.PROGRAM_ADD_TRAINEES_INPUT)
    untrainees = _users(
        values, ids.PROGRAM_UNMARK_TRAINEES_BLOCK, ids.PROGRAM_UNMARK_TRAINEES_INPUT
    )
    if set(add) & set(remove):
        raise InvalidSubmission(
            {ids.PROGRAM_REMOVE_MEMBERS_BLOCK: "Someone is in both lists; pick one."}
        )
    if set(trainees) & (set(untrainees) | set(remove)):
        raise InvalidSubmission(
            {ids.PROGRAM_ADD_TRAINEES_BLOCK: "Someone is marked a trainee and taken off; pick one."}
        )
    if not (add or remove or trainees or untrainees):
        raise InvalidSubmission({ids.PROGRAM_ADD_MEMBERS_BLOCK: "Pick people to add or to remove."})
    return MemberChanges(add=add, remove=remove, trainees=trainees, untrainees=untrainees)
