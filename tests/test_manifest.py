"""Tests of beredskab.output.manifest and `beredskab verify`: the audit manifest round trip."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from beredskab import __version__

from beredskab.output import manifest
from beredskab.cli.commands import cli
from beredskab.errors import IntegrityError

from .conftest import EXAMPLES, ROOT, TODAY

CASE = str(EXAMPLES / "trussel-telefon.json")
FOLDER = "KME-2026-031"
NOTE = f"{FOLDER}_incident_note.docx"


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def case_folder(engine, phone_threat, tmp_path):
    """A case folder generated from the phone-threat example."""
    engine.write(phone_threat, tmp_path, ["incident_note"], today=TODAY)
    return tmp_path / FOLDER


@pytest.fixture
def written(case_folder) -> dict:
    return json.loads((case_folder / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))


def test_manifest_lists_the_document_with_its_hash_template_forms_and_version(case_folder, written, phone_threat):
    assert written["format"] == 1 and written["case_id"] == FOLDER
    entry = written["documents"][NOTE]
    assert entry["document"] == "incident_note"
    assert entry["sha256"] == sha(case_folder / NOTE)
    assert entry["size"] == (case_folder / NOTE).stat().st_size
    assert entry["generator"] == {"name": "beredskab", "version": __version__}
    assert entry["forms"] == {"incident": 2, "support": 1, "followup": 1, "ban": 2}
    assert entry["case_sha256"] == manifest.case_hash(phone_threat.data)
    assert entry["reference"] == {"sha256": sha(ROOT / "templates" / "reference.docx")}
    assert entry["generated_at"][:4].isdigit() and "T" in entry["generated_at"]


def test_manifest_template_hash_covers_the_extends_chain(written):
    template = written["documents"][NOTE]["template"]
    assert template["name"] == "incident_note.html.j2"
    assert template["sources"] == {
        name: sha(ROOT / "templates" / name) for name in ("_base.html.j2", "_macros.html.j2", "incident_note.html.j2")
    }
    assert template == manifest.template_record(
        "incident_note.html.j2",
        {name: (ROOT / "templates" / name).read_text(encoding="utf-8")
         for name in ("_base.html.j2", "_macros.html.j2", "incident_note.html.j2")})


def test_manifest_holds_no_personal_data(case_folder, phone_threat):
    text = (case_folder / manifest.MANIFEST_NAME).read_text(encoding="utf-8")
    for value in ("Mette Søndergaard", "Lone Kristensen", phone_threat.data["incident"]["location"]):
        assert value not in text


def test_manifest_is_private(case_folder):
    assert stat.S_IMODE((case_folder / manifest.MANIFEST_NAME).stat().st_mode) == 0o600


def test_manifest_case_hash_is_canonical(phone_threat):
    original = manifest.case_hash(phone_threat.data)
    reordered = {key: phone_threat.data[key] for key in reversed(list(phone_threat.data))}
    assert manifest.case_hash(reordered) == original
    phone_threat.data["incident"]["location"] += "."
    assert manifest.case_hash(phone_threat.data) != original


def test_manifest_merges_the_entries_of_earlier_runs(engine, phone_threat, case_folder, written):
    earlier = {"document": "visit_ban", "sha256": "0" * 64}
    written["documents"][f"{FOLDER}_visit_ban.docx"] = earlier
    (case_folder / manifest.MANIFEST_NAME).write_text(json.dumps(written), encoding="utf-8")
    engine.write(phone_threat, case_folder.parent, ["incident_note"], force=True, today=TODAY)
    merged = manifest.read(case_folder)["documents"]
    assert sorted(merged) == [NOTE, f"{FOLDER}_visit_ban.docx"]
    assert merged[f"{FOLDER}_visit_ban.docx"] == earlier
    assert merged[NOTE]["sha256"] == sha(case_folder / NOTE)


def test_manifest_is_kept_when_the_run_is_refused(engine, phone_threat, case_folder):
    before = (case_folder / manifest.MANIFEST_NAME).read_bytes()
    with pytest.raises(Exception, match="brug --force"):
        engine.write(phone_threat, case_folder.parent, ["incident_note"], today=TODAY)
    assert (case_folder / manifest.MANIFEST_NAME).read_bytes() == before


def test_verify_accepts_the_documents_as_generated(case_folder):
    assert manifest.verify(case_folder) == [NOTE]


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda folder: (folder / NOTE).write_bytes((folder / NOTE).read_bytes() + b"\0"),
         "dokumentet er ændret siden det blev dannet"),
        (lambda folder: (folder / NOTE).unlink(), "dokumentet mangler"),
        (lambda folder: (folder / f"{FOLDER}_extra.pdf").write_bytes(b"%PDF-"), "dokumentet står ikke i manifestet"),
    ],
    ids=["tampered", "missing", "unlisted"],
)
def test_verify_names_each_document_that_does_not_match(case_folder, damage, reason):
    damage(case_folder)
    with pytest.raises(IntegrityError) as info:
        manifest.verify(case_folder)
    assert info.value.exit_code == 2
    name = f"{FOLDER}_extra.pdf" if "manifestet" in reason else NOTE
    assert info.value.lines() == [f"{reason} ({name})"]


@pytest.mark.parametrize(
    "content, reason",
    [(None, "mappen har ingen manifest.json; dokumenterne kan ikke kontrolleres"),
     ("{not json", "manifest.json kan ikke læses"),
     ('{"documents": []}', "manifest.json har ikke det forventede indhold")],
    ids=["no-manifest", "broken-json", "wrong-shape"],
)
def test_verify_without_a_readable_manifest_is_a_danish_error(tmp_path, content, reason):
    if content is not None:
        (tmp_path / manifest.MANIFEST_NAME).write_text(content, encoding="utf-8")
    with pytest.raises(IntegrityError) as info:
        manifest.verify(tmp_path)
    assert info.value.lines()[0].startswith(reason)


def test_verify_refuses_manifest_names_outside_the_folder(tmp_path):
    (tmp_path / manifest.MANIFEST_NAME).write_text(
        json.dumps({"documents": {"../secret.docx": {"sha256": "0"}}}), encoding="utf-8")
    with pytest.raises(IntegrityError, match="manifestet nævner en ugyldig fil"):
        manifest.verify(tmp_path)


def test_cli_verify_round_trip_catches_a_tampered_document(runner, tmp_path):
    assert runner.invoke(cli, ["generate", CASE, "--doc", "incident_note", "--out", str(tmp_path)]).exit_code == 0
    folder = tmp_path / FOLDER
    result = runner.invoke(cli, ["verify", str(folder)])
    assert result.exit_code == 0
    assert result.output == (f"Uændret: {NOTE}\nAlle 1 dokumenter svarer til deres kontrolsum i manifest.json, "
                             "og mappen har ingen andre dokumenter.\nBemærk: det viser ikke, at ingen har ændret "
                             "både et dokument og manifestet; det kan enhver, der kan skrive i mappen.\n")
    document = folder / NOTE
    document.write_bytes(document.read_bytes() + b" ")  # one byte appended: Word would still open it
    result = runner.invoke(cli, ["verify", str(folder)])
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: dokumentet er ændret siden det blev dannet ({NOTE})\n"


def test_verify_treats_an_emptied_manifest_as_a_finding(case_folder):
    """Issue 18: 'Alle 0 dokumenter er uændrede' for a manifest emptied of its entries."""
    written = json.loads((case_folder / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))
    written["documents"] = {}
    (case_folder / manifest.MANIFEST_NAME).write_text(json.dumps(written), encoding="utf-8")
    with pytest.raises(IntegrityError) as info:
        manifest.verify(case_folder)
    assert info.value.lines() == ["manifestet nævner ingen dokumenter (manifest.json)",
                                  f"dokumentet står ikke i manifestet ({NOTE})"]
    # and with the documents gone too: this is where the code before issue 18 said "Alle 0 ..."
    (case_folder / NOTE).unlink()
    with pytest.raises(IntegrityError) as info:
        manifest.verify(case_folder)
    assert info.value.lines() == ["manifestet nævner ingen dokumenter (manifest.json)"]


def test_verify_names_an_unlisted_upper_case_docx(case_folder):
    """Issue 18: a KME_x.DOCX beside the documents was not seen."""
    (case_folder / f"{FOLDER}_EXTRA.DOCX").write_bytes(b"PK")
    with pytest.raises(IntegrityError) as info:
        manifest.verify(case_folder)
    assert info.value.lines() == [f"dokumentet står ikke i manifestet ({FOLDER}_EXTRA.DOCX)"]


def test_manifest_template_sources_are_read_again_when_a_template_changes(tmp_path):
    """The sources are kept per process (issue 19) only while the files are unchanged."""
    import os

    from beredskab import Engine

    pack = tmp_path / "pack"
    (pack / "templates").mkdir(parents=True)
    template = pack / "templates" / "incident_note.html.j2"
    template.write_text('{% extends "default/incident_note.html.j2" %}', encoding="utf-8")
    engine = Engine.load(pack)
    first = engine.renderer.sources("incident_note")
    assert engine.renderer.sources("incident_note") == first
    template.write_text('{% extends "default/incident_note.html.j2" %}{# anden udgave #}', encoding="utf-8")
    stamp = template.stat().st_mtime_ns + 1_000_000_000
    os.utime(template, ns=(stamp, stamp))  # a new modification time, as an editor's save gives
    again = engine.renderer.sources("incident_note")
    assert again["incident_note.html.j2"].endswith("{# anden udgave #}")
    assert {k: v for k, v in again.items() if k != "incident_note.html.j2"} == {
        k: v for k, v in first.items() if k != "incident_note.html.j2"}


def test_a_files_hash_is_kept_per_process_while_the_file_is_unchanged(tmp_path, monkeypatch):
    """The reference document is hashed once per batch, not once per case (issue 19)."""
    import os

    from beredskab.output import manifest as manifest_module

    path = tmp_path / "reference.docx"
    path.write_bytes(b"first")
    assert manifest_module.file_sha256(path) == manifest_module.sha256(b"first")
    reads: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    assert manifest_module.file_sha256(path) == manifest_module.sha256(b"first")
    assert reads == []
    path.write_bytes(b"second")  # same size: the modification time tells
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert manifest_module.file_sha256(path) == manifest_module.sha256(b"second")


def test_manifest_text_is_what_json_dumps_writes(written, case_folder):
    text = (case_folder / "manifest.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
