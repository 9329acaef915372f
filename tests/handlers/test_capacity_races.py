"""A mentor's limit holds when mentorships start at the same moment: two accepts, or an accept
and a coordinator's assignment, each count the mentor's mentees only after locking them."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import select

from handlers import ids
from storage.models import MentorRequest
from tests.conftest import COORDINATOR, MENTEE, MENTOR, STRANGER
from tests.handlers.helpers import count_pairings, ephemeral_replies
from tests.harness import Harness


def _at_once(*actions: Callable[[], object]) -> None:
    barrier = threading.Barrier(len(actions))

    def run(action: Callable[[], object]) -> None:
        barrier.wait()
        action()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _requests(harness: Harness) -> list[MentorRequest]:
    with harness.session() as session:
        return list(session.scalars(select(MentorRequest).order_by(MentorRequest.id)))


def _click_accept(harness: Harness, request_id: int) -> Callable[[], object]:
    return lambda: harness.sender.block_action(
        user_id=MENTOR,
        action_id=ids.REQUEST_ACCEPT,
        value=str(request_id),
        response_url=harness.fake.response_url(),
    )


def test_two_accepts_at_once_keep_to_a_limit_of_one(harness: Harness) -> None:
    assert harness.command("capacity 1", user_id=MENTOR).status == 200
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    harness.command(f"ask <@{MENTOR}> research", user_id=STRANGER)
    first, second = (r.id for r in _requests(harness))

    _at_once(_click_accept(harness, first), _click_accept(harness, second))
    harness.wait_idle()

    assert count_pairings(harness) == 1
    assert sorted(r.status for r in _requests(harness)) == ["accepted", "pending"]
    assert any("as many people as you said" in r for r in ephemeral_replies(harness))


def test_an_accept_and_an_assignment_at_once_keep_to_the_limit(harness: Harness) -> None:
    assert harness.command("capacity 1", user_id=MENTOR).status == 200
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    (request,) = _requests(harness)

    _at_once(
        _click_accept(harness, request.id),
        lambda: harness.sender.command(
            f"assign <@{MENTOR}> <@{STRANGER}> research",
            user_id=COORDINATOR,
            response_url=harness.fake.response_url(),
        ),
    )
    harness.wait_idle()

    assert count_pairings(harness) == 1


def test_a_mentor_at_their_limit_is_asked_to_raise_it_before_accepting(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    harness.command(f"ask <@{MENTOR}> clinical", user_id=STRANGER)
    first, second = (r.id for r in _requests(harness))
    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=str(first))
    assert harness.command("capacity 1", user_id=MENTOR).status == 200

    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=str(second))
    assert count_pairings(harness) == 1
    assert [r.status for r in _requests(harness)] == ["accepted", "pending"]
    assert any("/mentor capacity" in r for r in ephemeral_replies(harness))

    assert harness.command("capacity 2", user_id=MENTOR).status == 200
    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=str(second))
    assert count_pairings(harness) == 2
