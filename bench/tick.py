"""What a scheduler tick costs with 10,000 and 100,000 active pairs on SQLite and PostgreSQL:
once with nothing due, and with 1,000 check-ins due (2,000 DMs) against the loopback Slack fake
(in a process of its own) answering at once and answering in 200 ms. Wall time, the bot's CPU
time, the SQL statements it sent, and peak memory."""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, event, insert, text, update

from bench.fake_slack_server import fake_slack_process
from bot.context import AppContext
from bot.jobs import run_tick
from bot.logging import configure_logging
from bot.settings import LogFormat, Settings, load_settings
from bot.slack_client import make_web_client
from bot.tick import StepResult
from storage import schema
from storage.db import create_db_engine, make_session_factory
from storage.models import CheckIn, Pairing, Person, ScheduledSend
from storage.programs import default_program_id
from tests import databases

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
    latency_ms: float
    seconds: float
    cpu_seconds: float
    statements: int
    peak_mib: float
    sent: int

    def per_dm(self, value: float) -> float:
        return value / self.sent if self.sent else value


def _mentor(n: int) -> str:
    return f"UM{n % MENTORS:08d}"


def _mentee(n: int) -> str:
    return f"UE{n:08d}"


def seed(engine: Engine, pairs: int, program_ids: Sequence[int] = ()) -> None:
    """Bulk-insert people and active weekly pairings, none of them due yet: all in the default
    program, or pairing ``n`` in ``program_ids[n % len(program_ids)]``."""
    people = [_mentor(n) for n in range(min(pairs, MENTORS))] + [_mentee(n) for n in range(pairs)]
    with engine.begin() as connection:
        programs = list(program_ids) or [default_program_id(connection)]
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
                        "program_id": programs[n % len(programs)],
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
            # Only this schema's tables: a bare ANALYZE would take locks across the database.
            connection.execute(text("ANALYZE people, pairings, checkins, scheduled_sends"))


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


class StatementCounter:
    """Counts the SQL statements the bot sends (an ``executemany`` counts once)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.count += 1


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    statements: int
    peak_mib: float
    sent: int


def measure(tick: Callable[[], StepResult], counter: StatementCounter, *, memory: bool) -> Measured:
    gc.collect()
    if memory:
        tracemalloc.start()
    statements = counter.count
    cpu = time.process_time()
    started = time.perf_counter()
    result = tick()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    peak = 0
    if memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if result.failed:
        raise RuntimeError(f"the tick failed: {result.failures[:5]}")
    return Measured(seconds, cpu_seconds, counter.count - statements, peak / 2**20, result.sent)


def bench(
    database: str,
    url: str,
    pairs: int,
    fakes: Mapping[float, str],
    idle_runs: int,
    cases: Collection[str] = ("idle", "busy"),
) -> Iterator[Row]:
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
        seed(engine, pairs)
        counter = StatementCounter(engine)
        sessions = make_session_factory(engine)

        def ticker(fake_url: str) -> Callable[[], StepResult]:
            settings = _settings(url, fake_url)
            ctx = AppContext(settings=settings, sessions=sessions, clock=lambda: NOW)
            client = make_web_client(settings)
            return lambda: run_tick(ctx, client, NOW)

        # Nothing due: the fastest of a few ticks (the first warms the connection pool); on a
        # shared machine other work only ever adds to a run's time.
        idle = ticker(next(iter(fakes.values())))
        measure(idle, counter, memory=False)
        if "idle" in cases:
            fastest = min(
                (measure(idle, counter, memory=False) for _ in range(idle_runs)),
                key=lambda m: m.seconds,
            )
            peak = measure(idle, counter, memory=True).peak_mib
            yield _row(database, pairs, "nothing due", 0, fastest, peak)
        for latency_ms, fake_url in fakes.items() if "busy" in cases else ():
            busy = ticker(fake_url)
            make_due(engine)
            measured = measure(busy, counter, memory=False)
            peak = 0.0
            if latency_ms == 0:
                # The same tick again for its peak memory (tracemalloc slows Python down).
                make_due(engine)
                peak = measure(busy, counter, memory=True).peak_mib
            yield _row(database, pairs, f"{DUE:,} due", latency_ms, measured, peak)
    finally:
        engine.dispose()


def _row(
    database: str, pairs: int, case: str, latency_ms: float, measured: Measured, peak: float
) -> Row:
    return Row(
        database,
        pairs,
        case,
        latency_ms,
        measured.seconds,
        measured.cpu_seconds,
        measured.statements,
        peak,
        measured.sent,
    )


def _settings(url: str, fake_url: str) -> Settings:
    return load_settings(
        {
            "_env_file": None,
            "slack_bot_token": TOKEN,
            "database_url": url,
            "slack_api_url": fake_url,
            # The fake has no limits: measure the bot, not Slack's pace.
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


HEADER = (
    "| database | active pairs | tick | Slack answers in | wall time | bot CPU | bot CPU per DM "
    "| SQL statements | per DM | peak memory | DMs sent |"
)


def render(rows: Sequence[Row], *, header: bool = True) -> str:
    lines = [HEADER, "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        per_dm_cpu = f"{row.per_dm(row.cpu_seconds) * 1000:,.2f} ms" if row.sent else "–"
        per_dm_sql = f"{row.per_dm(row.statements):,.2f}" if row.sent else "–"
        peak = f"{row.peak_mib:,.2f} MiB" if row.peak_mib else "–"
        latency = f"{row.latency_ms:,.0f} ms" if row.sent else "–"
        lines.append(
            f"| {row.database} | {row.pairs:,} | {row.case} | {latency} "
            f"| {row.seconds * 1000:,.1f} ms | {row.cpu_seconds * 1000:,.1f} ms | {per_dm_cpu} "
            f"| {row.statements:,} | {per_dm_sql} | {peak} | {row.sent:,} |"
        )
    return "\n".join(lines if header else lines[2:])


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--pairs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument(
        "--latency-ms",
        type=float,
        nargs="+",
        default=[0, 200],
        help="how long the Slack fake takes to answer; the busy tick is run once for each",
    )
    parser.add_argument(
        "--slow-at-every-size",
        action="store_true",
        help="run the busy tick against a slow fake at every size (default: the first only)",
    )
    parser.add_argument("--idle-runs", type=int, default=10)
    parser.add_argument("--cases", nargs="+", choices=["idle", "busy"], default=["idle", "busy"])
    args = parser.parse_args(argv)
    configure_logging(LogFormat.JSON, "WARNING")
    users = [user for n in range(DUE) for user in (_mentor(n), _mentee(n))]
    rows: list[Row] = []
    with ExitStack() as stack:
        fakes = {
            latency: stack.enter_context(fake_slack_process(TOKEN, users, latency))
            for latency in args.latency_ms
        }
        for database in args.databases:
            for index, pairs in enumerate(args.pairs):
                wanted = {
                    latency: fake_url
                    for latency, fake_url in fakes.items()
                    if latency == 0 or index == 0 or args.slow_at_every_size
                }
                if database == "sqlite":
                    with sqlite_url() as url:
                        for row in bench(database, url, pairs, wanted, args.idle_runs, args.cases):
                            rows.append(row)
                            print(render([row], header=False), flush=True)
                else:
                    reason = databases.postgres_unavailable_reason()
                    if reason:
                        print(f"skipping PostgreSQL: {reason}")
                        continue
                    with databases.postgres_schema("mbbench") as url:
                        for row in bench(database, url, pairs, wanted, args.idle_runs, args.cases):
                            rows.append(row)
                            print(render([row], header=False), flush=True)
    print()
    print(render(rows))
    return 0
