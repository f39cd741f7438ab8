"""Tamper evidence: a case folder written through the register is checked against the register's
record of its manifest (issue 18: `verify` said "uændrede" when a document and the manifest were
both edited). Real SQLite files, real documents, the command line."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3

import docx
import pytest

from beredskab.cli.commands import cli

from .conftest import EXAMPLES

CASE = "KME-2026-031"
NOTE = f"{CASE}_incident_note.docx"


@pytest.fixture
def generated(runner, db_path, tmp_path, write_case, phone_threat_data, monkeypatch):
    """The phone-threat case imported into a register file and its documents made through it."""
    monkeypatch.delenv("BEREDSKAB_DB", raising=False)
    db = ["--db", str(db_path), "--user", "hbr"]
    assert runner.invoke(cli, ["cases", "import", str(write_case(phone_threat_data)), *db]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(cli, ["cases", "generate", CASE, "--out", str(out), "--today", "2026-11-26", *db])
    assert result.exit_code == 0, result.output
    return out / CASE


def edit_document_and_manifest(folder, name=NOTE, text="Ændret bagefter"):
    """Change a document's text and write its new hash into manifest.json: the folder check passes."""
    path = folder / name
    document = docx.Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))
    written = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    written["documents"][name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    written["documents"][name]["size"] = path.stat().st_size
    (folder / "manifest.json").write_text(json.dumps(written, ensure_ascii=False, indent=2), encoding="utf-8")
    return written


def test_generate_records_the_manifests_hash_and_each_documents_in_the_register(generated, db_path):
    with sqlite3.connect(db_path) as conn:
        [(case_id, folder, digest, documents, by)] = conn.execute(
            "SELECT case_id, folder, sha256, documents, recorded_by FROM manifests").fetchall()
    assert (case_id, folder, by) == (CASE, str(generated.resolve()), "hbr")
    assert digest == hashlib.sha256((generated / "manifest.json").read_bytes()).hexdigest()
    listed = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert json.loads(documents) == {name: entry["sha256"] for name, entry in listed.items()}
    assert len(listed) == 4


def test_verify_with_the_register_says_the_manifest_is_the_one_recorded(runner, generated, db_path):
    result = runner.invoke(cli, ["verify", str(generated), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-2] == "Alle 4 dokumenter svarer til deres kontrolsum i manifest.json, og mappen har ingen andre dokumenter."
    digest = hashlib.sha256((generated / "manifest.json").read_bytes()).hexdigest()
    assert re.fullmatch(re.escape(f"manifest.json er den, registret ({db_path}) noterede, da dokumenterne blev dannet ")
                        + r"\d+\. \w+ \d{4} kl\. \d\d\.\d\d af hbr "
                        + re.escape(f"(SHA-256 {digest[:16]}…); dokumenterne svarer dermed også til registrets "
                                    "kontrolsummer."), lines[-1]), lines[-1]
    assert "Bemærk" not in result.stdout


def test_verify_finds_a_document_edited_together_with_its_manifest(runner, generated, db_path):
    edit_document_and_manifest(generated)
    alone = runner.invoke(cli, ["verify", str(generated)])
    assert alone.exit_code == 0  # the folder agrees with itself: only the register can tell
    assert "Bemærk: det viser ikke, at ingen har ændret både et dokument og manifestet" in alone.stdout
    result = runner.invoke(cli, ["verify", str(generated), "--db", str(db_path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert re.fullmatch(re.escape(f"Fejl: manifest.json er ændret, siden registret ({db_path}) noterede den ")
                        + r"\d+\. \w+ \d{4} kl\. \d\d\.\d\d af hbr \(manifest\.json\)", lines[0]), lines[0]
    assert lines[1:] == [f"Fejl: dokumentet svarer ikke til registrets kontrolsum fra dannelsen ({NOTE})"]


def test_verify_uses_the_register_named_by_beredskab_db(runner, generated, db_path, monkeypatch):
    edit_document_and_manifest(generated)
    monkeypatch.setenv("BEREDSKAB_DB", str(db_path))
    result = runner.invoke(cli, ["verify", str(generated)])
    assert result.exit_code == 2
    assert f"Fejl: dokumentet svarer ikke til registrets kontrolsum fra dannelsen ({NOTE})" in result.stderr


def test_verify_finds_a_document_removed_from_folder_and_manifest(runner, generated, db_path):
    (generated / NOTE).unlink()
    written = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))
    del written["documents"][NOTE]
    (generated / "manifest.json").write_text(json.dumps(written), encoding="utf-8")
    assert runner.invoke(cli, ["verify", str(generated)]).exit_code == 0
    result = runner.invoke(cli, ["verify", str(generated), "--db", str(db_path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [f"Fejl: dokumentet mangler; registret noterede det ved dannelsen ({NOTE})"]


def test_verify_finds_the_edit_when_the_manifest_is_rewritten_to_name_another_case(runner, generated, db_path):
    written = edit_document_and_manifest(generated)
    written["case_id"] = "KME-2099-999"  # a case the register never saw
    (generated / "manifest.json").write_text(json.dumps(written), encoding="utf-8")
    result = runner.invoke(cli, ["verify", str(generated), "--db", str(db_path)])
    assert result.exit_code == 2
    assert f"({NOTE})" in result.stderr


def test_verify_of_a_folder_moved_elsewhere_still_meets_its_record(runner, generated, db_path, tmp_path):
    moved = tmp_path / "arkiv" / CASE
    moved.parent.mkdir()
    generated.rename(moved)
    result = runner.invoke(cli, ["verify", str(moved), "--db", str(db_path)])
    assert result.exit_code == 0
    assert f"(noteret for mappen {generated.resolve()}; mappen er flyttet eller kopieret)" in result.stdout
    edit_document_and_manifest(moved)
    assert runner.invoke(cli, ["verify", str(moved), "--db", str(db_path)]).exit_code == 2


def test_verify_of_a_folder_not_made_through_the_register_says_only_the_folder_was_checked(
        runner, db_path, tmp_path, monkeypatch):
    monkeypatch.delenv("BEREDSKAB_DB", raising=False)
    case = str(EXAMPLES / "trussel-telefon.json")
    assert runner.invoke(cli, ["cases", "list", "--db", str(db_path)]).exit_code == 0  # a register in use
    assert runner.invoke(cli, ["generate", case, "--out", str(tmp_path)]).exit_code == 0
    result = runner.invoke(cli, ["verify", str(tmp_path / CASE), "--db", str(db_path)])
    assert result.exit_code == 0
    assert (f"Registret ({db_path}) har ingen notering af manifestet for sag {CASE} (dokumenterne er ikke dannet "
            "gennem registret); kun mappen er kontrolleret.") in result.stdout
    assert "Bemærk: det viser ikke" in result.stdout


def test_verify_is_in_the_access_log_without_case_data(runner, generated, db_path):
    assert runner.invoke(cli, ["verify", str(generated), "--db", str(db_path)]).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT action, case_id FROM access_log ORDER BY id DESC LIMIT 1").fetchall()
    assert rows == [("verify", CASE)]


def test_verify_without_a_folder_says_so_once_with_a_register(runner, db_path, tmp_path):
    assert runner.invoke(cli, ["cases", "list", "--db", str(db_path)]).exit_code == 0
    result = runner.invoke(cli, ["verify", str(tmp_path / "nope"), "--db", str(db_path)])
    assert (result.exit_code, result.stderr) == (2, f"Fejl: mappen findes ikke ({tmp_path / 'nope'})\n")


def test_verify_with_a_register_file_that_does_not_exist_says_so_and_creates_nothing(runner, generated, tmp_path):
    missing = tmp_path / "ingen.sqlite3"
    result = runner.invoke(cli, ["verify", str(generated), "--db", str(missing)])
    assert (result.exit_code, result.stderr) == (
        2, f"Fejl: registerfilen findes ikke; der er intet at sammenligne med ({missing})\n")
    assert not missing.exists()
