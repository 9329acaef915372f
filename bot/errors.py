"""Outcomes that stop a request kindly, raised by domain and storage code, answered at the edge."""

from __future__ import annotations

from bot.text import Mrkdwn


class Refused(Exception):
    """The person may not do this, or asked for something that cannot be; ``message`` tells
    them why, kindly. Raising it changes nothing: the unit of work rolls back.

    ``message`` is mrkdwn, shown as it is; ``reason`` is a short machine word for the log
    (``refused``, ``forbidden``, ``bad_input``)."""

    def __init__(self, message: Mrkdwn, *, reason: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
