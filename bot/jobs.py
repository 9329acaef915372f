"""What one scheduler tick does: each step finds its due work in the database and handles it.

Plain functions, so ``mentorbot tick --now`` and the tests run exactly what the scheduler runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from time import monotonic, perf_counter

from slack_sdk import WebClient

from bot.context import AppContext
from bot.logging import get_logger
from bot.tick import Step, StepResult, TickContext
from handlers.flows import checkins, digest, request_deadlines
from handlers.flows.delivery import Kind, deliver_due_pending, retry_stale
from storage.db import unit_of_work
from storage.events import forget_events_before

log = get_logger("mentorbot.scheduler")

# Slack retries an event for about an hour; a week leaves a wide margin.
EVENT_MEMORY = timedelta(days=7)


def forget_old_events(tick: TickContext) -> StepResult:
    with unit_of_work(tick.app.sessions) as session:
        forget_events_before(session, tick.now - EVENT_MEMORY)
    return StepResult()


def _outbox_kinds() -> dict[str, Kind]:
    return {**request_deadlines.KINDS, **checkins.KINDS, **digest.KINDS}


def retry_stale_sends(tick: TickContext) -> StepResult:
    return retry_stale(tick, _outbox_kinds())


def send_due_pending(tick: TickContext) -> StepResult:
    """Messages that waited for their recipient's working hours."""
    return deliver_due_pending(tick, _outbox_kinds())


def default_steps() -> tuple[Step, ...]:
    """In order: first what an earlier tick left unfinished, then what has newly come due."""
    return (
        retry_stale_sends,
        send_due_pending,
        checkins.end_due_pauses,
        checkins.send_due_checkins,
        checkins.send_due_reassess_prompts,
        request_deadlines.discard_undelivered_requests,
        request_deadlines.remind_unanswered_requests,
        request_deadlines.expire_unanswered_requests,
        digest.post_weekly_digest,
        forget_old_events,
    )


def running_clock(now: datetime) -> Callable[[], datetime]:
    """``now``, moving on in real time from when it was read: a tick run for a given moment
    (``mentorbot tick --now``) stamps its claims on that moment's time line."""
    started = monotonic()
    return lambda: now + timedelta(seconds=monotonic() - started)


def run_tick(
    ctx: AppContext,
    client: WebClient,
    now: datetime,
    steps: Sequence[Step] | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> StepResult:
    """Run each step once; one step failing is logged and never stops the others."""
    started = perf_counter()
    tick = TickContext(app=ctx, client=client, now=now, clock=clock or running_clock(now))
    total = StepResult()
    for step in steps if steps is not None else default_steps():
        try:
            total.add(step(tick))
        except Exception:
            log.exception("scheduler.step.failed", step=step.__name__)
            total.failed += 1
            total.failures.append(step.__name__)
    log.info(
        "scheduler.tick",
        now=now.isoformat(),
        due=total.due,
        sent=total.sent,
        skipped=total.skipped,
        failed=total.failed,
        duration_ms=round((perf_counter() - started) * 1000, 1),
    )
    return total
