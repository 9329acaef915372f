"""Acks under load: 50 people issuing commands and clicking buttons at once while a busy tick
sends check-ins, against a loopback Slack that answers every call in 300 ms; then the ack
latency of `/mentor help` and `/mentor list` beside a bare Bolt app acking the same command,
in the same run, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Engine, func, insert, select

from bench.fake_slack_server import slack_process
from bench.members import add_default_members
from bot.app import LISTENER_THREADS, SPARE_LISTENER_THREADS, create_app
from bot.context import AppContext
from bot.jobs import run_tick
from bot.logging import configure_logging
from bot.server import RunningServer, build_wsgi_app, start_http_server
from bot.settings import LogFormat, Settings, load_settings
from bot.slack_client import make_web_client
from bot.tick import StepResult
from handlers import ids
from storage import schema
from storage.db import answering_engine, create_db_engine, make_session_factory
from storage.models import CheckIn, Goal, MentorRequest, Pairing, Person
from storage.programs import default_program_id
from tests import databases
from tests.harness import TrackingExecutor
from tests.slack.signed_client import AppResponse, SlackSender

TOKEN = "xoxb-bench-token"
SIGNING_SECRET = "bench-signing-secret-0123456789ab"
NOW = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York
TZ = "America/New_York"
PEOPLE = 50
DUE = 100  # pairs due a check-in: 200 DMs for the busy tick
SLACK_LATENCY = 0.3
ACK_DEADLINE = 3.0
SAMPLES = 200


@dataclass
class SlackSide:
    """The loopback Slack (in a process of its own): its base URL, and fresh ``response_url``s
    it minted, handed out one per request."""

    base_url: str
    minted: list[str]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def response_url(self) -> str:
        with self._lock:
            return self.minted.pop()


def actor(n: int) -> str:
    return f"UA{n:08d}"


def actor_mentor(n: int) -> str:
    return f"UB{n:08d}"


def asker(n: int) -> str:
    return f"UC{n:08d}"


def askee(n: int) -> str:
    return f"UD{n:08d}"


def due_mentor(n: int) -> str:
    return f"UM{n:08d}"


def due_mentee(n: int) -> str:
    return f"UE{n:08d}"


def everyone(people: int, due: int) -> list[str]:
    return [f(n) for n in range(people) for f in (actor, actor_mentor, asker, askee)] + [
        f(n) for n in range(due) for f in (due_mentor, due_mentee)
    ]


def _pairing(mentor_id: str, mentee_id: str, next_checkin_at: datetime) -> dict[str, Any]:
    return {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "focus": "research",
        "status": "active",
        "origin": "request",
        "started_at": NOW - timedelta(days=30),
        "cadence": "weekly",
        "weekday": 1,
        "local_time": "10:00",
        "timezone": TZ,
        "meeting_format": "call",
        "cadence_anchor": date(2026, 12, 1),
        "next_checkin_at": next_checkin_at,
        "reassess_every_weeks": 4,
        "next_reassess_at": NOW + timedelta(days=7),
        "unanswered_checkins": 0,
        "last_activity_at": NOW,
    }


@dataclass(frozen=True)
class Seeded:
    request_of: dict[str, int]  # actor -> the pending request asking them to mentor
    checkin_of: dict[str, int]  # actor -> last week's unanswered check-in


def seed(engine: Engine, people: int, due: int) -> Seeded:
    """Each actor mentee of one pair with last week's check-in unanswered, and asked by someone
    to mentor them; ``due`` other pairs due a check-in now."""
    with engine.begin() as connection:
        program_id = default_program_id(connection)
        connection.execute(
            insert(Person),
            [
                {
                    "user_id": user_id,
                    "display_name": user_id.lower(),
                    "tz": TZ,
                    "profile_fetched_at": NOW,
                    "is_bot": False,
                    "is_deleted": False,
                }
                for user_id in everyone(people, due)
            ],
        )
        add_default_members(connection, everyone(people, due), NOW)
        later = NOW + timedelta(days=6)
        connection.execute(
            insert(Pairing),
            [
                {**row, "program_id": program_id}
                for row in [_pairing(actor_mentor(n), actor(n), later) for n in range(people)]
                + [
                    _pairing(due_mentor(n), due_mentee(n), NOW - timedelta(minutes=1))
                    for n in range(due)
                ]
            ],
        )
        pairings = dict(
            connection.execute(
                select(Pairing.mentee_id, Pairing.id).where(Pairing.mentee_id.like("UA%"))
            ).all()
        )
        connection.execute(
            insert(CheckIn),
            [
                {
                    "pairing_id": pairings[actor(n)],
                    "slot_at": NOW - timedelta(days=1),
                    "sent_at": NOW - timedelta(days=1),
                }
                for n in range(people)
            ],
        )
        connection.execute(
            insert(MentorRequest),
            [
                {
                    "program_id": program_id,
                    "mentee_id": asker(n),
                    "mentor_id": actor(n),
                    "focus": "career",
                    "note": "",
                    "status": "pending",
                    "created_at": NOW - timedelta(hours=1),
                    "remind_at": NOW + timedelta(days=3),
                    "expires_at": NOW + timedelta(days=14),
                }
                for n in range(people)
            ],
        )
        checkins = dict(
            connection.execute(
                select(Pairing.mentee_id, CheckIn.id).join(
                    Pairing, CheckIn.pairing_id == Pairing.id
                )
            ).all()
        )
        requests = dict(connection.execute(select(MentorRequest.mentor_id, MentorRequest.id)).all())
    return Seeded(
        request_of={actor(n): requests[actor(n)] for n in range(people)},
        checkin_of={actor(n): checkins[actor(n)] for n in range(people)},
    )


class LogWatch(logging.Handler):
    """Counts what the app logged at ERROR, and every "database is locked"."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.locked = 0
        self.errors: list[str] = []
        self._formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        text = str(record.msg)
        if record.exc_info:
            text += self._formatter.formatException(record.exc_info)
        if "database is locked" in text:
            self.locked += 1
        if record.levelno >= logging.ERROR:
            # The event and the exception itself (a traceback's last lines), not its middle.
            self.errors.append(text if len(text) <= 700 else f"{text[:200]} … {text[-500:]}")


@contextmanager
def watching_logs() -> Iterator[LogWatch]:
    watch = LogWatch()
    root = logging.getLogger()
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)
    failures: int = 0

    def line(self, database: str) -> str:
        s = self.seconds
        late = sum(1 for x in s if x >= ACK_DEADLINE)
        return (
            f"| {database} | {self.label} | {len(s)} | {percentile(s, 0.5) * 1000:,.0f} ms "
            f"| {percentile(s, 0.95) * 1000:,.0f} ms "
            f"| {percentile(s, 0.99) * 1000:,.0f} ms | {max(s) * 1000:,.0f} ms | {late} "
            f"| {self.failures} |"
        )


def timed(send: Callable[[], AppResponse]) -> tuple[float, bool]:
    """How long ``send`` took to be acked, and whether Slack would have taken the ack (200)."""
    started = time.perf_counter()
    response = send()
    return time.perf_counter() - started, response.status == 200


@dataclass(frozen=True)
class Served:
    server: RunningServer
    sender: SlackSender
    executor: TrackingExecutor


@contextmanager
def serve(app: App, engine: Engine, executor: TrackingExecutor) -> Iterator[Served]:
    server = start_http_server(
        build_wsgi_app(app, engine, signing_secret=SIGNING_SECRET), "127.0.0.1", 0
    )
    try:
        yield Served(server, SlackSender(f"{server.url}/slack/events", SIGNING_SECRET), executor)
    finally:
        server.stop()
        executor.shutdown(wait=True)


def settings_for(url: str, fake: SlackSide) -> Settings:
    return load_settings(
        {
            "_env_file": None,
            "slack_bot_token": TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "database_url": url,
            "slack_api_url": fake.base_url,
            # The loopback Slack mints the response_urls: the app follows only its host.
            "slack_response_url_base": fake.base_url.removesuffix("api/"),
            "default_timezone": TZ,
            "log_format": "json",
            "log_level": "WARNING",
        }
    )


ACTIONS = (
    "/mentor help",
    "/mentor list",
    "Accept (button)",
    "Skip this time (button)",
    "/mentor ask",
    "/mentor goal add",
)


def crowd_acts(
    events_url: str, secret: str, seeded: Seeded, urls: list[str], people: int
) -> dict[str, Timings]:
    """``people`` people acting at once, each sending its six requests one after another (the
    next as soon as the last was acked); how long each ack took, by request."""
    sender = SlackSender(events_url, secret)
    fake = SlackSide("", urls)
    timings: dict[str, Timings] = {}
    lock = threading.Lock()
    start = threading.Barrier(people)

    def person(n: int) -> None:
        start.wait()
        for label, send in person_actions(sender, fake, seeded, n):
            seconds, ok = timed(send)
            with lock:
                slot = timings.setdefault(label, Timings(label))
                slot.seconds.append(seconds)
                slot.failures += 0 if ok else 1

    with ThreadPoolExecutor(max_workers=people) as threads:
        list(threads.map(person, range(people)))
    return timings


def person_actions(
    sender: SlackSender, fake: SlackSide, seeded: Seeded, n: int
) -> list[tuple[str, Callable[[], AppResponse]]]:
    who = actor(n)
    url = fake.response_url
    return [
        ("/mentor help", lambda: sender.command("help", user_id=who, response_url=url())),
        ("/mentor list", lambda: sender.command("list", user_id=who, response_url=url())),
        (
            "Accept (button)",
            lambda: sender.block_action(
                user_id=who,
                action_id=ids.REQUEST_ACCEPT,
                value=str(seeded.request_of[who]),
                response_url=url(),
            ),
        ),
        (
            "Skip this time (button)",
            lambda: sender.block_action(
                user_id=who,
                action_id=ids.CHECKIN_SKIPPED,
                value=str(seeded.checkin_of[who]),
                response_url=url(),
            ),
        ),
        (
            "/mentor ask",
            lambda: sender.command(
                f"ask <@{askee(n)}> research Help with my first protocol",
                user_id=who,
                response_url=url(),
            ),
        ),
        (
            "/mentor goal add",
            lambda: sender.command(
                f"goal add <@{actor_mentor(n)}> Present a case at grand rounds",
                user_id=who,
                response_url=url(),
            ),
        ),
    ]


@dataclass
class MixedOutcome:
    timings: dict[str, Timings]
    tick: StepResult | None
    tick_seconds: float
    load_seconds: float
    tick_busy_throughout: bool
    locked: int
    errors: list[str]
    written: dict[str, int]
    expected: int  # each kind of write: one per person

    @property
    def lost(self) -> int:
        """Actions acked but not in the database afterwards (each person wrote one of each)."""
        return sum(max(0, self.expected - count) for count in self.written.values())

    @property
    def late(self) -> int:
        return sum(1 for x in self.timings["every request"].seconds if x >= ACK_DEADLINE)

    @property
    def refused(self) -> int:
        return self.timings["every request"].failures

    @property
    def good(self) -> bool:
        return self.lost == 0 and self.late == 0 and self.refused == 0 and not self.errors


def mixed_load(url: str, fake: SlackSide, people: int, due: int) -> MixedOutcome:
    engine = create_db_engine(url)
    answering = answering_engine(engine)  # as `mentorbot run` serves
    try:
        schema.upgrade(engine)
        seeded = seed(engine, people, due)
        settings = settings_for(url, fake)
        ctx = AppContext(
            settings=settings,
            sessions=make_session_factory(engine, answering),
            clock=lambda: NOW,
        )
        executor = TrackingExecutor(LISTENER_THREADS, SPARE_LISTENER_THREADS)  # as in production
        with (
            watching_logs() as watch,
            serve(create_app(ctx, listener_executor=executor), engine, executor) as served,
        ):
            tick_result: list[StepResult] = []
            tick_done = threading.Event()
            tick_started = time.perf_counter()

            def busy_tick() -> None:
                try:
                    tick_result.append(run_tick(ctx, make_web_client(settings), NOW))
                finally:
                    tick_done.set()

            ticker = threading.Thread(target=busy_tick, name="tick")
            ticker.start()
            time.sleep(1.0)  # let the tick get well into its sends

            urls = [fake.response_url() for _ in range(people * len(ACTIONS))]
            load_started = time.perf_counter()
            # The people act from a process of their own, as Slack's clients are not in the
            # app's process: their threads do not compete with the app for its interpreter.
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as crowd:
                timings = crowd.submit(
                    crowd_acts, served.sender.app_url, SIGNING_SECRET, seeded, urls, people
                ).result()
            served.executor.wait_idle(timeout=600)
            load_seconds = time.perf_counter() - load_started
            busy_throughout = not tick_done.is_set()
            ticker.join()
            tick_seconds = time.perf_counter() - tick_started
        with engine.connect() as connection:
            written = {
                "accepted requests": connection.scalar(
                    select(func.count()).where(MentorRequest.status == "accepted")
                ),
                "new requests pending": connection.scalar(
                    select(func.count()).where(
                        MentorRequest.status == "pending", MentorRequest.mentor_id.like("UD%")
                    )
                ),
                "asks delivered to their mentor": connection.scalar(
                    select(func.count()).where(
                        MentorRequest.mentor_id.like("UD%"), MentorRequest.mentor_ts.is_not(None)
                    )
                ),
                "check-ins skipped": connection.scalar(
                    select(func.count()).where(CheckIn.answer == "skipped")
                ),
                "goals added": connection.scalar(select(func.count()).select_from(Goal)),
            }
        everyone_label = Timings("every request")
        for slot in timings.values():
            everyone_label.seconds += slot.seconds
            everyone_label.failures += slot.failures
        return MixedOutcome(
            timings={**timings, "every request": everyone_label},
            tick=tick_result[0] if tick_result else None,
            tick_seconds=tick_seconds,
            load_seconds=load_seconds,
            tick_busy_throughout=busy_throughout,
            locked=watch.locked,
            errors=watch.errors,
            written={k: int(v or 0) for k, v in written.items()},
            expected=people,
        )
    finally:
        answering.dispose()
        engine.dispose()


def bare_bolt_app(fake: SlackSide) -> App:
    """The least an app can do: verify the signature and ack `/mentor` at once."""
    app = App(
        client=WebClient(token=TOKEN, base_url=fake.base_url),
        signing_secret=SIGNING_SECRET,
        process_before_response=False,
    )

    @app.command("/mentor")
    def ack_at_once(ack: Ack) -> None:
        ack()

    return app


def ack_latency(url: str, fake: SlackSide, samples: int) -> list[Timings]:
    """Sequential acks, nothing else running: mentorbot beside a bare Bolt app."""
    engine = create_db_engine(url)
    try:
        schema.upgrade(engine)
        seeded = seed(engine, 1, 0)
        del seeded
        settings = settings_for(url, fake)
        ctx = AppContext(
            settings=settings, sessions=make_session_factory(engine), clock=lambda: NOW
        )
        rows: list[Timings] = []
        apps = [
            (
                "mentorbot",
                lambda: create_app(
                    ctx,
                    listener_executor=TrackingExecutor(LISTENER_THREADS, SPARE_LISTENER_THREADS),
                ),
            )
        ]
        apps.append(("bare Bolt", lambda: bare_bolt_app(fake)))
        for name, build in apps:
            app = build()
            executor = app.listener_runner.listener_executor
            tracking = executor if isinstance(executor, TrackingExecutor) else TrackingExecutor()
            with serve(app, engine, tracking) as served:
                for text in ("help", "list"):
                    timings = Timings(f"{name}: /mentor {text}")
                    send = lambda text=text: served.sender.command(  # noqa: E731
                        text, user_id=actor(0), response_url=fake.response_url()
                    )
                    for _ in range(10):  # warm up: Bolt's first request checks the token
                        send()
                    for _ in range(samples):
                        seconds, ok = timed(send)
                        timings.seconds.append(seconds)
                        timings.failures += 0 if ok else 1
                    rows.append(timings)
        return rows
    finally:
        engine.dispose()


@contextmanager
def database_url(database: str, prefix: str) -> Iterator[str | None]:
    if database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    reason = databases.postgres_unavailable_reason()
    if reason:
        print(f"skipping PostgreSQL: {reason}")
        yield None
        return
    with databases.postgres_schema(prefix) as url:
        yield url


TABLE_HEAD = (
    "| database | request | count | ack p50 | ack p95 | ack p99 | slowest | 3 s or more "
    "| not 200 |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def report_mixed(database: str, outcome: MixedOutcome) -> str:
    lines = [TABLE_HEAD] + [t.line(database) for t in outcome.timings.values()]
    tick = outcome.tick
    lines.append("")
    lines.append(
        f"{database}: busy tick sent {tick.sent if tick else 0:,} DMs "
        f"(failed {tick.failed if tick else 'n/a'}) in {outcome.tick_seconds:,.1f} s; "
        f"the load (acks and the work after them) took {outcome.load_seconds:,.1f} s"
        f"{', all of it while the tick was sending' if outcome.tick_busy_throughout else ''}; "
        f'"database is locked": {outcome.locked}; errors logged: {len(outcome.errors)}'
    )
    lines.append(
        f"{database}: written (of {outcome.expected} each): "
        + ", ".join(f"{name} {count}" for name, count in outcome.written.items())
    )
    lines.append(
        f"{database}: lost actions {outcome.lost}; acks at 3 s or more {outcome.late}; "
        f"not answered 200 {outcome.refused}; errors logged {len(outcome.errors)}: "
        + ("GOOD" if outcome.good else "NOT GOOD")
    )
    for error in outcome.errors[:5]:
        lines.append(f"  error: {error}")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench mixed", description=__doc__)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--due", type=int, default=DUE)
    parser.add_argument("--latency", type=float, default=SLACK_LATENCY)
    parser.add_argument("--samples", type=int, default=SAMPLES)
    args = parser.parse_args(argv)
    configure_logging(LogFormat.JSON, "WARNING")
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.CRITICAL)  # counted by LogWatch, not printed
    reports: list[str] = []
    good = True
    requests = len(args.databases) * (args.people * len(ACTIONS) + 2 * (args.samples + 10) * 2)
    with slack_process(
        TOKEN,
        everyone(args.people, args.due),
        args.latency * 1000,
        response_latency_ms=args.latency * 1000,
        response_urls=requests,
    ) as process:
        fake = SlackSide(process.base_url, list(process.response_urls))
        for database in args.databases:
            with database_url(database, "mbmixed") as url:
                if url is None:
                    continue
                outcome = mixed_load(url, fake, args.people, args.due)
                good = good and outcome.good
                reports.append(report_mixed(database, outcome))
                print(reports[-1], flush=True)
            with database_url(database, "mbacks") as url:
                if url is None:
                    continue
                rows = ack_latency(url, fake, args.samples)
                reports.append("\n".join([TABLE_HEAD] + [r.line(database) for r in rows]))
                print(reports[-1], flush=True)
    if not good:
        print("NOT GOOD: an action was lost, an ack took 3 s or more, or an error was logged")
    return 0 if good else 1
