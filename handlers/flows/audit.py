"""The coordinators' audit log: recording an action where no unit of work is open, and
``/mentor report audit``'s CSV of one program's entries (its coordinators only)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC

from bot.context import AppContext
from bot.spreadsheet import safe_cell
from bot.text import is_pseudonym
from handlers.flows.programs import coordinator_choice, settled_program
from storage.audit import audit_of, record_audit
from storage.db import unit_of_work
from storage.models import AuditEntry
from storage.programs import default_program_id

AUDIT_COLUMNS = ("at_utc", "actor", "action", "subject", "detail")


def actor_label(actor: str) -> str:
    """Who acted, as the log shows it: a coordinator who has since been erased is "a former
    coordinator", under the one pseudonym that stands for them in every program."""
    return f"a former coordinator ({actor})" if is_pseudonym(actor) else actor


def build_audit_csv(entries: Sequence[AuditEntry]) -> bytes:
    """One row per entry, oldest first; every cell safe from spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AUDIT_COLUMNS)
    for entry in entries:
        writer.writerow(
            (
                entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                safe_cell(actor_label(entry.actor)),
                safe_cell(entry.action),
                safe_cell(entry.subject or ""),
                safe_cell(entry.detail),
            )
        )
    return out.getvalue().encode()


def audit_csv(ctx: AppContext, user_id: str, hint: str | None) -> tuple[str, bytes]:
    """(program name, CSV) of the audit log of the program ``user_id`` coordinates (named by
    ``hint`` when they coordinate several); the download itself is recorded first, so the file
    shows it."""
    with unit_of_work(ctx.sessions) as session:
        program = settled_program(coordinator_choice(session, ctx.settings, user_id, hint))
        record_audit(
            session, program_id=program.id, actor=user_id, action="report.audit", now=ctx.now()
        )
        session.flush()
        return program.name, build_audit_csv(audit_of(session, program.id))


def audit_action(
    ctx: AppContext, *, program_id: int | None, actor: str, action: str, subject: str | None = None
) -> None:
    """:func:`storage.audit.record_audit` in a unit of work of its own, for an action taken
    where none is open (never around a Web API call). An action over the whole installation
    (``program_id`` None) is the default program's."""
    with unit_of_work(ctx.sessions) as session:
        if program_id is None:
            program_id = default_program_id(session)
        record_audit(
            session,
            program_id=program_id,
            actor=actor,
            action=action,
            subject=subject,
            now=ctx.now(),
        )
