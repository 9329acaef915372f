"""The installed ``mentorbot`` command in Socket Mode (SLACK_APP_TOKEN set), against the loopback
Web API and Socket Mode fakes: it serves, stops on SIGTERM, and a rejected app token stops it
with a message saying what to do, not a traceback."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.test_cli import MENTORBOT, START_TIMEOUT, _env
from tests.conftest import BOT_TOKEN, MENTEE
from tests.slack.fake_slack import FakeSlack
from tests.slack.fake_socket_mode import FakeSocketMode
from tests.socket_harness import APP_TOKEN


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    with FakeSocketMode() as running:
        fake_slack.serve_socket_mode(running.issue_url, app_token=APP_TOKEN)
        yield running


@pytest.mark.parametrize("command", ["serve", "run"])
def test_a_rejected_app_token_stops_start_up_with_advice(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode, command: str
) -> None:
    wrong = "xapp-1-A0TESTAPP1-1-revoked"
    result = subprocess.run(
        [MENTORBOT, command],
        cwd=tmp_path,
        env=_env(
            SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=wrong, SLACK_API_URL=fake_slack.base_url
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "mentorbot cannot start: Slack did not accept SLACK_APP_TOKEN (invalid_auth)" in (
        result.stderr
    )
    assert "connections:write" in result.stderr
    assert "Traceback" not in result.stderr
    assert wrong not in result.stderr
    assert BOT_TOKEN not in result.stderr
    assert [call.error for call in fake_slack.calls_to("apps.connections.open")] == ["invalid_auth"]
    assert socket_mode.connections == []


def test_serve_answers_over_socket_mode_and_stops_on_sigterm(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    process = subprocess.Popen(
        [MENTORBOT, "serve"],
        cwd=tmp_path,
        env=_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN=APP_TOKEN,
            SLACK_API_URL=fake_slack.base_url,
            # The first request of a cold process may take longer than the default 50 ms
            # budget, and then its answer goes by response_url instead: this test is about the
            # Socket Mode transport, so the answer rides on the ack whatever the machine.
            ACK_BUDGET_MS="2500",
        ),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        socket_mode.wait_connected(timeout=START_TIMEOUT)
        ack = socket_mode.wait_for_ack(socket_mode.slash_command("help", user_id=MENTEE))
        assert ack.payload is not None
        assert ack.payload["response_type"] == "ephemeral"
        assert ack.payload["blocks"][0]["type"] == "header"

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    logs = process.stderr.read() if process.stderr else ""
    records = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    started = [r for r in records if r.get("event") == "mentorbot.started"]
    assert [(r["mode"], r["scheduler"]) for r in started] == [("socket", False)]
    handled = [r for r in records if r.get("event") == "slack.request"]
    assert [(r["handled"], r["user"], r["outcome"]) for r in handled] == [
        ("command:/mentor", MENTEE, "ok")
    ]
    assert any(r.get("event") == "mentorbot.stopping" for r in records)
    assert APP_TOKEN not in logs
    assert BOT_TOKEN not in logs
    socket_mode.check_all_acked()
