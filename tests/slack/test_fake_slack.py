"""The loopback Slack fake, driven over HTTP by a real slack_sdk WebClient."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from tests.slack import payloads
from tests.slack.fake_slack import Call, FakeSlack

TOKEN = "xoxb-fake-slack-test"
ALICE = "U0MENTEE1"
BOB = "U0MENTOR1"
ROBOT = "U0BOTUSER"
GONE = "U0GONE001"
COORDINATORS = "C0COORDS1"
FIXTURES = Path(__file__).parent / "fixtures"

SECTION: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": "*Hello*"}}
MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "ask",
    "title": {"type": "plain_text", "text": "Ask a mentor"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "topic",
            "label": {"type": "plain_text", "text": "Topic"},
            "element": {"type": "plain_text_input", "action_id": "topic"},
        }
    ],
}
HOME: dict[str, Any] = {"type": "home", "blocks": [SECTION]}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as running:
        running.add_user(ALICE, "alice", real_name="Alice Resident", tz="America/New_York")
        running.add_user(BOB, "bob", real_name="Bob Surgeon", tz="America/Chicago")
        running.add_user(ROBOT, "otherbot", real_name="Other Bot", is_bot=True)
        running.add_user(GONE, "frank", real_name="Frank Former", deleted=True)
        running.add_channel(COORDINATORS, "mentorship-coordinators")
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url, timeout=5)


def fixture(method: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{method}.json").read_text())
    return data


def slack_error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(excinfo.value.response["error"])


def post_json(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"body": error.read().decode()}


# -- the workspace -------------------------------------------------------------------------------


def test_base_url_is_loopback_api(fake: FakeSlack) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/api/")


def test_auth_test_answers_like_the_recording(client: WebClient) -> None:
    assert client.auth_test().data == fixture("auth.test")


def test_users_info_has_the_recorded_shape(client: WebClient) -> None:
    user = client.users_info(user=ALICE)["user"]
    recorded = fixture("users.info")["user"]
    assert set(user) == set(recorded)
    assert set(user["profile"]) == set(recorded["profile"])
    assert (user["id"], user["name"], user["real_name"]) == (ALICE, "alice", "Alice Resident")
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert user["tz_label"].startswith("Eastern")
    assert user["profile"]["image_72"].startswith("https://")


def test_users_info_tells_bots_and_deactivated_accounts(client: WebClient) -> None:
    assert client.users_info(user=ROBOT)["user"]["is_bot"] is True
    assert client.users_info(user=GONE)["user"]["deleted"] is True
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U0NOBODY1")
    assert slack_error(excinfo) == "user_not_found"


def test_conversations_open_gives_the_dm_id(client: WebClient) -> None:
    first = client.conversations_open(users=[ALICE])
    assert first["channel"] == {"id": payloads.dm_channel_id(ALICE)}
    again = client.conversations_open(users=ALICE, return_im=True)
    assert again["already_open"] is True
    assert again["channel"]["user"] == ALICE
    group = client.conversations_open(users=[ALICE, BOB])
    assert group["channel"]["id"] == payloads.conversation_id_for([ALICE, BOB])


@pytest.mark.parametrize(
    ("user_id", "error"),
    [(ROBOT, "cannot_dm_bot"), (GONE, "user_disabled"), ("U0NOBODY1", "user_not_found")],
)
def test_conversations_open_refuses_who_cannot_be_messaged(
    client: WebClient, user_id: str, error: str
) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_open(users=[user_id])
    assert slack_error(excinfo) == error


def test_conversations_info(client: WebClient) -> None:
    channel = client.conversations_info(channel=COORDINATORS)["channel"]
    assert (channel["id"], channel["name"], channel["is_channel"]) == (
        COORDINATORS,
        "mentorship-coordinators",
        True,
    )
    assert set(channel) <= set(fixture("conversations.info")["channel"])
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_info(channel="C0UNKNOWN")
    assert slack_error(excinfo) == "channel_not_found"


# -- messages ------------------------------------------------------------------------------------


def test_a_post_to_a_user_id_lands_in_their_dm(fake: FakeSlack, client: WebClient) -> None:
    response = client.chat_postMessage(channel=ALICE, text="Hello", blocks=[SECTION])
    dm = payloads.dm_channel_id(ALICE)
    assert response["channel"] == dm
    assert set(response.data) == set(fixture("chat.postMessage"))
    assert response["message"]["blocks"] == [SECTION]
    [call] = fake.calls_to("chat.postMessage")
    assert (call.args["channel"], call.args["blocks"], call.token, call.ok) == (
        ALICE,
        [SECTION],
        TOKEN,
        True,
    )
    assert [m["ts"] for m in fake.messages(dm)] == [response["ts"]]
    assert fake.messages(ALICE) == fake.messages(dm)


def test_form_encoded_blocks_are_decoded(fake: FakeSlack, client: WebClient) -> None:
    params = {"channel": COORDINATORS, "text": "Hi", "blocks": json.dumps([SECTION])}
    client.api_call("chat.postMessage", params=params)
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == [SECTION]
    assert fake.messages(COORDINATORS)[0]["blocks"] == [SECTION]


def test_message_ts_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=BOB, text=str(n))["ts"] for n in range(3)]
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 3


def test_a_deactivated_users_dm_still_takes_messages(client: WebClient) -> None:
    # As on Slack (python-slack-sdk#1156): history stays, so posting succeeds.
    assert client.chat_postMessage(channel=GONE, text="Hi")["ok"] is True


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        (ROBOT, "cannot_dm_bot"),
        ("U0NOBODY1", "channel_not_found"),
        ("C0UNKNOWN", "channel_not_found"),
    ],
)
def test_posts_nobody_can_receive_are_refused(
    fake: FakeSlack, client: WebClient, channel: str, error: str
) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=channel, text="Hi")
    assert slack_error(excinfo) == error
    assert fake.calls_to("chat.postMessage")[0].error == error


@pytest.mark.parametrize(
    "blocks",
    [
        [{"text": {"type": "mrkdwn", "text": "no type"}}],
        [SECTION] * 51,
        [{**SECTION, "block_id": "a"}, {**SECTION, "block_id": "a"}],
        ["not a block"],
    ],
    ids=["missing-type", "too-many", "duplicate-block-id", "not-a-dict"],
)
def test_invalid_blocks_are_refused(fake: FakeSlack, client: WebClient, blocks: list[Any]) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=ALICE, text="Hi", blocks=blocks)
    assert slack_error(excinfo) == "invalid_blocks"
    assert excinfo.value.response["response_metadata"]["messages"]
    assert fake.messages(ALICE) == []


def test_a_message_needs_content_within_limits(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessage", json={"channel": ALICE})
    assert slack_error(excinfo) == "no_text"
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=ALICE, text="x" * 40_001)
    assert slack_error(excinfo) == "msg_too_long"


def test_update_and_delete_change_the_channel(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=ALICE, text="Before")
    channel, ts = posted["channel"], posted["ts"]
    updated = client.chat_update(channel=channel, ts=ts, text="After", blocks=[SECTION])
    assert set(updated.data) == set(fixture("chat.update"))
    [message] = fake.messages(channel)
    assert (message["ts"], message["text"], message["blocks"]) == (ts, "After", [SECTION])
    assert client.chat_delete(channel=channel, ts=ts).data == {
        "ok": True,
        "channel": channel,
        "ts": ts,
    }
    assert fake.messages(channel) == []
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel=channel, ts=ts, text="Again")
    assert slack_error(excinfo) == "message_not_found"


def test_post_ephemeral_and_permalink(client: WebClient) -> None:
    ephemeral = client.chat_postEphemeral(channel=COORDINATORS, user=ALICE, text="Only you")
    assert set(ephemeral.data) == set(fixture("chat.postEphemeral"))
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postEphemeral(channel=payloads.dm_channel_id(ALICE), user=BOB, text="Hi")
    assert slack_error(excinfo) == "user_not_in_channel"
    posted = client.chat_postMessage(channel=COORDINATORS, text="Hi")
    link = client.chat_getPermalink(channel=COORDINATORS, message_ts=posted["ts"])
    assert link["permalink"].endswith(f"/archives/{COORDINATORS}/p{posted['ts'].replace('.', '')}")


def test_reactions_add(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=COORDINATORS, text="Hi")
    assert client.reactions_add(channel=COORDINATORS, timestamp=posted["ts"], name="eyes").data == {
        "ok": True
    }
    assert fake.messages(COORDINATORS)[0]["reactions"][0]["name"] == "eyes"


# -- auth and failures ---------------------------------------------------------------------------


def test_a_wrong_token_is_refused_and_recorded(fake: FakeSlack) -> None:
    wrong = WebClient(token="xoxb-wrong", base_url=fake.base_url)
    with pytest.raises(SlackApiError) as excinfo:
        wrong.chat_postMessage(channel=ALICE, text="Hi")
    assert slack_error(excinfo) == "invalid_auth"
    assert fake.calls == [
        Call(
            "chat.postMessage", {"channel": ALICE, "text": "Hi"}, "xoxb-wrong", 200, "invalid_auth"
        )
    ]
    assert fake.messages(ALICE) == []


def test_a_missing_token_is_not_authed(fake: FakeSlack) -> None:
    anonymous = WebClient(base_url=fake.base_url)
    with pytest.raises(SlackApiError) as excinfo:
        anonymous.auth_test()
    assert slack_error(excinfo) == "not_authed"
    assert fake.calls_to("auth.test")[0].token is None


def test_a_token_form_field_is_accepted(fake: FakeSlack) -> None:
    url = f"{fake.base_url}users.info?user={ALICE}&token={TOKEN}"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers["Content-Type"].startswith("application/json")
        assert json.loads(response.read())["user"]["id"] == ALICE
    assert fake.calls_to("users.info")[0].args == {"user": ALICE}


def test_error_next_once(fake: FakeSlack, client: WebClient) -> None:
    fake.error_next("chat.postMessage", "account_inactive")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=ALICE, text="Hi")
    assert slack_error(excinfo) == "account_inactive"
    assert client.chat_postMessage(channel=ALICE, text="Hi")["ok"] is True
    assert [call.error for call in fake.calls_to("chat.postMessage")] == ["account_inactive", None]
    assert len(fake.messages(ALICE)) == 1


def test_error_next_forever_until_cleared(fake: FakeSlack, client: WebClient) -> None:
    fake.error_next("chat.postMessage", "internal_error", times=None)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel=ALICE, text="Hi")
    client.users_info(user=ALICE)  # other methods are untouched
    fake.clear_failures()
    assert client.chat_postMessage(channel=ALICE, text="Hi")["ok"] is True


def test_a_429_reaches_a_client_without_retries(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=ALICE, text="Hi")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "7"
    assert slack_error(excinfo) == "ratelimited"
    assert fake.calls_to("chat.postMessage")[0].status == 429


def test_a_429_is_ridden_out_by_the_rate_limit_handler(fake: FakeSlack, client: WebClient) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel=ALICE, text="Hi")["ok"] is True
    assert [call.status for call in fake.calls_to("chat.postMessage")] == [429, 200]
    assert len(fake.messages(ALICE)) == 1


def test_a_server_error_is_retried_by_the_server_error_handler(
    fake: FakeSlack, client: WebClient
) -> None:
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=1))
    fake.fail_next("users.info", status=503)
    assert client.users_info(user=ALICE)["ok"] is True
    assert [call.error for call in fake.calls_to("users.info")] == ["service_unavailable", None]


def test_an_unknown_method_is_refused_and_recorded(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("mentors.summon", params={"who": ALICE})
    assert excinfo.value.response.status_code == 200
    assert slack_error(excinfo) == "unknown_method"
    assert fake.calls_to("mentors.summon")[0].args == {"who": ALICE}


def test_json_without_a_charset_gets_slacks_warning(fake: FakeSlack) -> None:
    request = urllib.request.Request(
        f"{fake.base_url}auth.test",
        data=b"{}",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())
    assert body["warning"] == "missing_charset"
    assert body["response_metadata"] == {"warnings": ["missing_charset"]}


# -- waiting and recording -----------------------------------------------------------------------


def test_wait_for_returns_once_calls_arrive(fake: FakeSlack, client: WebClient) -> None:
    sender = threading.Thread(
        target=lambda: [client.chat_postMessage(channel=ALICE, text=str(n)) for n in range(2)]
    )
    sender.start()
    calls = fake.wait_for("chat.postMessage", count=2, timeout=5)
    sender.join()
    assert [call.args["text"] for call in calls] == ["0", "1"]


def test_wait_for_times_out_with_an_assertion(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"chat\.postMessage.*auth\.test"):
        fake.wait_for("chat.postMessage", timeout=0.05)


def test_reset_calls_keeps_state(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel=ALICE, text="Hi")
    fake.reset_calls()
    assert fake.calls == []
    assert len(fake.messages(ALICE)) == 1


def test_concurrent_posts_are_all_kept(fake: FakeSlack, client: WebClient) -> None:
    threads = [
        threading.Thread(target=client.chat_postMessage, kwargs={"channel": BOB, "text": str(n)})
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps = {message["ts"] for message in fake.messages(BOB)}
    assert len(stamps) == 8


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url = fake.response_url()
    assert url != fake.response_url()
    status, body = post_json(url, {"text": "Done", "response_type": "ephemeral"})
    assert (status, body) == (200, {"ok": True})
    assert fake.calls_to("response_url") == [
        Call("response_url", {"text": "Done", "response_type": "ephemeral"})
    ]


def test_an_unknown_response_url_is_not_found(fake: FakeSlack) -> None:
    status, body = post_json(f"{fake.root_url}/commands/T0/1/nope", {"text": "Done"})
    assert (status, body) == (404, {"body": "no_service"})
    assert fake.calls == []


# -- views ---------------------------------------------------------------------------------------


def test_views_open_then_update(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id=payloads.new_trigger_id(), view=MODAL)["view"]
    assert set(opened) == set(fixture("views.open")["view"])
    assert opened["id"].startswith("V")
    assert opened["root_view_id"] == opened["id"]
    assert fake.calls_to("views.open")[0].args["view"] == MODAL
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Ask again"}}
    updated = client.views_update(view_id=opened["id"], view=changed, hash=opened["hash"])["view"]
    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]
    assert fake.views[opened["id"]]["title"]["text"] == "Ask again"


def test_views_update_by_external_id_and_hash_conflicts(client: WebClient) -> None:
    view = {**MODAL, "external_id": "ask-1"}
    opened = client.views_open(trigger_id=payloads.new_trigger_id(), view=view)["view"]
    assert client.views_update(external_id="ask-1", view=view)["view"]["id"] == opened["id"]
    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id=opened["id"], view=view, hash=opened["hash"])
    assert slack_error(excinfo) == "hash_conflict"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id="V0MISSING", view=view)
    assert slack_error(excinfo) == "not_found"


@pytest.mark.parametrize(
    ("trigger_id", "error"),
    [("", "invalid_arguments"), ("not-a-trigger", "invalid_trigger_id")],
)
def test_views_open_needs_a_good_trigger(
    fake: FakeSlack, client: WebClient, trigger_id: str, error: str
) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("views.open", json={"trigger_id": trigger_id, "view": MODAL})
    assert slack_error(excinfo) == error
    assert fake.views == {}


def test_an_external_id_names_one_view(client: WebClient) -> None:
    view = {**MODAL, "external_id": "ask-1"}
    client.views_open(trigger_id=payloads.new_trigger_id(), view=view)
    trigger = payloads.new_trigger_id()
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=trigger, view=view)
    assert slack_error(excinfo) == "duplicate_external_id"
    assert client.views_open(trigger_id=trigger, view=MODAL)["ok"] is True


def test_a_trigger_opens_one_view(client: WebClient) -> None:
    trigger = payloads.new_trigger_id()
    client.views_open(trigger_id=trigger, view=MODAL)
    with pytest.raises(SlackApiError) as excinfo:
        client.views_push(trigger_id=trigger, view=MODAL)
    assert slack_error(excinfo) == "exchanged_trigger_id"


@pytest.mark.parametrize(
    ("view", "message"),
    [
        ({}, "missing required field: type"),
        ({**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}, "less than 25"),
        ({**MODAL, "blocks": [SECTION] * 101}, "no more than 100"),
        ({key: value for key, value in MODAL.items() if key != "submit"}, "submit"),
        (HOME, "must be 'modal'"),
    ],
    ids=["empty", "long-title", "too-many-blocks", "inputs-without-submit", "home-as-modal"],
)
def test_invalid_views_are_refused_with_slacks_messages(
    client: WebClient, view: dict[str, Any], message: str
) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=payloads.new_trigger_id(), view=view)
    assert slack_error(excinfo) == "invalid_arguments"
    assert message in " ".join(excinfo.value.response["response_metadata"]["messages"])


def test_views_publish_keeps_the_home_tab(fake: FakeSlack, client: WebClient) -> None:
    first = client.views_publish(user_id=ALICE, view=HOME)["view"]
    assert set(first) == set(fixture("views.publish")["view"])
    again = client.views_publish(user_id=ALICE, view=HOME, hash=first["hash"])["view"]
    assert again["id"] == first["id"]
    assert fake.home_views[ALICE]["hash"] == again["hash"]
    assert fake.views == {}
    with pytest.raises(SlackApiError) as excinfo:
        client.views_publish(user_id=ALICE, view=MODAL)
    assert slack_error(excinfo) == "invalid_arguments"


# -- files ---------------------------------------------------------------------------------------


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    response = client.files_upload_v2(
        content=b"name,count\nalice,3\n",
        filename="report.csv",
        title="Monthly report",
        channel=COORDINATORS,
        initial_comment="This month's figures",
    )
    [uploaded] = fake.files
    assert response["file"]["id"] == uploaded.id
    assert (uploaded.title, uploaded.filename, uploaded.channel) == (
        "Monthly report",
        "report.csv",
        COORDINATORS,
    )
    assert uploaded.content == b"name,count\nalice,3\n"
    assert uploaded.initial_comment == "This month's figures"
    [shared] = fake.messages(COORDINATORS)
    assert shared["text"] == "This month's figures"
    assert shared["files"][0]["id"] == uploaded.id
    assert [call.method for call in fake.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_an_upload_completes_once(client: WebClient) -> None:
    client.files_upload_v2(content=b"x", filename="a.txt", channel=COORDINATORS)
    file_id = client.files_upload_v2(content=b"y", filename="b.txt")["file"]["id"]
    with pytest.raises(SlackApiError) as excinfo:
        client.files_completeUploadExternal(files=[{"id": file_id, "title": "b"}])
    assert slack_error(excinfo) == "file_not_found"


def test_conversations_members_pages_with_a_cursor(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel("C0CROWD01", "crowd", members=[f"U0CROWD{n:03d}" for n in range(5)])
    first = client.conversations_members(channel="C0CROWD01", limit=2)
    assert first["members"] == ["U0CROWD000", "U0CROWD001"]
    seen = list(first["members"])
    cursor = first["response_metadata"]["next_cursor"]
    while cursor:
        page = client.conversations_members(channel="C0CROWD01", limit=2, cursor=cursor)
        seen += page["members"]
        cursor = page["response_metadata"]["next_cursor"]
    assert seen == [f"U0CROWD{n:03d}" for n in range(5)]
    fake.set_channel_members("C0CROWD01", [ALICE])
    assert client.conversations_members(channel="C0CROWD01")["members"] == [ALICE]


def test_conversations_members_of_a_private_channel_needs_the_app_in_it(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_channel("G0SECRET1", "secret", is_private=True, is_member=False, members=[ALICE])
    for channel in ("G0SECRET1", "C0NOWHERE"):
        with pytest.raises(SlackApiError) as refused:
            client.conversations_members(channel=channel)
        assert refused.value.response["error"] == "channel_not_found"


def test_usergroups_users_list(fake: FakeSlack, client: WebClient) -> None:
    fake.add_usergroup("S0RESIDNT", [ALICE, BOB])
    assert client.usergroups_users_list(usergroup="S0RESIDNT")["users"] == [ALICE, BOB]
    with pytest.raises(SlackApiError) as refused:
        client.usergroups_users_list(usergroup="S0UNKNOWN")
    assert refused.value.response["error"] == "no_such_subteam"
