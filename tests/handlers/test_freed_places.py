"""Every path that frees a mentor's place tells the waiting list, once, by the next tick: the
first real trainee waiting for that focus hears of it, and nobody who has left or was erased
ever does. End to end, through signed requests and the fake Slack, on both databases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.jobs import run_tick
from bot.programs import DEFAULT_PROGRAM_NAME
from bot.slack_client import make_web_client
from handlers import ids
from storage.memberships import is_member
from storage.models import FreedPlace, MentorRequest, Pairing, WaitingEntry
from storage.pairings import create_pairing
from storage.places import PLACE_HOLD
from storage.profiles import join_waiting_list
from storage.programs import default_program
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2
from tests.coordinators.test_digest import _reassign_to
from tests.data.test_erasure import confirm_forget
from tests.data.test_leaving import user_change
from tests.handlers.helpers import (
    all_text,
    buttons,
    dms_to,
    end_mentorship,
    modal_values,
    take_out_of_program,
    typed,
)
from tests.handlers.test_directory import save_mentor
from tests.harness import Harness

FIRST = "U0WAITFST1"  # joined the list first, then left the workspace
SECOND = "U0WAITSND2"  # the first real trainee waiting


def _place_notices(harness: Harness, user_id: str) -> list[str]:
    return [
        str(d.args["text"])
        for d in dms_to(harness, user_id)
        if ids.WAITING_ASK in buttons(d.args.get("blocks"))
    ]


def _pairing_id(harness: Harness) -> int:
    with harness.session() as session:
        return session.scalars(select(Pairing.id).where(Pairing.mentor_id == MENTOR)).one()


def _setup(harness: Harness, *, paired: bool = True, origin: str = "request") -> None:
    """MENTOR mentors MENTEE for research and has no other place; two trainees wait for research,
    the first of whom has since left the workspace."""
    harness.command("capacity 1", user_id=MENTOR)
    save_mentor(harness)
    for person in (FIRST, SECOND, MENTOR2):
        harness.fake.add_user(person, person.lower())
    with harness.session() as session:
        program_id = default_program(session).id
        if paired:
            create_pairing(
                session,
                program_id=program_id,
                mentor_id=MENTOR,
                mentee_id=MENTEE,
                focus="research",
                origin=origin,
                assigned_by=COORDINATOR if origin == "assignment" else None,
                now=harness.clock(),
            )
        for trainee in (FIRST, SECOND):
            join_waiting_list(
                session,
                program_id=program_id,
                user_id=trainee,
                focus="research",
                now=harness.clock(),
            )
    harness.event(user_change(FIRST, deleted=True), event_id="Ev0FIRSTGONE")
    harness.tick()
    assert _place_notices(harness, SECOND) == []


def _digest_close(harness: Harness) -> None:
    harness.block_action(
        user_id=COORDINATOR,
        action_id=ids.DIGEST_CLOSE,
        value=str(_pairing_id(harness)),
        ephemeral=True,
    )


def _reassign(harness: Harness) -> None:
    harness.fake.add_user(MENTOR2, "mentor2")
    _reassign_to(harness, _pairing_id(harness), MENTOR2)


def _mentee_leaves(harness: Harness) -> None:
    harness.event(user_change(MENTEE, deleted=True), event_id="Ev0MENTEEGONE")


def _mentee_erased(harness: Harness) -> None:
    harness.command("forget me", user_id=MENTEE)
    confirm_forget(harness, MENTEE)


def _end(harness: Harness) -> None:
    end_mentorship(harness, by=MENTEE, other=MENTOR)


def _limit_raised(harness: Harness) -> None:
    harness.command("capacity 2", user_id=MENTOR)


PATHS: dict[str, Callable[[Harness], None]] = {
    "the mentee ends it": _end,
    "a coordinator closes it from the digest": _digest_close,
    "a coordinator reassigns the mentee": _reassign,
    "the mentee leaves the workspace": _mentee_leaves,
    "the mentee is erased": _mentee_erased,
    "the mentor raises their limit": _limit_raised,
}


@pytest.mark.parametrize("path", list(PATHS), ids=list(PATHS))
def test_a_freed_place_reaches_the_first_real_trainee_once(harness: Harness, path: str) -> None:
    _setup(harness)
    PATHS[path](harness)
    harness.tick()
    harness.tick()
    notices = _place_notices(harness, SECOND)
    assert len(notices) == 1, notices
    assert _place_notices(harness, FIRST) == []


def test_a_declined_assignment_frees_the_place_and_asks_no_one_about_it(
    harness: Harness,
) -> None:
    _setup(harness, origin="assignment")
    before = {person: len(dms_to(harness, person)) for person in (MENTOR, MENTEE)}
    harness.block_action(
        user_id=MENTOR, action_id=ids.ASSIGNMENT_DECLINE, value=str(_pairing_id(harness))
    )
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.DECLINE_ASSIGNMENT_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("On nights"))),
    )
    harness.tick()
    harness.tick()
    assert len(_place_notices(harness, SECOND)) == 1
    for person in (MENTOR, MENTEE):
        told = [str(d.args["text"]) for d in dms_to(harness, person)[before[person] :]]
        assert not any("feedback" in text.lower() for text in told), told


def test_a_profile_shown_again_frees_its_place(harness: Harness) -> None:
    _setup(harness, paired=False)
    save_mentor(harness, listed=False)
    harness.tick()
    assert _place_notices(harness, SECOND) == []
    save_mentor(harness, listed=True)
    harness.tick()
    assert len(_place_notices(harness, SECOND)) == 1
    assert _place_notices(harness, FIRST) == []


def test_a_gone_mentor_frees_no_place(harness: Harness) -> None:
    _setup(harness)
    harness.event(user_change(MENTOR, deleted=True), event_id="Ev0MENTORGONE")
    harness.tick()
    harness.tick()
    assert _place_notices(harness, SECOND) == []


def test_an_erased_mentor_frees_no_place_and_no_one_hears_of_them(harness: Harness) -> None:
    _setup(harness)
    harness.command("forget me", user_id=MENTOR)
    confirm_forget(harness, MENTOR)
    harness.tick()
    harness.tick()
    assert _place_notices(harness, SECOND) == []


def _second_leaves_the_program(harness: Harness) -> None:
    harness.command(f"leave {DEFAULT_PROGRAM_NAME}", user_id=SECOND)


def _second_taken_out_by_a_coordinator(harness: Harness) -> None:
    with harness.session() as session:
        program_id = default_program(session).id
    take_out_of_program(harness, by=COORDINATOR, program_id=program_id, people=[SECOND])


OUT_OF_THE_PROGRAM: dict[str, Callable[[Harness], None]] = {
    "the trainee leaves the program": _second_leaves_the_program,
    "a coordinator takes the trainee out": _second_taken_out_by_a_coordinator,
}


@pytest.mark.parametrize("how", list(OUT_OF_THE_PROGRAM), ids=list(OUT_OF_THE_PROGRAM))
def test_someone_no_longer_in_the_program_is_off_its_waiting_list(
    harness: Harness, how: str
) -> None:
    """A place that frees in a program never reaches someone who has left it (a place-free DM
    would let them back in by asking)."""
    _setup(harness)
    OUT_OF_THE_PROGRAM[how](harness)
    with harness.session() as session:
        (entry,) = session.scalars(select(WaitingEntry).where(WaitingEntry.user_id == SECOND))
        assert entry.status == "left"
        assert not is_member(session, entry.program_id, SECOND)

    _end(harness)
    harness.tick()
    harness.tick()
    assert _place_notices(harness, SECOND) == []


THIRD = "U0WAITTRD3"  # joined the list after SECOND


def _told_second_with_third_waiting(harness: Harness) -> None:
    """As :func:`_setup`, with THIRD waiting after SECOND; the mentorship ends and the place is
    told to SECOND."""
    _setup(harness)
    harness.fake.add_user(THIRD, THIRD.lower())
    with harness.session() as session:
        join_waiting_list(
            session,
            program_id=default_program(session).id,
            user_id=THIRD,
            focus="research",
            now=harness.clock(),
        )
    _end(harness)
    harness.tick()


def test_a_place_left_unused_goes_to_the_next_person_waiting(harness: Harness) -> None:
    """The first trainee told of a place has it for the hold; unused, the next one waiting
    hears of it, and the first keeps an Ask that works while the place is still free."""
    _told_second_with_third_waiting(harness)
    (notice,) = [d for d in dms_to(harness, SECOND) if ids.WAITING_ASK in buttons(d.args["blocks"])]
    assert "yours for 3 days" in all_text(notice.args["blocks"])
    assert _place_notices(harness, THIRD) == []

    harness.clock.advance(PLACE_HOLD - timedelta(minutes=1))
    harness.tick()
    assert _place_notices(harness, THIRD) == []  # still SECOND's

    harness.clock.advance(timedelta(minutes=2))
    harness.tick()
    harness.tick()
    assert len(_place_notices(harness, THIRD)) == 1
    assert len(_place_notices(harness, SECOND)) == 1  # nothing more to the one who let it go

    # SECOND's Ask still works while the place is free.
    value = buttons(notice.args["blocks"])[ids.WAITING_ASK]["value"]
    harness.block_action(user_id=SECOND, action_id=ids.WAITING_ASK, value=value)
    with harness.session() as session:
        (request,) = session.scalars(
            select(MentorRequest).where(MentorRequest.mentee_id == SECOND)
        ).all()
        assert (request.mentor_id, request.status) == (MENTOR, "pending")


def test_ticks_at_once_let_an_unused_place_lapse_once(harness: Harness) -> None:
    _told_second_with_third_waiting(harness)
    harness.clock.advance(PLACE_HOLD + timedelta(minutes=1))
    now = harness.clock()

    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            barrier.wait(timeout=10)
            run_tick(harness.ctx, make_web_client(harness.settings), now)
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=tick) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(_place_notices(harness, THIRD)) == 1
    with harness.session() as session:
        unused = session.scalars(select(FreedPlace).where(FreedPlace.cause == "unused")).all()
    assert len(unused) == 1
