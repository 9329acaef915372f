"""Mentor and trainee profiles, the directory's candidates, and the waiting list.

A profile is per person, whatever their programs; the directory is per program: a mentor shows
in a program's directory when they belong to it (in any role), or, for the default program,
when they belong to no program at all yet."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, cast, exists, func, or_, select, update
from sqlalchemy.orm import Session

from bot.directory import MentorCandidate, MentorProfileValues, TraineeProfileValues
from storage.db import rows_affected
from storage.matching import withdraw_mentor
from storage.models import (
    MentorProfile,
    Pairing,
    Person,
    ProgramMember,
    TraineeProfile,
    WaitingEntry,
)
from storage.people import OPEN_PAIRING_STATUSES, ensure_person, gone_clause
from storage.places import (
    BATCH,
    LAPSED,
    LEFT,
    NOTIFIED,
    WAITING,
    PlaceCause,
    place_freed,
    unused_notices_clause,
)
from storage.upsert import get_or_insert, unique_index


def mentor_profile(session: Session, user_id: str) -> MentorProfile | None:
    return session.get(MentorProfile, user_id)


def trainee_profile(session: Session, user_id: str) -> TraineeProfile | None:
    return session.get(TraineeProfile, user_id)


def save_mentor_profile(
    session: Session, user_id: str, values: MentorProfileValues, now: datetime
) -> MentorProfile:
    ensure_person(session, user_id)
    profile, added = get_or_insert(
        session,
        MentorProfile,
        {"user_id": user_id, "created_at": now, "updated_at": now},
        key=[MentorProfile.user_id],
    )
    _set_availability(session, profile, values.listed, values.open, now, new=added)
    profile.focus_areas = list(values.focus_areas)
    profile.specialty = values.specialty
    profile.specialty_other = values.specialty_other
    profile.stages = list(values.stages)
    profile.formats = list(values.formats)
    profile.languages = list(values.languages)
    profile.bio = values.bio
    profile.conflicts = sorted(set(values.conflicts) - {user_id})
    profile.updated_at = now
    session.flush()
    return profile


def _set_availability(
    session: Session,
    profile: MentorProfile,
    listed: bool,
    open_: bool,
    now: datetime,
    *,
    new: bool = False,
) -> None:
    """The one way a mentor profile is shown or hidden, opened or closed; a profile that
    becomes shown and open (or is made so) records a free place for the waiting list, and one
    hidden or closed leaves every round not decided yet."""
    available_before = not new and profile.listed and profile.open
    profile.listed = listed
    profile.open = open_
    if listed and open_ and not available_before:
        place_freed(session, profile.user_id, PlaceCause.PROFILE_OPENED, now)
    if available_before and not (listed and open_):
        # Hidden or closed: proposed in no round from now on.
        withdraw_mentor(session, profile.user_id)


def set_listed(session: Session, user_id: str, listed: bool, now: datetime) -> MentorProfile | None:
    """Show or hide someone's mentor profile; None when they have none."""
    profile = session.get(MentorProfile, user_id)
    if profile is None:
        return None
    _set_availability(session, profile, listed, profile.open, now)
    profile.updated_at = now
    session.flush()
    return profile


def save_trainee_profile(
    session: Session, user_id: str, values: TraineeProfileValues, now: datetime
) -> TraineeProfile:
    ensure_person(session, user_id)
    profile, _ = get_or_insert(
        session,
        TraineeProfile,
        {"user_id": user_id, "created_at": now, "updated_at": now},
        key=[TraineeProfile.user_id],
    )
    profile.stage = values.stage
    profile.specialty = values.specialty
    profile.specialty_other = values.specialty_other
    profile.focus_areas = list(values.focus_areas)
    profile.note = values.note
    profile.updated_at = now
    session.flush()
    return profile


def trainee_profiles(
    session: Session, user_ids: Collection[str] | None = None
) -> list[TraineeProfile]:
    """Trainee profiles, of ``user_ids`` or everyone's, by user id."""
    query = select(TraineeProfile).order_by(TraineeProfile.user_id)
    if user_ids is not None:
        if not user_ids:
            return []
        query = query.where(TraineeProfile.user_id.in_(list(user_ids)))
    return list(session.scalars(query))


def mentee_counts(session: Session, user_ids: Collection[str] | None = None) -> dict[str, int]:
    """Open mentorships (active or paused, in every program) per mentor."""
    query = (
        select(Pairing.mentor_id, func.count())
        .where(Pairing.status.in_(OPEN_PAIRING_STATUSES))
        .group_by(Pairing.mentor_id)
    )
    if user_ids is not None:
        if not user_ids:
            return {}
        query = query.where(Pairing.mentor_id.in_(list(user_ids)))
    return {mentor: int(count) for mentor, count in session.execute(query)}


def _paired_with(session: Session, program_id: int, mentee_id: str, focus: str) -> set[str]:
    return set(
        session.scalars(
            select(Pairing.mentor_id).where(
                Pairing.program_id == program_id,
                Pairing.mentee_id == mentee_id,
                Pairing.focus == focus,
                Pairing.status.in_(OPEN_PAIRING_STATUSES),
            )
        )
    )


def candidate_of(profile: MentorProfile, person: Person, mentees: int) -> MentorCandidate:
    return MentorCandidate(
        user_id=profile.user_id,
        focus_areas=frozenset(profile.focus_areas or ()),
        specialty=profile.specialty,
        stages=frozenset(profile.stages or ()),
        formats=frozenset(profile.formats or ()),
        tz=person.tz,
        mentees=mentees,
        capacity=person.capacity,
        specialty_other=profile.specialty_other,
        languages=tuple(profile.languages or ()),
        bio=profile.bio or "",
    )


def _text(column: Any) -> Any:
    """A JSON list column read as its text: parsed here, once per distinct value."""
    return cast(column, Text)


@lru_cache(maxsize=8192)
def _labels(raw: str | None) -> frozenset[str]:
    """A stored JSON list of labels as a set. Thousands of mentors share a few hundred
    distinct lists (focus areas, stages, formats), so each is parsed once per process."""
    if not raw:
        return frozenset()
    loaded = json.loads(raw)
    return frozenset(str(item) for item in loaded) if isinstance(loaded, list) else frozenset()


@lru_cache(maxsize=8192)
def _ordered(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    loaded = json.loads(raw)
    return tuple(str(item) for item in loaded) if isinstance(loaded, list) else ()


# What ranking needs: who, focus, specialty, stages, formats, zone, limit, and whom they
# assess or supervise (never shown to those).
_CANDIDATE_COLUMNS = (
    MentorProfile.user_id,
    _text(MentorProfile.focus_areas),
    MentorProfile.specialty,
    _text(MentorProfile.stages),
    _text(MentorProfile.formats),
    Person.tz,
    Person.capacity,
    _text(MentorProfile.conflicts),
)
# What only a shown mentor (or a search by words) needs: read for those alone.
_DETAIL_COLUMNS = (
    MentorProfile.specialty_other,
    _text(MentorProfile.languages),
    MentorProfile.bio,
)


def directory_candidates(
    session: Session,
    *,
    program_id: int,
    seeker_id: str | None,
    focus: str | None,
    mentor_ids: Collection[str] | None = None,
    details: bool = True,
) -> list[MentorCandidate]:
    """The mentors a trainee may ask now in the program, unranked: listed and open, in the
    program, with a place left, not ``seeker_id``, not someone who assesses or supervises
    them, and not already mentoring them for ``focus`` in this program; when ``focus`` is
    given, only those who mentor it.
    ``mentor_ids`` narrows the look-up (the waiting list checks a few mentors). Without
    ``details`` the bio, languages and other specialty are left empty, for a ranking that
    shows a page (:func:`with_details` reads them for the mentors shown).

    Plain rows, not ORM objects, with the program's membership asked in the same statement and
    each distinct JSON list parsed once (:func:`_labels`): the directory reads thousands of rows
    it never changes, and this is what ``/mentor find`` waits for."""
    # Asked per mentor (an index probe each): listing every member first and looking each one
    # up took a third longer on SQLite at 50,000 profiles.
    in_program = exists().where(
        ProgramMember.program_id == program_id, ProgramMember.user_id == MentorProfile.user_id
    )
    # Each mentor's open mentorships (in every program) counted in the statement, and those
    # with no place left never cross to Python.
    load = (
        select(Pairing.mentor_id, func.count().label("mentees"))
        .where(Pairing.status.in_(OPEN_PAIRING_STATUSES))
        .group_by(Pairing.mentor_id)
        .subquery()
    )
    mentees = func.coalesce(load.c.mentees, 0)
    query = (
        select(*_CANDIDATE_COLUMNS, mentees, *(_DETAIL_COLUMNS if details else ()))
        .join(Person, Person.user_id == MentorProfile.user_id)
        .outerjoin(load, load.c.mentor_id == MentorProfile.user_id)
        .where(
            MentorProfile.listed.is_(True),
            MentorProfile.open.is_(True),
            Person.is_deleted.is_(False),
            Person.is_bot.is_(False),
            in_program,
            or_(Person.capacity.is_(None), mentees < Person.capacity),
        )
    )
    if focus is not None:
        # Narrowed in the statement by the list's text (the slug as JSON writes it), checked
        # exactly below: only the mentors of that focus cross to Python.
        query = query.where(
            _text(MentorProfile.focus_areas).contains(json.dumps(focus), autoescape=True)
        )
    if mentor_ids is not None:
        if not mentor_ids:
            return []
        query = query.where(MentorProfile.user_id.in_(list(mentor_ids)))
    rows = [
        row
        # All rows in one fetch: psycopg's row-by-row fetch costs more than the rows themselves.
        for row in session.connection().execute(query).all()
        if row[0] != seeker_id
        and (focus is None or focus in _labels(row[1]))
        # A mentor never appears to someone they assess or supervise.
        and (seeker_id is None or seeker_id not in _labels(row[7]))
    ]
    if not rows:
        return []
    paired = (
        _paired_with(session, program_id, seeker_id, focus)
        if seeker_id is not None and focus is not None
        else set()
    )
    # Positional, in MentorCandidate's order: one made per mentor.
    return [
        MentorCandidate(
            row[0],  # user_id
            _labels(row[1]),  # focus_areas
            row[2],  # specialty
            _labels(row[3]),  # stages
            _labels(row[4]),  # formats
            row[5],  # tz
            row[8],  # mentees
            row[6],  # capacity
            row[9] if details else None,  # specialty_other
            _ordered(row[10]) if details else (),  # languages
            (row[11] or "") if details else "",  # bio
        )
        for row in rows
        if row[0] not in paired
    ]


def _details(row: Sequence[Any]) -> dict[str, Any]:
    other, languages, bio = row
    return {"specialty_other": other, "languages": _ordered(languages), "bio": bio or ""}


def with_details(session: Session, candidates: Sequence[MentorCandidate]) -> list[MentorCandidate]:
    """``candidates`` with their bio, languages and other specialty read (a page of them)."""
    if not candidates:
        return []
    found = {
        row[0]: _details(row[1:])
        for row in session.connection()
        .execute(
            select(MentorProfile.user_id, *_DETAIL_COLUMNS).where(
                MentorProfile.user_id.in_([c.user_id for c in candidates])
            )
        )
        .all()
    }
    return [c._replace(**found[c.user_id]) if c.user_id in found else c for c in candidates]


# The waiting list.


# The one waiting entry per person, program and focus: the partial unique index's own predicate.
_WAITING_ENTRY = unique_index(WaitingEntry, "uq_waiting_entry")


def join_waiting_list(
    session: Session, *, program_id: int, user_id: str, focus: str, now: datetime
) -> tuple[WaitingEntry, bool]:
    """Put someone on the program's waiting list for ``focus``; the entry and whether it is
    new (joining twice keeps the first place)."""
    ensure_person(session, user_id)
    return get_or_insert(
        session,
        WaitingEntry,
        {
            "program_id": program_id,
            "user_id": user_id,
            "focus": focus,
            "status": WAITING,
            "joined_at": now,
        },
        key=[WaitingEntry.program_id, WaitingEntry.user_id, WaitingEntry.focus],
        where=_WAITING_ENTRY.where,
    )


def get_waiting_entry(session: Session, entry_id: int) -> WaitingEntry | None:
    return session.get(WaitingEntry, entry_id)


def waiting_entries(
    session: Session,
    *,
    program_id: int | None = None,
    focuses: Collection[str] | None = None,
    user_id: str | None = None,
) -> list[WaitingEntry]:
    """Entries still waiting, first come first."""
    query = select(WaitingEntry).where(WaitingEntry.status == WAITING)
    if program_id is not None:
        query = query.where(WaitingEntry.program_id == program_id)
    if focuses is not None:
        if not focuses:
            return []
        query = query.where(WaitingEntry.focus.in_(list(focuses)))
    if user_id is not None:
        query = query.where(WaitingEntry.user_id == user_id)
    return list(session.scalars(query.order_by(WaitingEntry.joined_at, WaitingEntry.id)))


def waiting_counts(session: Session, program_id: int) -> dict[str, int]:
    """How many wait in the program, per focus slug (never anyone who has left or was erased)."""
    rows = session.execute(
        select(WaitingEntry.focus, func.count())
        .where(
            WaitingEntry.program_id == program_id,
            WaitingEntry.status == WAITING,
            WaitingEntry.user_id.not_in(select(Person.user_id).where(gone_clause())),
        )
        .group_by(WaitingEntry.focus)
    )
    return {focus: int(count) for focus, count in rows}


def leave_waiting_list(session: Session, entry_id: int, user_id: str, now: datetime) -> bool:
    """Take someone's own entry off the list (waiting, or told of a place and its Ask not
    used); False when it is not theirs or already left."""
    result = session.execute(
        update(WaitingEntry)
        .where(
            WaitingEntry.id == entry_id,
            WaitingEntry.user_id == user_id,
            WaitingEntry.status.in_((WAITING, NOTIFIED)),
        )
        .values(status=LEFT, left_at=now)
    )
    return bool(rows_affected(result))


def settle_waiting(
    session: Session, *, program_id: int, user_id: str, focus: str, now: datetime
) -> bool:
    """Someone who found a mentor for the focus (a request sent, a pairing made) waits no
    more; whether they were waiting."""
    result = session.execute(
        update(WaitingEntry)
        .where(
            WaitingEntry.program_id == program_id,
            WaitingEntry.user_id == user_id,
            WaitingEntry.focus == focus,
            WaitingEntry.status == WAITING,
        )
        .values(status=LEFT, left_at=now)
    )
    return bool(rows_affected(result))


def mark_notified(session: Session, entry_id: int, mentor_id: str, now: datetime) -> bool:
    """Claim the one notice an entry gets: True for exactly one caller, however many race."""
    result = session.execute(
        update(WaitingEntry)
        .where(WaitingEntry.id == entry_id, WaitingEntry.status == WAITING)
        .values(status=NOTIFIED, notified_at=now, notified_mentor_id=mentor_id)
    )
    return bool(rows_affected(result))


def lapse_unused_notices(session: Session, now: datetime) -> int:
    """Each place told to someone on the waiting list longer than the hold ago is recorded free
    again (:data:`PlaceCause.UNUSED`), so the next person waiting hears of it if it still is;
    the one told keeps their Ask (it still works while the place is free) but not their turn.
    How many lapsed; of two schedulers at once, each notice lapses in one."""
    entries = session.scalars(
        select(WaitingEntry)
        .where(unused_notices_clause(now))
        .order_by(WaitingEntry.notified_at, WaitingEntry.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    lapsed = 0
    for entry in entries:
        claimed = session.execute(
            update(WaitingEntry)
            .where(WaitingEntry.id == entry.id, WaitingEntry.status == NOTIFIED)
            .values(status=LAPSED, left_at=now)
        )
        if rows_affected(claimed) and entry.notified_mentor_id is not None:
            place_freed(session, entry.notified_mentor_id, PlaceCause.UNUSED, now)
            lapsed += 1
    return lapsed


def people_by_id(session: Session, user_ids: Sequence[str]) -> dict[str, Person]:
    if not user_ids:
        return {}
    return {
        p.user_id: p for p in session.scalars(select(Person).where(Person.user_id.in_(user_ids)))
    }
