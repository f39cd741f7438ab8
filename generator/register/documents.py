"""Documents made from the register: each one recorded with its hash, the case version, template and reference.

The record holds what ``manifest.json`` holds for the document (the same
entry), so a document found years later can be traced to the exact version of
the case and the templates it came from; the hash of the case folder's
manifest.json as written is recorded too (:mod:`.evidence`, for ``verify --db``). Any earlier version can be issued again.
Documents are only made from a valid version, never from a draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

from .. import __version__
from ..output import manifest
from . import evidence
from .access import insert_log
from .cases import get_version, validated
from .session import Register


@dataclass(frozen=True)
class DocumentRecord:
    """One document made from the register: which version of which case, its hash, when and by whom."""

    case_id: str
    version: int
    name: str
    file_name: str
    sha256: str
    size: int
    template: dict
    reference_sha256: str | None
    generated_at: str
    generated_by: str
    today: str


@dataclass(frozen=True)
class IssuedDocument:
    """A document made in memory (for a download): its name, file name and .docx bytes."""

    name: str
    file_name: str
    data: bytes


def generate(reg: Register, case_id: str, out_dir: str | Path, names: Iterable[str] = (),
             version: int | None = None, today: date | None = None, force: bool = False) -> list[Path]:
    """Write the documents of a case version (default: the newest) to ``out_dir/<case id>/`` as
    ``beredskab generate`` does (atomic, manifest.json), and record each; return the paths.

    :param names: the documents to make; none: every one the plan calls for in the case.
    """
    found = get_version(reg, case_id, version, log=False)
    case = validated(reg, found)
    today = today or reg.now().date()
    paths = reg.engine.write(case, out_dir, names, force=force, today=today, now=reg.now())
    folder = Path(out_dir) / case.id
    entries = manifest.read(folder)["documents"]
    with reg.write() as conn:
        for path in paths:
            _insert(conn, reg, case.id, found.version, path.name, entries[path.name], today)
        evidence.record(conn, reg, case.id, folder)  # tamper evidence: `verify --db` compares with it
        insert_log(conn, reg.now().isoformat(), reg.user, "generate", case_id)
    return paths


def issue(reg: Register, case_id: str, name: str, version: int | None = None,
          today: date | None = None) -> IssuedDocument:
    """Make one document of a case version in memory (a web download) and record it."""
    found = get_version(reg, case_id, version, log=False)
    case = validated(reg, found)
    today = today or reg.now().date()
    now = reg.now()
    reg.engine.select(case, [name])  # an unknown document name is refused in Danish
    data = reg.engine.render(case, name, today, now=now)
    reference = reg.engine.pack.find_asset("reference.docx")
    entry = manifest.document_entry(
        name, data, template=reg.engine.template_record(name),
        reference_sha256=manifest.sha256(reference.read_bytes()) if reference else None,
        forms=reg.engine.forms.versions, case_sha256=manifest.case_hash(case.data), generated_at=now)
    file_name = f"{case.id}_{name}.docx"
    with reg.write() as conn:
        _insert(conn, reg, case.id, found.version, file_name, entry, today)
        insert_log(conn, now.isoformat(), reg.user, "download", case_id)
    return IssuedDocument(name=name, file_name=file_name, data=data)


def _insert(conn, reg: Register, case_id: str, version: int, file_name: str, entry: dict, today: date) -> None:
    """Record the manifest entry of one document made from ``version`` of the case."""
    conn.execute(
        "INSERT INTO documents (case_id, version, name, file_name, sha256, size, template, reference_sha256, "
        "forms, case_sha256, generator_version, today, generated_at, generated_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, version, entry["document"], file_name, entry["sha256"], entry["size"],
         json.dumps(entry["template"], ensure_ascii=False, sort_keys=True),
         (entry.get("reference") or {}).get("sha256"), json.dumps(entry["forms"], sort_keys=True),
         entry["case_sha256"], (entry.get("generator") or {}).get("version", __version__), today.isoformat(),
         entry["generated_at"], reg.user))


def documents(reg: Register, case_id: str) -> list[DocumentRecord]:
    """Every document made from a case, oldest first."""
    with reg.read() as conn:
        rows = conn.execute("SELECT * FROM documents WHERE case_id = ? ORDER BY id", (case_id,)).fetchall()
    return [DocumentRecord(case_id=r["case_id"], version=r["version"], name=r["name"], file_name=r["file_name"],
                           sha256=r["sha256"], size=r["size"], template=json.loads(r["template"]),
                           reference_sha256=r["reference_sha256"], generated_at=r["generated_at"],
                           generated_by=r["generated_by"], today=r["today"]) for r in rows]
