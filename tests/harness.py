"""The end-to-end rig: the real app served over HTTP on 127.0.0.1, reached by signed requests,
calling the loopback Slack fake, on a real database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.context import AppContext
from bot.jobs import run_tick
from bot.server import RunningServer, build_wsgi_app, start_http_server
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.tick import StepResult
from bot.warm_pool import WarmThreadPool
from storage.db import unit_of_work
from tests.clock import FrozenClock
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed_client import AppResponse, SlackSender


class TrackingExecutor(WarmThreadPool):
    """Bolt's listener executor (the production pool), remembering what it ran so a test can
    wait for the work after the ack to finish."""

    def __init__(self, max_workers: int = 5, spare: int = 2) -> None:
        super().__init__(max_workers, spare, thread_name_prefix="listener")
        self._futures: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures.append(future)
        return future

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._lock:
            pending = [f for f in self._futures if not f.done()]
        _done, not_done = wait(pending, timeout=timeout)
        if not_done:
            raise AssertionError(f"{len(not_done)} listener(s) still running after {timeout}s")
        for future in pending:
            future.result()


@dataclass
class Harness:
    settings: Settings
    ctx: AppContext
    engine: Engine
    fake: FakeSlack
    sender: SlackSender
    server: RunningServer
    executor: TrackingExecutor
    clock: FrozenClock

    def wait_idle(self) -> None:
        self.executor.wait_idle()

    def command(self, text: str, *, user_id: str, **kwargs: Any) -> AppResponse:
        kwargs.setdefault("response_url", self.fake.response_url())
        response = self.sender.command(text, user_id=user_id, **kwargs)
        self.wait_idle()
        return response

    def block_action(self, **kwargs: Any) -> AppResponse:
        kwargs.setdefault("response_url", self.fake.response_url())
        response = self.sender.block_action(**kwargs)
        self.wait_idle()
        return response

    def view_submission(self, **kwargs: Any) -> AppResponse:
        response = self.sender.view_submission(**kwargs)
        self.wait_idle()
        return response

    def event(self, event: dict[str, Any], **kwargs: Any) -> AppResponse:
        response = self.sender.event(event, **kwargs)
        self.wait_idle()
        return response

    def tick(self) -> StepResult:
        return run_tick(self.ctx, make_web_client(self.settings), self.clock())

    @contextmanager
    def session(self) -> Iterator[Session]:
        with unit_of_work(self.ctx.sessions) as session:
            yield session


@contextmanager
def running_harness(
    settings: Settings, engine: Engine, fake: FakeSlack, clock: FrozenClock
) -> Iterator[Harness]:
    from storage.db import answering_engine, make_session_factory

    answering = answering_engine(engine)  # as `mentorbot run` serves: acks on a pool of their own
    ctx = AppContext(
        settings=settings, sessions=make_session_factory(engine, answering), clock=clock
    )
    executor = TrackingExecutor()
    app = create_app(ctx, listener_executor=executor)
    assert settings.slack_signing_secret is not None
    secret = settings.slack_signing_secret.get_secret_value()
    server = start_http_server(build_wsgi_app(app, engine, signing_secret=secret), "127.0.0.1", 0)
    sender = SlackSender(
        f"{server.url}/slack/events", settings.slack_signing_secret.get_secret_value()
    )
    try:
        yield Harness(settings, ctx, engine, fake, sender, server, executor, clock)
    finally:
        server.stop()
        executor.shutdown(wait=True)
        if answering is not engine:
            answering.dispose()
