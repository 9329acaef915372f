"""How long a process takes to start: ``python -m bench start [--runs N]``.

Each case runs in fresh interpreters, from ``/`` as cron or a Procfile would, with bytecode
cached, the cases taking turns run by run so that the machine's drift falls on all alike:

- the libraries alone that any command loads (SQLAlchemy's ORM and both dialects, pydantic's
  settings, slack_sdk, structlog): the floor under what the project itself adds;
- ``import bot.cli, bot.jobs``: the tick's path;
- ``import bot.app``: the app with every listener, as ``serve`` and ``run`` load it;

each imported plainly and as the installed command loads it (the garbage collector paused, see
``bot/heap.py``); and the installed command's whole run, ``mentorbot tick`` with nothing due (on
a migrated SQLite file, against the Slack fake in a process of its own), from starting the
interpreter to its exit, with its peak memory.

The target is 500 ms for each import; the report gives the median, the fastest and the
slowest, and what the project adds above the floor. See bench/README.md."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.fake_slack_server import fake_slack_process
from tests import databases

TOKEN = "xoxb-bench-start"
TARGET_MS = 500.0
LIBRARIES = "libraries alone"
IMPORTS = {
    LIBRARIES: "sqlalchemy.orm, sqlalchemy.dialects.sqlite, sqlalchemy.dialects.postgresql, "
    "pydantic_settings, slack_sdk, structlog",
    "the tick's path (bot.cli, bot.jobs)": "bot.cli, bot.jobs",
    "the whole app (bot.app)": "bot.app",
}
TICK = "the whole `mentorbot tick`, nothing due"

# The peak is the process's own high-water mark, read inside it: the rusage a parent gets for
# its child counts the parent's own size at the fork.
_PEAK = "print(next(line.split()[1] for line in open('/proc/self/status') if line[:6] == 'VmHWM:'))"


@dataclass(frozen=True)
class Sample:
    milliseconds: float
    peak_kib: int


def _run(code: str, env: dict[str, str]) -> tuple[list[str], float]:
    """Run ``code`` in a fresh interpreter from ``/``; its output's words and wall time."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True, timeout=120
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{code!r} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout.split(), elapsed


def import_sample(modules: str, env: dict[str, str], *, as_command: bool) -> Sample:
    """The time ``import modules`` takes inside a fresh interpreter (the interpreter's own start
    left out), plainly or as the installed command loads code; and the process's peak memory."""
    if as_command:
        load = f"from bot.heap import loading_code\nwith loading_code():\n    import {modules}\n"
    else:
        load = f"import {modules}\n"
    code = f"import time\nt = time.perf_counter()\n{load}print(time.perf_counter() - t)\n{_PEAK}"
    (seconds, peak), _ = _run(code, env)
    return Sample(float(seconds) * 1000, int(peak))


def tick_sample(env: dict[str, str]) -> Sample:
    """The installed command's whole ``mentorbot tick``, interpreter start to exit, through the
    entry point its script calls."""
    code = "import sys\nsys.argv = ['mentorbot', 'tick']\nfrom bot.entry import main\n"
    (peak,), elapsed = _run(f"{code}assert main() == 0\n{_PEAK}", env)
    return Sample(elapsed, int(peak))


def _environment(url: str, fake_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake_url,
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a deployed process has its bytecode cached
    return env


def _median(samples: Sequence[Sample]) -> float:
    return statistics.median(s.milliseconds for s in samples)


def _cell(samples: Sequence[Sample], floor: float | None) -> str:
    times = [s.milliseconds for s in samples]
    text = f"{statistics.median(times):.0f} ms ({min(times):.0f}–{max(times):.0f})"
    return text if floor is None else f"{text}, {statistics.median(times) - floor:+.0f}"


def render(plain: dict[str, list[Sample]], command: dict[str, list[Sample]]) -> str:
    lines = [
        "| what starts | plain import: median (range), above the libraries "
        "| as the command loads it | peak memory |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in plain:
        floor_plain = None if name == LIBRARIES else _median(plain[LIBRARIES])
        floor_command = None if name == LIBRARIES else _median(command[LIBRARIES])
        peak = statistics.median(s.peak_kib for s in command[name]) / 1024
        lines.append(
            f"| {name} | {_cell(plain[name], floor_plain)} "
            f"| {_cell(command[name], floor_command)} | {peak:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench start", description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    plain: dict[str, list[Sample]] = {name: [] for name in IMPORTS}
    command: dict[str, list[Sample]] = {name: [] for name in IMPORTS}
    ticks: list[Sample] = []
    with (
        tempfile.TemporaryDirectory(prefix="mentorbot-start-") as directory,
        fake_slack_process(TOKEN, [], 0) as fake_url,
    ):
        url = f"sqlite:///{Path(directory) / 'start.db'}"
        databases.migrate(url)
        env = _environment(url, fake_url)
        for modules in IMPORTS.values():  # once each, so that every bytecode file exists
            import_sample(modules, env, as_command=True)
        tick_sample(env)
        load = os.getloadavg()[0]
        for _ in range(args.runs):
            for name, modules in IMPORTS.items():
                plain[name].append(import_sample(modules, env, as_command=False))
                command[name].append(import_sample(modules, env, as_command=True))
            ticks.append(tick_sample(env))
    print(f"{args.runs} runs each, load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(render(plain, command))
    peak = statistics.median(s.peak_kib for s in ticks) / 1024
    print(f"{TICK}: {_cell(ticks, None)} from start to exit, peak memory {peak:.0f} MB")
    for label, samples in (("plainly", plain), ("as the command loads them", command)):
        slowest = max(_median(samples[name]) for name in IMPORTS if name != LIBRARIES)
        verdict = "GOOD" if slowest < TARGET_MS else "OVER"
        print(f"{verdict}: imported {label}, the slower median is {slowest:.0f} ms", end="")
        print(f" (target {TARGET_MS:.0f} ms)")
    return 0
