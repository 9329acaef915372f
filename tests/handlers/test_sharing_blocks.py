"""Builders for sharing with coordinators and the coordinator's Details modal: words per state,
the values their buttons carry, escaping, and Slack's limits."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sharing import SharingOutcome, SharingState
from handlers import ids
from handlers.blocks.common import SECTION_TEXT_LIMIT, VIEW_BLOCK_LIMIT
from handlers.blocks.pair_details import PairDetails, build_pair_details_modal
from handlers.blocks.sharing import (
    agree_value,
    build_proposal_answered,
    build_proposal_closed,
    build_proposal_message,
    home_sharing_blocks,
    parse_agree_value,
    proposal_text,
    sharing_notice,
)
from handlers.blocks.work import GoalRow, TaskRow
from storage.sharing import PairCounts
from tests.handlers.helpers import all_text, buttons

TODAY = date(2026, 12, 1)
OTHER = "U0OTHER001"
STAMP = "1796113200000000"


def _texts(blocks: list[dict[str, object]]) -> str:
    return all_text(blocks)


@pytest.mark.parametrize(
    ("state", "words", "action_ids"),
    [
        (SharingState.NOT_SHARED, "Not shared with coordinators", {ids.HOME_SHARE}),
        (
            SharingState.WAITING_FOR_OTHER,
            f"Shared with coordinators: you agreed, waiting for <@{OTHER}>",
            {ids.HOME_SHARE},
        ),
        (
            SharingState.PROPOSED_TO_VIEWER,
            f"<@{OTHER}> proposed sharing with coordinators",
            {ids.SHARING_AGREE, ids.SHARING_DECLINE},
        ),
        (SharingState.SHARED, "Shared with coordinators: you both agreed", {ids.HOME_SHARE}),
    ],
)
def test_home_says_where_sharing_stands(
    state: SharingState, words: str, action_ids: set[str]
) -> None:
    blocks = home_sharing_blocks(7, OTHER, state, STAMP)
    assert words in _texts(blocks)
    found = {b["accessory"]["action_id"] for b in blocks if "accessory" in b}
    found |= set(buttons(blocks))
    assert found == action_ids
    assert blocks[0]["block_id"] == "home-share-7"


def test_home_buttons_carry_which_way_and_which_proposal() -> None:
    def accessory(state: SharingState) -> dict[str, object]:
        return dict(home_sharing_blocks(7, OTHER, state, None)[0]["accessory"])

    assert accessory(SharingState.NOT_SHARED)["value"] == "7:on"
    assert "confirm" in accessory(SharingState.NOT_SHARED)
    assert accessory(SharingState.WAITING_FOR_OTHER)["value"] == "7:off"
    assert accessory(SharingState.SHARED)["value"] == "7:off"
    assert "confirm" in accessory(SharingState.SHARED)
    proposed = buttons(home_sharing_blocks(7, OTHER, SharingState.PROPOSED_TO_VIEWER, STAMP))
    assert parse_agree_value(str(proposed[ids.SHARING_AGREE]["value"])) == (7, STAMP)
    assert parse_agree_value(str(proposed[ids.SHARING_DECLINE]["value"])) == (7, STAMP)


@pytest.mark.parametrize(
    "value", ["", "7", "7:", ":123", "x:123", "7:12a", "7:on", "1" * 19 + ":1", "7:" + "1" * 21]
)
def test_forged_agree_values_are_refused(value: str) -> None:
    assert parse_agree_value(value) is None


def test_agree_values_round_trip() -> None:
    assert parse_agree_value(agree_value(12, STAMP)) == (12, STAMP)


def test_the_proposal_escapes_the_focus_and_asks_with_two_buttons() -> None:
    label = "Wellbeing <!channel> & more"
    blocks = build_proposal_message(3, OTHER, label, STAMP).blocks
    shown = _texts(blocks)
    assert "Wellbeing &lt;!channel&gt; &amp; more" in shown
    assert "<!channel>" not in shown
    assert f"<@{OTHER}> would like to share" in shown
    assert set(buttons(blocks)) == {ids.SHARING_AGREE, ids.SHARING_DECLINE}
    assert "<!channel>" not in proposal_text(OTHER, label)
    for answered in (
        build_proposal_answered(True, OTHER, label).blocks,
        build_proposal_answered(False, OTHER, label).blocks,
        build_proposal_closed().blocks,
    ):
        assert buttons(answered) == {}
        assert "<!channel>" not in _texts(answered)


@pytest.mark.parametrize("outcome", list(SharingOutcome))
def test_the_other_member_is_told_in_a_sentence(outcome: SharingOutcome) -> None:
    notice = sharing_notice(outcome, OTHER, "Research")
    told = {
        SharingOutcome.SHARED,
        SharingOutcome.DECLINED,
        SharingOutcome.WITHDRAWN,
        SharingOutcome.STOPPED,
    }
    if outcome in told:
        assert notice is not None
        assert notice.startswith(f"<@{OTHER}> ")
        assert "*Research*" in notice
    else:
        assert notice is None


def _details(goals: int, tasks: int, text: str, *, shared: bool) -> PairDetails:
    return PairDetails(
        pairing_id=4,
        mentor_id="U0MENTOR1",
        mentee_id="U0MENTEE1",
        focus_label=text or "Research",
        status="active",
        started=date(2026, 9, 1),
        last_activity=TODAY,
        unanswered_checkins=3,
        counts=PairCounts({"open": goals, "achieved": 0, "dropped": 0}, tasks, 1, 2),
        shared=shared,
        goals=[
            GoalRow(i, f"{text} goal {i}", "open", date(2027, 3, 1), "Medical knowledge")
            for i in range(goals)
        ],
        open_tasks=[
            TaskRow(i, f"{text} task {i}", "open", "U0MENTEE1", date(2026, 11, 20))
            for i in range(tasks)
        ],
    )


def test_details_without_sharing_hold_no_text_even_if_handed_some() -> None:
    view = build_pair_details_modal(_details(3, 2, "private", shared=False), TODAY)
    shown = _texts(view["blocks"])
    assert "private goal" not in shown
    assert "private task" not in shown
    assert "*Goals:* 3 open, 0 achieved, 0 dropped" in shown
    assert "*Tasks:* 2 open (1 overdue), 2 done" in shown
    assert "haven't both agreed" in shown


def test_details_of_a_sharing_pair_show_goals_and_open_tasks() -> None:
    view = build_pair_details_modal(_details(2, 1, "Sleep <b>", shared=True), TODAY)
    shown = _texts(view["blocks"])
    assert "Sleep &lt;b&gt; goal 1" in shown
    assert "Medical knowledge" in shown
    assert "by Mon 1 Mar 2027" in shown
    assert "Sleep &lt;b&gt; task 0" in shown
    assert "overdue" in shown
    assert view["type"] == "modal"
    assert "submit" not in view
    # Nothing in it can be tapped: a coordinator reads, the pair acts.
    assert not any("accessory" in b for b in view["blocks"])


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=3000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(goals=st.integers(0, 80), tasks=st.integers(0, 80), text=texts, shared=st.booleans())
def test_any_details_stay_within_slack_limits(
    goals: int, tasks: int, text: str, shared: bool
) -> None:
    view = build_pair_details_modal(_details(goals, tasks, text, shared=shared), TODAY)
    blocks = view["blocks"]
    assert len(blocks) <= VIEW_BLOCK_LIMIT
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_TEXT_LIMIT
    assert "<!channel>" not in _texts(blocks)
    if goals > 30 and shared:
        assert "the goals CSV" in _texts(blocks)
