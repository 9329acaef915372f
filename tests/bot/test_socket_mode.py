"""Reading Socket Mode frames and building acks: pure functions, no connection."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_bolt import BoltResponse

from bot.socket_mode import EnvelopeProblem, ack_payload, envelope_problem

ENVELOPE_ID = "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545"


def frame(**fields: object) -> str:
    return json.dumps(fields)


@pytest.mark.parametrize(
    "text",
    [
        frame(envelope_id=ENVELOPE_ID, type="events_api", payload={"event": {}}),
        frame(envelope_id=ENVELOPE_ID, type="slash_commands", payload={}, retry_attempt=0),
        frame(type="hello", num_connections=1),
        frame(type="disconnect", reason="refresh_requested"),
    ],
)
def test_envelopes_and_control_messages_pass(text: str) -> None:
    assert envelope_problem(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (frame(envelope_id=ENVELOPE_ID, type="events_api"), ("no payload object", ENVELOPE_ID)),
        (
            frame(envelope_id=ENVELOPE_ID, type="events_api", payload="text"),
            ("no payload object", ENVELOPE_ID),
        ),
        (frame(envelope_id=ENVELOPE_ID, payload={}), ("no type", ENVELOPE_ID)),
        (
            frame(envelope_id=7, type="events_api", payload={}),
            ("envelope_id is not a string", None),
        ),
        (
            frame(envelope_id="", type="events_api", payload={}),
            ("envelope_id is not a string", None),
        ),
        ("[1, 2]", ("not a JSON object", None)),
        (f'{{"envelope_id": "{ENVELOPE_ID}", "payload": {{"tru', ("not JSON", ENVELOPE_ID)),
        ('{"payload": {"envelope_id": "x y"', ("not JSON", None)),
        ("", ("not JSON", None)),
    ],
)
def test_problems_name_the_envelope_to_ack_when_they_can(
    text: str, expected: tuple[str, str | None]
) -> None:
    assert envelope_problem(text) == EnvelopeProblem(*expected)


@given(st.text(max_size=200))
def test_any_frame_is_read_without_raising(text: str) -> None:
    problem = envelope_problem(text)
    assert problem is None or problem.reason


def test_an_ack_carries_the_listeners_json_answer() -> None:
    response = BoltResponse(
        status=200,
        body=json.dumps({"response_type": "ephemeral", "text": "Hi"}),
        headers={"content-type": "application/json;charset=utf-8"},
    )
    assert ack_payload(response) == {"response_type": "ephemeral", "text": "Hi"}


def test_a_plain_text_answer_becomes_text() -> None:
    response = BoltResponse(status=200, body="Working on it")
    assert ack_payload(response) == {"text": "Working on it"}


@pytest.mark.parametrize(
    ("status", "body"), [(200, ""), (404, '{"error": "unhandled request"}'), (500, "")]
)
def test_empty_and_unhandled_answers_give_an_empty_ack(status: int, body: str) -> None:
    response = BoltResponse(status=status, body=body, headers={"content-type": "application/json"})
    assert ack_payload(response) is None
