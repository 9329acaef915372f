"""The confirmation modal of ``/mentor forget``: plainly what goes, what stays, and that it
cannot be undone; and its metadata, parsed back with the same rules it was built by."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.text import fmt, is_user_id, md, mention, normalise_user_text, plain
from handlers import ids
from handlers.blocks.common import MessageBody, context, section
from handlers.blocks.modals import InvalidSubmission, Values
from handlers.blocks.requests import actions, button, quote


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


class ForgetMode(Enum):
    """Who is erasing: the person themselves, an admin (with a reason, audited, the person told
    first), or a coordinator, whose form asks the admins instead of erasing."""

    SELF = "self"
    ADMIN = "admin"
    REQUEST = "request"


REASON_LIMIT = 500


def build_forget_modal(
    request: ForgetRequest,
    *,
    mode: ForgetMode,
    program_name: str | None,
    reason: str = "",
) -> dict[str, Any]:
    """The confirmation; submitting it erases (or, for a coordinator, asks the admins to),
    closing it changes nothing."""
    if mode is ForgetMode.SELF:
        lead = md("*This erases your data from mentorbot. It can't be undone.*")
        whose = md("your")
    elif mode is ForgetMode.ADMIN:
        lead = fmt(
            "*This erases {person}'s data from mentorbot, in every program. It can't be "
            "undone.* They are told by DM first, with your reason, and it is recorded in the "
            "audit log of each of their programs.",
            person=mention(request.user_id),
        )
        whose = md("their")
    else:
        lead = fmt(
            "*Erasing someone's data is for the workspace's admins.* This asks them to erase "
            "{person}'s data ({program}); they see your reason and decide. Nothing changes "
            "until one of them confirms.",
            person=mention(request.user_id),
            program=program_name or "",
        )
        whose = md("their")
    blocks: list[Any] = [
        section(lead),
        section(
            fmt(
                "*What goes:* the goals and tasks {whose} wrote, {whose} notes, reasons and "
                "request notes, {whose} check-in notes and feedback comments, {whose} mentor "
                "and trainee profiles, matching preferences, name and preferences; {whose} "
                "places on waiting lists and in matching rounds not yet decided.",
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
    if mode is not ForgetMode.SELF:
        blocks.append(
            InputBlock(
                block_id=ids.FORGET_REASON_BLOCK,
                label="Why (the person and the audit log see this)",
                element=PlainTextInputElement(
                    action_id=ids.FORGET_REASON_INPUT,
                    multiline=True,
                    max_length=REASON_LIMIT,
                    initial_value=plain(reason) if reason else None,
                ),
            )
        )
    return View(
        type="modal",
        callback_id=ids.FORGET_VIEW,
        title="Erase data" if mode is not ForgetMode.REQUEST else "Ask to erase data",
        submit="Erase for good" if mode is not ForgetMode.REQUEST else "Ask the admins",
        close="Cancel",
        private_metadata=forget_metadata(request),
        blocks=blocks,
    ).to_dict()


def parse_forget_reason(values: Values) -> str:
    """The reason typed in the form: required wherever the form asks for one."""
    raw = (values.get(ids.FORGET_REASON_BLOCK) or {}).get(ids.FORGET_REASON_INPUT) or {}
    reason = normalise_user_text(str(raw.get("value") or ""))
    if not reason:
        raise InvalidSubmission({ids.FORGET_REASON_BLOCK: "Please say why."})
    if len(reason) > REASON_LIMIT:
        raise InvalidSubmission(
            {ids.FORGET_REASON_BLOCK: f"Please keep it under {REASON_LIMIT} characters."}
        )
    return reason


def build_forget_request_message(
    entry_id: int, coordinator_id: str, person_id: str, program_name: str, reason: str
) -> MessageBody:
    """The DM to each admin: a coordinator asks to erase someone, with a button to review it."""
    lead = fmt(
        "{coordinator}, a coordinator of {program}, asks to erase {person}'s data from mentorbot.",
        coordinator=mention(coordinator_id),
        program=program_name,
        person=mention(person_id),
    )
    return MessageBody(
        lead,
        [
            section(lead),
            section(fmt("*Why:*\n{quote}", quote=quote(reason))),
            actions(
                "forget-review",
                button("Review and erase…", ids.FORGET_REVIEW, str(entry_id), "danger"),
            ),
        ],
    )


def build_erasure_notice(admin_id: str, reason: str) -> MessageBody:
    """The DM to the person, sent before their data is erased by an admin."""
    lead = fmt(
        "{admin}, an administrator of mentorbot in this workspace, is erasing your data from "
        "mentorbot now. Your mentorships end and nothing more will be sent to you.",
        admin=mention(admin_id),
    )
    return MessageBody(lead, [section(lead), section(fmt("*Why:*\n{quote}", quote=quote(reason)))])
