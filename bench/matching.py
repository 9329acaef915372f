"""A matching round of 1,000 trainees and 500 mentors: the solver alone, and the whole round
through the app's flows (open it with everyone's suggestions, close and propose, approve, and
the tick that sends the introductions) on SQLite and PostgreSQL, against the Slack fake in a
process of its own; wall time and peak memory (tracemalloc) of each phase.

Run it as ``.venv/bin/python -m bench matching``; see bench/README.md."""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine, func, insert, select

from bench.fake_slack_server import fake_slack_process
from bench.members import add_default_members
from bench.tick import sqlite_url
from bot.app import create_app
from bot.context import AppContext
from bot.jobs import run_tick
from bot.logging import configure_logging
from bot.matching import Choices, Round, solve
from bot.server import build_wsgi_app, start_http_server
from bot.settings import LogFormat, Settings, load_settings
from bot.slack_client import make_web_client
from handlers import ids
from handlers.blocks.matching import MatchSetup
from handlers.flows import matching as flow
from storage import matching as rounds
from storage import schema
from storage.db import create_db_engine, make_session_factory, unit_of_work
from storage.models import MentorProfile, Person, ScheduledSend, TraineeProfile
from storage.programs import default_program_id
from tests import databases
from tests.harness import TrackingExecutor
from tests.slack.signed_client import SlackSender

TOKEN = "xoxb-bench"
SIGNING_SECRET = "bench-signing-secret"
COORDINATOR = "U0COORD01"
NOW = datetime(2026, 12, 1, 14, tzinfo=UTC)
FOCUS = "research"
SOLVE_REPEATS = 5
T = TypeVar("T")


def _trainee(n: int) -> str:
    return f"U0T{n:06d}"


def _mentor(n: int) -> str:
    return f"U0M{n:06d}"


@dataclass(frozen=True)
class Row:
    database: str
    phase: str
    seconds: float
    peak_mib: float
    detail: str


def solver_round(trainees: int, mentors: int, seed: int = 1) -> Round:
    """Preferences with a few popular mentors (ranks drawn with weight 1/(k+1)), so many trainees
    compete for the same places, as in a real round."""
    pick = random.Random(seed)
    people = [_mentor(m) for m in range(mentors)]
    weights = [1 / (k + 1) for k in range(mentors)]
    choices: dict[str, Choices] = {}
    for n in range(trainees):
        listed: list[str] = []
        while len(listed) < 5:
            mentor = pick.choices(people, weights)[0]
            if mentor not in listed:
                listed.append(mentor)
        choices[_trainee(n)] = Choices(tuple(listed), ranked=pick.randint(0, 5))
    places = {mentor: pick.randint(1, 3) for mentor in people}
    trainee_ids = list(choices)
    rather_not = {m: set(pick.sample(trainee_ids, pick.randint(0, 2))) for m in people}
    return Round(choices=choices, places=places, rather_not=rather_not)


def _peak(run: Callable[[], T]) -> tuple[T, float]:
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 2**20


def bench_solver(trainees: int, mentors: int) -> Row:
    stated = solver_round(trainees, mentors)
    times = []
    for _ in range(SOLVE_REPEATS):
        started = time.perf_counter()
        proposal = solve(stated)
        times.append(time.perf_counter() - started)
    _, peak = _peak(lambda: solve(stated))
    return Row(
        "–",
        "solve (the matching package)",
        statistics.median(times),
        peak,
        f"{len(proposal.pairs):,} pairs, {len(proposal.unmatched):,} unmatched",
    )


def _settings(url: str, fake_url: str) -> Settings:
    return load_settings(
        {
            "_env_file": None,
            "slack_bot_token": TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "database_url": url,
            "slack_api_url": fake_url,
            "slack_pacing": False,
            "coordinators": COORDINATOR,
            "default_timezone": "America/New_York",
            "log_format": "json",
            "log_level": "WARNING",
        }
    )


def seed(engine: Engine, trainees: int, mentors: int) -> None:
    """Everyone's Slack profile, open mentor profiles for the focus with 1 to 3 places, and
    trainee profiles; all in the default program (nobody belongs to another)."""
    pick = random.Random(2)
    zones = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London"]
    stages = ["students", "residents", "fellows"]
    with engine.begin() as connection:
        connection.execute(
            insert(Person),
            [
                {
                    "user_id": _mentor(m),
                    "display_name": f"mentor {m}",
                    "tz": pick.choice(zones),
                    "capacity": pick.randint(1, 3),
                    "is_bot": False,
                    "is_deleted": False,
                }
                for m in range(mentors)
            ]
            + [
                {
                    "user_id": _trainee(n),
                    "display_name": f"trainee {n}",
                    "tz": pick.choice(zones),
                    "capacity": None,
                    "is_bot": False,
                    "is_deleted": False,
                }
                for n in range(trainees)
            ],
        )
        add_default_members(
            connection,
            [_mentor(m) for m in range(mentors)] + [_trainee(n) for n in range(trainees)],
            NOW,
        )
        connection.execute(
            insert(MentorProfile),
            [
                {
                    "user_id": _mentor(m),
                    "listed": True,
                    "open": True,
                    "focus_areas": [FOCUS],
                    "specialty": None,
                    "stages": [pick.choice(stages)],
                    "formats": ["call"],
                    "languages": [],
                    "bio": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for m in range(mentors)
            ],
        )
        connection.execute(
            insert(TraineeProfile),
            [
                {
                    "user_id": _trainee(n),
                    "stage": pick.choice(stages),
                    "specialty": None,
                    "focus_areas": [FOCUS],
                    "note": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n in range(trainees)
            ],
        )


@contextmanager
def _database(database: str) -> Iterator[str | None]:
    if database == "sqlite":
        with sqlite_url() as url:
            yield url
        return
    reason = databases.postgres_unavailable_reason()
    if reason:
        print(f"skipping PostgreSQL: {reason}")
        yield None
        return
    with databases.postgres_schema("mbbench") as url:
        yield url


def _round(database: str, fake_url: str, trainees: int, mentors: int, traced: bool) -> list[Row]:
    """One whole round in a fresh database; each phase timed, or (``traced``) its peak taken."""
    rows: list[Row] = []
    with _database(database) as url:
        if url is None:
            return rows
        engine = create_db_engine(url)
        schema.upgrade(engine)
        seed(engine, trainees, mentors)
        settings = _settings(url, fake_url)
        ctx = AppContext(
            settings=settings, sessions=make_session_factory(engine), clock=lambda: NOW
        )
        client = make_web_client(settings)
        with unit_of_work(ctx.sessions) as session:
            program_id = default_program_id(session)
        setup = MatchSetup(
            program_id=program_id,
            focus=FOCUS,
            trainees=(),  # everyone with a trainee profile
            channel=None,
            mentors=(),  # every open mentor profile for the focus
            deadline=(NOW + timedelta(days=3)).date(),
        )

        def measure(phase: str, run: Callable[[], str]) -> None:
            if traced:
                detail, peak = _peak(run)
                rows.append(Row(database, phase, 0.0, peak, detail))
            else:
                started = time.perf_counter()
                detail = run()
                rows.append(Row(database, phase, time.perf_counter() - started, 0.0, detail))

        opened: list[flow.Opened] = []

        def open_it() -> str:
            opened.append(flow.start_round(ctx, client, COORDINATOR, setup))
            return f"{opened[0].trainees:,} trainees, {opened[0].mentors:,} mentors, suggestions ranked"

        measure("open the round", open_it)
        round_id = opened[0].round_id

        def invite() -> str:
            result = run_tick(ctx, client, NOW)
            return f"{result.sent:,} invitations sent by one scheduler tick"

        measure("invite (the next tick)", invite)
        # Six in ten trainees rank their own list (a part of their suggestions, reversed).
        pick = random.Random(3)
        with unit_of_work(ctx.sessions) as session:
            for row in rounds.participants(session, round_id, rounds.TRAINEE):
                if pick.random() < 0.6:
                    rounds.set_ranked(session, row, list(reversed(row.suggestions[:3])), NOW)

        def propose() -> str:
            flow.propose(ctx, client, round_id, COORDINATOR)
            with unit_of_work(ctx.sessions) as session:
                pairs = rounds.pairs_of(session, round_id)
            made = sum(1 for p in pairs if p.status == "proposed")
            return f"{made:,} pairs proposed, {len(pairs) - made:,} unmatched; CSV sent"

        measure("close, solve and propose", propose)

        if traced:

            def approve() -> str:
                outcome = flow.approve_round(ctx, round_id, COORDINATOR)
                return (
                    f"{outcome.made:,} pairings made, their introductions and "
                    f"{outcome.left:,} kind notes enqueued"
                )

            measure("approve all", approve)
        else:
            rows.append(approve_by_click(ctx, engine, database, round_id))

        def introduce() -> str:
            result = run_tick(ctx, client, NOW)
            return f"{result.sent:,} DMs sent by one scheduler tick"

        measure("introduce (the next tick)", introduce)
        engine.dispose()
    return rows


def _introductions_queued(ctx: AppContext) -> int:
    with unit_of_work(ctx.sessions) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(ScheduledSend)
                .where(ScheduledSend.kind == rounds.INTRODUCTION)
            )
            or 0
        )


def approve_by_click(ctx: AppContext, engine: Engine, database: str, round_id: int) -> Row:
    """**Approve all** as the coordinator taps it: a signed request into the app served over
    HTTP as ``mentorbot serve`` serves it; the time from the click to its ack, and to the
    moment the last introduction is queued (a watcher counts them every 10 ms)."""
    with unit_of_work(ctx.sessions) as session:
        proposed = sum(1 for p in rounds.pairs_of(session, round_id) if p.status == "proposed")
    expected = 2 * proposed  # one introduction to each person of each pair
    executor = TrackingExecutor()
    app = create_app(ctx, listener_executor=executor)
    server = start_http_server(
        build_wsgi_app(app, engine, signing_secret=SIGNING_SECRET), "127.0.0.1", 0
    )
    sender = SlackSender(f"{server.url}/slack/events", SIGNING_SECRET)
    queued_at: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if _introductions_queued(ctx) >= expected:
                queued_at.append(time.perf_counter())
                return
            stop.wait(0.01)

    watcher = threading.Thread(target=watch, name="bench-watch")
    try:
        watcher.start()
        clicked = time.perf_counter()
        response = sender.block_action(
            user_id=COORDINATOR, action_id=ids.MATCH_APPROVE, value=str(round_id)
        )
        acked = time.perf_counter() - clicked
        executor.wait_idle(timeout=600)
        done = time.perf_counter() - clicked
        watcher.join(timeout=5)
    finally:
        stop.set()
        server.stop()
        executor.shutdown(wait=True)
    if response.status != 200 or not queued_at:
        raise SystemExit(f"approve by click failed: HTTP {response.status}, queued {queued_at}")
    last = queued_at[0] - clicked
    return Row(
        database,
        "approve all (the click)",
        last,
        0.0,
        f"acked in {acked * 1000:,.0f} ms; the last of {expected:,} introductions queued "
        f"{last:,.2f} s after the click, the coordinator told {done:,.2f} s after it",
    )


def bench_round(database: str, fake_url: str, trainees: int, mentors: int) -> list[Row]:
    timed = _round(database, fake_url, trainees, mentors, traced=False)
    traced = _round(database, fake_url, trainees, mentors, traced=True)
    # Approval's peak memory is the direct call's; its time is the click's.
    return [
        Row(t.database, t.phase, t.seconds, p.peak_mib, t.detail)
        for t, p in zip(timed, traced, strict=True)
    ]


def render(rows: Sequence[Row]) -> str:
    lines = [
        "| database | phase | wall time | peak memory | what |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.database} | {row.phase} | {row.seconds * 1000:,.1f} ms "
            f"| {row.peak_mib:,.1f} MiB | {row.detail} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench matching", description=__doc__)
    parser.add_argument("--trainees", type=int, default=1_000)
    parser.add_argument("--mentors", type=int, default=500)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    configure_logging(LogFormat.JSON, "WARNING")
    rows = [bench_solver(args.trainees, args.mentors)]
    print(render(rows), flush=True)
    users = [COORDINATOR, *map(_trainee, range(args.trainees)), *map(_mentor, range(args.mentors))]
    with fake_slack_process(TOKEN, users, 0) as fake_url:
        for database in args.databases:
            rows += bench_round(database, fake_url, args.trainees, args.mentors)
            print("\n".join(render(rows).splitlines()[-6:]), flush=True)
    print()
    print(render(rows))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
