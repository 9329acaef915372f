"""Setting up pairs with an agreed rhythm, and reading the scheduler's DMs back from the fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, event, select

from bot.cadence import next_slot_after
from handlers.flows.checkins import schedule_of
from storage.models import CheckIn, Pairing
from storage.pairings import create_pairing
from storage.programs import default_program
from tests.conftest import MENTEE, MENTOR
from tests.harness import Harness
from tests.slack.fake_slack import Call

TUESDAY = 1


def make_pair(
    harness: Harness,
    *,
    mentor: str = MENTOR,
    mentee: str = MENTEE,
    focus: str = "research",
    cadence: str = "weekly",
    weekday: int = TUESDAY,
    at: str = "09:00",
    tz: str = "America/New_York",
    monthly_day: int | None = None,
) -> int:
    """An active pairing whose rhythm was agreed now; its first check-in is the next slot."""
    now = harness.clock()
    with harness.session() as session:
        pairing = create_pairing(
            session,
            program_id=default_program(session).id,
            mentor_id=mentor,
            mentee_id=mentee,
            focus=focus,
            origin="request",
            now=now,
        )
        pairing.cadence, pairing.weekday, pairing.local_time = cadence, weekday, at
        pairing.timezone, pairing.monthly_day = tz, monthly_day
        pairing.meeting_format = "call"
        pairing.cadence_anchor = now.date()
        schedule = schedule_of(pairing)
        assert schedule is not None
        pairing.next_checkin_at = next_slot_after(schedule, now)
        return pairing.id


def pairing(harness: Harness, pairing_id: int) -> Pairing:
    with harness.session() as session:
        found = session.get(Pairing, pairing_id)
        assert found is not None
        return found


def checkins(harness: Harness, pairing_id: int) -> list[CheckIn]:
    with harness.session() as session:
        return list(
            session.scalars(
                select(CheckIn).where(CheckIn.pairing_id == pairing_id).order_by(CheckIn.slot_at)
            )
        )


def checkin_dms(harness: Harness, user_id: str | None = None) -> list[Call]:
    """Check-in DMs Slack accepted, to ``user_id`` or to anyone."""
    return [
        call
        for call in harness.fake.calls_to("chat.postMessage")
        if call.ok
        and str(call.args.get("text", "")).startswith("Check-in:")
        and (user_id is None or call.args.get("channel") == user_id)
    ]


def dms_starting(harness: Harness, user_id: str, prefix: str) -> list[Call]:
    return [
        call
        for call in harness.fake.calls_to("chat.postMessage")
        if call.ok
        and call.args.get("channel") == user_id
        and str(call.args.get("text", "")).startswith(prefix)
    ]


def at(harness: Harness, when: datetime) -> Any:
    """Set the clock and run one tick."""
    harness.clock.set(when)
    return harness.tick()


@contextmanager
def sql_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (with its parameters) ``engine`` sends inside the block."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def make_pairs(
    harness: Harness, tag: str, count: int, mentee_tz: str = "America/New_York"
) -> list[str]:
    """``count`` pairs checking in on Tuesdays at 09:00 New York time, their people known to
    Slack; everyone in them (mentor, mentee, mentor, ...)."""
    people: list[str] = []
    for n in range(count):
        mentor, mentee = f"U0{tag}MTR{n:03d}", f"U0{tag}MTE{n:03d}"
        harness.fake.add_user(mentor, f"{tag.lower()}mentor{n}", tz="America/New_York")
        harness.fake.add_user(mentee, f"{tag.lower()}mentee{n}", tz=mentee_tz)
        make_pair(harness, mentor=mentor, mentee=mentee, at="09:00")
        people += [mentor, mentee]
    return people
