"""Profiles, the directory's candidates and the waiting list in the database, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot.programs import ProgramValues, Source
from bot.settings import load_settings
from handlers.flows.waiting import waiting_list_digest_lines
from storage.pairings import close_pairing, create_pairing
from storage.people import ensure_person, set_capacity
from storage.profiles import (
    MentorProfileValues,
    TraineeProfileValues,
    directory_candidates,
    join_waiting_list,
    leave_waiting_list,
    mark_notified,
    mentor_profile,
    save_mentor_profile,
    save_trainee_profile,
    set_listed,
    settle_waiting,
    trainee_profile,
    waiting_counts,
    waiting_entries,
)
from storage.programs import add_members, create_program, default_program, program_config
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def profile(**fields: object) -> MentorProfileValues:
    values: dict[str, object] = {
        "listed": True,
        "open": True,
        "focus_areas": ("research",),
        "specialty": "general-surgery",
        "specialty_other": None,
        "stages": ("resident",),
        "formats": ("call", "coffee"),
        "languages": ("English",),
        "bio": "Twenty years in the OR",
    }
    values.update(fields)
    return MentorProfileValues(**values)  # type: ignore[arg-type]


def ids(found: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(c.user_id for c in found)


def default_candidates(session: Session, **kwargs: object) -> list:  # type: ignore[type-arg]
    program = default_program(session)
    arguments: dict[str, object] = {"seeker_id": MENTEE, "focus": "research"}
    arguments.update(kwargs)
    return directory_candidates(
        session,
        program_id=program.id,
        **arguments,  # type: ignore[arg-type]
    )


def test_profiles_save_and_update_one_row_per_person(session: Session) -> None:
    save_mentor_profile(session, MENTOR, profile(), NOW)
    save_mentor_profile(session, MENTOR, profile(bio="Changed"), NOW + timedelta(hours=1))
    saved = mentor_profile(session, MENTOR)
    assert saved is not None
    assert saved.bio == "Changed"
    assert saved.created_at == NOW
    assert saved.updated_at == NOW + timedelta(hours=1)
    assert saved.formats == ["call", "coffee"]
    save_trainee_profile(
        session,
        MENTEE,
        TraineeProfileValues("resident", "pediatrics", None, ("research",), "Hi"),
        NOW,
    )
    trainee = trainee_profile(session, MENTEE)
    assert trainee is not None
    assert trainee.focus_areas == ["research"]


def test_only_listed_open_mentors_with_a_place_and_the_focus_are_candidates(
    session: Session,
) -> None:
    save_mentor_profile(session, MENTOR, profile(), NOW)
    save_mentor_profile(session, MENTOR2, profile(open=False), NOW)
    save_mentor_profile(session, STRANGER, profile(focus_areas=("wellbeing",)), NOW)
    assert ids(default_candidates(session)) == [MENTOR]
    assert ids(default_candidates(session, focus=None)) == [MENTOR, STRANGER]

    set_listed(session, MENTOR, False, NOW)
    assert default_candidates(session) == []
    set_listed(session, MENTOR, True, NOW)

    set_capacity(session, MENTOR, 1, NOW)
    program = default_program(session)
    pairing = create_pairing(
        session,
        program_id=program.id,
        mentor_id=MENTOR,
        mentee_id=STRANGER,
        focus="wellbeing",
        origin="request",
        now=NOW,
    )
    # Full: one mentee of one place, whatever the focus.
    assert default_candidates(session) == []
    close_pairing(
        session, pairing, by=MENTOR, completed=True, reason="", reason_visibility="none", now=NOW
    )
    (found,) = default_candidates(session)
    assert (found.mentees, found.capacity, found.places_free) == (0, 1, 1)


def test_the_seeker_and_their_own_mentors_for_the_focus_are_left_out(session: Session) -> None:
    save_mentor_profile(session, MENTOR, profile(), NOW)
    save_mentor_profile(session, MENTEE, profile(), NOW)
    program = default_program(session)
    create_pairing(
        session,
        program_id=program.id,
        mentor_id=MENTOR,
        mentee_id=MENTEE,
        focus="research",
        origin="request",
        now=NOW,
    )
    assert default_candidates(session) == []
    # Another focus with the same mentor is still possible.
    save_mentor_profile(session, MENTOR, profile(focus_areas=("research", "wellbeing")), NOW)
    assert ids(default_candidates(session, focus="wellbeing")) == [MENTOR]


def test_the_directory_is_scoped_by_program(session: Session) -> None:
    surgery = create_program(
        session, name="Surgery", values=ProgramValues(), open_to_join=False, now=NOW, by=None
    )
    add_members(session, surgery.id, [MENTOR], source=Source.ADDED, now=NOW)
    ensure_person(session, MENTOR2)
    save_mentor_profile(session, MENTOR, profile(), NOW)
    save_mentor_profile(session, MENTOR2, profile(), NOW)
    # Both start in the default program (their first use); MENTOR is in Surgery too, which
    # takes them out of nothing.
    assert ids(default_candidates(session)) == [MENTOR, MENTOR2]
    in_surgery = directory_candidates(
        session, program_id=surgery.id, seeker_id=MENTEE, focus="research"
    )
    assert ids(in_surgery) == [MENTOR]


def test_the_waiting_list_keeps_one_place_and_notifies_once(session: Session) -> None:
    program = default_program(session)
    entry, new = join_waiting_list(
        session, program_id=program.id, user_id=MENTEE, focus="research", now=NOW
    )
    again, new_again = join_waiting_list(
        session, program_id=program.id, user_id=MENTEE, focus="research", now=NOW
    )
    assert new
    assert not new_again
    assert again.id == entry.id
    join_waiting_list(session, program_id=program.id, user_id=STRANGER, focus="research", now=NOW)
    join_waiting_list(session, program_id=program.id, user_id=STRANGER, focus="wellbeing", now=NOW)
    assert waiting_counts(session, program.id) == {"research": 2, "wellbeing": 1}

    assert mark_notified(session, entry.id, MENTOR, NOW)
    assert not mark_notified(session, entry.id, MENTOR2, NOW)
    assert waiting_counts(session, program.id) == {"research": 1, "wellbeing": 1}

    (stranger_research,) = waiting_entries(
        session, program_id=program.id, focuses=["research"], user_id=STRANGER
    )
    assert not leave_waiting_list(session, stranger_research.id, MENTEE, NOW)
    assert leave_waiting_list(session, stranger_research.id, STRANGER, NOW)
    settle_waiting(session, program_id=program.id, user_id=STRANGER, focus="wellbeing", now=NOW)
    assert waiting_counts(session, program.id) == {}
    # Having been told once, someone may wait again.
    _, rejoined = join_waiting_list(
        session, program_id=program.id, user_id=MENTEE, focus="research", now=NOW
    )
    assert rejoined


def test_each_programs_digest_counts_only_its_own_waiting_list(session: Session) -> None:
    settings = load_settings({})
    surgery = create_program(
        session, name="Surgery", values=ProgramValues(), open_to_join=False, now=NOW, by=None
    )
    default_id = default_program(session).id
    join_waiting_list(session, program_id=default_id, user_id=MENTEE, focus="research", now=NOW)
    join_waiting_list(session, program_id=surgery.id, user_id=STRANGER, focus="research", now=NOW)
    join_waiting_list(session, program_id=surgery.id, user_id=MENTEE, focus="wellbeing", now=NOW)
    in_default = waiting_list_digest_lines(session, program_config(session, settings, default_id))
    in_surgery = waiting_list_digest_lines(session, program_config(session, settings, surgery.id))
    assert in_default == ["*Waiting for a mentor:* 1", "• Research: 1"]
    assert in_surgery == ["*Waiting for a mentor:* 2", "• Research: 1", "• Wellbeing: 1"]


def test_joining_the_waiting_list_many_times_on_one_connection(session: Session) -> None:
    """More joins than the driver executes before preparing the statement (psycopg prepares
    from the fifth on PostgreSQL): a prepared insert must still find the partial index."""
    program = default_program(session)
    people = [f"U0WAIT{n:04d}" for n in range(12)]
    for user_id in people:
        _, new = join_waiting_list(
            session, program_id=program.id, user_id=user_id, focus="research", now=NOW
        )
        assert new
    for user_id in people:  # and joining again finds each one's place
        _, new = join_waiting_list(
            session, program_id=program.id, user_id=user_id, focus="research", now=NOW
        )
        assert not new
