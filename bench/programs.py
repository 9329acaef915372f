"""The scheduler tick and the weekly digest with 50 programs and 100,000 active pairs spread
across them, on SQLite and PostgreSQL.

Each program has its own digest channel, weekday, time and time zone, its members (everyone in
its pairings) and two coordinators. Measured: the tick at a moment when some programs' digests
fall due (the tick that posts them), then the idle tick (nothing due: wall time, the bot's CPU
and SQL statements), then building the weekly digest with a week of history behind every pair.

Run it as ``.venv/bin/python -m bench programs``; see bench/README.md."""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, insert, select, text, update

from bench.digest import seed_activity
from bench.fake_slack_server import fake_slack_process
from bench.tick import (
    CHUNK,
    MENTORS,
    NOW,
    TOKEN,
    Measured,
    StatementCounter,
    _mentee,
    _mentor,
    measure,
    seed,
    sqlite_url,
)
from bot.context import AppContext
from bot.jobs import run_tick
from bot.logging import configure_logging
from bot.programs import Role, Source, name_key
from bot.settings import LogFormat, Settings, load_settings
from bot.slack_client import make_web_client
from bot.text import plural
from bot.tick import StepResult
from handlers.blocks.digest import build_digest
from handlers.flows.digest import build_digest_view, week_before
from storage import schema
from storage.db import SessionFactory, create_db_engine, make_session_factory, unit_of_work
from storage.models import Base, MentorRequest, Program, ProgramMember
from storage.programs import all_configs, default_program_id, program_config
from tests import databases

PROGRAMS = 50
PAIRS = 100_000
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
DEFAULT_CHANNEL = "C0DIGEST00"
REPEATS = 3


def _channel(index: int) -> str:
    return f"C0DIGEST{index:02d}"


def _coordinator(index: int, n: int) -> str:
    return f"UC{index:06d}{n}"


def seed_programs(engine: Engine, count: int) -> list[int]:
    """The default program and ``count - 1`` more, each with its own digest channel, weekday,
    time and time zone; their ids, the default first. The default program keeps the digest
    moment of the settings (``_settings``), so a digest keyed on either posts at the same time."""
    with engine.begin() as connection:
        default = default_program_id(connection)
        connection.execute(
            update(Program)
            .where(Program.id == default)
            .values(
                digest_channel=DEFAULT_CHANNEL,
                digest_weekday=1,
                digest_time="08:00",
                timezone=ZONES[0],
            )
        )
        names = [f"Program {i:02d}" for i in range(1, count)]
        connection.execute(
            insert(Program),
            [
                {
                    "name": name,
                    "name_key": name_key(name),
                    "is_default": False,
                    "digest_channel": _channel(i),
                    "focus_areas": ["Research", "Clinical skills", f"Track {i}"],
                    # Spread over the week and the day, so a given moment finds a few due.
                    "digest_weekday": i % 7,
                    "digest_time": f"{6 + (i % 6) * 2:02d}:{(i * 15) % 60:02d}",
                    "timezone": ZONES[i % len(ZONES)],
                    "open_to_join": i % 2 == 0,
                    "created_at": NOW - timedelta(days=90),
                    "created_by": None,
                }
                for i, name in zip(range(1, count), names, strict=True)
            ],
        )
        others = connection.execute(
            select(Program.id).where(Program.is_default.is_(False)).order_by(Program.id)
        ).scalars()
        return [default, *others]


def seed_members(engine: Engine, program_ids: Sequence[int], pairs: int) -> int:
    """Everyone in a program's pairings as its member (pairing ``n`` is in program ``n % len``;
    each mentor's pairings are all in one program), and two coordinators per program. Returns
    how many rows."""
    count = len(program_ids)
    rows: list[dict[str, object]] = []
    for n in range(min(pairs, MENTORS)):
        rows.append(_member(program_ids[n % count], _mentor(n), Role.MEMBER))
    for n in range(pairs):
        rows.append(_member(program_ids[n % count], _mentee(n), Role.MEMBER))
    for index, program_id in enumerate(program_ids):
        rows += [_member(program_id, _coordinator(index, c), Role.COORDINATOR) for c in (1, 2)]
    with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(ProgramMember), rows[start : start + CHUNK])
    return len(rows)


def _member(program_id: int, user_id: str, role: str) -> dict[str, object]:
    return {
        "program_id": program_id,
        "user_id": user_id,
        "role": role,
        "source": Source.PAIRING if role == Role.MEMBER else Source.ADDED,
        "added_at": NOW - timedelta(days=60),
        "added_by": None,
    }


def spread_requests(engine: Engine, program_ids: Sequence[int]) -> None:
    """Move the pending requests ``seed_activity`` made into the programs in turn, none of
    them due a reminder: the first tick then does only what the programs' digests need."""
    with engine.begin() as connection:
        requests = connection.execute(select(MentorRequest.id).order_by(MentorRequest.id))
        for index, request_id in enumerate(requests.scalars().all()):
            connection.execute(
                update(MentorRequest)
                .where(MentorRequest.id == request_id)
                .values(
                    program_id=program_ids[index % len(program_ids)],
                    remind_at=NOW + timedelta(days=1),
                )
            )


@dataclass(frozen=True)
class Row:
    database: str
    case: str
    seconds: float
    cpu_seconds: float | None
    statements: int | None
    output: str


def _settings(url: str, fake_url: str) -> Settings:
    return load_settings(
        {
            "_env_file": None,
            "slack_bot_token": TOKEN,
            "database_url": url,
            "slack_api_url": fake_url,
            "slack_pacing": False,
            "default_timezone": ZONES[0],
            # The default program's digest, for code that keys the digest on the settings.
            "coordinator_channel": DEFAULT_CHANNEL,
            "digest_weekday": 1,
            "digest_time": "08:00",
            "log_format": "json",
            "log_level": "WARNING",
        }
    )


def _tick_row(database: str, case: str, measured: Measured) -> Row:
    return Row(
        database,
        case,
        measured.seconds,
        measured.cpu_seconds,
        measured.statements,
        plural(measured.sent, "message") + " sent",
    )


def digest_work(
    sessions: SessionFactory, settings: Settings, program_ids: Sequence[int]
) -> Iterator[tuple[str, Callable[[], str]]]:
    """The digest builds to time: (what, work returning a summary of what it built): one
    program's digest (a program other than the default, with its 1/50 share), then every
    program's digest one after another in one transaction, as a week's posts add up."""
    period = week_before(NOW)

    def one() -> str:
        with unit_of_work(sessions) as session:
            program = program_config(session, settings, program_ids[-1])
            view = build_digest_view(
                session,
                program,
                period,
                NOW,
                named=True,
                minimum=settings.feedback_min_responses,
            )
            blocks = build_digest(view).blocks
        return (
            f"{len(blocks)} blocks; {view.numbers.active_pairings:,} active, "
            f"{view.risk.total_pairs:,} pairs + {view.risk.total_requests:,} requests at risk"
        )

    def every() -> str:
        with unit_of_work(sessions) as session:
            views = [
                build_digest_view(
                    session,
                    program,
                    period,
                    NOW,
                    named=True,
                    minimum=settings.feedback_min_responses,
                )
                for program in all_configs(session, settings)
            ]
            blocks = sum(len(build_digest(view).blocks) for view in views)
        return (
            f"{len(views)} digests, {blocks:,} blocks; "
            f"{sum(v.numbers.active_pairings for v in views):,} active, "
            f"{sum(v.risk.total_pairs for v in views):,} pairs + "
            f"{sum(v.risk.total_requests for v in views):,} requests at risk"
        )

    yield "weekly digest, one program", one
    yield f"weekly digest, each of the {len(program_ids)} programs", every


def bench(
    database: str, url: str, fake_url: str, *, programs: int, pairs: int, idle_runs: int
) -> Iterator[Row]:
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
        program_ids = seed_programs(engine, programs)
        seed(engine, pairs, program_ids)
        members = seed_members(engine, program_ids, pairs)
        seed_activity(engine)
        spread_requests(engine, program_ids)
        if engine.dialect.name == "postgresql":
            # Only this schema's tables: a bare ANALYZE would take locks across the database.
            with engine.begin() as connection:
                connection.execute(text(f"ANALYZE {', '.join(Base.metadata.tables)}"))
        print(
            f"{database}: seeded {len(program_ids)} programs, {pairs:,} pairings, "
            f"{members:,} members",
            flush=True,
        )
        counter = StatementCounter(engine)
        sessions = make_session_factory(engine)
        settings = _settings(url, fake_url)
        ctx = AppContext(settings=settings, sessions=sessions, clock=lambda: NOW)
        client = make_web_client(settings)

        def tick() -> StepResult:
            return run_tick(ctx, client, NOW)

        # The first tick posts the digests due at NOW (and warms the connection pool).
        yield _tick_row(database, "tick at a digest moment", measure(tick, counter, memory=False))
        fastest = min(
            (measure(tick, counter, memory=False) for _ in range(idle_runs)),
            key=lambda m: m.seconds,
        )
        yield _tick_row(database, f"idle tick (fastest of {idle_runs})", fastest)
        for case, work in digest_work(sessions, settings, program_ids):
            statements = counter.count
            times, output = [], ""
            for _ in range(REPEATS):
                gc.collect()
                started = time.perf_counter()
                output = work()
                times.append(time.perf_counter() - started)
            per_run = (counter.count - statements) // REPEATS
            yield Row(database, case, statistics.median(times), None, per_run, output)
    finally:
        engine.dispose()


def render(rows: Sequence[Row], *, header: bool = True) -> str:
    lines = [
        "| database | case | wall time | bot CPU | SQL statements | output |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        cpu = f"{row.cpu_seconds * 1000:,.1f} ms" if row.cpu_seconds is not None else "–"
        statements = f"{row.statements:,}" if row.statements is not None else "–"
        lines.append(
            f"| {row.database} | {row.case} | {row.seconds * 1000:,.1f} ms | {cpu} "
            f"| {statements} | {row.output} |"
        )
    return "\n".join(lines if header else lines[2:])


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench programs", description=__doc__)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--programs", type=int, default=PROGRAMS)
    parser.add_argument("--pairs", type=int, default=PAIRS)
    parser.add_argument("--idle-runs", type=int, default=10)
    args = parser.parse_args(argv)
    configure_logging(LogFormat.JSON, "WARNING")
    channels = [DEFAULT_CHANNEL, *(_channel(i) for i in range(1, args.programs))]
    sizes = {"programs": args.programs, "pairs": args.pairs, "idle_runs": args.idle_runs}
    rows: list[Row] = []
    with fake_slack_process(TOKEN, [], 0, channels) as fake_url:
        for database in args.databases:
            if database == "sqlite":
                with sqlite_url() as url:
                    for row in bench(database, url, fake_url, **sizes):
                        rows.append(row)
                        print(render([row], header=False), flush=True)
                continue
            reason = databases.postgres_unavailable_reason()
            if reason:
                print(f"skipping PostgreSQL: {reason}")
                continue
            with databases.postgres_schema("mbbench") as url:
                for row in bench(database, url, fake_url, **sizes):
                    rows.append(row)
                    print(render([row], header=False), flush=True)
    print()
    print(render(rows))
    return 0
