"""The HTTP side: ``POST /slack/events`` into Bolt, ``GET /healthz``, served by waitress."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from sqlalchemy import Engine
from waitress import wasyncore
from waitress.server import create_server

from bot.logging import get_logger
from storage.db import database_reachable

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 8

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


class _AckingRequestHandler(SlackRequestHandler):
    """Bolt answers 404 to a signed event that no listener handles, and Slack retries a delivery
    that is not answered 200 (it sends ``app_uninstalled`` and ``tokens_revoked`` to every app).
    Such an event is acknowledged with 200 instead. Bolt verifies the signature before it looks
    for a listener, so a forged request still gets its 401."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        body = request.get_body()  # reads the input stream: once only
        response = self.app.dispatch(
            BoltRequest(body=body, query=request.query_string, headers=request.get_headers())
        )
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


def build_wsgi_app(bolt_app: App, engine: Engine) -> WSGIApplication:
    slack = _AckingRequestHandler(bolt_app, path=EVENTS_PATH)

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
        return slack(environ, start_response)

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


def start_http_server(app: WSGIApplication, host: str, port: int) -> RunningServer:
    server: Any = create_server(app, host=host, port=port, threads=SERVER_THREADS)
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
    server: Any = create_server(app, host=host, port=port, threads=SERVER_THREADS)
    server.run()
