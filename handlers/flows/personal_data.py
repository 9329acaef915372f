"""A person's data: the export (``/mentor my data``), a trainee's learning plan
(``/mentor plan``) and erasure (``/mentor forget``), each read or changed in one unit of work
and handed back for the Web API calls that follow it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.documents import learning_plan_markdown, personal_data_markdown
from bot.errors import Refused
from bot.logging import get_logger
from bot.text import fmt, md, mention
from handlers.flows.leaving import tell_partners
from handlers.flows.programs import require_coordinator_of
from handlers.flows.slack import local_date, notify
from storage.audit import record_audit
from storage.db import unit_of_work
from storage.erasure import erase_person
from storage.models import MentorRequest, Pairing, Person, ProgramMember
from storage.personal_data import learning_plan, personal_data
from storage.programs import is_coordinator_of

log = get_logger("mentorbot.personal_data")

FileUpload = dict[str, Any]


def _namer(session: Session, ids: set[str]) -> dict[str, str]:
    """Display names of ``ids`` as last seen in Slack, for the readable documents."""
    if not ids:
        return {}
    return {
        p.user_id: p.display_name
        for p in session.scalars(select(Person).where(Person.user_id.in_(sorted(ids))))
        if p.display_name
    }


def _user_ids(value: Any) -> set[str]:
    """Every user id the document names (mentors, partners, assignees)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("user_id", "trainee", "mentor", "mentee", "partner", "assignee"):
                if isinstance(item, str):
                    found.add(item)
            else:
                found |= _user_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= _user_ids(item)
    return found


def _name(names: dict[str, str]) -> Callable[[str], str]:
    def name(user_id: str) -> str:
        return f"{names[user_id]} ({user_id})" if user_id in names else user_id

    return name


def export_files(ctx: AppContext, user_id: str) -> list[FileUpload]:
    """The JSON and Markdown files of everything held about ``user_id``."""
    with unit_of_work(ctx.sessions) as session:
        data = personal_data(session, user_id)
        names = _namer(session, _user_ids(data))
    made_on = local_date(ctx.now(), None, ctx.settings).isoformat()
    return [
        {
            "filename": "my-mentorbot-data.json",
            "title": "Your data (JSON)",
            "content": json.dumps(data, indent=2, ensure_ascii=False).encode(),
        },
        {
            "filename": "my-mentorbot-data.md",
            "title": "Your data",
            "content": personal_data_markdown(data, _name(names), made_on).encode(),
        },
    ]


def plan_file(ctx: AppContext, user_id: str, other_id: str | None) -> tuple[str, FileUpload]:
    """(trainee, the Markdown learning plan) for ``user_id``: their own (every mentorship in
    which they are mentored, or only the one with ``other_id``, their mentor), or, for a mentor,
    their mentee ``other_id``'s for the mentorships the two share."""
    with unit_of_work(ctx.sessions) as session:
        if other_id is None:
            trainee, mentor = user_id, None
        else:
            mentors_them = session.scalar(
                select(Pairing.id).where(
                    Pairing.mentor_id == user_id, Pairing.mentee_id == other_id
                )
            )
            trainee, mentor = (other_id, user_id) if mentors_them else (user_id, other_id)
        query = select(Pairing.id).where(Pairing.mentee_id == trainee)
        if mentor is not None:
            query = query.where(Pairing.mentor_id == mentor)
        pairing_ids = list(session.scalars(query))
        if not pairing_ids:
            if other_id is None:
                raise Refused(
                    md(
                        "You have no mentorship as a trainee yet, so there's no plan to make. "
                        "Mentors: name your mentee, as in `/mentor plan @person`."
                    ),
                    reason="bad_input",
                )
            raise Refused(
                fmt(
                    "You and {other} don't share a mentorship, so I can't make that plan.",
                    other=mention(other_id),
                ),
                reason="forbidden",
            )
        plan = learning_plan(session, trainee, pairing_ids)
        names = _namer(session, _user_ids(plan))
    made_on = local_date(ctx.now(), None, ctx.settings).isoformat()
    return trainee, {
        "filename": "learning-plan.md",
        "title": "Individual learning plan",
        "content": learning_plan_markdown(plan, _name(names), made_on).encode(),
    }


@dataclass(frozen=True)
class ForgetTarget:
    """Whom an erasure is for, and, when a coordinator asks, in which program."""

    user_id: str
    program_id: int | None
    program_name: str | None


def _in_program(session: Session, program_id: int, user_id: str) -> bool:
    """Whether ``user_id`` belongs to the program: a member, or in one of its requests or pairs."""
    return bool(
        session.scalar(
            select(ProgramMember.id).where(
                ProgramMember.program_id == program_id, ProgramMember.user_id == user_id
            )
        )
        or session.scalar(
            select(Pairing.id).where(
                Pairing.program_id == program_id,
                or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id),
            )
        )
        or session.scalar(
            select(MentorRequest.id).where(
                MentorRequest.program_id == program_id,
                or_(MentorRequest.mentee_id == user_id, MentorRequest.mentor_id == user_id),
            )
        )
    )


def _programs_of(session: Session, user_id: str) -> set[int]:
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


def check_forget(session: Session, ctx: AppContext, actor: str, target: ForgetTarget) -> None:
    """Refuse unless ``actor`` erases themselves, or coordinates the program ``target`` is in
    and every other program they take part in: an erasure ends their mentorships everywhere,
    and a coordinator changes nothing of a program they don't coordinate (re-checked on
    submission: the modal's metadata could be forged)."""
    if target.user_id == actor:
        return
    if target.program_id is None:
        raise Refused(md("Only you can ask me to forget you."), reason="forbidden")
    program = require_coordinator_of(session, ctx.settings, target.program_id, actor)
    if not _in_program(session, program.id, target.user_id):
        raise Refused(
            fmt(
                "{person} isn't in {program}, so I left their data alone.",
                person=mention(target.user_id),
                program=program.name,
            ),
            reason="forbidden",
        )
    others = [
        program_id
        for program_id in _programs_of(session, target.user_id)
        if not is_coordinator_of(session, ctx.settings, program_id, actor)
    ]
    if others:
        log.warning("person.forget.other_programs", user=actor, programs=len(others))
        raise Refused(
            fmt(
                "{person} also takes part in a program you don't coordinate, and erasing them "
                "would change it too. They can ask with `/mentor forget me`, or a coordinator "
                "of each of their programs can.",
                person=mention(target.user_id),
            ),
            reason="forbidden",
        )


def forget(ctx: AppContext, client: WebClient, actor: str, target: ForgetTarget) -> str:
    """Erase ``target`` (checked again here), then tell the partners and the person acting.
    Returns the pseudonym that now stands for them."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        check_forget(session, ctx, actor, target)
        if target.user_id != actor:
            # Recorded before the id is replaced, so the entry names the pseudonym too.
            record_audit(
                session,
                program_id=target.program_id,
                actor=actor,
                action="forget",
                subject=target.user_id,
                now=now,
            )
        departure, stand_in = erase_person(
            session, target.user_id, key=ctx.settings.pseudonym_key(), by=actor, now=now
        )
    log.info("person.erased", by_self=target.user_id == actor, pairings=len(departure.pairings))
    tell_partners(ctx, client, departure, erased=True)
    if target.user_id == actor:
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
                "Done: that person's data is erased and their mentorships have ended. "
                "It is recorded in your program's audit log."
            ),
        )
    return stand_in
