"""The coordinator's desk on Home beyond coverage: this week's figures (usefulness only under
the disclosure rule), the at-risk pairs with the digest's own buttons (same checks, Home redrawn
after), an open pulse in progress, and the Actions row, each button opening the modal or flow
its typed command opens, for the program it names only when the tapper coordinates it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.settings import Settings
from handlers import ids
from storage.models import CheckIn, Pairing, Pulse, PulseAnswer, SessionRating
from storage.pairings import create_pairing
from storage.programs import default_program, program_named
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER, make_settings
from tests.coordinators.test_digest import _seed
from tests.handlers.helpers import all_text, dms_to, modal_values
from tests.handlers.test_coordinator_home import CARDIO_COORD, CARDIOLOGY, seed_cardiology
from tests.handlers.test_home_tab import HOME_VIEW, home_opened, last_home
from tests.harness import Harness
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack

ADMIN = "U0ADMIN01"


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    fake_slack.add_user(ADMIN, "ada", tz="America/New_York")
    return make_settings(database_url=db_url, slack_api_url=fake_slack.base_url, admins=ADMIN)


def _desk(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The desk's blocks: from its header to the first divider."""
    start = next(
        i
        for i, b in enumerate(blocks)
        if b["type"] == "header" and b["text"]["text"].startswith("Coordinator · ")
    )
    end = next(i for i in range(start, len(blocks)) if blocks[i]["type"] == "divider")
    return blocks[start:end]


def _action_buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action_id -> value of every button in the desk's actions blocks."""
    return {
        e["action_id"]: e.get("value", "")
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("type") == "button"
    }


def _main_id(harness: Harness) -> int:
    with harness.session() as s:
        return default_program(s).id


def test_this_week_counts_and_the_at_risk_pairs_with_the_digests_buttons(
    harness: Harness,
) -> None:
    stalled = _seed(harness)
    home_opened(harness, COORDINATOR)
    desk = _desk(last_home(harness, COORDINATOR))
    text = all_text(desk)
    # As the digest counts them: three check-ins answered (two "We met"), two sent.
    assert "Meetings held: 2 · check-ins answered: 3 of 4" in text
    assert "Requests waiting for an answer: 1" in text
    # Too few ratings: the figure is withheld, never a small number.
    assert "fewer than" in text
    assert f"<@{MENTOR}> → <@{MENTEE}>" in text
    found = _action_buttons(desk)
    assert found[ids.DIGEST_NUDGE] == found[ids.DIGEST_CLOSE] == str(stalled)

    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_CLOSE, value=str(stalled), view=HOME_VIEW
    )
    with harness.session() as s:
        pairing = s.get(Pairing, stalled)
        assert pairing is not None
        assert pairing.status == "ended"
    assert f"<@{MENTOR}> → <@{MENTEE}>" not in all_text(_desk(last_home(harness, COORDINATOR)))


def test_a_pair_of_another_program_cannot_be_acted_on_from_home(harness: Harness) -> None:
    stalled = _seed(harness)  # the default program's
    seed_cardiology(harness)
    for action in (ids.DIGEST_CLOSE, ids.DIGEST_NUDGE):
        harness.block_action(
            user_id=CARDIO_COORD, action_id=action, value=str(stalled), view=HOME_VIEW
        )
    with harness.session() as s:
        pairing = s.get(Pairing, stalled)
        assert pairing is not None
        assert pairing.status == "active"
    assert dms_to(harness, MENTOR) == []


def test_usefulness_is_shown_once_enough_people_rated(harness: Harness) -> None:
    now = harness.clock()
    with harness.session() as s:
        program_id = default_program(s).id
        for n in range(6):
            mentor, mentee = f"U0RM{n:05d}", f"U0RE{n:05d}"
            pairing = create_pairing(
                s,
                program_id=program_id,
                mentor_id=mentor,
                mentee_id=mentee,
                focus="research",
                origin="request",
                now=now - timedelta(days=30),
            )
            checkin = CheckIn(
                pairing_id=pairing.id,
                slot_at=now - timedelta(days=8),
                sent_at=now - timedelta(days=8),
                answer="met",
                answered_at=now - timedelta(days=8),
            )
            s.add(checkin)
            s.flush()
            s.add(
                SessionRating(
                    program_id=program_id,
                    checkin_id=checkin.id,
                    pairing_id=pairing.id,
                    rater_id=mentee,
                    mentor_id=mentor,
                    focus="research",
                    score=4,
                    rated_at=now - timedelta(days=8),
                )
            )
    home_opened(harness, COORDINATOR)
    assert "rated 4.0 / 5 (6 people)" in all_text(_desk(last_home(harness, COORDINATOR)))


def test_an_open_pulse_is_in_progress(harness: Harness) -> None:
    now = harness.clock()
    with harness.session() as s:
        pulse = Pulse(
            program_id=default_program(s).id,
            created_by=COORDINATOR,
            created_at=now,
            questions=["useful"],
            remind_at=now + timedelta(days=2),
            closes_at=now + timedelta(days=4),
        )
        s.add(pulse)
        s.flush()
        for n, user in enumerate((MENTEE, MENTOR, MENTOR2)):
            s.add(
                PulseAnswer(
                    pulse_id=pulse.id,
                    user_id=user,
                    answered_at=now if n == 0 else None,
                    answers={"useful": 4} if n == 0 else None,
                )
            )
    home_opened(harness, COORDINATOR)
    text = all_text(_desk(last_home(harness, COORDINATOR)))
    assert "Pulse survey: 1 of 3 answered, closes Sat 5 Dec" in text


OPENED = {
    ids.HOME_MATCH: ids.MATCH_VIEW,
    ids.HOME_SURVEY: ids.PULSE_VIEW,
    ids.HOME_REPORT: ids.REPORT_VIEW,
    ids.HOME_DIGEST: ids.DIGEST_PREVIEW_VIEW,
    ids.HOME_MEMBERS: ids.PROGRAM_MEMBERS_VIEW,
}


def test_each_action_opens_its_modal_for_the_program_shown(harness: Harness) -> None:
    seed_cardiology(harness)
    home_opened(harness, CARDIO_COORD)
    found = _action_buttons(_desk(last_home(harness, CARDIO_COORD)))
    with harness.session() as s:
        cardiology = program_named(s, CARDIOLOGY)
        assert cardiology is not None
        program_id = cardiology.id
    assert ids.HOME_SETTINGS not in found  # for admins only
    for action, callback in OPENED.items():
        assert found[action] == str(program_id)
        harness.block_action(
            user_id=CARDIO_COORD, action_id=action, value=found[action], view=HOME_VIEW
        )
        view = harness.fake.calls_to("views.open")[-1].args["view"]
        assert view["callback_id"] == callback, action
        assert CARDIOLOGY in all_text(view["blocks"]) or CARDIOLOGY in str(view), action


def test_actions_naming_a_program_the_tapper_does_not_run_open_nothing(harness: Harness) -> None:
    seed_cardiology(harness)
    main_id = _main_id(harness)
    for action in [*OPENED, ids.HOME_SETTINGS]:
        for user, value in (
            (CARDIO_COORD, str(main_id)),
            (STRANGER, str(main_id)),
            (CARDIO_COORD, "<!channel>"),
        ):
            harness.block_action(user_id=user, action_id=action, value=value, view=HOME_VIEW)
    assert harness.fake.calls_to("views.open") == []


def test_an_admin_sees_program_settings_and_every_program(harness: Harness) -> None:
    seed_cardiology(harness)
    home_opened(harness, ADMIN)
    blocks = last_home(harness, ADMIN)
    found = _action_buttons(_desk(blocks))
    assert ids.HOME_SETTINGS in found
    (picker,) = [
        b for b in blocks if b.get("accessory", {}).get("action_id") == ids.HOME_PROGRAM_PICK
    ]
    assert len(picker["accessory"]["options"]) == 2
    harness.block_action(
        user_id=ADMIN, action_id=ids.HOME_SETTINGS, value=found[ids.HOME_SETTINGS], view=HOME_VIEW
    )
    assert harness.fake.calls_to("views.open")[-1].args["view"]["callback_id"] == ids.PROGRAM_VIEW


def _report_values(kind: str, start: str, end: str) -> dict[str, Any]:
    return modal_values(
        kind=(
            ids.REPORT_KIND_BLOCK,
            ids.REPORT_KIND_INPUT,
            {"type": "radio_buttons", "selected_option": {"value": kind}},
        ),
        start=(
            ids.REPORT_FROM_BLOCK,
            ids.REPORT_FROM_INPUT,
            {"type": "datepicker", "selected_date": start},
        ),
        end=(
            ids.REPORT_TO_BLOCK,
            ids.REPORT_TO_INPUT,
            {"type": "datepicker", "selected_date": end},
        ),
    )


def test_report_from_home_sends_the_files_and_refuses_bad_dates(harness: Harness) -> None:
    _seed(harness)
    main_id = _main_id(harness)
    metadata = f'{{"program": {main_id}}}'
    bad = harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.REPORT_VIEW,
        private_metadata=metadata,
        values=_report_values("csv", "2026-12-01", "2026-11-01"),
    )
    assert ids.REPORT_TO_BLOCK in bad.json()["errors"]
    assert harness.fake.files == []

    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.REPORT_VIEW,
        private_metadata=metadata,
        values=_report_values("csv", "2026-11-24", "2026-12-01"),
    )
    names = sorted(f.filename for f in harness.fake.files)
    assert "pairings.csv" in names
    assert "teaching-record.csv" in names
    assert {f.channel for f in harness.fake.files} == {payloads.dm_channel_id(COORDINATOR)}

    # Another program's report, by someone who doesn't run it: nothing.
    seed_cardiology(harness)
    before = len(harness.fake.files)
    harness.view_submission(
        user_id=CARDIO_COORD,
        callback_id=ids.REPORT_VIEW,
        private_metadata=metadata,
        values=_report_values("audit", "2026-11-24", "2026-12-01"),
    )
    assert len(harness.fake.files) == before


def test_nudge_in_the_digest_preview_redraws_the_preview_and_home(harness: Harness) -> None:
    stalled = _seed(harness)
    main_id = _main_id(harness)
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.HOME_DIGEST, value=str(main_id), view=HOME_VIEW
    )
    opened = harness.fake.calls_to("views.open")[-1].response["view"]
    assert opened["callback_id"] == ids.DIGEST_PREVIEW_VIEW
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_NUDGE, value=str(stalled), view=opened
    )
    (update,) = harness.fake.calls_to("views.update")
    assert f"Nudged by <@{COORDINATOR}>" in all_text(update.args["view"]["blocks"])
    assert dms_to(harness, MENTOR)
    # A modal the app never opened for them is not redrawn (the nudge itself is theirs to do).
    forged = {**opened, "id": "V0NOTMINE1"}
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_NUDGE, value=str(stalled), view=forged
    )
    assert len(harness.fake.calls_to("views.update")) == 1
    with harness.session() as s:
        assert s.scalars(select(Pairing).where(Pairing.id == stalled)).one().status == "active"
