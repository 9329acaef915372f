"""The loopback Slack fake in a process of its own, so that the benchmarks count only the bot's
CPU time: ``python -m bench.fake_slack_server --token T --latency-ms 200`` reads the user ids
(then, optionally, the channel ids the app may post in) from its first (second) input line,
prints its base URL on the first line of its output (then, with ``--response-urls N``, N fresh
``response_url``s on the second) and serves until its input is closed.
``--response-latency-ms`` delays each ``response_url`` post as ``--latency-ms`` delays each Web
API call. ``--messages-per-minute N`` makes it enforce Slack's workspace message limit (N a
minute, bursts of ten) on ``chat.postMessage`` with 429 and ``Retry-After``, as Slack does; it
then prints what it let through and refused as JSON when its input closes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from tests.slack.fake_slack import FakeSlack, _Reply, _Request


class SlowResponses(FakeSlack):
    """The fake, answering each ``response_url`` post (and upload) after a delay too; Web API
    calls are delayed by the fake itself."""

    def __init__(self, token: str, latency: float, response_latency: float) -> None:
        super().__init__(token, latency=latency)
        self.response_latency = response_latency

    def _route(self, request: _Request) -> _Reply:
        if not request.path.startswith("/api/") and self.response_latency > 0:
            time.sleep(self.response_latency)
        return super()._route(request)


class RateLimited(SlowResponses):
    """The fake with Slack's workspace message budget enforced on ``chat.postMessage``: a call
    beyond it is answered 429 with ``Retry-After`` and changes nothing."""

    def __init__(self, token: str, latency: float, response_latency: float, per_minute: float):
        super().__init__(token, latency, response_latency)
        self.interval = 60.0 / per_minute
        self.tolerance = 9 * self.interval  # bursts of ten
        self._due = float("-inf")
        self._lock = threading.Lock()
        self.posted: list[tuple[float, str]] = []  # (time, channel) of each message let through
        self.limited = 0

    def _serve_api(self, method: str, request: _Request) -> _Reply:
        if method == "chat.postMessage":
            with self._lock:
                now = time.time()
                if now < self._due - self.tolerance:
                    self.limited += 1
                    return _Reply(
                        429,
                        b'{"ok": false, "error": "ratelimited"}',
                        headers={"Retry-After": "1"},
                    )
                self._due = max(self._due, now) + self.interval
        reply = super()._serve_api(method, request)
        if method == "chat.postMessage" and reply.status == 200:
            channel = json.loads(reply.body or b"{}").get("channel", "")
            with self._lock:
                self.posted.append((time.time(), str(channel)))
        return reply

    def report(self) -> str:
        with self._lock:
            return json.dumps({"posted": self.posted, "limited": self.limited})


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fake_slack_server")
    parser.add_argument("--token", required=True)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--tz", default="America/New_York")
    parser.add_argument("--response-latency-ms", type=float, default=0.0)
    parser.add_argument("--response-urls", type=int, default=0)
    parser.add_argument("--messages-per-minute", type=float, default=0.0)
    args = parser.parse_args(argv)
    users = sys.stdin.readline().split()
    channels = sys.stdin.readline().split()
    latency, response_latency = args.latency_ms / 1000, args.response_latency_ms / 1000
    fake = (
        RateLimited(args.token, latency, response_latency, args.messages_per_minute)
        if args.messages_per_minute
        else SlowResponses(args.token, latency, response_latency)
    )
    with fake:
        for user_id in users:
            fake.add_user(user_id, user_id.lower(), tz=args.tz)
        for channel_id in channels:
            fake.add_channel(channel_id, channel_id.lower())
        print(fake.base_url, flush=True)
        if args.response_urls:
            print(" ".join(fake.response_url() for _ in range(args.response_urls)), flush=True)
        sys.stdin.read()  # until the benchmark closes our input
        if isinstance(fake, RateLimited):
            print(fake.report(), flush=True)
    return 0


@dataclass(frozen=True)
class FakeSlackProcess:
    base_url: str
    response_urls: tuple[str, ...]


@contextmanager
def fake_slack_process(
    token: str, users: Sequence[str], latency_ms: float, channels: Sequence[str] = ()
) -> Iterator[str]:
    """Start the fake in a child process (knowing ``users``, and ``channels`` the app is in);
    yield its base URL."""
    with slack_process(token, users, latency_ms, channels) as fake:
        yield fake.base_url


@contextmanager
def slack_process(
    token: str,
    users: Sequence[str],
    latency_ms: float,
    channels: Sequence[str] = (),
    *,
    response_latency_ms: float = 0.0,
    response_urls: int = 0,
) -> Iterator[FakeSlackProcess]:
    """The fake in a child process, with ``response_urls`` fresh response URLs minted."""
    command = [sys.executable, "-m", "bench.fake_slack_server", "--token", token]
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [
            *command,
            "--latency-ms",
            str(latency_ms),
            "--response-latency-ms",
            str(response_latency_ms),
            "--response-urls",
            str(response_urls),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(" ".join(users) + "\n" + " ".join(channels) + "\n")
        process.stdin.flush()
        base_url = process.stdout.readline().strip()
        if not base_url:
            raise RuntimeError("the Slack fake did not start")
        minted = tuple(process.stdout.readline().split()) if response_urls else ()
        yield FakeSlackProcess(base_url, minted)
    finally:
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
