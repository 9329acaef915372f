"""Parsing ``/mentor my data``, ``plan``, ``forget`` and ``report audit``, and the guide
listing them."""

from __future__ import annotations

import pytest

from bot.commands import CommandError, Forget, MyData, Plan, Report, parse_command
from bot.focus import focus_areas
from tests.conftest import COORDINATOR, MENTEE, MENTOR
from tests.harness import Harness

AREAS = focus_areas(["Research"])


def parse(text: str) -> object:
    return parse_command(text, AREAS)


def test_the_data_commands_parse() -> None:
    assert parse("my data") == MyData()
    assert parse("My DATA") == MyData()
    assert parse("plan") == Plan(None)
    assert parse(f"plan <@{MENTEE}|alice>") == Plan(MENTEE)
    assert parse("forget me") == Forget(None)
    assert parse(f"forget <@{MENTOR}>") == Forget(MENTOR)
    assert parse("report audit") == Report("audit")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("my", "/mentor my data"),
        ("my stuff", "/mentor my data"),
        ("forget", "/mentor forget me"),
        ("forget everyone", "/mentor forget me"),
        (f"forget me <@{MENTOR}>", "/mentor forget me"),
        ("plan @alice", "Type @ and pick"),
        ("report audit 2026-01-01 2026-02-01", "/mentor report audit"),
    ],
)
def test_bad_data_commands_say_what_to_type(text: str, says: str) -> None:
    with pytest.raises(CommandError) as error:
        parse(text)
    assert says in error.value.message


def test_the_guide_lists_the_data_commands(harness: Harness) -> None:
    response = harness.command("help", user_id=MENTEE)
    text = str(response.json())
    for usage in ("/mentor my data", "/mentor plan [@person]", "/mentor forget me | @person"):
        assert usage in text
    assert "audit" not in text  # the coordinators' report, in their guide only
    assert "audit" in str(harness.command("help", user_id=COORDINATOR).json())
