"""Finding a mentor one doesn't know yet: profiles, the directory of a program, one-tap Ask,
and joining the waiting list.

Every action re-reads who acts from Slack's signature and re-checks what the modal carried:
the program must be one of theirs, the focus and filters that program's, and a mentor asked
from the directory must still be listed, open and have a place (a profile hidden a moment ago
is gone at once)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.directory import (
    FORMAT_KEYS,
    Choice,
    MentorCandidate,
    MentorProfileValues,
    Ranked,
    TraineeProfileValues,
    matches_words,
    rank_mentors,
    specialties,
)
from bot.errors import Refused
from bot.focus import FocusArea
from bot.programs import ProgramConfig
from bot.text import Mrkdwn, fmt, is_user_id, md, mention
from handlers.blocks.directory import (
    ForgedSearch,
    Labels,
    MentorForm,
    Results,
    Search,
    TraineeForm,
    build_mentor_profile_modal,
    build_results_view,
    build_trainee_profile_modal,
    parse_search,
    shown_slice,
)
from handlers.flows.programs import member_choice, settled_program
from handlers.flows.requests import Sent, send_request
from handlers.flows.slack import program_focus_label
from handlers.flows.waiting import offer_free_places, seeker_for
from handlers.profiles import profiles_before_saving
from storage.db import unit_of_work
from storage.people import get_person, mentee_count
from storage.places import LAPSED, NOTIFIED
from storage.profiles import (
    directory_candidates,
    get_waiting_entry,
    join_waiting_list,
    leave_waiting_list,
    mentor_profile,
    save_mentor_profile,
    save_trainee_profile,
    settle_waiting,
    trainee_profile,
    waiting_entries,
    with_details,
)
from storage.programs import all_programs, program_config, programs_of

FORGED = md("That form didn't carry what I expected, so I did nothing.")


def forged() -> Refused:
    return Refused(FORGED, reason="forbidden")


def labels_of(program: ProgramConfig) -> Labels:
    return Labels(
        focus={a.key: a.label for a in program.focus_areas},
        specialties={c.key: c.label for c in specialties(program.specialties)},
    )


# Which program.


def _own_program(session: Session, ctx: AppContext, user_id: str, program_id: int) -> ProgramConfig:
    """The program a modal or button names, when it is one of the caller's; refused (and
    nothing said about it) otherwise."""
    found = next(
        (p for p in programs_of(session, ctx.settings, user_id) if p.id == program_id), None
    )
    if found is None:
        raise forged()
    return found


def _check_search(program: ProgramConfig, search: Search) -> None:
    if search.focus is not None and search.focus not in {a.key for a in program.focus_areas}:
        raise forged()
    if search.specialty is not None and search.specialty not in {
        c.key for c in specialties(program.specialties)
    }:
        raise forged()
    if search.format is not None and search.format not in FORMAT_KEYS:
        raise forged()


# Profiles: a profile is one per person, so its choices are those of all their programs.


@dataclass(frozen=True)
class ProfileChoices:
    areas: tuple[FocusArea, ...]
    specialties: tuple[Choice, ...]


def profile_choices(session: Session, ctx: AppContext, user_id: str) -> ProfileChoices:
    programs = programs_of(session, ctx.settings, user_id)
    areas: dict[str, FocusArea] = {}
    labels: list[str] = []
    for program in programs:
        for area in program.focus_areas:
            areas.setdefault(area.key, area)
        labels.extend(program.specialties)
    return ProfileChoices(tuple(areas.values()), specialties(labels))


def mentor_form(ctx: AppContext, user_id: str) -> tuple[MentorForm, ProfileChoices]:
    with unit_of_work(ctx.sessions) as session:
        choices = profile_choices(session, ctx, user_id)
        profile = mentor_profile(session, user_id)
        person = get_person(session, user_id)
        capacity = person.capacity if person is not None else None
        mentees = mentee_count(session, user_id)
        if profile is None:
            return MentorForm(capacity=capacity, mentees=mentees), choices
        form = MentorForm(
            listed=profile.listed,
            open=profile.open,
            focus_areas=tuple(profile.focus_areas),
            specialty=profile.specialty,
            specialty_other=profile.specialty_other or "",
            stages=tuple(profile.stages),
            formats=tuple(profile.formats),
            languages=", ".join(profile.languages),
            bio=profile.bio,
            capacity=capacity,
            mentees=mentees,
            conflicts=tuple(profile.conflicts),
        )
    return form, choices


def trainee_form(ctx: AppContext, user_id: str) -> tuple[TraineeForm | None, ProfileChoices]:
    """The saved trainee profile (None when there is none yet) and the modal's choices."""
    with unit_of_work(ctx.sessions) as session:
        choices = profile_choices(session, ctx, user_id)
        profile = trainee_profile(session, user_id)
        if profile is None:
            return None, choices
        form = TraineeForm(
            stage=profile.stage,
            specialty=profile.specialty,
            specialty_other=profile.specialty_other or "",
            focus_areas=tuple(profile.focus_areas),
            note=profile.note,
        )
    return form, choices


def save_mentor(
    ctx: AppContext, client: WebClient, user_id: str, submitted: MentorProfileValues
) -> Mrkdwn:
    """Save the mentor profile; a profile listed and open may free a place for someone
    waiting, so they hear of it after the commit."""
    now = ctx.now()
    # The time zone the directory compares working hours with comes from Slack.
    profiles_before_saving(ctx.sessions, client, [user_id], now)
    with unit_of_work(ctx.sessions) as session:
        save_mentor_profile(session, user_id, submitted, now)
    if submitted.listed and submitted.open:
        offer_free_places(ctx, client)
        return md("Saved. You're in the directory and open to new mentees.")
    if submitted.listed:
        return md("Saved. You're in the directory, marked as not taking new mentees for now.")
    return md("Saved. Your profile is hidden: you're in no directory and no suggestion.")


def save_trainee(
    ctx: AppContext, client: WebClient, user_id: str, submitted: TraineeProfileValues
) -> None:
    profiles_before_saving(ctx.sessions, client, [user_id], ctx.now())
    with unit_of_work(ctx.sessions) as session:
        save_trainee_profile(session, user_id, submitted, ctx.now())


# The directory.


@dataclass(frozen=True)
class Start:
    """What ``/mentor find`` (or Home's button) opens: the results, or first the trainee
    profile (whose submission then shows the results of ``search``)."""

    search: Search
    results: dict[str, Any] | None


def start_search(
    ctx: AppContext,
    client: WebClient,
    user_id: str,
    *,
    hint: str | None,
    focus: str | None,
    words: tuple[str, ...],
    typed: bool,
) -> Start:
    profiles_before_saving(ctx.sessions, client, [user_id], ctx.now())
    with unit_of_work(ctx.sessions) as session:
        choice = member_choice(session, ctx.settings, user_id, hint)
        # Home has nowhere to type ``in <program>``: someone in several starts in their first.
        program = settled_program(choice) if typed else (choice.program or choice.options[0])
        if focus is not None and focus not in {a.key for a in program.focus_areas}:
            raise Refused(
                fmt(
                    "That focus isn't one of {program}'s. Try `/mentor find` without it, "
                    "or use Filters.",
                    program=program.name,
                ),
                reason="bad_input",
            )
        search = Search(program_id=program.id, focus=focus, words=words)
        if trainee_profile(session, user_id) is None:
            return Start(search, None)
        return Start(search, _results_view(session, ctx, user_id, program, search))


def find_view(
    ctx: AppContext,
    client: WebClient,
    user_id: str,
    *,
    hint: str | None,
    focus: str | None,
    words: tuple[str, ...],
    typed: bool,
) -> dict[str, Any]:
    """The modal ``/mentor find`` (or Home's button) opens: the results, or on someone's first
    search their trainee profile, whose submission then shows the results."""
    start = start_search(ctx, client, user_id, hint=hint, focus=focus, words=words, typed=typed)
    if start.results is not None:
        return start.results
    form, choices = trainee_form(ctx, user_id)
    return build_trainee_profile_modal(
        form or TraineeForm(),
        choices.areas,
        choices.specialties,
        start.search.to_metadata(),
        first_time=True,
    )


def require_search(ctx: AppContext, user_id: str, search: Search) -> None:
    """Refused (nothing said about it) unless a search a modal carried is one ``user_id`` may
    run: one of their programs, with its focus and filters."""
    with unit_of_work(ctx.sessions) as session:
        _check_search(_own_program(session, ctx, user_id, search.program_id), search)


def results_view(ctx: AppContext, user_id: str, search: Search) -> dict[str, Any]:
    """The results modal for a search a modal or button carried, re-checked for the caller."""
    with unit_of_work(ctx.sessions) as session:
        program = _own_program(session, ctx, user_id, search.program_id)
        _check_search(program, search)
        return _results_view(session, ctx, user_id, program, search)


def ranked_mentors(
    session: Session, ctx: AppContext, user_id: str, program: ProgramConfig, search: Search
) -> list[Ranked]:
    """Every mentor the caller may ask now in the program for the search, best first."""
    candidates = directory_candidates(
        session,
        program_id=program.id,
        seeker_id=user_id,
        focus=search.focus,
        # The bio and languages only a search by words reads for everyone; a page's are read
        # for that page (_results_view).
        details=bool(search.words),
    )
    fitting = [
        c
        for c in candidates
        if (search.specialty is None or c.specialty == search.specialty)
        and (search.format is None or search.format in c.formats)
        and matches_words(c, search.words)
    ]
    seeker = seeker_for(session, user_id, search.focus or _sought_focus(session, user_id, program))
    if search.format is not None:
        seeker = replace(seeker, formats=frozenset({search.format}))
    return rank_mentors(seeker, fitting, ctx.now())


def _sought_focus(session: Session, user_id: str, program: ProgramConfig) -> str | None:
    """With no focus chosen, the ranking favours the first focus the trainee's profile seeks
    that the program offers."""
    profile = trainee_profile(session, user_id)
    offered = {a.key for a in program.focus_areas}
    if profile is None:
        return None
    return next((f for f in profile.focus_areas if f in offered), None)


def _results_view(
    session: Session, ctx: AppContext, user_id: str, program: ProgramConfig, search: Search
) -> dict[str, Any]:
    ranked = ranked_mentors(session, ctx, user_id, program, search)
    page = shown_slice(len(ranked), search.page)
    if not search.words:
        shown = ranked[page]
        detailed = with_details(session, [r.candidate for r in shown])
        ranked[page] = [r._replace(candidate=c) for r, c in zip(shown, detailed, strict=True)]
    waiting = bool(
        search.focus is not None
        and waiting_entries(session, program_id=program.id, focuses=[search.focus], user_id=user_id)
    )
    return build_results_view(
        Results(
            search=search,
            program_name=program.name,
            show_program=len(all_programs(session)) > 1,
            ranked=ranked,
            labels=labels_of(program),
            waiting=waiting,
            programs=tuple((p.id, p.name) for p in programs_of(session, ctx.settings, user_id)),
        )
    )


def program_results_view(
    ctx: AppContext, user_id: str, search: Search, raw_program: object
) -> dict[str, Any]:
    """The results for another of the caller's programs (the picker): its words, and the
    focus and specialty when the new program has them too; refused for a program not theirs."""
    if not isinstance(raw_program, str) or not raw_program.isdigit() or len(raw_program) > 12:
        raise forged()
    with unit_of_work(ctx.sessions) as session:
        program = _own_program(session, ctx, user_id, int(raw_program))
        focus = search.focus if search.focus in {a.key for a in program.focus_areas} else None
        offered = {c.key for c in specialties(program.specialties)}
        specialty = search.specialty if search.specialty in offered else None
        moved = replace(search, program_id=program.id, focus=focus, specialty=specialty, page=0)
        return _results_view(session, ctx, user_id, program, moved)


def filters_choices(ctx: AppContext, user_id: str, search: Search) -> ProfileChoices:
    with unit_of_work(ctx.sessions) as session:
        program = _own_program(session, ctx, user_id, search.program_id)
        _check_search(program, search)
        return ProfileChoices(program.focus_areas, specialties(program.specialties))


def _ask_focus(candidate: MentorCandidate, program: ProgramConfig, sought: str | None) -> str:
    """The focus an Ask from a search with no focus is for: what the trainee seeks if the
    mentor offers it, else the mentor's first focus in the program, else the program's first."""
    offered = [a.key for a in program.focus_areas]
    if sought is not None and sought in candidate.focus_areas:
        return sought
    return next((k for k in offered if k in candidate.focus_areas), offered[0])


def ask_from_directory(
    ctx: AppContext, client: WebClient, user_id: str, search: Search, mentor_id: str
) -> Sent:
    """Send the request the directory's Ask stands for, after checking the mentor is still
    one the caller may ask (listed, open, a place left, in the program)."""
    if not is_user_id(mentor_id):
        raise forged()
    with unit_of_work(ctx.sessions) as session:
        program = _own_program(session, ctx, user_id, search.program_id)
        _check_search(program, search)
        found = next(
            (
                r.candidate
                for r in ranked_mentors(session, ctx, user_id, program, search)
                if r.candidate.user_id == mentor_id
            ),
            None,
        )
        if found is None:
            raise Refused(
                fmt(
                    "{mentor} can't take new mentees just now. Try `/mentor find` again.",
                    mentor=mention(mentor_id),
                ),
                reason="bad_input",
            )
        focus = search.focus or _ask_focus(found, program, _sought_focus(session, user_id, program))
        profile = trainee_profile(session, user_id)
        note = profile.note if profile is not None else ""
    # Sending takes the caller off the waiting list for the focus.
    return send_request(
        ctx, client, mentee_id=user_id, mentor_id=mentor_id, focus=focus, note=note, program=program
    )


def join_waiting(ctx: AppContext, user_id: str, search: Search, focus: str) -> tuple[Mrkdwn, int]:
    """Put the caller on the waiting list for the search's focus: what to say, and the entry
    (for its Leave button)."""
    with unit_of_work(ctx.sessions) as session:
        program = _own_program(session, ctx, user_id, search.program_id)
        if focus != search.focus:
            raise forged()
        _check_search(program, search)
        entry, new = join_waiting_list(
            session, program_id=program.id, user_id=user_id, focus=focus, now=ctx.now()
        )
        label = labels_of(program).focus_label(focus)
        entry_id = entry.id
    if not new:
        return fmt("You're already on the waiting list for {focus}.", focus=label), entry_id
    said = fmt(
        "You're on the waiting list for {focus}. As soon as a mentor who fits has a free "
        "place, I'll message you with a one-tap Ask.",
        focus=label,
    )
    return said, entry_id


def leave_waiting(ctx: AppContext, user_id: str, entry_id: int) -> Mrkdwn:
    """Take the caller off the waiting list an entry of theirs stands for (still waiting, or
    told of a place they no longer want); someone else's entry is refused."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        entry = get_waiting_entry(session, entry_id)
        if entry is None or entry.user_id != user_id:
            raise Refused(md("That button wasn't for you, so I did nothing."), reason="forbidden")
        label = program_focus_label(
            program_config(session, ctx.settings, entry.program_id), entry.focus
        )
        left = leave_waiting_list(session, entry.id, user_id, now)
        # A place that had gone sends someone back onto the list under a new entry: leaving
        # from the older message takes that one off too.
        again = settle_waiting(
            session, program_id=entry.program_id, user_id=user_id, focus=entry.focus, now=now
        )
    if not (left or again):
        return fmt("You're not on the waiting list for {focus} any more.", focus=label)
    return fmt(
        "You've left the waiting list for {focus}. `/mentor find` shows who can take you now, "
        "and you can join the list again there.",
        focus=label,
    )


def ask_from_waiting_list(
    ctx: AppContext, client: WebClient, user_id: str, entry_id: int
) -> tuple[str, str, Sent | None]:
    """The Ask in a place-free notice: (mentor, focus label, the request or None when the
    place has gone meanwhile, in which case the trainee is back on the waiting list)."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        entry = get_waiting_entry(session, entry_id)
        if entry is None or entry.user_id != user_id:
            raise Refused(md("That message wasn't for you, so I did nothing."), reason="forbidden")
        # A notice left unused past the hold lost its turn, not its Ask: it works while the
        # place is still free.
        if entry.status not in (NOTIFIED, LAPSED) or entry.notified_mentor_id is None:
            raise Refused(md("That notice is no longer open."), reason="bad_input")
        program = _own_program(session, ctx, user_id, entry.program_id)
        mentor_id, focus = entry.notified_mentor_id, entry.focus
        label = program_focus_label(program, focus)
        still = directory_candidates(
            session,
            program_id=program.id,
            seeker_id=user_id,
            focus=focus,
            mentor_ids=[mentor_id],
        )
        if not still:
            join_waiting_list(session, program_id=program.id, user_id=user_id, focus=focus, now=now)
            return mentor_id, label, None
        profile = trainee_profile(session, user_id)
        note = profile.note if profile is not None else ""
    sent = send_request(
        ctx, client, mentee_id=user_id, mentor_id=mentor_id, focus=focus, note=note, program=program
    )
    return mentor_id, label, sent


def parse_search_or_refuse(metadata: str) -> Search:
    try:
        return parse_search(metadata)
    except ForgedSearch as error:
        raise forged() from error


def open_profile_modal(
    ctx: AppContext, client: WebClient, user_id: str, which: str, trigger_id: str
) -> None:
    """Open the mentor or trainee profile modal, filled in with what is saved."""
    if which == "mentor":
        form, choices = mentor_form(ctx, user_id)
        view = build_mentor_profile_modal(form, choices.areas, choices.specialties)
    elif which == "trainee":
        trainee, choices = trainee_form(ctx, user_id)
        view = build_trainee_profile_modal(
            trainee or TraineeForm(), choices.areas, choices.specialties
        )
    else:
        raise forged()
    client.views_open(trigger_id=trigger_id, view=view)


def profile_choices_of(ctx: AppContext, user_id: str) -> ProfileChoices:
    with unit_of_work(ctx.sessions) as session:
        return profile_choices(session, ctx, user_id)
