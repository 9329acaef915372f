"""A person in several programs: asking and assigning in the right program (named, inferred,
or chosen in the modal), forged program ids refused, and each program's own focus areas,
competencies, request days and cadence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.focus import focus_areas
from bot.programs import ProgramValues, Role, Source
from handlers import ids
from handlers.blocks.modals import (
    FocusForm,
    ForgedProgram,
    ProgramPick,
    build_ask_modal,
    build_assign_modal,
    focus_block_id,
    parse_metadata,
    parse_program,
)
from storage.memberships import is_member
from storage.models import Goal, MentorRequest, Pairing
from storage.pairings import create_pairing
from storage.programs import add_members, create_program, default_program_id
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_pairings,
    count_requests,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    only_pairing,
    only_request,
    selected,
    take_out_of_program,
    typed,
)
from tests.harness import Harness

NURSING = "Nursing Fellowship"
PHARMACY = "Pharmacy Residency"
NURSE_COORDINATOR = STRANGER  # coordinates the nursing fellowship only


def two_programs(harness: Harness) -> dict[str, int]:
    """The default program and a nursing fellowship with MENTEE in both; a pharmacy residency
    MENTEE is not in."""
    now = harness.clock()
    with harness.session() as session:
        default = default_program_id(session)
        nursing = create_program(
            session,
            name=NURSING,
            values=ProgramValues(
                focus_areas=("Clinical skills", "Simulation", "Wellbeing"),
                competencies=("Nursing process", "Patient safety"),
                default_cadence="weekly",
                reassess_every_weeks=6,
                request_reminder_days=5,
                request_expiry_days=21,
            ),
            open_to_join=False,
            now=now,
            by=None,
        ).id
        pharmacy = create_program(
            session,
            name=PHARMACY,
            values=ProgramValues(focus_areas=("Dispensing", "Simulation")),
            open_to_join=False,
            now=now,
            by=None,
        ).id
        for program_id in (default, nursing):
            add_members(session, program_id, [MENTEE], source=Source.ADDED, now=now)
        add_members(
            session,
            nursing,
            [NURSE_COORDINATOR],
            role=Role.COORDINATOR,
            source=Source.ADDED,
            now=now,
        )
        add_members(
            session, pharmacy, [MENTOR2], role=Role.COORDINATOR, source=Source.ADDED, now=now
        )
    return {"default": default, "nursing": nursing, "pharmacy": pharmacy}


def opened_view(harness: Harness) -> dict[str, Any]:
    opened = harness.fake.calls_to("views.open")
    assert len(opened) == 1, opened
    return dict(opened[0].response["view"])


def block(view: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    return next((b for b in view["blocks"] if b.get("block_id") == block_id), None)


def option_values(view: dict[str, Any], block_id: str) -> list[str]:
    found = block(view, block_id)
    assert found is not None, f"no {block_id} block"
    return [o["value"] for o in found["element"]["options"]]


def option_texts(view: dict[str, Any], block_id: str) -> list[str]:
    found = block(view, block_id)
    assert found is not None, f"no {block_id} block"
    return [o["text"]["text"] for o in found["element"]["options"]]


def program_option(program_id: int | str) -> dict[str, Any]:
    """The option a picker's block action carries."""
    return dict(selected(str(program_id))["selected_option"])


def focus_block(program: int | str | None) -> str:
    """Where the focus is in a modal submitted with ``program`` picked (a forged id: the plain
    focus block)."""
    return focus_block_id(program) if isinstance(program, int) else ids.FOCUS_BLOCK


def default_program_id_of(harness: Harness) -> int:
    with harness.session() as session:
        return default_program_id(session)


def submit_ask(
    harness: Harness, view: dict[str, Any], focus: str, program: int | str | None
) -> Any:
    inputs: dict[str, tuple[str, str, dict[str, Any]]] = {
        "focus": (focus_block(program), ids.FOCUS_INPUT, selected(focus)),
        "note": (ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("hello")),
    }
    if program is not None:
        inputs["program"] = (ids.PROGRAM_BLOCK, ids.ASK_PROGRAM_INPUT, selected(str(program)))
    return harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(**inputs),
    )


# -- one program: nothing new ---------------------------------------------------------------


def test_one_program_ask_modal_asks_no_program(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}>", user_id=MENTEE)
    view = opened_view(harness)
    assert block(view, ids.PROGRAM_BLOCK) is None
    assert "Research" in option_texts(view, ids.FOCUS_BLOCK)
    submit_ask(harness, view, "research", None)
    request = only_request(harness)
    with harness.session() as session:
        assert request.program_id == default_program_id(session)
    assert request.remind_at is not None
    assert request.remind_at - request.created_at == timedelta(days=3)


def test_one_program_help_lists_focus_areas_without_programs(harness: Harness) -> None:
    response = harness.command("help", user_id=MENTEE)
    shown = all_text(response.json()["blocks"])
    assert "Focus areas: Clinical skills" in shown
    assert "more than one program" not in shown


# -- asking in one of several programs ------------------------------------------------------


def test_ask_in_a_named_program_uses_its_focus_and_days(harness: Harness) -> None:
    programs = two_programs(harness)
    harness.command(f"ask <@{MENTOR}> simulation in nursing fellowship", user_id=MENTEE)
    request = only_request(harness)
    assert request.program_id == programs["nursing"]
    assert request.focus == "simulation"
    assert request.remind_at is not None
    assert request.remind_at - request.created_at == timedelta(days=5)
    assert request.expires_at - request.created_at == timedelta(days=21)
    dm = harness.fake.calls_to("chat.postMessage")[-1]
    assert "Simulation" in all_text(dm.args["blocks"])


def test_a_focus_only_one_program_has_settles_the_program(harness: Harness) -> None:
    programs = two_programs(harness)
    harness.command(f"ask <@{MENTOR}> simulation", user_id=MENTEE)
    assert harness.fake.calls_to("views.open") == []
    assert only_request(harness).program_id == programs["nursing"]


def test_a_focus_from_another_programs_list_is_refused_kindly(harness: Harness) -> None:
    two_programs(harness)
    response = harness.command(f"ask <@{MENTOR}> research in Nursing Fellowship", user_id=MENTEE)
    said = (response.json().get("text") or "") + " ".join(ephemeral_replies(harness))
    assert "isn't one of the focus areas in *Nursing Fellowship*" in said
    assert "Clinical skills, Simulation, Wellbeing" in said
    assert count_requests(harness) == 0


def test_a_program_the_person_is_not_in_is_refused(harness: Harness) -> None:
    two_programs(harness)
    response = harness.command(f"ask <@{MENTOR}> simulation in {PHARMACY}", user_id=MENTEE)
    said = (response.json().get("text") or "") + " ".join(ephemeral_replies(harness))
    assert "You're not in Pharmacy Residency" in said
    assert count_requests(harness) == 0


def test_ask_without_a_program_opens_a_picker_and_the_focus_follows_it(harness: Harness) -> None:
    programs = two_programs(harness)
    harness.command(f"ask <@{MENTOR}> could we meet?", user_id=MENTEE)
    view = opened_view(harness)
    assert option_values(view, ids.PROGRAM_BLOCK) == [
        str(programs["default"]),
        str(programs["nursing"]),
    ]
    assert block(view, ids.PROGRAM_BLOCK)["dispatch_action"] is True  # type: ignore[index]
    assert "research" in option_values(view, focus_block_id(programs["default"]))
    assert "simulation" not in option_values(view, focus_block_id(programs["default"]))
    assert count_requests(harness) == 0

    harness.block_action(
        user_id=MENTEE,
        action_id=ids.ASK_PROGRAM_INPUT,
        block_id=ids.PROGRAM_BLOCK,
        selected_option=program_option(programs["nursing"]),
        view=view,
    )
    updated = harness.fake.calls_to("views.update")
    assert len(updated) == 1
    redrawn = updated[0].args["view"]
    assert option_values(redrawn, focus_block_id(programs["nursing"])) == [
        "clinical-skills",
        "simulation",
        "wellbeing",
    ]
    picker = block(redrawn, ids.PROGRAM_BLOCK)
    assert picker is not None
    assert picker["element"]["initial_option"]["value"] == str(programs["nursing"])

    # A focus of the other program's list, left over from before the switch: asked again.
    response = submit_ask(harness, redrawn, "research", programs["nursing"])
    assert response.json()["response_action"] == "errors"
    assert focus_block_id(programs["nursing"]) in response.json()["errors"]
    assert count_requests(harness) == 0

    submit_ask(harness, redrawn, "simulation", programs["nursing"])
    request = only_request(harness)
    assert request.program_id == programs["nursing"]
    assert request.focus == "simulation"


def test_a_focus_both_programs_have_opens_the_picker_with_it_chosen(harness: Harness) -> None:
    two_programs(harness)
    harness.command(f"ask <@{MENTOR}> clinical skills", user_id=MENTEE)
    view = opened_view(harness)
    assert block(view, ids.PROGRAM_BLOCK) is not None
    focus = block(view, focus_block_id(default_program_id_of(harness)))
    assert focus is not None
    assert focus["element"]["initial_option"]["value"] == "clinical-skills"
    assert count_requests(harness) == 0


def test_a_forged_program_in_the_ask_modal_is_refused(harness: Harness) -> None:
    programs = two_programs(harness)
    harness.command(f"ask <@{MENTOR}>", user_id=MENTEE)
    view = opened_view(harness)
    for forged in (programs["pharmacy"], "abc", 999999):
        submit_ask(harness, view, "simulation", forged)
        harness.block_action(
            user_id=MENTEE,
            action_id=ids.ASK_PROGRAM_INPUT,
            block_id=ids.PROGRAM_BLOCK,
            selected_option=program_option(forged),
            view=view,
        )
    assert count_requests(harness) == 0
    assert harness.fake.calls_to("views.update") == []
    told = [c.args.get("text", "") for c in harness.fake.calls_to("chat.postMessage")]
    assert any("You're not in that program" in t for t in told)


def test_a_forged_program_in_the_metadata_of_a_settled_modal_is_refused(harness: Harness) -> None:
    programs = two_programs(harness)
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=f'{{"mentor": "{MENTOR}", "program": {programs["pharmacy"]}}}',
        values=modal_values(focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("simulation"))),
    )
    assert count_requests(harness) == 0


# -- assigning in one of several programs ---------------------------------------------------


def test_a_coordinator_assigns_in_their_own_program_with_its_rhythm(harness: Harness) -> None:
    programs = two_programs(harness)
    with harness.session() as session:  # both must be in the program to be paired in it
        add_members(
            session, programs["nursing"], [MENTOR], source=Source.ADDED, now=harness.clock()
        )
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> simulation", user_id=NURSE_COORDINATOR)
    pairing = only_pairing(harness)
    assert pairing.program_id == programs["nursing"]
    assert pairing.assigned_by == NURSE_COORDINATOR
    assert pairing.reassess_every_weeks == 6


def test_assigning_in_another_program_is_refused_and_changes_nothing(harness: Harness) -> None:
    programs = two_programs(harness)
    response = harness.command(
        f"assign <@{MENTOR}> <@{MENTEE}> research in Main program", user_id=NURSE_COORDINATOR
    )
    said = (response.json().get("text") or "") + " ".join(ephemeral_replies(harness))
    assert "You don't coordinate Main program" in said
    # The default program's coordinator forging the nursing program's id into the modal.
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}>", user_id=COORDINATOR)
    view = opened_view(harness)
    assert block(view, ids.PROGRAM_BLOCK) is None
    for program, metadata in (
        (programs["nursing"], view["private_metadata"]),
        (None, f'{{"mentor": "{MENTOR}", "mentee": "{MENTEE}", "program": {programs["nursing"]}}}'),
    ):
        inputs: dict[str, tuple[str, str, dict[str, Any]]] = {
            "focus": (ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("clinical-skills"))
        }
        if program is not None:
            inputs["program"] = (
                ids.PROGRAM_BLOCK,
                ids.ASSIGN_PROGRAM_INPUT,
                selected(str(program)),
            )
        harness.view_submission(
            user_id=COORDINATOR,
            callback_id=ids.ASSIGN_VIEW,
            private_metadata=metadata,
            values=modal_values(**inputs),
        )
    harness.block_action(
        user_id=COORDINATOR,
        action_id=ids.ASSIGN_PROGRAM_INPUT,
        block_id=ids.PROGRAM_BLOCK,
        selected_option=program_option(programs["nursing"]),
        view=view,
    )
    assert count_pairings(harness) == 0
    assert harness.fake.calls_to("views.update") == []


def test_a_coordinator_of_two_programs_picks_one_in_the_assign_modal(harness: Harness) -> None:
    programs = two_programs(harness)
    with harness.session() as session:
        add_members(
            session,
            programs["nursing"],
            [COORDINATOR],
            role=Role.COORDINATOR,
            source=Source.ADDED,
            now=harness.clock(),
        )
        add_members(
            session, programs["nursing"], [MENTOR], source=Source.ADDED, now=harness.clock()
        )
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}>", user_id=COORDINATOR)
    view = opened_view(harness)
    assert option_texts(view, ids.PROGRAM_BLOCK) == ["Main program", NURSING]
    harness.block_action(
        user_id=COORDINATOR,
        action_id=ids.ASSIGN_PROGRAM_INPUT,
        block_id=ids.PROGRAM_BLOCK,
        selected_option=program_option(programs["nursing"]),
        view=view,
    )
    redrawn = harness.fake.calls_to("views.update")[0].args["view"]
    assert "simulation" in option_values(redrawn, focus_block_id(programs["nursing"]))
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.ASSIGN_VIEW,
        private_metadata=redrawn["private_metadata"],
        values=modal_values(
            program=(
                ids.PROGRAM_BLOCK,
                ids.ASSIGN_PROGRAM_INPUT,
                selected(str(programs["nursing"])),
            ),
            focus=(focus_block_id(programs["nursing"]), ids.FOCUS_INPUT, selected("simulation")),
        ),
    )
    pairing = only_pairing(harness)
    assert pairing.program_id == programs["nursing"]
    assert pairing.focus == "simulation"


# -- a mentorship's program: competencies, cadence, choosers, help --------------------------


def pair_in(harness: Harness, program_id: int, focus: str = "clinical-skills") -> int:
    with harness.session() as session:
        return create_pairing(
            session,
            program_id=program_id,
            mentor_id=MENTOR,
            mentee_id=MENTEE,
            focus=focus,
            origin="request",
            now=harness.clock(),
        ).id


def test_the_goal_form_offers_the_pairing_programs_competencies(harness: Harness) -> None:
    programs = two_programs(harness)
    pairing_id = pair_in(harness, programs["nursing"])
    harness.command(f"goal add <@{MENTOR}>", user_id=MENTEE)
    view = opened_view(harness)
    assert option_texts(view, ids.COMPETENCY_BLOCK) == ["Nursing process", "Patient safety"]
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.GOAL_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed("Run a sepsis simulation")),
            competency=(ids.COMPETENCY_BLOCK, ids.COMPETENCY_INPUT, selected("1")),
        ),
    )
    with harness.session() as session:
        goal = session.scalars(select(Goal).where(Goal.pairing_id == pairing_id)).one()
        assert goal.competency == "Patient safety"


def test_the_cadence_form_starts_from_the_programs_cadence(harness: Harness) -> None:
    programs = two_programs(harness)
    pair_in(harness, programs["nursing"])
    harness.command(f"cadence <@{MENTOR}>", user_id=MENTEE)
    cadence = block(opened_view(harness), ids.CADENCE_BLOCK)
    assert cadence is not None
    assert cadence["element"]["initial_option"]["value"] == "weekly"


def test_the_pairing_chooser_names_the_program_for_someone_in_several(harness: Harness) -> None:
    programs = two_programs(harness)
    pair_in(harness, programs["default"])
    pair_in(harness, programs["nursing"])
    harness.command(f"cadence <@{MENTOR}>", user_id=MENTEE)
    offer = harness.fake.calls_to("response_url")
    shown = " ".join(all_text(c.args.get("blocks")) for c in offer)
    assert "Clinical skills · Main program" in shown
    assert "Clinical skills · Nursing Fellowship" in shown


def test_the_pairing_chooser_of_someone_in_one_program_names_none(harness: Harness) -> None:
    with harness.session() as session:
        default = default_program_id(session)
    pair_in(harness, default)
    pair_in(harness, default, focus="research")
    harness.command(f"cadence <@{MENTOR}>", user_id=MENTEE)
    shown = " ".join(all_text(c.args.get("blocks")) for c in harness.fake.calls_to("response_url"))
    assert "*Clinical skills*" in shown
    assert "Main program" not in shown


def test_help_groups_focus_areas_by_program(harness: Harness) -> None:
    two_programs(harness)
    response = harness.command("help", user_id=MENTEE)
    shown = all_text(response.json()["blocks"])
    assert "Focus areas in *Main program*: Clinical skills" in shown
    assert "Focus areas in *Nursing Fellowship*: Clinical skills, Simulation, Wellbeing" in shown
    assert "in &lt;program&gt;" in shown


def test_a_goal_for_one_program_cannot_take_another_programs_competency(
    harness: Harness,
) -> None:
    programs = two_programs(harness)
    in_default = pair_in(harness, programs["default"])
    pair_in(harness, programs["nursing"])
    harness.command("goal add", user_id=MENTEE)
    view = opened_view(harness)
    labels = option_texts(view, ids.PAIRING_BLOCK)
    assert [label.split(" · ", 1)[1] for label in labels] == [
        "Clinical skills · Main program",
        "Clinical skills · Nursing Fellowship",
    ]
    offered = option_texts(view, ids.COMPETENCY_BLOCK)
    nursing_process = offered.index("Nursing process")

    def submit(competency: int) -> Any:
        return harness.view_submission(
            user_id=MENTEE,
            callback_id=ids.GOAL_VIEW,
            private_metadata=view["private_metadata"],
            values=modal_values(
                pairing=(ids.PAIRING_BLOCK, ids.PAIRING_INPUT, selected(str(in_default))),
                text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed("Present at grand rounds")),
                competency=(ids.COMPETENCY_BLOCK, ids.COMPETENCY_INPUT, selected(str(competency))),
            ),
        )

    response = submit(nursing_process)
    assert response.json()["response_action"] == "errors"
    assert ids.COMPETENCY_BLOCK in response.json()["errors"]
    with harness.session() as session:
        assert session.scalars(select(Goal)).all() == []

    submit(offered.index("Professionalism"))
    with harness.session() as session:
        goal = session.scalars(select(Goal)).one()
        assert (goal.pairing_id, goal.competency) == (in_default, "Professionalism")


def test_ask_in_a_named_program_without_a_focus_asks_no_program(harness: Harness) -> None:
    programs = two_programs(harness)
    harness.command(f"ask <@{MENTOR}> in {NURSING}", user_id=MENTEE)
    view = opened_view(harness)
    assert block(view, ids.PROGRAM_BLOCK) is None
    assert option_values(view, ids.FOCUS_BLOCK) == ["clinical-skills", "simulation", "wellbeing"]
    submit_ask(harness, view, "wellbeing", None)
    assert only_request(harness).program_id == programs["nursing"]


def test_a_picker_left_empty_is_asked_for_in_the_modal(harness: Harness) -> None:
    two_programs(harness)
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=f'{{"mentor": "{MENTOR}"}}',
        values=modal_values(focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("wellbeing"))),
    )
    assert response.json()["response_action"] == "errors"
    assert ids.PROGRAM_BLOCK in response.json()["errors"]
    assert count_requests(harness) == 0


# -- the builders and parsers, without Slack -------------------------------------------------


def test_the_program_picker_round_trips() -> None:
    areas = focus_areas(("Simulation", "Wellbeing"))
    pick = ProgramPick(((1, "Main program"), (7, NURSING)), chosen=7)
    view = build_ask_modal(MENTOR, FocusForm(areas, pick=pick, focus="wellbeing"))
    picker = block(view, ids.PROGRAM_BLOCK)
    assert picker is not None
    assert picker["dispatch_action"] is True
    assert picker["element"]["action_id"] == ids.ASK_PROGRAM_INPUT
    chosen = picker["element"]["initial_option"]["value"]
    metadata = parse_metadata(view["private_metadata"])
    assert "program" not in metadata  # a picker's choice travels in its state only
    # A fresh focus input per program chosen: Slack keeps no stale focus across the switch.
    focus = block(view, focus_block_id(7))
    assert focus is not None
    assert focus["element"]["initial_option"]["value"] == "wellbeing"
    assert block(view, ids.FOCUS_BLOCK) is None
    values = modal_values(program=(ids.PROGRAM_BLOCK, ids.ASK_PROGRAM_INPUT, selected(chosen)))
    assert parse_program(values, metadata) == 7
    settled = build_assign_modal(MENTOR, MENTEE, FocusForm(areas, program_id=3))
    assert block(settled, ids.PROGRAM_BLOCK) is None
    assert parse_program({}, parse_metadata(settled["private_metadata"])) == 3
    assert parse_program({}, {}) is None


@pytest.mark.parametrize("forged", ["abc", "-1", "1.5", True, None, [3]])
def test_a_malformed_program_id_is_forged(forged: object) -> None:
    with pytest.raises(ForgedProgram):
        parse_program({}, {"program": forged})
    picked = modal_values(program=(ids.PROGRAM_BLOCK, ids.ASK_PROGRAM_INPUT, selected(str(forged))))
    with pytest.raises(ForgedProgram):
        parse_program(picked, {})


def test_only_members_are_paired_in_a_program(harness: Harness) -> None:
    """The one rule of who may be paired in a program, as Reassign and matching rounds: a
    mentor outside the nursing fellowship is refused, and nothing is made."""
    two_programs(harness)
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> simulation", user_id=NURSE_COORDINATOR)
    assert count_pairings(harness) == 0
    assert any(f"isn't in {NURSING}" in reply for reply in ephemeral_replies(harness))


def test_the_assign_form_shows_no_conflict_list_of_someone_outside_the_program(
    harness: Harness,
) -> None:
    """MENTOR (not in the nursing fellowship) listed MENTEE as someone they assess: the nursing
    coordinator's form says nothing of that list; the assignment is refused as for any
    non-member."""
    from tests.handlers.test_directory import save_mentor

    programs = two_programs(harness)
    save_mentor(harness, MENTOR, conflicts=(MENTEE,))
    response = harness.view_submission(
        user_id=NURSE_COORDINATOR,
        callback_id=ids.ASSIGN_VIEW,
        private_metadata=(
            f'{{"mentor": "{MENTOR}", "mentee": "{MENTEE}", "program": {programs["nursing"]}}}'
        ),
        values=modal_values(focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("simulation"))),
    )
    assert "assess" not in response.body
    assert count_pairings(harness) == 0
    told = [
        all_text(d.args.get("blocks")) + str(d.args.get("text"))
        for d in dms_to(harness, NURSE_COORDINATOR)
    ]
    assert any(f"isn't in {NURSING}" in text for text in told), told
    assert not any("assess" in text for text in told)


def _request_to_mentor(harness: Harness) -> tuple[int, str]:
    """MENTEE asks MENTOR in the default program: the request's id and Accept's value."""
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    accept = buttons(last_dm(harness, MENTOR).args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    with harness.session() as session:
        (request,) = session.scalars(select(MentorRequest)).all()
        return request.id, str(accept)


def test_a_trainee_who_leaves_the_program_can_no_longer_be_accepted_into_it(
    harness: Harness,
) -> None:
    request_id, accept = _request_to_mentor(harness)

    harness.command("leave Main program", user_id=MENTEE)
    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=accept)

    with harness.session() as session:
        request = session.get(MentorRequest, request_id)
        assert request is not None
        assert request.status == "withdrawn"
        assert session.scalars(select(Pairing)).all() == []
        assert not is_member(session, default_program_id(session), MENTEE)
    assert any("already withdrawn" in r for r in ephemeral_replies(harness))
    harness.tick()
    assert [d for d in dms_to(harness, MENTEE) if "withdrawn" in str(d.args["text"])] == []


def test_a_mentor_taken_out_of_the_program_leaves_the_trainee_told(harness: Harness) -> None:
    request_id, _ = _request_to_mentor(harness)
    with harness.session() as session:
        program_id = default_program_id(session)

    take_out_of_program(harness, by=COORDINATOR, program_id=program_id, people=[MENTOR])
    harness.tick()
    harness.tick()  # and never twice

    with harness.session() as session:
        request = session.get(MentorRequest, request_id)
        assert request is not None
        assert request.status == "withdrawn"
    told = [d for d in dms_to(harness, MENTEE) if "was withdrawn" in str(d.args["text"])]
    assert len(told) == 1
    assert f"<@{MENTOR}>" in str(told[0].args["text"])
    assert "no longer taking part" in all_text(told[0].args["blocks"])
