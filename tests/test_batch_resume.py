"""A batch that resumes, --pdf and --today for batch, and PDFs added beside existing documents. Issue #16."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import docx
import pytest

from beredskab.cli.commands import cli
from beredskab.output import pdf

from .conftest import EXAMPLES

CASE = str(EXAMPLES / "trussel-telefon.json")
FOLDER = "KME-2026-031"


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch) -> Path:
    """A stand-in for LibreOffice: writes '<name>.pdf' (a tiny PDF naming its source) for each input file."""
    fake = tmp_path / "soffice"
    fake.write_text(f"""#!{sys.executable}
import sys
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
for name in args[args.index("--outdir") + 2:]:
    (out / (Path(name).stem + ".pdf")).write_bytes(b"%PDF-1.7 " + Path(name).name.encode())
""")
    fake.chmod(0o700)
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(fake))
    return fake


@pytest.fixture
def cases(tmp_path, phone_threat_data) -> Path:
    folder = tmp_path / "sager"
    folder.mkdir()
    for number in (1, 2):
        add_case(folder, phone_threat_data, number)
    return folder


def add_case(folder: Path, data: dict, number: int) -> None:
    case = json.loads(json.dumps(data))
    case["incident"]["case_id"] = f"R-{number}"
    (folder / f"{number}.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_batch_skip_existing_makes_only_the_new_cases(runner, cases, tmp_path, phone_threat_data):
    out = tmp_path / "out"
    first = runner.invoke(cli, ["batch", str(cases), "--out", str(out), "--jobs", "1"])
    assert first.exit_code == 0, first.stdout
    per_case = len(list((out / "R-1").glob("*.docx")))
    before = snapshot(out)
    add_case(cases, phone_threat_data, 3)
    again = runner.invoke(cli, ["batch", str(cases), "--out", str(out), "--jobs", "2", "--skip-existing"])
    assert again.exit_code == 0, again.stdout
    assert again.stdout.splitlines() == [
        f"3 af 3 sager færdige (2 sprunget over, dokumenterne fandtes), {per_case} dokumenter skrevet i {out}."]
    assert again.stderr.splitlines()[:2] == [f"[1/3] {cases / '1.json'}: sprunget over (dokumenterne findes)",
                                             f"[2/3] {cases / '2.json'}: sprunget over (dokumenterne findes)"]
    after = snapshot(out)
    assert {name: after[name] for name in before} == before  # nothing of the first run touched
    assert len(list((out / "R-3").glob("*.docx"))) == per_case


def test_batch_skip_existing_makes_a_document_that_went_missing(runner, cases, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(cli, ["batch", str(cases), "--out", str(out), "--jobs", "1"]).exit_code == 0
    (out / "R-2" / "R-2_checklist.docx").unlink()
    again = runner.invoke(cli, ["batch", str(cases), "--out", str(out), "--jobs", "1", "--skip-existing"])
    assert again.exit_code == 0
    assert again.stdout.startswith("2 af 2 sager færdige (1 sprunget over, dokumenterne fandtes), 1 dokument skrevet")
    assert (out / "R-2" / "R-2_checklist.docx").is_file()
    assert runner.invoke(cli, ["verify", str(out / "R-2")]).exit_code == 0


def test_batch_today_dates_the_documents(runner, cases, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(cases), "--out", str(out), "--jobs", "1", "--today", "24-11-2026"])
    assert result.exit_code == 0
    first = docx.Document(str(out / "R-1" / "R-1_checklist.docx")).paragraphs[0].text
    assert first.endswith("24. november 2026")


def test_generate_pdf_adds_pdfs_beside_existing_documents_without_force(runner, tmp_path, fake_soffice):
    assert runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path)]).exit_code == 0
    folder = tmp_path / FOLDER
    documents = snapshot(folder)
    result = runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.stderr
    names = sorted(n for n in documents if n.endswith(".docx"))
    assert sorted(result.stdout.splitlines()) == [f"Skrevet: {folder / n.replace('.docx', '.pdf')}" for n in names]
    after = snapshot(folder)
    assert {n: after[n] for n in names} == {n: documents[n] for n in names}  # the Word documents kept as they were
    assert after[names[0].replace(".docx", ".pdf")] == b"%PDF-1.7 " + names[0].encode()  # made from them
    entries = json.loads(after["manifest.json"])["documents"]
    assert entries[names[0].replace(".docx", ".pdf")]["converted_from"] == names[0]
    assert runner.invoke(cli, ["verify", str(folder)]).exit_code == 0
    again = runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path), "--pdf"])
    assert again.exit_code == 2 and "brug --force" in again.stderr


def test_generate_pdf_does_not_convert_a_document_changed_since_generation(runner, tmp_path, fake_soffice):
    assert runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path), "--doc", "incident_note"]).exit_code == 0
    note = tmp_path / FOLDER / f"{FOLDER}_incident_note.docx"
    note.write_bytes(note.read_bytes() + b"edited")
    result = runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path), "--doc", "incident_note", "--pdf"])
    assert result.exit_code == 2
    assert result.stderr == (f"Fejl: findes allerede og bliver ikke overskrevet; brug --force for at erstatte det "
                             f"({note})\n")
    assert not note.with_suffix(".pdf").exists()


def test_batch_pdf_with_skip_existing_adds_the_missing_pdfs(runner, cases, tmp_path, fake_soffice):
    out = tmp_path / "out"
    assert runner.invoke(cli, ["batch", str(cases), "--out", str(out), "--jobs", "1"]).exit_code == 0
    words = sorted(p.name for p in out.rglob("*.docx"))
    result = runner.invoke(cli, ["batch", str(cases), "--out", str(out), "--jobs", "1", "--pdf", "--skip-existing"])
    assert result.exit_code == 0, result.stdout
    assert sorted(p.name for p in out.rglob("*.pdf")) == [n.replace(".docx", ".pdf") for n in words]
    assert result.stdout.startswith(f"2 af 2 sager færdige, {len(words)} dokumenter skrevet")
