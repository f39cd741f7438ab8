"""Documents made from the register: recorded with version and hashes, re-issued from an earlier version."""

from __future__ import annotations

import hashlib
import io
import json

import docx
import pytest

from beredskab.cli.commands import cli
from beredskab.errors import CaseError, RegisterError
from beredskab.register import save, set_fields
from beredskab.register.documents import documents, generate, issue

from .conftest import TODAY


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_generate_records_each_document_as_the_manifest_does(register, example_data, tmp_path):
    save(register, example_data("phone_threat"))
    paths = generate(register, "KME-2026-031", tmp_path / "out", today=TODAY)
    assert [p.name for p in paths] == [
        "KME-2026-031_incident_note.docx", "KME-2026-031_personnel_file_note_1.docx",
        "KME-2026-031_safetynet_summary.docx", "KME-2026-031_checklist.docx"]
    records = {r.file_name: r for r in documents(register, "KME-2026-031")}
    manifest = json.loads((tmp_path / "out" / "KME-2026-031" / "manifest.json").read_text(encoding="utf-8"))
    for path in paths:
        record = records[path.name]
        assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == manifest["documents"][path.name]["sha256"]
        assert record.version == 1 and record.generated_by == "hbr" and record.today == TODAY.isoformat()
        assert record.template == manifest["documents"][path.name]["template"]
        assert record.reference_sha256 == manifest["documents"][path.name]["reference"]["sha256"]
    assert "Sofie" not in json.dumps([r.template for r in records.values()])


def test_documents_can_be_issued_again_from_an_earlier_version(register, example_data, tmp_path):
    data = example_data("phone_threat")
    save(register, data)
    first_location = data["incident"]["location"]
    set_fields(register, "KME-2026-031", [("incident.location", "Mødelokale 2, Rådhuset")])
    newest = generate(register, "KME-2026-031", tmp_path / "new", ["incident_note"], today=TODAY)
    again = generate(register, "KME-2026-031", tmp_path / "old", ["incident_note"], version=1, today=TODAY)
    assert "Mødelokale 2, Rådhuset" in _text(newest[0].read_bytes())
    old_text = _text(again[0].read_bytes())
    assert first_location in old_text and "Mødelokale 2" not in old_text
    assert [(r.version, r.name) for r in documents(register, "KME-2026-031")] == [
        (2, "incident_note"), (1, "incident_note")]


def test_issue_in_memory_records_the_bytes_it_returns(register, example_data):
    save(register, example_data("harassment_ban"))
    issued = issue(register, "KME-2026-029", "visit_ban", today=TODAY)
    assert issued.file_name == "KME-2026-029_visit_ban.docx"
    assert "Forbud" in _text(issued.data)
    (record,) = documents(register, "KME-2026-029")
    assert record.sha256 == hashlib.sha256(issued.data).hexdigest() and record.size == len(issued.data)
    with pytest.raises(CaseError, match="dokumentet 'nope' findes ikke"):
        issue(register, "KME-2026-029", "nope")


def test_no_documents_from_a_draft(register, example_data, tmp_path):
    data = example_data("phone_threat")
    del data["incident"]["description"]
    save(register, data, draft=True)
    with pytest.raises(RegisterError, match="er en kladde med 1 fejl; ret sagen, før der dannes dokumenter"):
        generate(register, "KME-2026-031", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert documents(register, "KME-2026-031") == []


def test_cli_cases_generate_and_show_lists_the_documents(runner, db_path, tmp_path, write_case, phone_threat_data):
    db = ["--db", str(db_path), "--user", "hbr"]
    runner.invoke(cli, ["cases", "import", str(write_case(phone_threat_data)), *db])
    out = tmp_path / "out"
    result = runner.invoke(cli, ["cases", "generate", "KME-2026-031", "--doc", "checklist", "--out", str(out),
                                 "--today", "2026-11-26", *db])
    assert result.exit_code == 0
    assert result.output == f"Skrevet: {out / 'KME-2026-031' / 'KME-2026-031_checklist.docx'}\n"
    assert "Overskredet" in _text((out / "KME-2026-031" / "KME-2026-031_checklist.docx").read_bytes())
    again = runner.invoke(cli, ["cases", "generate", "KME-2026-031", "--doc", "checklist", "--out", str(out), *db])
    assert again.exit_code == 2 and "brug --force" in again.stderr
    shown = runner.invoke(cli, ["cases", "show", "KME-2026-031", *db]).output
    assert "Dokumenter dannet fra registret:\n  KME-2026-031_checklist.docx · version 1 · " in shown
    assert len(runner.invoke(cli, ["cases", "show", "KME-2026-031", *db]).output.split("checklist.docx")) == 2
