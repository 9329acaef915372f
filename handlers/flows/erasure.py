"""Erasure (``/mentor forget``): who may erase whom, and the one way it is done.

A person may erase themselves. Erasing someone else is the controller's act: only an admin
(``ADMINS``) does it, with a reason; it is recorded in the audit log of every program the
person takes part in, and the person is told by DM, with the reason, before it runs. A
coordinator's form becomes a request: recorded in their program's audit log and DMed to each
admin with a **Review and erase…** button, which opens the admin's own confirmation. Each step
re-checks who acts: a form's metadata and a button's value are the client's word."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.text import fmt, is_pseudonym, md, mention
from handlers.blocks.forget import (
    ForgetMode,
    build_erasure_notice,
    build_forget_request_message,
)
from handlers.flows.leaving import tell_partners
from handlers.flows.programs import require_coordinator_of
from handlers.flows.slack import notify, notify_message
from storage.audit import audit_entry, record_audit
from storage.db import unit_of_work
from storage.erasure import erase_person
from storage.models import MentorRequest, Pairing, ProgramMember
from storage.programs import get_program

log = get_logger("mentorbot.erasure")

REQUESTED = "forget.requested"
ERASED = "forget"

NOT_YOURS = md(
    "Only you can ask me to forget you; erasing someone else is for your program's "
    "coordinators to ask and the workspace's admins to do."
)
NO_ADMINS = md(
    "Erasing someone else is for the workspace's mentorbot admins, and none are set up yet "
    "(the ADMINS setting). Please ask whoever runs mentorbot for your workspace."
)


@dataclass(frozen=True)
class ForgetTarget:
    """Whom an erasure is for, and, when a coordinator asks, in which program."""

    user_id: str
    program_id: int | None
    program_name: str | None


def programs_of(session: Session, user_id: str) -> set[int]:
    """Every program ``user_id`` takes part in: memberships, pairs and requests."""
    return {
        *session.scalars(select(ProgramMember.program_id).where(ProgramMember.user_id == user_id)),
        *session.scalars(
            select(Pairing.program_id).where(
                or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id)
            )
        ),
        *session.scalars(
            select(MentorRequest.program_id).where(
                or_(MentorRequest.mentee_id == user_id, MentorRequest.mentor_id == user_id)
            )
        ),
    }


def forget_mode(session: Session, ctx: AppContext, actor: str, target: ForgetTarget) -> ForgetMode:
    """What ``actor``'s erasure of ``target`` is: their own, an admin's, or a coordinator's
    request (of a person in the program they coordinate); anyone else is refused."""
    if target.user_id == actor:
        return ForgetMode.SELF
    if ctx.settings.is_admin(actor):
        return ForgetMode.ADMIN
    if target.program_id is None:
        raise Refused(NOT_YOURS, reason="forbidden")
    program = require_coordinator_of(session, ctx.settings, target.program_id, actor)
    if program.id not in programs_of(session, target.user_id):
        raise Refused(
            fmt(
                "{person} isn't in {program}, so I left their data alone.",
                person=mention(target.user_id),
                program=program.name,
            ),
            reason="forbidden",
        )
    if not ctx.settings.admins:
        raise Refused(NO_ADMINS, reason="forbidden")
    return ForgetMode.REQUEST


def forget(
    ctx: AppContext, client: WebClient, actor: str, target: ForgetTarget, reason: str
) -> ForgetMode:
    """What ``actor`` may do (checked again here): erase themselves, erase as an admin, or ask
    the admins to. Returns which it was."""
    with unit_of_work(ctx.sessions) as session:
        mode = forget_mode(session, ctx, actor, target)
    if mode is ForgetMode.REQUEST:
        _ask_admins(ctx, client, actor, target, reason)
    elif mode is ForgetMode.ADMIN:
        # Told before it runs: afterwards no message may be addressed to them.
        notify_message(client, target.user_id, build_erasure_notice(actor, reason))
        _erase(ctx, client, actor, target.user_id, reason)
    else:
        _erase(ctx, client, actor, actor, "")
    return mode


def _erase(ctx: AppContext, client: WebClient, actor: str, person: str, reason: str) -> None:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        if person != actor:
            if not ctx.settings.is_admin(actor):
                raise Refused(NOT_YOURS, reason="forbidden")
            # Recorded before the id is replaced, so each entry names the pseudonym too, in
            # every program the person takes part in (each program's coordinators see it).
            taking_part: list[int | None] = [*sorted(programs_of(session, person))]
            for program_id in taking_part or [None]:
                record_audit(
                    session,
                    program_id=program_id,
                    actor=actor,
                    action=ERASED,
                    subject=person,
                    detail=reason,
                    now=now,
                )
        departure, _ = erase_person(
            session, person, key=ctx.settings.pseudonym_key(), by=actor, now=now
        )
    log.info("person.erased", by_self=person == actor, pairings=len(departure.pairings))
    tell_partners(ctx, client, departure, erased=True)
    if person == actor:
        notify(
            client,
            actor,
            md(
                "Done: I've erased your data. Your mentorships have ended and nothing more "
                "will be sent to you. If you come back, you start afresh."
            ),
        )
    else:
        notify(
            client,
            actor,
            md(
                "Done: that person's data is erased and their mentorships have ended. It is "
                "recorded in the audit log of each of their programs."
            ),
        )


def _ask_admins(
    ctx: AppContext, client: WebClient, coordinator: str, target: ForgetTarget, reason: str
) -> None:
    with unit_of_work(ctx.sessions) as session:
        program = get_program(session, int(target.program_id or 0))
        program_name = program.name if program is not None else ""
        entry_id = record_audit(
            session,
            program_id=target.program_id,
            actor=coordinator,
            action=REQUESTED,
            subject=target.user_id,
            detail=reason,
            now=ctx.now(),
        )
    request = build_forget_request_message(
        entry_id, coordinator, target.user_id, program_name, reason
    )
    for admin in ctx.settings.admins:
        notify_message(client, admin, request)
    notify(
        client,
        coordinator,
        fmt(
            "I've asked the workspace's admins to erase {person}'s data, with your reason. "
            "Nothing changes until one of them confirms; it is in your program's audit log.",
            person=mention(target.user_id),
        ),
    )


@dataclass(frozen=True)
class ForgetReview:
    target: ForgetTarget
    reason: str


def review_request(ctx: AppContext, admin: str, entry_id: int) -> ForgetReview:
    """The coordinator's request ``entry_id``, for an admin to confirm in their own form."""
    if not ctx.settings.is_admin(admin):
        raise Refused(NOT_YOURS, reason="forbidden")
    with unit_of_work(ctx.sessions) as session:
        entry = audit_entry(session, entry_id)
        if entry is None or entry.action != REQUESTED or not entry.subject:
            raise Refused(md("I couldn't find that request any more."), reason="forbidden")
        if is_pseudonym(entry.subject):
            raise Refused(md("That person's data is erased already."), reason="repeat")
        program = get_program(session, entry.program_id or 0)
        return ForgetReview(
            ForgetTarget(entry.subject, entry.program_id, program.name if program else None),
            entry.detail,
        )
