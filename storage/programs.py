"""Programs and their members: finding a program, its settings in force, who belongs to it and
who coordinates it, and keeping memberships."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, delete, select
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.programs import ProgramConfig, ProgramValues, Role, name_key, resolve_config
from bot.settings import Settings
from bot.text import fmt
from storage.db import rows_affected
from storage.models import Person, Program, ProgramMember
from storage.upsert import get_or_insert, insert_new


def get_program(session: Session, program_id: int) -> Program | None:
    return session.get(Program, program_id)


def default_program(session: Session) -> Program:
    """The program every installation has (made by the migration from the settings)."""
    return session.scalars(select(Program).where(Program.is_default.is_(True))).one()


def default_program_id(connection: Session | Connection) -> int:
    """The default program's id, read on a session or a bare connection (bulk seeding)."""
    found = connection.execute(select(Program.id).where(Program.is_default.is_(True))).scalar_one()
    return int(found)


def all_programs(session: Session) -> list[Program]:
    """Every program, the default first, then by name."""
    found = session.scalars(select(Program)).all()
    return sorted(found, key=lambda p: (not p.is_default, p.name_key))


def program_named(session: Session, name: str) -> Program | None:
    return session.scalar(select(Program).where(Program.name_key == name_key(name)))


def values_of(program: Program) -> ProgramValues:
    def labels(value: list[str] | None) -> tuple[str, ...] | None:
        return tuple(value) if value else None

    return ProgramValues(
        digest_channel=program.digest_channel,
        focus_areas=labels(program.focus_areas),
        competencies=labels(program.competencies),
        specialties=labels(program.specialties),
        default_cadence=program.default_cadence,
        reassess_every_weeks=program.reassess_every_weeks,
        request_reminder_days=program.request_reminder_days,
        request_expiry_days=program.request_expiry_days,
        digest_weekday=program.digest_weekday,
        digest_time=program.digest_time,
        timezone=program.timezone,
        mentor_within_days=program.mentor_within_days,
        mentor_by=program.mentor_by,
    )


def _coordinators(session: Session, program_ids: Collection[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if not program_ids:
        return found
    rows = session.execute(
        select(ProgramMember.program_id, ProgramMember.user_id).where(
            ProgramMember.program_id.in_(list(program_ids)),
            ProgramMember.role == Role.COORDINATOR,
        )
    )
    for program_id, user_id in rows:
        found[program_id].add(user_id)
    return found


def _config(program: Program, coordinators: Iterable[str], settings: Settings) -> ProgramConfig:
    return resolve_config(
        program_id=program.id,
        name=program.name,
        is_default=program.is_default,
        open_to_join=program.open_to_join,
        values=values_of(program),
        coordinators=coordinators,
        settings=settings,
        member_usergroup=program.member_usergroup,
        member_channel=program.member_channel,
    )


def configs_of(
    session: Session, settings: Settings, programs: Sequence[Program]
) -> list[ProgramConfig]:
    """The settings in force of these programs, with one read for all their coordinators."""
    coordinators = _coordinators(session, [p.id for p in programs])
    return [_config(p, coordinators.get(p.id, ()), settings) for p in programs]


def program_config(session: Session, settings: Settings, program_id: int) -> ProgramConfig:
    program = get_program(session, program_id)
    if program is None:
        raise LookupError(f"no program {program_id}")
    return configs_of(session, settings, [program])[0]


def all_configs(session: Session, settings: Settings) -> list[ProgramConfig]:
    return configs_of(session, settings, all_programs(session))


def programs_of(
    session: Session,
    settings: Settings,
    user_id: str,
    among: Sequence[Program] | None = None,
) -> list[ProgramConfig]:
    """The programs ``user_id`` belongs to in any role, the default first: their membership
    rows. Someone the app has never met (no people row yet) is in the default program, where
    their first use places them; the installation's coordinators always coordinate it.
    ``among`` is every program, when the caller has read them already."""
    # The person first: their row and their default membership are committed together, so a
    # person read here has memberships the next statement sees (the other order could read
    # "no memberships" just before both appear, and then "met", and place them nowhere).
    unmet = session.get(Person, user_id) is None
    ids = set(
        session.scalars(
            select(ProgramMember.program_id).where(ProgramMember.user_id == user_id).distinct()
        )
    )
    programs = all_programs(session) if among is None else among
    if (unmet and not ids) or user_id in settings.coordinators:
        ids.update(p.id for p in programs if p.is_default)
    return configs_of(session, settings, [p for p in programs if p.id in ids])


def members_among(
    session: Session, program: Program | ProgramConfig, user_ids: Iterable[str]
) -> set[str]:
    """Who of ``user_ids`` may be paired in ``program``: its members (any role), and in the
    default program also anyone the app has never met (their first use makes them members).
    The one rule for asking, assigning, reassigning and matching rounds."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return set()
    # People first, memberships after (as in :func:`programs_of`): someone met between the two
    # reads has both rows by the second.
    met = (
        set(session.scalars(select(Person.user_id).where(Person.user_id.in_(wanted))))
        if program.is_default
        else set()
    )
    found = set(
        session.scalars(
            select(ProgramMember.user_id).where(
                ProgramMember.program_id == program.id, ProgramMember.user_id.in_(wanted)
            )
        )
    )
    if program.is_default:
        found |= set(wanted) - met
    return found


def coordinated_by(session: Session, settings: Settings, user_id: str) -> list[ProgramConfig]:
    """The programs ``user_id`` coordinates, the default first: an installation admin every
    program (they make programs and name their coordinators)."""
    if settings.is_admin(user_id):
        configs = all_configs(session, settings)
        return sorted(configs, key=lambda c: (not c.is_default, c.id))
    return [c for c in programs_of(session, settings, user_id) if c.is_coordinator(user_id)]


def is_coordinator_of(session: Session, settings: Settings, program_id: int, user_id: str) -> bool:
    """Whether ``user_id`` may act as coordinator of the program: one of its coordinators, or
    an installation admin."""
    program = get_program(session, program_id)
    if program is None:
        return False
    if settings.is_admin(user_id) or (program.is_default and user_id in settings.coordinators):
        return True
    return (
        session.scalar(
            select(ProgramMember.id).where(
                ProgramMember.program_id == program_id,
                ProgramMember.user_id == user_id,
                ProgramMember.role == Role.COORDINATOR,
            )
        )
        is not None
    )


def members_of(session: Session, program_id: int, role: str = Role.MEMBER) -> list[ProgramMember]:
    return list(
        session.scalars(
            select(ProgramMember)
            .where(ProgramMember.program_id == program_id, ProgramMember.role == role)
            .order_by(ProgramMember.added_at, ProgramMember.id)
        )
    )


def member_ids(session: Session, program_id: int, role: str = Role.MEMBER) -> set[str]:
    return set(
        session.scalars(
            select(ProgramMember.user_id).where(
                ProgramMember.program_id == program_id, ProgramMember.role == role
            )
        )
    )


def add_members(
    session: Session,
    program_id: int,
    user_ids: Iterable[str],
    *,
    role: str = Role.MEMBER,
    source: str,
    now: datetime,
    by: str | None = None,
) -> list[str]:
    """Add whoever of ``user_ids`` isn't in the program in ``role`` yet; returns who was added."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    added = insert_new(
        session,
        ProgramMember,
        [
            {
                "program_id": program_id,
                "user_id": user_id,
                "role": role,
                "source": source,
                "added_at": now,
                "added_by": by,
            }
            for user_id in wanted
        ],
        key=[ProgramMember.program_id, ProgramMember.user_id, ProgramMember.role],
        returning=ProgramMember.user_id,
    )
    # In the order asked for, whatever order the database returned them in.
    new = set(added)
    return [user_id for user_id in wanted if user_id in new]


def remove_members(
    session: Session,
    program_id: int,
    user_ids: Iterable[str],
    *,
    role: str = Role.MEMBER,
    source: str | None = None,
) -> int:
    """Take these people out of the program in ``role``; with ``source``, only those who came
    in that way (leaving a linked channel doesn't undo being added by hand)."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return 0
    query = delete(ProgramMember).where(
        ProgramMember.program_id == program_id,
        ProgramMember.role == role,
        ProgramMember.user_id.in_(wanted),
    )
    if source is not None:
        query = query.where(ProgramMember.source == source)
    removed = rows_affected(session.execute(query))
    if role == Role.MEMBER and removed:
        # A declared trainee is one only while a member.
        still = select(ProgramMember.user_id).where(
            ProgramMember.program_id == program_id, ProgramMember.role == Role.MEMBER
        )
        session.execute(
            delete(ProgramMember).where(
                ProgramMember.program_id == program_id,
                ProgramMember.role == Role.TRAINEE,
                ProgramMember.user_id.in_(wanted),
                ProgramMember.user_id.not_in(still),
            )
        )
    return removed


def create_program(
    session: Session,
    *,
    name: str,
    values: ProgramValues,
    open_to_join: bool,
    now: datetime,
    by: str | None,
) -> Program:
    """A new program; a name already taken (in any case) is refused."""
    clean = " ".join(name.split())
    program, created = get_or_insert(
        session,
        Program,
        {
            "name": clean,
            "name_key": name_key(clean),
            "is_default": False,
            "open_to_join": open_to_join,
            "created_at": now,
            "created_by": by,
        },
        key=[Program.name_key],
    )
    if not created:
        # Taken already, or by another coordinator at the same moment.
        raise Refused(
            fmt("There is already a program called {name}. Please pick another name.", name=clean),
            reason="bad_input",
        )
    apply_values(program, values, now)
    session.flush()
    return program


def rename_program(session: Session, program: Program, name: str) -> None:
    clean = " ".join(name.split())
    taken = program_named(session, clean)
    if taken is not None and taken.id != program.id:
        raise Refused(
            fmt("There is already a program called {name}. Please pick another name.", name=clean),
            reason="bad_input",
        )
    program.name = clean
    program.name_key = name_key(clean)


# How often the tick looks at the trainees of a program with required mentorship: a reminder
# goes within this of its moment (then waits for the trainee's working hours).
LOOK_EVERY = timedelta(hours=1)


def next_look(program: Program, now: datetime) -> datetime | None:
    """When the tick next looks at the program's trainees: in ``LOOK_EVERY`` while it has a
    rule, never without one."""
    if program.mentor_within_days is None and program.mentor_by is None:
        return None
    return now + LOOK_EVERY


def apply_values(program: Program, values: ProgramValues, now: datetime) -> None:
    def listed(labels: tuple[str, ...] | None) -> list[str] | None:
        return list(labels) if labels else None

    program.digest_channel = values.digest_channel
    program.focus_areas = listed(values.focus_areas)
    program.competencies = listed(values.competencies)
    program.specialties = listed(values.specialties)
    program.default_cadence = values.default_cadence
    program.reassess_every_weeks = values.reassess_every_weeks
    program.request_reminder_days = values.request_reminder_days
    program.request_expiry_days = values.request_expiry_days
    program.digest_weekday = values.digest_weekday
    program.digest_time = values.digest_time
    program.timezone = values.timezone
    program.mentor_within_days = values.mentor_within_days
    program.mentor_by = values.mentor_by if values.mentor_within_days is None else None
    # A rule set or changed is looked at by the next tick.
    program.required_next_at = now if next_look(program, now) is not None else None


def due_required_look_clause(now: datetime) -> ColumnElement[bool]:
    """Programs with a rule whose next look at their trainees has come (their index's range up
    to ``now``)."""
    return Program.required_next_at <= now
