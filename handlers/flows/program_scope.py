"""Which program an ask or an assignment is for: settled from ``in <program>``, the person's
only program or the only one whose focus areas hold the focus typed; otherwise a picker in the
modal. A program id coming back from a modal is checked again against who is acting."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.focus import FocusArea
from bot.logging import get_logger
from bot.programs import ProgramConfig
from bot.settings import Settings
from bot.text import fmt, md
from handlers import ids
from handlers.blocks.modals import FocusForm, InvalidSubmission, ProgramPick
from handlers.flows.programs import (
    ProgramChoice,
    coordinator_choice,
    member_choice,
    require_coordinator_of,
)
from handlers.flows.slack import program_focus_label
from storage.models import Program
from storage.programs import configs_of, coordinated_by, program_config, programs_of

log = get_logger("mentorbot.programs")

NOT_YOUR_PROGRAM = md("You're not in that program, so I didn't send anything.")
CHOOSE_A_PROGRAM = "Please choose a program."


@dataclass(frozen=True)
class Scope:
    """The program settled on, or the programs to offer in a picker (and which to show first)."""

    program: ProgramConfig | None
    options: tuple[ProgramConfig, ...]
    first: ProgramConfig

    @property
    def pick(self) -> ProgramPick | None:
        if self.program is not None:
            return None
        return ProgramPick(tuple((p.id, p.name) for p in self.options), self.first.id)

    def form(self, note: str, focus: FocusArea | None) -> FocusForm:
        """The ask or assign form for this scope: the program's focus areas (the first
        offered's while a picker asks), the focus and note typed."""
        return FocusForm(
            self.first.focus_areas,
            note,
            program_id=self.first.id,
            pick=self.pick,
            focus=focus.key if focus else None,
        )


def _keys(program: ProgramConfig) -> set[str]:
    return {a.key for a in program.focus_areas}


def _scope(choice: ProgramChoice, focus: FocusArea | None) -> Scope:
    if choice.program is not None:
        if focus is not None:
            require_focus_of(choice.program, focus)
        return Scope(choice.program, choice.options, choice.program)
    fits = [p for p in choice.options if focus is not None and focus.key in _keys(p)]
    if len(fits) == 1:
        # The focus typed belongs to only one of their programs: that one is meant.
        return Scope(fits[0], choice.options, fits[0])
    return Scope(None, choice.options, fits[0] if fits else choice.options[0])


def ask_scope(
    session: Session, settings: Settings, user_id: str, hint: str | None, focus: FocusArea | None
) -> Scope:
    return _scope(member_choice(session, settings, user_id, hint), focus)


ONLY_COORDINATORS_ASSIGN = md(
    "Only program coordinators can assign mentors. You can ask someone yourself with "
    "`/mentor ask @person`."
)


def assign_scope(
    session: Session, settings: Settings, user_id: str, hint: str | None, focus: FocusArea | None
) -> Scope:
    if not coordinated_by(session, settings, user_id):
        log.warning("programs.not_coordinator", user=user_id)
        raise Refused(ONLY_COORDINATORS_ASSIGN, reason="forbidden")
    return _scope(coordinator_choice(session, settings, user_id, hint), focus)


def require_focus_of(program: ProgramConfig, focus: FocusArea) -> None:
    """A kind refusal when ``focus`` is not one of ``program``'s focus areas, listing them."""
    if focus.key in _keys(program):
        return
    raise Refused(
        fmt(
            "*{focus}* isn't one of the focus areas in *{program}*. You can choose from: "
            "{areas}. Leave the focus out and I'll show you a form.",
            focus=focus.label,
            program=program.name,
            areas=", ".join(a.label for a in program.focus_areas),
        ),
        reason="bad_input",
    )


def member_program(
    session: Session, settings: Settings, user_id: str, program_id: int | None
) -> tuple[ProgramConfig, tuple[ProgramConfig, ...]]:
    """The program a modal came back with, if ``user_id`` is in it (and their programs); with
    no program in the modal, their only one (else the modal asks for one). A program of
    someone else's is refused."""
    options = tuple(programs_of(session, settings, user_id))
    if program_id is None:
        choice = member_choice(session, settings, user_id, None)
        if choice.program is None:
            raise InvalidSubmission({ids.PROGRAM_BLOCK: CHOOSE_A_PROGRAM})
        return choice.program, options
    program = next((p for p in options if p.id == program_id), None)
    if program is None:
        log.warning("programs.not_member_of", user=user_id, program=program_id)
        raise Refused(NOT_YOUR_PROGRAM, reason="forbidden")
    return program, options


def coordinated_program(
    session: Session, settings: Settings, user_id: str, program_id: int | None
) -> tuple[ProgramConfig, tuple[ProgramConfig, ...]]:
    """The program an assign modal came back with, if ``user_id`` coordinates it."""
    if not coordinated_by(session, settings, user_id):
        log.warning("programs.not_coordinator", user=user_id)
        raise Refused(ONLY_COORDINATORS_ASSIGN, reason="forbidden")
    choice = coordinator_choice(session, settings, user_id, None)
    if program_id is None:
        if choice.program is None:
            raise InvalidSubmission({ids.PROGRAM_BLOCK: CHOOSE_A_PROGRAM})
        return choice.program, choice.options
    return require_coordinator_of(session, settings, program_id, user_id), choice.options


def focus_label_in(session: Session, settings: Settings, program_id: int, key: str) -> str:
    """The label the program of a pairing or request gives its focus (stored as a slug)."""
    return program_focus_label(program_config(session, settings, program_id), key)


def program_configs(
    session: Session, settings: Settings, program_ids: Collection[int]
) -> dict[int, ProgramConfig]:
    """The settings in force of these programs, by id (one read for all their coordinators)."""
    programs = [p for p in (session.get(Program, i) for i in set(program_ids)) if p is not None]
    return {c.id: c for c in configs_of(session, settings, programs)}
