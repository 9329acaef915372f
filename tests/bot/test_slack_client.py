"""The paced Web API client against the loopback Slack fake: one budget shared by every client
of the workspace (the scheduler's and each listener's), and a 429 pausing all of them."""

from __future__ import annotations

import threading
import time

import pytest
from slack_sdk.errors import SlackApiError

from bot.acks_first import ACKS_FIRST, answering
from bot.settings import Settings
from bot.slack_client import PacedWebClient, make_web_client
from tests.clock import VirtualTime
from tests.conftest import MENTEE, MENTOR, make_settings
from tests.harness import Harness
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def slack_settings(fake_slack: FakeSlack) -> Settings:
    return make_settings(slack_api_url=fake_slack.base_url)


def test_clients_of_one_workspace_share_one_pacer(slack_settings: Settings) -> None:
    assert make_web_client(slack_settings).pacer is make_web_client(slack_settings).pacer
    other = make_settings(slack_api_url=slack_settings.slack_api_url, slack_bot_token="xoxb-2")
    assert make_web_client(other).pacer is not make_web_client(slack_settings).pacer


def test_dms_to_one_person_go_a_second_apart_after_a_short_burst(
    slack_settings: Settings, fake_slack: FakeSlack, pacing_time: VirtualTime
) -> None:
    client = make_web_client(slack_settings)
    for n in range(5):
        client.chat_postMessage(channel=MENTEE, text=f"message {n}")
    assert len(fake_slack.messages(MENTEE)) == 5
    assert sum(pacing_time.slept) == pytest.approx(2.0)  # three at once, then one a second


def test_an_update_to_the_dm_waits_in_the_same_channel_queue(
    slack_settings: Settings, fake_slack: FakeSlack, pacing_time: VirtualTime
) -> None:
    client = make_web_client(slack_settings)
    posted = [client.chat_postMessage(channel=MENTOR, text=f"m{n}") for n in range(3)]
    client.chat_update(channel=posted[0]["channel"], ts=posted[0]["ts"], text="edited")
    assert sum(pacing_time.slept) == pytest.approx(1.0)


def test_users_info_keeps_to_its_tier(
    slack_settings: Settings, fake_slack: FakeSlack, pacing_time: VirtualTime
) -> None:
    client = make_web_client(slack_settings)
    for _ in range(25):
        client.users_info(user=MENTEE)
    assert len(fake_slack.calls_to("users.info")) == 25
    # Tier 4: a burst of 20, then 100 a minute (0.6 s apart).
    assert sum(pacing_time.slept) == pytest.approx(5 * 0.6)


def test_a_429_pauses_the_other_clients_of_the_workspace_too(
    slack_settings: Settings, fake_slack: FakeSlack, pacing_time: VirtualTime
) -> None:
    scheduler_client = make_web_client(slack_settings)
    listener_client = make_web_client(slack_settings)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7, times=None)
    with pytest.raises(SlackApiError) as raised:
        scheduler_client.chat_postMessage(channel=MENTEE, text="check-in")
    assert raised.value.response.status_code == 429
    assert pacing_time.slept == [7.0] * 5  # five retries, each after Retry-After
    fake_slack.clear_failures()
    pacing_time.slept.clear()
    # The last 429 still holds everyone sending messages, not only the client that got it.
    listener_client.chat_postMessage(channel=MENTOR, text="your request")
    assert pacing_time.slept == [7.0]
    pacing_time.slept.clear()
    listener_client.users_info(user=MENTOR)
    assert pacing_time.slept == []


def test_a_429_then_success_is_sent_once(
    slack_settings: Settings, fake_slack: FakeSlack, pacing_time: VirtualTime
) -> None:
    client = make_web_client(slack_settings)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=3, times=2)
    client.chat_postMessage(channel=MENTEE, text="hello")
    assert pacing_time.slept == [3.0, 3.0]
    assert len(fake_slack.messages(MENTEE)) == 1


def test_unpaced_clients_still_share_429_pauses(
    fake_slack: FakeSlack, pacing_time: VirtualTime
) -> None:
    settings = make_settings(slack_api_url=fake_slack.base_url, slack_pacing=False)
    client = make_web_client(settings)
    for n in range(5):
        client.chat_postMessage(channel=MENTEE, text=f"message {n}")
    assert pacing_time.slept == []
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=2)
    client.chat_postMessage(channel=MENTEE, text="again")
    assert pacing_time.slept == [2.0]


def test_listeners_send_through_the_workspace_pacer(
    harness: Harness, pacing_time: VirtualTime
) -> None:
    """Bolt gives each request its own WebClient; the one a listener gets is paced, and waits
    out a pause the scheduler's client ran into."""
    scheduler_client = make_web_client(harness.settings)
    scheduler_client.pacer.pause("chat.postMessage", 9)
    response = harness.command(f"ask <@{MENTOR}|bob> research My first protocol", user_id=MENTEE)
    assert response.status == 200
    assert len(harness.fake.messages(MENTOR)) == 1
    assert pacing_time.slept[0] == pytest.approx(9.0)
    assert isinstance(scheduler_client, PacedWebClient)


def test_a_listeners_later_work_holds_no_turn_while_slack_answers_and_takes_one_after(
    slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    """Between its Slack calls a listener's later work takes its turn (bot.acks_first); while
    it waits for Slack's answer another listener's work runs, and what follows the answer waits
    for that turn to end."""
    fake_slack.latency = 0.3
    client = make_web_client(slack_settings)
    steps: list[str] = []
    calling = threading.Event()

    def caller() -> None:
        with answering(lambda: False):
            ACKS_FIRST.give_way()
            calling.set()
            client.chat_postMessage(channel=MENTEE, text="hello")
            steps.append("caller after its call")

    def other() -> None:
        with answering(lambda: False):
            ACKS_FIRST.give_way()
            steps.append("other in")
            time.sleep(0.6)  # past the Slack answer: the caller waits for this turn
            steps.append("other out")

    first = threading.Thread(target=caller)
    first.start()
    assert calling.wait(5)
    time.sleep(0.1)  # the caller is waiting on Slack now
    second = threading.Thread(target=other)
    started = time.monotonic()
    second.start()
    first.join(10)
    second.join(10)
    assert steps == ["other in", "other out", "caller after its call"]
    assert time.monotonic() - started < 5
