"""Finding which of someone's pairings a command means."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.communication import Communication
from bot.context import AppContext
from bot.programs import ProgramConfig
from bot.settings import Settings
from handlers.flows.program_scope import program_configs
from handlers.flows.rhythm import current_communication
from handlers.flows.slack import program_focus_label
from storage.db import unit_of_work
from storage.models import Pairing
from storage.pairings import get_pairing, is_open, open_pairings_of, other_member, require_member
from storage.programs import programs_of


@dataclass(frozen=True)
class PairingChoice:
    pairing_id: int
    other_id: str
    focus_label: str
    communication: Communication | None
    # The program's usual rhythm, offered first while the pair has agreed none.
    default_cadence: str | None = None
    # Named only for someone in several programs, where two pairings may share person and focus.
    program_name: str | None = None

    @property
    def label(self) -> str:
        """How a chooser names this pairing: its focus, and its program when that tells apart."""
        if self.program_name is None:
            return self.focus_label
        return f"{self.focus_label} · {self.program_name}"


def _choice(pairing: Pairing, user_id: str, program: ProgramConfig, several: bool) -> PairingChoice:
    return PairingChoice(
        pairing.id,
        other_member(pairing, user_id),
        program_focus_label(program, pairing.focus),
        current_communication(pairing),
        default_cadence=program.default_cadence,
        program_name=program.name if several else None,
    )


def _in_several(session: Session, settings: Settings, user_id: str) -> bool:
    return len(programs_of(session, settings, user_id)) > 1


def open_pairing_choices(
    ctx: AppContext, user_id: str, other_id: str | None
) -> list[PairingChoice]:
    """The caller's open pairings, or only those with ``other_id``."""
    with unit_of_work(ctx.sessions) as session:
        pairings = [
            p
            for p in open_pairings_of(session, user_id)
            if other_id is None or other_member(p, user_id) == other_id
        ]
        configs = program_configs(session, ctx.settings, {p.program_id for p in pairings})
        several = _in_several(session, ctx.settings, user_id)
        return [_choice(p, user_id, configs[p.program_id], several) for p in pairings]


def member_choice(ctx: AppContext, pairing_id: int, user_id: str) -> PairingChoice | None:
    """The pairing as ``user_id`` sees it; a refusal if they aren't in it, None if it ended."""
    with unit_of_work(ctx.sessions) as session:
        pairing = require_member(get_pairing(session, pairing_id), user_id)
        if not is_open(pairing):
            return None
        configs = program_configs(session, ctx.settings, [pairing.program_id])
        several = _in_several(session, ctx.settings, user_id)
        return _choice(pairing, user_id, configs[pairing.program_id], several)
