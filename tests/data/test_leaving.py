"""People who leave the workspace and come back, and an app that Slack removed: signed events
through the running app, on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from structlog.testing import capture_logs

from handlers import ids
from storage.leaving import LEFT_REASON, MEMBER_LEFT
from storage.models import Activity, FreedPlace, MentorRequest, Pairing, Person, ScheduledSend
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.data.test_erasure import confirm_forget
from tests.handlers.helpers import all_text, buttons, dms_to, last_dm
from tests.harness import Harness
from tests.slack import payloads


def pair(harness: Harness, mentee: str = MENTEE, mentor: str = MENTOR) -> int:
    harness.command(f"ask <@{mentor}> research", user_id=mentee)
    value = buttons(last_dm(harness, mentor).args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    harness.block_action(user_id=mentor, action_id=ids.REQUEST_ACCEPT, value=value)
    with harness.session() as session:
        pairing = session.scalars(
            select(Pairing).where(Pairing.mentee_id == mentee, Pairing.mentor_id == mentor)
        ).one()
        return pairing.id


def user_change(user_id: str, *, deleted: bool) -> dict[str, Any]:
    return {
        "type": "user_change",
        "user": {"id": user_id, "name": "someone", "deleted": deleted, "is_bot": False},
    }


def test_a_deactivated_mentor_leaves_kindly_and_once(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.command(f"ask <@{MENTOR}> research", user_id=STRANGER)  # waiting on the mentor
    harness.command(f"ask <@{MENTOR2}> research", user_id=MENTOR)  # the mentor's own request
    before_mentee = len(dms_to(harness, MENTEE))

    harness.event(user_change(MENTOR, deleted=True), event_id="Ev0LEFT0001")
    harness.event(user_change(MENTOR, deleted=True), event_id="Ev0LEFT0001", retry_num=1)
    harness.event(user_change(MENTOR, deleted=True), event_id="Ev0LEFT0002")  # told twice

    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        assert (pairing.status, pairing.end_reason) == ("ended", LEFT_REASON)
        person = session.get(Person, MENTOR)
        assert person is not None
        assert person.is_deleted
        assert person.left_at is not None
        statuses = {
            (r.mentee_id, r.mentor_id): r.status for r in session.scalars(select(MentorRequest))
        }
        assert statuses[(STRANGER, MENTOR)] == "withdrawn"
        assert statuses[(MENTOR, MENTOR2)] == "withdrawn"
        left = session.scalars(select(Activity).where(Activity.kind == MEMBER_LEFT)).all()
        assert [a.pairing_id for a in left] == [pairing_id]
    told = dms_to(harness, MENTEE)[before_mentee:]
    assert len(told) == 1
    text = all_text(told[0].args["blocks"])
    assert "no longer taking part" in text
    assert "find someone else" in text
    assert "withdrawn" in all_text(last_dm(harness, STRANGER).args["blocks"])


def test_a_reactivated_person_is_active_again(harness: Harness) -> None:
    pair(harness)
    with capture_logs() as logs:
        harness.event(user_change(MENTOR, deleted=True))
    (line,) = [e for e in logs if e.get("handled") == "event:user_change"]
    assert line["user"] == MENTOR  # the id only, never the profile Slack sent
    harness.event(user_change(MENTOR, deleted=False))
    with harness.session() as session:
        person = session.get(Person, MENTOR)
        assert person is not None
        assert not person.is_deleted
        assert person.left_at is None
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    assert buttons(last_dm(harness, MENTOR).args["blocks"]).get(ids.REQUEST_ACCEPT)


def test_someone_the_app_never_met_changes_nothing(harness: Harness) -> None:
    harness.event(user_change(STRANGER, deleted=True))
    with harness.session() as session:
        assert session.get(Person, STRANGER) is None
    assert harness.fake.calls_to("chat.postMessage") == []


def test_a_send_failing_because_the_account_is_gone_means_they_left(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    harness.clock.advance(timedelta(days=3, minutes=1))
    harness.fake.error_next("chat.postMessage", "account_inactive")
    result = harness.tick()
    assert result.failed == 1
    with harness.session() as session:
        person = session.get(Person, MENTOR)
        assert person is not None
        assert person.left_at is not None
        (request,) = session.scalars(select(MentorRequest)).all()
        assert request.status == "withdrawn"
    assert "withdrawn" in all_text(last_dm(harness, MENTEE).args["blocks"])
    harness.clock.advance(timedelta(days=12))
    assert harness.tick().sent == 0  # no expiry notes for a request already withdrawn


def test_nothing_more_is_sent_to_someone_who_left(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    with harness.session() as session:
        person = session.get(Person, MENTOR)
        assert person is not None
        person.left_at = harness.clock()  # known to have left, the request still waiting
    harness.clock.advance(timedelta(days=3, minutes=1))
    before = len(dms_to(harness, MENTOR))
    result = harness.tick()
    assert result.sent == 0
    assert result.skipped == 1
    assert len(dms_to(harness, MENTOR)) == before
    with harness.session() as session:
        (send,) = session.scalars(select(ScheduledSend)).all()
        assert send.status == "skipped"


def test_an_uninstalled_app_stops_sending_with_one_log_line(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    harness.clock.advance(timedelta(days=3, minutes=1))
    with capture_logs() as logs:
        harness.event(payloads.app_uninstalled_event(), event_id="Ev0GONE0001")
        harness.event(payloads.app_uninstalled_event(), event_id="Ev0GONE0001", retry_num=1)
        harness.event(payloads.tokens_revoked_event())
        first, second = harness.tick(), harness.tick()
    assert (first.sent, first.failed, second.sent, second.failed) == (0, 0, 0, 0)
    assert [e for e in logs if e["event"] == "installation.sending_stopped"] == [
        {
            "event": "installation.sending_stopped",
            "because": "app_uninstalled",
            "log_level": "warning",
        }
    ]
    assert len(dms_to(harness, MENTOR)) == 1  # the request itself, before removal


def test_revoking_only_user_tokens_keeps_sending(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    harness.clock.advance(timedelta(days=3, minutes=1))
    harness.event({"type": "tokens_revoked", "tokens": {"oauth": ["U0MENTEE1"], "bot": []}})
    assert harness.tick().sent == 1


def test_sending_resumes_once_the_app_is_used_again(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    harness.clock.advance(timedelta(days=3, minutes=1))
    harness.event(payloads.app_uninstalled_event())
    assert harness.tick().sent == 0
    harness.command("list", user_id=MENTEE)  # reinstalled: Slack delivers commands again
    assert harness.tick().sent == 1


def _digest_preview(harness: Harness) -> str:
    response = harness.command("digest", user_id=COORDINATOR)
    body = response.json() if response.body else {}
    shown = [all_text(body.get("blocks"))] + [
        all_text(call.args.get("blocks")) for call in harness.fake.calls_to("response_url")
    ]
    return "\n".join(shown)


def test_the_digest_lists_a_departure_once(harness: Harness) -> None:
    pair(harness)
    harness.event(user_change(MENTOR, deleted=True))
    harness.clock.advance(timedelta(hours=1))
    shown = _digest_preview(harness)
    assert "Ended because a member left:* 1 mentorship" in shown
    assert f"<@{MENTOR}> left; <@{MENTEE}> was told" in shown
    harness.fake.reset_calls()
    harness.clock.advance(timedelta(days=8))
    assert "member left" not in _digest_preview(harness)


def test_departure_lines_stay_short() -> None:
    from handlers.blocks.digest import DEPARTURES_SHOWN, departure_lines

    many = [(MENTOR, MENTEE)] * (DEPARTURES_SHOWN + 5)
    lines = departure_lines(many)
    assert len(lines) == DEPARTURES_SHOWN + 2
    assert lines[-1] == "…and 5 more"
    assert departure_lines([]) == []


def test_someone_slack_shows_active_again_is_back_without_an_event(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    with harness.session() as session:
        person = session.get(Person, MENTOR)
        assert person is not None
        person.left_at = harness.clock()
        person.profile_fetched_at = None  # read again from Slack on next use
    harness.command(f"ask <@{MENTOR}> clinical", user_id=MENTEE)
    with harness.session() as session:
        person = session.get(Person, MENTOR)
        assert person is not None
        assert person.left_at is None


def test_a_deactivated_mentee_leaves_kindly_and_frees_the_place(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.command("capacity 1", user_id=MENTOR)
    before_mentor = len(dms_to(harness, MENTOR))

    harness.event(user_change(MENTEE, deleted=True), event_id="Ev0LEFT0101")
    harness.event(user_change(MENTEE, deleted=True), event_id="Ev0LEFT0101", retry_num=1)
    harness.tick()

    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        assert (pairing.status, pairing.end_reason) == ("ended", LEFT_REASON)
        freed = session.scalars(select(FreedPlace.mentor_id)).all()
    assert freed == [MENTOR]  # the mentor's place is recorded free, for the waiting list
    told = [all_text(d.args["blocks"]) for d in dms_to(harness, MENTOR)[before_mentor:]]
    # Told once, whatever Slack retried (and asked, as after any ending, for feedback).
    assert sum("no longer taking part" in text for text in told) == 1
    # Nothing is ever sent to the person who left: no exit survey, no check-in.
    harness.tick()
    assert [
        d for d in dms_to(harness, MENTEE) if "feedback" in str(d.args.get("text")).lower()
    ] == []


@pytest.mark.parametrize("erased", [False, True], ids=["left", "erased"])
def test_the_asked_mentor_s_request_dm_closes_when_the_asker_goes(
    harness: Harness, erased: bool
) -> None:
    harness.command(f"ask <@{MENTOR}> research Help with my <!channel> protocol", user_id=STRANGER)
    request = last_dm(harness, MENTOR)
    assert ids.REQUEST_ACCEPT in buttons(request.args["blocks"])
    harness.fake.reset_calls()

    if erased:
        harness.command("forget me", user_id=STRANGER)
        confirm_forget(harness, STRANGER)
    else:
        harness.event(user_change(STRANGER, deleted=True), event_id="Ev0ASKERGONE")

    (redrawn,) = [
        c for c in harness.fake.calls_to("chat.update") if c.args["ts"] == request.response["ts"]
    ]
    assert redrawn.args["channel"] == request.response["channel"]
    shown = all_text(redrawn.args["blocks"])
    assert "The request was withdrawn" in shown
    assert buttons(redrawn.args["blocks"]) == {}
    assert "protocol" not in shown  # the note is not shown again
    assert (f"<@{STRANGER}>" in shown) is not erased
    # The old Accept now says the request is closed and makes no mentorship.
    value = buttons(request.args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=value)
    with harness.session() as session:
        assert session.scalars(select(Pairing)).all() == []
