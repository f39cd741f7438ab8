"""Tests of beredskab.output.pdf and `generate --pdf`: LibreOffice converts every example document, PDF/A copies.

Tests marked ``libreoffice`` need soffice; they skip where it is missing, except in
CI, where BEREDSKAB_REQUIRE_LIBREOFFICE=1 turns the skip into a failure.
"""

from __future__ import annotations

import json
import re
import stat

import pytest

from beredskab.output import pdf
from beredskab.cli.commands import cli
from beredskab.errors import EnvironmentFailure

from .conftest import EXAMPLES, NOW, TODAY

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
CASE = str(EXAMPLES / "trussel-telefon.json")
FOLDER = "KME-2026-031"


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


@pytest.fixture
def no_soffice(monkeypatch, tmp_path):
    """Make LibreOffice unavailable: $BEREDSKAB_SOFFICE names a program that does not exist."""
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "missing" / "soffice"))


@pytest.mark.libreoffice
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_pdf_every_example_document_converts_with_libreoffice(engine, example):
    case = engine.validate(json.loads(example.read_text(encoding="utf-8")), now=NOW)
    names = engine.select(case)
    documents = {f"{name}.docx": engine.render(case, name, today=TODAY) for name in names}
    pdfs = pdf.convert(documents, pdfa=False)
    assert sorted(pdfs) == sorted(f"{name}.pdf" for name in names)
    for data in pdfs.values():
        assert data.startswith(b"%PDF-")
        assert page_count(data) >= 1


@pytest.mark.libreoffice
def test_pdf_convert_makes_a_tagged_danish_pdfa_with_the_title(engine, phone_threat):
    [data] = pdf.convert({"note.docx": engine.render(phone_threat, "incident_note", today=TODAY)}).values()
    assert b"<pdfaid:part>2</pdfaid:part>" in data  # PDF/A-2 in the XMP metadata
    assert b"/StructTreeRoot" in data  # tagged: headings and tables reach a screen reader
    assert b"/Lang(da-DK)" in data
    assert "<rdf:li xml:lang=\"x-default\">Notat om hændelsen – KME-2026-031</rdf:li>".encode() in data


@pytest.mark.libreoffice
def test_cli_generate_pdf_writes_a_private_pdfa_copy_beside_each_docx(runner, tmp_path):
    result = runner.invoke(cli, ["generate", CASE, "--doc", "incident_note", "--out", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / FOLDER
    docx_path, pdf_path = folder / f"{FOLDER}_incident_note.docx", folder / f"{FOLDER}_incident_note.pdf"
    assert result.output == f"Skrevet: {docx_path}\nSkrevet: {pdf_path}\n"
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf_path.read_bytes()
    assert stat.S_IMODE(pdf_path.stat().st_mode) == 0o600
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"][pdf_path.name]["converted_from"] == docx_path.name
    assert runner.invoke(cli, ["verify", str(folder)]).exit_code == 0


@pytest.mark.parametrize("how", ["env-var-to-missing-program", "path-without-soffice"])
def test_cli_generate_pdf_without_libreoffice_still_writes_the_docx(runner, tmp_path, monkeypatch, how):
    if how == "path-without-soffice":
        monkeypatch.delenv(pdf.SOFFICE_ENV, raising=False)
        monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    else:
        monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "missing" / "soffice"))
    result = runner.invoke(cli, ["generate", CASE, "--doc", "incident_note", "--out", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 1
    folder = tmp_path / "out" / FOLDER
    assert result.stderr == (
        "Fejl: LibreOffice (soffice) blev ikke fundet, så der er ikke dannet PDF (installér LibreOffice Writer, "
        f"eller angiv programmet med BEREDSKAB_SOFFICE); Word-dokumenterne er skrevet ({folder})\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == [f"{FOLDER}_incident_note.docx", "manifest.json"]
    assert runner.invoke(cli, ["verify", str(folder)]).exit_code == 0


def test_pdf_convert_without_libreoffice_is_an_environment_failure(no_soffice):
    assert pdf.find_soffice() is None
    with pytest.raises(EnvironmentFailure) as info:
        pdf.convert({"a.docx": b"PK"})
    assert info.value.exit_code == 1
    assert info.value.lines() == [pdf.MISSING_MESSAGE]


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """Put a stand-in for LibreOffice with the given script where beredskab looks for it."""

    def install(script: str) -> None:
        fake = tmp_path / "soffice"
        fake.write_text(script)
        fake.chmod(0o700)
        monkeypatch.setenv(pdf.SOFFICE_ENV, str(fake))

    return install


def test_pdf_conversion_that_produces_nothing_is_an_environment_failure(fake_soffice):
    fake_soffice("#!/bin/sh\nexit 0\n")
    with pytest.raises(EnvironmentFailure, match="kunne ikke omdanne a.docx til PDF"):
        pdf.convert({"a.docx": b"PK"})


def test_pdf_conversion_that_hangs_is_stopped_by_the_timeout(fake_soffice, monkeypatch):
    fake_soffice("#!/bin/sh\nsleep 30 &\nwait\n")  # a child that outlives a killed wrapper
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 0.2)
    with pytest.raises(EnvironmentFailure, match="svarede ikke inden for"):
        pdf.convert({"a.docx": b"PK"})


def test_pdf_program_that_cannot_start_is_an_environment_failure(fake_soffice):
    fake_soffice("#!/nonexistent/interpreter\n")
    with pytest.raises(EnvironmentFailure, match="LibreOffice kunne ikke startes"):
        pdf.convert({"a.docx": b"PK"})
