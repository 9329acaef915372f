"""The coordinators' audit log: recording an action, and reading one program's entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEntry


def record_audit(
    session: Session,
    *,
    program_id: int | None,
    actor: str,
    action: str,
    now: datetime,
    subject: str | None = None,
    detail: str = "",
) -> int:
    """Keep that ``actor`` did ``action`` (to ``subject``) in ``program_id``, at ``now``;
    returns the entry's id."""
    entry = AuditEntry(
        program_id=program_id,
        actor=actor,
        action=action,
        subject=subject,
        detail=detail,
        at=now,
    )
    session.add(entry)
    session.flush()
    return entry.id


def audit_entry(session: Session, entry_id: int) -> AuditEntry | None:
    return session.get(AuditEntry, entry_id)


def audit_of(session: Session, program_id: int) -> Sequence[AuditEntry]:
    """``program_id``'s entries, oldest first: nothing of any other program."""
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.program_id == program_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
