"""``python -m bench [tick | mixed | digest | programs | matching | directory | home | budget | start]
[options]``
(``make bench``): the benchmarks, the scheduler tick by default; see bench/README.md."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from bench import digest, directory, home, matching, mixed, programs, shared_budget, start, tick

BENCHMARKS: dict[str, Callable[[Sequence[str]], int]] = {
    "tick": tick.main,
    "mixed": mixed.main,
    "digest": digest.main,
    "programs": programs.main,
    "matching": matching.main,
    "directory": directory.main,
    "home": home.main,
    "budget": shared_budget.main,
    "start": start.main,
}


def run(argv: Sequence[str]) -> int:
    if argv and argv[0] in BENCHMARKS:
        return BENCHMARKS[argv[0]](argv[1:])
    if argv and not argv[0].startswith("-"):
        print(f"unknown benchmark {argv[0]!r}; choose one of {', '.join(BENCHMARKS)}")
        return 2
    return tick.main(argv)


sys.exit(run(sys.argv[1:]))
