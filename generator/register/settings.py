"""The register's settings: values the web form keeps between runs, in the register file itself.

The one setting today is the secret the web form signs its session cookies with. It is made
once (32 random bytes from the operating system) by whichever process asks first and read by
every later one, so a restart of ``beredskab serve``, or several server processes on the same
register, keep each other's sessions valid. It is never shown or logged; the register file is
0600 (whoever can read it can read every case anyway). Deleting the row logs everyone out.
"""

from __future__ import annotations

import secrets
import sqlite3

from .db import transaction, translated

#: The setting holding the session secret.
SESSION_SECRET = "web_session_secret"

#: Bytes of a new session secret.
SECRET_BYTES = 32


def session_secret(conn: sqlite3.Connection) -> bytes:
    """The web form's session-signing secret, made on first use (two processes asking at once
    get the same one: the first to commit wins, the other reads it)."""
    with translated():
        row = conn.execute("SELECT value FROM settings WHERE name = ?", (SESSION_SECRET,)).fetchone()
        if row is None:
            with transaction(conn):
                conn.execute("INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)",
                             (SESSION_SECRET, secrets.token_bytes(SECRET_BYTES)))
                row = conn.execute("SELECT value FROM settings WHERE name = ?", (SESSION_SECRET,)).fetchone()
    return bytes(row[0])
