"""Time zones for a busy slot: profiles are refreshed once per person, a bounded number a tick,
starting in the hour before the check-ins are due, so the slot itself needs no users.info."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from handlers.flows.checkins import PROFILE_REFRESH_PEOPLE
from storage.models import Person
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, make_pair

SLOT = datetime(2027, 1, 5, 14, tzinfo=UTC)  # Tuesday 09:00 in New York
MENTOR = "U0PMTR000"
MENTEES = [f"U0PMTE{n:03d}" for n in range(PROFILE_REFRESH_PEOPLE + 10)]


def _looked_up(harness: Harness) -> list[str]:
    return [str(call.args["user"]) for call in harness.fake.calls_to("users.info")]


def test_profiles_are_refreshed_once_per_person_ahead_of_a_busy_slot(harness: Harness) -> None:
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    harness.fake.add_user(MENTOR, "mentor", tz="Europe/London")
    for n, mentee in enumerate(MENTEES):
        harness.fake.add_user(mentee, f"mentee{n}", tz="America/Chicago")
        make_pair(harness, mentor=MENTOR, mentee=mentee, at="09:00")
    harness.fake.reset_calls()

    at(harness, SLOT - timedelta(hours=2))
    assert _looked_up(harness) == []  # nothing due within the hour yet

    at(harness, SLOT - timedelta(minutes=50))
    first = _looked_up(harness)
    assert len(first) == PROFILE_REFRESH_PEOPLE
    assert len(set(first)) == len(first)

    at(harness, SLOT - timedelta(minutes=49))
    at(harness, SLOT - timedelta(minutes=48))
    looked_up = Counter(_looked_up(harness))
    assert looked_up == Counter(dict.fromkeys([MENTOR, *MENTEES], 1))
    with harness.session() as session:
        zones = {row[0]: row[1] for row in session.execute(select(Person.user_id, Person.tz))}
    assert zones[MENTOR] == "Europe/London"
    assert {zones[mentee] for mentee in MENTEES} == {"America/Chicago"}

    harness.fake.reset_calls()
    result = at(harness, SLOT)
    assert _looked_up(harness) == []
    assert (result.due, result.sent, result.failed) == (len(MENTEES), 2 * len(MENTEES), 0)
    assert Counter(str(c.args["channel"]) for c in checkin_dms(harness)) == Counter(
        {MENTOR: len(MENTEES)} | dict.fromkeys(MENTEES, 1)
    )
