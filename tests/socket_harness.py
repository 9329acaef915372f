"""The end-to-end rig for Socket Mode: the real app connected, the way ``mentorbot serve``
connects it when SLACK_APP_TOKEN is set, to the loopback Socket Mode fake, calling the loopback
Web API fake, on a real database. Every envelope must be acked within Slack's three seconds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.context import AppContext
from bot.settings import Settings
from bot.socket_mode import SocketModeConnection, connect_socket_mode
from storage.db import answering_engine, make_session_factory, unit_of_work
from tests.clock import FrozenClock
from tests.harness import TrackingExecutor
from tests.slack.fake_slack import FakeSlack
from tests.slack.fake_socket_mode import Ack, FakeSocketMode

APP_TOKEN = "xapp-1-A0TESTAPP1-1-0123456789abcdef"


@dataclass
class SocketHarness:
    settings: Settings
    ctx: AppContext
    fake: FakeSlack
    socket_mode: FakeSocketMode
    connection: SocketModeConnection
    executor: TrackingExecutor
    clock: FrozenClock

    def acked(self, envelope_id: str) -> Ack:
        """The envelope's ack (within three seconds), once the work after it has finished."""
        ack = self.socket_mode.wait_for_ack(envelope_id)
        self.executor.wait_idle()
        return ack

    def command(self, text: str, *, user_id: str, **fields: Any) -> Ack:
        fields.setdefault("response_url", self.fake.response_url())
        return self.acked(self.socket_mode.slash_command(text, user_id=user_id, **fields))

    def block_action(self, **kwargs: Any) -> Ack:
        if "view" not in kwargs:
            kwargs.setdefault("response_url", self.fake.response_url())
        return self.acked(self.socket_mode.block_action(**kwargs))

    def view_submission(self, **kwargs: Any) -> Ack:
        return self.acked(self.socket_mode.view_submission(**kwargs))

    def event(self, event: dict[str, Any], **kwargs: Any) -> Ack:
        return self.acked(self.socket_mode.event(event, **kwargs))

    @contextmanager
    def session(self) -> Iterator[Session]:
        with unit_of_work(self.ctx.sessions) as session:
            yield session


@contextmanager
def running_socket_mode(
    settings: Settings,
    engine: Engine,
    fake: FakeSlack,
    socket_mode: FakeSocketMode,
    clock: FrozenClock,
) -> Iterator[SocketHarness]:
    if settings.slack_app_token is None:
        raise ValueError("Socket Mode needs settings with slack_app_token")
    app_token = settings.slack_app_token.get_secret_value()
    fake.serve_socket_mode(socket_mode.issue_url, app_token=app_token)
    answering = answering_engine(engine)  # as `mentorbot run` serves: acks on a pool of their own
    ctx = AppContext(
        settings=settings, sessions=make_session_factory(engine, answering), clock=clock
    )
    executor = TrackingExecutor()
    app = create_app(ctx, listener_executor=executor)
    connection = connect_socket_mode(app, app_token)
    try:
        socket_mode.wait_connected()
        yield SocketHarness(settings, ctx, fake, socket_mode, connection, executor, clock)
        socket_mode.check_all_acked()
    finally:
        # Closed from Slack's side first, so the client's blocking read ends at once.
        connection.client.auto_reconnect_enabled = False
        socket_mode.close_connections()
        connection.close()
        executor.shutdown(wait=True)
        if answering is not engine:
            answering.dispose()
