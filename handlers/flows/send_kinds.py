"""The kinds of message the scheduler sends through the outbox, each named once: the flows that
draw them and the tick's probes (which must not load those flows) read the names here."""

from __future__ import annotations

from handlers.flows.digest_slots import DIGEST
from storage.calendar_files import MEETING_FILE, RHYTHM_FILE
from storage.feedback import EXIT_SURVEY, PULSE_ASK, PULSE_REMIND
from storage.matching import (
    CANCELLED_NOTE,
    INTRODUCTION,
    INVITE_MENTOR,
    INVITE_TRAINEE,
    NOT_MATCHED,
    PROPOSAL,
)
from storage.requests import CLOSED_FOR_MENTEE

CHECKIN = "checkin"
REASSESS_PROMPT = "reassess.prompt"
PAUSE_ENDED = "pause.ended"
FIND_INVITE = "coverage.find_invite"
REQUIRED_REMINDER = "coverage.required"
PLACE_FREE = "waiting.place_free"
REQUEST_REMINDER = "request.reminder"
EXPIRED_MENTEE = "request.expired.mentee"
EXPIRED_MENTOR = "request.expired.mentor"

# ``bot.jobs``' map of each kind to how it is drawn has exactly these keys (a test holds them).
SCHEDULED_KINDS = frozenset(
    {
        CHECKIN,
        REASSESS_PROMPT,
        PAUSE_ENDED,
        FIND_INVITE,
        REQUIRED_REMINDER,
        PLACE_FREE,
        REQUEST_REMINDER,
        EXPIRED_MENTEE,
        EXPIRED_MENTOR,
        CLOSED_FOR_MENTEE,
        DIGEST,
        RHYTHM_FILE,
        MEETING_FILE,
        EXIT_SURVEY,
        PULSE_ASK,
        PULSE_REMIND,
        INVITE_TRAINEE,
        INVITE_MENTOR,
        NOT_MATCHED,
        PROPOSAL,
        INTRODUCTION,
        CANCELLED_NOTE,
    }
)
