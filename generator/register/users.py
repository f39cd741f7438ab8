"""The web form's users: name, role (hr or leader) and a scrypt hash of the password.

Passwords are hashed with the standard library's ``hashlib.scrypt`` (memory-hard; no extra
dependency), each with its own random salt; the parameters are stored with the hash, so they
can be raised later without breaking old hashes. A password is never stored or logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import sqlite3
from datetime import datetime

from ..errors import RegisterError
from .db import transaction, translated

#: The roles a user may have: HR sees every case, a leader the cases they created.
ROLES = ("hr", "leader")

#: scrypt's cost parameters for new hashes (N, r, p): about 16 MB and 50 ms a check.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

#: Shortest password accepted.
MIN_PASSWORD_CHARS = 10

#: A user name: letters, digits and . _ @ - (an e-mail address or an initials login).
_NAME = re.compile(r"^[\w.@-]{1,100}$")

# Compared against when the user does not exist, so a wrong name costs the same time.
_DUMMY_HASH = None


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for ``password``."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=64 * 1024 * 1024, dklen=32)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (a :func:`hash_password` text)."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), maxmem=64 * 1024 * 1024, dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


def add_user(conn: sqlite3.Connection, name: str, role: str, password: str, replace: bool = False) -> bool:
    """Add the user (or, with ``replace``, change their role and password); True when new."""
    if not _NAME.fullmatch(name or ""):
        raise RegisterError("brugernavnet må kun have bogstaver, tal og . _ @ - (højst 100 tegn)")
    if role not in ROLES:
        raise RegisterError(f"rollen skal være en af: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise RegisterError(f"adgangskoden skal være mindst {MIN_PASSWORD_CHARS} tegn")
    now = datetime.now().astimezone().replace(microsecond=0).isoformat()
    with translated(), transaction(conn):
        exists = conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None
        if exists and not replace:
            raise RegisterError(f"brugeren '{name}' findes allerede; skriv --replace for at ændre den")
        conn.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash",
                     (name, role, hash_password(password), now))
    return not exists


def has_users(conn: sqlite3.Connection) -> bool:
    with translated():
        return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def role_of(conn: sqlite3.Connection, name: str) -> str | None:
    """The user's role, or None when there is no such user."""
    with translated():
        row = conn.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def check_password(conn: sqlite3.Connection, name: str, password: str) -> bool:
    """True when the user exists and ``password`` is theirs (same work either way)."""
    global _DUMMY_HASH
    with translated():
        row = conn.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("beredskab-dummy")
        verify_password(password, _DUMMY_HASH)
        return False
    return verify_password(password, row[0])
