"""The register's SQLite file: where it lives and how it is opened.

One file per user (or the file ``--db``/``BEREDSKAB_DB`` names), created 0600
in a 0700 folder because it holds personal data. Every connection runs in
autocommit mode with WAL, foreign keys and a busy timeout; writers take the
write lock up front with ``BEGIN IMMEDIATE`` (:func:`transaction`), so two
processes saving at once wait for each other instead of failing half-way or
deadlocking on a lock upgrade. SQLite errors are translated here into the
:class:`~beredskab.errors.BeredskabError` family (:func:`translated`).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import DamagedRegister, EnvironmentFailure, RegisterError

#: Environment variable naming the register file (``--db`` wins over it).
ENV_DB = "BEREDSKAB_DB"

#: File name of the register in the per-user data folder.
FILE_NAME = "register.sqlite3"

#: Seconds a writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_S = 30.0


def default_path() -> Path:
    """The per-user register file: ``platformdirs`` user data folder / register.sqlite3."""
    import platformdirs  # only needed when no path is given

    return Path(platformdirs.user_data_dir("beredskab", appauthor=False)) / FILE_NAME


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """The register file to use: ``path``, else ``BEREDSKAB_DB``, else :func:`default_path`."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_DB)
    return Path(env) if env else default_path()


def _create_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600) before SQLite opens it.

    SQLite would create the file with the umask's mode (often 0644); its ``-wal``
    and ``-shm`` files copy the mode of the database file, so 0600 here covers all three.
    Only a folder made here is made private (on Windows: an ACL for the user alone);
    an existing one, where someone chose to keep the register, is left as it is.
    """
    if not path.parent.exists():
        from ..output.files import ensure_dir  # imports the pack loader (YAML): only when needed

        ensure_dir(path.parent, private=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it meanwhile
    os.close(fd)


def connect(path: str | os.PathLike | None = None) -> sqlite3.Connection:
    """Open (creating if missing) the register file with WAL, foreign keys and a busy timeout.

    The schema is not touched here; :func:`beredskab.register.migrations.migrate` does that.
    """
    path = resolve_path(path)
    shown = str(path)
    if path.is_dir():
        raise RegisterError("er en mappe, ikke en registerfil", file=shown)
    try:
        if not path.exists():
            _create_file(path)
    except OSError as err:
        raise EnvironmentFailure("registerfilen kan ikke oprettes", file=shown) from err
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as err:
        raise EnvironmentFailure("registerfilen kan ikke åbnes", file=shown) from err
    try:
        with translated(shown):
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise EnvironmentFailure("registerfilen kan ikke bruges i WAL-tilstand", file=shown)
            conn.execute("PRAGMA foreign_keys = ON")
            # FULL: a committed save survives a power cut, not only a crash of the process.
            conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    return conn


@contextmanager
def translated(where: str | None = None) -> Iterator[None]:
    """Turn SQLite's errors into Danish ones: damaged file (exit 1), busy or unwritable (exit 1)."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise  # a constraint the register relies on: a bug, not the user's input
    except sqlite3.OperationalError as err:
        text = str(err).lower()
        if "locked" in text or "busy" in text:
            raise EnvironmentFailure("registret er optaget af en anden, der gemmer; prøv igen om lidt",
                                     file=where) from err
        if "readonly" in text or "read-only" in text:
            raise EnvironmentFailure("registerfilen er skrivebeskyttet", file=where) from err
        if "disk is full" in text or "disk i/o" in text:
            raise EnvironmentFailure("registerfilen kan ikke skrives (disken er fuld eller fejler)",
                                     file=where) from err
        if "malformed" in text or "not a database" in text:
            raise DamagedRegister(where) from err
        raise
    except sqlite3.DatabaseError as err:  # "file is not a database", "malformed"
        raise DamagedRegister(where) from err


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that holds the write lock from its first statement (``BEGIN IMMEDIATE``).

    Committed when the block ends, rolled back on any exception (Ctrl-C included),
    so a failed save leaves the last committed version untouched.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
