"""Acks before other work: while a Slack request waits for its ack, work that has already been
acked (and the scheduler's sends, in the same process) gives way at its next database session or
Slack call, so the process's one interpreter serves the acks first.

Python runs one thread at a time. Under a burst (fifty people acting at once while a tick sends
check-ins), an ack needs a few milliseconds of the interpreter, but waits its turn behind every
other thread's work after its own ack: redrawing Homes, writing, calling Slack. Threads have no
priorities, so the work that can wait waits where it is safe to: before it opens a unit of work
(none of its own is open across a Slack call) and before it calls Slack. It never waits longer
than ``longest_pause`` at one such point, so it cannot starve under a stream of requests.

Giving way is not enough on its own: once no request waits, every listener's later work resumes
at once, and the next burst of requests waits behind all of them at the interpreter. So the
work after acks also takes *turns*: from the point where it gave way until it next waits on
Slack (or its run ends), a listener's later work holds one of ``turns`` turns, and the others
wait at their next point. An ack then shares the interpreter with at most that many such
threads, not with every one of them. A turn is never held while waiting on Slack (its pace or
its answer: the network, not the interpreter; :func:`off_turn`), is given back when the
listener's run ends, and is waited for no longer than the pause, so a turn stuck in a slow
database call cannot stall the rest.

A slash command that finds other requests still waiting for their acks is acked at once and
answered through its ``response_url`` (:meth:`AcksFirst.ack_budget_ms`): its reads would
otherwise hold up the acks queued behind them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

# Whether the Slack request this thread is handling still waits for its ack: a check the
# listener's edge sets for the listener's run (None outside listeners: the scheduler, scripts).
_awaiting_ack: ContextVar[Callable[[], bool] | None] = ContextVar("awaiting_ack", default=None)


class _Turn:
    """One listener's run: the turns its later work holds one of, if it holds one."""

    def __init__(self) -> None:
        self._from: threading.BoundedSemaphore | None = None
        self.off = 0  # inside off_turn(): waiting on Slack, takes no turn

    @property
    def wanted(self) -> bool:
        return self._from is None and self.off == 0

    def take(self, turns: threading.BoundedSemaphore, timeout: float) -> None:
        if turns.acquire(timeout=timeout):
            self._from = turns

    def give_back(self) -> None:
        turns, self._from = self._from, None
        if turns is not None:
            turns.release()


_turn: ContextVar[_Turn | None] = ContextVar("turn", default=None)

LONGEST_PAUSE_SECONDS = 2.0
# Listeners' later work running between its Slack calls at once: with one, an ack shares the
# interpreter with one such thread (bench mixed: ack p99 178-269 ms on SQLite and 233-242 ms on
# PostgreSQL, against 351-375 ms on SQLite with every thread let through; two did no better).
TURNS = 1
# Bolt's own limit for a listener's ack (a listener's ``ack_timeout``): Slack gives up at 3 s.
ACK_TIMEOUT_SECONDS = 3.0


@runtime_checkable
class Signalled(Protocol):
    """An ack that counts its request as being answered until it is given
    (:class:`bot.signalled_ack.SignalledAck`, which the app installs in place of Bolt's)."""

    def start_answering(self, acks: AcksFirst) -> None: ...

    def stop_answering(self) -> None: ...


@contextmanager
def answering(awaiting_ack: Callable[[], bool], ack: object | None = None) -> Iterator[None]:
    """While ``awaiting_ack()`` holds, this thread is answering a Slack request: its units of
    work use the answering pool (``storage.db.Sessions``) and it never gives way; other work
    gives way to it until ``ack`` (a :class:`Signalled` ack) is given or the block ends.

    Nothing here imports Bolt: the database layer (and with it a ``mentorbot tick``) uses this
    module."""
    token = _awaiting_ack.set(awaiting_ack)
    turn = _Turn()
    turn_token = _turn.set(turn)
    signalled = ack if isinstance(ack, Signalled) else None
    if signalled is not None:
        signalled.start_answering(ACKS_FIRST)
    try:
        yield
    finally:
        if signalled is not None:
            signalled.stop_answering()
        turn.give_back()
        _turn.reset(turn_token)
        _awaiting_ack.reset(token)


@contextmanager
def off_turn() -> Iterator[None]:
    """While this listener's later work waits on Slack (its pace, booked in the database with
    PostgreSQL, and its answer): its turn given back, and none taken inside the block. Its
    run's end gives a turn back too."""
    turn = _turn.get()
    if turn is None:
        yield
        return
    turn.give_back()
    turn.off += 1
    try:
        yield
    finally:
        turn.off -= 1


def awaiting_ack() -> bool:
    """Whether this thread's Slack request still waits for its ack."""
    check = _awaiting_ack.get()
    return check is not None and check()


class AcksFirst:
    """Counts the requests being answered (their listener running, their ack not yet given);
    :meth:`give_way` waits while there are any.

    A request still waiting for a listener thread is not counted: the work that would give way
    to it may be holding the very thread it waits for."""

    def __init__(self, longest_pause: float = LONGEST_PAUSE_SECONDS, turns: int = TURNS) -> None:
        self.longest_pause = longest_pause
        self._answering = 0
        self._changed = threading.Condition()
        self._turns = threading.BoundedSemaphore(turns)

    @property
    def answering(self) -> int:
        return self._answering

    def begin(self) -> None:
        with self._changed:
            self._answering += 1

    def end(self) -> None:
        with self._changed:
            self._answering -= 1
            if self._answering == 0:
                self._changed.notify_all()

    def ack_budget_ms(self, configured_ms: int) -> int:
        """The ack budget of a command starting now (its own request counted): the configured
        one when no other request waits for its ack, else none."""
        return configured_ms if self._answering <= 1 else 0

    def give_way(self) -> float:
        """Wait (at most ``longest_pause`` in all) while any request is being answered, then,
        in a listener's later work, for a turn, unless this thread is answering a request
        itself; the seconds waited."""
        turn = _turn.get()
        if awaiting_ack() or (self._answering == 0 and (turn is None or not turn.wanted)):
            return 0.0
        started = time.monotonic()
        deadline = started + self.longest_pause
        with self._changed:
            while self._answering > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
        if turn is not None and turn.wanted:
            turn.take(self._turns, timeout=max(0.0, deadline - time.monotonic()))
        return time.monotonic() - started


# One per process: every request and every piece of later work in it shares the interpreter.
ACKS_FIRST = AcksFirst()
