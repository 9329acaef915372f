"""Events already handled are recognised on Slack's retries, and forgotten after a week."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from storage.db import SessionFactory, unit_of_work
from storage.events import first_delivery, forget_events_before
from tests.clock import FrozenClock


def test_second_delivery_of_an_event_is_recognised(session: Session, clock: FrozenClock) -> None:
    assert first_delivery(session, "Ev0001", clock()) is True
    assert first_delivery(session, "Ev0001", clock()) is False
    assert first_delivery(session, "Ev0002", clock()) is True


def test_recognised_across_units_of_work(sessions: SessionFactory, clock: FrozenClock) -> None:
    with unit_of_work(sessions) as session:
        assert first_delivery(session, "Ev0003", clock())
    with unit_of_work(sessions) as session:
        assert not first_delivery(session, "Ev0003", clock())


def test_old_events_are_forgotten(session: Session, clock: FrozenClock) -> None:
    first_delivery(session, "EvOld", clock() - timedelta(days=8))
    first_delivery(session, "EvNew", clock())
    assert forget_events_before(session, clock() - timedelta(days=7)) == 1
    assert first_delivery(session, "EvOld", clock()) is True
    assert first_delivery(session, "EvNew", clock()) is False
