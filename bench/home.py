"""How long a coordinator's Home takes to read and build for a program of 2,000 members (its
coverage section and their own mentorships: everything a Home publish does except Slack's
``views.publish``), median and 95th percentile, on SQLite and PostgreSQL.
Run it as ``.venv/bin/python -m bench home``; see bench/README.md."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, insert, select, text, update

from bench.members import add_default_members
from bench.mixed import database_url, percentile
from bench.tick import CHUNK, NOW
from bot.context import AppContext
from bot.focus import focus_areas
from bot.heap import settle
from bot.logging import configure_logging
from bot.settings import LogFormat, Settings, load_settings
from handlers.blocks.home import build_home
from handlers.flows.home import home_content
from storage import schema
from storage.db import create_db_engine, make_session_factory
from storage.models import (
    CheckIn,
    MentorProfile,
    MentorRequest,
    Pairing,
    Person,
    Program,
    SessionRating,
    TraineeProfile,
    WaitingEntry,
)
from storage.programs import default_program_id

COORDINATOR = "U0COORDIN"
RUNS = 40


@dataclass(frozen=True)
class Row:
    database: str
    members: int
    blocks: int
    median_ms: float
    p95_ms: float


def _settings(url: str) -> Settings:
    return load_settings(
        {
            "_env_file": None,
            "database_url": url,
            "log_format": "json",
            "coordinators": COORDINATOR,
        }
    )


def seed(engine: Engine, settings: Settings, members: int) -> None:
    """``members`` people in the default program: a fifth mentors (listed, most open), the
    rest trainees with a profile; half the trainees have a mentor, some of the others asked or
    wait on the list. The coordinator mentors two of them. Each pair had a check-in in each of
    the last two weeks (most answered "We met", a fifth unanswered, most meetings rated); the
    program asks for a mentor within 30 days of joining."""
    rng = random.Random(7)
    focus = [a.key for a in focus_areas(settings.focus_areas)]
    people = [f"U{n:08d}" for n in range(members)]
    mentors, trainees = people[: members // 5], people[members // 5 :]
    with engine.begin() as connection:
        program_id = default_program_id(connection)
        rows = [
            {
                "user_id": user_id,
                "display_name": user_id,
                "tz": "America/New_York",
                "profile_fetched_at": NOW,
                "is_bot": False,
                "is_deleted": False,
                "capacity": rng.choice((None, 2, 3)),
            }
            for user_id in [*people, COORDINATOR]
        ]
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(Person), rows[start : start + CHUNK])
        add_default_members(connection, [*people, COORDINATOR], NOW - timedelta(days=60))
        connection.execute(
            insert(MentorProfile),
            [
                {
                    "user_id": user_id,
                    "listed": True,
                    "open": rng.random() < 0.8,
                    "focus_areas": rng.sample(focus, 2),
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for user_id in mentors
            ],
        )
        connection.execute(
            insert(TraineeProfile),
            [
                {
                    "user_id": u,
                    "focus_areas": [rng.choice(focus)],
                    "note": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for u in trainees
            ],
        )
        paired = trainees[: len(trainees) // 2]
        pairing = {
            "program_id": program_id,
            "status": "active",
            "origin": "request",
            "started_at": NOW - timedelta(days=30),
            "last_activity_at": NOW,
            "reassess_every_weeks": 4,
            "unanswered_checkins": 0,
        }
        connection.execute(
            insert(Pairing),
            [
                {
                    **pairing,
                    "mentor_id": rng.choice(mentors),
                    "mentee_id": u,
                    "focus": rng.choice(focus),
                }
                for u in paired
            ]
            + [
                {**pairing, "mentor_id": COORDINATOR, "mentee_id": u, "focus": focus[0]}
                for u in trainees[-2:]
            ],
        )
        pairs = connection.execute(select(Pairing.id, Pairing.mentor_id, Pairing.mentee_id)).all()
        checkins = [
            {
                "pairing_id": pairing_id,
                "slot_at": NOW - timedelta(days=days),
                "sent_at": NOW - timedelta(days=days),
                "answer": answer,
                "answered_at": NOW - timedelta(days=days - 1) if answer else None,
            }
            for pairing_id, _, _ in pairs
            for days in (3, 10)
            for answer in [rng.choice(("met", "met", "met", "rescheduled", None))]
        ]
        for start in range(0, len(checkins), CHUNK):
            connection.execute(insert(CheckIn), checkins[start : start + CHUNK])
        met = connection.execute(
            select(CheckIn.id, CheckIn.pairing_id, CheckIn.answered_at).where(
                CheckIn.answer == "met"
            )
        ).all()
        by_pair = {pairing_id: (mentor, mentee) for pairing_id, mentor, mentee in pairs}
        ratings = [
            {
                "program_id": program_id,
                "pairing_id": pairing_id,
                "checkin_id": checkin_id,
                "rater_id": by_pair[pairing_id][1],
                "mentor_id": by_pair[pairing_id][0],
                "focus": focus[0],
                "score": rng.randint(2, 5),
                "rated_at": answered_at,
            }
            for checkin_id, pairing_id, answered_at in met
            if rng.random() < 0.7
        ]
        for start in range(0, len(ratings), CHUNK):
            connection.execute(insert(SessionRating), ratings[start : start + CHUNK])
        connection.execute(
            update(Program).where(Program.id == program_id).values(mentor_within_days=30)
        )
        unpaired = trainees[len(trainees) // 2 : -2]
        connection.execute(
            insert(MentorRequest),
            [
                {
                    "program_id": program_id,
                    "mentee_id": u,
                    "mentor_id": rng.choice(mentors),
                    "focus": focus[0],
                    "note": "",
                    "status": "pending",
                    "created_at": NOW,
                    "remind_at": NOW + timedelta(days=3),
                    "expires_at": NOW + timedelta(days=14),
                }
                for u in unpaired[::3]
            ],
        )
        connection.execute(
            insert(WaitingEntry),
            [
                {
                    "program_id": program_id,
                    "user_id": u,
                    "focus": focus[0],
                    "status": "waiting",
                    "joined_at": NOW,
                }
                for u in unpaired[1::3]
            ],
        )


def bench(database: str, url: str, members: int) -> Row:
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
        settings = _settings(url)
        seed(engine, settings, members)
        if engine.dialect.name == "postgresql":
            # As autovacuum would have by now: planner statistics for the freshly loaded rows.
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        ctx = AppContext(
            settings=settings, sessions=make_session_factory(engine), clock=lambda: NOW
        )
        settle()  # as `mentorbot run` does once the app is built
        view = build_home(home_content(ctx, COORDINATOR))  # warm the statement cache
        times: list[float] = []
        for _ in range(RUNS):
            started = time.perf_counter()
            view = build_home(home_content(ctx, COORDINATOR))
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return Row(
            database,
            members,
            len(view["blocks"]),
            percentile(times, 0.5),
            percentile(times, 0.95),
        )
    finally:
        engine.dispose()


HEADER = "| database | members | Home blocks | median | p95 |"


def render(rows: Sequence[Row]) -> str:
    lines = [HEADER, "| --- | ---: | ---: | ---: | ---: |"]
    lines += [
        f"| {r.database} | {r.members:,} | {r.blocks} | {r.median_ms:.0f} ms | {r.p95_ms:.0f} ms |"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench home", description=__doc__)
    parser.add_argument("--members", type=int, nargs="+", default=[2_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    configure_logging(LogFormat.JSON, "WARNING")
    rows: list[Row] = []
    for database in args.databases:
        for members in args.members:
            with database_url(database, "mbhome") as url:
                if url is not None:
                    rows.append(bench(database, url, members))
    print(render(rows))
    return 0
