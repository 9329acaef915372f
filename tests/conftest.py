"""Shared fixtures: settings isolated from the environment, both databases, the Slack fake and
the running app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import pacing
from bot.settings import Settings, load_settings
from storage.db import SessionFactory, create_db_engine, make_session_factory, unit_of_work
from tests import databases
from tests.clock import FrozenClock, VirtualTime
from tests.harness import Harness, running_harness
from tests.slack.fake_slack import FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"

MENTEE = "U0MENTEE1"
MENTOR = "U0MENTOR1"
MENTOR2 = "U0MENTOR2"
COORDINATOR = "U0COORD01"
STRANGER = "U0STRANGE"
BOT_USER = "U0BOTUSER"
GONE = "U0GONE001"
COORDINATOR_CHANNEL = "C0COORDS1"

_postgres_skip: str | None = None
_postgres_ran = 0
_postgres_skipped = 0


def pytest_configure(config: pytest.Config) -> None:
    global _postgres_skip
    _postgres_skip = databases.postgres_unavailable_reason()
    if _postgres_skip and databases.postgres_required():
        raise pytest.UsageError(
            f"PostgreSQL is required ({databases.REQUIRE_POSTGRES_ENV}) but {_postgres_skip}"
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _postgres_ran, _postgres_skipped
    if "postgres" not in report.keywords:
        return
    if report.when == "call" and report.passed:
        _postgres_ran += 1
    elif report.skipped:
        _postgres_skipped += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not (databases.postgres_required() and session.testscollected):
        return
    if _postgres_ran == 0 or _postgres_skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(
            f"\nPostgreSQL was required, but {_postgres_ran} PostgreSQL tests passed and "
            f"{_postgres_skipped} were skipped ({_postgres_skip or 'see the skip reasons'})."
        )


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's Slack or database settings, nor their .env."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def pacing_time(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    """Sends are paced to Slack's limits in every test, on a clock that moves only when the
    pacer waits, so the suite exercises pacing without spending real seconds on it."""
    virtual = VirtualTime()
    monkeypatch.setattr(pacing, "time", virtual)
    # Pacers live for the process, keyed by API URL: a fake Slack that reuses an earlier
    # test's port must not inherit that test's bookings, made on another virtual clock.
    monkeypatch.setattr(pacing, "_pacers", {})
    return virtual


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if _postgres_skip:
        pytest.skip(_postgres_skip)
    with databases.postgres_schema() as url:
        databases.migrate(url)
        yield url


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty database: a copied SQLite file, or the PostgreSQL schema emptied."""
    if request.param == "sqlite":
        return databases.sqlite_copy(sqlite_template, tmp_path)
    url: str = request.getfixturevalue("postgres_url")
    engine = create_db_engine(url)
    databases.empty_all_tables(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: SessionFactory) -> Iterator[Session]:
    with unit_of_work(sessions) as session:
        yield session


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake:
        fake.add_user(MENTEE, "alice", real_name="Alice Resident", tz="America/New_York")
        fake.add_user(MENTOR, "bob", real_name="Bob Surgeon", tz="America/Chicago")
        fake.add_user(MENTOR2, "carol", real_name="Carol Researcher", tz="Europe/London")
        fake.add_user(COORDINATOR, "dana", real_name="Dana Director", tz="America/New_York")
        fake.add_user(STRANGER, "eve", real_name="Eve Outsider", tz="America/New_York")
        fake.add_user(BOT_USER, "otherbot", real_name="Other Bot", is_bot=True)
        fake.add_user(GONE, "frank", real_name="Frank Former", deleted=True)
        fake.add_channel(COORDINATOR_CHANNEL, "mentorship-coordinators")
        yield fake


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "database_url": "sqlite://",
        "coordinators": COORDINATOR,
        "coordinator_channel": COORDINATOR_CHANNEL,
        "default_timezone": "America/New_York",
        "log_format": "json",
        # Tests read a command's answer from its ack: a budget no test machine runs out of
        # (tests/handlers/test_ack_budget.py covers answers that come after the ack).
        "ack_budget_ms": 2500,
    }
    values.update(overrides)
    if "slack_api_url" in overrides and "slack_response_url_base" not in overrides:
        # The fake Slack mints response URLs on its own host, as Slack does on hooks.slack.com.
        values["slack_response_url_base"] = str(overrides["slack_api_url"]).removesuffix("api/")
    return load_settings(values)


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    return make_settings(database_url=db_url, slack_api_url=fake_slack.base_url)


@pytest.fixture
def harness(
    settings: Settings, engine: Engine, fake_slack: FakeSlack, clock: FrozenClock
) -> Iterator[Harness]:
    with running_harness(settings, engine, fake_slack, clock) as running:
        yield running
