"""The directory for someone in several programs (the results modal's program picker), and
the ways off the waiting list: its Leave buttons and any request sent for the focus. End to
end: signed requests in, the loopback Slack fake out, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.directory import MentorProfileValues
from bot.programs import ProgramValues, Source
from handlers import ids
from storage.models import WaitingEntry
from storage.pairings import create_pairing
from storage.profiles import save_mentor_profile
from storage.programs import add_members, create_program, default_program
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_requests,
    dms_to,
    only_request,
)
from tests.handlers.test_directory import (
    find,
    first_find,
    opened,
    save_mentor,
    shown_view,
    tap,
    trainee_values,
)
from tests.harness import Harness


def pickers(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in view["blocks"]
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if element.get("action_id") == ids.DIRECTORY_PROGRAM
    ]


def pick(harness: Harness, view: dict[str, Any], program_id: int, user_id: str = MENTEE) -> None:
    shown = shown_view(harness, view)
    harness.block_action(
        user_id=user_id,
        action_id=ids.DIRECTORY_PROGRAM,
        selected_option={"value": str(program_id), "text": {"type": "plain_text", "text": "x"}},
        view=shown,
    )


def updates(harness: Harness) -> list[dict[str, Any]]:
    return [c.args["view"] for c in harness.fake.calls_to("views.update") if c.error is None]


def two_programs(harness: Harness) -> tuple[int, int, int]:
    """MENTEE in the default program and Surgery; MENTOR a Surgery mentor, MENTOR2 a default
    one; Nursing, which MENTEE is not in, has STRANGER as mentor. Their ids."""
    now = harness.clock()
    with harness.session() as session:
        default_id = default_program(session).id
        surgery = create_program(
            session,
            name="Surgery",
            values=ProgramValues(focus_areas=("Research", "Operating skills")),
            open_to_join=False,
            now=now,
            by=None,
        )
        nursing = create_program(
            session, name="Nursing", values=ProgramValues(), open_to_join=False, now=now, by=None
        )
        add_members(session, default_id, [MENTEE, MENTOR2], source=Source.ADDED, now=now)
        add_members(session, surgery.id, [MENTEE, MENTOR], source=Source.ADDED, now=now)
        add_members(session, nursing.id, [STRANGER], source=Source.ADDED, now=now)
        ids_ = (default_id, surgery.id, nursing.id)
    for mentor in (MENTOR, MENTOR2, STRANGER):
        save_mentor(harness, mentor)
    harness.command("profile trainee", user_id=MENTEE)
    opened(harness, ids.TRAINEE_PROFILE_VIEW)
    harness.view_submission(
        user_id=MENTEE, callback_id=ids.TRAINEE_PROFILE_VIEW, values=trainee_values()
    )
    return ids_


def home_find(harness: Harness) -> dict[str, Any]:
    harness.fake.reset_calls()
    harness.block_action(user_id=MENTEE, action_id=ids.DIRECTORY_FIND, value="find")
    return opened(harness, ids.DIRECTORY_VIEW)


def test_someone_in_several_programs_chooses_which_directory_to_search(
    harness: Harness,
) -> None:
    default_id, surgery_id, _ = two_programs(harness)
    results = home_find(harness)
    (picker,) = pickers(results)
    assert {o["value"] for o in picker["options"]} == {str(default_id), str(surgery_id)}
    assert picker["initial_option"]["value"] == str(default_id)
    shown = all_text(results["blocks"])
    assert f"<@{MENTOR2}>" in shown
    assert f"<@{MENTOR}>" in shown  # in Surgery too, and still in the default program

    pick(harness, results, surgery_id)
    (redrawn,) = updates(harness)
    assert json.loads(redrawn["private_metadata"])["p"] == surgery_id
    assert pickers(redrawn)[0]["initial_option"]["value"] == str(surgery_id)
    shown = all_text(redrawn["blocks"])
    assert f"<@{MENTOR}>" in shown
    assert f"<@{MENTOR2}>" not in shown
    assert "in Surgery" in shown

    # The Ask from the redrawn results is for Surgery.
    tap(harness, redrawn, ids.DIRECTORY_ASK, MENTOR)
    request = only_request(harness)
    assert (request.mentor_id, request.program_id) == (MENTOR, surgery_id)


def test_a_forged_program_choice_is_refused_and_changes_nothing(harness: Harness) -> None:
    _, surgery_id, nursing_id = two_programs(harness)
    results = home_find(harness)
    harness.fake.reset_calls()

    pick(harness, results, nursing_id)  # not one of theirs
    shown = shown_view(harness, results)
    for value in ("<!channel>", "", "99999999999999"):
        harness.block_action(
            user_id=MENTEE,
            action_id=ids.DIRECTORY_PROGRAM,
            selected_option={"value": value, "text": {"type": "plain_text", "text": "x"}},
            view=shown,
        )
    assert updates(harness) == []

    # Ask and Filters carry the program in the modal's metadata: a forged one is refused too.
    metadata = json.loads(results["private_metadata"])
    forged = {**results, "private_metadata": json.dumps({**metadata, "p": nursing_id})}
    tap(harness, forged, ids.DIRECTORY_ASK, STRANGER)
    tap(harness, forged, ids.DIRECTORY_FILTERS_OPEN, "filters")
    assert count_requests(harness) == 0
    assert updates(harness) == []
    # Their own other program is fine.
    pick(harness, results, surgery_id)
    assert len(updates(harness)) == 1


def test_someone_in_one_program_sees_no_picker(harness: Harness) -> None:
    save_mentor(harness)
    results = first_find(harness)
    assert pickers(results) == []
    assert f"<@{MENTOR}>" in all_text(results["blocks"])


def full_mentor(harness: Harness) -> None:
    """MENTOR, at their limit of one, listed for research."""
    harness.command("capacity 1", user_id=MENTOR)
    save_mentor(harness)
    with harness.session() as session:
        create_pairing(
            session,
            program_id=default_program(session).id,
            mentor_id=MENTOR,
            mentee_id=STRANGER,
            focus="research",
            origin="request",
            now=harness.clock(),
        )


def entries(harness: Harness) -> list[tuple[str, str]]:
    with harness.session() as session:
        found = session.scalars(select(WaitingEntry).order_by(WaitingEntry.id)).all()
        return [(e.user_id, e.status) for e in found]


def join(harness: Harness) -> dict[str, Any]:
    """MENTEE joins the research waiting list; the confirmation modal."""
    results = first_find(harness)
    assert "Nobody fits just now" in all_text(results["blocks"])
    tap(harness, results, ids.DIRECTORY_WAIT, "research")
    confirmation = updates(harness)[-1]
    assert "You're on the waiting list" in all_text(confirmation["blocks"])
    return confirmation


def test_leaving_the_waiting_list_from_its_confirmation(harness: Harness) -> None:
    full_mentor(harness)
    confirmation = join(harness)
    leave = buttons(confirmation["blocks"])[ids.WAITING_LEAVE]

    harness.fake.reset_calls()
    tap(harness, confirmation, ids.WAITING_LEAVE, leave["value"], user_id=STRANGER)
    tap(harness, confirmation, ids.WAITING_LEAVE, "<!channel>")
    assert entries(harness) == [(MENTEE, "waiting")]
    assert updates(harness) == []

    tap(harness, confirmation, ids.WAITING_LEAVE, leave["value"])
    assert entries(harness) == [(MENTEE, "left")]
    assert "You've left the waiting list for Research" in all_text(updates(harness)[-1]["blocks"])
    # A place freeing now tells nobody.
    harness.command("capacity 2", user_id=MENTOR)
    assert not [d for d in dms_to(harness, MENTEE) if buttons(d.args.get("blocks"))]


def test_leaving_the_waiting_list_from_the_place_free_notice(harness: Harness) -> None:
    full_mentor(harness)
    join(harness)
    harness.command("capacity 2", user_id=MENTOR)
    (notice,) = [
        d for d in dms_to(harness, MENTEE) if ids.WAITING_LEAVE in buttons(d.args.get("blocks"))
    ]
    value = buttons(notice.args["blocks"])[ids.WAITING_LEAVE]["value"]

    harness.block_action(user_id=STRANGER, action_id=ids.WAITING_LEAVE, value=value)
    assert entries(harness) == [(MENTEE, "notified")]

    harness.fake.reset_calls()
    harness.block_action(
        user_id=MENTEE, action_id=ids.WAITING_LEAVE, value=value, message=notice.args
    )
    assert entries(harness) == [(MENTEE, "left")]
    (replaced,) = harness.fake.calls_to("response_url")
    assert replaced.args.get("replace_original") is True
    assert "You've left the waiting list" in str(replaced.args.get("text"))
    # The notice's Ask no longer sends anything.
    harness.block_action(user_id=MENTEE, action_id=ids.WAITING_ASK, value=value)
    assert count_requests(harness) == 0


def test_asking_with_mentor_ask_takes_someone_off_that_waiting_list(harness: Harness) -> None:
    full_mentor(harness)
    join(harness)
    # Another research list in another program, and another focus here, stay as they are.
    with harness.session() as session:
        wellbeing = WaitingEntry(
            program_id=default_program(session).id,
            user_id=MENTEE,
            focus="wellbeing",
            status="waiting",
            joined_at=harness.clock(),
        )
        session.add(wellbeing)
    harness.command(f"ask <@{MENTOR2}> research help with my first study", user_id=MENTEE)
    assert only_request(harness).mentor_id == MENTOR2
    with harness.session() as session:
        found = {e.focus: e.status for e in session.scalars(select(WaitingEntry)).all()}
    assert found == {"research": "left", "wellbeing": "waiting"}


def test_the_results_say_when_one_is_on_that_focus_waiting_list(harness: Harness) -> None:
    full_mentor(harness)
    join(harness)
    # A mentor listed without going through the app's free-place offer (e.g. a profile saved
    # while the notice failed): the results show them, and that the trainee still waits.
    with harness.session() as session:
        save_mentor_profile(
            session,
            MENTOR2,
            MentorProfileValues(
                listed=True,
                open=True,
                focus_areas=("research",),
                specialty=None,
                specialty_other=None,
                stages=(),
                formats=(),
                languages=(),
                bio="",
            ),
            harness.clock(),
        )
    results = find(harness)
    shown = all_text(results["blocks"])
    assert f"<@{MENTOR2}>" in shown
    assert "You're on the waiting list for this focus" in shown
    assert "Asking someone here takes you off it" in shown
    # Another focus: nothing said.
    assert "waiting list for this focus" not in all_text(find(harness, "find wellbeing")["blocks"])

    tap(harness, results, ids.DIRECTORY_ASK, MENTOR2)
    assert entries(harness) == [(MENTEE, "left")]
