"""Profiles and the directory in Block Kit: the mentor and trainee profile modals, the results
modal with a reason line per mentor, the filters modal, the waiting-list notice, and the
parsers of what comes back (beside the ids they read)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.directory import (
    BIO_LIMIT,
    FORMATS,
    NOTE_LIMIT,
    OTHER_SPECIALTY,
    STAGE_SINGULAR,
    STAGES,
    Choice,
    MentorProfileValues,
    Ranked,
    TraineeProfileValues,
    label_of,
)
from bot.focus import FocusArea
from bot.text import Mrkdwn, clip, fmt, md, md_join, mention, normalise_user_text, plain
from handlers import ids
from handlers.blocks.common import Block, MessageBody, context, divider, section
from handlers.blocks.requests import actions, button, quote

PAGE_SIZE = 5
OPTION_TEXT_LIMIT = 75
LANGUAGES_LIMIT = 200
# People a mentor can list as assessed or supervised by them (Slack's picker allows 100).
CONFLICTS_LIMIT = 50
SPECIALTY_OTHER_LIMIT = 80
BIO_SHOWN = 300
# Words a search carries in its metadata: enough to narrow, bounded so metadata stays small.
WORDS_LIMIT = 8
WORD_LIMIT = 40
MAX_PAGE = 1000


class InvalidProfile(Exception):
    """What to show next to each input (``block_id`` -> message); the modal stays open."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class ForgedSearch(Exception):
    """A search state (metadata or a button value) that the app never made."""


Values = dict[str, dict[str, dict[str, Any]]]


# The search: what the results modal carries, so "Show more", filters and Ask repeat it.


@dataclass(frozen=True)
class Search:
    program_id: int
    focus: str | None = None
    specialty: str | None = None
    format: str | None = None
    words: tuple[str, ...] = ()
    page: int = 0

    def to_metadata(self) -> str:
        return json.dumps(
            {
                "p": self.program_id,
                "f": self.focus,
                "s": self.specialty,
                "m": self.format,
                "w": list(self.words),
                "n": self.page,
            },
            separators=(",", ":"),
        )


def _optional_key(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw or len(raw) > 64:
        raise ForgedSearch(raw)
    return raw


def parse_search(metadata: str) -> Search:
    """The search a results or filters modal carries; :class:`ForgedSearch` for anything the
    app did not write (the flow still checks the program and focus belong to the caller)."""
    try:
        loaded = json.loads(metadata or "")
    except json.JSONDecodeError as error:
        raise ForgedSearch(metadata) from error
    if not isinstance(loaded, dict):
        raise ForgedSearch(metadata)
    program = loaded.get("p")
    page = loaded.get("n", 0)
    words = loaded.get("w", [])
    if not isinstance(program, int) or isinstance(program, bool) or program < 1:
        raise ForgedSearch(metadata)
    if not isinstance(page, int) or isinstance(page, bool) or not 0 <= page <= MAX_PAGE:
        raise ForgedSearch(metadata)
    if (
        not isinstance(words, list)
        or len(words) > WORDS_LIMIT
        or not all(isinstance(w, str) and 0 < len(w) <= WORD_LIMIT for w in words)
    ):
        raise ForgedSearch(metadata)
    return Search(
        program_id=program,
        focus=_optional_key(loaded.get("f")),
        specialty=_optional_key(loaded.get("s")),
        format=_optional_key(loaded.get("m")),
        words=tuple(words),
        page=page,
    )


def search_words(words: Sequence[str]) -> tuple[str, ...]:
    """Typed words as a search keeps them: bounded in number and length."""
    return tuple(w[:WORD_LIMIT] for w in words if w.strip())[:WORDS_LIMIT]


# Reasons.


@dataclass(frozen=True)
class Labels:
    """How the program words its focus areas and specialties."""

    focus: dict[str, str]
    specialties: dict[str, str]

    def focus_label(self, key: str) -> str:
        return self.focus.get(key, key)

    def specialty_label(self, key: str | None, other: str | None) -> str | None:
        if key is None:
            return None
        if key == OTHER_SPECIALTY:
            return other or None
        return self.specialties.get(key, key)


def _hours(minutes: int) -> str:
    whole, half = divmod(minutes, 60)
    return f"{whole}½ h" if half >= 30 else f"{whole} h"


def _or(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def reason_parts(ranked: Ranked, labels: Labels, focus: str | None) -> list[str]:
    """Why a mentor is shown: "Research · General surgery · 2 of 3 places free · your working
    hours overlap 7 h · coffee or call". Raw text: escaped by whoever shows it."""
    c, fit = ranked.candidate, ranked.fit
    parts: list[str] = []
    if focus is not None and fit.focus:
        parts.append(labels.focus_label(focus))
    else:
        shown = sorted(c.focus_areas & set(labels.focus), key=list(labels.focus).index)
        if shown:
            parts.append(", ".join(labels.focus_label(k) for k in shown[:3]))
    specialty = labels.specialty_label(c.specialty, c.specialty_other)
    if specialty:
        parts.append(specialty)
    if c.capacity is None:
        parts.append("taking new mentees")
    else:
        parts.append(f"{c.places_free} of {c.capacity} places free")
    if fit.overlap_minutes is not None:
        if fit.overlap_minutes > 0:
            parts.append(f"your working hours overlap {_hours(fit.overlap_minutes)}")
        else:
            parts.append("no working hours in common")
    if fit.formats:
        parts.append(_or([label_of(FORMATS, f).lower() for f in fit.formats]))
    if c.languages:
        parts.append(", ".join(c.languages[:3]))
    return parts


# The results modal.


@dataclass(frozen=True)
class Results:
    """One page of the directory for one search."""

    search: Search
    program_name: str
    show_program: bool
    ranked: Sequence[Ranked]  # every fitting mentor, in order
    labels: Labels
    waiting: bool  # the caller is on the waiting list for this program and focus
    # The caller's programs (id, name), for the picker shown to someone in more than one.
    programs: tuple[tuple[int, str], ...] = ()


def _program_picker(programs: Sequence[tuple[int, str]], chosen: int) -> Block:
    """A select (not an input: the results modal has no submit) whose choice redraws the
    results for that program at once."""
    options = [_option(str(program_id), name) for program_id, name in programs]
    return ActionsBlock(
        block_id=ids.DIRECTORY_PROGRAM_BLOCK,
        elements=[
            StaticSelectElement(
                action_id=ids.DIRECTORY_PROGRAM,
                placeholder="Program",
                options=options,
                initial_option=next((o for o in options if o.value == str(chosen)), None),
            )
        ],
    ).to_dict()


def _modal(
    title: str,
    callback_id: str,
    blocks: list[Any],
    metadata: str,
    submit: str | None,
    close: str = "Cancel",
) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, 24),
        submit=clip(submit, 24) if submit else None,
        close=close,
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def _filter_line(results: Results) -> Mrkdwn:
    search, labels = results.search, results.labels
    parts: list[str] = []
    if search.focus:
        parts.append(labels.focus_label(search.focus))
    if search.specialty:
        parts.append(labels.specialty_label(search.specialty, "Other") or search.specialty)
    if search.format:
        parts.append(label_of(FORMATS, search.format))
    parts.extend(f"“{w}”" for w in search.words)
    where = fmt(" in {program}", program=results.program_name) if results.show_program else md("")
    if not parts:
        return fmt("Mentors who can take someone now{where}.", where=where)
    return fmt(
        "Mentors who can take someone now{where}: {filters}.",
        where=where,
        filters=md_join(" · ", parts),
    )


def _mentor_blocks(ranked: Ranked, labels: Labels, focus: str | None) -> list[Block]:
    c = ranked.candidate
    blocks: list[Block] = [
        section(
            fmt(
                "*{mentor}*\n{why}",
                mentor=mention(c.user_id),
                why=md_join(" · ", reason_parts(ranked, labels, focus)),
            )
        )
    ]
    if c.bio.strip():
        blocks.append(context(quote(clip(c.bio, BIO_SHOWN))))
    blocks.append(
        actions(f"directory-{c.user_id}", button("Ask", ids.DIRECTORY_ASK, c.user_id, "primary"))
    )
    return blocks


def shown_slice(count: int, page: int) -> slice:
    """The mentors a page of ``count`` ranked ones shows (past the last page: the last)."""
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(page, pages - 1)
    return slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)


def build_results_view(results: Results) -> dict[str, Any]:
    """The results modal: a page of mentors with why and Ask, Show more, Filters, and the
    waiting list when nobody fits."""
    search = results.search
    pages = max(1, -(-len(results.ranked) // PAGE_SIZE))
    page = min(search.page, pages - 1)
    shown = results.ranked[shown_slice(len(results.ranked), search.page)]
    blocks: list[Block] = []
    if len(results.programs) > 1:
        blocks.append(_program_picker(results.programs, search.program_id))
    blocks.append(section(_filter_line(results)))
    for ranked in shown:
        blocks.append(divider())
        blocks.extend(_mentor_blocks(ranked, results.labels, search.focus))
    controls = [button("Filters", ids.DIRECTORY_FILTERS_OPEN, "filters")]
    if not shown:
        blocks.append(
            section(md("Nobody fits just now: everyone who matches is full, away or not listed."))
        )
        if search.focus is None:
            blocks.append(
                context(md("Choose a focus in *Filters* to join that focus's waiting list."))
            )
        elif results.waiting:
            blocks.append(
                context(
                    md("You're on the waiting list: I'll message you when a mentor has a place.")
                )
            )
        else:
            controls.insert(
                0, button("Join the waiting list", ids.DIRECTORY_WAIT, search.focus, "primary")
            )
    else:
        if results.waiting:
            blocks.append(divider())
            blocks.append(
                context(
                    md(
                        "You're on the waiting list for this focus. Asking someone here takes "
                        "you off it."
                    )
                )
            )
        blocks.append(divider())
        blocks.append(
            context(
                fmt(
                    "Page {page} of {pages} · {count} · best fit first, then fewest current "
                    "mentees.",
                    page=page + 1,
                    pages=pages,
                    count=f"{len(results.ranked)} mentor{'s' if len(results.ranked) != 1 else ''}",
                )
            )
        )
        if page + 1 < pages:
            controls.insert(0, button("Show more", ids.DIRECTORY_MORE, str(page + 1)))
        elif page > 0:
            controls.insert(0, button("Back to the start", ids.DIRECTORY_MORE, "0"))
    blocks.append(actions("directory-controls", *controls))
    metadata = replace(search, page=page).to_metadata()
    return _modal("Find a mentor", ids.DIRECTORY_VIEW, blocks, metadata, None, "Done")


def build_note_view(title: str, text: Mrkdwn) -> dict[str, Any]:
    """A modal that only says something (a request sent, the waiting list joined)."""
    return _modal(title, ids.DIRECTORY_VIEW, [section(text)], "", None, "Done")


def parse_page(value: str) -> int:
    value = value.strip()
    if not value.isdigit() or len(value) > 4:
        raise ForgedSearch(value)
    return int(value)


# Profile modals.


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=clip(plain(text), OPTION_TEXT_LIMIT))


def _options(choices: Sequence[Choice]) -> list[Option]:
    return [_option(c.key, c.label) for c in choices]


def _initial(options: list[Option], chosen: Sequence[str]) -> list[Option] | None:
    picked = [o for o in options if o.value in set(chosen)]
    return picked or None


def _focus_choices(areas: Sequence[FocusArea]) -> tuple[Choice, ...]:
    return tuple(Choice(a.key, a.label) for a in areas)


def _multi(
    block_id: str,
    action_id: str,
    label: str,
    choices: Sequence[Choice],
    chosen: Sequence[str],
    *,
    optional: bool = True,
    hint: str | None = None,
) -> InputBlock:
    options = _options(choices)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=StaticMultiSelectElement(
            action_id=action_id,
            placeholder="Choose…",
            options=options,
            initial_options=_initial(options, chosen),
        ),
    )


def _single(
    block_id: str,
    action_id: str,
    label: str,
    choices: Sequence[Choice],
    chosen: str | None,
    *,
    optional: bool = True,
) -> InputBlock:
    options = _options(choices)
    initial = next((o for o in options if o.value == chosen), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        element=StaticSelectElement(
            action_id=action_id, placeholder="Choose…", options=options, initial_option=initial
        ),
    )


def _text_input(
    block_id: str,
    action_id: str,
    label: str,
    initial: str,
    limit: int,
    *,
    multiline: bool = False,
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        hint=hint,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=multiline,
            max_length=limit,
            initial_value=initial[:limit] or None,
        ),
    )


def _yes_no(
    block_id: str, action_id: str, label: str, yes: str, no: str, value: bool
) -> InputBlock:
    options = [_option("yes", yes), _option("no", no)]
    return InputBlock(
        block_id=block_id,
        label=label,
        element=RadioButtonsElement(
            action_id=action_id, options=options, initial_option=options[0 if value else 1]
        ),
    )


@dataclass(frozen=True)
class MentorForm:
    """What the mentor profile modal shows: the saved profile, or a new one's defaults."""

    listed: bool = True
    open: bool = True
    focus_areas: tuple[str, ...] = ()
    specialty: str | None = None
    specialty_other: str = ""
    stages: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    languages: str = ""
    bio: str = ""
    capacity: int | None = None
    mentees: int = 0
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TraineeForm:
    stage: str | None = None
    specialty: str | None = None
    specialty_other: str = ""
    focus_areas: tuple[str, ...] = ()
    note: str = ""


def _capacity_line(form: MentorForm) -> Mrkdwn:
    if form.capacity is None:
        return fmt(
            "You mentor {count} now, with no limit set. `/mentor capacity 3` sets how many "
            "you take at once.",
            count=form.mentees,
        )
    return fmt(
        "You mentor {count} of at most {limit}. `/mentor capacity N` changes the limit.",
        count=form.mentees,
        limit=form.capacity,
    )


def _specialty_inputs(
    label: str, specialties: Sequence[Choice], chosen: str | None, other: str
) -> list[InputBlock]:
    """The specialty select and, under it, the "If other, which" field both profiles ask."""
    return [
        _single(ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, label, specialties, chosen),
        _text_input(
            ids.SPECIALTY_OTHER_BLOCK,
            ids.SPECIALTY_OTHER_INPUT,
            "If other, which",
            other,
            SPECIALTY_OTHER_LIMIT,
        ),
    ]


def build_mentor_profile_modal(
    form: MentorForm,
    areas: Sequence[FocusArea],
    specialties: Sequence[Choice],
    metadata: str = "",
) -> dict[str, Any]:
    blocks: list[Any] = [
        section(
            md(
                "Trainees who don't know you yet find you in the directory by what you say "
                "here. Your mentees and their goals are never shown."
            )
        ),
        _yes_no(
            ids.LISTED_BLOCK,
            ids.LISTED_INPUT,
            "In the directory",
            "Show my profile",
            "Hide it",
            form.listed,
        ),
        _yes_no(
            ids.OPEN_BLOCK,
            ids.OPEN_INPUT,
            "Open to new mentees",
            "Yes",
            "Not now",
            form.open,
        ),
        _multi(
            ids.FOCUSES_BLOCK,
            ids.FOCUSES_INPUT,
            "Focus areas you mentor in",
            _focus_choices(areas),
            form.focus_areas,
            optional=False,
        ),
        *_specialty_inputs(
            "Specialty or department", specialties, form.specialty, form.specialty_other
        ),
        _multi(ids.STAGES_BLOCK, ids.STAGES_INPUT, "Career stages you mentor", STAGES, form.stages),
        context(_capacity_line(form)),
        InputBlock(
            block_id=ids.FORMATS_BLOCK,
            label="Formats you offer",
            optional=True,
            element=CheckboxesElement(
                action_id=ids.FORMATS_INPUT,
                options=_options(FORMATS),
                initial_options=_initial(_options(FORMATS), form.formats),
            ),
        ),
        _text_input(
            ids.LANGUAGES_BLOCK,
            ids.LANGUAGES_INPUT,
            "Languages",
            form.languages,
            LANGUAGES_LIMIT,
            hint="Separated by commas, e.g. English, Spanish",
        ),
        _text_input(
            ids.BIO_BLOCK,
            ids.BIO_INPUT,
            "A short bio",
            form.bio,
            BIO_LIMIT,
            multiline=True,
            hint=f"At most {BIO_LIMIT} characters. Shown to trainees in the directory.",
        ),
        InputBlock(
            block_id=ids.CONFLICTS_BLOCK,
            label="People you assess or supervise",
            optional=True,
            hint="You'll never be suggested to, assigned or matched with them. Only you see "
            "this list; a coordinator hears of an entry only when it stops a pairing.",
            element=UserMultiSelectElement(
                action_id=ids.CONFLICTS_INPUT,
                initial_users=list(form.conflicts) or None,
                max_selected_items=CONFLICTS_LIMIT,
            ),
        ),
    ]
    return _modal("Mentor profile", ids.MENTOR_PROFILE_VIEW, blocks, metadata, "Save")


def build_trainee_profile_modal(
    form: TraineeForm,
    areas: Sequence[FocusArea],
    specialties: Sequence[Choice],
    metadata: str = "",
    *,
    first_time: bool = False,
) -> dict[str, Any]:
    lead = (
        md(
            "Before I look, tell me a little about yourself: it puts the best fits first. "
            "You can change it any time with `/mentor profile trainee`."
        )
        if first_time
        else md("What you're looking for: it puts the mentors who fit best first.")
    )
    stage_choices = tuple(Choice(key, STAGE_SINGULAR[key]) for key in (c.key for c in STAGES))
    blocks: list[Any] = [
        section(lead),
        _single(ids.STAGE_BLOCK, ids.STAGE_INPUT, "Your career stage", stage_choices, form.stage),
        *_specialty_inputs(
            "Specialty you're interested in", specialties, form.specialty, form.specialty_other
        ),
        _multi(
            ids.FOCUSES_BLOCK,
            ids.FOCUSES_INPUT,
            "What you'd like help with",
            _focus_choices(areas),
            form.focus_areas,
        ),
        _text_input(
            ids.NOTE_BLOCK,
            ids.NOTE_INPUT,
            "A short note",
            form.note,
            NOTE_LIMIT,
            multiline=True,
            hint="Sent with your requests, so a mentor knows what you hope for.",
        ),
    ]
    submit = "Save and look" if first_time else "Save"
    return _modal("Your trainee profile", ids.TRAINEE_PROFILE_VIEW, blocks, metadata, submit)


def build_profile_chooser() -> MessageBody:
    """``/mentor profile`` with no word: which profile to open."""
    return MessageBody(
        text=md("Which profile would you like to edit?"),
        blocks=[
            section(
                md(
                    "*Your profiles*\nA mentor profile puts you in the directory for trainees; "
                    "a trainee profile helps me find you the best mentors."
                )
            ),
            actions(
                "profile-choose",
                button("Mentor profile", ids.PROFILE_MENTOR_OPEN, "mentor", "primary"),
                button("Trainee profile", ids.PROFILE_TRAINEE_OPEN, "trainee"),
            ),
        ],
    )


# Parsing the profile modals.


def _state(values: Values, block_id: str, action_id: str) -> dict[str, Any]:
    found = (values.get(block_id) or {}).get(action_id)
    return found if isinstance(found, dict) else {}


def _picked(values: Values, block_id: str, action_id: str, allowed: set[str]) -> str | None:
    option = _state(values, block_id, action_id).get("selected_option")
    if not isinstance(option, dict):
        return None
    value = option.get("value")
    if value not in allowed:
        raise InvalidProfile({block_id: "Please choose one of the options."})
    return str(value)


def _picked_many(
    values: Values, block_id: str, action_id: str, allowed: set[str]
) -> tuple[str, ...]:
    options = _state(values, block_id, action_id).get("selected_options") or []
    if not isinstance(options, list):
        raise InvalidProfile({block_id: "Please choose from the options."})
    keys: list[str] = []
    for option in options:
        value = option.get("value") if isinstance(option, dict) else None
        if value not in allowed:
            raise InvalidProfile({block_id: "Please choose from the options."})
        if value not in keys:
            keys.append(str(value))
    return tuple(keys)


def _typed(values: Values, block_id: str, action_id: str, limit: int) -> str:
    raw = _state(values, block_id, action_id).get("value") or ""
    text = normalise_user_text(str(raw))
    if len(text) > limit:
        raise InvalidProfile({block_id: f"Please keep this under {limit} characters."})
    return text


def _yes(values: Values, block_id: str, action_id: str) -> bool:
    option = _state(values, block_id, action_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    if value not in ("yes", "no"):
        raise InvalidProfile({block_id: "Please choose one."})
    return bool(value == "yes")


def _specialty(values: Values, specialties: Sequence[Choice]) -> tuple[str | None, str | None]:
    specialty = _picked(
        values, ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, {c.key for c in specialties}
    )
    other = _typed(
        values, ids.SPECIALTY_OTHER_BLOCK, ids.SPECIALTY_OTHER_INPUT, SPECIALTY_OTHER_LIMIT
    )
    if other and specialty is None:
        specialty = OTHER_SPECIALTY
    if specialty == OTHER_SPECIALTY and not other:
        raise InvalidProfile({ids.SPECIALTY_OTHER_BLOCK: "Please say which specialty."})
    return specialty, (other if specialty == OTHER_SPECIALTY else None)


def split_languages(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        name = " ".join(part.split())
        if name and name.lower() not in {f.lower() for f in found}:
            found.append(name[:40])
    return tuple(found[:10])


def parse_mentor_profile(
    values: Values, areas: Sequence[FocusArea], specialties: Sequence[Choice]
) -> MentorProfileValues:
    focuses = _picked_many(values, ids.FOCUSES_BLOCK, ids.FOCUSES_INPUT, {a.key for a in areas})
    if not focuses:
        raise InvalidProfile({ids.FOCUSES_BLOCK: "Please choose at least one focus area."})
    specialty, other = _specialty(values, specialties)
    return MentorProfileValues(
        listed=_yes(values, ids.LISTED_BLOCK, ids.LISTED_INPUT),
        open=_yes(values, ids.OPEN_BLOCK, ids.OPEN_INPUT),
        focus_areas=focuses,
        specialty=specialty,
        specialty_other=other,
        stages=_picked_many(values, ids.STAGES_BLOCK, ids.STAGES_INPUT, {c.key for c in STAGES}),
        formats=_picked_many(
            values, ids.FORMATS_BLOCK, ids.FORMATS_INPUT, {c.key for c in FORMATS}
        ),
        languages=split_languages(
            _typed(values, ids.LANGUAGES_BLOCK, ids.LANGUAGES_INPUT, LANGUAGES_LIMIT)
        ),
        bio=_typed(values, ids.BIO_BLOCK, ids.BIO_INPUT, BIO_LIMIT),
        conflicts=_users(values, ids.CONFLICTS_BLOCK, ids.CONFLICTS_INPUT)[:CONFLICTS_LIMIT],
    )


def _users(values: Values, block: str, action: str) -> tuple[str, ...]:
    picked = (values.get(block) or {}).get(action) or {}
    return tuple(str(u) for u in picked.get("selected_users") or () if isinstance(u, str))


def parse_trainee_profile(
    values: Values, areas: Sequence[FocusArea], specialties: Sequence[Choice]
) -> TraineeProfileValues:
    specialty, other = _specialty(values, specialties)
    return TraineeProfileValues(
        stage=_picked(values, ids.STAGE_BLOCK, ids.STAGE_INPUT, {c.key for c in STAGES}),
        specialty=specialty,
        specialty_other=other,
        focus_areas=_picked_many(
            values, ids.FOCUSES_BLOCK, ids.FOCUSES_INPUT, {a.key for a in areas}
        ),
        note=_typed(values, ids.NOTE_BLOCK, ids.NOTE_INPUT, NOTE_LIMIT),
    )


# Filters.


def build_filters_modal(
    search: Search, areas: Sequence[FocusArea], specialties: Sequence[Choice]
) -> dict[str, Any]:
    blocks: list[Any] = [
        _single(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, "Focus", _focus_choices(areas), search.focus),
        _single(
            ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, "Specialty", specialties, search.specialty
        ),
        _single(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, "Format", FORMATS, search.format),
    ]
    return _modal(
        "Filters", ids.DIRECTORY_FILTERS_VIEW, blocks, search.to_metadata(), "Show mentors"
    )


def parse_filters(
    values: Values, search: Search, areas: Sequence[FocusArea], specialties: Sequence[Choice]
) -> Search:
    return replace(
        search,
        focus=_picked(values, ids.FOCUS_BLOCK, ids.FOCUS_INPUT, {a.key for a in areas}),
        specialty=_picked(
            values, ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, {c.key for c in specialties}
        ),
        format=_picked(values, ids.FORMAT_BLOCK, ids.FORMAT_INPUT, {c.key for c in FORMATS}),
        page=0,
    )


# The waiting list.


def build_place_free_message(
    mentor_id: str,
    focus_label: str,
    program_name: str,
    show_program: bool,
    entry_id: int,
    hold_days: int,
) -> MessageBody:
    """The DM to someone on the waiting list when a fitting mentor has a place, held for them
    for ``hold_days``."""
    where = fmt(" in {program}", program=program_name) if show_program else md("")
    text = fmt(
        "Good news: {mentor} has a free place for {focus}{where}.",
        mentor=mention(mentor_id),
        focus=focus_label,
        where=where,
    )
    return MessageBody(
        text=text,
        blocks=[
            section(
                fmt(
                    "{text} You were on the waiting list, so you're the first to hear. Ask them "
                    "with one tap; your trainee profile's note goes with the request. The place "
                    "is yours for {days} days; after that the next person waiting hears of it.",
                    text=text,
                    days=str(hold_days),
                )
            ),
            actions(
                f"waiting-{entry_id}",
                button("Ask", ids.WAITING_ASK, str(entry_id), "primary"),
                button("Leave the waiting list", ids.WAITING_LEAVE, str(entry_id)),
            ),
        ],
    )


def build_waiting_joined_view(said: Mrkdwn, entry_id: int) -> dict[str, Any]:
    """The modal confirming the waiting list, with a way off it."""
    blocks: list[Block] = [
        section(said),
        actions(
            f"waiting-{entry_id}",
            button("Leave the waiting list", ids.WAITING_LEAVE, str(entry_id)),
        ),
    ]
    return _modal("Waiting list", ids.DIRECTORY_VIEW, blocks, "", None, "Done")


def build_place_free_done(mentor_id: str, focus_label: str, sent: bool) -> MessageBody:
    if sent:
        text = fmt(
            "I've asked {mentor} to mentor you for {focus}. I'll tell you when they answer.",
            mentor=mention(mentor_id),
            focus=focus_label,
        )
    else:
        text = md(
            "That place has gone meanwhile, so you're back on the waiting list: I'll message "
            "you when another opens. `/mentor find` shows who can take you now."
        )
    return MessageBody(text=text, blocks=[section(text)])


# The digest's waiting-list section.


def waiting_list_lines(counts: dict[str, int], labels: Labels) -> list[Mrkdwn]:
    """The digest's lines for the waiting list, most waiting first; none when nobody waits."""
    waiting = sorted(
        ((n, key) for key, n in counts.items() if n > 0), key=lambda item: (-item[0], item[1])
    )
    if not waiting:
        return []
    total = sum(n for n, _ in waiting)
    lines = [fmt("*Waiting for a mentor:* {total}", total=f"{total}")]
    lines.extend(
        fmt("• {focus}: {count}", focus=labels.focus_label(key), count=n) for n, key in waiting
    )
    return lines


def waiting_list_blocks(counts: dict[str, int], labels: Labels) -> list[Block]:
    """The digest section: who waits per focus (counts only, never names)."""
    lines = waiting_list_lines(counts, labels)
    return [section(md_join("\n", lines))] if lines else []
