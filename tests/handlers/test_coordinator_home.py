"""The coordinator's Home: above their own mentorships, the desk of one program they coordinate
(a picker for the others) with its coverage (trainees with a mentor, by focus; those without,
longest a member first, with what they are doing about it; mentors with a free place), exact
against a seeded program. A coordinator of one program sees nothing of another; a member sees
no desk at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.directory import MentorProfileValues, TraineeProfileValues
from bot.programs import ProgramValues, Role, Source
from handlers import ids
from handlers.blocks.coverage import UNCOVERED_SHOWN, ProgramCoverage
from handlers.blocks.desk import Desk, DeskProgram, desk_blocks
from handlers.flows.coverage import INVITED
from storage.coverage import Coverage, Uncovered
from storage.models import AuditEntry, MatchParticipant, MatchRound, Pairing, Person
from storage.pairings import create_pairing
from storage.people import ensure_person
from storage.profiles import join_waiting_list, save_mentor_profile, save_trainee_profile
from storage.programs import add_members, create_program, default_program, program_named
from storage.requests import open_request
from tests.conftest import COORDINATOR, MENTEE
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_pairings,
    dms_to,
    modal_values,
    selected,
)
from tests.handlers.test_home_tab import HOME_VIEW, home_opened, last_home
from tests.harness import Harness

CARDIOLOGY = "Cardiology"
CARDIO_COORD = "U0CARDIO1"
T1, T2, T3, T4, GONE_TRAINEE, NOT_TRAINEE = (f"U0TRAIN{n:02d}" for n in range(1, 7))
C_MENTOR1, C_MENTOR2 = "U0CMENT01", "U0CMENT02"


def _trainee_values() -> TraineeProfileValues:
    return TraineeProfileValues(
        stage=None, specialty=None, specialty_other=None, focus_areas=("research",), note=""
    )


def _mentor_values() -> MentorProfileValues:
    return MentorProfileValues(
        listed=True,
        open=True,
        focus_areas=("research",),
        specialty=None,
        specialty_other=None,
        stages=(),
        formats=(),
        languages=(),
        bio="",
    )


def seed_cardiology(harness: Harness) -> None:
    """Cardiology: T1 (a trainee profile, member 30 days), T2 (a mentor in research, 20 days),
    T3 (waiting for an answer, 10 days), T4 (on the waiting list, 5 days), a trainee who has
    left, a member who is no trainee, and two mentors (one full, one with a place)."""
    now = harness.clock()
    for user in (CARDIO_COORD, T1, T2, T3, T4, NOT_TRAINEE, C_MENTOR1, C_MENTOR2):
        harness.fake.add_user(user, user.lower(), tz="America/New_York")
    with harness.session() as s:
        program = create_program(
            s,
            name=CARDIOLOGY,
            values=ProgramValues(focus_areas=("Research", "Career")),
            open_to_join=False,
            now=now,
            by=None,
        )
        add_members(
            s,
            program.id,
            [COORDINATOR, CARDIO_COORD],
            role=Role.COORDINATOR,
            source=Source.ADDED,
            now=now,
        )
        for user, days in (
            (T1, 30),
            (T2, 20),
            (T3, 10),
            (T4, 5),
            (GONE_TRAINEE, 40),
            (NOT_TRAINEE, 3),
            (C_MENTOR1, 50),
            (C_MENTOR2, 50),
        ):
            ensure_person(s, user)
            add_members(s, program.id, [user], source=Source.ADDED, now=now - timedelta(days=days))
        save_trainee_profile(s, T1, _trainee_values(), now)
        save_trainee_profile(s, GONE_TRAINEE, _trainee_values(), now)
        for mentor in (C_MENTOR1, C_MENTOR2):
            save_mentor_profile(s, mentor, _mentor_values(), now)
        full = s.get(Person, C_MENTOR1)
        gone = s.get(Person, GONE_TRAINEE)
        assert full is not None
        assert gone is not None
        full.capacity = 1
        gone.left_at = now
        create_pairing(
            s,
            program_id=program.id,
            mentor_id=C_MENTOR1,
            mentee_id=T2,
            focus="research",
            origin="request",
            now=now,
        )
        open_request(
            s,
            program_id=program.id,
            mentee_id=T3,
            mentor_id=C_MENTOR2,
            focus="career",
            note="",
            now=now,
            remind_after=timedelta(days=3),
            expire_after=timedelta(days=14),
        )
        join_waiting_list(s, program_id=program.id, user_id=T4, focus="research", now=now)


def _sections(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """The desk's text, by the name of the program it shows."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for block in blocks:
        if block["type"] == "header":
            title = block["text"]["text"]
            prefix = "Coordinator · "
            current = title.removeprefix(prefix) if title.startswith(prefix) else None
            if current is not None:
                found[current] = []
            continue
        if current is not None:
            if block["type"] == "divider":
                current = None
                continue
            found[current].append(all_text([block]))
    return {name: "\n".join(parts) for name, parts in found.items()}


def test_the_coverage_of_a_seeded_program_is_exact(harness: Harness) -> None:
    seed_cardiology(harness)
    home_opened(harness, CARDIO_COORD)
    sections = _sections(last_home(harness, CARDIO_COORD))
    assert list(sections) == [CARDIOLOGY]  # not the default program, which they don't run
    shown = sections[CARDIOLOGY]
    assert "*1 of 4 trainees have a mentor*" in shown
    assert "Research 1" in shown
    # 4 trainees, the member who is no trainee, two mentors; not the one who left.
    assert "7 members · 2 mentors, 1 with a free place" in shown
    lines = [line for line in shown.splitlines() if line.startswith("• ")]
    assert lines == [
        f"• <@{T1}> · a member for 30 days · hasn't asked anyone yet",
        f"• <@{T3}> · a member for 10 days · waiting for an answer",
        f"• <@{T4}> · a member for 5 days · on the waiting list",
    ]
    assert GONE_TRAINEE not in shown
    assert NOT_TRAINEE not in shown


def _pick(harness: Harness, user: str, value: str) -> None:
    harness.block_action(
        user_id=user,
        action_id=ids.HOME_PROGRAM_PICK,
        selected_option={"text": {"type": "plain_text", "text": "x"}, "value": value},
        view=HOME_VIEW,
    )


def test_a_coordinator_of_two_programs_sees_each_its_own_numbers(harness: Harness) -> None:
    seed_cardiology(harness)
    program_id = _cardiology_id(harness)
    home_opened(harness, COORDINATOR)
    first = last_home(harness, COORDINATOR)
    sections = _sections(first)
    (main_name,) = list(sections)  # one program at a time: the default first
    assert main_name != CARDIOLOGY
    # T2's mentorship is Cardiology's: in the default program nobody has a mentor.
    assert "*0 of" in sections[main_name]
    assert "Research 1" not in sections[main_name]
    (picker,) = [
        b for b in first if b.get("accessory", {}).get("action_id") == ids.HOME_PROGRAM_PICK
    ]
    options = [o["text"]["text"] for o in picker["accessory"]["options"]]
    assert options == [main_name, CARDIOLOGY]

    _pick(harness, COORDINATOR, str(program_id))
    sections = _sections(last_home(harness, COORDINATOR))
    assert list(sections) == [CARDIOLOGY]
    assert "*1 of 4 trainees have a mentor*" in sections[CARDIOLOGY]
    # The choice is remembered: Home drawn again for any reason keeps it.
    home_opened(harness, COORDINATOR)
    assert list(_sections(last_home(harness, COORDINATOR))) == [CARDIOLOGY]


def test_a_forged_program_pick_redraws_nothing(harness: Harness) -> None:
    seed_cardiology(harness)
    with harness.session() as s:
        main_id = default_program(s).id
    home_opened(harness, CARDIO_COORD)
    published = len(harness.fake.calls_to("views.publish"))
    for user, value in ((CARDIO_COORD, str(main_id)), (MENTEE, str(main_id)), (CARDIO_COORD, "x")):
        _pick(harness, user, value)
    assert len(harness.fake.calls_to("views.publish")) == published
    with harness.session() as s:
        assert all(p.home_program_id is None for p in s.scalars(select(Person)))


def test_a_member_sees_no_coverage(harness: Harness) -> None:
    seed_cardiology(harness)
    home_opened(harness, MENTEE)
    blocks = last_home(harness, MENTEE)
    assert _sections(blocks) == {}
    assert "trainees have a mentor" not in all_text(blocks)


def _coverage(uncovered: int) -> Coverage:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    return Coverage(
        members=uncovered + 1,
        mentors=1,
        mentors_with_places=0,
        trainees=uncovered + 1,
        covered=1,
        covered_by_focus={"research": 1},
        uncovered=[Uncovered(f"U{n:08d}", since, False, False, False) for n in range(uncovered)],
    )


def test_the_desk_stays_within_the_blocks_it_is_given() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    shown = ProgramCoverage(1, "P0", _coverage(2_000), {"research": "Research"})
    desk = Desk(shown, [DeskProgram(n + 1, f"P{n}") for n in range(8)])
    for budget in range(60):
        assert len(desk_blocks(desk, now, budget)) <= budget
    assert "doesn't fit" in all_text(desk_blocks(desk, now, 3))
    drawn = all_text(desk_blocks(desk, now, 30))
    assert drawn.count("• <@") == UNCOVERED_SHOWN
    assert "Showing 1–10 of 2000" in drawn
    later = all_text(desk_blocks(replace(desk, shown=replace(shown, start=1_995)), now, 30))
    assert "Showing 1991–2000 of 2000" in later
    assert later.count("• <@") == UNCOVERED_SHOWN


def test_the_digest_has_the_coverage_line(harness: Harness) -> None:
    seed_cardiology(harness)
    harness.command(f"digest in {CARDIOLOGY}", user_id=CARDIO_COORD)
    reply = harness.fake.calls_to("response_url")[-1].args
    text = all_text(reply["blocks"])
    assert "*Coverage:* 1 of 4 trainees have a mentor; 3 without one" in text


def _cardiology_id(harness: Harness) -> int:
    with harness.session() as s:
        program = program_named(s, CARDIOLOGY)
        assert program is not None
        return program.id


def _tap_assign(harness: Harness, user: str, value: str) -> None:
    harness.block_action(user_id=user, action_id=ids.COVERAGE_ASSIGN, value=value, view=HOME_VIEW)


def test_assign_from_coverage_pairs_the_trainee_and_redraws_the_home(harness: Harness) -> None:
    seed_cardiology(harness)
    program_id = _cardiology_id(harness)
    home_opened(harness, CARDIO_COORD)
    assigns = [
        b["accessory"]["value"]
        for b in last_home(harness, CARDIO_COORD)
        if b.get("accessory", {}).get("action_id") == ids.COVERAGE_ASSIGN
    ]
    assert assigns == [f"{program_id}:{user}" for user in (T1, T3, T4)]

    _tap_assign(harness, CARDIO_COORD, assigns[0])
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.ASSIGN_VIEW
    nobody = harness.view_submission(
        user_id=CARDIO_COORD,
        callback_id=ids.ASSIGN_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research"))),
    )
    assert ids.ASSIGN_MENTOR_BLOCK in nobody.json()["errors"]
    assert count_pairings(harness) == 1

    harness.view_submission(
        user_id=CARDIO_COORD,
        callback_id=ids.ASSIGN_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            mentor=(
                ids.ASSIGN_MENTOR_BLOCK,
                ids.ASSIGN_MENTOR_INPUT,
                {"type": "users_select", "selected_user": C_MENTOR2},
            ),
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
        ),
    )
    harness.wait_idle()
    with harness.session() as s:
        made = s.scalars(
            select(Pairing).where(Pairing.mentee_id == T1, Pairing.program_id == program_id)
        ).all()
    assert [(p.mentor_id, p.focus, p.status) for p in made] == [(C_MENTOR2, "research", "active")]
    redrawn = _sections(last_home(harness, CARDIO_COORD))[CARDIOLOGY]
    assert "*2 of 4 trainees have a mentor*" in redrawn
    assert f"<@{T1}>" not in redrawn


def test_assign_buttons_forged_or_tapped_by_others_open_nothing(harness: Harness) -> None:
    seed_cardiology(harness)
    program_id = _cardiology_id(harness)
    with harness.session() as s:
        main_id = default_program(s).id
    for user, value in (
        (CARDIO_COORD, f"{main_id}:{MENTEE}"),  # a program they don't coordinate
        (MENTEE, f"{program_id}:{T1}"),  # not a coordinator at all
        (CARDIO_COORD, f"{program_id}:{MENTEE}"),  # not a member of Cardiology
        (CARDIO_COORD, "<!channel>:x"),
        (CARDIO_COORD, f"{program_id}:{T1}:extra"),
    ):
        _tap_assign(harness, user, value)
    assert harness.fake.calls_to("views.open") == []
    assert count_pairings(harness) == 1


def _invites_to(harness: Harness, user: str) -> list[dict[str, Any]]:
    return [
        call.args
        for call in dms_to(harness, user)
        if "invites you to find a mentor" in str(call.args.get("text"))
    ]


def test_invite_all_dms_each_trainee_without_a_mentor_once_a_week(harness: Harness) -> None:
    seed_cardiology(harness)
    program_id = _cardiology_id(harness)
    home_opened(harness, CARDIO_COORD)
    invite = [
        b["elements"][0]
        for b in last_home(harness, CARDIO_COORD)
        if b["type"] == "actions" and b["elements"][0]["action_id"] == ids.COVERAGE_INVITE
    ]
    assert [button["value"] for button in invite] == [str(program_id)]

    harness.block_action(
        user_id=CARDIO_COORD, action_id=ids.COVERAGE_INVITE, value=str(program_id), view=HOME_VIEW
    )
    harness.wait_idle()
    for user in (T1, T3, T4):
        (dm,) = _invites_to(harness, user)
        assert {ids.DIRECTORY_FIND, ids.HOME_ASK_OPEN} <= set(buttons(dm["blocks"]))
        assert CARDIOLOGY in all_text(dm["blocks"])
    for user in (T2, NOT_TRAINEE, GONE_TRAINEE, C_MENTOR1):
        assert _invites_to(harness, user) == []
    told = [str(c.args["text"]) for c in dms_to(harness, CARDIO_COORD)]
    assert any("I'm inviting 3 trainees to find a mentor." in t for t in told)
    with harness.session() as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == INVITED)).all()
    assert [(a.actor, a.program_id) for a in audited] == [(CARDIO_COORD, program_id)]

    # The same week: nobody twice.
    harness.block_action(
        user_id=CARDIO_COORD, action_id=ids.COVERAGE_INVITE, value=str(program_id), view=HOME_VIEW
    )
    harness.wait_idle()
    assert all(len(_invites_to(harness, user)) == 1 for user in (T1, T3, T4))
    told = [str(c.args["text"]) for c in dms_to(harness, CARDIO_COORD)]
    assert any("had an invitation this week already (3)" in t for t in told)

    # A week on, T1 (still without a mentor) may be invited again.
    harness.clock.advance(timedelta(days=7))
    harness.block_action(
        user_id=CARDIO_COORD, action_id=ids.COVERAGE_INVITE, value=str(program_id), view=HOME_VIEW
    )
    harness.wait_idle()
    assert len(_invites_to(harness, T1)) == 2


def test_invite_all_forged_or_by_others_sends_nothing(harness: Harness) -> None:
    seed_cardiology(harness)
    program_id = _cardiology_id(harness)
    with harness.session() as s:
        main_id = default_program(s).id
    for user, value in (
        (CARDIO_COORD, str(main_id)),
        (MENTEE, str(program_id)),
        (CARDIO_COORD, "<!channel>"),
    ):
        harness.block_action(
            user_id=user, action_id=ids.COVERAGE_INVITE, value=value, view=HOME_VIEW
        )
    harness.wait_idle()
    for user in (T1, T3, T4, MENTEE):
        assert _invites_to(harness, user) == []


def _rows(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        b["accessory"]["value"].split(":")[1]
        for b in blocks
        if b.get("accessory", {}).get("action_id") == ids.COVERAGE_ASSIGN
    ]


def _page_button(blocks: list[dict[str, Any]], action_id: str) -> str | None:
    for block in blocks:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == action_id:
                return str(element["value"])
    return None


def test_more_and_back_page_through_the_trainees_without_a_mentor(harness: Harness) -> None:
    seed_cardiology(harness)
    program_id = _cardiology_id(harness)
    now = harness.clock()
    extra = [f"U0EXTRA{n:02d}" for n in range(22)]  # 25 without a mentor in all
    with harness.session() as s:
        for n, user in enumerate(extra):
            ensure_person(s, user)
            add_members(s, program_id, [user], source=Source.ADDED, now=now - timedelta(hours=n))
            save_trainee_profile(s, user, _trainee_values(), now)
    home_opened(harness, CARDIO_COORD)
    first = last_home(harness, CARDIO_COORD)
    assert _rows(first)[:3] == [T1, T3, T4]
    assert len(_rows(first)) == UNCOVERED_SHOWN
    assert "Showing 1–10 of 25" in all_text(first)
    assert _page_button(first, ids.COVERAGE_BACK) is None

    more = _page_button(first, ids.COVERAGE_MORE)
    assert more == f"{program_id}:10"
    harness.block_action(
        user_id=CARDIO_COORD, action_id=ids.COVERAGE_MORE, value=more, view=HOME_VIEW
    )
    second = last_home(harness, CARDIO_COORD)
    assert "Showing 11–20 of 25" in all_text(second)
    assert not set(_rows(second)) & set(_rows(first))
    last = _page_button(second, ids.COVERAGE_MORE)
    assert last is not None
    harness.block_action(
        user_id=CARDIO_COORD, action_id=ids.COVERAGE_MORE, value=last, view=HOME_VIEW
    )
    third = last_home(harness, CARDIO_COORD)
    assert "Showing 21–25 of 25" in all_text(third)
    assert _page_button(third, ids.COVERAGE_MORE) is None
    back = _page_button(third, ids.COVERAGE_BACK)
    assert back == f"{program_id}:10"

    published = len(harness.fake.calls_to("views.publish"))
    with harness.session() as s:
        main_id = default_program(s).id
    for user, value in ((CARDIO_COORD, f"{main_id}:10"), (MENTEE, more), (CARDIO_COORD, "x:1")):
        harness.block_action(user_id=user, action_id=ids.COVERAGE_MORE, value=value, view=HOME_VIEW)
    assert len(harness.fake.calls_to("views.publish")) == published


def test_in_progress_names_open_rounds_and_the_next_digest(harness: Harness) -> None:
    seed_cardiology(harness)
    program_id = _cardiology_id(harness)
    now = harness.clock()
    with harness.session() as s:
        match_round = MatchRound(
            program_id=program_id,
            focus="research",
            status="collecting",
            deadline=datetime(2026, 12, 11, 17, tzinfo=UTC),
            created_by=CARDIO_COORD,
            created_at=now,
        )
        s.add(match_round)
        s.flush()
        for user, ranked in ((T1, [C_MENTOR2]), (T4, [])):
            s.add(
                MatchParticipant(
                    round_id=match_round.id, user_id=user, role="trainee", ranked=ranked
                )
            )
    home_opened(harness, CARDIO_COORD)
    cardiology = _sections(last_home(harness, CARDIO_COORD))[CARDIOLOGY]
    assert "Matching round for Research: 2 invited, 1 ranked, closes Fri 11 Dec" in cardiology
    assert "Next digest" not in cardiology  # Cardiology has no digest channel
    close = _page_button(last_home(harness, CARDIO_COORD), ids.MATCH_CLOSE)
    assert close == str(match_round.id)
    # Close now: by someone who doesn't run Cardiology, nothing; by its coordinator, the round
    # closes (its proposal goes to their DM) and Home says so.
    harness.block_action(user_id=MENTEE, action_id=ids.MATCH_CLOSE, value=close, view=HOME_VIEW)
    with harness.session() as s:
        assert s.get(MatchRound, match_round.id).status == "collecting"  # type: ignore[union-attr]
    harness.block_action(
        user_id=CARDIO_COORD, action_id=ids.MATCH_CLOSE, value=close, view=HOME_VIEW
    )
    with harness.session() as s:
        assert s.get(MatchRound, match_round.id).status == "proposed"  # type: ignore[union-attr]
    redrawn = _sections(last_home(harness, CARDIO_COORD))[CARDIOLOGY]
    assert "proposal waiting for approval" in redrawn
    assert _page_button(last_home(harness, CARDIO_COORD), ids.MATCH_CLOSE) is None
    home_opened(harness, COORDINATOR)
    sections = _sections(last_home(harness, COORDINATOR))
    (main,) = [text for name, text in sections.items() if name != CARDIOLOGY]  # the default
    assert "Next digest" in main
    assert "Matching round" not in main
