"""Block Kit builders and the parsers of what comes back: limits, escaping, round trips."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cadence import Cadence
from bot.communication import MEETING_FORMATS, Communication
from bot.focus import focus_areas
from bot.settings import DEFAULT_FOCUS_AREAS
from handlers import ids
from handlers.blocks.common import SECTION_TEXT_LIMIT, sections_from_lines
from handlers.blocks.help import build_help
from handlers.blocks.modals import (
    InvalidSubmission,
    build_communication_modal,
    build_end_modal,
    parse_communication,
    parse_end,
    parse_focus_note,
)
from handlers.blocks.requests import RequestCard, build_request_message
from tests.handlers.helpers import all_text, buttons

AREAS = focus_areas(DEFAULT_FOCUS_AREAS)


def _find(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _submitted(view: dict[str, Any]) -> dict[str, Any]:
    """What Slack would send back for a modal submitted with its initial values."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if "initial_option" in element:
            state["selected_option"] = element["initial_option"]
        if "initial_time" in element:
            state["selected_time"] = element["initial_time"]
        if "initial_value" in element:
            state["value"] = element["initial_value"]
        values[block["block_id"]] = {element["action_id"]: state}
    return values


@given(lines=st.lists(st.text(min_size=0, max_size=4000), max_size=30))
@settings(max_examples=50, deadline=None)
def test_sections_never_exceed_slacks_limit(lines: list[str]) -> None:
    for block in sections_from_lines(lines):
        assert len(block["text"]["text"]) <= SECTION_TEXT_LIMIT


def test_help_lists_each_entry_once() -> None:
    entries = [(f"/mentor cmd{i}", f"does thing {i}") for i in range(40)]
    blocks = build_help(entries, DEFAULT_FOCUS_AREAS).blocks
    text = all_text(blocks)
    for usage, about in entries:
        assert text.count(usage + "`") == 1
        assert about in text
    assert len(blocks) <= 50


def test_request_message_escapes_the_note_and_carries_the_id() -> None:
    card = RequestCard(
        7, "U0MENTEE1", "U0MENTOR1", "Research <b>", "hi <!channel> & <@U1>", date(2026, 12, 15)
    )
    message = build_request_message(card, date(2026, 12, 1))
    blocks = message.blocks
    text = all_text(blocks)
    assert "<!channel>" not in message.text
    assert "<!channel>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt;" in text
    assert "Research &lt;b&gt;" in text
    assert {b["value"] for b in buttons(blocks).values()} == {"7"}


@pytest.mark.parametrize("cadence", list(Cadence))
@pytest.mark.parametrize("fmt", list(MEETING_FORMATS))
def test_communication_modal_round_trips(cadence: Cadence, fmt: str) -> None:
    agreed = Communication(
        cadence=cadence,
        weekday=3,
        local_time=time(17, 45),
        week_of_month=-1 if cadence is Cadence.MONTHLY else None,
        meeting_format=fmt,
    )
    view = build_communication_modal(5, "U0MENTOR1", "Research", agreed)
    assert view["private_metadata"] == "5"
    assert parse_communication(_submitted(view)) == agreed


@pytest.mark.parametrize("day", [1, 15, 28, 31])
def test_communication_modal_round_trips_a_day_of_the_month(day: int) -> None:
    agreed = Communication(
        cadence=Cadence.MONTHLY,
        weekday=3,
        local_time=time(9, 0),
        week_of_month=None,
        meeting_format="call",
        day_of_month=day,
    )
    view = build_communication_modal(5, "U0MENTOR1", "Research", agreed)
    assert parse_communication(_submitted(view)) == agreed
    wording = agreed.describe("Europe/London", date(2026, 12, 1))
    assert wording.startswith("Monthly on the last day" if day == 31 else "Monthly on the ")


def test_communication_modal_reports_every_missing_answer() -> None:
    with pytest.raises(InvalidSubmission) as raised:
        parse_communication({})
    assert set(raised.value.errors) == {
        ids.CADENCE_BLOCK,
        ids.WEEKDAY_BLOCK,
        ids.TIME_BLOCK,
        ids.FORMAT_BLOCK,
    }


def test_end_modal_round_trips_with_a_picker() -> None:
    view = build_end_modal("U0MENTOR1", [(3, "Research"), (4, "Career")])
    values = _submitted(view)
    values[ids.PAIRING_BLOCK] = {
        ids.PAIRING_INPUT: {"type": "static_select", "selected_option": {"value": "4"}}
    }
    choice = parse_end(values, view.get("private_metadata", ""), allowed=[3, 4])
    assert (choice.pairing_id, choice.completed, choice.visibility) == (4, True, "nobody")
    with pytest.raises(InvalidSubmission):
        parse_end(values, view.get("private_metadata", ""), allowed=[3])


def test_end_modal_without_a_picker_names_the_pairing() -> None:
    view = build_end_modal("U0MENTOR1", [(9, "Research")])
    assert ids.PAIRING_BLOCK not in [b.get("block_id") for b in view["blocks"]]
    assert "mentorship with <@U0MENTOR1>" in all_text(view["blocks"])
    assert view["private_metadata"] == "9"
    assert parse_end(_submitted(view), view["private_metadata"], allowed=[]).pairing_id == 9


def test_focus_must_be_one_of_the_configured_areas() -> None:
    values = {ids.FOCUS_BLOCK: {ids.FOCUS_INPUT: {"selected_option": {"value": "astrology"}}}}
    with pytest.raises(InvalidSubmission):
        parse_focus_note(values, AREAS)
    values[ids.FOCUS_BLOCK][ids.FOCUS_INPUT]["selected_option"]["value"] = "research"
    assert parse_focus_note(values, AREAS) == ("research", "")
