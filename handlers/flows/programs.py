"""Which program an action belongs to: named with ``in <program>``, inferred when only one
fits, or a question when several do; and the coordinator check for one program."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.logging import get_logger
from bot.programs import ProgramConfig, name_key
from bot.settings import Settings
from bot.text import Mrkdwn, fmt, md, md_join
from storage.programs import coordinated_by, is_coordinator_of, program_config, programs_of

log = get_logger("mentorbot.programs")

NOT_A_COORDINATOR = md(
    "That's for program coordinators. If you think you should have access, "
    "please ask your program director."
)


@dataclass(frozen=True)
class ProgramChoice:
    """The program an action is for, or the programs to choose from when several fit."""

    program: ProgramConfig | None
    options: tuple[ProgramConfig, ...]

    @property
    def settled(self) -> bool:
        return self.program is not None


def _named(options: Sequence[ProgramConfig], hint: str) -> ProgramConfig | None:
    key = name_key(hint)
    return next((p for p in options if name_key(p.name) == key), None)


def program_names(options: Sequence[ProgramConfig]) -> Mrkdwn:
    return md_join(", ", [fmt("*{name}*", name=p.name) for p in options])


def which_program(options: Sequence[ProgramConfig]) -> Refused:
    """The refusal that asks which program a typed command is for."""
    return Refused(
        fmt(
            "You're in more than one program ({names}). Say which one by adding "
            "`in &lt;program&gt;`, for example `in {example}`.",
            names=program_names(options),
            example=options[0].name,
        ),
        reason="bad_input",
    )


def _choose(
    options: tuple[ProgramConfig, ...], hint: str | None, not_named: Callable[[], Refused]
) -> ProgramChoice:
    """The program named by ``hint`` among ``options`` (``not_named`` refuses any other), else
    the only option; otherwise the choice stays open."""
    if hint is not None:
        named = _named(options, hint)
        if named is None:
            raise not_named()
        return ProgramChoice(program=named, options=options)
    return ProgramChoice(program=options[0] if len(options) == 1 else None, options=options)


IN_NO_PROGRAM = md(
    "You're not in any program just now. `/mentor programs` lists the ones you can join, or "
    "ask a coordinator to add you."
)


def member_choice(
    session: Session, settings: Settings, user_id: str, hint: str | None
) -> ProgramChoice:
    """The program ``user_id`` acts in: the one named (it must be theirs), else their only one;
    otherwise the choice stays open among theirs. Someone in no program at all (they left the
    default one and joined none) is told how to join one."""
    options = tuple(programs_of(session, settings, user_id))
    if not options:
        raise Refused(IN_NO_PROGRAM, reason="bad_input")

    def not_theirs() -> Refused:
        return Refused(
            fmt(
                "You're not in {name}. Your programs: {names}.",
                name=hint or "",
                names=program_names(options),
            ),
            reason="bad_input",
        )

    return _choose(options, hint, not_theirs)


def coordinator_choice(
    session: Session, settings: Settings, user_id: str, hint: str | None
) -> ProgramChoice:
    """The program ``user_id`` coordinates here: the one named, else their only one; refused
    for someone who coordinates none (or not the one named)."""
    options = tuple(coordinated_by(session, settings, user_id))
    if not options:
        log.warning("programs.not_coordinator", user=user_id)
        raise Refused(NOT_A_COORDINATOR, reason="forbidden")

    def not_coordinated() -> Refused:
        log.warning("programs.not_coordinator_of", user=user_id)
        return Refused(
            fmt(
                "You don't coordinate {name}. The programs you coordinate: {names}.",
                name=hint or "",
                names=program_names(options),
            ),
            reason="forbidden",
        )

    return _choose(options, hint, not_coordinated)


def settled_program(choice: ProgramChoice) -> ProgramConfig:
    """The chosen program, or the refusal asking which one (for typed commands)."""
    if choice.program is None:
        raise which_program(choice.options)
    return choice.program


def require_coordinator_of(
    session: Session, settings: Settings, program_id: int, user_id: str
) -> ProgramConfig:
    """The program, when ``user_id`` coordinates it; a refusal that reveals nothing otherwise
    (a forged button naming another program's pair lands here)."""
    if not is_coordinator_of(session, settings, program_id, user_id):
        log.warning("programs.refused", user=user_id, program=program_id)
        raise Refused(NOT_A_COORDINATOR, reason="forbidden")
    return program_config(session, settings, program_id)
