"""The installation's own state: whether Slack removed the app, so nothing more is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session

from storage.db import rows_affected
from storage.models import InstallationState
from storage.upsert import get_or_insert

_ROW = 1


def stop_sending(session: Session, because: str, now: datetime) -> bool:
    """Stop every send from now on; False when sending had already stopped (a second event)."""
    state, _ = get_or_insert(session, InstallationState, {"id": _ROW}, key=[InstallationState.id])
    if state.sending_stopped_at is not None:
        return False
    state.sending_stopped_at = now
    state.stopped_because = because
    session.flush()
    return True


def resume_sending(session: Session) -> bool:
    """Sending is allowed again (the app was installed anew); True when it had stopped. Read
    first: every command calls this, and an update would take SQLite's write lock each time."""
    if not session.scalar(sending_stopped_clause().select()):
        return False
    result = session.execute(
        update(InstallationState)
        .where(InstallationState.id == _ROW, InstallationState.sending_stopped_at.is_not(None))
        .values(sending_stopped_at=None, stopped_because=None)
    )
    return bool(rows_affected(result))


def sending_stopped_clause() -> ColumnElement[bool]:
    """True in SQL when sending has stopped: asked with the scheduler's other probes."""
    return exists().where(
        InstallationState.id == _ROW, InstallationState.sending_stopped_at.is_not(None)
    )


def sending_stopped(session: Session) -> bool:
    return bool(session.scalar(select(sending_stopped_clause())))
