"""App Home: published when opened, once per event even when Slack retries it."""

from __future__ import annotations

from handlers import ids
from tests.conftest import MENTEE
from tests.harness import Harness


def _home_opened(user: str) -> dict[str, object]:
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME0001", "tab": "home"}


def test_opening_home_publishes_a_welcome(harness: Harness) -> None:
    response = harness.event(_home_opened(MENTEE), event_id="Ev0HOME001")
    assert response.status == 200
    published = harness.fake.calls_to("views.publish")
    assert len(published) == 1
    assert published[0].args["user_id"] == MENTEE
    view = published[0].args["view"]
    assert view["type"] == "home"
    assert ids.HOME_ASK_OPEN in str(view["blocks"])


def test_a_retried_event_is_handled_once(harness: Harness) -> None:
    harness.event(_home_opened(MENTEE), event_id="Ev0HOME002")
    harness.event(_home_opened(MENTEE), event_id="Ev0HOME002", retry_num=1)
    assert len(harness.fake.calls_to("views.publish")) == 1


def test_the_messages_tab_is_not_answered(harness: Harness) -> None:
    event = {**_home_opened(MENTEE), "tab": "messages"}
    harness.event(event, event_id="Ev0HOME003")
    assert harness.fake.calls_to("views.publish") == []
