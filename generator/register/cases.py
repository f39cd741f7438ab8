"""Cases in the register and their versions: read, list, history, export, close and reopen.

Saving (a new version every time, drafts, the stale-save refusal) is in
:mod:`beredskab.register.saving`; this module reads what was saved.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..dates import long_datetime
from ..errors import RegisterError, UnknownCase, shown
from .access import insert_log, log_access
from .session import Register

if TYPE_CHECKING:
    from ..case.model import Case

#: Top-level key of an exported case file holding the version it was exported from; an
#: import of the file is then a save based on that version (stale imports are refused).
VERSION_KEY = "$version"


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a case: who saved it, when, why, and whether it is a draft."""

    case_id: str
    version: int
    saved_at: str
    saved_by: str
    reason: str
    valid: bool
    problems: list[str]

    @property
    def draft(self) -> bool:
        """An invalid case saved to finish later; no documents are made from it."""
        return not self.valid

    @property
    def saved_at_text(self) -> str:
        """When it was saved, in long Danish (``1. december 2026 kl. 16.30``)."""
        return danish_time(self.saved_at)


@dataclass(frozen=True)
class CaseVersion(VersionInfo):
    """A version with its data: the normalised case (valid) or the input as saved (draft)."""

    data: dict = field(repr=False, default_factory=dict)  # personal data: never in a repr


@dataclass(frozen=True)
class CaseRecord:
    """A case in the register: when and by whom it was created, whether it is closed, its newest version."""

    id: str
    created_at: str
    created_by: str
    closed_at: str | None
    closed_by: str | None
    current: CaseVersion

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class CaseSummary:
    """One row of the case list: the newest version's facts, the next deadline, overdue or not."""

    id: str
    version: int
    saved_at: str
    saved_by: str
    created_by: str
    valid: bool
    closed_at: str | None
    #: The earliest due day of a task not done (None: no dated task left, or a draft).
    next_due: date | None
    #: The next due day has passed (as of the ``today`` the list was made for).
    overdue: bool

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def danish_time(iso: str | None) -> str:
    """A stored time (ISO with offset) in long Danish, local to where it was saved."""
    if not iso:
        return ""
    return long_datetime(datetime.fromisoformat(iso).replace(tzinfo=None))


def version_from_row(row) -> CaseVersion:
    """A ``versions`` row as a :class:`CaseVersion`."""
    return CaseVersion(case_id=row["case_id"], version=row["version"], saved_at=row["saved_at"],
                       saved_by=row["saved_by"], reason=row["reason"], valid=bool(row["valid"]),
                       problems=json.loads(row["problems"]), data=json.loads(row["data"]))


def get_version(reg: Register, case_id: str, version: int | None = None, log: bool = True) -> CaseVersion:
    """One version of a case with its data (default: the newest); logged as a read."""
    with reg.read() as conn:
        if version is None:
            row = conn.execute(
                "SELECT v.* FROM cases c JOIN versions v ON v.case_id = c.id AND v.version = c.current_version "
                "WHERE c.id = ?", (case_id,)).fetchone()
        else:
            row = conn.execute("SELECT * FROM versions WHERE case_id = ? AND version = ?",
                               (case_id, version)).fetchone()
    if row is None:
        if version is not None and _exists(reg, case_id):
            raise UnknownCase(case_id, version)
        raise UnknownCase(case_id)
    if log:
        log_access(reg, "show", case_id)
    return version_from_row(row)


def _exists(reg: Register, case_id: str) -> bool:
    with reg.read() as conn:
        return conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is not None


def get_case(reg: Register, case_id: str, log: bool = True) -> CaseRecord:
    """The case with its newest version; raises :class:`UnknownCase`; logged as a read
    (``log=False``: the caller logs what it does with the case instead)."""
    with reg.read() as conn:
        case = conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
        if case is None:
            raise UnknownCase(case_id)
        row = conn.execute("SELECT * FROM versions WHERE case_id = ? AND version = ?",
                           (case_id, case["current_version"])).fetchone()
    if log:
        log_access(reg, "show", case_id)
    return CaseRecord(id=case["id"], created_at=case["created_at"], created_by=case["created_by"],
                      closed_at=case["closed_at"], closed_by=case["closed_by"], current=version_from_row(row))


def history(reg: Register, case_id: str) -> list[VersionInfo]:
    """Every version of a case, oldest first, without the data (who, when, why, draft or not)."""
    with reg.read() as conn:
        rows = conn.execute("SELECT case_id, version, saved_at, saved_by, reason, valid, problems FROM versions "
                            "WHERE case_id = ? ORDER BY version", (case_id,)).fetchall()
    if not rows:
        raise UnknownCase(case_id)
    log_access(reg, "history", case_id)
    return [VersionInfo(case_id=r["case_id"], version=r["version"], saved_at=r["saved_at"], saved_by=r["saved_by"],
                        reason=r["reason"], valid=bool(r["valid"]), problems=json.loads(r["problems"]))
            for r in rows]


def list_cases(reg: Register, today: date | None = None, open_only: bool = False,
               created_by: str | None = None) -> list[CaseSummary]:
    """Every case (or the open ones, or those a person created: a leader's own), by case number,
    with the next deadline and whether it is overdue on ``today`` (default: the clock's day)."""
    today = today or reg.now().date()
    where, params = [], []
    if open_only:
        where.append("c.closed_at IS NULL")
    if created_by is not None:
        where.append("c.created_by = ?")
        params.append(created_by)
    sql = ("SELECT c.id, c.created_by, c.closed_at, v.version, v.saved_at, v.saved_by, v.valid, v.next_due "
           "FROM cases c JOIN versions v ON v.case_id = c.id AND v.version = c.current_version"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.id")
    with reg.read() as conn:
        rows = conn.execute(sql, params).fetchall()
    log_access(reg, "list", None)
    result = []
    for r in rows:
        next_due = date.fromisoformat(r["next_due"]) if r["next_due"] else None
        result.append(CaseSummary(
            id=r["id"], version=r["version"], saved_at=r["saved_at"], saved_by=r["saved_by"],
            created_by=r["created_by"], valid=bool(r["valid"]), closed_at=r["closed_at"], next_due=next_due,
            overdue=r["closed_at"] is None and next_due is not None and next_due < today))
    return result


def export_case(reg: Register, case_id: str, version: int | None = None) -> dict:
    """A version's data as a case file (default: the newest), with ``$version`` so that importing
    the edited file is a save based on that version; logged as an export."""
    found = get_version(reg, case_id, version, log=False)
    log_access(reg, "export", case_id)
    return {VERSION_KEY: found.version, **found.data}


def close_case(reg: Register, case_id: str) -> str:
    """Close a case (its tasks leave ``overdue``; retention for purge counts from now); return the time."""
    return _set_closed(reg, case_id, close=True)


def reopen_case(reg: Register, case_id: str) -> None:
    """Reopen a closed case."""
    _set_closed(reg, case_id, close=False)


def _set_closed(reg: Register, case_id: str, close: bool) -> str:
    at = reg.now().isoformat()
    with reg.write() as conn:
        row = conn.execute("SELECT closed_at FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise UnknownCase(case_id)
        if close and row["closed_at"] is not None:
            raise RegisterError(f"sagen {shown(case_id)} er allerede lukket ({danish_time(row['closed_at'])})")
        if not close and row["closed_at"] is None:
            raise RegisterError(f"sagen {shown(case_id)} er ikke lukket")
        conn.execute("UPDATE cases SET closed_at = ?, closed_by = ? WHERE id = ?",
                     (at, reg.user, case_id) if close else (None, None, case_id))
        insert_log(conn, at, reg.user, "close" if close else "reopen", case_id)
    return at


def validated(reg: Register, version: CaseVersion) -> "Case":
    """A stored version as the engine's validated :class:`~beredskab.engine.Case` (for documents,
    the checklist); a draft, or a version the pack's forms no longer accept, is refused."""
    if version.draft:
        raise RegisterError(f"version {version.version} af sagen {shown(version.case_id)} er en kladde med "
                            f"{len(version.problems)} fejl; ret sagen, før der dannes dokumenter")
    return reg.engine.validate(copy.deepcopy(version.data))
