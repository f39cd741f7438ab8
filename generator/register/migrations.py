"""The register's schema as numbered migration steps, applied once each (``PRAGMA user_version``).

Step N brings a database from schema version N-1 to N. A step is never edited
once it is on main: a change to the schema is a new step at the end, so every
database a user has (made by any earlier beredskab) can be brought up to date.
``tests/test_register_migrations.py`` migrates from every earlier version.

A database of a *newer* schema than this beredskab knows is refused (exit 2):
an older program must not write into tables it does not understand.
"""

from __future__ import annotations

import sqlite3

from ..errors import RegisterError
from .db import transaction, translated

#: Schema step 1: cases, their versions, the tasks (checklist items with a due day) of
#: each version, and the access log.
STEP_1 = """
CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    closed_at       TEXT,
    closed_by       TEXT
);
CREATE INDEX cases_created_by ON cases (created_by);

-- Every save is a new row; a row is never updated or deleted (except by purge).
-- data: the normalised case as JSON (ISO dates) when valid; the cleaned input of a draft.
-- problems: JSON list of the draft's Danish problem lines ([] when valid).
-- next_due: the earliest due day (ISO) of the version's tasks not done; NULL when none.
CREATE TABLE versions (
    case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    saved_at  TEXT NOT NULL,
    saved_by  TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    valid     INTEGER NOT NULL,
    problems  TEXT NOT NULL DEFAULT '[]',
    data      TEXT NOT NULL,
    data_sha256 TEXT NOT NULL,
    next_due  TEXT,
    PRIMARY KEY (case_id, version)
);

-- The checklist items with a due day of each valid version, as the engine computed them
-- on save. Whether an item is overdue depends on the day asked about only, so
-- `overdue` is a query (done: 1 done, 0 not done, NULL a reminder the case does not track).
CREATE TABLE tasks (
    case_id  TEXT NOT NULL,
    version  INTEGER NOT NULL,
    position INTEGER NOT NULL,
    item_id  TEXT NOT NULL,
    what     TEXT NOT NULL,
    who      TEXT NOT NULL,
    due      TEXT NOT NULL,
    due_text TEXT NOT NULL,
    done     INTEGER,
    PRIMARY KEY (case_id, version, position),
    FOREIGN KEY (case_id, version) REFERENCES versions (case_id, version) ON DELETE CASCADE
);
CREATE INDEX tasks_open_by_due ON tasks (due) WHERE done IS NOT 1;

-- Who did what with which case, and when: never any case data.
CREATE TABLE access_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,
    action  TEXT NOT NULL,
    case_id TEXT
);
CREATE INDEX access_log_case ON access_log (case_id);
"""

#: Schema step 2: the documents made from the register (as manifest.json records them),
#: and the log of purged cases (case number and dates only: no personal data).
STEP_2 = """
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    case_id       TEXT NOT NULL,
    version       INTEGER NOT NULL,
    name          TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    template      TEXT NOT NULL,
    reference_sha256 TEXT,
    forms         TEXT NOT NULL,
    case_sha256   TEXT NOT NULL,
    generator_version TEXT NOT NULL,
    today         TEXT NOT NULL,
    generated_at  TEXT NOT NULL,
    generated_by  TEXT NOT NULL,
    FOREIGN KEY (case_id, version) REFERENCES versions (case_id, version) ON DELETE CASCADE
);
CREATE INDEX documents_case ON documents (case_id, version);

CREATE TABLE purges (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at  TEXT NOT NULL,
    purged_at  TEXT NOT NULL
);
"""

#: Schema step 3: the web form's users (``beredskab users add``); a password only as a scrypt hash.
STEP_3 = """
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('hr', 'leader')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
"""

#: Schema step 4: tamper evidence for case folders written through the register: the SHA-256 of
#: each manifest.json as written, and of every document it listed then ({file name: sha256}).
STEP_4 = """
CREATE TABLE manifests (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    folder      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    documents   TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX manifests_case ON manifests (case_id, id);
"""

#: Schema step 5: the web form's settings (the secret its session cookies are signed with:
#: made once, random, never shown or logged) and the failed logins of the last minutes, per
#: name typed and client address, for the login limit (no password, no case data).
STEP_5 = """
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- at: seconds since the epoch (UTC). Rows older than the limit's window are deleted.
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    at      REAL NOT NULL,
    name    TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX login_failures_name ON login_failures (name, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
"""

#: The steps in order; ``STEPS[n - 1]`` takes a database from version n-1 to n.
STEPS: list[str] = [STEP_1, STEP_2, STEP_3, STEP_4, STEP_5]

#: The schema version this beredskab writes.
LATEST = len(STEPS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's schema version (0 for a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, where: str | None = None, target: int = LATEST) -> int:
    """Bring the database up to schema version ``target`` (default: the latest); return it.

    Runs in one ``BEGIN IMMEDIATE`` transaction, so two processes opening a new
    file at once do not both migrate, and a failed step leaves the old schema.
    """
    with translated(where):
        current = schema_version(conn)
        _refuse_newer(current, where)
        if current >= target:
            return current
        with transaction(conn):
            current = schema_version(conn)  # another process may have migrated meanwhile
            _refuse_newer(current, where)
            for number in range(current + 1, target + 1):
                for statement in _statements(STEPS[number - 1]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
        return target


def _refuse_newer(version: int, where: str | None) -> None:
    if version > LATEST:
        raise RegisterError(
            f"registret er lavet af en nyere udgave af beredskab (skemaversion {version}, "
            f"denne udgave kender op til {LATEST}); opdatér beredskab", file=where)


def _statements(script: str) -> list[str]:
    """Split a step into statements (``executescript`` would commit the open transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
