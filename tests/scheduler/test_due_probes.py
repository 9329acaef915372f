"""The tick asks every step's "is anything due" in one statement first: with nothing due that
is all it sends, and a row made due for a step makes its probe (and only its probe) say so and
the step run."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from bot.jobs import FlowStep, _outbox_kinds, default_steps, due_steps, running_clock
from bot.slack_client import make_web_client
from bot.tick import Probed, TickContext
from handlers.flows.send_kinds import SCHEDULED_KINDS
from storage.models import (
    CheckIn,
    MentorRequest,
    Pairing,
    Person,
    ProcessedEvent,
    ScheduledSend,
    WaitingEntry,
)
from storage.people import ensure_person
from storage.places import PLACE_HOLD
from storage.profiles import join_waiting_list, mark_notified
from storage.programs import default_program
from tests.conftest import COORDINATOR_CHANNEL, MENTEE, MENTOR
from tests.harness import Harness
from tests.scheduler.helpers import make_pair, sql_statements

# A Wednesday afternoon: no check-in slot of a Tuesday pair, and far from Monday's digest.
NOW = datetime(2027, 1, 6, 15, tzinfo=UTC)
# Monday 08:30 in New York: the weekly digest's moment has come.
DIGEST_MOMENT = datetime(2027, 1, 4, 13, 30, tzinfo=UTC)


def _due_now(harness: Harness) -> set[str]:
    """The names of the default steps whose probe says they have work at the clock's time."""
    now = harness.clock()
    tick = TickContext(
        app=harness.ctx,
        client=make_web_client(harness.settings),
        now=now,
        clock=running_clock(now),
    )
    steps = default_steps()
    return {step.__name__ for step, due in zip(steps, due_steps(tick, steps), strict=True) if due}


def _pair(harness: Harness, **values: Any) -> int:
    pairing_id = make_pair(harness)
    if values:
        with harness.session() as session:
            session.execute(update(Pairing).where(Pairing.id == pairing_id).values(**values))
    return pairing_id


def _send(harness: Harness, **values: Any) -> int:
    pairing_id = _pair(harness)
    with harness.session() as session:
        row = ScheduledSend(
            dedupe_key=f"checkin/{pairing_id}:{MENTEE}/test",
            kind="checkin",
            pairing_id=pairing_id,
            recipient=MENTEE,
            slot_at=NOW - timedelta(hours=1),
            due_at=NOW - timedelta(hours=1),
            attempts=1,
            **values,
        )
        session.add(row)
        session.flush()
        return row.id


def _request(harness: Harness, **values: Any) -> int:
    with harness.session() as session:
        ensure_person(session, MENTEE)
        ensure_person(session, MENTOR)
        fields: dict[str, Any] = {
            "created_at": NOW - timedelta(days=3),
            "expires_at": NOW + timedelta(days=7),
        }
        request = MentorRequest(
            program_id=default_program(session).id,
            mentee_id=MENTEE,
            mentor_id=MENTOR,
            focus="research",
            note="",
            **(fields | values),
        )
        session.add(request)
        session.flush()
        return request.id


def _read(harness: Harness, query: Any) -> Any:
    with harness.session() as session:
        return session.execute(query).scalar()


def _notice(harness: Harness, notified_at: datetime) -> int:
    """MENTEE, on the waiting list, was told of a place with MENTOR at ``notified_at``."""
    with harness.session() as session:
        program_id = default_program(session).id
        entry, _ = join_waiting_list(
            session, program_id=program_id, user_id=MENTEE, focus="research", now=notified_at
        )
        mark_notified(session, entry.id, MENTOR, notified_at)
        return entry.id


def _digest_moment(harness: Harness) -> int:
    harness.clock.set(DIGEST_MOMENT)
    return 0


def _event(harness: Harness, received_at: datetime) -> int:
    with harness.session() as session:
        session.add(ProcessedEvent(event_id="Ev0OLD", received_at=received_at))
    return 0


@dataclass(frozen=True)
class Case:
    step: str
    arrange: Callable[[Harness], int]
    done: Callable[[Harness, int], bool]
    due_after: bool = False


CASES = [
    Case(
        "retry_stale_sends",
        lambda h: _send(h, status="claimed", claimed_at=NOW - timedelta(hours=1)),
        lambda h, send_id: (
            _read(h, select(ScheduledSend.status).where(ScheduledSend.id == send_id)) != "claimed"
        ),
    ),
    Case(
        "send_due_pending",
        lambda h: _send(h, status="pending"),
        lambda h, send_id: (
            _read(h, select(ScheduledSend.status).where(ScheduledSend.id == send_id)) != "pending"
        ),
    ),
    Case(
        "end_due_pauses",
        lambda h: _pair(
            h, status="paused", paused_until=NOW - timedelta(minutes=1), next_checkin_at=None
        ),
        lambda h, pairing_id: (
            _read(h, select(Pairing.status).where(Pairing.id == pairing_id)) == "active"
        ),
    ),
    Case(
        "send_due_checkins",
        lambda h: _pair(h, next_checkin_at=NOW - timedelta(minutes=1)),
        lambda h, pairing_id: (
            _read(h, select(CheckIn.id).where(CheckIn.pairing_id == pairing_id)) is not None
        ),
    ),
    Case(
        # Within the lookahead, a check-in not due yet: the members' profiles are refreshed,
        # and the step stays due until the check-in has gone out.
        "send_due_checkins",
        lambda h: _pair(h, next_checkin_at=NOW + timedelta(minutes=30)),
        lambda h, _: (
            _read(h, select(Person.profile_fetched_at).where(Person.user_id == MENTEE)) is not None
        ),
        due_after=True,
    ),
    Case(
        "send_due_reassess_prompts",
        lambda h: _pair(h, next_reassess_at=NOW - timedelta(minutes=1)),
        lambda h, pairing_id: (
            _read(h, select(Pairing.next_reassess_at).where(Pairing.id == pairing_id)).replace(
                tzinfo=UTC
            )
            > NOW
        ),
    ),
    Case(
        "discard_undelivered_requests",
        lambda h: _request(h, status="sending", created_at=NOW - timedelta(hours=1)),
        lambda h, request_id: (
            _read(h, select(MentorRequest.id).where(MentorRequest.id == request_id)) is None
        ),
    ),
    Case(
        "remind_unanswered_requests",
        lambda h: _request(h, status="pending", remind_at=NOW - timedelta(minutes=1)),
        lambda h, request_id: (
            _read(h, select(MentorRequest.reminded_at).where(MentorRequest.id == request_id))
            is not None
        ),
    ),
    Case(
        "expire_unanswered_requests",
        lambda h: _request(h, status="pending", expires_at=NOW - timedelta(minutes=1)),
        lambda h, request_id: (
            _read(h, select(MentorRequest.status).where(MentorRequest.id == request_id))
            == "expired"
        ),
    ),
    Case(
        "post_weekly_digest",
        _digest_moment,
        lambda h, _: any(
            call.args.get("channel") == COORDINATOR_CHANNEL
            for call in h.fake.calls_to("chat.postMessage")
        ),
    ),
    Case(
        # A place told to someone on the waiting list, unused past the hold: it lapses.
        "offer_freed_places",
        lambda h: _notice(h, NOW - PLACE_HOLD - timedelta(minutes=1)),
        lambda h, entry_id: (
            _read(h, select(WaitingEntry.status).where(WaitingEntry.id == entry_id)) == "lapsed"
        ),
    ),
    Case(
        "forget_old_events",
        lambda h: _event(h, NOW - timedelta(days=8)),
        lambda h, _: _read(h, select(ProcessedEvent.event_id)) is None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.step)
def test_a_row_made_due_makes_its_probe_true_and_its_step_run(harness: Harness, case: Case) -> None:
    harness.clock.set(NOW)
    assert _due_now(harness) == set()
    subject = case.arrange(harness)
    assert _due_now(harness) == {case.step}
    assert not case.done(harness, subject)

    harness.tick()

    assert case.done(harness, subject)
    assert _due_now(harness) == ({case.step} if case.due_after else set())


def _reads_programs(statement: str) -> bool:
    return re.search(r"\bFROM programs\b", statement) is not None


def test_an_idle_tick_sends_two_small_statements(harness: Harness, engine: Engine) -> None:
    """The programs' digest schedules (a handful of rows), then every probe in one statement."""
    harness.clock.set(NOW)
    make_pair(harness)  # a pair whose check-in is days away
    with sql_statements(engine) as sent:
        result = harness.tick()

    assert (result.due, result.sent, result.failed) == (0, 0, 0)
    assert len(sent) == 2, sent
    assert all(statement.lstrip().upper().startswith("SELECT") for statement, _ in sent)
    # The probes read programs only through the index of required mentorship's next look.
    schedules, probes = (statement for statement, _ in sent)
    assert _reads_programs(schedules)
    assert not _reads_programs(
        probes.replace("FROM programs \nWHERE programs.required_next_at", "")
    )


def test_a_step_that_did_work_has_the_later_steps_asked_again(
    harness: Harness, engine: Engine
) -> None:
    """A pause ending this tick is asked about again for the steps after it (two probes), and
    nothing else runs."""
    harness.clock.set(NOW)
    _pair(harness, status="paused", paused_until=NOW - timedelta(minutes=1), next_checkin_at=None)
    with sql_statements(engine) as sent:
        result = harness.tick()
    probes = [statement for statement, _ in sent if "EXISTS" in statement.upper()]

    assert result.due == 1
    assert len(probes) == 2


def test_the_outbox_probes_ask_about_every_kind_the_outbox_steps_send() -> None:
    # The probes name the kinds without loading the flows that draw them; a kind added to a
    # flow and not named here would sit in the outbox with no probe to notice it.
    assert set(_outbox_kinds()) == SCHEDULED_KINDS


def test_every_flow_step_names_a_function_of_its_flow() -> None:
    steps = [
        step.step
        for step in default_steps()
        if isinstance(step, Probed) and isinstance(step.step, FlowStep)
    ]
    assert len(steps) == 11
    for step in steps:
        function = getattr(import_module(f"handlers.flows.{step.flow}"), step.function)
        assert callable(function)
        assert function.__name__ == step.__name__
