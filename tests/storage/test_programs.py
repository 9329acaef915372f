"""Programs and memberships in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.programs import ProgramValues, Role, Source
from bot.settings import Settings, load_settings
from storage.pairings import create_pairing
from storage.programs import (
    add_members,
    all_programs,
    coordinated_by,
    create_program,
    default_program,
    is_coordinator_of,
    member_ids,
    program_config,
    program_named,
    programs_of,
    remove_members,
    rename_program,
)
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
ENV_COORDINATOR = "U0ENVCO01"


@pytest.fixture
def settings() -> Settings:
    return load_settings({"coordinators": ENV_COORDINATOR})


def _surgery(session: Session) -> int:
    program = create_program(
        session,
        name="  General   surgery ",
        values=ProgramValues(digest_weekday=3, reassess_every_weeks=6),
        open_to_join=True,
        now=NOW,
        by=MENTOR2,
    )
    return program.id


def test_the_migration_leaves_one_default_program(session: Session) -> None:
    programs = all_programs(session)
    assert [p.is_default for p in programs] == [True]
    assert default_program(session).id == programs[0].id


def test_names_are_unique_whatever_their_case_and_spacing(session: Session) -> None:
    program_id = _surgery(session)
    assert program_named(session, "general SURGERY").id == program_id  # type: ignore[union-attr]
    assert program_named(session, "general surgery").name == "General surgery"  # type: ignore[union-attr]
    with pytest.raises(Refused):
        create_program(
            session,
            name="GENERAL SURGERY",
            values=ProgramValues(),
            open_to_join=False,
            now=NOW,
            by=None,
        )
    with pytest.raises(Refused):
        rename_program(session, default_program(session), "general surgery")
    rename_program(session, default_program(session), "Internal medicine")
    assert default_program(session).name == "Internal medicine"


def test_someone_placed_nowhere_is_in_the_default_program(
    session: Session, settings: Settings
) -> None:
    surgery = _surgery(session)
    assert [p.is_default for p in programs_of(session, settings, STRANGER)] == [True]
    add_members(session, surgery, [STRANGER], source=Source.JOINED, now=NOW)
    assert [p.id for p in programs_of(session, settings, STRANGER)] == [surgery]


def test_a_pairing_makes_both_people_members_of_its_program_with_its_rhythm(
    session: Session, settings: Settings
) -> None:
    surgery = _surgery(session)
    pairing = create_pairing(
        session,
        program_id=surgery,
        mentor_id=MENTOR,
        mentee_id=MENTEE,
        focus="research",
        origin="request",
        now=NOW,
    )
    assert pairing.program_id == surgery
    assert pairing.reassess_every_weeks == 6
    assert member_ids(session, surgery) == {MENTOR, MENTEE}
    # The same pair may work on the same focus in another program.
    other = create_pairing(
        session,
        program_id=default_program(session).id,
        mentor_id=MENTOR,
        mentee_id=MENTEE,
        focus="research",
        origin="request",
        now=NOW,
    )
    assert other.program_id != surgery
    assert {p.id for p in programs_of(session, settings, MENTEE)} == {surgery, other.program_id}


def test_coordinators_are_per_program(session: Session, settings: Settings) -> None:
    surgery = _surgery(session)
    default_id = default_program(session).id
    add_members(session, surgery, [MENTOR2], role=Role.COORDINATOR, source=Source.ADDED, now=NOW)
    assert is_coordinator_of(session, settings, surgery, MENTOR2)
    assert not is_coordinator_of(session, settings, default_id, MENTOR2)
    # COORDINATORS from the settings coordinate the default program only.
    assert is_coordinator_of(session, settings, default_id, ENV_COORDINATOR)
    assert not is_coordinator_of(session, settings, surgery, ENV_COORDINATOR)
    assert [p.id for p in coordinated_by(session, settings, MENTOR2)] == [surgery]
    assert [p.id for p in coordinated_by(session, settings, ENV_COORDINATOR)] == [default_id]
    assert coordinated_by(session, settings, STRANGER) == []
    assert program_config(session, settings, surgery).coordinators == frozenset({MENTOR2})


def test_adding_twice_adds_once_and_removing_by_source_keeps_other_ways_in(
    session: Session,
) -> None:
    surgery = _surgery(session)
    assert add_members(session, surgery, [MENTEE, MENTOR], source=Source.CHANNEL, now=NOW) == [
        MENTEE,
        MENTOR,
    ]
    assert add_members(session, surgery, [MENTEE], source=Source.ADDED, now=NOW) == []
    add_members(session, surgery, [STRANGER], source=Source.ADDED, now=NOW)
    removed = remove_members(session, surgery, [MENTEE, STRANGER], source=Source.CHANNEL)
    assert removed == 1
    assert member_ids(session, surgery) == {MENTOR, STRANGER}
