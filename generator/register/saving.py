"""Saving a case: the engine judges it, a new version is stored, a save on a stale version is refused.

Every save stores the whole case as a new version with who, when and why; an
older version is never changed. A save names the version it was based on
(``base_version``); when someone else saved in between, it is refused with
:class:`~beredskab.errors.StaleCase`, never merged. A valid case is stored
normalised (ISO dates) with its dated tasks, computed by the engine, for
``overdue``; an invalid one only as a *draft*, with its Danish problems.

The engine's work is done before the write lock is taken, so a writer holds
the lock for milliseconds; several cases (an import) are written in one
transaction: all of them or none.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from ..case.casefile import NOT_CASE_DATA
from ..dates import as_date, to_json
from ..errors import BeredskabError, CaseError, RegisterError, StaleCase, UnknownCase, shown
from .access import insert_log
from .cases import VERSION_KEY, danish_time, get_version, validated, version_from_row
from .session import Register

#: Longest reason for a save that is kept.
MAX_REASON_CHARS = 500


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the case and version, whether the case is new, whether anything changed."""

    case_id: str
    version: int
    created: bool
    changed: bool
    valid: bool
    problems: list[str]


@dataclass(frozen=True)
class _Judged:
    """A case as the engine judged it, ready to store."""

    case_id: str
    text: str
    digest: str
    valid: bool
    problems: list[str]
    tasks: list[tuple]
    next_due: str | None
    base_version: int | None
    reason: str


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
    judged = _judge(reg, data, reason, base_version, draft, now)
    with reg.write() as conn:
        return _store(conn, reg, judged, reg.now().isoformat())


def import_files(reg: Register, paths: Iterable[str | Path], reason: str = "", draft: bool = False
                 ) -> list[SaveResult]:
    """Save case files, all in one transaction: every file is saved, or (on any error) none.

    A ``$version`` in a file (from ``cases export``) is the version it is based on.
    Errors name the file. The default reason names the file a version came from.
    """
    from ..case.casefile import read_case_file

    paths = list(paths)
    judged = []
    for path in paths:
        try:
            judged.append(_judge(reg, read_case_file(path), reason or f"Importeret fra {Path(path).name}",
                                 None, draft, None))
        except BeredskabError as err:
            raise err.with_file(str(path))
    seen: set[str] = set()
    for item, path in zip(judged, paths):
        if item.case_id in seen:
            raise RegisterError(f"sagen {shown(item.case_id)} står i flere af filerne; importér dem én ad gangen",
                                file=str(path))
        seen.add(item.case_id)
    at = reg.now().isoformat()
    results = []
    with reg.write() as conn:
        for item, path in zip(judged, paths):
            try:
                results.append(_store(conn, reg, item, at))
            except BeredskabError as err:
                raise err.with_file(str(path))
    return results


def set_fields(reg: Register, case_id: str, assignments: Iterable[tuple[str, Any]], reason: str = "",
               base_version: int | None = None, draft: bool = False) -> SaveResult:
    """Change fields of a case's newest version (``[(path, value)]``, values read by the forms, as
    ``Engine.assignments`` gives them) and save the result as a new version based on it.

    :param base_version: the version the person saw; default: the newest at the time of reading.
    """
    from ..case.model import with_overrides

    current = get_version(reg, case_id, log=False)
    data = with_overrides(copy.deepcopy(current.data), [(path, to_json(value)) for path, value in assignments])
    if data.get("incident", {}).get("case_id") != case_id:
        raise CaseError("sagsnummeret kan ikke ændres; opret en ny sag", path="incident.case_id")
    return save(reg, data, reason=reason, draft=draft,
                base_version=current.version if base_version is None else base_version)


def _judge(reg: Register, data: Any, reason: str, base_version: int | None, draft: bool,
           now: datetime | None) -> _Judged:
    """Ask the engine about ``data``: the data to store, valid or not, the problems, the dated tasks."""
    if not isinstance(data, dict):
        raise CaseError("sagen skal være et JSON-objekt med sektionerne")
    if base_version is None and VERSION_KEY in data:
        base_version = _version_number(data[VERSION_KEY])
    # The stored text is made below, before the caller gets control back; the validator gets
    # its own copy (it normalises in place), so the caller's data is read, never kept or changed.
    data = {k: v for k, v in data.items() if k not in NOT_CASE_DATA}
    tasks: list[tuple] = []
    try:
        case = reg.engine.validate(copy.deepcopy(data), now=now)
    except CaseError as err:
        if not draft:
            raise
        _require_case_id(data, err)
        stored, valid, problems = data, False, err.lines()
    else:
        stored, valid, problems, tasks = to_json(case.data), True, [], _tasks(reg, case)
    text = canonical_json(stored)
    return _Judged(
        case_id=str(stored["incident"]["case_id"]), text=text, digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        valid=valid, problems=problems, tasks=tasks, next_due=_next_due(tasks),
        base_version=base_version, reason=" ".join(str(reason or "").split())[:MAX_REASON_CHARS])


def _tasks(reg: Register, case) -> list[tuple]:
    """The engine's checklist items with a due day, as stored rows: (position, id, what, who, due,
    due text, done). Only "overdue or not" depends on the day, so the day asked does not matter."""
    tasks = []
    for position, item in enumerate(reg.engine.checklist(case, today=reg.now().date())):
        if item.due is not None:
            done = None if item.done is None else int(bool(item.done))
            tasks.append((position, item.id, item.what, item.who, as_date(item.due).isoformat(), item.due_text, done))
    return tasks


def _next_due(tasks: list[tuple]) -> str | None:
    return min((t[4] for t in tasks if t[6] != 1), default=None)


def refresh_tasks(reg: Register) -> tuple[int, int]:
    """Compute the stored tasks of every case's newest valid version again, with the pack in force.

    The tasks are what the engine said when a version was saved; after a change of the
    pack's deadlines or obligations (plan.yaml) they are recomputed here (derived data:
    the versions themselves are not changed). Returns (cases computed, cases whose tasks changed).
    """
    with reg.read() as conn:
        rows = conn.execute("SELECT v.* FROM cases c JOIN versions v ON v.case_id = c.id "
                            "AND v.version = c.current_version WHERE v.valid = 1 ORDER BY c.id").fetchall()
        stored = {}
        for r in conn.execute("SELECT t.case_id, t.position, t.item_id, t.what, t.who, t.due, t.due_text, t.done "
                              "FROM tasks t JOIN cases c ON c.id = t.case_id AND c.current_version = t.version "
                              "ORDER BY t.case_id, t.position"):
            stored.setdefault(r[0], []).append(tuple(r[1:]))
    changed = []
    for row in rows:
        version = version_from_row(row)
        tasks = _tasks(reg, validated(reg, version))
        if tasks != stored.get(version.case_id, []):
            changed.append((version.case_id, version.version, tasks))
    with reg.write() as conn:
        for case_id, version, tasks in changed:
            conn.execute("DELETE FROM tasks WHERE case_id = ? AND version = ?", (case_id, version))
            conn.executemany(
                "INSERT INTO tasks (case_id, version, position, item_id, what, who, due, due_text, done) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(case_id, version, *task) for task in tasks])
            conn.execute("UPDATE versions SET next_due = ? WHERE case_id = ? AND version = ?",
                         (_next_due(tasks), case_id, version))
    return len(rows), len(changed)


def _store(conn, reg: Register, item: _Judged, at: str) -> SaveResult:
    """Write one judged case as its next version, inside the caller's write transaction."""
    case_id = item.case_id
    row = conn.execute(
        "SELECT c.current_version, c.closed_at, v.saved_by, v.saved_at, v.data_sha256, v.valid "
        "FROM cases c JOIN versions v ON v.case_id = c.id AND v.version = c.current_version "
        "WHERE c.id = ?", (case_id,)).fetchone()
    if row is None:
        if item.base_version:
            raise UnknownCase(case_id)
        conn.execute("INSERT INTO cases (id, created_at, created_by, current_version) VALUES (?, ?, ?, 1)",
                     (case_id, at, reg.user))
        version = 1
    else:
        if item.base_version is not None and item.base_version != row["current_version"]:
            raise StaleCase(case_id, item.base_version, row["current_version"], row["saved_by"],
                            danish_time(row["saved_at"]))
        if row["closed_at"] is not None:
            raise RegisterError(f"sagen {shown(case_id)} er lukket; genåbn den først "
                                f"(beredskab cases reopen {shown(case_id)})")
        if row["data_sha256"] == item.digest and bool(row["valid"]) == item.valid:
            return SaveResult(case_id, row["current_version"], False, False, item.valid, item.problems)
        version = row["current_version"] + 1
        conn.execute("UPDATE cases SET current_version = ? WHERE id = ?", (version, case_id))
    conn.execute(
        "INSERT INTO versions (case_id, version, saved_at, saved_by, reason, valid, problems, data, "
        "data_sha256, next_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, version, at, reg.user, item.reason, int(item.valid),
         json.dumps(item.problems, ensure_ascii=False), item.text, item.digest, item.next_due))
    conn.executemany(
        "INSERT INTO tasks (case_id, version, position, item_id, what, who, due, due_text, done) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(case_id, version, *task) for task in item.tasks])
    insert_log(conn, at, reg.user, "save", case_id)
    return SaveResult(case_id, version, version == 1, True, item.valid, item.problems)


def _version_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CaseError("skal være et helt tal (versionen i registret)", path=VERSION_KEY)
    return value


def _require_case_id(data: dict, err: CaseError) -> None:
    """A draft must have a valid case number: it is the key the draft is found by."""
    incident = data.get("incident")
    case_id = incident.get("case_id") if isinstance(incident, dict) else None
    bad = [p for p in err.problems if (p.path or "") in ("incident", "incident.case_id")]
    if not isinstance(case_id, str) or not case_id.strip() or bad:
        raise CaseError("en kladde skal have et gyldigt sagsnummer; ret det først",
                        path="incident.case_id", label="Sagsnummer")
