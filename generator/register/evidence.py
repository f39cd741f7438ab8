"""Tamper evidence for case folders written through the register.

``manifest.json`` proves only that the documents match it, and whoever can write
the case folder can rewrite both. When documents are written through the
register (``cases generate``), the register records the SHA-256 of the
manifest as written and of every document it then listed; ``beredskab verify
--db`` compares the folder with that record, which the folder's writer cannot
change unless they can also write the register file.

A folder is compared with the register's newest record of the same folder (its
absolute path), else, when the folder has been moved or copied, with the newest
record of the case. Nothing here holds case data: case numbers, file names and hashes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IntegrityError, Problem
from ..output import manifest
from .access import insert_log
from .cases import danish_time
from .session import Register


@dataclass(frozen=True)
class Evidence:
    """What the comparison with the register found: the lines that say what was checked, and
    the findings (empty when the folder is as the register recorded it)."""

    checked: list[str]
    findings: list[Problem] = field(default_factory=list)
    #: True when the register vouches for the folder: its manifest is the one recorded.
    vouched: bool = False


def record(conn: sqlite3.Connection, reg: Register, case_id: str, folder: Path) -> None:
    """Record the hash of ``folder``'s manifest.json and of every document it lists, inside the
    caller's transaction (the one that records the documents)."""
    data = (folder / manifest.MANIFEST_NAME).read_bytes()
    listed = json.loads(data)["documents"]
    documents = {name: entry.get("sha256") for name, entry in sorted(listed.items()) if isinstance(entry, dict)}
    conn.execute("INSERT INTO manifests (case_id, folder, sha256, documents, recorded_at, recorded_by) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
                 (case_id, str(folder.resolve()), manifest.sha256(data), json.dumps(documents, sort_keys=True),
                  reg.now().isoformat(), reg.user))


def check(reg: Register, folder: str | Path) -> Evidence:
    """Compare the case folder ``folder`` (or its manifest.json) with the register's record.

    The record is looked up by the folder's path, its name and the case number its manifest
    names, so a manifest rewritten to name another case still meets the record of this one.
    """
    folder = Path(folder)
    if folder.name == manifest.MANIFEST_NAME:
        folder = folder.parent
    case_id = str(manifest.read(folder).get("case_id") or folder.name)  # IntegrityError when unreadable
    data = (folder / manifest.MANIFEST_NAME).read_bytes()
    here = str(folder.resolve())
    with reg.write() as conn:
        rows = conn.execute("SELECT * FROM manifests WHERE case_id IN (?, ?) OR folder = ? ORDER BY id DESC",
                            (case_id, folder.name, here)).fetchall()
        insert_log(conn, reg.now().isoformat(), reg.user, "verify", case_id)
    if not rows:
        return Evidence([f"Registret ({reg.path}) har ingen notering af manifestet for sag {case_id} (dokumenterne "
                         "er ikke dannet gennem registret); kun mappen er kontrolleret."])
    row = next((r for r in rows if r["folder"] == here), rows[0])
    moved = "" if row["folder"] == here else f" (noteret for mappen {row['folder']}; mappen er flyttet eller kopieret)"
    when = f"{danish_time(row['recorded_at'])} af {row['recorded_by']}"
    if manifest.sha256(data) == row["sha256"]:
        return Evidence([f"manifest.json er den, registret ({reg.path}) noterede, da dokumenterne blev dannet "
                         f"{when}{moved} (SHA-256 {row['sha256'][:16]}…); dokumenterne svarer dermed også til "
                         "registrets kontrolsummer."], vouched=True)
    findings = [Problem(f"manifest.json er ændret, siden registret ({reg.path}) noterede den {when}{moved}",
                        file=manifest.MANIFEST_NAME)]
    recorded: dict[str, str] = json.loads(row["documents"])
    for name, digest in recorded.items():
        path = folder / name
        if not path.is_file():
            findings.append(Problem("dokumentet mangler; registret noterede det ved dannelsen", file=name))
        elif manifest.sha256(path.read_bytes()) != digest:
            findings.append(Problem("dokumentet svarer ikke til registrets kontrolsum fra dannelsen", file=name))
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in manifest.DOCUMENT_SUFFIXES and path.name not in recorded:
            findings.append(Problem("dokumentet står ikke i registrets notering fra dannelsen", file=path.name))
    return Evidence([f"Sammenlignet med registrets notering fra {when}{moved}."], findings)


def verify(reg: Register, folder: str | Path) -> tuple[list[str], Evidence]:
    """``manifest.verify`` and :func:`check` together: (documents matching the manifest, what the
    register showed); IntegrityError with every finding of both."""
    first: IntegrityError | None = None
    try:
        names, problems = manifest.verify(folder), []
    except IntegrityError as err:
        names, problems, first = [], list(err.problems), err
    try:
        evidence = check(reg, folder)
    except IntegrityError:  # no folder, no readable manifest: the folder's own check says so
        if first is None:
            raise
        raise first from None
    problems += evidence.findings
    if problems:
        raise IntegrityError(problems)
    return names, evidence
