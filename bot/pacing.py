"""Pacing Web API calls to Slack's published limits, so sends wait their turn instead of
collecting 429s.

Each limit is a :class:`Budget` (a sustained rate and a short burst). A :class:`Pacer` books the
next free slot in every budget a call draws on and tells the caller how long to wait; a 429
pauses every caller of that method family until ``Retry-After`` has passed. The clock and the
sleep are injected, so the arithmetic is tested without waiting.

Slack's workspace-wide message budget is one for every process of the installation: with
PostgreSQL, the web process and every worker book it in the database (:class:`SharedBudgets`,
``storage.slack_budgets``); with SQLite there is one process. Bulk sends (check-ins,
invitations: the scheduler's work) keep to the steady rate, and only interactive ones (a
request, an answer) may use the burst, so a trainee's ask goes ahead of Monday's check-ins."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from bot.logging import get_logger


@dataclass(frozen=True)
class Budget:
    """``per_minute`` calls a minute on average, with up to ``burst`` back to back."""

    per_minute: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 60.0 / self.per_minute

    @property
    def tolerance(self) -> float:
        # How far ahead of its steady-rate time a call may go: the room for a burst.
        return (self.burst - 1) * self.interval


@dataclass
class NextSlot:
    """One budget's schedule (the generic cell rate algorithm): ``due`` is when the next call
    would be on time at the steady rate; a call may go up to ``tolerance`` before it."""

    budget: Budget
    due: float = float("-inf")

    def earliest(self, now: float, *, bulk: bool = False) -> float:
        """The earliest a call may go: a bulk one at the steady rate, an interactive one up to
        the burst ahead of it (so it passes the bulk ones queued at the steady rate)."""
        return max(now, self.due - (0.0 if bulk else self.budget.tolerance))

    def book(self, at: float) -> None:
        self.due = max(self.due, at) + self.budget.interval


@dataclass(frozen=True)
class SlackLimits:
    """Slack's published limits (api.slack.com/apis/rate-limits and each method's page), per app
    per workspace.

    ``chat.postMessage`` is "special tier": about one message a second per channel with short
    bursts allowed, under a workspace-wide limit of several hundred a minute; ``chat.update`` is
    Tier 3 (50+ a minute) and, since it redraws a message in a channel, shares both of those;
    ``users.info`` is Tier 4 (100+ a minute)."""

    messages: Budget = Budget(per_minute=300, burst=10)
    per_channel: Budget = Budget(per_minute=60, burst=3)
    updates: Budget = Budget(per_minute=50, burst=10)
    users_info: Budget = Budget(per_minute=100, burst=20)


log = get_logger("mentorbot.pacing")

PRUNE_AT = 1024
SHARED_KEY = "messages"  # the workspace-wide budget every process books together

_bulk: ContextVar[bool] = ContextVar("sending_in_bulk", default=False)


@contextmanager
def sending_in_bulk() -> Iterator[None]:
    """Calls made inside are bulk: they keep to the steady rate and leave the burst to
    interactive ones."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def is_bulk() -> bool:
    return _bulk.get()


class SharedBudgets(Protocol):
    """A budget booked by every process of the installation (``storage.slack_budgets``)."""

    def book(self, key: str, budget: Budget, *, bulk: bool) -> float:
        """Book the next slot of ``key`` for every process; the seconds until it."""
        ...


MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update"})


def budget_keys(method: str, channel: str | None) -> tuple[str, ...]:
    """The budgets a call to ``method`` draws on, by name."""
    if method in MESSAGE_METHODS:
        keys = ["messages"]
        if method == "chat.update":
            keys.append("updates")
        if channel:
            keys.append(f"channel:{channel}")
        return tuple(keys)
    if method == "users.info":
        return ("users_info",)
    return ()


def pause_key(method: str) -> str:
    """Slack rate-limits each method on its own; chat.postMessage and chat.update share one
    workspace budget here, so a 429 on either pauses both."""
    return "messages" if method in MESSAGE_METHODS else method


def _monotonic() -> float:
    return time.monotonic()


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class Pacer:
    """One workspace's budgets, shared by every client and thread that calls Slack for it."""

    def __init__(
        self,
        limits: SlackLimits | None = None,
        *,
        paced: bool = True,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.limits = limits or SlackLimits()
        # Unpaced (a Slack-compatible endpoint without Slack's limits): only 429 pauses apply.
        self.paced = paced
        self._clock = clock or _monotonic
        self._sleep = sleep or _sleep
        self._lock = threading.Lock()
        self._slots: dict[str, NextSlot] = {}
        self._paused_until: dict[str, float] = {}
        self._channels: dict[str, str] = {}
        self._prune_at = PRUNE_AT
        self._shared: SharedBudgets | None = None
        self._shared_name = ""

    def share(self, shared: SharedBudgets, name: str) -> None:
        """Book the workspace's message budget in ``shared`` (under ``name``, the workspace)
        instead of in this process alone."""
        with self._lock:
            self._shared, self._shared_name = shared, name

    def _budget(self, key: str) -> Budget:
        if key.startswith("channel:"):
            return self.limits.per_channel
        budget: Budget = getattr(self.limits, key)
        return budget

    def _forget_idle_channels(self, now: float) -> None:
        """A slot whose next steady-rate time has passed books exactly like a new one: drop
        those of channels, so a process that DMs thousands of people keeps few of them."""
        if len(self._slots) < self._prune_at:
            return
        idle = [k for k, s in self._slots.items() if k.startswith("channel:") and s.due <= now]
        for key in idle:
            del self._slots[key]
        self._prune_at = max(PRUNE_AT, 2 * len(self._slots))

    def slot_count(self) -> int:
        with self._lock:
            return len(self._slots)

    def _slot(self, key: str) -> NextSlot:
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = NextSlot(self._budget(key))
        return slot

    def same_channel(self, conversation_id: str, user_id: str) -> None:
        """A DM posted to ``user_id`` landed in ``conversation_id``: updates addressed to the
        conversation count against the same channel budget as posts addressed to the user."""
        with self._lock:
            self._channels[conversation_id] = user_id

    def reserve(
        self, method: str, channel: str | None = None, *, bulk: bool | None = None
    ) -> float:
        """Book the earliest moment ``method`` may be called and return it (clock time);
        ``bulk`` defaults to :func:`is_bulk`."""
        bulk = is_bulk() if bulk is None else bulk
        shared, name = self._shared, self._shared_name
        not_before = float("-inf")
        if shared is not None and self.paced and method in MESSAGE_METHODS:
            # Booked for every process first (its own short transaction, no lock held). When
            # the database can't be asked, this process keeps to the budget on its own.
            try:
                delay = shared.book(f"{name}:{SHARED_KEY}", self.limits.messages, bulk=bulk)
            except Exception as error:
                log.warning("slack.shared_budget.unavailable", error=error.__class__.__name__)
                shared = None
            else:
                not_before = self._clock() + max(delay, 0.0)
        with self._lock:
            if channel is not None:
                channel = self._channels.get(channel, channel)
            keys = budget_keys(method, channel) if self.paced else ()
            if shared is not None:
                keys = tuple(key for key in keys if key != SHARED_KEY)
            now = self._clock()
            self._forget_idle_channels(now)
            at = max(now, not_before, self._paused_until.get(pause_key(method), now))
            slots = [self._slot(key) for key in keys]
            for slot in slots:
                at = max(at, slot.earliest(now, bulk=bulk))
            for slot in slots:
                slot.book(at)
            return at

    def paused_for(self, method: str) -> float:
        """Seconds left in a 429 pause for ``method``; 0 when none."""
        with self._lock:
            return max(0.0, self._paused_until.get(pause_key(method), 0.0) - self._clock())

    def acquire(self, method: str, channel: str | None = None) -> float:
        """Wait for this call's turn; returns the seconds waited."""
        waited = 0.0
        while True:
            at = self.reserve(method, channel)
            delay = at - self._clock()
            if delay > 0:
                self._sleep(delay)
                waited += delay
            # A 429 seen by another caller while this one slept pauses it too.
            pause = self.paused_for(method)
            if pause <= 0:
                return waited
            self._sleep(pause)
            waited += pause

    def pause(self, method: str, seconds: float) -> None:
        """Slack answered 429 with ``Retry-After: seconds``: hold every caller of this method
        family until then."""
        with self._lock:
            key = pause_key(method)
            until = self._clock() + max(seconds, 0.0)
            self._paused_until[key] = max(self._paused_until.get(key, until), until)


_pacers: dict[tuple[str, str, bool], Pacer] = {}
_pacers_lock = threading.Lock()


def workspace_pacer(api_url: str, workspace: str, *, paced: bool = True) -> Pacer:
    """The one pacer for this Slack endpoint and workspace in this process, so the scheduler's
    client, the listeners' per-request clients and every thread share the same budgets."""
    with _pacers_lock:
        key = (api_url, workspace, paced)
        pacer = _pacers.get(key)
        if pacer is None:
            pacer = _pacers[key] = Pacer(paced=paced)
        return pacer


def retry_after_seconds(headers: Mapping[str, object] | None, default: float = 1.0) -> float:
    """Slack's ``Retry-After`` (whole seconds), whatever the header's case or shape."""
    if not headers:
        return default
    for name, value in headers.items():
        if name.lower() != "retry-after":
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        try:
            return max(float(str(value)), 0.0)
        except ValueError:
            return default
    return default
