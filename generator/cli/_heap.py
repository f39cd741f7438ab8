"""The command line's start-up and Python's cyclic garbage collector.

A command's start-up builds tens of thousands of objects that live as long as the
process (modules, the engine, its forms and templates) and almost no garbage cycles,
yet the collector passes over all of them again and again while they are made: about
7 % of a cold ``beredskab generate``. So the console entry point holds collection off
(:func:`hold`) and the command settles the heap once its long-lived objects exist
(:func:`settle`): they are frozen out of later passes (``gc.freeze``, meant for this)
and the collector runs as usual for what the work itself leaves, over a batch of any
length. A command that never settles still collects, only rarely (``HELD_THRESHOLD``).

The library (``beredskab.Engine``) never touches the collector: a program using it
decides for itself.
"""

from __future__ import annotations

import gc

#: Allocations between collections while start-up is held (Python's default is 700):
#: start-up needs about 40,000, so a command that never settles still collects.
HELD_THRESHOLD = 100_000

_DEFAULT = gc.get_threshold()


def hold() -> None:
    """Start-up begins: collect only rarely until :func:`settle`."""
    gc.set_threshold(HELD_THRESHOLD, *_DEFAULT[1:])


def settle() -> None:
    """The long-lived objects exist: keep them out of later collections; collect as usual."""
    if gc.get_threshold()[0] == HELD_THRESHOLD:
        gc.freeze()
        gc.set_threshold(*_DEFAULT)
