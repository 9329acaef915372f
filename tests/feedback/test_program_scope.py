"""Feedback scoped by program: a coordinator of one program sends pulses to and reads feedback
of that program only; forged payloads naming another program are refused and change nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from handlers import ids
from storage.models import Pulse, PulseAnswer
from tests.conftest import COORDINATOR, MENTEE, MENTOR
from tests.coordinators.test_program_isolation import (
    NURSE_COORD,
    NURSE_MENTEE,
    NURSE_MENTEE2,
    NURSE_MENTOR,
    NURSING,
    world,
)
from tests.feedback.test_minimum_shown import MENTEES, NOW, _rate
from tests.handlers.helpers import ephemeral_replies, modal_values, typed
from tests.harness import Harness


def _pulse_values() -> dict[str, object]:
    return modal_values(
        questions=(
            ids.PULSE_QUESTIONS_BLOCK,
            ids.PULSE_QUESTIONS_INPUT,
            {"type": "checkboxes", "selected_options": [{"value": "supported"}]},
        ),
        days=(ids.PULSE_DAYS_BLOCK, ids.PULSE_DAYS_INPUT, typed("3")),
    )


def test_a_pulse_goes_to_the_coordinators_own_program_only(harness: Harness) -> None:
    w = world(harness)
    harness.command("survey", user_id=NURSE_COORD)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["private_metadata"] == str(w.nursing_id)
    harness.view_submission(
        user_id=NURSE_COORD,
        callback_id=ids.PULSE_VIEW,
        private_metadata=view["private_metadata"],
        values=_pulse_values(),
    )
    with harness.session() as session:
        asked = set(session.scalars(select(PulseAnswer.user_id)))
    assert asked == {NURSE_MENTOR, NURSE_MENTEE, NURSE_MENTEE2}
    assert MENTEE not in asked

    # The nursing coordinator forging the main program's id: refused, nothing scheduled.
    harness.view_submission(
        user_id=NURSE_COORD,
        callback_id=ids.PULSE_VIEW,
        private_metadata=str(w.main_id),
        values=_pulse_values(),
    )
    with harness.session() as session:
        assert [p.program_id for p in session.scalars(select(Pulse))] == [w.nursing_id]


def test_a_coordinator_names_the_program_and_may_not_name_another(harness: Harness) -> None:
    world(harness)
    response = harness.command(f"survey in {NURSING}", user_id=COORDINATOR)
    said = [str(response.json().get("text") or ""), *ephemeral_replies(harness)]
    assert any("You don't coordinate" in s for s in said)
    assert harness.fake.calls_to("views.open") == []


def test_the_feedback_csv_counts_the_programs_own_ratings_only(harness: Harness) -> None:
    world(harness)
    _rate(harness, MENTEES[:6], 2, NOW - timedelta(days=7))
    harness.clock.set(NOW)
    before = len(harness.fake.files)
    harness.command("report 2026-11-23 2026-11-29", user_id=NURSE_COORD)
    files = {f.filename: f.content.decode() for f in harness.fake.files[before:]}
    rows = list(csv.DictReader(io.StringIO(files["feedback.csv"])))
    assert [r["focus"] for r in rows] == ["All focus areas"]
    assert rows[0]["usefulness_mean"] == ""
    assert MENTOR not in files["teaching-record.csv"]
