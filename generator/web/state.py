"""What a request uses: the app's engine and the register, opened once per worker thread.

The register's functions take an open :class:`Register` and know nothing of Flask, so the
command line uses them too. Each waitress worker thread keeps its own connection for the
app's life instead of one per request (Flask's tutorial opens one per request): closing the
last connection to a WAL database checkpoints and syncs it, which cost more than the page.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from typing import Any, Iterator
from datetime import date

from flask import Flask, current_app, flash, g, session

from ..engine import Engine
from ..errors import CaseError, Problem
from ..register.session import Register


class _ServerRegister(Register):
    """The register as the server's worker threads share it: their writes queue on one lock
    (of the process, or of the server's processes: ``WRITE_LOCK``) instead of on SQLite's busy
    handler, which sleeps in growing steps (up to 100 ms) and gave saves a long tail under load.
    Other programs (the CLI) still meet SQLite's own lock; nothing changes in what is written."""

    write_lock: Any = None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.write_lock, super().write() as conn:
            yield conn


def engine() -> Engine:
    return current_app.extensions["beredskab.engine"]


def register() -> Register:
    """The register of this worker thread, acting as the signed-in user (or nobody yet)."""
    opened = g.get("register")
    if opened is None:
        local: threading.local = current_app.extensions["beredskab.registers"]
        opened = getattr(local, "register", None)
        if opened is None:
            opened = local.register = _ServerRegister.open(current_app.config["DB"], engine=engine(), user="-")
            opened.write_lock = current_app.extensions["beredskab.write_lock"]
        # Access-log lines are committed without waiting for the disk (WAL, synchronous=NORMAL:
        # kept through a crash of the program, lost only with the last moments before a power
        # cut); a saved version waits for it (see durable()).
        opened.conn.execute("PRAGMA synchronous = NORMAL")
        g.register = opened
    opened.user = g.user.name if g.get("user") is not None else "-"
    return opened


@contextmanager
def durable() -> Iterator[Register]:
    """The register with every commit synced to disk (synchronous=FULL): for saving a case."""
    opened = register()
    opened.conn.execute("PRAGMA synchronous = FULL")
    try:
        yield opened
    finally:
        opened.conn.execute("PRAGMA synchronous = NORMAL")


def notice(text: str, category: str) -> None:
    """A message for the next page, replacing any the person has not been shown yet: the page
    tells the newest state, and a client that posts without following the redirect (a script,
    a double click) must not grow the signed session cookie with every post until the browser
    drops it (logged out) and every request re-reads it."""
    session.pop("_flashes", None)
    flash(text, category)


def today() -> date:
    return register().now().date()


def problems_of(data: dict) -> list[Problem]:
    """The Danish problems of case data (none when it is valid)."""
    try:
        engine().validate(data)
    except CaseError as err:
        return list(err.problems)
    return []


def end_request(_error=None) -> None:
    opened = g.pop("register", None)
    if opened is not None and opened.conn.in_transaction:  # never carry a transaction over
        opened.conn.rollback()


def init_app(app: Flask) -> None:
    app.extensions["beredskab.registers"] = threading.local()
    # serve --processes gives one lock to all its processes (a multiprocessing lock)
    app.extensions["beredskab.write_lock"] = app.config.get("WRITE_LOCK") or threading.Lock()
    app.teardown_appcontext(end_request)
