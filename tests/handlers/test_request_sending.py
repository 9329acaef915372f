"""A request is saved as being sent and committed before its DM goes out: no transaction (and,
on SQLite, no write lock) is held across the Slack call, an Accept arriving in that moment is
answered kindly, and a request whose DM never went out does not stay."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, OperationalError

from handlers import ids
from storage.models import MentorRequest
from storage.programs import default_program
from storage.requests import due_expiries, due_reminders, open_request
from tests.conftest import MENTEE, MENTOR
from tests.handlers.helpers import (
    all_text,
    count_pairings,
    count_requests,
    dms_to,
    ephemeral_replies,
    only_request,
)
from tests.harness import Harness


class Observed:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.problems: list[str] = []


def _checked_out_counter(harness: Harness) -> list[int]:
    count = [0]
    lock = threading.Lock()

    def checkout(*_: Any) -> None:
        with lock:
            count[0] += 1

    def checkin(*_: Any) -> None:
        with lock:
            count[0] -= 1

    event.listen(harness.engine, "checkout", checkout)
    event.listen(harness.engine, "checkin", checkin)
    return count


def _look_from_another_connection(harness: Harness, observed: Observed) -> None:
    """What another process would see while the request's DM is on its way."""
    url = harness.engine.url
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(str(url.database), timeout=0)
        try:
            rows = other.execute("SELECT status, mentor_ts FROM mentor_requests").fetchall()
            observed.seen.append({"rows": rows})
            try:
                other.execute("BEGIN IMMEDIATE")  # fails at once if a writer holds the lock
                other.execute("ROLLBACK")
            except sqlite3.OperationalError as error:
                observed.problems.append(f"write lock held during the Slack call: {error}")
        finally:
            other.close()
        return
    with harness.engine.connect() as other:
        rows = other.execute(text("SELECT status, mentor_ts FROM mentor_requests")).all()
        observed.seen.append({"rows": [tuple(r) for r in rows]})
        try:
            other.execute(text("SELECT id FROM mentor_requests FOR UPDATE NOWAIT")).all()
        except OperationalError as error:
            observed.problems.append(f"request row locked during the Slack call: {error}")
        other.rollback()


def test_the_request_is_committed_and_nothing_held_while_its_dm_is_sent(
    harness: Harness,
) -> None:
    observed = Observed()
    checked_out = _checked_out_counter(harness)

    def during_post(args: dict[str, Any]) -> None:
        if args.get("channel") != MENTOR:
            return
        if checked_out[0] != 0:
            observed.problems.append(f"{checked_out[0]} connection(s) checked out")
        _look_from_another_connection(harness, observed)

    harness.fake.before("chat.postMessage", during_post)
    assert harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200

    assert observed.problems == []
    assert observed.seen == [{"rows": [("sending", None)]}]
    request = only_request(harness)
    assert request.status == "pending"
    dm = dms_to(harness, MENTOR)[-1]
    assert request.mentor_ts is not None
    assert request.mentor_channel is not None
    assert any("I've asked" in reply for reply in ephemeral_replies(harness))
    assert dm.response["ts"] == request.mentor_ts


def test_users_info_is_not_called_inside_a_transaction(harness: Harness) -> None:
    checked_out = _checked_out_counter(harness)
    during: list[int] = []
    harness.fake.before("users.info", lambda _args: during.append(checked_out[0]))
    assert harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200
    assert during, "the profiles were not looked up"
    assert set(during) == {0}


def test_an_accept_in_the_moment_before_the_request_is_marked_sent_is_answered_kindly(
    harness: Harness,
) -> None:
    """The asked person cannot click before Slack shows them the DM, but Slack can deliver the
    click before the app has recorded the DM's ts: the click is refused kindly, changes
    nothing, and works once the request is marked sent."""
    clicked: list[int] = []

    def click_while_sending(args: dict[str, Any]) -> None:
        if args.get("channel") != MENTOR or clicked:
            return
        request_id = only_request(harness).id
        response = harness.sender.block_action(
            user_id=MENTOR,
            action_id=ids.REQUEST_ACCEPT,
            value=str(request_id),
            response_url=harness.fake.response_url(),
        )
        clicked.append(response.status)
        # Hold the DM's answer until the click has been handled: the listener runs after the
        # ack, and must read the request while it is still being sent.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
            "still on its way" in reply for reply in ephemeral_replies(harness)
        ):
            time.sleep(0.01)

    harness.fake.before("chat.postMessage", click_while_sending)
    assert harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200
    harness.wait_idle()
    harness.fake.before("chat.postMessage", None)

    assert clicked == [200]  # acked at once
    assert any("still on its way" in reply for reply in ephemeral_replies(harness))
    request = only_request(harness)
    assert request.status == "pending"
    assert count_pairings(harness) == 0

    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=str(request.id))
    assert only_request(harness).status == "accepted"


def test_a_request_slack_would_not_take_is_forgotten_with_a_kind_word(harness: Harness) -> None:
    harness.fake.fail_next("chat.postMessage", status=503, times=None)
    assert harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200
    harness.fake.clear_failures()
    assert count_requests(harness) == 0
    assert any("try again in a few minutes" in reply for reply in ephemeral_replies(harness))
    # Nothing is left to block asking again.
    assert harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200
    assert only_request(harness).status == "pending"


def test_a_request_being_sent_counts_as_open_for_asking_again(harness: Harness) -> None:
    with harness.session() as session:
        open_request(
            session,
            program_id=default_program(session).id,
            mentee_id=MENTEE,
            mentor_id=MENTOR,
            focus="research",
            note="",
            now=harness.clock(),
            remind_after=timedelta(days=3),
            expire_after=timedelta(days=14),
        )
    assert harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200
    assert any("already asked" in reply for reply in ephemeral_replies(harness))
    assert count_requests(harness) == 1
    assert dms_to(harness, MENTOR) == []


def test_the_database_refuses_a_second_open_request_for_the_same_focus(harness: Harness) -> None:
    now = harness.clock()
    with harness.session() as session:
        program_id = default_program(session).id
    row = {
        "program_id": program_id,
        "mentee_id": MENTEE,
        "mentor_id": MENTOR,
        "focus": "research",
        "note": "",
        "created_at": now,
        "expires_at": now + timedelta(days=14),
    }
    with harness.session() as session:
        open_request(
            session,
            program_id=default_program(session).id,
            mentee_id=MENTEE,
            mentor_id=MENTOR,
            focus="research",
            note="",
            now=now,
            remind_after=timedelta(days=3),
            expire_after=timedelta(days=14),
        )
    for status in ("sending", "pending"):
        with harness.session() as session:
            session.add(MentorRequest(status=status, **row))
            with pytest.raises(IntegrityError):
                session.flush()
            session.rollback()
    with harness.session() as session:
        session.add(MentorRequest(status="declined", **row))


def test_a_request_left_sending_by_a_dead_process_is_discarded_by_the_tick(
    harness: Harness,
) -> None:
    made = harness.clock()
    with harness.session() as session:
        request = open_request(
            session,
            program_id=default_program(session).id,
            mentee_id=MENTEE,
            mentor_id=MENTOR,
            focus="research",
            note="",
            now=made,
            remind_after=timedelta(days=3),
            expire_after=timedelta(days=14),
        )
        request_id = request.id
    timeout = timedelta(minutes=harness.settings.claim_timeout_minutes)

    with harness.session() as session:
        # Never reminded nor expired: nobody received it.
        far = made + timedelta(days=30)
        assert request_id not in {r.id for r in due_reminders(session, far)}
        assert request_id not in {r.id for r in due_expiries(session, far)}

    harness.clock.set(made + timeout - timedelta(seconds=1))
    harness.tick()
    assert count_requests(harness, id=request_id) == 1  # its sender may still be waiting on Slack

    harness.clock.set(made + timeout + timedelta(seconds=1))
    harness.tick()
    assert count_requests(harness, id=request_id) == 0
    notices = dms_to(harness, MENTEE)
    assert len(notices) == 1
    assert f"<@{MENTOR}>" in all_text(notices[0].args["blocks"])
    assert "`/mentor ask`" in all_text(notices[0].args["blocks"])
    assert dms_to(harness, MENTOR) == []

    harness.clock.advance(timedelta(minutes=1))
    harness.tick()
    assert len(dms_to(harness, MENTEE)) == 1
