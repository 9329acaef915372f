"""The ``mentorbot`` command line: run, serve, worker, tick and migrate."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.context import AppContext
from bot.heap import settle
from bot.logging import configure_logging, get_logger
from bot.settings import Mode, Settings, SettingsError, check_ready, load_settings
from bot.slack_client import make_web_client, share_budgets
from storage import schema
from storage.db import answering_engine, create_db_engine, make_session_factory
from storage.slack_budgets import DatabaseBudgets

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

log = get_logger("mentorbot.cli")


class StartupError(Exception):
    """Something outside the code stops start-up; the message says what to do."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot",
        description="Runs mentorship programs in Slack. With no command, runs `run`.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="serve Slack and run the scheduler in one process (default)")
    sub.add_parser("serve", help="serve Slack only (HTTP or Socket Mode)")
    sub.add_parser("worker", help="run the scheduler only")
    tick = sub.add_parser("tick", help="run every piece of due scheduled work once, then exit")
    tick.add_argument(
        "--now",
        type=_parse_instant,
        default=None,
        help="the clock for this tick, ISO-8601 (e.g. 2026-12-01T09:00:00Z); default: now",
    )
    sub.add_parser("migrate", help="bring the database schema up to date (alembic upgrade head)")
    return parser


def _parse_instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 time; try 2026-12-01T09:00:00Z"
        ) from None
    # A time without an offset is read as UTC, the scheduler's own clock.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _prepare_database(settings: Settings) -> Engine:
    engine = create_db_engine(settings.database_url)
    try:
        if engine.dialect.name == "sqlite":
            if not schema.is_up_to_date(engine):
                schema.upgrade(engine)
        elif not schema.is_up_to_date(engine):
            raise StartupError(
                "The database schema is not up to date. Run `mentorbot migrate` first "
                "(the Procfile's release phase does this on each deploy)."
            )
    except SQLAlchemyError as exc:
        raise StartupError(
            f"Cannot reach the database at DATABASE_URL ({engine.url!r}): "
            f"{exc.__class__.__name__}. "
            "Check that the server is running and the URL is right."
        ) from exc
    return engine


def _context(settings: Settings, engine: Engine, answering: Engine | None = None) -> AppContext:
    ctx = AppContext(settings=settings, sessions=make_session_factory(engine, answering))
    if engine.dialect.name == "postgresql":
        # Several processes may send for the workspace: they book Slack's budget together.
        share_budgets(settings, DatabaseBudgets(ctx.sessions))
    return ctx


# Each command imports what it runs and nothing more: a `mentorbot tick` from cron starts
# without Bolt, its listeners, the HTTP server, Socket Mode or APScheduler. What it imports
# before it runs, it imports inside ``loading()`` (bot.heap.loading_code for the installed
# command; nothing for a caller in a process of its own, such as a test).
Loading = Callable[[], AbstractContextManager[object]]

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.socket_mode import SocketModeConnection


def _bolt_app(create_app: Callable[[AppContext], App], ctx: AppContext) -> App:
    from slack_bolt.error import BoltError

    try:
        return create_app(ctx)
    except BoltError as exc:
        raise StartupError(
            "Slack did not accept SLACK_BOT_TOKEN "
            f"({exc}). Copy the Bot User OAuth Token again from “OAuth & Permissions”."
        ) from exc
    except SlackClientError as exc:
        raise StartupError(
            f"Cannot reach Slack at SLACK_API_URL ({ctx.settings.slack_api_url}): {exc}"
        ) from exc


_TOKEN_REFUSALS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}


def _check_bot_token(settings: Settings) -> None:
    """Refuse to start sending with a bot token Slack does not accept (as ``run`` and
    ``serve`` do through Bolt), instead of failing every DM of every tick."""
    try:
        make_web_client(settings).auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in _TOKEN_REFUSALS:
            raise StartupError(
                f"Slack did not accept SLACK_BOT_TOKEN ({error}). Copy the Bot User OAuth "
                "Token again from “OAuth & Permissions”."
            ) from exc
        raise StartupError(f"Slack refused the token check ({error or 'no error given'}).") from exc
    except SlackClientError as exc:
        raise StartupError(
            f"Cannot reach Slack at SLACK_API_URL ({settings.slack_api_url}): {exc}"
        ) from exc


def _socket_mode(app: App, app_token: str, settings: Settings) -> SocketModeConnection:
    from bot.socket_mode import AppTokenRefused, connect_socket_mode

    try:
        return connect_socket_mode(app, app_token)
    except AppTokenRefused as exc:
        raise StartupError(
            f"Slack did not accept SLACK_APP_TOKEN ({exc.error}). Generate an app-level token "
            "with the connections:write scope under “Basic Information” → “App-Level Tokens” "
            "and copy it again, or unset SLACK_APP_TOKEN to use HTTP mode."
        ) from exc
    except SlackClientError as exc:
        raise StartupError(
            f"Cannot reach Slack at SLACK_API_URL ({settings.slack_api_url}): {exc}"
        ) from exc


def _serve_socket_mode(
    app: App, app_token: str, settings: Settings, *, with_scheduler: bool
) -> None:
    connection = _socket_mode(app, app_token, settings)
    log.info("mentorbot.started", mode="socket", scheduler=with_scheduler)
    try:
        # The connection serves from its own threads; this one waits for SIGINT or SIGTERM.
        threading.Event().wait()
    finally:
        connection.close()


def _serve(settings: Settings, *, with_scheduler: bool, loading: Loading) -> int:
    with loading():
        from bot.app import create_app
        from bot.scheduler import background_scheduler
        from bot.server import build_wsgi_app, serve_http

    check_ready(settings, Mode.SERVE)
    engine = _prepare_database(settings)
    answering = answering_engine(engine)
    ctx = _context(settings, engine, answering)
    app = _bolt_app(create_app, ctx)
    scheduler = background_scheduler(ctx, make_web_client(settings)) if with_scheduler else None
    settle()  # everything built so far lives as long as the process
    _stop_on_sigterm()
    if scheduler is not None:
        scheduler.start()
    try:
        if settings.slack_app_token is not None:
            _serve_socket_mode(
                app,
                settings.slack_app_token.get_secret_value(),
                settings,
                with_scheduler=with_scheduler,
            )
        else:
            log.info(
                "mentorbot.started",
                mode="http",
                port=settings.port,
                path="/slack/events",
                scheduler=with_scheduler,
            )
            assert settings.slack_signing_secret is not None  # required without an app token
            secret = settings.slack_signing_secret.get_secret_value()
            serve_http(
                build_wsgi_app(app, engine, signing_secret=secret), settings.host, settings.port
            )
    except KeyboardInterrupt:
        log.info("mentorbot.stopping")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        answering.dispose()
        engine.dispose()
    return EXIT_OK


def _worker(settings: Settings, loading: Loading) -> int:
    with loading():
        from bot.scheduler import blocking_scheduler

    check_ready(settings, Mode.SEND)
    _check_bot_token(settings)
    engine = _prepare_database(settings)
    ctx = _context(settings, engine)
    scheduler = blocking_scheduler(ctx, make_web_client(settings))
    settle()
    _stop_on_sigterm()
    log.info("mentorbot.started", mode="worker", interval=settings.scheduler_interval_seconds)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        log.info("mentorbot.stopping")
    finally:
        engine.dispose()
    return EXIT_OK


def _tick(settings: Settings, now: datetime | None, loading: Loading) -> int:
    with loading():
        from bot.jobs import run_tick

    check_ready(settings, Mode.SEND)
    _check_bot_token(settings)
    engine = _prepare_database(settings)
    ctx = _context(settings, engine)
    try:
        result = run_tick(ctx, make_web_client(settings), now or ctx.now())
    finally:
        engine.dispose()
    return EXIT_FAILED if result.failed else EXIT_OK


def _migrate(settings: Settings) -> int:
    engine = create_db_engine(settings.database_url)
    try:
        schema.upgrade(engine)
        log.info("mentorbot.migrated", revision=schema.current_revision(engine))
    except SQLAlchemyError as exc:
        raise StartupError(
            f"Cannot migrate the database at DATABASE_URL ({engine.url!r}): {exc}"
        ) from exc
    finally:
        engine.dispose()
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, loading: Loading = nullcontext) -> int:
    """The command line. ``loading`` wraps the imports a command makes before it runs (the
    installed command pauses the garbage collector there: ``bot.entry``)."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_USAGE
    configure_logging(
        settings.effective_log_format(), settings.log_level, secrets=settings.secret_values()
    )
    try:
        if command in ("run", "serve"):
            return _serve(settings, with_scheduler=command == "run", loading=loading)
        if command == "worker":
            return _worker(settings, loading)
        if command == "tick":
            return _tick(settings, args.now, loading)
        return _migrate(settings)
    except SettingsError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_USAGE
    except StartupError as exc:
        print(f"mentorbot cannot start: {exc}", file=sys.stderr)
        return EXIT_USAGE
