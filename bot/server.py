"""The HTTP side: ``POST /slack/events`` into Bolt, ``GET /healthz``, served by waitress."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from bot.logging import get_logger
from storage.db import database_reachable

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Each server thread holds its request until the listener acks (a few ms); 16 keep fifty people
# acting at once from queueing for a thread (8 queued them 120 ms at the median, bench mixed).
SERVER_THREADS = 16
# Connections accepted per turn of waitress's loop (see _accept_all_waiting).
ACCEPTS_PER_TURN = 64
# Slack's requests are small (a view submission with every field full is a few hundred KB);
# anything larger is refused before it is read, signed or not.
MAX_BODY_BYTES = 1024 * 1024

log = get_logger("mentorbot.server")


def unhandled_event_type(body: str) -> str | None:
    """The event type of an Events API delivery (``event_callback``), or None for anything else
    (commands, interactivity, url_verification, unreadable bodies)."""
    try:
        envelope = json.loads(body)
    except ValueError:
        return None
    if not isinstance(envelope, dict) or envelope.get("type") != "event_callback":
        return None
    event = envelope.get("event")
    kind = event.get("type") if isinstance(event, dict) else None
    return kind if isinstance(kind, str) else "unknown"


def _plain(start_response: StartResponse, status: str) -> list[bytes]:
    body = status.split(" ", 1)[1].encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _content_length(environ: WSGIEnvironment) -> int | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


def _header(environ: WSGIEnvironment, name: str) -> str:
    return str(environ.get("HTTP_" + name.upper().replace("-", "_"), ""))


class _SignedBodies:
    """The gate in front of Bolt: a body is read only when its declared size is one Slack could
    send (413 otherwise, unread), and handed on only when it is text that Slack signed (401
    otherwise). What was refused is logged by its size, never its content."""

    def __init__(self, signing_secret: str, slack: SlackRequestHandler) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._slack = slack

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        length = _content_length(environ)
        if length is None:
            log.info("slack.request.refused", why="unreadable length")
            return _plain(start_response, "400 Bad Request")
        if length > MAX_BODY_BYTES:
            log.info("slack.request.refused", why="too large", size=length)
            return _plain(start_response, "413 Request Entity Too Large")
        raw: bytes = environ["wsgi.input"].read(length) if length else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None  # Slack sends text: whatever this is, Slack did not send it
        timestamp = _header(environ, "X-Slack-Request-Timestamp")
        signed = (
            text is not None
            and timestamp.isdigit()
            and self._verifier.is_valid(
                body=text, timestamp=timestamp, signature=_header(environ, "X-Slack-Signature")
            )
        )
        if not signed:
            log.info("slack.request.refused", why="signature", size=len(raw))
            return _plain(start_response, "401 Unauthorized")
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        return self._slack(environ, start_response)


class _AckingRequestHandler(SlackRequestHandler):
    """Bolt answers 404 to a signed event that no listener handles, and Slack retries a delivery
    that is not answered 200 (it sends ``app_uninstalled`` and ``tokens_revoked`` to every app).
    Such an event is acknowledged with 200 instead. Bolt verifies the signature before it looks
    for a listener, so a forged request still gets its 401."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        body = request.get_body()  # reads the input stream: once only
        try:
            bolt_request = BoltRequest(
                body=body, query=request.query_string, headers=request.get_headers()
            )
        except ValueError:
            # Signed by Slack, yet not a payload Bolt can read: nothing to act on.
            log.info("slack.request.refused", why="unreadable payload", size=len(body))
            return BoltResponse(status=400, body="")
        response = self.app.dispatch(bolt_request)
        if response.status == 404:
            event_type = unhandled_event_type(body)
            if event_type is not None:
                log.info("slack.event.unhandled", event_type=event_type)
                return BoltResponse(status=200, body="")
        return response


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def build_wsgi_app(bolt_app: App, engine: Engine, *, signing_secret: str) -> WSGIApplication:
    slack = _SignedBodies(signing_secret, _AckingRequestHandler(bolt_app, path=EVENTS_PATH))

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            if database_reachable(engine):
                return _json(start_response, "200 OK", {"status": "ok", "database": "ok"})
            return _json(
                start_response,
                "503 Service Unavailable",
                {"status": "unavailable", "database": "unreachable"},
            )
        if environ.get("PATH_INFO") == EVENTS_PATH and environ.get("REQUEST_METHOD") == "POST":
            return slack(environ, start_response)
        return _plain(start_response, "404 Not Found")

    return application


@dataclass
class RunningServer:
    """A waitress server on its own thread (for ``run`` mode and for tests)."""

    port: int
    stop: Callable[[], None]
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _accept_all_waiting(server: BaseWSGIServer) -> None:
    """Make ``server`` accept every connection waiting when its socket wakes it, not one.

    Waitress's loop accepts one connection per turn, and in a busy process each turn waits for
    the interpreter behind other threads: fifty people acting at once waited 150 ms on average
    (measured under the mixed benchmark) before their connection was even accepted, while
    server threads stood idle."""
    accept_one = server.handle_accept
    channels: dict[int, Any] = vars(server)["_map"]  # the loop's socket map (not in the stubs)

    def handle_accept() -> None:
        for _ in range(ACCEPTS_PER_TURN):
            before = len(channels)
            accept_one()
            if len(channels) == before or len(channels) >= server.adj.connection_limit:
                return  # nothing more waiting, or as many connections as allowed

    server.handle_accept = handle_accept  # type: ignore[method-assign]


def _waitress(app: WSGIApplication, host: str, port: int) -> Any:
    server = create_server(
        app, host=host, port=port, threads=SERVER_THREADS, max_request_body_size=MAX_BODY_BYTES
    )
    # One listening socket is the server itself; several (a host name with IPv4 and IPv6
    # addresses) are in a MultiSocketServer's map.
    listening = (
        [server] if isinstance(server, BaseWSGIServer) else list((server.map or {}).values())
    )
    for socket_server in listening:
        if isinstance(socket_server, BaseWSGIServer):
            _accept_all_waiting(socket_server)
    return server


def start_http_server(app: WSGIApplication, host: str, port: int) -> RunningServer:
    server = _waitress(app, host, port)
    stopping = threading.Event()

    def loop() -> None:
        # Short polls, so stop() can end the loop before closing the sockets it selects on.
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, name="http", daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=5)
        server.close()
        server.task_dispatcher.shutdown()

    return RunningServer(port=int(server.effective_port), stop=stop, thread=thread)


def serve_http(app: WSGIApplication, host: str, port: int) -> None:
    """Serve until interrupted (SIGINT/SIGTERM)."""
    _waitress(app, host, port).run()
