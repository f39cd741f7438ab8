"""Interrupts held off while a write's bookkeeping runs, so an interrupt never lands between two steps.

A terminated batch worker (SIGTERM from the parent after Ctrl-C) raised
``KeyboardInterrupt`` wherever it was. Landing between "the case folder is made
and locked" and "the run knows it must clean it up" (or inside a roll-back), it
left an empty case folder behind (issue 18: 1 run in about 30). :func:`held`
marks those steps: an interrupt that arrives meanwhile is kept and raised when the
outermost held block ends, where every step is either done or undone. Waiting for
another run's lock checks :func:`raise_pending`, so a held interrupt is not kept
waiting for the lock's 30 seconds.

:func:`interrupt` is the signal handler that honours this (installed by the CLI for
SIGTERM, and in batch's workers); with Python's own Ctrl-C handler nothing is held.
Signal handlers run in the main thread only, so the state is per process.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

_depth = 0
_pending = False


def interrupt(signum=None, frame=None) -> None:
    """A signal handler: ``KeyboardInterrupt`` now, or when the held steps end."""
    global _pending
    if _depth:
        _pending = True
    else:
        raise KeyboardInterrupt


@contextmanager
def held() -> Iterator[None]:
    """Run the block without an interrupt landing inside it; one that came meanwhile is raised at its end."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth:
            raise_pending()


def raise_pending() -> None:
    """Raise a held interrupt now (at a point where the caller can unwind cleanly)."""
    global _pending
    if _pending:
        _pending = False
        raise KeyboardInterrupt
