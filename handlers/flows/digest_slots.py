"""When each program's weekly digest may go: its moment, its dedupe key, and which are due now.
Light on purpose: the scheduler asks this every tick without loading the digest itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.programs import ProgramConfig, digest_slot, resolve_config
from bot.settings import Settings
from bot.tick import TickContext
from storage.db import unit_of_work
from storage.programs import all_programs, values_of

DIGEST = "digest"

# A digest missed by more than this (the bot was down, or was just installed) waits for the
# next week's slot instead of arriving on a random weekday.
DIGEST_GRACE = timedelta(hours=12)


def digest_key(slot: datetime, program: ProgramConfig) -> str:
    """The weekly digest's dedupe key. The default program keeps the key it had before there
    were programs, so an upgrade in the middle of a week never posts that week's digest again;
    every other program's key names it."""
    year, week, _ = slot.astimezone(program.zone).isocalendar()
    if program.is_default:
        return f"{DIGEST}/{year}-W{week:02d}"
    return f"{DIGEST}/program-{program.id}/{year}-W{week:02d}"


@dataclass(frozen=True)
class DigestSlot:
    program_id: int
    channel: str
    slot: datetime
    key: str


def _digest_schedules(session: Session, settings: Settings) -> list[ProgramConfig]:
    """Every program's digest settings in force, read in one statement. Coordinators play no
    part in when or where a digest goes, so they are not read here."""
    return [
        resolve_config(
            program_id=program.id,
            name=program.name,
            is_default=program.is_default,
            open_to_join=program.open_to_join,
            values=values_of(program),
            coordinators=(),
            settings=settings,
        )
        for program in all_programs(session)
    ]


def digests_to_post(tick: TickContext) -> list[DigestSlot]:
    """Each program's digest of this week that may be posted now: the program has a digest
    channel, and its moment (its weekday and time, in its zone) has come and not passed by
    more than ``DIGEST_GRACE`` (a new install, long downtime)."""
    with unit_of_work(tick.app.sessions) as session:
        programs = _digest_schedules(session, tick.app.settings)
    due = []
    for program in programs:
        if not program.digest_channel:
            continue
        slot = digest_slot(tick.now, program)
        if tick.now - slot > DIGEST_GRACE:
            continue
        due.append(DigestSlot(program.id, program.digest_channel, slot, digest_key(slot, program)))
    return due
