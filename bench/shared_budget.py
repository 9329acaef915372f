"""Slack's message budget shared by every process: two ``mentorbot worker`` processes send
Monday's check-ins for N pairs (2N DMs) on PostgreSQL against a Slack fake (a process of its
own) that enforces 300 messages a minute per workspace with 429s, while a third process, as the
web process would, sends an interactive DM every few seconds through the client the listeners
use. Reported: the 429s the fake answered, how long the check-ins took against 2N/300 minutes,
and the interactive DMs' latency during them.

Run it as ``.venv/bin/python -m bench budget``; see bench/README.md."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.mixed import percentile
from bot.settings import load_settings
from bot.slack_client import make_web_client, share_budgets
from storage.db import create_db_engine, make_session_factory
from storage.models import Pairing, Person, ScheduledSend
from storage.programs import default_program_id
from storage.slack_budgets import DatabaseBudgets
from tests import databases
from tests.slack.payloads import dm_channel_id

TOKEN = "xoxb-bench-budget"
PER_MINUTE = 300
ZONE = "Europe/London"  # a zone whose working day is open for most of the UTC day
INTERACTIVE_EVERY = 3.0  # seconds between the web process's DMs
ROOT = Path(__file__).resolve().parent.parent


def _mentor(n: int) -> str:
    return f"UBM{n:07d}"


def _mentee(n: int) -> str:
    return f"UBE{n:07d}"


ASKED = "UBASKED01"  # the mentor the web process's interactive DMs go to


def seed(url: str, pairs: int) -> None:
    """``pairs`` weekly pairings, each due a check-in a minute ago (now, by the real clock)."""
    now = datetime.now(UTC)
    engine = create_db_engine(url)
    people = [*(_mentor(n) for n in range(pairs)), *(_mentee(n) for n in range(pairs)), ASKED]
    try:
        with engine.begin() as connection:
            program_id = default_program_id(connection)
            connection.execute(
                insert(Person),
                [
                    {
                        "user_id": user_id,
                        "display_name": user_id,
                        "tz": ZONE,
                        "profile_fetched_at": now,
                        "is_bot": False,
                        "is_deleted": False,
                    }
                    for user_id in people
                ],
            )
            connection.execute(
                insert(Pairing),
                [
                    {
                        "program_id": program_id,
                        "mentor_id": _mentor(n),
                        "mentee_id": _mentee(n),
                        "focus": "research",
                        "status": "active",
                        "origin": "request",
                        "started_at": now - timedelta(days=30),
                        "cadence": "weekly",
                        "weekday": now.weekday(),
                        "local_time": "09:00",
                        "timezone": ZONE,
                        "meeting_format": "call",
                        "cadence_anchor": date(2026, 11, 2),
                        "next_checkin_at": now - timedelta(minutes=1),
                        "reassess_every_weeks": 4,
                        "next_reassess_at": now + timedelta(days=20),
                        "unanswered_checkins": 0,
                        "last_activity_at": now,
                    }
                    for n in range(pairs)
                ],
            )
    finally:
        engine.dispose()


@contextmanager
def rate_limited_slack(users: Sequence[str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [
            sys.executable,
            "-m",
            "bench.fake_slack_server",
            "--token",
            TOKEN,
            "--tz",
            ZONE,
            "--messages-per-minute",
            str(PER_MINUTE),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(" ".join(users) + "\n\n")
    process.stdin.flush()
    base_url = process.stdout.readline().strip()
    if not base_url:
        raise RuntimeError("the Slack fake did not start")
    yield base_url, process


def _environment(url: str, fake_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake_url,
        "SCHEDULER_INTERVAL_SECONDS": "5",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        "DEFAULT_TIMEZONE": ZONE,
    }


def interactive_sender(url: str, fake_url: str, until: float) -> list[float]:
    """As the web process: a DM every few seconds through the listeners' client, booking the
    shared budget as interactive; each one's latency (from the call to Slack's answer)."""
    settings = load_settings(
        {
            "_env_file": None,
            "database_url": url,
            "slack_bot_token": TOKEN,
            "slack_api_url": fake_url,
            "log_level": "WARNING",
        }
    )
    engine = create_db_engine(url)
    share_budgets(settings, DatabaseBudgets(make_session_factory(engine)))
    client = make_web_client(settings)
    latencies = []
    try:
        while time.time() < until:
            started = time.perf_counter()
            client.chat_postMessage(channel=ASKED, text="Someone asked you to mentor them.")
            latencies.append(time.perf_counter() - started)
            time.sleep(INTERACTIVE_EVERY)
    finally:
        engine.dispose()
    return latencies


def run(pairs: int) -> dict[str, float]:
    with databases.postgres_schema("mbbudget") as url:
        databases.migrate(url)
        seed(url, pairs)
        users = [*(_mentor(n) for n in range(pairs)), *(_mentee(n) for n in range(pairs)), ASKED]
        with rate_limited_slack(users) as (fake_url, fake):
            env = _environment(url, fake_url)
            started = time.time()
            workers = [
                subprocess.Popen(  # noqa: S603 (the installed command)
                    [str(Path(sys.executable).parent / "mentorbot"), "worker"],
                    env=env,
                    cwd="/",
                    stdout=subprocess.DEVNULL,
                )
                for _ in range(2)
            ]
            expected = 2 * pairs / PER_MINUTE * 60
            try:
                latencies = interactive_sender(url, fake_url, started + expected * 0.9)
                # Until every check-in went (or twice the time the budget allows).
                deadline = started + 2 * expected + 30
                engine = create_db_engine(url)
                try:
                    while time.time() < deadline:
                        with engine.connect() as connection:
                            sent = connection.execute(
                                select(func.count())
                                .select_from(ScheduledSend)
                                .where(
                                    ScheduledSend.status == "sent",
                                    ScheduledSend.kind.startswith("checkin"),
                                )
                            ).scalar_one()
                        if sent >= 2 * pairs:
                            break
                        time.sleep(1)
                finally:
                    engine.dispose()
            finally:
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(timeout=30)
            assert fake.stdin is not None
            assert fake.stdout is not None
            fake.stdin.close()
            report = json.loads(fake.stdout.readline())
            fake.stdout.close()
            fake.wait(timeout=30)
    asked = dm_channel_id(ASKED)
    checkins = sorted(t for t, channel in report["posted"] if channel != asked)
    return {
        "pairs": pairs,
        "checkin_dms": len(checkins),
        "limited": report["limited"],
        # From the first check-in to the last, and one interval for the first.
        "seconds": (checkins[-1] - checkins[0] + 60 / PER_MINUTE) if checkins else 0.0,
        "seconds_from_start": (checkins[-1] - started) if checkins else 0.0,
        "expected_seconds": expected,
        "interactive": len(latencies),
        "interactive_p50": percentile(latencies, 0.5),
        "interactive_max": max(latencies) if latencies else 0.0,
    }


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench budget")
    parser.add_argument("--pairs", type=int, default=250)
    args = parser.parse_args(argv)
    reason = databases.postgres_unavailable_reason()
    if reason is not None:
        print(f"PostgreSQL is needed ({reason})")
        return 1
    result = run(args.pairs)
    print(json.dumps(result, indent=2))
    seconds, expected = result["seconds"], result["expected_seconds"]
    print(
        f"{result['checkin_dms']:.0f} check-in DMs in {seconds:.1f} s (the budget allows "
        f"{expected:.1f} s; {result['seconds_from_start']:.1f} s from starting the workers); "
        f"{result['limited']:.0f} answered 429; interactive DMs: "
        f"{result['interactive']:.0f}, p50 {result['interactive_p50'] * 1000:.0f} ms, "
        f"slowest {result['interactive_max'] * 1000:.0f} ms"
    )
    return 0
