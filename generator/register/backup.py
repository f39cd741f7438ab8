"""A consistent copy of the register while it is in use (SQLite's online backup API).

The copy is written to a hidden temporary file (0600) beside the target and
linked into place only when it is complete, so a backup interrupted half-way
never leaves a file that looks like a backup, and an existing file is never replaced.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from ..errors import EnvironmentFailure, OutputError
from .access import insert_log
from .db import translated
from .session import Register


def backup(reg: Register, target: str | os.PathLike) -> Path:
    """Copy the whole register to ``target`` (a new file, 0600) while others may be writing; return it."""
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise OutputError("findes allerede; vælg et nyt filnavn til sikkerhedskopien", file=str(target))
    if not target.parent.is_dir():
        raise OutputError("mappen findes ikke", file=str(target.parent))
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise EnvironmentFailure("sikkerhedskopien kan ikke skrives her", file=str(target)) from err
    os.close(fd)  # mkstemp made it 0600; SQLite opens it by name
    try:
        copy = sqlite3.connect(temp)
        try:
            with translated(str(reg.path)):
                reg.conn.backup(copy)
        finally:
            copy.close()
        os.link(temp, target)  # fails rather than replace a file that appeared meanwhile
    except FileExistsError as err:
        raise OutputError("findes allerede; vælg et nyt filnavn til sikkerhedskopien", file=str(target)) from err
    except OSError as err:
        raise EnvironmentFailure("sikkerhedskopien kan ikke skrives (disken er fuld eller skrivebeskyttet)",
                                 file=str(target)) from err
    finally:
        Path(temp).unlink(missing_ok=True)
    with reg.write() as conn:
        insert_log(conn, reg.now().isoformat(), reg.user, "backup", None)
    return target
