"""Retention: closed cases are deleted when the plan's retention period has passed (``cases purge``).

plan.yaml ``retention_years`` (default 5) counts from the day a case was
closed. A purge deletes the case with every version, task and document record,
overwrites the deleted pages (``secure_delete``) and empties the write-ahead
log, so the personal data is gone from the file, not only from the tables.
What is kept is the case number and its dates (``purges``): enough to answer
"what happened to case X", nothing about the people in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from ..errors import PackError
from .access import insert_log
from .session import Register

#: Years a closed case is kept when plan.yaml has no ``retention_years``.
DEFAULT_RETENTION_YEARS = 5


@dataclass(frozen=True)
class PurgedCase:
    """A case deleted (or, in a dry run, to be deleted) by a purge: number and dates only."""

    case_id: str
    created_at: str
    closed_at: str
    #: The first day the case may be deleted.
    expires: date


def retention_years(settings: dict) -> int:
    """plan.yaml ``retention_years``: a positive whole number (default 5)."""
    value = settings.get("retention_years", DEFAULT_RETENTION_YEARS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PackError("plan.yaml: 'retention_years' skal være et positivt helt tal")
    return value


def purge(reg: Register, today: date | None = None, dry_run: bool = False) -> list[PurgedCase]:
    """Delete every closed case whose retention period has ended by ``today``; return them.

    With ``dry_run`` nothing is deleted (the list says what would be).
    """
    today = today or reg.now().date()
    years = retention_years(reg.engine.settings)
    with reg.read() as conn:
        rows = conn.execute("SELECT id, created_at, closed_at FROM cases WHERE closed_at IS NOT NULL "
                            "ORDER BY closed_at, id").fetchall()
    due = []
    for row in rows:
        expires = datetime.fromisoformat(row["closed_at"]).date() + relativedelta(years=years)
        if expires <= today:
            due.append(PurgedCase(row["id"], row["created_at"], row["closed_at"], expires))
    if dry_run or not due:
        return due
    at = reg.now().isoformat()
    purged = []
    reg.conn.execute("PRAGMA secure_delete = ON")  # deleted pages are overwritten with zeros
    try:
        with reg.write() as conn:
            for case in due:
                # Still closed? Someone may have reopened it since the list was read.
                deleted = conn.execute("DELETE FROM cases WHERE id = ? AND closed_at = ?",
                                       (case.case_id, case.closed_at)).rowcount
                if deleted:
                    purged.append(case)
                    conn.execute("INSERT INTO purges (case_id, created_at, closed_at, purged_at) VALUES (?, ?, ?, ?)",
                                 (case.case_id, case.created_at, case.closed_at, at))
                    insert_log(conn, at, reg.user, "purge", case.case_id)
        # The write-ahead log still holds the deleted pages until it is checkpointed and emptied.
        reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        reg.conn.execute("PRAGMA secure_delete = OFF")
    return purged


def purge_log(reg: Register) -> list[dict]:
    """Every purge so far: case number, created, closed and purged (oldest first)."""
    with reg.read() as conn:
        rows = conn.execute("SELECT case_id, created_at, closed_at, purged_at FROM purges ORDER BY id").fetchall()
    return [dict(row) for row in rows]
