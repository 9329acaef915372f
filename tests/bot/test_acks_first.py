"""Acks before other work: later work gives way while a request waits for its ack (never the
thread answering one, never longer than the cap), and the dispatching thread is woken by the
ack itself."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_bolt import BoltResponse

from bot.acks_first import AcksFirst, answering, off_turn
from bot.signalled_ack import SignalledAck


def test_nothing_waits_when_no_request_does() -> None:
    acks = AcksFirst(longest_pause=5.0)
    started = time.monotonic()
    assert acks.give_way() == 0.0
    assert time.monotonic() - started < 0.5


def test_later_work_waits_until_the_request_being_answered_is_acked() -> None:
    acks = AcksFirst(longest_pause=5.0)
    ack = SignalledAck()
    ack.start_answering(acks)
    waited: list[float] = []
    worker = threading.Thread(target=lambda: waited.append(acks.give_way()))
    worker.start()
    time.sleep(0.2)
    assert worker.is_alive()  # still giving way
    ack()
    worker.join(5)
    assert 0.15 < waited[0] < 5.0
    assert acks.answering == 0
    ack.stop_answering()  # counted once: the ack ended it already
    assert acks.answering == 0


def test_a_request_already_acked_is_not_counted_and_a_listener_that_never_acks_stops() -> None:
    acks = AcksFirst(longest_pause=5.0)
    acked = SignalledAck()
    acked()
    acked.start_answering(acks)
    assert acks.answering == 0
    silent = SignalledAck()
    silent.start_answering(acks)
    silent.start_answering(acks)
    assert acks.answering == 1
    silent.stop_answering()
    assert acks.answering == 0


def test_the_thread_answering_a_request_never_waits_and_no_one_waits_past_the_cap() -> None:
    acks = AcksFirst(longest_pause=0.1)
    acks.begin()
    try:
        with answering(lambda: True):
            assert acks.give_way() == 0.0
        with answering(lambda: False):  # acked already: later work now
            waited = acks.give_way()
        assert 0.09 < waited < 1.0
        assert 0.09 < acks.give_way() < 1.0
    finally:
        acks.end()
    assert acks.give_way() == 0.0


def test_the_dispatching_thread_is_woken_by_the_ack_and_others_never_block() -> None:
    ack = SignalledAck(timeout=5.0)
    seen: list[BoltResponse | None] = []
    listener = threading.Thread(target=lambda: (seen.append(ack.response), time.sleep(0.1), ack()))
    started = time.monotonic()
    listener.start()
    response = ack.response  # blocks here, in the thread that made it, until the ack
    took = time.monotonic() - started
    listener.join(5)
    assert seen == [None]  # the listener's own check answered at once
    assert response is not None
    assert response.status == 200
    assert 0.09 < took < 2.0


def test_an_unacked_request_wakes_the_dispatching_thread_at_its_deadline() -> None:
    ack = SignalledAck(timeout=0.1)
    started = time.monotonic()
    assert ack.response is None
    assert 0.09 < time.monotonic() - started < 1.0
    ack.response = BoltResponse(status=500)
    final = ack.response
    assert final is not None
    assert final.status == 500


def test_a_listener_answering_is_counted_until_its_ack_and_a_plain_ack_is_not() -> None:
    from slack_bolt.context.ack import Ack

    from bot.acks_first import ACKS_FIRST

    before = ACKS_FIRST.answering
    ack = SignalledAck()
    with answering(lambda: ack.response is None, ack):
        assert ACKS_FIRST.answering == before + 1
        ack()
        assert ACKS_FIRST.answering == before
    with answering(lambda: True, Ack()):  # type: ignore[no-untyped-call]
        assert ACKS_FIRST.answering == before


def test_a_command_keeps_its_budget_only_when_no_other_request_waits() -> None:
    acks = AcksFirst()
    acks.begin()  # the command's own request
    assert acks.ack_budget_ms(50) == 50
    acks.begin()  # someone else's, still waiting for its ack
    assert acks.ack_budget_ms(50) == 0
    acks.end()
    acks.end()


def _later_work(acks: AcksFirst, steps: list[str], name: str, hold: float) -> None:
    """A listener's run after its ack: gives way (taking the turn), works ``hold`` s."""
    with answering(lambda: False):
        acks.give_way()
        steps.append(f"{name} in")
        time.sleep(hold)
        steps.append(f"{name} out")


def _one_then_another(
    first: Callable[[], None],
    second: Callable[[], None],
    *,
    after_first: Callable[[], object],
    after_second: Callable[[], object] = lambda: None,
) -> None:
    """Run ``first`` in a thread, then (after ``after_first``) ``second`` in another; wait
    for both."""
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    after_first()
    threads[1].start()
    after_second()
    for thread in threads:
        thread.join(5)


def test_later_work_takes_turns_and_a_turn_ends_with_the_listeners_run() -> None:
    acks = AcksFirst(longest_pause=5.0, turns=1)
    steps: list[str] = []
    _one_then_another(
        lambda: _later_work(acks, steps, "first", 0.3),
        lambda: _later_work(acks, steps, "second", 0.0),
        after_first=lambda: time.sleep(0.1),
    )
    assert steps == ["first in", "first out", "second in", "second out"]


def test_a_turn_is_given_back_before_a_slack_call_and_taken_again_after() -> None:
    acks = AcksFirst(longest_pause=5.0, turns=1)
    steps: list[str] = []
    resting = threading.Event()
    go_on = threading.Event()

    def calls_slack() -> None:
        with answering(lambda: False):
            acks.give_way()
            steps.append("caller in")
            with off_turn():  # as the Slack client does around its call
                resting.set()
                go_on.wait(5)
                assert acks.give_way() == 0.0  # the pace booked in the database: no turn
            acks.give_way()  # its next unit of work
            steps.append("caller back")

    def then_go_on() -> None:
        time.sleep(0.05)
        go_on.set()

    _one_then_another(
        calls_slack,
        lambda: _later_work(acks, steps, "other", 0.2),
        after_first=lambda: resting.wait(5),
        after_second=then_go_on,
    )
    assert steps == ["caller in", "other in", "other out", "caller back"]


def test_no_one_waits_for_a_turn_past_the_cap_and_work_outside_listeners_takes_none() -> None:
    acks = AcksFirst(longest_pause=0.2, turns=1)
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with answering(lambda: False):
            acks.give_way()
            holding.set()
            release.wait(5)

    stuck = threading.Thread(target=holder)
    stuck.start()
    assert holding.wait(5)
    try:
        with answering(lambda: False):
            waited = acks.give_way()
        assert 0.15 < waited < 1.0  # went on without a turn
        started = time.monotonic()
        assert acks.give_way() == 0.0  # the scheduler, a script: no turns
        with answering(lambda: True):  # answering a request: never waits
            assert acks.give_way() == 0.0
        assert time.monotonic() - started < 0.1
    finally:
        release.set()
        stuck.join(5)
