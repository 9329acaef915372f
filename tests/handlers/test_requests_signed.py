"""Only requests signed by Slack, recently, reach the app; everything else gets 401."""

from __future__ import annotations

import io
import json
import time
import urllib.parse

import pytest
from structlog.testing import capture_logs

from bot.server import MAX_BODY_BYTES
from bot.settings import Settings
from storage.models import Person
from tests.clock import FrozenClock
from tests.conftest import MENTEE, SIGNING_SECRET
from tests.harness import Harness, running_harness
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack


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
    server = start_http_server(
        build_wsgi_app(create_app(harness.ctx), broken, signing_secret=SIGNING_SECRET),
        "127.0.0.1",
        0,
    )
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


JUNK_BODIES = [
    pytest.param(b"\xff\xfe\x00\x81 not text at all \xc3\x28", FORM, id="bytes-not-utf8"),
    pytest.param(b"payload=%7B%22type%22%3A", FORM, id="cut-off-payload"),
    pytest.param(b"{not json", {"Content-Type": "application/json"}, id="broken-json"),
    pytest.param(b"", FORM, id="empty"),
]


@pytest.mark.parametrize(("body", "headers"), JUNK_BODIES)
def test_an_unsigned_junk_body_gets_401_and_is_not_logged(
    harness: Harness, body: bytes, headers: dict[str, str]
) -> None:
    marker = b"MARKER-" + b"x" * 64
    with capture_logs() as logs:
        response = harness.sender.post_raw(body + marker, headers)
    assert response.status == 401
    assert "Traceback" not in response.body
    assert not [entry for entry in logs if entry.get("log_level") in ("error", "critical")]
    assert "MARKER-" not in repr(logs)


@pytest.mark.parametrize(("body", "headers"), JUNK_BODIES)
def test_a_signed_junk_body_is_refused_without_an_error(
    harness: Harness, body: bytes, headers: dict[str, str]
) -> None:
    signed = harness.sender.sign(body, int(time.time()))
    with capture_logs() as logs:
        response = harness.sender.post_raw(body, {**headers, **signed})
    harness.wait_idle()
    assert 400 <= response.status < 500
    assert "Traceback" not in response.body
    assert not [entry for entry in logs if entry.get("log_level") in ("error", "critical")]


def test_a_body_larger_than_slack_ever_sends_gets_413_unread(harness: Harness) -> None:
    response = harness.sender.post_declaring(MAX_BODY_BYTES + 1, FORM)
    assert response.status == 413
    # The app still answers what Slack sends.
    assert harness.command("help", user_id=MENTEE).status == 200


def test_the_app_itself_refuses_a_declared_oversize_body_without_reading_it(
    harness: Harness,
) -> None:
    """Behind any server (not only waitress, which refuses it first): the gate answers 413
    from the declared length and never reads the body."""
    from bot.app import create_app
    from bot.server import build_wsgi_app

    class Unreadable(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("the body was read")

    wsgi = build_wsgi_app(create_app(harness.ctx), harness.engine, signing_secret=SIGNING_SECRET)
    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_LENGTH": str(MAX_BODY_BYTES + 1),
        "CONTENT_TYPE": FORM["Content-Type"],
        "wsgi.input": Unreadable(),
    }
    with capture_logs() as logs:
        body = b"".join(wsgi(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["413 Request Entity Too Large"]
    assert body == b"Request Entity Too Large"
    assert [entry["why"] for entry in logs] == ["too large"]


def test_a_request_the_database_cannot_take_says_nothing_was_saved(
    settings: Settings, fake_slack: FakeSlack, clock: FrozenClock
) -> None:
    """The database is unreachable: the person is told in plain words that nothing was saved
    and to try again, with a reference that the one error line in the log carries."""
    from storage.db import create_db_engine

    broken = create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    try:
        with running_harness(settings, broken, fake_slack, clock) as down, capture_logs() as logs:
            response = down.command("goals", user_id=MENTEE)
            down.wait_idle()
    finally:
        broken.dispose()
    assert response.status == 200
    said = response.body + " ".join(
        str(call.args.get("text", "")) for call in fake_slack.calls_to("response_url")
    )
    assert "nothing was saved" in said
    assert "try again" in said
    errors = [entry for entry in logs if entry.get("log_level") == "error"]
    assert len(errors) == 1
    assert errors[0]["ref"] in said


def test_a_command_longer_than_anyone_types_is_refused_before_it_is_read(
    harness: Harness,
) -> None:
    text = "ask " + "in " * 20_000 + "research"
    with capture_logs() as logs:
        response = harness.command(text, user_id=MENTEE)
    assert response.status == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert "too long" in answer["text"]
    assert "in in in" not in repr(logs)
    with harness.session() as session:
        assert session.get(Person, MENTEE) is None  # nothing was read or saved for it
