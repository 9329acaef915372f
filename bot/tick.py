"""The shape of scheduled work: what a step is given, and what it reports back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import ColumnElement

from bot.context import AppContext


@dataclass
class StepResult:
    due: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, other: StepResult) -> None:
        self.due += other.due
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.failures.extend(other.failures)


@dataclass(frozen=True)
class TickContext:
    """``now`` is the moment the tick runs for (what is due by then); ``clock`` reads the time as
    the tick goes on, which claims are stamped and renewed with."""

    app: AppContext
    client: WebClient
    now: datetime
    clock: Callable[[], datetime]


Step = Callable[[TickContext], StepResult]

Probe = Callable[[TickContext], "ColumnElement[bool] | bool"]
"""Whether a step has work this tick: an SQL condition (``EXISTS (…)`` over the very clause the
step's own query selects by), or a plain answer when the database need not be asked."""


@dataclass(frozen=True)
class Probed:
    """A step the tick runs only when its probe says work is due (the probes of all steps are
    asked together, in one statement). Called directly, it always runs."""

    step: Step
    probe: Probe
    # Whether the step may message anyone: such steps stand still while Slack has the app
    # removed (storage/installation.py); housekeeping runs on.
    sends: bool = True

    @property
    def __name__(self) -> str:
        return self.step.__name__

    def __call__(self, tick: TickContext) -> StepResult:
        return self.step(tick)
