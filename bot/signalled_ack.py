"""Bolt's ``ack`` for the app's listeners, woken by the ack itself rather than found by polling,
and counted in :data:`bot.acks_first.ACKS_FIRST` while its request is being answered."""

from __future__ import annotations

import threading
import time

from slack_bolt import BoltResponse
from slack_bolt.context.ack import Ack

from bot.acks_first import ACK_TIMEOUT_SECONDS, AcksFirst


class SignalledAck(Ack):
    """Bolt's ``ack``, woken by the ack itself rather than found by polling.

    Bolt's dispatching thread waits for a listener's ack by reading ``ack.response`` every
    10 ms; eight server threads doing so keep asking for the interpreter a hundred times a
    second each while the listeners need it. Read from the thread that created it (the
    dispatching one), an unanswered ``response`` blocks until the ack or the ack's deadline;
    read from any other thread (the listener's own checks), it answers at once.
    """

    def __init__(self, timeout: float = ACK_TIMEOUT_SECONDS) -> None:
        self._acked = threading.Event()
        self._lock = threading.Lock()
        self._counted_by: AcksFirst | None = None
        self._waiter = threading.get_ident()
        self._deadline = time.monotonic() + timeout
        self._response: BoltResponse | None = None
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        if self._response is None and threading.get_ident() == self._waiter:
            self._acked.wait(max(0.0, self._deadline - time.monotonic()))
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self._response = value
        if value is not None:
            self.stop_answering()
            self._acked.set()

    def start_answering(self, acks: AcksFirst) -> None:
        """Count this request in ``acks`` as being answered, until its ack or
        :meth:`stop_answering`; nothing if it was acked already."""
        with self._lock:
            if self._response is not None or self._counted_by is not None:
                return
            self._counted_by = acks
            acks.begin()

    def stop_answering(self) -> None:
        with self._lock:
            counted, self._counted_by = self._counted_by, None
        if counted is not None:
            counted.end()
