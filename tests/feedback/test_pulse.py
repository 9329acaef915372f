"""Program pulses end to end: a coordinator schedules one; each active member gets it in their
own working hours and one reminder unless they answered; it closes, and late, repeated or
forged answers are refused kindly and change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from handlers import ids
from storage.models import Person, Pulse, PulseAnswer
from tests.conftest import COORDINATOR, MENTEE, MENTOR, STRANGER
from tests.handlers.helpers import buttons, dms_to, ephemeral_replies, last_dm, modal_values, typed
from tests.harness import Harness
from tests.scheduler.helpers import at, make_pair


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _pulse_dms(harness: Harness, user_id: str) -> list[dict[str, object]]:
    return [
        call.args
        for call in dms_to(harness, user_id)
        if ids.PULSE_OPEN in buttons(call.args.get("blocks"))
    ]


def _checked(*values: str) -> dict[str, object]:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


def _schedule(harness: Harness, days: str = "4") -> None:
    harness.command("survey", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.PULSE_VIEW
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.PULSE_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            questions=(
                ids.PULSE_QUESTIONS_BLOCK,
                ids.PULSE_QUESTIONS_INPUT,
                _checked("satisfaction", "supported"),
            ),
            days=(ids.PULSE_DAYS_BLOCK, ids.PULSE_DAYS_INPUT, typed(days)),
        ),
    )


def _answer(harness: Harness, user_id: str, pulse_id: int, score: str = "4") -> None:
    choice = {"type": "radio_buttons", "selected_option": {"value": score}}
    harness.view_submission(
        user_id=user_id,
        callback_id=ids.PULSE_ANSWER_VIEW,
        private_metadata=str(pulse_id),
        values={
            f"{ids.PULSE_ANSWER_BLOCK}:satisfaction": {ids.PULSE_ANSWER_INPUT: choice},
            f"{ids.PULSE_ANSWER_BLOCK}:supported": {ids.PULSE_ANSWER_INPUT: choice},
        },
    )


def _answers(harness: Harness) -> dict[str, PulseAnswer]:
    with harness.session() as session:
        return {a.user_id: a for a in session.scalars(select(PulseAnswer))}


def test_a_pulse_in_working_hours_reminded_once_then_closed(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 10))  # Monday, 05:00 in New York, 04:00 in Chicago
    make_pair(harness)
    with harness.session() as session:
        for user_id, tz in ((MENTEE, "America/New_York"), (MENTOR, "America/Chicago")):
            person = session.get(Person, user_id)
            assert person is not None
            person.tz = tz
    _schedule(harness)
    assert "2 people" in str(last_dm(harness, COORDINATOR).args["text"])
    assert set(_answers(harness)) == {MENTOR, MENTEE}

    at(harness, utc(2027, 1, 4, 10, 1))
    assert _pulse_dms(harness, MENTEE) == []
    at(harness, utc(2027, 1, 4, 13))  # 08:00 in New York
    assert len(_pulse_dms(harness, MENTEE)) == 1
    assert _pulse_dms(harness, MENTOR) == []
    at(harness, utc(2027, 1, 4, 14))  # 08:00 in Chicago
    assert len(_pulse_dms(harness, MENTOR)) == 1

    pulse_id = int(buttons(_pulse_dms(harness, MENTEE)[0]["blocks"])[ids.PULSE_OPEN]["value"])  # type: ignore[arg-type]
    harness.block_action(user_id=MENTEE, action_id=ids.PULSE_OPEN, value=str(pulse_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.PULSE_ANSWER_VIEW
    assert len([b for b in view["blocks"] if b["type"] == "input"]) == 2
    _answer(harness, MENTEE, pulse_id)
    assert _answers(harness)[MENTEE].answers == {"satisfaction": 4, "supported": 4}
    _answer(harness, MENTEE, pulse_id, "1")
    assert _answers(harness)[MENTEE].answers == {"satisfaction": 4, "supported": 4}
    assert "already answered" in str(last_dm(harness, MENTEE).args["text"])

    # Halfway (Wednesday 10:00 UTC): one reminder, only to who has not answered, in hours.
    at(harness, utc(2027, 1, 6, 13))
    at(harness, utc(2027, 1, 6, 14))
    at(harness, utc(2027, 1, 6, 15))
    assert len(_pulse_dms(harness, MENTEE)) == 1
    reminders = _pulse_dms(harness, MENTOR)
    assert len(reminders) == 2
    assert str(reminders[-1]["text"]).startswith("Reminder")
    at(harness, utc(2027, 1, 7, 14))
    assert len(_pulse_dms(harness, MENTOR)) == 2

    # Closed after four days; a late answer is refused kindly and changes nothing.
    at(harness, utc(2027, 1, 8, 10))
    with harness.session() as session:
        pulse = session.scalar(select(Pulse))
        assert pulse is not None
        assert pulse.closed_at == utc(2027, 1, 8, 10)
    harness.block_action(user_id=MENTOR, action_id=ids.PULSE_OPEN, value=str(pulse_id))
    assert any("has closed" in reply for reply in ephemeral_replies(harness))
    _answer(harness, MENTOR, pulse_id)
    assert _answers(harness)[MENTOR].answered_at is None
    assert "has closed" in str(last_dm(harness, MENTOR).args["text"])


def test_a_pulse_is_answered_only_by_those_asked(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 15))
    make_pair(harness)
    _schedule(harness)
    harness.tick()
    pulse_id = int(buttons(_pulse_dms(harness, MENTEE)[0]["blocks"])[ids.PULSE_OPEN]["value"])  # type: ignore[arg-type]
    opened = len(harness.fake.calls_to("views.open"))
    harness.block_action(user_id=STRANGER, action_id=ids.PULSE_OPEN, value=str(pulse_id))
    _answer(harness, STRANGER, pulse_id)
    assert len(harness.fake.calls_to("views.open")) == opened
    assert STRANGER not in _answers(harness)
    assert all(a.answered_at is None for a in _answers(harness).values())
    assert any("sent to someone else" in reply for reply in ephemeral_replies(harness))


def test_only_coordinators_send_a_pulse_and_bad_input_is_asked_again(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 15))
    make_pair(harness)
    response = harness.command("survey", user_id=MENTEE)
    assert harness.fake.calls_to("views.open") == []
    said = [str(response.json().get("text") or ""), *ephemeral_replies(harness)]
    assert any("for program coordinators" in reply for reply in said)
    with harness.session() as session:
        program_id = session.scalars(select(Pulse.program_id)).first()
    assert program_id is None

    harness.command("survey", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    response = harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.PULSE_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            questions=(ids.PULSE_QUESTIONS_BLOCK, ids.PULSE_QUESTIONS_INPUT, _checked()),
            days=(ids.PULSE_DAYS_BLOCK, ids.PULSE_DAYS_INPUT, typed("a week")),
        ),
    )
    body = str(response.body)
    assert ids.PULSE_QUESTIONS_BLOCK in body
    assert ids.PULSE_DAYS_BLOCK in body
    # A forged submission from a member is refused: the program check is done again.
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.PULSE_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            questions=(ids.PULSE_QUESTIONS_BLOCK, ids.PULSE_QUESTIONS_INPUT, _checked("rhythm")),
            days=(ids.PULSE_DAYS_BLOCK, ids.PULSE_DAYS_INPUT, typed("3")),
        ),
    )
    with harness.session() as session:
        assert session.scalars(select(Pulse)).all() == []
