"""Cases and their versions: save (a new version every time, drafts allowed), read, list, close.

Every save stores the whole case as a new version with who, when and why; an
older version is never changed. A save names the version it was based on
(``base_version``); when someone else saved in between, it is refused with
:class:`~beredskab.errors.StaleCase`, never merged. The engine judges each
save: a valid case is stored normalised with its dated tasks (for ``overdue``);
an invalid one only as a *draft*, with its Danish problems.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..case.forms import NOT_CASE_DATA
from ..dates import as_date, long_datetime, to_json
from ..errors import BeredskabError, CaseError, RegisterError, StaleCase, UnknownCase, shown
from .access import insert_log, log_access
from .session import Register

if TYPE_CHECKING:
    from ..engine import Case

#: Top-level key of an exported case file holding the version it was exported from; an
#: import of the file is then a save based on that version (stale imports are refused).
VERSION_KEY = "$version"

#: Longest reason for a save that is kept.
MAX_REASON_CHARS = 500


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


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the case and version, whether the case is new, whether anything changed."""

    case_id: str
    version: int
    created: bool
    changed: bool
    valid: bool
    problems: list[str]


def danish_time(iso: str | None) -> str:
    """A stored time (ISO with offset) in long Danish, local to where it was saved."""
    if not iso:
        return ""
    return long_datetime(datetime.fromisoformat(iso).replace(tzinfo=None))


def canonical_json(data: Any) -> str:
    """The JSON text a version is stored and compared as (keys sorted, UTF-8 as is)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def save(reg: Register, data: dict, reason: str = "", base_version: int | None = None,
         draft: bool = False, now: datetime | None = None) -> SaveResult:
    """Save ``data`` as a new version of its case (``incident.case_id``); create the case if new.

    :param base_version: the version the change was made from. ``None``: no base (an
        import; a ``$version`` key in ``data`` counts as the base). ``0``: the case must be
        new. Any other number: refused with :class:`StaleCase` (naming who saved and
        when) unless it is still the newest version.
    :param draft: keep an invalid case as a draft instead of refusing it; its case
        number must still be valid.
    :param now: the moment "not in the future" is judged at (default: the clock).
    :returns: the result; ``changed`` is False (and no version is added) when the data
        equals the newest version's.
    :raises CaseError: the case is invalid and ``draft`` is False (every problem listed).
    """
    if not isinstance(data, dict):
        raise CaseError("sagen skal være et JSON-objekt med sektionerne")
    data = copy.deepcopy(data)
    if base_version is None and VERSION_KEY in data:
        base_version = _version_number(data[VERSION_KEY])
    data = {k: v for k, v in data.items() if k not in NOT_CASE_DATA}
    stored, valid, problems, tasks = _judge(reg, data, draft, now)
    case_id = stored["incident"]["case_id"]
    text = canonical_json(stored)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    next_due = min((t[4] for t in tasks if t[6] != 1), default=None)
    at = reg.now().isoformat()
    reason = " ".join(str(reason or "").split())[:MAX_REASON_CHARS]
    with reg.write() as conn:
        row = conn.execute(
            "SELECT c.current_version, c.closed_at, v.saved_by, v.saved_at, v.data_sha256, v.valid "
            "FROM cases c JOIN versions v ON v.case_id = c.id AND v.version = c.current_version "
            "WHERE c.id = ?", (case_id,)).fetchone()
        if row is None:
            if base_version:
                raise UnknownCase(case_id)
            conn.execute("INSERT INTO cases (id, created_at, created_by, current_version) VALUES (?, ?, ?, 1)",
                         (case_id, at, reg.user))
            version = 1
        else:
            if base_version is not None and base_version != row["current_version"]:
                raise StaleCase(case_id, base_version, row["current_version"], row["saved_by"],
                                danish_time(row["saved_at"]))
            if row["closed_at"] is not None:
                raise RegisterError(f"sagen {shown(case_id)} er lukket; genåbn den først "
                                    f"(beredskab cases reopen {shown(case_id)})")
            if row["data_sha256"] == digest and bool(row["valid"]) == valid:
                return SaveResult(case_id, row["current_version"], False, False, valid, problems)
            version = row["current_version"] + 1
            conn.execute("UPDATE cases SET current_version = ? WHERE id = ?", (version, case_id))
        conn.execute(
            "INSERT INTO versions (case_id, version, saved_at, saved_by, reason, valid, problems, data, "
            "data_sha256, next_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, version, at, reg.user, reason, int(valid), json.dumps(problems, ensure_ascii=False),
             text, digest, next_due))
        conn.executemany(
            "INSERT INTO tasks (case_id, version, position, item_id, what, who, due, due_text, done) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(case_id, version, *task) for task in tasks])
        insert_log(conn, at, reg.user, "save", case_id)
    return SaveResult(case_id, version, version == 1, True, valid, problems)


def _version_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CaseError("skal være et helt tal (versionen i registret)", path=VERSION_KEY)
    return value


def _judge(reg: Register, data: dict, draft: bool, now: datetime | None
           ) -> tuple[dict, bool, list[str], list[tuple]]:
    """Ask the engine: the data to store, valid or not, the Danish problems, the dated tasks."""
    try:
        case = reg.engine.validate(copy.deepcopy(data), now=now)
    except CaseError as err:
        if not draft:
            raise
        _require_case_id(data, err)
        return data, False, err.lines(), []
    tasks = []
    for position, item in enumerate(reg.engine.checklist(case, today=reg.now().date())):
        if item.due is None:
            continue
        done = None if item.done is None else int(bool(item.done))
        tasks.append((position, item.id, item.what, item.who, as_date(item.due).isoformat(), item.due_text, done))
    return to_json(case.data), True, [], tasks


def _require_case_id(data: dict, err: CaseError) -> None:
    """A draft must have a valid case number: it is the key the draft is found by."""
    incident = data.get("incident")
    case_id = incident.get("case_id") if isinstance(incident, dict) else None
    bad = [p for p in err.problems if (p.path or "") in ("", "incident", "incident.case_id")]
    if not isinstance(case_id, str) or not case_id.strip() or bad:
        raise CaseError("en kladde skal have et gyldigt sagsnummer; ret det først",
                        path="incident.case_id", label="Sagsnummer")


def set_fields(reg: Register, case_id: str, assignments: Iterable[tuple[str, Any]], reason: str = "",
               base_version: int | None = None, draft: bool = False) -> SaveResult:
    """Change fields of a case's newest version (``[(path, value)]``, values read by the forms) and
    save the result as a new version based on it.

    :param base_version: the version the person saw; default: the newest at the time of reading.
    """
    current = get_version(reg, case_id, log=False)
    data = copy.deepcopy(current.data)
    for path, value in assignments:
        _set_path(data, path, value)
    if data.get("incident", {}).get("case_id") != case_id:
        raise CaseError("sagsnummeret kan ikke ændres; opret en ny sag", path="incident.case_id")
    return save(reg, data, reason=reason, draft=draft,
                base_version=current.version if base_version is None else base_version)


def _set_path(data: dict, path: str, value: Any) -> None:
    from ..engine import with_overrides

    with_overrides(data, [(path, to_json(value))])


def _version_from_row(row) -> CaseVersion:
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
    return _version_from_row(row)


def _exists(reg: Register, case_id: str) -> bool:
    with reg.read() as conn:
        return conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is not None


def get_case(reg: Register, case_id: str) -> CaseRecord:
    """The case with its newest version; raises :class:`UnknownCase`; logged as a read."""
    with reg.read() as conn:
        case = conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
        if case is None:
            raise UnknownCase(case_id)
        row = conn.execute("SELECT * FROM versions WHERE case_id = ? AND version = ?",
                           (case_id, case["current_version"])).fetchone()
    log_access(reg, "show", case_id)
    return CaseRecord(id=case["id"], created_at=case["created_at"], created_by=case["created_by"],
                      closed_at=case["closed_at"], closed_by=case["closed_by"], current=_version_from_row(row))


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


def import_file(reg: Register, path: str | Path, reason: str = "", draft: bool = False) -> SaveResult:
    """Save a case file as a new version (or a new case); a ``$version`` in it is the base version.

    Errors name the file. The default reason names the file it came from.
    """
    from ..case.forms import read_case_file

    data = read_case_file(path)
    try:
        return save(reg, data, reason=reason or f"Importeret fra {Path(path).name}", draft=draft)
    except BeredskabError as err:
        raise err.with_file(str(path))


def validated(reg: Register, version: CaseVersion) -> "Case":
    """A stored version as the engine's validated :class:`~beredskab.engine.Case` (for documents,
    the checklist); a draft, or a version the pack's forms no longer accept, is refused."""
    if version.draft:
        raise RegisterError(f"version {version.version} af sagen {shown(version.case_id)} er en kladde med "
                            f"{len(version.problems)} fejl; ret sagen, før der dannes dokumenter")
    return reg.engine.validate(copy.deepcopy(version.data))
