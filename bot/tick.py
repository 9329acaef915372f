"""The shape of scheduled work: what a step is given, and what it reports back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient

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
