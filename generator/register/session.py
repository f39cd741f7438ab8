"""An open register: one connection, the engine that judges cases, and the person acting.

Front ends (the CLI, the web form) open one :class:`Register` per command or
request and pass it to the functions of ``cases``, ``documents``, ``overview``,
``stats`` and ``access``. The register stores and asks the engine; it holds no
logic of the plan.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from . import db, migrations

if TYPE_CHECKING:
    from ..engine import Engine

#: Environment variable naming the person acting on the command line (else the login name).
ENV_USER = "BEREDSKAB_USER"


def default_user() -> str:
    """Who acts on the command line: ``BEREDSKAB_USER``, else the operating system's login name."""
    name = os.environ.get(ENV_USER) or ""
    if not name.strip():
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no login name (a container without a passwd entry)
            name = "ukendt"
    return name.strip()[:200]


@dataclass
class Register:
    """The register file opened and migrated, with the engine and the person acting.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.
    """

    conn: sqlite3.Connection
    user: str
    path: Path
    #: The clock; tests and the benchmark fix it. Times are stored as local ISO text.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    _engine: "Engine | None" = field(default=None, repr=False)
    _plan_dir: "str | os.PathLike | None" = field(default=None, repr=False)

    @property
    def engine(self) -> "Engine":
        """The engine that validates cases and makes documents, loaded on first use
        (``overdue`` and ``cases list`` never need it)."""
        if self._engine is None:
            from ..engine import Engine

            self._engine = Engine.load(self._plan_dir)
        return self._engine

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, engine: "Engine | None" = None,
             user: str | None = None, plan_dir: str | os.PathLike | None = None) -> "Register":
        """Open the register at ``path`` (else ``BEREDSKAB_DB``, else the per-user file), creating
        and migrating it as needed.

        :param engine: the engine that validates cases and makes documents (default: ``plan_dir``'s).
        :param user: the person acting, recorded with every save and in the access log.
        """
        resolved = db.resolve_path(path)
        conn = db.connect(resolved)
        try:
            migrations.migrate(conn, str(resolved))
        except BaseException:
            conn.close()
            raise
        return cls(conn=conn, user=(user or default_user()).strip()[:200] or "ukendt", path=resolved,
                   _engine=engine, _plan_dir=plan_dir)

    def now(self) -> datetime:
        """The moment a save or log entry is stamped with (seconds, local time with offset)."""
        return self.clock().replace(microsecond=0)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the lock from the start; SQLite errors in Danish."""
        with db.translated(str(self.path)), db.transaction(self.conn) as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Reads (one consistent snapshot for a multi-statement read); SQLite errors in Danish."""
        with db.translated(str(self.path)):
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
