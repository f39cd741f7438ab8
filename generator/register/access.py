"""The access log: who read or changed which case, and when, never any case data.

A case holds personal data, so every read and write through the register is
logged with the person, the action and the case number only. The register's own
functions log themselves; a front end logs what it does beyond them (a web page
showing a preview) with :func:`log_access`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .session import Register

#: The actions a log entry may name, with their Danish text for people.
ACTIONS = {
    "save": "gemt",
    "show": "vist",
    "history": "historik vist",
    "list": "sagsliste vist",
    "export": "eksporteret",
    "generate": "dokumenter dannet",
    "close": "lukket",
    "reopen": "genåbnet",
    "purge": "slettet efter opbevaringsfristen",
    "backup": "sikkerhedskopi taget",
    "person_export": "udtræk om en person",
    "overdue": "frister vist",
    "stats": "tal til årsopgørelsen",
    "preview": "dokument vist i browseren",
    "download": "dokument hentet",
    "login": "logget ind",
    "login_failed": "mislykket log-ind",
    "login_refused": "log-ind afvist efter for mange mislykkede forsøg",
    "logout": "logget ud",
    "verify": "dokumenter kontrolleret mod registret",
}


@dataclass(frozen=True)
class AccessEntry:
    """One line of the access log."""

    at: str
    user: str
    action: str
    case_id: str | None

    @property
    def action_text(self) -> str:
        return ACTIONS.get(self.action, self.action)


def insert_log(conn: sqlite3.Connection, at: str, user: str, action: str, case_id: str | None) -> None:
    """Add a log entry inside the caller's transaction (so a save and its log line commit together)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access-log action {action!r}")
    conn.execute("INSERT INTO access_log (at, user, action, case_id) VALUES (?, ?, ?, ?)",
                 (at, user, action, case_id))


def log_access(reg: Register, action: str, case_id: str | None = None, user: str | None = None) -> None:
    """Log that ``user`` (default: the register's) did ``action`` (a key of :data:`ACTIONS`)
    with ``case_id`` (None: no single case). Never pass case data."""
    with reg.write() as conn:
        insert_log(conn, reg.now().isoformat(), user or reg.user, action, case_id)


def access_log(reg: Register, case_id: str | None = None, limit: int | None = None) -> list[AccessEntry]:
    """The log, newest first: every entry, or those of one case."""
    sql = "SELECT at, user, action, case_id FROM access_log"
    params: list = []
    if case_id is not None:
        sql += " WHERE case_id = ?"
        params.append(case_id)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    with reg.read() as conn:
        rows = conn.execute(sql, params).fetchall()
    return [AccessEntry(at=r["at"], user=r["user"], action=r["action"], case_id=r["case_id"]) for r in rows]
