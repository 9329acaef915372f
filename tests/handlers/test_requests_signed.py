"""Only requests signed by Slack, recently, reach the app; everything else gets 401."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from tests.conftest import MENTEE
from tests.harness import Harness
from tests.slack import payloads


def _help_body() -> bytes:
    return urllib.parse.urlencode(
        {"command": "/mentor", "text": "help", "user_id": MENTEE, "team_id": "T0TEST0001"}
    ).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_unsigned_request_is_refused(harness: Harness) -> None:
    response = harness.sender.post_raw(_help_body(), FORM)
    assert response.status == 401
    harness.wait_idle()
    assert harness.fake.calls_to("response_url") == []


def test_wrongly_signed_request_is_refused(harness: Harness) -> None:
    body = _help_body()
    headers = harness.sender.sign(body, int(time.time()))
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert harness.sender.post_raw(body, {**FORM, **headers}).status == 401


def test_stale_request_is_refused(harness: Harness) -> None:
    body = _help_body()
    headers = harness.sender.sign(body, int(time.time()) - 6 * 60)
    assert harness.sender.post_raw(body, {**FORM, **headers}).status == 401


def test_tampered_body_is_refused(harness: Harness) -> None:
    body = _help_body()
    headers = harness.sender.sign(body, int(time.time()))
    tampered = body.replace(b"help", b"list")
    assert harness.sender.post_raw(tampered, {**FORM, **headers}).status == 401


def test_properly_signed_request_is_answered(harness: Harness) -> None:
    body = _help_body()
    headers = harness.sender.sign(body, int(time.time()))
    assert harness.sender.post_raw(body, {**FORM, **headers}).status == 200


def test_health_answers_with_the_database(harness: Harness) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{harness.server.url}/healthz", timeout=5) as answer:
        assert answer.status == 200
        assert json.loads(answer.read())["database"] == "ok"


def test_health_says_503_when_the_database_is_gone(harness: Harness) -> None:
    import urllib.error
    import urllib.request

    from bot.app import create_app
    from bot.server import build_wsgi_app, start_http_server
    from storage.db import create_db_engine

    broken = create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    server = start_http_server(build_wsgi_app(create_app(harness.ctx), broken), "127.0.0.1", 0)
    try:
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(f"{server.url}/healthz", timeout=10)
        assert raised.value.code == 503
    finally:
        server.stop()
        broken.dispose()


def test_an_event_no_listener_handles_is_acknowledged(harness: Harness) -> None:
    """Slack retries an event delivery that is not answered 200; one the app has no use for
    (a message in its DM) is acknowledged all the same."""
    response = harness.sender.event(
        payloads.message_event("hello", user_id=MENTEE, now=harness.clock().timestamp())
    )
    assert response.status == 200
    harness.wait_idle()
    assert [call.method for call in harness.fake.calls] == ["auth.test"]


def test_a_forged_event_is_still_refused(harness: Harness) -> None:
    body = json.dumps(
        payloads.event_callback(
            payloads.app_uninstalled_event(),
            event_id="Ev0FORGED1",
            event_time=int(time.time()),
        )
    ).encode()
    headers = harness.sender.sign(body, int(time.time()))
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    response = harness.sender.post_raw(body, {"Content-Type": "application/json", **headers})
    assert response.status == 401


def test_a_command_nothing_handles_is_not_acknowledged_as_an_event(harness: Harness) -> None:
    body = urllib.parse.urlencode(
        {"command": "/elsewhere", "text": "", "user_id": MENTEE, "team_id": "T0TEST0001"}
    ).encode()
    headers = harness.sender.sign(body, int(time.time()))
    assert harness.sender.post_raw(body, {**FORM, **headers}).status == 404
