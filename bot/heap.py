"""The garbage collector, set for how a process lives.

Loading: a command imports some hundred thousand objects (modules, classes, functions,
SQLAlchemy's mappings) that live as long as the process. The collector is paused while they
load, since each of its passes would walk them all and find nothing to free, and they are then
frozen out of its sight, so that no later collection walks them either, the one at exit
included (measured in bench/README.md, "Starting a process").

Running: once a long-running bot has built its app, what it holds for its whole life (Bolt's
listeners, compiled statements) is frozen too, and young objects are collected less often. A
request that builds thousands of short-lived objects (the directory ranks every mentor) then no
longer pays for a full collection that walks the whole process now and then (bench/README.md,
"Directory")."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations between two collections of the youngest generation (Python's default: 700).
YOUNG_THRESHOLD = 20_000


@contextmanager
def loading_code() -> Iterator[None]:
    """Pause the collector while the block imports code, then freeze all it holds. The few
    cycles an import leaves behind (some hundreds of objects) stay until the process ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Collect once, freeze what survives, and collect the young less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
