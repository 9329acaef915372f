"""The confirmation modal of ``/mentor forget``: plainly what goes, what stays, and that it
cannot be undone; and its metadata, parsed back with the same rules it was built by."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.views import View

from bot.text import fmt, is_user_id, md, mention
from handlers import ids
from handlers.blocks.common import context, section


@dataclass(frozen=True)
class ForgetRequest:
    """Who is to be forgotten and, when a coordinator asks, in which program."""

    user_id: str
    program_id: int | None


class ForgedMetadata(ValueError):
    """Metadata the app never wrote: only a forged submission carries it."""


def forget_metadata(request: ForgetRequest) -> str:
    return json.dumps({"user": request.user_id, "program": request.program_id})


def parse_forget_metadata(raw: str) -> ForgetRequest:
    try:
        value = json.loads(raw)
    except ValueError:
        raise ForgedMetadata(raw) from None
    if not isinstance(value, dict):
        raise ForgedMetadata(raw)
    user, program = value.get("user"), value.get("program")
    if not isinstance(user, str) or not is_user_id(user):
        raise ForgedMetadata(raw)
    if program is not None and (not isinstance(program, int) or isinstance(program, bool)):
        raise ForgedMetadata(raw)
    return ForgetRequest(user, program)


def build_forget_modal(
    request: ForgetRequest, *, yourself: bool, program_name: str | None
) -> dict[str, Any]:
    """The confirmation; submitting it erases, closing it changes nothing."""
    if yourself:
        lead = md("*This erases your data from mentorbot. It can't be undone.*")
        whose = md("your")
    else:
        lead = fmt(
            "*This erases {person}'s data from mentorbot ({program}). It can't be undone.*",
            person=mention(request.user_id),
            program=program_name or "",
        )
        whose = md("their")
    blocks = [
        section(lead),
        section(
            fmt(
                "*What goes:* the goals and tasks {whose} wrote, {whose} notes, reasons and "
                "request notes, {whose} check-in notes and {whose} name and preferences.",
                whose=whose,
            )
        ),
        section(
            fmt(
                "*What happens now:* {whose} open mentorships end (each partner gets a short, "
                "neutral note), {whose} waiting requests are withdrawn and nothing more is "
                "sent about them.",
                whose=whose,
            )
        ),
        context(
            md(
                "What stays, under an anonymous name: dates and counts (so program figures "
                "stay right) and each partner's own goals, tasks and history."
            )
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.FORGET_VIEW,
        title="Erase data",
        submit="Erase for good",
        close="Cancel",
        private_metadata=forget_metadata(request),
        blocks=blocks,
    ).to_dict()
