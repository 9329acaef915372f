"""Required mentorship end to end: an admin sets the rule in the program modal; each trainee
without a mentor gets one reminder halfway to their deadline and one on it, in their working
hours, never twice, and none once they have a mentor; Home and the digest say who is overdue; a
coordinator declares trainees in the members modal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.settings import Settings
from handlers import ids
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.programs import parse_program_submission
from storage.models import Program, ScheduledSend
from storage.pairings import create_pairing
from storage.profiles import save_trainee_profile
from storage.programs import program_named
from tests.conftest import make_settings
from tests.handlers.helpers import all_text, buttons, dms_to, modal_values
from tests.handlers.test_coordinator_home import (
    C_MENTOR2,
    CARDIO_COORD,
    CARDIOLOGY,
    NOT_TRAINEE,
    T1,
    T2,
    T3,
    T4,
    _trainee_values,
    seed_cardiology,
)
from tests.handlers.test_home_tab import home_opened, last_home
from tests.handlers.test_programs_admin import program_form
from tests.harness import Harness
from tests.slack.fake_slack import FakeSlack

ADMIN = "U0ADMIN01"


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    fake_slack.add_user(ADMIN, "ada", tz="America/New_York")
    return make_settings(database_url=db_url, slack_api_url=fake_slack.base_url, admins=ADMIN)


def _rule(harness: Harness, *, days: int | None = None, by: date | None = None) -> int:
    """Cardiology's rule; T3 and T4 get trainee profiles, so they stay trainees whatever becomes
    of their request or waiting-list entry (a request never delivered is discarded)."""
    with harness.session() as s:
        for user in (T3, T4):
            save_trainee_profile(s, user, _trainee_values(), harness.clock())
        program = program_named(s, CARDIOLOGY)
        assert program is not None
        program.mentor_within_days = days
        program.mentor_by = by
        program.required_next_at = harness.clock()
        return program.id


def _reminders(harness: Harness, user: str) -> list[dict[str, Any]]:
    return [
        c.args
        for c in dms_to(harness, user)
        if "have a mentor" in str(c.args.get("text"))
        or "find a mentor by" in str(c.args.get("text"))
    ]


def _ticks(harness: Harness) -> None:
    harness.tick()  # finds who is due and enqueues
    harness.tick()  # sends what is due now
    harness.wait_idle()


def test_reminders_halfway_and_on_the_deadline_once_each(harness: Harness) -> None:
    seed_cardiology(harness)  # T1 a member 30 days, T3 10, T4 5; T2 has a mentor
    _rule(harness, days=20)
    _ticks(harness)
    (t1,) = _reminders(harness, T1)  # past the deadline already: only the deadline's
    assert "today is the day" in str(t1["text"])
    assert {ids.DIRECTORY_FIND, ids.HOME_ASK_OPEN} <= set(buttons(t1["blocks"]))
    (t3,) = _reminders(harness, T3)  # halfway
    assert "find a mentor by" in str(t3["text"])
    assert _reminders(harness, T4) == []
    assert _reminders(harness, T2) == []  # has a mentor
    assert _reminders(harness, NOT_TRAINEE) == []  # not a trainee

    # An hour on, nothing new; the same again later the same day.
    for _ in range(3):
        harness.clock.advance(timedelta(hours=1))
        _ticks(harness)
    assert [len(_reminders(harness, u)) for u in (T1, T3, T4)] == [1, 1, 0]

    # Ten days on (a Friday, 14:00 UTC): T3 at the deadline, T4 halfway; T1 nothing more.
    harness.clock.advance(timedelta(days=10) - timedelta(hours=3))
    _ticks(harness)
    assert [len(_reminders(harness, u)) for u in (T1, T3, T4)] == [1, 2, 1]
    assert "today is the day" in str(_reminders(harness, T3)[-1]["text"])


def test_a_reminder_waits_for_working_hours_and_is_dropped_once_a_mentor_is_found(
    harness: Harness,
) -> None:
    seed_cardiology(harness)
    program_id = _rule(harness, days=20)
    # Saturday night in New York: T3's halfway reminder waits for Monday 08:00.
    harness.clock.set(datetime(2026, 12, 6, 3, tzinfo=UTC))
    _ticks(harness)
    assert _reminders(harness, T3) == []
    with harness.session() as s:
        pending = s.scalars(
            select(ScheduledSend).where(
                ScheduledSend.recipient == T3, ScheduledSend.status == "pending"
            )
        ).all()
        assert [p.due_at for p in pending] == [datetime(2026, 12, 7, 13, tzinfo=UTC)]
        create_pairing(
            s,
            program_id=program_id,
            mentor_id=C_MENTOR2,
            mentee_id=T3,
            focus="research",
            origin="assigned",
            now=harness.clock(),
        )
    harness.clock.set(datetime(2026, 12, 7, 13, 5, tzinfo=UTC))
    _ticks(harness)
    assert _reminders(harness, T3) == []


def test_no_rule_no_reminders(harness: Harness) -> None:
    seed_cardiology(harness)
    for _ in range(2):
        harness.clock.advance(timedelta(days=40))
        _ticks(harness)
    assert all(_reminders(harness, u) == [] for u in (T1, T3, T4))


def test_a_rule_by_date_holds_those_who_joined_before_it(harness: Harness) -> None:
    seed_cardiology(harness)
    _rule(harness, by=date(2026, 12, 10))
    home_opened(harness, CARDIO_COORD)
    text = all_text(last_home(harness, CARDIO_COORD))
    assert "the program asks for a mentor by Thu 10 Dec: *0 overdue*" in text
    assert f"<@{T1}> · a member for 30 days · hasn't asked anyone yet · due Thu 10 Dec" in text
    harness.clock.set(datetime(2026, 12, 10, 15, tzinfo=UTC))
    home_opened(harness, CARDIO_COORD)
    assert "*3 overdue*" in all_text(last_home(harness, CARDIO_COORD))


def test_home_and_the_digest_say_who_is_overdue(harness: Harness) -> None:
    seed_cardiology(harness)
    _rule(harness, days=20)
    home_opened(harness, CARDIO_COORD)
    text = all_text(last_home(harness, CARDIO_COORD))
    assert "the program asks for a mentor within 20 days of joining: *1 overdue*" in text
    assert f"<@{T1}> · a member for 30 days · hasn't asked anyone yet · *overdue* since" in text
    assert f"<@{T4}> · a member for 5 days · on the waiting list · due Wed 16 Dec" in text
    harness.command(f"digest in {CARDIOLOGY}", user_id=CARDIO_COORD)
    reply = harness.fake.calls_to("response_url")[-1].args
    assert (
        "*Coverage:* 1 of 4 trainees have a mentor; 3 without one; 1 overdue (the program asks "
        "for a mentor within 20 days of joining)"
    ) in all_text(reply["blocks"])


def _form_with_rule(within: str, by: str | None) -> dict[str, Any]:
    values = program_form(CARDIOLOGY, coordinators=(CARDIO_COORD,))
    values.update(
        modal_values(
            within=(
                ids.PROGRAM_WITHIN_BLOCK,
                ids.PROGRAM_WITHIN_INPUT,
                {"type": "plain_text_input", "value": within},
            ),
            by=(
                ids.PROGRAM_BY_BLOCK,
                ids.PROGRAM_BY_INPUT,
                {"type": "datepicker", "selected_date": by},
            ),
        )
    )
    return values


def test_the_program_modal_sets_the_rule_and_refuses_both_or_nonsense() -> None:
    assert parse_program_submission(_form_with_rule("30", None)).values.mentor_within_days == 30
    by_date = parse_program_submission(_form_with_rule("", "2027-07-01")).values
    assert (by_date.mentor_within_days, by_date.mentor_by) == (None, date(2027, 7, 1))
    for within, by, block in (
        ("30", "2027-07-01", ids.PROGRAM_BY_BLOCK),
        ("0", None, ids.PROGRAM_WITHIN_BLOCK),
        ("thirty", None, ids.PROGRAM_WITHIN_BLOCK),
        ("", "July", ids.PROGRAM_BY_BLOCK),
    ):
        with pytest.raises(InvalidSubmission) as refused:
            parse_program_submission(_form_with_rule(within, by))
        assert block in refused.value.errors


def test_an_admin_saves_the_rule_and_the_modal_shows_it_again(harness: Harness) -> None:
    seed_cardiology(harness)
    with harness.session() as s:
        program = program_named(s, CARDIOLOGY)
        assert program is not None
        program_id = program.id
    harness.view_submission(
        user_id=ADMIN,
        callback_id=ids.PROGRAM_VIEW,
        private_metadata=f'{{"program": {program_id}}}',
        values=_form_with_rule("45", None),
    )
    with harness.session() as s:
        saved = s.get(Program, program_id)
        assert saved is not None
        assert (saved.mentor_within_days, saved.mentor_by) == (45, None)
    harness.command(f"program edit {CARDIOLOGY}", user_id=ADMIN)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    (within,) = [b for b in view["blocks"] if b.get("block_id") == ids.PROGRAM_WITHIN_BLOCK]
    assert within["element"]["initial_value"] == "45"


def test_declared_trainees_count_and_stop_counting(harness: Harness) -> None:
    seed_cardiology(harness)
    with harness.session() as s:
        program = program_named(s, CARDIOLOGY)
        assert program is not None
        metadata = f'{{"program": {program.id}}}'

    def members(**inputs: tuple[str, str, dict[str, Any]]) -> None:
        harness.view_submission(
            user_id=CARDIO_COORD,
            callback_id=ids.PROGRAM_MEMBERS_VIEW,
            private_metadata=metadata,
            values=modal_values(**inputs),
        )

    users = {"type": "multi_users_select", "selected_users": [NOT_TRAINEE]}
    members(t=(ids.PROGRAM_ADD_TRAINEES_BLOCK, ids.PROGRAM_ADD_TRAINEES_INPUT, users))
    home_opened(harness, CARDIO_COORD)
    assert "*1 of 5 trainees have a mentor*" in all_text(last_home(harness, CARDIO_COORD))
    members(u=(ids.PROGRAM_UNMARK_TRAINEES_BLOCK, ids.PROGRAM_UNMARK_TRAINEES_INPUT, users))
    home_opened(harness, CARDIO_COORD)
    assert "*1 of 4 trainees have a mentor*" in all_text(last_home(harness, CARDIO_COORD))
    # Someone removed from the program stops being a declared trainee with it.
    members(t=(ids.PROGRAM_ADD_TRAINEES_BLOCK, ids.PROGRAM_ADD_TRAINEES_INPUT, users))
    members(r=(ids.PROGRAM_REMOVE_MEMBERS_BLOCK, ids.PROGRAM_REMOVE_MEMBERS_INPUT, users))
    members(a=(ids.PROGRAM_ADD_MEMBERS_BLOCK, ids.PROGRAM_ADD_MEMBERS_INPUT, users))
    home_opened(harness, CARDIO_COORD)
    assert "*1 of 4 trainees have a mentor*" in all_text(last_home(harness, CARDIO_COORD))
