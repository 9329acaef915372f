"""A slash command whose answer is not ready within its ack budget is acked empty at that
moment and answered through its response_url: the same private answer, never twice, never
lost, and refusals too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.acks_first import ACKS_FIRST
from bot.settings import Settings
from tests.clock import FrozenClock
from tests.conftest import MENTEE, MENTOR, make_settings
from tests.handlers.helpers import all_text, count_requests
from tests.harness import Harness, running_harness
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def at_once(
    db_url: str, engine: Engine, fake_slack: FakeSlack, clock: FrozenClock
) -> Iterator[Harness]:
    """The app with a budget of 0: every command is acked before any of its work."""
    settings: Settings = make_settings(
        database_url=db_url, slack_api_url=fake_slack.base_url, ack_budget_ms=0
    )
    with running_harness(settings, engine, fake_slack, clock) as harness:
        yield harness


def _answers(harness: Harness) -> list[dict[str, object]]:
    return [call.args for call in harness.fake.calls_to("response_url")]


def test_an_answer_after_the_ack_arrives_by_response_url_once(at_once: Harness) -> None:
    response = at_once.command("help", user_id=MENTEE)
    at_once.wait_idle()
    assert response.status == 200
    assert response.body == ""  # acked empty, before the guide was drawn
    (answer,) = _answers(at_once)
    assert answer["response_type"] == "ephemeral"
    assert "/mentor ask" in all_text(answer["blocks"])  # type: ignore[arg-type]


def test_a_refusal_after_the_ack_is_told_once(at_once: Harness) -> None:
    response = at_once.command("report", user_id=MENTEE)  # a coordinator's command
    at_once.wait_idle()
    assert response.body == ""
    (answer,) = _answers(at_once)
    assert answer["response_type"] == "ephemeral"
    assert "coordinator" in str(answer["text"]).lower()


def test_an_ask_after_the_ack_still_reaches_the_mentor(at_once: Harness) -> None:
    response = at_once.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    at_once.wait_idle()
    assert response.status == 200
    assert count_requests(at_once, status="pending") == 1
    assert len(_answers(at_once)) == 1  # "sent": once


def test_a_command_while_another_request_waits_for_its_ack_is_acked_at_once(
    harness: Harness,
) -> None:
    """The default budget answers in the ack at rest; with another request still waiting for
    its ack, the command is acked empty at once and answered by its response_url."""
    at_rest = harness.command("help", user_id=MENTEE)
    assert "/mentor ask" in at_rest.body
    harness.wait_idle()
    assert _answers(harness) == []

    ACKS_FIRST.begin()  # someone else's request, its listener running, not yet acked
    try:
        busy = harness.command("help", user_id=MENTEE)
    finally:
        ACKS_FIRST.end()
    harness.wait_idle()
    assert busy.status == 200
    assert busy.body == ""
    (answer,) = _answers(harness)
    assert answer["response_type"] == "ephemeral"
    assert "/mentor ask" in all_text(answer["blocks"])  # type: ignore[arg-type]
