"""Stopping on a signal: a worker loop's stop event, and forked helpers that stop when told.

A long-running command (the reminder sender, the alert escalator, the audit
sealer, the worker supervisor) stops cleanly on SIGTERM or Ctrl-C: the signal
sets an event the loop checks. ``stop_on_signals`` installs that handler and
puts the previous ones back when the command returns, so a command run inside
another program (a test, a shell) does not leave its handler behind.

That matters for every process forked later: a child inherits the handlers,
and a forked pool worker whose SIGTERM only sets an event nobody reads cannot
be terminated (``multiprocessing.Pool.terminate`` then waits for ever: seen
when the registry generator's pool was ended after a failed load in a test
process that had run a worker command before). So forked helpers start with
``default_termination`` and end on SIGTERM whatever their parent set.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
Handlers = dict[signal.Signals, Any]  # signal → handler, as ``signal.getsignal`` gives it


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT while inside; the previous handlers after.

    Call from the main thread (Python delivers signals there only).
    """
    stop = threading.Event()

    def finish(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {number: signal.signal(number, finish) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        put_back(previous)


def current_handlers() -> Handlers:
    return {number: signal.getsignal(number) for number in STOP_SIGNALS}


def put_back(handlers: Handlers) -> None:
    """Install these handlers again (those that changed since)."""
    for number, handler in handlers.items():
        if signal.getsignal(number) is not handler:
            # None: a handler installed outside Python; the default is the safe choice.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def default_termination() -> None:
    """For a forked helper process: SIGTERM ends it (the default action), as its parent expects."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
