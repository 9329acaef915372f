"""A person's data: the export (``/mentor my data``), a trainee's learning plan
(``/mentor plan``) and erasure (``/mentor forget``), each read or changed in one unit of work
and handed back for the Web API calls that follow it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.documents import learning_plan_markdown, personal_data_markdown
from bot.errors import Refused
from bot.logging import get_logger
from bot.settings import Settings
from bot.text import fmt, md, mention
from handlers.flows.slack import local_date, program_focus_label
from storage.db import unit_of_work
from storage.models import Pairing, Person
from storage.personal_data import FocusLabel, learning_plan, personal_data
from storage.programs import all_configs

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


def _focus_labels(session: Session, settings: Settings) -> FocusLabel:
    """Each focus as its program words it; a profile's (no program) as the default program
    does."""
    configs = {c.id: c for c in all_configs(session, settings)}
    default = next((c for c in configs.values() if c.is_default), None)

    def label(program_id: int | None, key: str) -> str:
        program = configs.get(program_id) if program_id is not None else default
        if program is None:
            return key.replace("-", " ").capitalize()
        return program_focus_label(program, key)

    return label


def _name(names: dict[str, str]) -> Callable[[str], str]:
    def name(user_id: str) -> str:
        return f"{names[user_id]} ({user_id})" if user_id in names else user_id

    return name


def export_files(ctx: AppContext, user_id: str) -> list[FileUpload]:
    """The JSON and Markdown files of everything held about ``user_id``."""
    with unit_of_work(ctx.sessions) as session:
        data = personal_data(session, user_id, _focus_labels(session, ctx.settings))
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
        plan = learning_plan(session, trainee, pairing_ids, _focus_labels(session, ctx.settings))
        names = _namer(session, _user_ids(plan))
    made_on = local_date(ctx.now(), None, ctx.settings).isoformat()
    return trainee, {
        "filename": "learning-plan.md",
        "title": "Individual learning plan",
        "content": learning_plan_markdown(plan, _name(names), made_on).encode(),
    }
