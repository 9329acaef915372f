"""An ack never waits behind other people's work: the units of work before a request's ack take
their database connection from a pool of their own (storage.db.Sessions), so a pool emptied by
slower work after other acks (writes waiting their turn, a busy tick) does not hold them up."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.acks_first import answering
from bot.settings import Settings
from storage.db import Sessions, answering_engine, create_db_engine
from tests.clock import FrozenClock
from tests.conftest import MENTEE
from tests.harness import running_harness
from tests.slack.fake_slack import FakeSlack


def test_sessions_before_an_ack_use_the_answering_engine(engine: Engine) -> None:
    second = answering_engine(engine)
    try:
        sessions = Sessions(engine, second)
        acked = False
        with answering(lambda: not acked):
            assert sessions().get_bind() is second
            acked = True
            assert sessions().get_bind() is engine
        assert sessions().get_bind() is engine  # the scheduler, scripts: no ack to wait for
    finally:
        second.dispose()


def test_a_command_is_answered_while_every_working_connection_is_taken(
    db_url: str, settings: Settings, fake_slack: FakeSlack, clock: FrozenClock
) -> None:
    engine = create_db_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=5)
    try:
        with running_harness(settings, engine, fake_slack, clock) as harness:
            held = engine.connect()  # the pool's only connection: busy elsewhere
            try:
                response = harness.command("help", user_id=MENTEE)
            finally:
                held.close()
            harness.wait_idle()
    finally:
        engine.dispose()
    assert response.status == 200
    assert "/mentor ask" in response.body  # its guide, not "nothing was saved"
