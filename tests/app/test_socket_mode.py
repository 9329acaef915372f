"""Socket Mode end to end, the README's default: the app connected as ``mentorbot serve``
connects it, Slack's envelopes in, acks (with their payloads) and Web API calls out, on SQLite.
Every envelope, even one nothing handles or one Slack garbled, is acked within three seconds and
the connection keeps serving."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from structlog.testing import capture_logs

from handlers import ids
from tests import databases
from tests.clock import FrozenClock
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER, make_settings
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_pairings,
    count_requests,
    ephemeral_replies,
    last_dm,
    modal_values,
    only_pairing,
    only_request,
    selected,
    typed,
)
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack
from tests.slack.fake_socket_mode import FakeSocketMode
from tests.socket_harness import APP_TOKEN, SocketHarness, running_socket_mode


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the storage code is the same in either mode and runs on both elsewhere."""
    return databases.sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture
def socket_mode() -> Iterator[FakeSocketMode]:
    with FakeSocketMode() as running:
        yield running


@pytest.fixture
def app(
    db_url: str,
    engine: Engine,
    fake_slack: FakeSlack,
    socket_mode: FakeSocketMode,
    clock: FrozenClock,
) -> Iterator[SocketHarness]:
    # No signing secret: Socket Mode needs none.
    settings = make_settings(
        database_url=db_url,
        slack_api_url=fake_slack.base_url,
        slack_app_token=APP_TOKEN,
        slack_signing_secret=None,
    )
    with running_socket_mode(settings, engine, fake_slack, socket_mode, clock) as running:
        yield running


def ask(app: SocketHarness, text: str) -> None:
    app.command(f"ask {text}", user_id=MENTEE)


def test_the_app_connects_with_the_app_level_token(
    app: SocketHarness, socket_mode: FakeSocketMode
) -> None:
    opened = app.fake.calls_to("apps.connections.open")
    assert len(opened) == 1
    assert opened[0].token == APP_TOKEN
    assert opened[0].ok
    assert socket_mode.open_connections == 1


def test_help_comes_back_in_the_ack(app: SocketHarness) -> None:
    ack = app.command("help", user_id=MENTEE)
    assert ack.payload is not None
    assert ack.payload["response_type"] == "ephemeral"
    assert ack.payload["blocks"][0]["type"] == "header"
    assert "/mentor help" in all_text(ack.payload["blocks"])
    # The guide travels in the ack; nothing else is posted.
    assert app.fake.calls_to("chat.postMessage") == []


def test_bad_input_is_answered_in_the_ack_and_changes_nothing(app: SocketHarness) -> None:
    ack = app.command("ask bob research", user_id=MENTEE)
    assert ack.payload is not None
    assert ack.payload["response_type"] == "ephemeral"
    assert ack.payload["text"]
    assert count_requests(app) == 0


def test_ask_then_the_mentor_accepts(app: SocketHarness) -> None:
    ask(app, f"<@{MENTOR}|bob> research I'd like help planning my first study")
    request = only_request(app)
    assert (request.status, request.focus, request.mentor_id) == ("pending", "research", MENTOR)
    dm = last_dm(app, MENTOR)
    assert "planning my first study" in all_text(dm.args["blocks"])
    assert any("I've asked" in reply for reply in ephemeral_replies(app))
    accept = buttons(dm.args["blocks"])[ids.REQUEST_ACCEPT]

    # A stranger's forged click is acked and refused; the mentor's own click pairs them.
    app.block_action(user_id=STRANGER, action_id=ids.REQUEST_ACCEPT, value=accept["value"])
    assert count_pairings(app) == 0
    ack = app.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=accept["value"])
    assert ack.payload is None

    pairing = only_pairing(app)
    assert (pairing.mentor_id, pairing.mentee_id, pairing.status) == (MENTOR, MENTEE, "active")
    assert "now mentoring" in all_text(app.fake.calls_to("chat.update")[-1].args["blocks"])
    assert "accepted" in all_text(last_dm(app, MENTEE).args["blocks"])


def test_a_modal_submission_is_checked_in_the_ack_then_saved(app: SocketHarness) -> None:
    ask(app, f"<@{MENTOR}> could we talk about my research year?")
    opened = app.fake.calls_to("views.open")
    assert len(opened) == 1
    view = opened[0].args["view"]
    assert view["callback_id"] == ids.ASK_VIEW

    # Slack shows a response_action carried by the ack: here, the missing focus.
    refused = app.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("hi"))),
    )
    assert refused.payload is not None
    assert refused.payload["response_action"] == "errors"
    assert ids.FOCUS_BLOCK in refused.payload["errors"]
    assert count_requests(app) == 0

    app.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("could we talk about my research year?")),
        ),
    )
    request = only_request(app)
    assert (request.focus, request.mentor_id) == ("research", MENTOR)
    assert "research year" in all_text(last_dm(app, MENTOR).args["blocks"])


def test_app_home_opened_publishes_the_home_tab_once_per_event(app: SocketHarness) -> None:
    event = payloads.app_home_opened_event(MENTEE, now=time.time())
    first = app.event(event, event_id="Ev0HOME0001")
    assert first.payload is None
    published = app.fake.calls_to("views.publish")
    assert len(published) == 1
    assert published[0].ok
    assert published[0].args["user_id"] == MENTEE
    assert published[0].args["view"]["type"] == "home"

    # Slack's retry of the same event (retry_attempt 1) is acked and changes nothing.
    app.event(event, event_id="Ev0HOME0001", retry_attempt=1, retry_reason="timeout")
    assert len(app.fake.calls_to("views.publish")) == 1


@pytest.mark.parametrize(
    "event",
    [
        payloads.app_mention_event("hello", user_id=MENTEE, now=1_700_000_000.0),
        payloads.message_event("hi there", user_id=MENTEE, now=1_700_000_000.0),
    ],
    ids=lambda event: str(event["type"]),
)
def test_events_nothing_handles_are_acked_and_the_connection_serves_on(
    app: SocketHarness, event: dict[str, object]
) -> None:
    calls_before = len(app.fake.calls)
    with capture_logs() as logs:
        ack = app.event(event)
    assert ack.payload is None
    assert len(app.fake.calls) == calls_before
    unhandled = [entry for entry in logs if entry["event"] == "slack.envelope.unhandled"]
    assert [(e["envelope_type"], e["payload_type"]) for e in unhandled] == [
        ("events_api", event["type"])
    ]
    assert app.command("help", user_id=MENTEE).payload is not None


def _envelope(envelope_id: str, **fields: object) -> dict[str, object]:
    return {"envelope_id": envelope_id, "accepts_response_payload": False, **fields}


@pytest.mark.parametrize(
    ("frame", "envelope_id"),
    [
        # An envelope without its payload.
        (json.dumps(_envelope("e-no-payload", type="events_api")), "e-no-payload"),
        # A payload that is not an object.
        (json.dumps(_envelope("e-list", type="interactive", payload=[1, 2])), "e-list"),
        # An envelope type Slack may add one day.
        (
            json.dumps(_envelope("e-unknown", type="shiny_new_thing", payload={"type": "x"})),
            "e-unknown",
        ),
        # No type at all.
        (json.dumps(_envelope("e-no-type", payload={"type": "x"})), "e-no-type"),
        # Cut off mid-way: not JSON, but its envelope id can still be read.
        ('{"envelope_id":"e-junk","type":"events_api","payload":{"ev', "e-junk"),
    ],
    ids=["no-payload", "payload-not-object", "unknown-type", "no-type", "junk-json"],
)
def test_malformed_envelopes_are_acked_and_the_connection_serves_on(
    app: SocketHarness, socket_mode: FakeSocketMode, frame: str, envelope_id: str
) -> None:
    with capture_logs() as logs:
        socket_mode.send_raw(frame, envelope_id=envelope_id)
        ack = app.acked(envelope_id)
    assert ack.payload is None
    noted = [e for e in logs if e["event"].startswith("slack.envelope.")]
    assert [e["envelope_id"] for e in noted] == [envelope_id]
    assert app.fake.calls_to("chat.postMessage") == []
    assert app.command("help", user_id=MENTEE).payload is not None


@pytest.mark.parametrize("frame", ["not json at all", "[1, 2, 3]", '{"type": "mystery"}'])
def test_frames_with_no_envelope_id_are_dropped_and_the_connection_serves_on(
    app: SocketHarness, socket_mode: FakeSocketMode, frame: str
) -> None:
    socket_mode.send_raw(frame)
    help_ack = app.command("help", user_id=MENTEE)
    assert help_ack.payload is not None
    assert socket_mode.open_connections == 1
    assert socket_mode.problems == []


def test_a_refresh_from_slack_reconnects_and_serving_goes_on(
    app: SocketHarness, socket_mode: FakeSocketMode
) -> None:
    socket_mode.disconnect("refresh_requested")
    socket_mode.wait_connected(count=2)
    assert len(app.fake.calls_to("apps.connections.open")) == 2
    ack = app.command("help", user_id=MENTEE)
    assert ack.payload is not None
    assert ack.payload["response_type"] == "ephemeral"


def test_removal_and_deactivation_arrive_over_socket_mode_too(app: SocketHarness) -> None:
    from storage.installation import sending_stopped
    from storage.models import Person
    from storage.people import ensure_person

    with app.session() as session:
        ensure_person(session, MENTEE)
    app.event({"type": "user_change", "user": {"id": MENTEE, "deleted": True}})
    app.event(payloads.app_uninstalled_event())
    with app.session() as session:
        person = session.get(Person, MENTEE)
        assert person is not None
        assert person.left_at is not None
        assert sending_stopped(session)


def test_an_introduction_and_its_answer_over_socket_mode(app: SocketHarness) -> None:
    from sqlalchemy import select

    from storage.models import ColleagueIntroduction

    ask(app, f"<@{MENTOR}> research")
    accept = buttons(last_dm(app, MENTOR).args["blocks"])[ids.REQUEST_ACCEPT]
    app.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=accept["value"])
    app.command(f"introduce <@{MENTOR2}> she runs the registry", user_id=MENTOR)

    group = payloads.conversation_id_for([MENTEE, MENTOR2])
    (posted,) = [c for c in app.fake.calls_to("chat.postMessage") if c.args["channel"] == group]
    happy = buttons(posted.args["blocks"])[ids.INTRO_HAPPY]
    app.block_action(user_id=MENTEE, action_id=ids.INTRO_HAPPY, value=happy["value"])  # not theirs
    ack = app.block_action(user_id=MENTOR2, action_id=ids.INTRO_HAPPY, value=happy["value"])
    assert ack.payload is None
    with app.session() as session:
        (made,) = session.scalars(select(ColleagueIntroduction)).all()
    assert made.status == "accepted"
    (redrawn,) = [c for c in app.fake.calls_to("chat.update") if c.args["channel"] == group]
    assert "happy to talk" in all_text(redrawn.args["blocks"])
