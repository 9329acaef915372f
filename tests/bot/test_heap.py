"""The collector while code loads: paused, then what loaded is frozen out of its sight."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.heap import loading_code


@pytest.fixture
def collector() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()  # give this process's objects back to the collector
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector")
def test_loading_pauses_the_collector_and_freezes_what_it_loaded() -> None:
    gc.enable()
    gc.unfreeze()
    with loading_code():
        assert not gc.isenabled()
        loaded = [[n] for n in range(1000)]  # stands for the modules a command imports
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(loaded)
    # Out of the collector's sight: no generation it walks holds them.
    assert not any(obj is loaded[0] for obj in gc.get_objects())


@pytest.mark.usefixtures("collector")
def test_loading_leaves_a_paused_collector_paused() -> None:
    gc.disable()
    with loading_code():
        pass
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_the_collector_comes_back_when_loading_fails() -> None:
    gc.enable()
    with pytest.raises(ImportError), loading_code():
        raise ImportError("a module that is not there")
    assert gc.isenabled()
