"""The input commands: init, schema, and --set on validate and generate."""

from __future__ import annotations

import json

import docx
import pytest

from beredskab.cli.commands import cli

from .conftest import EXAMPLES

CASE = str(EXAMPLES / "trussel-telefon.json")


def test_init_prints_a_skeleton_of_a_case_and_names_the_sections_to_add(runner, forms):
    result = runner.invoke(cli, ["init", "case"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["incident"]
    assert data["incident"]["occurred_at"] == {"start": None, "end": None}
    assert result.stderr == ("Sektioner, en sag kan have (support, followup, ban), tilføjes med fx: "
                             "beredskab fill support -o SAG.json\n")


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
    result = runner.invoke(cli, ["validate", CASE, "--set", "incident.affected_employees[0].sick_leave.days=mange"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Fejl: Felt 'Antal fraværsdage indtil nu' (incident.affected_employees[0].sick_leave.days): "
        f"skal være et helt tal ({CASE})\n")


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


def test_set_creates_the_items_of_a_list_a_new_case_lacks(runner, write_case, phone_threat_data):
    """`--set incident.affected_employees[0].name=...` made a dict {"0": ...} and lost the value (issue #16)."""
    del phone_threat_data["incident"]["affected_employees"]
    case = write_case(phone_threat_data)
    person = ["--set", "incident.affected_employees[0].name=Ole Holm",
              "--set", "incident.affected_employees[0].job_title=Rådgiver",
              "--set", "incident.affected_employees[0].sick_leave.has_leave=n"]  # per employee (issue 15)
    result = runner.invoke(cli, ["validate", str(case), *person])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(cli, ["fill", "incident", "-o", str(case), "--no-input", *person])
    assert result.exit_code == 0, result.stderr
    saved = json.loads(case.read_text(encoding="utf-8"))["incident"]["affected_employees"]
    assert saved == [{"name": "Ole Holm", "job_title": "Rådgiver", "sick_leave": {"has_leave": False}, "injuries": {}}]


@pytest.mark.parametrize("value, key", [("Telefon", "phone"), ("telefon", "phone"), ("phone", "phone")])
def test_set_accepts_a_choices_danish_label_as_well_as_its_key(runner, tmp_path, value, key):
    target = tmp_path / "sag.json"
    target.write_bytes((EXAMPLES / "trussel-telefon.json").read_bytes())
    result = runner.invoke(cli, ["fill", "incident", "-o", str(target), "--no-input", "--set", f"incident.channel={value}",
                                 "--set", "incident.incident_types=Trussel,bullying"])
    assert result.exit_code == 0, result.stderr
    saved = json.loads(target.read_text(encoding="utf-8"))["incident"]
    assert saved["channel"] == key and saved["incident_types"] == ["threat", "bullying"]


def test_set_with_an_unknown_choice_lists_the_keys_with_their_danish_labels(runner):
    result = runner.invoke(cli, ["validate", CASE, "--set", "incident.channel=Fax"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Fejl: Felt 'Kontaktform' (incident.channel): er ikke et gyldigt valg; mulige værdier: personal (Personlig "
        "kontakt), phone (Telefon), letter (Brev), email (E-mail), social_media (Sociale medier), other (Andet)\n")
    assert "Fax" not in result.stderr


def test_generate_a_ban_for_a_case_without_one_says_so_in_case_terms(runner, tmp_path):
    result = runner.invoke(cli, ["generate", CASE, "--doc", "visit_ban", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == ("Fejl: sagen har ingen 'Forbud mod at komme i forvaltningen' (ban), som dokumentet "
                             "'visit_ban' bygger på; udfyld den med 'beredskab fill ban -o SAG.json'\n")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("needs, reason", [
    ("[bann]", "feltet 'bann' findes ikke i formularerne"),
    ("[incident.location]", "'incident.location' er ikke en sektion af sagen (fx ban)"),
], ids=["unknown", "not-a-section"])
def test_a_document_that_needs_what_the_forms_lack_is_a_pack_error(runner, make_pack, needs, reason):
    pack = make_pack({"plan.yaml": f"documents:\n  visit_ban:\n    needs: {needs}\n"})
    result = runner.invoke(cli, ["validate", CASE, "--plan", str(pack)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: documents.visit_ban") and reason in result.stderr
