"""How long a scheduler tick takes, and how much memory it peaks at, with 10,000 and 100,000
active pairs on SQLite and PostgreSQL: once with nothing due, once with 1,000 check-ins due
(2,000 DMs) against the loopback Slack fake answering at once."""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, insert, text, update

from bot.context import AppContext
from bot.jobs import run_tick
from bot.logging import configure_logging
from bot.settings import LogFormat, Settings, load_settings
from bot.slack_client import make_web_client
from bot.tick import StepResult
from storage import schema
from storage.db import create_db_engine, make_session_factory
from storage.models import CheckIn, Pairing, Person, ScheduledSend
from tests import databases
from tests.slack.fake_slack import FakeSlack

TOKEN = "xoxb-bench-token"
NOW = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York
DUE = 1_000
MENTORS = 2_000
CHUNK = 10_000
FAR = NOW + timedelta(days=3)


@dataclass(frozen=True)
class Row:
    database: str
    pairs: int
    case: str
    seconds: float
    peak_mib: float
    sent: int


def _mentor(n: int) -> str:
    return f"UM{n % MENTORS:08d}"


def _mentee(n: int) -> str:
    return f"UE{n:08d}"


def seed(engine: Engine, pairs: int) -> None:
    """Bulk-insert people and active weekly pairings, none of them due yet."""
    people = [_mentor(n) for n in range(min(pairs, MENTORS))] + [_mentee(n) for n in range(pairs)]
    with engine.begin() as connection:
        for start in range(0, len(people), CHUNK):
            connection.execute(
                insert(Person),
                [
                    {
                        "user_id": user_id,
                        "display_name": user_id,
                        "tz": "America/New_York",
                        "profile_fetched_at": NOW,
                        "is_bot": False,
                        "is_deleted": False,
                    }
                    for user_id in people[start : start + CHUNK]
                ],
            )
        for start in range(0, pairs, CHUNK):
            connection.execute(
                insert(Pairing),
                [
                    {
                        "mentor_id": _mentor(n),
                        "mentee_id": _mentee(n),
                        "focus": "research",
                        "status": "active",
                        "origin": "request",
                        "started_at": NOW - timedelta(days=30),
                        "cadence": "weekly",
                        "weekday": 1,
                        "local_time": "10:00",
                        "timezone": "America/New_York",
                        "meeting_format": "call",
                        "cadence_anchor": date(2026, 12, 1),
                        "next_checkin_at": FAR + timedelta(minutes=n % 5_000),
                        "reassess_every_weeks": 4,
                        "next_reassess_at": FAR + timedelta(days=7),
                        "unanswered_checkins": 0,
                        "last_activity_at": NOW,
                    }
                    for n in range(start, min(start + CHUNK, pairs))
                ],
            )
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))


def make_due(engine: Engine) -> None:
    """Clear what the last run sent and make ``DUE`` pairs due a check-in now."""
    with engine.begin() as connection:
        connection.execute(delete(ScheduledSend))
        connection.execute(delete(CheckIn))
        connection.execute(
            update(Pairing)
            .where(Pairing.id <= DUE)
            .values(next_checkin_at=NOW - timedelta(minutes=1), next_reassess_at=FAR)
        )


def measure(tick: Callable[[], StepResult], *, memory: bool) -> tuple[float, float, int]:
    gc.collect()
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    result = tick()
    seconds = time.perf_counter() - started
    peak = 0
    if memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if result.failed:
        raise RuntimeError(f"the tick failed: {result.failures[:5]}")
    return seconds, peak / 2**20, result.sent


def bench(database: str, url: str, pairs: int, fake: FakeSlack) -> list[Row]:
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
        seed(engine, pairs)
        settings = _settings(url, fake)
        ctx = AppContext(
            settings=settings, sessions=make_session_factory(engine), clock=lambda: NOW
        )
        client = make_web_client(settings)

        def tick() -> StepResult:
            return run_tick(ctx, client, NOW)

        rows = []
        # Wall time without tracemalloc (it slows Python down), then the same tick again for
        # its peak memory.
        seconds, _, sent = measure(tick, memory=False)
        _, peak, _ = measure(tick, memory=True)
        rows.append(Row(database, pairs, "nothing due", seconds, peak, sent))
        make_due(engine)
        seconds, _, sent = measure(tick, memory=False)
        make_due(engine)
        _, peak, _ = measure(tick, memory=True)
        rows.append(Row(database, pairs, f"{DUE:,} due", seconds, peak, sent))
        return rows
    finally:
        engine.dispose()


def _settings(url: str, fake: FakeSlack) -> Settings:
    return load_settings(
        {
            "_env_file": None,
            "slack_bot_token": TOKEN,
            "database_url": url,
            "slack_api_url": fake.base_url,
            # The fake answers at once and has no limits: measure the bot, not Slack's pace.
            "slack_pacing": False,
            "default_timezone": "America/New_York",
            "log_format": "json",
            "log_level": "WARNING",
        }
    )


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as directory:
        yield f"sqlite:///{Path(directory) / 'bench.db'}"


def render(rows: Sequence[Row]) -> str:
    lines = [
        "| database | active pairs | tick | wall time | peak memory | DMs sent |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.database} | {row.pairs:,} | {row.case} | {row.seconds * 1000:,.0f} ms "
            f"| {row.peak_mib:,.2f} MiB | {row.sent:,} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--pairs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    configure_logging(LogFormat.JSON, "WARNING")
    rows: list[Row] = []
    with FakeSlack(token=TOKEN) as fake:
        for n in range(DUE):
            for user_id in (_mentor(n), _mentee(n)):
                fake.add_user(user_id, user_id.lower(), tz="America/New_York")
        for database in args.databases:
            for pairs in args.pairs:
                if database == "sqlite":
                    with sqlite_url() as url:
                        rows += bench(database, url, pairs, fake)
                else:
                    reason = databases.postgres_unavailable_reason()
                    if reason:
                        print(f"skipping PostgreSQL: {reason}")
                        continue
                    with databases.postgres_schema("mbbench") as url:
                        rows += bench(database, url, pairs, fake)
                print("\n".join(render(rows[-2:]).splitlines()[2:]), flush=True)
    print()
    print(render(rows))
    return 0
