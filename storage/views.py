"""The modals the app opened, and for whom: a payload's view id is the client's word, so a
view is updated only when the app opened it for the person acting."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from storage.models import OpenedView
from storage.upsert import insert_new

# A modal lives while it is open; Slack closes any after a day at most, so older rows serve
# nothing and are pruned.
VIEW_LIFETIME = timedelta(days=1)


def remember_opened_view(session: Session, view_id: str, user_id: str, now: datetime) -> None:
    insert_new(
        session,
        OpenedView,
        [{"view_id": view_id, "user_id": user_id, "opened_at": now}],
        key=[OpenedView.view_id],
    )


def opened_for(session: Session, view_id: str, user_id: str, now: datetime) -> bool:
    """Whether the app opened the view ``view_id`` for ``user_id`` within its lifetime."""
    found = session.scalar(
        select(OpenedView.view_id).where(
            OpenedView.view_id == view_id,
            OpenedView.user_id == user_id,
            OpenedView.opened_at >= now - VIEW_LIFETIME,
        )
    )
    return found is not None


def opened_before_clause(now: datetime) -> ColumnElement[bool]:
    """Records of modals opened longer ago than a modal lives."""
    return OpenedView.opened_at < now - VIEW_LIFETIME


def prune_opened_views(session: Session, now: datetime) -> int:
    result = session.execute(delete(OpenedView).where(opened_before_clause(now)))
    return int(getattr(result, "rowcount", 0) or 0)
