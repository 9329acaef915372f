"""The matching round's Block Kit and its parsers: what a modal defines, it reads back."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.focus import focus_areas
from bot.settings import DEFAULT_FOCUS_AREAS
from handlers import ids
from handlers.blocks.matching import (
    ProposalRow,
    build_change_modal,
    build_match_modal,
    build_proposal,
    build_rank_modal,
    build_rather_not_modal,
    parse_change_submission,
    parse_match_submission,
    parse_rank_submission,
    parse_rather_not_submission,
    participant_in,
)
from handlers.blocks.modals import InvalidSubmission
from tests.handlers.helpers import all_text, buttons

AREAS = focus_areas(DEFAULT_FOCUS_AREAS)
TODAY = date(2026, 12, 1)


def block_ids(view: dict[str, Any]) -> set[str]:
    return {block.get("block_id", "") for block in view["blocks"]}


def match_values(
    focus: str = "research",
    trainees: list[str] | None = None,
    channel: list[str] | None = None,
    mentors: list[str] | None = None,
    deadline: str = "2026-12-04",
    usergroup: str = "",
) -> dict[str, Any]:
    return {
        ids.MATCH_USERGROUP_BLOCK: {ids.MATCH_USERGROUP_INPUT: {"value": usergroup}},
        ids.FOCUS_BLOCK: {ids.FOCUS_INPUT: {"selected_option": {"value": focus}}},
        ids.MATCH_TRAINEES_BLOCK: {ids.MATCH_TRAINEES_INPUT: {"selected_users": trainees or []}},
        ids.MATCH_CHANNEL_BLOCK: {
            ids.MATCH_CHANNEL_INPUT: {"selected_conversations": channel or []}
        },
        ids.MATCH_MENTORS_BLOCK: {ids.MATCH_MENTORS_INPUT: {"selected_users": mentors or []}},
        ids.MATCH_DEADLINE_BLOCK: {ids.MATCH_DEADLINE_INPUT: {"selected_date": deadline}},
    }


def test_the_round_modal_reads_back_what_it_defines() -> None:
    view = build_match_modal(7, "Surgery", AREAS)
    assert {
        ids.FOCUS_BLOCK,
        ids.MATCH_TRAINEES_BLOCK,
        ids.MATCH_CHANNEL_BLOCK,
        ids.MATCH_USERGROUP_BLOCK,
        ids.MATCH_MENTORS_BLOCK,
        ids.MATCH_DEADLINE_BLOCK,
    } <= block_ids(view)
    setup = parse_match_submission(
        match_values(trainees=["U1", "U2", "U1"], channel=["C1"], mentors=["U9"]),
        view["private_metadata"],
        AREAS,
        TODAY,
    )
    assert setup.program_id == 7
    assert setup.focus == "research"
    assert setup.trainees == ("U1", "U2")
    assert setup.channel == "C1"
    assert setup.mentors == ("U9",)
    assert setup.deadline == date(2026, 12, 4)
    assert setup.usergroup is None
    grouped = parse_match_submission(
        match_values(usergroup=" <!subteam^S0INTERNS|@interns> "), "{}", AREAS, TODAY
    )
    assert grouped.usergroup == "S0INTERNS"


def test_nobody_chosen_is_allowed_and_means_everyone_with_a_profile() -> None:
    setup = parse_match_submission(match_values(), json.dumps({"program": 1}), AREAS, TODAY)
    assert setup.trainees == ()
    assert setup.mentors == ()
    assert setup.channel is None


@pytest.mark.parametrize(
    ("values", "block"),
    [
        (match_values(focus="astrology"), ids.FOCUS_BLOCK),
        (match_values(deadline="2026-11-30"), ids.MATCH_DEADLINE_BLOCK),
        (match_values(deadline=""), ids.MATCH_DEADLINE_BLOCK),
        (match_values(usergroup="@interns"), ids.MATCH_USERGROUP_BLOCK),
    ],
)
def test_bad_round_input_is_shown_next_to_its_field(values: dict[str, Any], block: str) -> None:
    with pytest.raises(InvalidSubmission) as raised:
        parse_match_submission(values, "{}", AREAS, TODAY)
    assert block in raised.value.errors


def rank_values(*users: str | None) -> dict[str, Any]:
    return {
        f"{ids.MATCH_CHOICE_BLOCK}{i}": {ids.MATCH_CHOICE_INPUT: {"selected_user": user}}
        for i, user in enumerate(users)
    }


def test_ranking_reads_back_in_order_skipping_blanks() -> None:
    view = build_rank_modal(3, ["M2", "M1"])
    assert participant_in(view["private_metadata"]) == 3
    assert {f"{ids.MATCH_CHOICE_BLOCK}{i}" for i in range(5)} <= block_ids(view)
    assert parse_rank_submission(rank_values("M2", None, "M1"), ["M1", "M2"], "T1") == ["M2", "M1"]


@pytest.mark.parametrize(
    "choices",
    [("M1", "M1"), ("MX",), ("T1",)],
    ids=["twice", "not in the round", "themselves"],
)
def test_a_bad_ranking_is_refused(choices: tuple[str, ...]) -> None:
    with pytest.raises(InvalidSubmission):
        parse_rank_submission(rank_values(*choices), ["M1", "M2", "T1"], "T1")


def test_rather_not_takes_only_the_rounds_trainees() -> None:
    view = build_rather_not_modal(4, ["T1"])
    assert participant_in(view["private_metadata"]) == 4
    values = {ids.MATCH_TRAINEES_BLOCK: {ids.MATCH_TRAINEES_INPUT: {"selected_users": ["T1"]}}}
    assert parse_rather_not_submission(values, ["T1", "T2"]) == ["T1"]
    values[ids.MATCH_TRAINEES_BLOCK][ids.MATCH_TRAINEES_INPUT]["selected_users"] = ["T9"]
    with pytest.raises(InvalidSubmission):
        parse_rather_not_submission(values, ["T1", "T2"])


def test_a_change_reads_back_and_an_empty_mentor_removes_the_pair() -> None:
    view = build_change_modal(5)
    values: dict[str, Any] = {
        ids.MATCH_PAIR_BLOCK: {ids.MATCH_PAIR_INPUT: {"selected_user": "T1"}},
        ids.MATCH_NEW_MENTOR_BLOCK: {ids.MATCH_NEW_MENTOR_INPUT: {"selected_user": None}},
    }
    change = parse_change_submission(values, view["private_metadata"])
    assert (change.round_id, change.trainee_id, change.mentor_id) == (5, "T1", None)
    values[ids.MATCH_PAIR_BLOCK][ids.MATCH_PAIR_INPUT]["selected_user"] = None
    with pytest.raises(InvalidSubmission):
        parse_change_submission(values, view["private_metadata"])


def test_the_proposal_lists_a_few_pairs_the_unmatched_and_its_buttons() -> None:
    rows = [ProposalRow(f"U0T{i:05d}", "U0M00001", "their 1st choice") for i in range(20)]
    rows.append(ProposalRow("U0T09999", None, "nobody on their list could take them"))
    body = build_proposal(8, "Research", rows, 10)
    shown = all_text(body.blocks)
    assert "20 pairs and 1 trainee without a mentor, from 10 mentors" in body.text
    assert "<@U0T00014>" in shown
    assert "<@U0T00015>" not in shown  # the rest are in the CSV
    assert "5 more in the CSV" in shown
    assert "<@U0T09999> (nobody on their list could take them)" in shown
    assert {ids.MATCH_APPROVE, ids.MATCH_CHANGE_OPEN, ids.MATCH_CSV} <= set(buttons(body.blocks))
    assert all(b["value"] == "8" for b in buttons(body.blocks).values())
