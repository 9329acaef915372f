"""How long ``/mentor find`` takes over 5,000 mentor profiles: the directory look-up, the
ranking and the results modal (everything the command does after its ack except Slack's
``views.open``), median and 95th percentile, on SQLite and PostgreSQL.

Run it as ``.venv/bin/python -m bench directory``; see bench/README.md."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, insert, text

from bench.members import add_default_members
from bench.mixed import database_url, percentile
from bench.tick import CHUNK, NOW
from bot.context import AppContext
from bot.directory import FORMAT_KEYS, STAGE_KEYS, specialties
from bot.focus import focus_areas
from bot.heap import settle
from bot.logging import configure_logging
from bot.settings import LogFormat, Settings, load_settings
from handlers.blocks.directory import Search
from handlers.flows.directory import results_view
from storage import schema
from storage.db import create_db_engine, make_session_factory
from storage.models import Base, MentorProfile, Pairing, Person, TraineeProfile
from storage.programs import default_program_id

TRAINEE = "U0SEEKER0"
ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", None)
RUNS = 40


@dataclass(frozen=True)
class Row:
    database: str
    profiles: int
    case: str
    shown: int
    median_ms: float
    p95_ms: float


def _settings(url: str) -> Settings:
    return load_settings({"_env_file": None, "database_url": url, "log_format": "json"})


def seed(engine: Engine, settings: Settings, profiles: int) -> None:
    """``profiles`` listed mentors (most open, varied focus, specialty, stages, formats, time
    zones and capacity), about one open mentorship per two mentors, and one trainee."""
    rng = random.Random(13)
    focus = [a.key for a in focus_areas(settings.focus_areas)]
    specialty = [c.key for c in specialties(settings.specialties)]
    mentors = [f"U{n:08d}" for n in range(profiles)]
    mentees = [f"W{n:08d}" for n in range(profiles // 2)]
    people = [
        {
            "user_id": user_id,
            "display_name": user_id,
            "tz": rng.choice(ZONES),
            "profile_fetched_at": NOW,
            "is_bot": False,
            "is_deleted": False,
            "capacity": rng.choice((None, 1, 2, 3, 5)),
        }
        for user_id in [*mentors, *mentees, TRAINEE]
    ]
    rows = [
        {
            "user_id": user_id,
            "listed": rng.random() < 0.95,
            "open": rng.random() < 0.85,
            "focus_areas": rng.sample(focus, rng.randint(1, 3)),
            "specialty": rng.choice(specialty),
            "specialty_other": "Cardiology" if rng.random() < 0.1 else None,
            "stages": rng.sample(sorted(STAGE_KEYS), rng.randint(1, 3)),
            "formats": rng.sample(sorted(FORMAT_KEYS), rng.randint(1, 3)),
            "languages": ["English"] + (["Spanish"] if rng.random() < 0.2 else []),
            "bio": "Attending physician; happy to talk research and careers. " * 3,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for user_id in mentors
    ]
    with engine.begin() as connection:
        program_id = default_program_id(connection)
        for start in range(0, len(people), CHUNK):
            connection.execute(insert(Person), people[start : start + CHUNK])
        add_default_members(connection, [str(p["user_id"]) for p in people], NOW)
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(MentorProfile), rows[start : start + CHUNK])
        pairings = [
            {
                "program_id": program_id,
                "mentor_id": rng.choice(mentors),
                "mentee_id": mentee,
                "focus": rng.choice(focus),
                "status": "active",
                "origin": "request",
                "started_at": NOW - timedelta(days=30),
                "last_activity_at": NOW,
                "reassess_every_weeks": 4,
                "unanswered_checkins": 0,
            }
            for mentee in mentees
        ]
        connection.execute(insert(Pairing), pairings)
        connection.execute(
            insert(TraineeProfile),
            [
                {
                    "user_id": TRAINEE,
                    "stage": "resident",
                    "specialty": specialty[0],
                    "focus_areas": [focus[0]],
                    "note": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # The planner's statistics, as autovacuum keeps them on a live database; only this
            # schema's tables (a bare ANALYZE would take locks across the database).
            connection.execute(text(f"ANALYZE {', '.join(Base.metadata.tables)}"))


def bench(database: str, url: str, profiles: int) -> list[Row]:
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
        settings = _settings(url)
        seed(engine, settings, profiles)
        ctx = AppContext(
            settings=settings, sessions=make_session_factory(engine), clock=lambda: NOW
        )
        settle()  # as `mentorbot run` does once the app is built
        with engine.connect() as connection:
            program_id = default_program_id(connection)
        focus = focus_areas(settings.focus_areas)[0].key
        cases = {
            "no focus": Search(program_id=program_id),
            "a focus": Search(program_id=program_id, focus=focus),
            "focus, format and a word": Search(
                program_id=program_id, focus=focus, format="call", words=("cardiology",)
            ),
        }
        rows: list[Row] = []
        for case, search in cases.items():
            results_view(ctx, TRAINEE, search)  # warm the statement cache
            times: list[float] = []
            shown = 0
            for _ in range(RUNS):
                started = time.perf_counter()
                view = results_view(ctx, TRAINEE, search)
                times.append((time.perf_counter() - started) * 1000)
                shown = sum(1 for b in view["blocks"] if b.get("type") == "actions") - 1
            times.sort()
            rows.append(
                Row(
                    database,
                    profiles,
                    case,
                    shown,
                    statistics.median(times),
                    percentile(times, 0.95),
                )
            )
        return rows
    finally:
        engine.dispose()


HEADER = "| database | mentor profiles | search | median | p95 |"


def render(rows: Sequence[Row]) -> str:
    lines = [HEADER, "| --- | ---: | --- | ---: | ---: |"]
    lines += [
        f"| {r.database} | {r.profiles:,} | {r.case} | {r.median_ms:.0f} ms | {r.p95_ms:.0f} ms |"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench directory", description=__doc__)
    parser.add_argument("--profiles", type=int, nargs="+", default=[5_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    configure_logging(LogFormat.JSON, "WARNING")
    rows: list[Row] = []
    for database in args.databases:
        for profiles in args.profiles:
            with database_url(database, "mbdirectory") as url:
                if url is not None:
                    rows += bench(database, url, profiles)
    print(render(rows))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
