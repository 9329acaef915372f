"""The life of a mentor request and of a pairing, as two small state machines.

Storage and handlers never set a status directly: they apply an event, and an event that does
not fit the current status raises :class:`IllegalTransition` (a button pressed twice, a request
answered after it expired), which the caller turns into a friendly "already answered" reply.
"""

from __future__ import annotations

from enum import StrEnum


class IllegalTransition(ValueError):
    """An event that cannot happen in the current status."""

    def __init__(self, status: StrEnum, event: StrEnum) -> None:
        super().__init__(f"cannot {event.value} when {status.value}")
        self.status = status
        self.event = event


class RequestStatus(StrEnum):
    # Saved and committed, its DM to the asked person not yet confirmed by Slack.
    SENDING = "sending"
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REDIRECTED = "redirected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class RequestEvent(StrEnum):
    DELIVER = "deliver"
    ACCEPT = "accept"
    DECLINE = "decline"
    REDIRECT = "redirect"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


_REQUEST_MOVES: dict[tuple[RequestStatus, RequestEvent], RequestStatus] = {
    (RequestStatus.SENDING, RequestEvent.DELIVER): RequestStatus.PENDING,
    (RequestStatus.PENDING, RequestEvent.ACCEPT): RequestStatus.ACCEPTED,
    (RequestStatus.PENDING, RequestEvent.DECLINE): RequestStatus.DECLINED,
    (RequestStatus.PENDING, RequestEvent.REDIRECT): RequestStatus.REDIRECTED,
    (RequestStatus.PENDING, RequestEvent.WITHDRAW): RequestStatus.WITHDRAWN,
    (RequestStatus.PENDING, RequestEvent.EXPIRE): RequestStatus.EXPIRED,
}


def next_request_status(status: RequestStatus, event: RequestEvent) -> RequestStatus:
    """Where ``event`` takes a request in ``status``: a request being sent can only be
    delivered; only a pending request can be answered, withdrawn or expire."""
    try:
        return _REQUEST_MOVES[(status, event)]
    except KeyError:
        raise IllegalTransition(status, event) from None


class PairingStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    COMPLETED = "completed"

    @property
    def is_open(self) -> bool:
        return self in (PairingStatus.ACTIVE, PairingStatus.PAUSED)


class PairingEvent(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    COMPLETE = "complete"


_PAIRING_MOVES: dict[tuple[PairingStatus, PairingEvent], PairingStatus] = {
    (PairingStatus.ACTIVE, PairingEvent.PAUSE): PairingStatus.PAUSED,
    (PairingStatus.PAUSED, PairingEvent.PAUSE): PairingStatus.PAUSED,  # a new pause end date
    (PairingStatus.PAUSED, PairingEvent.RESUME): PairingStatus.ACTIVE,
    (PairingStatus.ACTIVE, PairingEvent.END): PairingStatus.ENDED,
    (PairingStatus.PAUSED, PairingEvent.END): PairingStatus.ENDED,
    (PairingStatus.ACTIVE, PairingEvent.COMPLETE): PairingStatus.COMPLETED,
    (PairingStatus.PAUSED, PairingEvent.COMPLETE): PairingStatus.COMPLETED,
}


def next_pairing_status(status: PairingStatus, event: PairingEvent) -> PairingStatus:
    """Where ``event`` takes a pairing; ended and completed pairings are final."""
    try:
        return _PAIRING_MOVES[(status, event)]
    except KeyError:
        raise IllegalTransition(status, event) from None
