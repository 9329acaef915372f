"""Builds the Bolt ``App``: the Web API client, and every listener registered in one place."""

from __future__ import annotations

from concurrent.futures import Executor

from slack_bolt import App, BoltRequest, BoltResponse

from bot.context import AppContext
from bot.signalled_ack import SignalledAck
from bot.slack_client import make_web_client, pace_listener_clients
from bot.warm_pool import WarmThreadPool
from handlers import actions, commands, events, views
from handlers.response_urls import only_slack_response_urls

# A listener keeps its thread after it acks, for the work that follows: the database, then Slack,
# whose answers take 100-500 ms and whose calls wait their turn in the workspace's shared budget
# (a busy Monday morning queues them for a minute or more). With Bolt's default pool of five
# threads, or any pool that such waiting can fill, the next person's request waits for a thread
# before it can even ack, past Slack's three seconds. A thread waiting on the network costs
# little, and the pool only grows when every thread is busy, so it is wide: a request starts at
# once unless this many listeners are still at work.
LISTENER_THREADS = 500
# Threads kept idle for the next requests (bot.warm_pool): a burst of this many people acting
# at once finds a thread each without waiting for one to start.
SPARE_LISTENER_THREADS = 64


def listener_pool() -> WarmThreadPool:
    return WarmThreadPool(LISTENER_THREADS, SPARE_LISTENER_THREADS, thread_name_prefix="listener")


class AcksFirstApp(App):
    """Bolt's ``App``, giving each request (over HTTP and Socket Mode alike) a
    :class:`SignalledAck`: Bolt returns as soon as the listener acks, and while a listener is
    answering, work after other acks gives way to it (``bot.acks_first``)."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        req.context["ack"] = SignalledAck()
        return super().dispatch(req)


def create_app(
    ctx: AppContext,
    *,
    listener_executor: Executor | None = None,
    token_verification: bool = True,
) -> App:
    """The app acks each request as soon as its listener calls ``ack()`` (well within Slack's
    three seconds) and finishes the listener's slower work on ``listener_executor``."""
    settings = ctx.settings
    client = make_web_client(settings)
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    app = AcksFirstApp(
        client=client,
        signing_secret=signing_secret,
        process_before_response=False,
        token_verification_enabled=token_verification,
        # Socket Mode connections are authenticated by the app token instead.
        request_verification_enabled=not settings.socket_mode,
        listener_executor=listener_executor or listener_pool(),
        raise_error_for_unhandled_request=False,
    )
    app.use(only_slack_response_urls(settings.slack_response_url_base))
    app.use(pace_listener_clients(client.pacer))
    commands.register(app, ctx)
    actions.register(app, ctx)
    views.register(app, ctx)
    events.register(app, ctx)
    return app
