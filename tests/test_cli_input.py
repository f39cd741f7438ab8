"""The input commands: init, schema, and --set on validate and generate."""

from __future__ import annotations

import json

import docx
import pytest

from beredskab.cli.commands import cli

from .conftest import EXAMPLES

CASE = str(EXAMPLES / "trussel-telefon.json")


def test_init_prints_a_skeleton_of_every_form(runner, forms):
    result = runner.invoke(cli, ["init", "case"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == forms.sections
    assert data["incident"]["occurred_at"] == {"start": None, "end": None}


def test_init_unknown_form_is_a_danish_error(runner):
    result = runner.invoke(cli, ["init", "incidnet"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: formularen 'incidnet' findes ikke")


def test_schema_writes_a_file_editors_can_use(runner, tmp_path):
    target = tmp_path / "beredskab.schema.json"
    result = runner.invoke(cli, ["schema", "case", "-o", str(target)])
    assert result.exit_code == 0
    assert result.output == f"Skrevet: {target}\n"
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["properties"]["incident"]["properties"]["location"]["title"] == "Sted"


def test_schema_of_one_form_prints_only_that_section(runner):
    result = runner.invoke(cli, ["schema", "support"])
    assert result.exit_code == 0
    assert set(json.loads(result.stdout)["properties"]) == {"$schema", "$version", "support"}


def test_validate_with_set_coerces_values_by_the_schema(runner):
    result = runner.invoke(cli, [
        "validate", CASE, "--set", "incident.police.reported=j", "--set", "incident.police.reported_by=leader",
        "--set", "incident.police.reported_at=17-11-2026 kl. 12.00",
        "--set", "incident.police.journal_number=3700-12345-00123-26",
    ])
    assert result.exit_code == 0, result.output


def test_validate_with_set_reports_the_field_not_the_value(runner):
    result = runner.invoke(cli, ["validate", CASE, "--set", "incident.sick_leave.days=mange"])
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: Felt 'Antal fraværsdage indtil nu' (incident.sick_leave.days): skal være et helt tal ({CASE})\n"


def test_validate_with_set_of_an_unknown_field_fails(runner):
    result = runner.invoke(cli, ["validate", CASE, "--set", "incident.lokation=x"])
    assert result.exit_code == 2
    assert "ukendt felt i --set" in result.stderr


def test_generate_with_set_changes_the_document(runner, tmp_path):
    result = runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path), "--set", "incident.location=Skranke 7"])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "KME-2026-031" / "KME-2026-031_incident_note.docx"))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    text += "\n".join(p.text for p in document.paragraphs)
    assert "Skranke 7" in text
