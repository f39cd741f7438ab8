"""The login limit: after too many failed logins the web form refuses further tries for a while.

Failures are counted per name typed (whether or not such a user exists, so a refusal says
nothing about who exists) and per client address, in the register, so the count holds across
the server's threads and processes and across a restart. A refused try checks no password and
is not counted itself: the wait ends when the oldest of the recent failures leaves the window,
however often someone knocks meanwhile. A successful login clears its name's failures. Rows
older than the window are deleted as new ones come. No password is ever stored.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from .db import transaction, translated

#: Failed logins for one name within WINDOW_S after which further tries are refused.
MAX_PER_NAME = 5

#: Failed logins from one client address (any names) within WINDOW_S after which it is refused.
#: Higher than per name: people behind one proxy or office address share it.
MAX_PER_ADDRESS = 20

#: The window failures are counted in, in seconds; also the longest a refusal lasts.
WINDOW_S = 15 * 60

#: Longest name or address kept (what a form can send is bounded; this bounds the table).
MAX_CHARS = 200


@dataclass(frozen=True)
class Limit:
    """A refusal: how many seconds remain until the next try is allowed."""

    wait_s: int

    @property
    def minutes(self) -> int:
        return max(1, -(-self.wait_s // 60))


def refused(conn: sqlite3.Connection, name: str, address: str, now: float | None = None) -> Limit | None:
    """A :class:`Limit` when ``name`` or ``address`` has had too many failed logins lately, else None."""
    now = time.time() if now is None else now
    since = now - WINDOW_S
    waits = []
    with translated():
        for column, value, most in (("name", name[:MAX_CHARS], MAX_PER_NAME),
                                    ("address", address[:MAX_CHARS], MAX_PER_ADDRESS)):
            rows = conn.execute(f"SELECT at FROM login_failures WHERE {column} = ? AND at > ? "
                                f"ORDER BY at DESC LIMIT ?", (value, since, most)).fetchall()
            if len(rows) >= most:  # refused until the oldest of the last `most` leaves the window
                waits.append(rows[-1][0] + WINDOW_S - now)
    return Limit(int(max(waits)) + 1) if waits else None


def record_failure(conn: sqlite3.Connection, name: str, address: str, now: float | None = None) -> None:
    """Count a failed login of ``name`` from ``address``; forget failures older than the window."""
    now = time.time() if now is None else now
    with translated(), transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE at <= ?", (now - WINDOW_S,))
        conn.execute("INSERT INTO login_failures (at, name, address) VALUES (?, ?, ?)",
                     (now, name[:MAX_CHARS], address[:MAX_CHARS]))


def clear_failures(conn: sqlite3.Connection, name: str) -> None:
    """Forget the failed logins of ``name`` (after that name logged in)."""
    with translated(), transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE name = ?", (name[:MAX_CHARS],))
