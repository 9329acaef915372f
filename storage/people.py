"""People: who the app has met, what it caches of their Slack profile, and their capacity."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from bot.programs import Role, Source
from storage.models import Pairing, Person, ProgramMember
from storage.places import PlaceCause, place_freed
from storage.programs import default_program_id
from storage.upsert import get_or_insert, insert_new

PROFILE_MAX_AGE = timedelta(days=1)
OPEN_PAIRING_STATUSES = ("active", "paused")


@dataclass(frozen=True)
class Profile:
    """What Slack's ``users.info`` says about someone, as far as the app cares."""

    user_id: str
    display_name: str
    tz: str | None
    is_bot: bool
    is_deleted: bool


def get_person(session: Session, user_id: str) -> Person | None:
    return session.get(Person, user_id)


def _welcome(session: Session, user_ids: Sequence[str]) -> None:
    """Someone the app meets for the first time is a member of the default program: one
    explicit row, like every other membership, which joining another program never touches
    and ``/mentor leave`` can remove."""
    if not user_ids:
        return
    program_id = default_program_id(session)
    # The moment is the machine's: callers that make people rows have no clock to pass.
    now = datetime.now(UTC)
    insert_new(
        session,
        ProgramMember,
        [
            {
                "program_id": program_id,
                "user_id": user_id,
                "role": Role.MEMBER,
                "source": Source.DEFAULT,
                "added_at": now,
            }
            for user_id in user_ids
        ],
        key=[ProgramMember.program_id, ProgramMember.user_id, ProgramMember.role],
    )


def ensure_person(session: Session, user_id: str) -> Person:
    person = session.get(Person, user_id)
    if person is None:
        person, added = get_or_insert(
            session, Person, {"user_id": user_id, "display_name": ""}, key=[Person.user_id]
        )
        if added:
            _welcome(session, [user_id])
    return person


def ensure_people(session: Session, user_ids: Collection[str]) -> None:
    """A people row for each of ``user_ids`` (requests and pairings refer to it), in one
    statement, whoever else adds them at the same moment; the new ones join the default
    program."""
    added = insert_new(
        session,
        Person,
        [{"user_id": user, "display_name": ""} for user in sorted(set(user_ids))],
        key=[Person.user_id],
        returning=Person.user_id,
    )
    _welcome(session, [str(user) for user in added])


def remember_profile(session: Session, profile: Profile, now: datetime) -> Person:
    person = ensure_person(session, profile.user_id)
    person.display_name = profile.display_name
    person.tz = profile.tz
    person.is_bot = profile.is_bot
    person.is_deleted = profile.is_deleted
    person.profile_fetched_at = now
    if not profile.is_deleted:
        person.left_at = None  # Slack says they are active: back, even if no event said so
    return person


def remember_profiles(session: Session, profiles: Sequence[Profile], now: datetime) -> None:
    """:func:`remember_profile` for a batch, with one read for the people already known."""
    if not profiles:
        return
    ensure_people(session, [p.user_id for p in profiles])
    known = {
        person.user_id: person
        for person in session.scalars(
            select(Person).where(Person.user_id.in_([p.user_id for p in profiles]))
        )
    }
    for profile in profiles:
        person = known[profile.user_id]
        person.display_name = profile.display_name
        person.tz = profile.tz
        person.is_bot = profile.is_bot
        person.is_deleted = profile.is_deleted
        person.profile_fetched_at = now
        if not profile.is_deleted:
            person.left_at = None


def profile_is_fresh(person: Person | None, now: datetime) -> bool:
    return (
        person is not None
        and person.profile_fetched_at is not None
        and now - person.profile_fetched_at < PROFILE_MAX_AGE
    )


def cached_profile(person: Person) -> Profile:
    return Profile(
        user_id=person.user_id,
        display_name=person.display_name,
        tz=person.tz,
        is_bot=person.is_bot,
        is_deleted=person.is_deleted,
    )


def set_capacity(session: Session, user_id: str, capacity: int | None, now: datetime) -> Person:
    """The one way a mentor's limit changes; a limit raised or removed records a free place."""
    person = ensure_person(session, user_id)
    before = person.capacity
    person.capacity = capacity
    if before is not None and (capacity is None or capacity > before):
        place_freed(session, user_id, PlaceCause.LIMIT_RAISED, now)
    return person


def choose_home_program(session: Session, user_id: str, program_id: int) -> None:
    """Remember the program ``user_id`` chose to see on their Home (a coordinator of several);
    whether they still coordinate it is checked each time Home is drawn."""
    ensure_person(session, user_id).home_program_id = program_id


def mentee_count(session: Session, mentor_id: str) -> int:
    """How many open pairings (active or paused) ``mentor_id`` mentors."""
    count = session.scalar(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.mentor_id == mentor_id, Pairing.status.in_(OPEN_PAIRING_STATUSES))
    )
    return int(count or 0)


def hold_places(session: Session, mentor_id: str) -> Person:
    """The mentor's row, locked for the rest of the transaction, so that two transactions
    starting mentorships with the same mentor count their mentees one after the other: a no-op
    update takes the row lock on PostgreSQL and the write lock on SQLite (where ``FOR UPDATE``
    does nothing, and reads made before a transaction's first write see no lock)."""
    ensure_person(session, mentor_id)
    session.execute(
        update(Person).where(Person.user_id == mentor_id).values(capacity=Person.capacity)
    )
    person = session.get(Person, mentor_id, populate_existing=True)
    assert person is not None
    return person


def is_at_capacity(session: Session, mentor_id: str) -> bool:
    person = session.get(Person, mentor_id)
    if person is None or person.capacity is None:
        return False
    return mentee_count(session, mentor_id) >= person.capacity


def gone_clause() -> ColumnElement[bool]:
    """People the app knows to have left the workspace or been erased."""
    return or_(Person.left_at.is_not(None), Person.erased_at.is_not(None))


def departed_among(session: Session, user_ids: Sequence[str]) -> set[str]:
    """Which of ``user_ids`` the app knows to have left or been erased."""
    if not user_ids:
        return set()
    return set(
        session.scalars(
            select(Person.user_id).where(Person.user_id.in_(list(user_ids)), gone_clause())
        )
    )
