"""Stopping on a signal: handlers put back, forked helpers that end when terminated."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from types import FrameType

import pytest

from halluxpath.core.stopping import current_handlers, default_termination, stop_on_signals


def test_the_signal_sets_the_event_and_the_previous_handlers_come_back() -> None:
    before = current_handlers()
    with stop_on_signals() as stop:
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5)
    assert current_handlers() == before


def _wait_for_ever() -> None:
    time.sleep(600)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="forked helpers only"
)
def test_a_forked_pool_ends_when_terminated_though_the_parent_swallows_sigterm() -> None:
    """The generator's pool used to hang in ``terminate`` after a worker command had run in
    the same process (its handler, inherited by the pool, only set an event)."""

    def swallow(signum: int, frame: FrameType | None) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, swallow)
    try:
        pool = multiprocessing.get_context("fork").Pool(2, default_termination)
        pool.apply_async(_wait_for_ever)
        time.sleep(0.2)
        started = time.monotonic()
        pool.terminate()
        pool.join()
        assert time.monotonic() - started < 30
    finally:
        signal.signal(signal.SIGTERM, previous)
