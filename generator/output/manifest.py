"""The audit manifest: which data, templates and program made each document of a case, and its hash.

``output/<case_id>/manifest.json`` lists every document of the case folder with
its SHA-256, the template (and every template it extends or includes) with
hashes, the reference document's hash, the form versions, the generator version,
the time, and a hash of the normalised case data: never the data itself, since
the manifest may travel where the documents may not. It is written in the same
atomic step as the documents; a later run (``--doc`` one at a time) merges its
entries in. :func:`verify` recomputes the hashes and names every document that
changed or went missing since generation.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ..version import __version__
from ..errors import IntegrityError, OutputError
from ..dates import to_json

#: File name of the manifest in a case folder.
MANIFEST_NAME = "manifest.json"

#: Version of the manifest's own layout; raise it when the layout changes.
FORMAT = 1

#: Suffixes of the files a case folder holds that the manifest must account for.
DOCUMENT_SUFFIXES = (".docx", ".pdf")


def sha256(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of text as UTF-8."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


#: Per process: a file's SHA-256 by its path, size and modification time (the reference document,
#: hashed for every case's manifest; a batch reads and hashes it once).
_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file at ``path``; read again when its size or modification time changed."""
    status = path.stat()
    key = (str(path), status.st_size, status.st_mtime_ns)
    if key not in _FILE_HASHES:
        if len(_FILE_HASHES) > 64:
            _FILE_HASHES.clear()
        _FILE_HASHES[key] = sha256(path.read_bytes())
    return _FILE_HASHES[key]


def case_hash(case: dict) -> str:
    """SHA-256 of the normalised case as canonical JSON (sorted keys, ISO dates)."""
    text = json.dumps(to_json(case), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256(text)


def template_record(name: str, sources: dict[str, str]) -> dict:
    """The template entry: its name, a hash over all sources used, and each source's hash."""
    hashes = {source: sha256(text) for source, text in sorted(sources.items())}
    combined = sha256("\n".join(f"{source} {digest}" for source, digest in hashes.items()))
    return {"name": name, "sha256": combined, "sources": hashes}


def document_entry(document: str, data: bytes, *, template: dict, reference_sha256: str | None,
                   forms: dict[str, Any], case_sha256: str, generated_at: datetime) -> dict:
    """The manifest entry of one generated .docx (the reference's and the case's hashes are
    computed once per run by the caller: they are the same for every document of a case)."""
    return {
        "document": document,
        "sha256": sha256(data),
        "size": len(data),
        "generated_at": generated_at.isoformat(),
        "generator": {"name": "beredskab", "version": __version__},
        "template": template,
        "reference": {"sha256": reference_sha256} if reference_sha256 is not None else None,
        "forms": dict(forms),
        "case_sha256": case_sha256,
    }


def pdf_entry(source: dict, source_name: str, data: bytes, generated_at: datetime) -> dict:
    """The manifest entry of a PDF made from the .docx ``source_name`` (entry ``source``)."""
    return {
        **source,
        "sha256": sha256(data),
        "size": len(data),
        "generated_at": generated_at.isoformat(),
        "converted_from": source_name,
    }


def read(folder: Path) -> dict:
    """The manifest of a case folder, or IntegrityError when it is missing or unreadable."""
    path = Path(folder) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise IntegrityError("mappen har ingen manifest.json; dokumenterne kan ikke kontrolleres",
                             file=str(folder)) from err
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise IntegrityError("manifest.json kan ikke læses", file=str(path)) from err
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        raise IntegrityError("manifest.json har ikke det forventede indhold", file=str(path))
    return data


def merged(folder: Path, case_id: str, entries: dict[str, dict], generated_at: datetime) -> bytes:
    """The manifest bytes for ``folder``: the existing entries with this run's ``entries`` over them."""
    documents: dict[str, dict] = {}
    if (Path(folder) / MANIFEST_NAME).exists():
        try:
            documents = read(folder)["documents"]
        except IntegrityError as err:
            raise OutputError("den eksisterende manifest.json kan ikke læses; flyt eller slet den",
                              file=str(Path(folder) / MANIFEST_NAME)) from err
    documents.update(entries)
    manifest = {
        "format": FORMAT,
        "case_id": case_id,
        "updated_at": generated_at.isoformat(),
        "documents": dict(sorted(documents.items())),
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")



def unchanged(folder: str | Path, names: list[str]) -> dict[str, tuple[bytes, dict]]:
    """The documents among ``names`` that lie in ``folder`` exactly as generated: name -> (bytes, entry).

    ``generate --pdf`` makes the PDF of such a document from the document itself,
    without ``--force``; one changed since generation is not among them.
    """
    folder = Path(folder)
    if not (folder / MANIFEST_NAME).is_file():
        return {}
    try:
        listed = read(folder)["documents"]
    except IntegrityError:
        return {}
    found = {}
    for name in names:
        path, entry = folder / name, listed.get(name)
        if isinstance(entry, dict) and path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if sha256(data) == entry.get("sha256"):
                found[name] = (data, entry)
    return found


def verify(folder: str | Path) -> list[str]:
    """Recompute every listed document's hash; return the names that match.

    Raise IntegrityError naming each document that changed, is missing, or lies
    in the folder without being listed.
    """
    folder = Path(folder)
    if folder.name == MANIFEST_NAME and folder.is_file():  # the manifest itself: its case folder
        folder = folder.parent
    if not folder.is_dir():
        raise IntegrityError("mappen findes ikke" if not folder.exists() else
                             "skal være en sags mappe (fx output/KME-2026-031) eller dens manifest.json",
                             file=str(folder))
    listed = read(folder)["documents"]
    problems: list[IntegrityError] = []
    matching: list[str] = []
    if not listed:  # an emptied manifest vouches for nothing
        problems.append(IntegrityError("manifestet nævner ingen dokumenter", file=MANIFEST_NAME))
    for name, entry in listed.items():
        path = folder / name
        if Path(name).name != name or not isinstance(entry, dict):
            problems.append(IntegrityError("manifestet nævner en ugyldig fil", file=name))
        elif not path.is_file():
            problems.append(IntegrityError("dokumentet mangler", file=name))
        elif sha256(path.read_bytes()) != entry.get("sha256"):
            problems.append(IntegrityError("dokumentet er ændret siden det blev dannet", file=name))
        else:
            matching.append(name)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in DOCUMENT_SUFFIXES and path.name not in listed:  # also KME_x.DOCX
            problems.append(IntegrityError("dokumentet står ikke i manifestet", file=path.name))
    if problems:
        raise IntegrityError([p for err in problems for p in err.problems])
    return matching
