"""Finding which of someone's pairings a command means."""

from __future__ import annotations

from dataclasses import dataclass

from bot.communication import Communication
from bot.context import AppContext
from handlers.flows.rhythm import current_communication
from handlers.flows.slack import focus_label
from storage.db import unit_of_work
from storage.pairings import get_pairing, is_open, open_pairings_of, other_member, require_member


@dataclass(frozen=True)
class PairingChoice:
    pairing_id: int
    other_id: str
    focus_label: str
    communication: Communication | None


def open_pairing_choices(
    ctx: AppContext, user_id: str, other_id: str | None
) -> list[PairingChoice]:
    """The caller's open pairings, or only those with ``other_id``."""
    with unit_of_work(ctx.sessions) as session:
        return [
            PairingChoice(
                p.id,
                other_member(p, user_id),
                focus_label(ctx.settings, p.focus),
                current_communication(p),
            )
            for p in open_pairings_of(session, user_id)
            if other_id is None or other_member(p, user_id) == other_id
        ]


def member_choice(ctx: AppContext, pairing_id: int, user_id: str) -> PairingChoice | None:
    """The pairing as ``user_id`` sees it; a refusal if they aren't in it, None if it ended."""
    with unit_of_work(ctx.sessions) as session:
        pairing = require_member(get_pairing(session, pairing_id), user_id)
        if not is_open(pairing):
            return None
        return PairingChoice(
            pairing.id,
            other_member(pairing, user_id),
            focus_label(ctx.settings, pairing.focus),
            current_communication(pairing),
        )
