"""The loopback Socket Mode fake, driven by slack_sdk's own built-in Socket Mode client (the one
Bolt's SocketModeHandler uses) and, for what that client never sends, by a raw socket."""

from __future__ import annotations

import base64
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack
from tests.slack.fake_socket_mode import FakeSocketMode

TOKEN = "xoxb-fake-socket-test"
APP_TOKEN = "xapp-1-A0TESTAPP1-1-fake"
ALICE = "U0MENTEE1"
# Short, so the tests of late and missing acks take a fraction of a second.
SHORT_DEADLINE = 0.3

Listener = Callable[[BaseSocketModeClient, SocketModeRequest], None]


@pytest.fixture
def socket_mode() -> Iterator[FakeSocketMode]:
    with FakeSocketMode() as running:
        yield running


@pytest.fixture
def fake(socket_mode: FakeSocketMode) -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as running:
        running.serve_socket_mode(socket_mode.issue_url, app_token=APP_TOKEN)
        yield running


@pytest.fixture
def connect(
    fake: FakeSlack, socket_mode: FakeSocketMode
) -> Iterator[Callable[[Listener], SocketModeClient]]:
    clients: list[SocketModeClient] = []

    def connect(listener: Listener) -> SocketModeClient:
        client = SocketModeClient(
            app_token=APP_TOKEN, web_client=WebClient(token=TOKEN, base_url=fake.base_url)
        )
        client.socket_mode_request_listeners.append(listener)
        client.connect()
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.auto_reconnect_enabled = False
        client.closed = True
        client.message_queue.put(None)  # wakes its message processor: it stops without a wait
    socket_mode.close_connections()
    for client in clients:
        client.close()


def ack_with_text(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
    client.send_socket_mode_response(
        SocketModeResponse(envelope_id=request.envelope_id, payload={"text": f"got {request.type}"})
    )


def ignore(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
    """A listener that never acks."""


# -- apps.connections.open -------------------------------------------------------------------------


def test_connections_open_answers_a_single_use_loopback_url(
    fake: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    answer = WebClient(token=APP_TOKEN, base_url=fake.base_url).apps_connections_open(
        app_token=APP_TOKEN
    )
    url = urllib.parse.urlsplit(str(answer["url"]))
    assert (url.scheme, url.hostname, url.port, url.path) == (
        "ws",
        "127.0.0.1",
        socket_mode.port,
        "/link/",
    )
    query = urllib.parse.parse_qs(url.query)
    assert query["app_id"] == [payloads.API_APP_ID]
    assert query["ticket"][0]
    again = fake.calls_to("apps.connections.open")
    assert again[0].token == APP_TOKEN
    second = WebClient(base_url=fake.base_url).apps_connections_open(app_token=APP_TOKEN)
    assert second["url"] != answer["url"]


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("xapp-1-A0TESTAPP1-1-wrong", "invalid_auth"),
        (TOKEN, "not_allowed_token_type"),
        ("", "not_authed"),
    ],
)
def test_connections_open_needs_the_app_level_token(
    fake: FakeSlack, token: str, error: str
) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=fake.base_url).apps_connections_open(app_token=token)
    assert raised.value.response["error"] == error


def test_the_app_level_token_is_refused_where_a_bot_token_is_needed(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=APP_TOKEN, base_url=fake.base_url).chat_postMessage(
            channel=ALICE, text="hi"
        )
    assert raised.value.response["error"] == "not_allowed_token_type"


def test_without_socket_mode_no_token_opens_a_connection() -> None:
    with FakeSlack(token=TOKEN) as fake:
        for token, error in ((APP_TOKEN, "invalid_auth"), (TOKEN, "not_allowed_token_type")):
            with pytest.raises(SlackApiError) as raised:
                WebClient(base_url=fake.base_url).apps_connections_open(app_token=token)
            assert raised.value.response["error"] == error


# -- the WebSocket ---------------------------------------------------------------------------------


def test_a_connection_is_greeted_with_hello_and_answers_pings(
    socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    seen: list[dict[str, Any]] = []
    client = connect(ignore)
    client.message_listeners.append(lambda _client, message, _raw: seen.append(message))
    socket_mode.wait_connected()
    assert client.is_connected()
    assert socket_mode.open_connections == 1

    # The client pings as it connects and notes the pong's time.
    deadline = time.monotonic() + 5
    session = client.current_session
    assert session is not None
    while session.last_ping_pong_time is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert session.last_ping_pong_time is not None
    assert socket_mode.problems == []


def test_hello_is_shaped_like_slacks(socket_mode: FakeSocketMode) -> None:
    hello = socket_mode._hello()
    assert hello["type"] == "hello"
    assert hello["connection_info"] == {"app_id": payloads.API_APP_ID}
    assert {"host", "build_number", "approximate_connection_time"} <= set(hello["debug_info"])


def test_envelopes_reach_the_client_and_acks_are_recorded_with_their_payload(
    socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    received: list[SocketModeRequest] = []

    def listener(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        ack_with_text(client, request)

    connect(listener)
    socket_mode.wait_connected()
    command = socket_mode.slash_command("help", user_id=ALICE)
    event = socket_mode.event(
        payloads.app_home_opened_event(ALICE, now=time.time()), retry_attempt=1
    )
    click = socket_mode.block_action(user_id=ALICE, action_id="go", value="1")

    assert socket_mode.wait_for_ack(command).payload == {"text": "got slash_commands"}
    assert socket_mode.wait_for_ack(event).payload == {"text": "got events_api"}
    assert socket_mode.wait_for_ack(click).seconds < socket_mode.ack_deadline
    socket_mode.check_all_acked()

    by_id = {request.envelope_id: request for request in received}
    assert by_id[command].type == "slash_commands"
    assert by_id[command].accepts_response_payload is True
    assert by_id[command].payload["command"] == "/mentor"
    assert by_id[command].payload["text"] == "help"
    assert by_id[event].type == "events_api"
    assert by_id[event].payload["event"]["type"] == "app_home_opened"
    assert (by_id[event].retry_attempt, by_id[event].retry_reason) == (1, "")
    assert by_id[click].type == "interactive"
    assert by_id[click].accepts_response_payload is False
    assert by_id[click].payload["actions"][0]["action_id"] == "go"


def test_a_view_submission_accepts_a_response_payload(
    socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    received: list[SocketModeRequest] = []

    def listener(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        client.send_socket_mode_response(
            SocketModeResponse(
                envelope_id=request.envelope_id, payload={"response_action": "clear"}
            )
        )

    connect(listener)
    socket_mode.wait_connected()
    submitted = socket_mode.view_submission(user_id=ALICE, callback_id="ask", values={})
    assert socket_mode.wait_for_ack(submitted).payload == {"response_action": "clear"}
    assert received[0].accepts_response_payload is True
    assert received[0].payload["view"]["callback_id"] == "ask"


def test_large_envelopes_and_acks_cross_intact(
    socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    def echo(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=request.payload)
        )

    connect(echo)
    socket_mode.wait_connected()
    # Past both of WebSocket's longer length encodings (16 and 64 bits).
    for size in (300, 70_000):
        payload = {"type": "block_actions", "note": "é" + "x" * size}
        envelope_id = socket_mode.send_envelope(
            "interactive", payload, accepts_response_payload=False
        )
        assert socket_mode.wait_for_ack(envelope_id).payload == payload


def test_a_missing_ack_fails_the_wait(
    socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    socket_mode.ack_deadline = SHORT_DEADLINE
    connect(ignore)
    socket_mode.wait_connected()
    envelope_id = socket_mode.slash_command("help", user_id=ALICE)
    with pytest.raises(AssertionError, match="not acked within"):
        socket_mode.wait_for_ack(envelope_id)
    with pytest.raises(AssertionError, match="not acked within"):
        socket_mode.check_all_acked()


def test_a_late_ack_fails_the_wait(
    socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    arrived = threading.Event()

    def slow(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        time.sleep(SHORT_DEADLINE + 0.2)
        ack_with_text(client, request)
        arrived.set()

    socket_mode.ack_deadline = SHORT_DEADLINE
    connect(slow)
    socket_mode.wait_connected()
    envelope_id = socket_mode.slash_command("help", user_id=ALICE)
    assert arrived.wait(timeout=5)
    # The ack left the client; the fake records it on its own thread a moment later.
    deadline = time.monotonic() + 5
    while envelope_id not in socket_mode.acks and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(AssertionError, match="acked after"):
        socket_mode.wait_for_ack(envelope_id)


def test_stray_and_second_acks_are_problems(
    socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    def twice(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        ack_with_text(client, request)
        ack_with_text(client, request)
        client.send_socket_mode_response({"envelope_id": "never-sent"})
        client.send_message("not json")

    connect(twice)
    socket_mode.wait_connected()
    envelope_id = socket_mode.slash_command("help", user_id=ALICE)
    socket_mode.wait_for_ack(envelope_id)
    deadline = time.monotonic() + 5
    while len(socket_mode.problems) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    problems = socket_mode.problems
    assert any(f"second ack of {envelope_id}" in p for p in problems)
    assert any("never-sent" in p for p in problems)
    assert any("not a JSON object" in p for p in problems)
    with pytest.raises(AssertionError, match="protocol problems"):
        socket_mode.check_all_acked()


def test_disconnect_makes_the_client_reconnect_with_a_new_url(
    fake: FakeSlack, socket_mode: FakeSocketMode, connect: Callable[[Listener], SocketModeClient]
) -> None:
    connect(ack_with_text)
    socket_mode.wait_connected()
    socket_mode.disconnect("refresh_requested")
    socket_mode.wait_connected(count=2)
    assert len(fake.calls_to("apps.connections.open")) == 2

    deadline = time.monotonic() + 5
    while socket_mode.open_connections != 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    envelope_id = socket_mode.slash_command("help", user_id=ALICE)
    assert socket_mode.wait_for_ack(envelope_id).payload == {"text": "got slash_commands"}


def test_sending_with_no_connection_is_a_clear_error(socket_mode: FakeSocketMode) -> None:
    with pytest.raises(AssertionError, match="no open Socket Mode connection"):
        socket_mode.slash_command("help", user_id=ALICE)


# -- handshakes the SDK never makes ----------------------------------------------------------------


def _handshake(port: int, target: str, *, upgrade: bool = True) -> str:
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1"]
    if upgrade:
        lines += ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}"]
    lines += ["Sec-WebSocket-Version: 13", "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall("\r\n".join(lines).encode())
        return sock.recv(4096).decode("latin-1").split("\r\n")[0]


def test_tickets_are_single_use_and_must_be_issued(socket_mode: FakeSocketMode) -> None:
    url = urllib.parse.urlsplit(socket_mode.issue_url())
    target = f"{url.path}?{url.query}"
    assert _handshake(socket_mode.port, target) == "HTTP/1.1 101 Switching Protocols"
    assert _handshake(socket_mode.port, target) == "HTTP/1.1 401 Unauthorized"
    assert _handshake(socket_mode.port, "/link/?ticket=made-up") == "HTTP/1.1 401 Unauthorized"
    assert _handshake(socket_mode.port, "/elsewhere") == "HTTP/1.1 404 Not Found"
    fresh = urllib.parse.urlsplit(socket_mode.issue_url())
    assert (
        _handshake(socket_mode.port, f"{fresh.path}?{fresh.query}", upgrade=False)
        == "HTTP/1.1 400 Bad Request"
    )
    assert socket_mode.refused_handshakes == [401, 401, 404, 400]


def test_socket_mode_is_served_for_an_app_level_token_only(socket_mode: FakeSocketMode) -> None:
    with FakeSlack(token=TOKEN) as fake, pytest.raises(ValueError, match="xapp-"):
        fake.serve_socket_mode(socket_mode.issue_url, app_token=TOKEN)
