"""The command line: thin commands, Danish output, exit codes, nothing written on bad input."""

from __future__ import annotations

import docx
import pytest

from beredskab.cli.commands import cli

from .conftest import EXAMPLES

CASE = str(EXAMPLES / "trussel-telefon.json")


def test_cli_help_is_danish_with_an_example(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Brug: beredskab [TILVALG] KOMMANDO")
    assert "Eksempel: beredskab generate" in result.output
    assert "Kommandoer:" in result.output


def test_cli_forms_lists_forms_and_documents(runner):
    result = runner.invoke(cli, ["forms"])
    assert result.exit_code == 0
    assert "incident" in result.output and "Hændelsen" in result.output
    assert "incident_note" in result.output and "Notat om hændelsen" in result.output


def test_cli_validate_accepts_the_example(runner):
    result = runner.invoke(cli, ["validate", CASE])
    assert result.exit_code == 0
    assert result.output == "Sagen KME-2026-031 er gyldig (incident, support).\n"


def test_cli_validate_reports_each_problem_on_one_line(runner, phone_threat_data, write_case):
    del phone_threat_data["incident"]["description"]
    phone_threat_data["incident"]["affected_employees"][0]["name"] = ""
    path = write_case(phone_threat_data)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Fejl: Felt 'Navn' (incident.affected_employees[0].name): må ikke være tom ({path})",
        f"Fejl: Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes ({path})",
    ]
    assert "Traceback" not in result.output


def test_cli_invalid_json_names_line_and_column(runner, tmp_path):
    path = tmp_path / "sag.json"
    path.write_text('{"incident": {\n  "case_id": "A"\n  "x": 1}}', encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: ugyldig JSON: mangler et komma ({path}, linje 3, kolonne 3)\n"


def test_cli_generate_writes_the_incident_note(runner, tmp_path):
    result = runner.invoke(cli, ["generate", CASE, "--doc", "incident_note", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "KME-2026-031" / "KME-2026-031_incident_note.docx"
    assert result.output == f"Skrevet: {path}\n"
    assert docx.Document(str(path)).paragraphs[1].text == "Notat om hændelsen"


def test_cli_generate_refuses_to_overwrite_without_force(runner, tmp_path):
    runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path)])
    result = runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "findes allerede og bliver ikke overskrevet; brug --force" in result.stderr
    assert runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path), "--force"]).exit_code == 0


def test_cli_generate_writes_nothing_for_a_bad_case(runner, phone_threat_data, write_case, tmp_path):
    phone_threat_data["incident"]["note_date"] = "2026-02-30"
    out = tmp_path / "out"
    result = runner.invoke(cli, ["generate", str(write_case(phone_threat_data)), "--out", str(out)])
    assert result.exit_code == 2
    assert "datoen findes ikke i kalenderen" in result.stderr
    assert not out.exists()


def test_cli_generate_rejects_an_unknown_document(runner, tmp_path):
    result = runner.invoke(cli, ["generate", CASE, "--doc", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: dokumentet 'nope' findes ikke; mulige: incident_note")


def test_cli_usage_errors_are_danish(runner):
    result = runner.invoke(cli, ["validate", "--bogus"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Fejl: ukendt tilvalg --bogus"
    result = runner.invoke(cli, ["validate"])
    assert result.stderr.splitlines()[0] == "Fejl: mangler SAG.json"


def test_cli_missing_file_and_folder(runner, tmp_path):
    assert runner.invoke(cli, ["validate", str(tmp_path / "x.json")]).stderr == f"Fejl: filen findes ikke ({tmp_path / 'x.json'})\n"
    assert runner.invoke(cli, ["validate", str(tmp_path)]).stderr == f"Fejl: er en mappe, ikke en sagsfil ({tmp_path})\n"
