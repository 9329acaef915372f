"""What one scheduler tick does: each step finds its due work in the database and handles it.

Plain functions, so ``mentorbot tick --now`` and the tests run exactly what the scheduler runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from time import monotonic, perf_counter
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from sqlalchemy import ColumnElement, exists

from bot.context import AppContext
from bot.logging import get_logger
from bot.pacing import sending_in_bulk
from bot.retention import retention_cutoff
from bot.tick import Probed, Step, StepResult, TickContext
from handlers.flows import due_work
from storage import retention
from storage.db import unit_of_work
from storage.due import answer_all
from storage.events import forget_events_before, received_before_clause
from storage.installation import sending_stopped_clause
from storage.programs import all_configs
from storage.views import opened_before_clause, prune_opened_views

if TYPE_CHECKING:
    from handlers.flows.delivery import Kind

log = get_logger("mentorbot.scheduler")

# Slack retries an event for about an hour; a week leaves a wide margin.
EVENT_MEMORY = timedelta(days=7)


def forget_old_events(tick: TickContext) -> StepResult:
    with unit_of_work(tick.app.sessions) as session:
        forget_events_before(session, tick.now - EVENT_MEMORY)
    return StepResult()


def old_events_exist(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(received_before_clause(tick.now - EVENT_MEMORY))


def forget_old_views(tick: TickContext) -> StepResult:
    """Modals opened more than a day ago are closed: their records go."""
    with unit_of_work(tick.app.sessions) as session:
        prune_opened_views(session, tick.now)
    return StepResult()


def old_views_exist(tick: TickContext) -> ColumnElement[bool]:
    return exists().where(opened_before_clause(tick.now))


def purge_expired_text(tick: TickContext) -> StepResult:
    """Free text of mentorships that ended more than RETENTION_MONTHS ago (and notes of old
    answered requests) goes; dates and counts stay."""
    cutoff = retention_cutoff(tick.now, tick.app.settings.retention_months)
    with unit_of_work(tick.app.sessions) as session:
        purged = retention.purge_expired_text(session, cutoff, tick.now)
    if purged:
        log.info("retention.purged", mentorships=purged, cutoff=cutoff.isoformat())
    return StepResult(due=purged)


def expired_text_exists(tick: TickContext) -> ColumnElement[bool]:
    return retention.expired_text_exists(
        retention_cutoff(tick.now, tick.app.settings.retention_months)
    )


def age_out_answers(tick: TickContext) -> StepResult:
    """Individual answers older than RETENTION_MONTHS stop being tied to the people who gave
    them: ratings fold into weekly cells, exit answers into whole blocks, both counted by the
    figures exactly as before; answers of old pulses, the preferences of old matching rounds
    and the profiles of people who left long ago go."""
    settings = tick.app.settings
    cutoff = retention_cutoff(tick.now, settings.retention_months)
    with unit_of_work(tick.app.sessions) as session:
        weeks = sum(
            retention.fold_expired_ratings(session, program.id, program.zone, cutoff)
            for program in all_configs(session, settings)
        )
        blocks = retention.fold_expired_exits(
            session, cutoff, settings.feedback_min_responses, tick.now
        )
        pulses, rounds, profiles = retention.purge_expired_answers(session, cutoff, tick.now)
    done = weeks + blocks + pulses + rounds + profiles
    if done:
        log.info(
            "retention.aged_out",
            rating_weeks=weeks,
            exit_blocks=blocks,
            pulse_answers=pulses,
            rounds=rounds,
            profiles=profiles,
            cutoff=cutoff.isoformat(),
        )
    return StepResult(due=done)


def expired_answers_exist(tick: TickContext) -> ColumnElement[bool]:
    settings = tick.app.settings
    return retention.expired_answers_exist(
        retention_cutoff(tick.now, settings.retention_months), settings.feedback_min_responses
    )


# The steps. Each loads its flow when it runs: a tick with nothing due (most ticks) asks the
# probes in ``handlers.flows.due_work`` and loads none of the flows.


def _outbox_kinds() -> dict[str, Kind]:
    """How each kind of message the scheduler sends through the outbox is drawn; its keys are
    ``handlers.flows.send_kinds.SCHEDULED_KINDS``."""
    from handlers.flows import (
        calendar_files,
        checkins,
        coverage,
        digest,
        feedback,
        matching,
        request_deadlines,
        required_mentorship,
        waiting,
    )

    return {
        **request_deadlines.KINDS,
        **checkins.KINDS,
        **digest.KINDS,
        **feedback.KINDS,
        **matching.KINDS,
        **waiting.KINDS,
        **coverage.KINDS,
        **required_mentorship.KINDS,
        **calendar_files.KINDS,
    }


def retry_stale_sends(tick: TickContext) -> StepResult:
    """Take over claims left by a tick that died mid-send (or gave them back) and send them."""
    from handlers.flows.delivery import retry_stale

    return retry_stale(tick, _outbox_kinds())


def send_due_pending(tick: TickContext) -> StepResult:
    """Messages that waited for their recipient's working hours."""
    from handlers.flows.delivery import deliver_due_pending

    return deliver_due_pending(tick, _outbox_kinds())


@dataclass(frozen=True)
class FlowStep:
    """A step of one of the flows (``handlers.flows.<flow>.<function>``), loaded when it first
    runs (``tests/scheduler/test_due_probes.py`` checks that each names a function there)."""

    flow: str
    function: str

    @property
    def __name__(self) -> str:
        return self.function

    def __call__(self, tick: TickContext) -> StepResult:
        step: Step = getattr(import_module(f"handlers.flows.{self.flow}"), self.function)
        return step(tick)


def default_steps() -> tuple[Step, ...]:
    """In order: first what an earlier tick left unfinished, then what has newly come due. Each
    step's probe asks whether it has anything to do with the condition its own query selects by,
    so a tick with nothing due is one statement."""
    return (
        Probed(retry_stale_sends, due_work.stale_sends_exist),
        Probed(send_due_pending, due_work.pending_sends_due),
        Probed(FlowStep("checkins", "end_due_pauses"), due_work.pause_endings_due),
        Probed(FlowStep("checkins", "send_due_checkins"), due_work.checkins_due),
        Probed(FlowStep("checkins", "send_due_reassess_prompts"), due_work.reassess_prompts_due),
        Probed(
            FlowStep("request_deadlines", "discard_undelivered_requests"),
            due_work.undelivered_requests_due,
        ),
        Probed(
            FlowStep("request_deadlines", "remind_unanswered_requests"),
            due_work.request_reminders_due,
        ),
        Probed(
            FlowStep("request_deadlines", "expire_unanswered_requests"),
            due_work.request_expiries_due,
        ),
        Probed(FlowStep("feedback", "close_due_pulses"), due_work.pulses_due_to_close),
        Probed(FlowStep("digest", "post_weekly_digest"), due_work.weekly_digest_due),
        Probed(FlowStep("matching", "propose_due_rounds"), due_work.matching_rounds_due),
        Probed(FlowStep("waiting", "offer_freed_places"), due_work.places_to_offer),
        Probed(
            FlowStep("required_mentorship", "remind_without_mentor"),
            due_work.required_reminders_due,
        ),
        Probed(forget_old_events, old_events_exist, sends=False),
        Probed(forget_old_views, old_views_exist, sends=False),
        Probed(purge_expired_text, expired_text_exists, sends=False),
        Probed(age_out_answers, expired_answers_exist, sends=False),
    )


def due_steps(tick: TickContext, steps: Sequence[Step]) -> list[bool]:
    """For each of ``steps``, whether to run it now: a step without a probe always runs; the
    probes that ask the database are answered together in one statement. When that fails, every
    step runs and finds out for itself."""
    answers: list[bool] = [True] * len(steps)
    questions: dict[int, ColumnElement[bool]] = {}
    # Asked with the probes, in the same statement: whether Slack removed the app, which
    # stops every step that would message someone.
    stopped_at = len(steps)
    try:
        for index, step in enumerate(steps):
            if isinstance(step, Probed):
                answer = step.probe(tick)
                if isinstance(answer, bool):
                    answers[index] = answer
                else:
                    questions[index] = answer
        if any(_sends(step) for step in steps):
            questions[stopped_at] = sending_stopped_clause()
        if questions:
            with unit_of_work(tick.app.sessions) as session:
                found = answer_all(session, list(questions.values()))
            for index, due in zip(questions, found, strict=True):
                if index == stopped_at:
                    if due:
                        answers = [a and not _sends(s) for a, s in zip(answers, steps, strict=True)]
                    continue
                answers[index] = due
    except Exception:
        log.exception("scheduler.probe.failed")
        return [True] * len(steps)
    return answers


def _sends(step: Step) -> bool:
    return step.sends if isinstance(step, Probed) else True


def _did_something(result: StepResult) -> bool:
    return bool(result.due or result.sent or result.skipped or result.failed)


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
    """Run each step that has work once; one step failing is logged and never stops the others.

    The probes are asked first, in one statement; after a step did something (which may have
    made work due for a later step), the later steps' probes are asked again."""
    started = perf_counter()
    tick = TickContext(app=ctx, client=client, now=now, clock=clock or running_clock(now))
    plan = list(steps if steps is not None else default_steps())
    total = StepResult()
    run: list[bool] = []
    for index, step in enumerate(plan):
        if index == len(run):
            run += due_steps(tick, plan[index:])
        if not run[index]:
            continue
        try:
            with sending_in_bulk():  # the scheduler's sends leave the burst to people's
                result = step(tick)
        except Exception:
            log.exception("scheduler.step.failed", step=step.__name__)
            result = StepResult(failed=1, failures=[step.__name__])
        total.add(result)
        if _did_something(result):
            del run[index + 1 :]  # ask the later steps' probes again
    log.info(
        "scheduler.tick",
        now=now.isoformat(),
        due=total.due,
        sent=total.sent,
        skipped=total.skipped,
        failed=total.failed,
        steps_run=sum(run),
        duration_ms=round((perf_counter() - started) * 1000, 1),
    )
    return total
