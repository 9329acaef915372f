"""The loopback Slack fake in a process of its own, so that the benchmarks count only the bot's
CPU time: ``python -m bench.fake_slack_server --token T --latency-ms 200`` reads the user ids
(then, optionally, the channel ids the app may post in) from its first (second) input line,
prints its base URL on the first line of its output and serves until its input is closed."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from tests.slack.fake_slack import FakeSlack


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fake_slack_server")
    parser.add_argument("--token", required=True)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--tz", default="America/New_York")
    args = parser.parse_args(argv)
    users = sys.stdin.readline().split()
    channels = sys.stdin.readline().split()
    with FakeSlack(token=args.token, latency=args.latency_ms / 1000) as fake:
        for user_id in users:
            fake.add_user(user_id, user_id.lower(), tz=args.tz)
        for channel_id in channels:
            fake.add_channel(channel_id, channel_id.lower())
        print(fake.base_url, flush=True)
        sys.stdin.read()  # until the benchmark closes our input
    return 0


@contextmanager
def fake_slack_process(
    token: str, users: Sequence[str], latency_ms: float, channels: Sequence[str] = ()
) -> Iterator[str]:
    """Start the fake in a child process (knowing ``users``, and ``channels`` the app is in);
    yield its base URL."""
    command = [sys.executable, "-m", "bench.fake_slack_server", "--token", token]
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [*command, "--latency-ms", str(latency_ms)],
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
        yield base_url
    finally:
        process.stdin.close()
        process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
