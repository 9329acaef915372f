"""Home and ``/mentor list`` end to end for someone in two programs: a fellow mentored by faculty
in one program and mentoring a student in another sees each program under its own heading with
its own mentorships and requests, in that program's words; someone in one program sees no
program heading."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.programs import ProgramValues
from handlers import ids
from storage.pairings import create_pairing
from storage.programs import create_program, program_named, remove_members
from storage.requests import deliver_request, open_request
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import all_text, buttons
from tests.handlers.test_home_tab import home_click, home_opened, last_home
from tests.harness import Harness

FELLOW = "U0FELLOW1"
MEDICINE = "Internal medicine residency"
CLERKSHIPS = "Medical student clerkships"


def _programs(harness: Harness) -> tuple[int, int]:
    harness.fake.add_user(FELLOW, "fellow", tz="America/New_York")
    with harness.session() as session:
        medicine = create_program(
            session,
            name=MEDICINE,
            values=ProgramValues(focus_areas=("Clinical reasoning", "QI project")),
            open_to_join=False,
            now=harness.clock(),
            by=None,
        )
        clerkships = create_program(
            session,
            name=CLERKSHIPS,
            values=ProgramValues(focus_areas=("OSCE prep", "Career planning")),
            open_to_join=False,
            now=harness.clock(),
            by=None,
        )
        return medicine.id, clerkships.id


def _pair(harness: Harness, program_id: int, mentor: str, mentee: str, focus: str) -> int:
    with harness.session() as session:
        pairing = create_pairing(
            session,
            program_id=program_id,
            mentor_id=mentor,
            mentee_id=mentee,
            focus=focus,
            origin="request",
            now=harness.clock(),
        )
        return pairing.id


def _ask(harness: Harness, program_id: int, mentee: str, mentor: str, focus: str) -> None:
    with harness.session() as session:
        request = open_request(
            session,
            program_id=program_id,
            mentee_id=mentee,
            mentor_id=mentor,
            focus=focus,
            note="",
            now=harness.clock(),
            remind_after=timedelta(days=3),
            expire_after=timedelta(days=14),
        )
        deliver_request(session, request.id, f"D{mentor}", "1700000000.000100")


def _fellow_in_two_programs(harness: Harness) -> tuple[int, int]:
    """The fellow is mentored by faculty in medicine and mentors a student in the clerkships;
    they asked a second faculty member in medicine, and a stranger asked them in clerkships."""
    medicine, clerkships = _programs(harness)
    mentored = _pair(harness, medicine, MENTOR, FELLOW, "qi-project")
    mentoring = _pair(harness, clerkships, FELLOW, MENTEE, "osce-prep")
    _ask(harness, medicine, FELLOW, MENTOR2, "clinical-reasoning")
    _ask(harness, clerkships, STRANGER, FELLOW, "career-planning")
    return mentored, mentoring


def _by_heading(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """The text shown under each header, up to the next one."""
    found: dict[str, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] = []
    for block in blocks:
        if block["type"] == "header":
            current = found.setdefault(block["text"]["text"], [])
        current.append(block)
    return {name: all_text(shown) for name, shown in found.items()}


def _pairings_under(blocks: list[dict[str, Any]]) -> dict[str, str]:
    heading, under = "", {}
    for block in blocks:
        if block["type"] == "header":
            heading = block["text"]["text"]
        if block.get("block_id", "").startswith("home-actions-"):
            under[block["elements"][0]["value"]] = heading
    return under


def test_someone_in_two_programs_sees_each_under_its_heading(harness: Harness) -> None:
    mentored, mentoring = _fellow_in_two_programs(harness)
    home_opened(harness, FELLOW)
    blocks = last_home(harness, FELLOW)
    shown = _by_heading(blocks)
    assert list(shown) == [MEDICINE, CLERKSHIPS]  # by name
    medicine, clerkships = shown[MEDICINE], shown[CLERKSHIPS]
    # Medicine: their mentor, in medicine's words, and the request they made there.
    assert f"Your mentor: <@{MENTOR}>* · QI project" in medicine
    assert f"You asked <@{MENTOR2}>: *Clinical reasoning*" in medicine
    assert MENTEE not in medicine
    assert STRANGER not in medicine
    # Clerkships: their mentee and the request made to them there.
    assert f"Your mentee: <@{MENTEE}>* · OSCE prep" in clerkships
    assert f"<@{STRANGER}> asked you: *Career planning*" in clerkships
    assert MENTOR not in clerkships
    assert MENTOR2 not in clerkships
    assert _pairings_under(blocks) == {str(mentored): MEDICINE, str(mentoring): CLERKSHIPS}
    # The buttons under each heading act on that program's pairing.
    home_click(harness, FELLOW, ids.HOME_CADENCE, str(mentoring))
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    assert opened["callback_id"] == ids.COMMUNICATION_VIEW


def test_someone_in_one_program_sees_no_program_heading(harness: Harness) -> None:
    _fellow_in_two_programs(harness)
    home_opened(harness, MENTEE)  # only in the clerkships, as the fellow's mentee
    blocks = last_home(harness, MENTEE)
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert headers == ["Your mentorships"]
    shown = all_text(blocks)
    assert f"Your mentor: <@{FELLOW}>* · OSCE prep" in shown  # in their program's words
    assert CLERKSHIPS not in shown


def test_a_program_left_still_shows_its_open_mentorship(harness: Harness) -> None:
    mentored, _ = _fellow_in_two_programs(harness)
    with harness.session() as session:
        program = program_named(session, MEDICINE)
        assert program is not None
        remove_members(session, program.id, [FELLOW])
    home_opened(harness, FELLOW)
    blocks = last_home(harness, FELLOW)
    assert _pairings_under(blocks)[str(mentored)] == MEDICINE


def test_paging_across_programs(harness: Harness) -> None:
    medicine, clerkships = _programs(harness)
    mentees = [f"U0MANY{i:04d}" for i in range(6)]
    pairing_ids = {
        _pair(harness, medicine if i < 5 else clerkships, FELLOW, mentee, "osce-prep"): (
            MEDICINE if i < 5 else CLERKSHIPS
        )
        for i, mentee in enumerate(mentees)
    }
    home_opened(harness, FELLOW)
    first = last_home(harness, FELLOW)
    assert "Page 1 of 2" in all_text(first)
    home_click(harness, FELLOW, ids.HOME_MORE, buttons(first)[ids.HOME_MORE]["value"])
    second = last_home(harness, FELLOW)
    assert "Page 2 of 2" in all_text(second)
    placed = _pairings_under(first) | {
        pid: heading.removesuffix(" (continued)")
        for pid, heading in _pairings_under(second).items()
    }
    assert placed == {str(pid): name for pid, name in pairing_ids.items()}
    assert [b["text"]["text"] for b in second if b["type"] == "header"] == [
        f"{MEDICINE} (continued)",
        CLERKSHIPS,
    ]


def test_list_groups_by_program_for_someone_in_two(harness: Harness) -> None:
    _fellow_in_two_programs(harness)
    body = harness.command("list", user_id=FELLOW).json()
    shown = _by_heading(body["blocks"])
    assert list(shown) == [MEDICINE, CLERKSHIPS]
    assert f"<@{MENTOR}>: *QI project*" in shown[MEDICINE]
    assert f"You asked <@{MENTOR2}>: *Clinical reasoning*" in shown[MEDICINE]
    assert f"<@{MENTEE}>: *OSCE prep*" in shown[CLERKSHIPS]
    assert f"<@{STRANGER}> asked you: *Career planning*" in shown[CLERKSHIPS]
    assert MENTOR not in shown[CLERKSHIPS]
    assert body["text"] == (
        "Your mentorships in 2 programs: 1 mentor, 1 mentee, 2 requests waiting for an answer."
    )
    # The mentee, in one program, gets the list as before.
    single = harness.command("list", user_id=MENTEE).json()
    assert [b["text"]["text"] for b in single["blocks"] if b["type"] == "header"] == [
        "Your mentorships"
    ]
    assert f"<@{FELLOW}>: *OSCE prep*" in all_text(single["blocks"])
