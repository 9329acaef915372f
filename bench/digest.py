"""How long the coordinator digest and the CSV report take to build, and how much memory they
peak at, with 10,000 active pairs (plus check-ins, tasks, goals, reassessments and requests) on
SQLite and PostgreSQL. With ``--programs N`` the pairs and requests are dealt out among N
programs and the figures are those of one program's digest and report (the default program's,
which holds its 1/N share, see :func:`spread_over_programs`).

Run it as ``.venv/bin/python -m bench.digest``; see bench/README.md."""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, func, insert, select, text, update

from bench.tick import CHUNK, NOW, seed, sqlite_url
from bot.feedback import Cell
from bot.logging import configure_logging
from bot.settings import LogFormat, Settings, load_settings
from handlers.blocks.digest import build_digest
from handlers.flows.digest import (
    build_digest_view,
    build_pairings_csv,
    build_teaching_csv,
    week_before,
)
from handlers.flows.feedback import build_feedback_csv, report_weeks
from handlers.flows.slack import program_focus_label
from storage import schema
from storage.db import SessionFactory, create_db_engine, make_session_factory, unit_of_work
from storage.feedback import exit_table, rating_cells
from storage.models import (
    Base,
    CheckIn,
    ExitSurvey,
    Goal,
    MentorRequest,
    Pairing,
    Program,
    Pulse,
    PulseAnswer,
    Reassessment,
    SessionRating,
    Task,
)
from storage.programs import default_program_id, program_config
from storage.reports import Period, at_risk_reasons
from tests import databases

PENDING_REQUESTS = 200
REPEATS = 3


@dataclass(frozen=True)
class Row:
    database: str
    pairs: int
    case: str
    seconds: float
    peak_mib: float
    output: str


def _chunks(rows: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    return [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]


def seed_activity(engine: Engine) -> None:
    """Give the seeded pairs a week of history, so every digest and CSV query finds rows."""
    day = timedelta(days=1)
    today = NOW.date()
    with engine.begin() as connection:
        pairs = connection.execute(
            select(Pairing.id, Pairing.mentor_id, Pairing.mentee_id).order_by(Pairing.id)
        ).all()
        checkins: list[dict[str, object]] = []
        tasks: list[dict[str, object]] = []
        goals: list[dict[str, object]] = []
        reassessments: list[dict[str, object]] = []
        answers = ("met", "skipped", "rescheduled", None)
        for i, (pid, _mentor, mentee) in enumerate(pairs):
            answer = answers[i % 4]
            # One check-in this week (answered three ways or not at all), one the week before.
            checkins.append(
                {
                    "pairing_id": pid,
                    "slot_at": NOW - 3 * day,
                    "sent_at": NOW - 3 * day,
                    "answer": answer,
                    "answered_by": mentee if answer else None,
                    "answered_at": NOW - 3 * day + timedelta(hours=2) if answer else None,
                    "duration_minutes": 45 if answer == "met" and i % 8 == 0 else None,
                }
            )
            checkins.append(
                {
                    "pairing_id": pid,
                    "slot_at": NOW - 10 * day,
                    "sent_at": NOW - 10 * day,
                    "answer": "met" if i % 2 == 0 else None,
                    "answered_by": mentee if i % 2 == 0 else None,
                    "answered_at": NOW - 10 * day if i % 2 == 0 else None,
                    "duration_minutes": 30 if i % 2 == 0 else None,
                }
            )
            done = i % 3 == 0
            tasks.append(
                {
                    "pairing_id": pid,
                    "text": "Read the paper",
                    "due_date": today + 7 * day,
                    "assignee_id": mentee,
                    "status": "done" if done else "open",
                    "completed_at": NOW - 2 * day if done else None,
                    "completed_by": mentee if done else None,
                }
            )
            tasks.append(
                {
                    "pairing_id": pid,
                    "text": "Draft the outline",
                    # One pair in twenty has an overdue task, so at-risk has rows to show.
                    "due_date": today - 3 * day if i % 20 == 0 else today + 14 * day,
                    "assignee_id": mentee,
                    "status": "open",
                    "completed_at": None,
                    "completed_by": None,
                }
            )
            achieved = i % 5 == 0
            goals.append(
                {
                    "pairing_id": pid,
                    "text": "Submit a first-author paper",
                    "status": "achieved" if achieved else "open",
                    "created_at": NOW - 30 * day,
                    "closed_at": NOW - day if achieved else None,
                }
            )
            if i % 2 == 0:
                reassessments.append(
                    {
                        "pairing_id": pid,
                        "at": NOW - 2 * day if i % 4 == 0 else NOW - 10 * day,
                        "goals_achieved": 1 if achieved else 0,
                        "tasks_done": 1 if done else 0,
                    }
                )
        for model, rows in (
            (CheckIn, checkins),
            (Task, tasks),
            (Goal, goals),
            (Reassessment, reassessments),
        ):
            for chunk in _chunks(rows):
                connection.execute(insert(model), chunk)
        # One pair in fifty has stopped answering.
        connection.execute(
            update(Pairing).where(Pairing.id % 50 == 0).values(unanswered_checkins=3)
        )
        connection.execute(
            insert(MentorRequest),
            [
                {
                    "program_id": default_program_id(connection),
                    "mentee_id": pairs[i][2],
                    "mentor_id": pairs[-1 - i][1],
                    "focus": "research",
                    "note": "",
                    "status": "pending",
                    "created_at": NOW - timedelta(days=1 + i % 10),
                    "remind_at": NOW + (-day if i % 2 == 0 else day),
                    "expires_at": NOW + 14 * day,
                }
                for i in range(PENDING_REQUESTS)
            ],
        )


RATING_WEEKS = 52
EXIT_SURVEYS = 2_000


def seed_feedback(engine: Engine, weeks: int = RATING_WEEKS) -> None:
    """A year of feedback: every pair met weekly and its mentee rated each meeting (one
    check-in and one rating per pair and week, ``weeks`` weeks back), a pulse closed this week
    answered by every mentee, and exit surveys answered by ``EXIT_SURVEYS`` mentees."""
    day = timedelta(days=1)
    with engine.begin() as connection:
        pairs = connection.execute(
            select(Pairing.id, Pairing.program_id, Pairing.mentor_id, Pairing.mentee_id).order_by(
                Pairing.id
            )
        ).all()
        for week in range(weeks):
            # An hour before the seed's own slots, so no slot is taken twice.
            slot = NOW - timedelta(weeks=week, hours=1) - 5 * day
            checkins: list[dict[str, object]] = [
                {"pairing_id": pid, "slot_at": slot, "sent_at": slot, "answer": "met"}
                for pid, _, _, _ in pairs
            ]
            for chunk in _chunks(checkins):
                connection.execute(insert(CheckIn), chunk)
            ids = dict(
                connection.execute(
                    select(CheckIn.pairing_id, CheckIn.id).where(CheckIn.slot_at == slot)
                ).all()
            )
            ratings: list[dict[str, object]] = [
                {
                    "program_id": program_id,
                    "pairing_id": pid,
                    "checkin_id": ids[pid],
                    "rater_id": mentee,
                    "mentor_id": mentor,
                    "focus": "research",
                    "score": 1 + (pid + week) % 5,
                    "rated_at": slot + timedelta(hours=3),
                }
                for pid, program_id, mentor, mentee in pairs
            ]
            for chunk in _chunks(ratings):
                connection.execute(insert(SessionRating), chunk)
        default_id = default_program_id(connection)
        pulse_id = connection.execute(
            insert(Pulse)
            .values(
                program_id=default_id,
                created_by="U0BENCH01",
                created_at=NOW - 6 * day,
                questions=["satisfaction", "supported"],
                remind_at=NOW - 4 * day,
                closes_at=NOW - day,
                closed_at=NOW - day,
            )
            .returning(Pulse.id)
        ).scalar_one()
        answers: list[dict[str, object]] = [
            {
                "pulse_id": pulse_id,
                "user_id": mentee,
                "answers": {"satisfaction": 1 + pid % 5, "supported": 1 + (pid // 2) % 5},
                "answered_at": NOW - 2 * day,
            }
            for pid, _, _, mentee in pairs
        ]
        for chunk in _chunks(answers):
            connection.execute(insert(PulseAnswer), chunk)
        surveys: list[dict[str, object]] = [
            {
                "program_id": program_id,
                "pairing_id": pid,
                "user_id": mentee,
                "role": "mentee",
                "mentor_id": mentor,
                "focus": "research",
                "created_at": NOW - timedelta(days=200 - i % 190),
                "answered_at": NOW - timedelta(days=199 - i % 190),
                "goals_met": ("all", "some", "none")[i % 3],
                "recommend": i % 11,
                "share_text": False,
            }
            for i, (pid, program_id, mentor, mentee) in enumerate(pairs[:EXIT_SURVEYS])
        ]
        for chunk in _chunks(surveys):
            connection.execute(insert(ExitSurvey), chunk)


def spread_over_programs(engine: Engine, programs: int) -> None:
    """``programs - 1`` more programs, and the pairings and requests dealt out among all of them
    in contiguous blocks of ids, so the seed's every-n-th patterns stay mixed in each block.
    The default program, whose digest is measured, holds the last block."""
    if programs > 1:
        with engine.begin() as connection:
            others = []
            for n in range(1, programs):
                name = f"Program {n:03d}"
                others.append(
                    int(
                        connection.execute(
                            insert(Program)
                            .values(
                                name=name,
                                name_key=name.lower(),
                                is_default=False,
                                open_to_join=False,
                                created_at=NOW,
                            )
                            .returning(Program.id)
                        ).scalar_one()
                    )
                )
            for model in (Pairing, MentorRequest):  # feedback rows follow their pairing below
                low, high = connection.execute(select(func.min(model.id), func.max(model.id))).one()
                if low is None:
                    continue
                block = (int(high) - int(low)) // programs + 1
                for index, program_id in enumerate(others):
                    start = int(low) + index * block
                    connection.execute(
                        update(model)
                        .where(model.id >= start, model.id < start + block)
                        .values(program_id=program_id)
                    )
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # Only this schema's tables: a bare ANALYZE would take locks across the database.
            connection.execute(text(f"ANALYZE {', '.join(Base.metadata.tables)}"))


def measure(work: Callable[[], str]) -> tuple[float, float, str]:
    """Median wall time of ``REPEATS`` runs without tracemalloc, then one traced run's peak."""
    times = []
    output = ""
    for _ in range(REPEATS):
        gc.collect()
        started = time.perf_counter()
        output = work()
        times.append(time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    try:
        work()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return statistics.median(times), peak / 2**20, output


def bench(
    database: str, url: str, pairs: int, programs: int = 1, *, feedback: bool = True
) -> list[Row]:
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
        seed(engine, pairs)
        seed_activity(engine)
        spread_over_programs(engine, programs)
        if feedback:
            # Seeded after the spread, so each rating carries its pairing's program.
            seed_feedback(engine)
            if engine.dialect.name == "postgresql":
                with engine.begin() as connection:
                    connection.execute(text(f"ANALYZE {', '.join(Base.metadata.tables)}"))
        settings = _settings(url)
        sessions = make_session_factory(engine)
        period = week_before(NOW)

        def digest() -> str:
            with unit_of_work(sessions) as session:
                program = program_config(session, settings, default_program_id(session))
                view = build_digest_view(
                    session,
                    program,
                    period,
                    NOW,
                    named=programs > 1,
                    minimum=settings.feedback_min_responses,
                )
                blocks = build_digest(view).blocks
            risk = view.risk
            return (
                f"{len(blocks)} blocks; {view.numbers.active_pairings:,} active, "
                f"{risk.total_pairs:,} pairs + {risk.total_requests:,} requests at risk"
            )

        def report() -> str:
            return _report(sessions, settings)

        def feedback_report() -> str:
            with unit_of_work(sessions) as session:
                program = program_config(session, settings, default_program_id(session))
                weeks = report_weeks(program, Period(NOW - timedelta(days=364), NOW), NOW)
                ratings: dict[str, list[Cell]] = {}
                for (_, focus), cell in rating_cells(session, program.id, weeks).items():
                    ratings.setdefault(focus, []).append(cell)
                exits = exit_table(session, program.id, settings.feedback_min_responses)
                foci = set(ratings) | set(exits.foci)
                labels = {f: program_focus_label(program, f) for f in foci}
            out = build_feedback_csv(
                labels, ratings, exits, weeks, settings.feedback_min_responses, program.zone
            )
            lines = out.count(b"\n") - 1
            return f"{lines} focus rows over {len(weeks)} weeks"

        rows = []
        cases: list[tuple[str, Callable[[], str]]] = [
            ("weekly digest", digest),
            ("CSV report", report),
        ]
        if feedback:
            cases.append(("feedback CSV, a year", feedback_report))
        for case, work in cases:
            seconds, peak, output = measure(work)
            rows.append(Row(database, pairs, case, seconds, peak, output))
        return rows
    finally:
        engine.dispose()


def _report(sessions: SessionFactory, settings: Settings) -> str:
    period = week_before(NOW)
    with unit_of_work(sessions) as session:
        program = program_config(session, settings, default_program_id(session))
        risk = at_risk_reasons(session, NOW, NOW.date(), program.id)
        pairings = build_pairings_csv(session, program, period, risk)
        teaching = build_teaching_csv(session, period, program.id, settings.feedback_min_responses)
    pairing_rows = pairings.count(b"\n") - 1
    mentor_rows = teaching.count(b"\n") - 1
    return (
        f"{pairing_rows:,} pairing rows ({len(pairings) / 2**10:,.0f} KiB), "
        f"{mentor_rows:,} mentor rows"
    )


def _settings(url: str) -> Settings:
    return load_settings(
        {
            "_env_file": None,
            "slack_bot_token": "xoxb-bench-token",
            "database_url": url,
            "default_timezone": "America/New_York",
            "log_format": "json",
            "log_level": "WARNING",
        }
    )


def render(rows: Sequence[Row]) -> str:
    lines = [
        "| database | active pairs | build | wall time | peak memory | output |",
        "| --- | ---: | --- | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.database} | {row.pairs:,} | {row.case} | {row.seconds * 1000:,.0f} ms "
            f"| {row.peak_mib:,.2f} MiB | {row.output} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__)
    parser.add_argument("--pairs", type=int, nargs="+", default=[10_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--programs", type=int, default=1)
    parser.add_argument("--no-feedback", action="store_true", help="leave out the year of feedback")
    args = parser.parse_args(argv)
    feedback = not args.no_feedback
    configure_logging(LogFormat.JSON, "WARNING")
    rows: list[Row] = []
    for database in args.databases:
        for pairs in args.pairs:
            if database == "sqlite":
                with sqlite_url() as url:
                    rows += bench(database, url, pairs, args.programs, feedback=feedback)
            else:
                reason = databases.postgres_unavailable_reason()
                if reason:
                    print(f"skipping PostgreSQL: {reason}")
                    continue
                with databases.postgres_schema("mbbench") as url:
                    rows += bench(database, url, pairs, args.programs, feedback=feedback)
            shown = 3 if feedback else 2
            print("\n".join(render(rows[-shown:]).splitlines()[2:]), flush=True)
    print()
    print(render(rows))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
