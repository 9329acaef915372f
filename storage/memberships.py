"""Program administration in storage: member counts, a program's coordinators replaced as a set,
and the programs a Slack channel or user group keeps in step."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.programs import Role, Source
from storage.leaving import take_out_of_program
from storage.models import Program, ProgramMember
from storage.programs import add_members


def member_counts(session: Session, program_ids: Collection[int]) -> dict[int, int]:
    """How many members (in the member role) each program has."""
    if not program_ids:
        return {}
    rows = session.execute(
        select(ProgramMember.program_id, func.count(ProgramMember.id))
        .where(ProgramMember.program_id.in_(list(program_ids)), ProgramMember.role == Role.MEMBER)
        .group_by(ProgramMember.program_id)
    )
    return {int(program_id): int(count) for program_id, count in rows}


def is_member(session: Session, program_id: int, user_id: str) -> bool:
    return (
        session.scalar(
            select(ProgramMember.id).where(
                ProgramMember.program_id == program_id,
                ProgramMember.user_id == user_id,
                ProgramMember.role == Role.MEMBER,
            )
        )
        is not None
    )


def set_coordinators(
    session: Session, program_id: int, user_ids: Iterable[str], *, now: datetime, by: str
) -> None:
    """Make exactly ``user_ids`` the program's coordinators (as stored: the installation's
    ``COORDINATORS`` are never stored)."""
    wanted = list(dict.fromkeys(user_ids))
    session.execute(
        delete(ProgramMember).where(
            ProgramMember.program_id == program_id,
            ProgramMember.role == Role.COORDINATOR,
            ProgramMember.user_id.not_in(wanted) if wanted else ProgramMember.id.is_not(None),
        )
    )
    add_members(
        session, program_id, wanted, role=Role.COORDINATOR, source=Source.ADDED, now=now, by=by
    )


def programs_linked_to_channel(session: Session, channel_id: str) -> list[int]:
    return list(session.scalars(select(Program.id).where(Program.member_channel == channel_id)))


def programs_linked_to_usergroup(session: Session, usergroup_id: str) -> list[int]:
    return list(session.scalars(select(Program.id).where(Program.member_usergroup == usergroup_id)))


def match_linked_members(
    session: Session,
    program_id: int,
    user_ids: Iterable[str],
    *,
    source: str,
    now: datetime,
) -> tuple[list[str], int]:
    """Make the members who came in through ``source`` (a channel or user group) exactly
    ``user_ids``: add who is missing, take out who came that way and is no longer there.
    Members who came in another way stay. Returns (added, removed count)."""
    wanted = list(dict.fromkeys(user_ids))
    present = set(
        session.scalars(
            select(ProgramMember.user_id).where(
                ProgramMember.program_id == program_id,
                ProgramMember.role == Role.MEMBER,
                ProgramMember.source == source,
            )
        )
    )
    gone = present - set(wanted)
    removed = take_out_of_program(session, program_id, gone, now, source=source)
    added = add_members(session, program_id, wanted, source=source, now=now)
    return added, removed
