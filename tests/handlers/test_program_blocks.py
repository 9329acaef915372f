"""Program Block Kit, pure: the add/edit modal round-trips through its parser, bad values are
reported beside their fields, and the listing shows each audience what it may see."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.programs import ProgramConfig, ProgramValues
from handlers import ids
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.programs import (
    MemberChanges,
    ProgramForm,
    ProgramSummary,
    build_members_modal,
    build_program_modal,
    build_programs_list,
    parse_members,
    parse_program_submission,
    parse_usergroup,
    program_of_metadata,
)
from tests.handlers.helpers import all_text, escaping_problems, text_objects


def submitted_state(view: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values as Slack would send them for a modal submitted untouched: each input
    holds its initial value."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            state: dict[str, Any] = {"value": element.get("initial_value")}
        elif kind == "multi_users_select":
            state = {"selected_users": element.get("initial_users", [])}
        elif kind == "conversations_select":
            state = {"selected_conversation": element.get("initial_conversation")}
        elif kind == "static_select":
            state = {"selected_option": element.get("initial_option")}
        elif kind == "timepicker":
            state = {"selected_time": element.get("initial_time")}
        elif kind == "datepicker":
            state = {"selected_date": element.get("initial_date")}
        elif kind == "checkboxes":
            state = {"selected_options": element.get("initial_options", [])}
        else:
            raise AssertionError(f"unexpected input {kind}")
        values[block["block_id"]] = {element["action_id"]: {"type": kind, **state}}
    return values


FULL = ProgramForm(
    name="Internal Medicine & Friends",
    coordinators=("U0COORD01", "U0MENTOR2"),
    values=ProgramValues(
        digest_channel="C0DIGEST1",
        focus_areas=("Research", "Clinical skills"),
        competencies=("Patient care",),
        specialties=("Cardiology", "Nephrology"),
        default_cadence="biweekly",
        reassess_every_weeks=6,
        request_reminder_days=2,
        request_expiry_days=10,
        digest_weekday=3,
        digest_time="09:30",
        timezone="Europe/London",
        mentor_within_days=30,
    ),
    open_to_join=True,
    member_usergroup="S0IMGROUP",
    member_channel="C0IMCHAN1",
)


@pytest.mark.parametrize("form", [FULL, ProgramForm(name="Clerkships")], ids=["full", "bare"])
def test_the_program_modal_round_trips(form: ProgramForm) -> None:
    view = build_program_modal(form, program_id=7)
    assert view["callback_id"] == ids.PROGRAM_VIEW
    assert program_of_metadata(view["private_metadata"]) == 7
    assert parse_program_submission(submitted_state(view)) == form


def test_the_add_modal_is_empty_and_asks_for_a_name() -> None:
    view = build_program_modal(None, program_id=None)
    assert program_of_metadata(view["private_metadata"]) is None
    with pytest.raises(InvalidSubmission) as refused:
        parse_program_submission(submitted_state(view))
    assert set(refused.value.errors) == {ids.PROGRAM_NAME_BLOCK}


def test_the_default_programs_installation_coordinators_are_a_note() -> None:
    view = build_program_modal(FULL, program_id=1, installation_coordinators=("U0COORD09",))
    assert "<@U0COORD09>" in all_text(view["blocks"])
    assert parse_program_submission(submitted_state(view)).coordinators == FULL.coordinators


def _with(state: dict[str, Any], block_id: str, action_id: str, **value: Any) -> dict[str, Any]:
    state[block_id] = {action_id: value}
    return state


def test_bad_values_are_reported_beside_each_field() -> None:
    state = submitted_state(build_program_modal(FULL, program_id=1))
    _with(state, ids.PROGRAM_ZONE_BLOCK, ids.PROGRAM_ZONE_INPUT, value="Mars/Olympus")
    _with(state, ids.PROGRAM_REASSESS_BLOCK, ids.PROGRAM_REASSESS_INPUT, value="0")
    _with(state, ids.PROGRAM_EXPIRY_BLOCK, ids.PROGRAM_EXPIRY_INPUT, value="two weeks")
    _with(state, ids.PROGRAM_USERGROUP_BLOCK, ids.PROGRAM_USERGROUP_INPUT, value="@residents")
    _with(state, ids.PROGRAM_NAME_BLOCK, ids.PROGRAM_NAME_INPUT, value="x" * 81)
    _with(state, ids.PROGRAM_FOCUS_BLOCK, ids.PROGRAM_FOCUS_INPUT, value="ok\n" + "y" * 76)
    with pytest.raises(InvalidSubmission) as refused:
        parse_program_submission(state)
    assert set(refused.value.errors) == {
        ids.PROGRAM_ZONE_BLOCK,
        ids.PROGRAM_REASSESS_BLOCK,
        ids.PROGRAM_EXPIRY_BLOCK,
        ids.PROGRAM_USERGROUP_BLOCK,
        ids.PROGRAM_NAME_BLOCK,
        ids.PROGRAM_FOCUS_BLOCK,
    }


def test_a_reminder_must_come_before_the_expiry() -> None:
    state = submitted_state(build_program_modal(FULL, program_id=1))
    _with(state, ids.PROGRAM_REMINDER_BLOCK, ids.PROGRAM_REMINDER_INPUT, value="10")
    with pytest.raises(InvalidSubmission) as refused:
        parse_program_submission(state)
    assert set(refused.value.errors) == {ids.PROGRAM_REMINDER_BLOCK}


def test_names_and_lines_are_tidied() -> None:
    state = submitted_state(build_program_modal(ProgramForm(name="x"), program_id=None))
    _with(state, ids.PROGRAM_NAME_BLOCK, ids.PROGRAM_NAME_INPUT, value="  General   Surgery ")
    _with(
        state,
        ids.PROGRAM_FOCUS_BLOCK,
        ids.PROGRAM_FOCUS_INPUT,
        value="Research\n\n  Clinical   skills \nResearch\n",
    )
    form = parse_program_submission(state)
    assert form.name == "General Surgery"
    assert form.values.focus_areas == ("Research", "Clinical skills")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("S0123ABCD", "S0123ABCD"),
        ("<!subteam^S0123ABCD|@residents>", "S0123ABCD"),
        ("<!subteam^S0123ABCD>", "S0123ABCD"),
        ("  ", None),
    ],
)
def test_a_user_group_is_taken_as_slack_sends_it(typed: str, expected: str | None) -> None:
    assert parse_usergroup(typed) == expected


@pytest.mark.parametrize("typed", ["@residents", "C0123ABCD", "<!channel>", "<!subteam^x>"])
def test_anything_else_is_not_a_user_group(typed: str) -> None:
    with pytest.raises(ValueError, match=re.escape(typed)):
        parse_usergroup(typed)


@pytest.mark.parametrize("metadata", ["", "{", '{"program": "3"}', '{"program": true}', "[]"])
def test_forged_metadata_names_no_program(metadata: str) -> None:
    assert program_of_metadata(metadata) is None


def test_the_members_modal_lists_members_and_round_trips() -> None:
    view = build_members_modal(4, "Surgery <&>", ["U0MENTEE1", "U0MENTOR1"])
    assert program_of_metadata(view["private_metadata"]) == 4
    shown = all_text(view["blocks"])
    assert "<@U0MENTEE1>" in shown
    assert "2 members" in shown
    for kind, text in text_objects(view):
        assert escaping_problems(kind, text, ["U0MENTEE1", "U0MENTOR1"]) == []
    state = submitted_state(view)
    state[ids.PROGRAM_ADD_MEMBERS_BLOCK][ids.PROGRAM_ADD_MEMBERS_INPUT]["selected_users"] = [
        "U0STRANGE"
    ]
    state[ids.PROGRAM_REMOVE_MEMBERS_BLOCK][ids.PROGRAM_REMOVE_MEMBERS_INPUT]["selected_users"] = [
        "U0MENTOR1"
    ]
    assert parse_members(state) == MemberChanges(add=("U0STRANGE",), remove=("U0MENTOR1",))


def test_the_members_modal_needs_a_change_and_no_one_twice() -> None:
    state = submitted_state(build_members_modal(4, "Surgery", []))
    with pytest.raises(InvalidSubmission):
        parse_members(state)
    for block_id, action_id in (
        (ids.PROGRAM_ADD_MEMBERS_BLOCK, ids.PROGRAM_ADD_MEMBERS_INPUT),
        (ids.PROGRAM_REMOVE_MEMBERS_BLOCK, ids.PROGRAM_REMOVE_MEMBERS_INPUT),
    ):
        state[block_id][action_id]["selected_users"] = ["U0MENTEE1"]
    with pytest.raises(InvalidSubmission) as refused:
        parse_members(state)
    assert set(refused.value.errors) == {ids.PROGRAM_REMOVE_MEMBERS_BLOCK}


def config(program_id: int, name: str, *, open_to_join: bool = False) -> ProgramConfig:
    return ProgramConfig(
        id=program_id,
        name=name,
        is_default=program_id == 1,
        coordinators=frozenset({"U0COORD01"}),
        digest_channel="C0DIGEST1",
        focus_labels=("Research",),
        competencies=("Patient care",),
        specialties=(),
        default_cadence=None,
        reassess_every_weeks=4,
        request_reminder_days=3,
        request_expiry_days=14,
        digest_weekday=0,
        digest_time="08:00",
        timezone="America/New_York",
        open_to_join=open_to_join,
        member_usergroup="S0IMGROUP",
        member_channel=None,
    )


def test_admins_see_each_programs_settings() -> None:
    shown = build_programs_list(
        [ProgramSummary(config(1, "Main program"), 12), ProgramSummary(config(2, "A<b>&c"), 1)],
        [],
        [],
        is_admin=True,
    )
    text = all_text(shown.blocks)
    for expected in (
        "Main program",
        "12 members",
        "1 member",
        "<@U0COORD01>",
        "<#C0DIGEST1>",
        "Mondays at 08:00 (America/New_York)",
        "invite-only",
        "<!subteam^S0IMGROUP>",
        "A&lt;b&gt;&amp;c",
        "/mentor program add",
    ):
        assert expected in text, expected


def test_members_see_their_programs_and_the_open_ones() -> None:
    shown = build_programs_list(
        [],
        [config(1, "Main program")],
        [config(3, "Clerkships", open_to_join=True)],
        is_admin=False,
    )
    text = all_text(shown.blocks)
    assert "Main program" in text
    assert "Clerkships" in text
    assert "/mentor join" in text
    assert "<@U0COORD01>" not in text
    assert "C0DIGEST1" not in text
    assert "/mentor program add" not in text
