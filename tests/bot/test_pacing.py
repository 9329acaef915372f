"""The pacer's arithmetic: budgets never exceeded in any window, bursts, channels, shared
429 pauses; on a clock that moves only when the pacer waits."""

from __future__ import annotations

import threading
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pacing import (
    Budget,
    Pacer,
    SlackLimits,
    budget_keys,
    is_bulk,
    pause_key,
    retry_after_seconds,
    sending_in_bulk,
    workspace_pacer,
)
from tests.clock import VirtualTime

EPSILON = 1e-6


def pacer_on(virtual: VirtualTime, limits: SlackLimits | None = None) -> Pacer:
    return Pacer(limits, clock=virtual.monotonic, sleep=virtual.sleep)


def never_over(times: list[float], budget: Budget) -> bool:
    """In every window [times[i], times[j]] at most ``burst`` calls plus one per interval."""
    times = sorted(times)
    for i in range(len(times)):
        for j in range(i, len(times)):
            allowed = budget.burst + (times[j] - times[i]) / budget.interval
            if j - i + 1 > allowed + EPSILON:
                return False
    return True


def test_a_burst_goes_at_once_then_one_per_interval() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual, SlackLimits(per_channel=Budget(per_minute=60, burst=3)))
    starts = [pacer.reserve("chat.postMessage", "U1") for _ in range(6)]
    assert starts == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]


def test_the_workspace_budget_spreads_messages_to_many_channels() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual, SlackLimits(messages=Budget(per_minute=300, burst=10)))
    starts = [pacer.reserve("chat.postMessage", f"U{n}") for n in range(2_000)]
    assert starts[:10] == [0.0] * 10
    assert starts[10] == pytest.approx(0.2)
    # 2,000 DMs at 300 a minute: the last goes out after about 6 minutes 38 seconds.
    assert starts[-1] == pytest.approx((2_000 - 10) * 0.2)


def test_acquire_waits_for_the_booked_slot() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual, SlackLimits(users_info=Budget(per_minute=100, burst=2)))
    waited = [pacer.acquire("users.info") for _ in range(4)]
    assert waited == pytest.approx([0.0, 0.0, 0.6, 0.6])
    assert virtual.monotonic() == pytest.approx(1.2)


def test_chat_update_draws_on_the_message_budget_its_own_tier_and_the_channel() -> None:
    assert budget_keys("chat.postMessage", "U1") == ("messages", "channel:U1")
    assert budget_keys("chat.update", "D1") == ("messages", "updates", "channel:D1")
    assert budget_keys("users.info", None) == ("users_info",)
    assert budget_keys("views.open", None) == ()  # trigger ids expire in 3 s: never held back
    assert pause_key("chat.update") == pause_key("chat.postMessage") == "messages"
    assert pause_key("users.info") == "users.info"


def test_an_update_to_a_dm_counts_against_the_channel_its_post_was_addressed_to() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual, SlackLimits(per_channel=Budget(per_minute=60, burst=1)))
    assert pacer.reserve("chat.postMessage", "U1") == 0.0
    pacer.same_channel("D1", "U1")
    assert pacer.reserve("chat.update", "D1") == 1.0
    assert pacer.reserve("chat.update", "D2") == 0.0


def test_a_pause_holds_every_caller_of_the_family_until_it_ends() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual)
    pacer.pause("chat.postMessage", 30)
    assert pacer.paused_for("chat.update") == 30
    assert pacer.paused_for("users.info") == 0
    assert pacer.acquire("users.info") == 0
    assert pacer.acquire("chat.update", "D1") == pytest.approx(30)
    assert pacer.paused_for("chat.postMessage") == 0
    assert pacer.acquire("chat.postMessage", "U2") == 0


def test_a_pause_never_shortens_a_longer_one() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual)
    pacer.pause("chat.postMessage", 30)
    pacer.pause("chat.postMessage", 5)
    assert pacer.paused_for("chat.postMessage") == 30


def test_a_caller_already_waiting_its_turn_also_waits_out_a_pause_that_starts_meanwhile() -> None:
    virtual = VirtualTime(start=0.0)
    limits = SlackLimits(per_channel=Budget(per_minute=60, burst=1))
    pacer = Pacer(limits, clock=virtual.monotonic, sleep=lambda s: _sleep_then_pause(s))

    def _sleep_then_pause(seconds: float) -> None:
        # While this caller sleeps towards its slot, another client is told 429 for 20 s.
        if not virtual.slept:
            pacer.pause("chat.postMessage", 20)
        virtual.sleep(seconds)

    pacer.reserve("chat.postMessage", "U1")
    assert pacer.acquire("chat.postMessage", "U1") == pytest.approx(1 + 19)


def test_unpaced_only_honours_pauses() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = Pacer(paced=False, clock=virtual.monotonic, sleep=virtual.sleep)
    assert {pacer.reserve("chat.postMessage", "U1") for _ in range(50)} == {0.0}
    pacer.pause("chat.postMessage", 3)
    assert pacer.reserve("chat.postMessage", "U1") == 3.0


calls = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=3, allow_nan=False),  # gap since the previous call
        st.sampled_from(["chat.postMessage", "chat.update", "users.info", "views.open"]),
        st.sampled_from(["U1", "U2", "D3"]),
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(calls=calls, burst=st.integers(min_value=1, max_value=5))
def test_no_budget_is_ever_exceeded_in_any_window(
    calls: list[tuple[float, str, str]], burst: int
) -> None:
    limits = SlackLimits(
        messages=Budget(per_minute=120, burst=burst),
        per_channel=Budget(per_minute=60, burst=burst),
        updates=Budget(per_minute=50, burst=burst),
        users_info=Budget(per_minute=100, burst=burst),
    )
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual, limits)
    arrived = 0.0
    booked: dict[str, list[float]] = defaultdict(list)
    for gap, method, channel in calls:
        arrived += gap
        virtual.sleep(max(0.0, arrived - virtual.monotonic()))
        at = pacer.reserve(method, channel)
        assert at >= virtual.monotonic()
        for key in budget_keys(method, channel):
            booked[key].append(at)
    for key, times in booked.items():
        budget = limits.per_channel if key.startswith("channel:") else getattr(limits, key)
        assert never_over(times, budget), key


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=2, allow_nan=False), max_size=40),
    pause_after=st.integers(min_value=0, max_value=40),
    retry_after=st.integers(min_value=1, max_value=60),
)
def test_nothing_in_the_family_goes_during_a_pause(
    gaps: list[float], pause_after: int, retry_after: int
) -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual)
    window: tuple[float, float] | None = None
    for n, gap in enumerate(gaps):
        virtual.sleep(gap)
        if n == pause_after:
            start = virtual.monotonic()
            pacer.pause("chat.update", retry_after)
            window = (start, start + retry_after)
        at = pacer.reserve("chat.postMessage", f"U{n % 4}")
        if window is not None:
            assert not window[0] <= at < window[1]


def test_threads_sharing_a_pacer_stay_within_the_budget() -> None:
    virtual = VirtualTime(start=0.0)
    limits = SlackLimits(messages=Budget(per_minute=600, burst=5))
    pacer = pacer_on(virtual, limits)
    booked: list[float] = []
    lock = threading.Lock()

    def send_many(worker: int) -> None:
        for n in range(50):
            at = pacer.reserve("chat.postMessage", f"U{worker}-{n}")
            with lock:
                booked.append(at)

    threads = [threading.Thread(target=send_many, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(booked) == 400
    assert never_over(booked, limits.messages)


def test_channels_that_went_quiet_are_forgotten_without_changing_any_slot() -> None:
    virtual = VirtualTime(start=0.0)
    limits = SlackLimits(messages=Budget(per_minute=60_000, burst=1))
    pacer, twin = pacer_on(virtual, limits), pacer_on(virtual, limits)
    twin._prune_at = 10**9  # never forgets
    for n in range(5_000):
        virtual.sleep(0.01)
        channel = f"U{n % 3_000}"
        assert pacer.reserve("chat.postMessage", channel) == twin.reserve(
            "chat.postMessage", channel
        )
    assert pacer.slot_count() <= 1_024
    assert twin.slot_count() == 3_001


def test_one_pacer_per_endpoint_and_workspace() -> None:
    first = workspace_pacer("http://127.0.0.1:1/api/", "team-a")
    assert workspace_pacer("http://127.0.0.1:1/api/", "team-a") is first
    assert workspace_pacer("http://127.0.0.1:1/api/", "team-b") is not first
    assert workspace_pacer("http://127.0.0.1:1/api/", "team-a", paced=False) is not first


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "30"}, 30.0),
        ({"retry-after": ["7"]}, 7.0),
        ({"content-type": "application/json"}, 1.0),
        ({"Retry-After": "soon"}, 1.0),
        (None, 1.0),
    ],
)
def test_retry_after_is_read_whatever_its_shape(
    headers: dict[str, object] | None, seconds: float
) -> None:
    assert retry_after_seconds(headers) == seconds


def test_bulk_keeps_the_steady_rate_and_leaves_the_burst_to_people() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual, SlackLimits(messages=Budget(per_minute=300, burst=10)))
    bulk = [pacer.reserve("chat.postMessage", f"U{n}", bulk=True) for n in range(5)]
    assert bulk == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8])
    # A trainee's ask while the check-ins are queued goes now, inside the burst...
    assert pacer.reserve("chat.postMessage", "U0ASKED01") == 0.0
    # ...and bulk sent inside sending_in_bulk() (the scheduler's) is bulk without saying so.
    with sending_in_bulk():
        assert is_bulk()
        assert pacer.reserve("chat.postMessage", "U6") == pytest.approx(1.2)
    assert not is_bulk()


@given(st.lists(st.booleans(), min_size=1, max_size=60))
def test_a_mix_of_bulk_and_interactive_never_exceeds_the_budget(kinds: list[bool]) -> None:
    virtual = VirtualTime(start=0.0)
    budget = Budget(per_minute=300, burst=10)
    pacer = pacer_on(virtual, SlackLimits(messages=budget))
    times = [pacer.reserve("chat.postMessage", f"U{n}", bulk=b) for n, b in enumerate(kinds)]
    assert never_over(times, budget)


class _Failing:
    def book(self, key: str, budget: Budget, *, bulk: bool) -> float:
        raise ConnectionError("database unreachable")


class _Shared:
    """Every process's bookings in one place, as the database keeps them."""

    def __init__(self, virtual: VirtualTime) -> None:
        self.virtual = virtual
        self.due: dict[str, float] = {}
        self.keys: list[str] = []

    def book(self, key: str, budget: Budget, *, bulk: bool) -> float:
        self.keys.append(key)
        now = self.virtual.monotonic()
        due = self.due.get(key, float("-inf"))
        at = max(now, due - (0.0 if bulk else budget.tolerance))
        self.due[key] = max(due, at) + budget.interval
        return at - now


def test_two_processes_sharing_the_budget_keep_to_it_together() -> None:
    virtual = VirtualTime(start=0.0)
    shared = _Shared(virtual)
    budget = Budget(per_minute=300, burst=10)
    web, worker = (pacer_on(virtual, SlackLimits(messages=budget)) for _ in range(2))
    for pacer in (web, worker):
        pacer.share(shared, "T1")
    times = [(web, worker)[n % 2].reserve("chat.postMessage", f"U{n}") for n in range(40)]
    assert never_over(times, budget)
    assert set(shared.keys) == {"T1:messages"}
    assert times[-1] == pytest.approx((40 - 10) * 0.2)  # not twice the rate


def test_a_shared_budget_that_cannot_be_reached_falls_back_to_this_process() -> None:
    virtual = VirtualTime(start=0.0)
    pacer = pacer_on(virtual, SlackLimits(messages=Budget(per_minute=300, burst=10)))
    pacer.share(_Failing(), "T1")
    times = [pacer.reserve("chat.postMessage", f"U{n}") for n in range(12)]
    assert times[:10] == [0.0] * 10
    assert times[10] == pytest.approx(0.2)
