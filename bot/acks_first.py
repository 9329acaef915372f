"""Acks before other work: while a Slack request waits for its ack, work that has already been
acked (and the scheduler's sends, in the same process) gives way at its next database session or
Slack call, so the process's one interpreter serves the acks first.

Python runs one thread at a time. Under a burst (fifty people acting at once while a tick sends
check-ins), an ack needs a few milliseconds of the interpreter, but waits its turn behind every
other thread's work after its own ack: redrawing Homes, writing, calling Slack. Threads have no
priorities, so the work that can wait waits where it is safe to: before it opens a unit of work
(none of its own is open across a Slack call) and before it calls Slack. It never waits longer
than ``longest_pause`` at one such point, so it cannot starve under a stream of requests.
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

LONGEST_PAUSE_SECONDS = 2.0
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
    signalled = ack if isinstance(ack, Signalled) else None
    if signalled is not None:
        signalled.start_answering(ACKS_FIRST)
    try:
        yield
    finally:
        if signalled is not None:
            signalled.stop_answering()
        _awaiting_ack.reset(token)


def awaiting_ack() -> bool:
    """Whether this thread's Slack request still waits for its ack."""
    check = _awaiting_ack.get()
    return check is not None and check()


class AcksFirst:
    """Counts the requests being answered (their listener running, their ack not yet given);
    :meth:`give_way` waits while there are any.

    A request still waiting for a listener thread is not counted: the work that would give way
    to it may be holding the very thread it waits for."""

    def __init__(self, longest_pause: float = LONGEST_PAUSE_SECONDS) -> None:
        self.longest_pause = longest_pause
        self._answering = 0
        self._changed = threading.Condition()

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

    def give_way(self) -> float:
        """Wait (at most ``longest_pause``) while any request is being answered, unless this
        thread is answering one itself; the seconds waited."""
        if self._answering == 0 or awaiting_ack():
            return 0.0
        started = time.monotonic()
        deadline = started + self.longest_pause
        with self._changed:
            while self._answering > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
        return time.monotonic() - started


# One per process: every request and every piece of later work in it shares the interpreter.
ACKS_FIRST = AcksFirst()
