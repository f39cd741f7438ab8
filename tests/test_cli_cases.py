"""``beredskab cases ...``: import, list, show, export, set, close, reopen against a real register file."""

from __future__ import annotations

import json
import stat

import pytest

from beredskab.cli.commands import cli

from .conftest import EXAMPLES

EXAMPLE_FILES = sorted(str(p) for p in EXAMPLES.glob("*.json"))


@pytest.fixture
def cases(runner, db_path):
    """Run ``beredskab cases ...`` on the test's register file as user 'hbr'."""

    def run(*args: str, user: str = "hbr"):
        return runner.invoke(cli, ["cases", *args, "--db", str(db_path), "--user", user])

    return run


@pytest.fixture
def imported(cases):
    result = cases("import", *EXAMPLE_FILES)
    assert result.exit_code == 0, result.output
    return result


def test_cases_import_says_what_was_new_then_unchanged(cases, imported):
    assert imported.output.splitlines() == [
        "Ny sag: KME-2026-029 (version 1)", "Ny sag: KME-2026-031 (version 1)", "Ny sag: KME-2026-038 (version 1)"]
    again = cases("import", EXAMPLE_FILES[1])
    assert again.output == "Uændret: KME-2026-031 (version 1)\n"


def test_cases_import_refuses_an_invalid_file_unless_draft(cases, tmp_path, phone_threat_data):
    del phone_threat_data["incident"]["description"]
    path = tmp_path / "sag.json"
    path.write_text(json.dumps(phone_threat_data), encoding="utf-8")
    refused = cases("import", str(path))
    assert refused.exit_code == 2
    assert refused.stderr == f"Fejl: Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes ({path})\n"
    draft = cases("import", str(path), "--draft")
    assert draft.exit_code == 0
    assert draft.output.splitlines() == [
        "Ny sag, kladde med 1 fejl: KME-2026-031 (version 1)",
        "  - Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes"]
    shown = cases("show", "KME-2026-031")
    assert "Kladde med 1 fejl:" in shown.output and "Handleplan" not in shown.output


def test_cases_import_of_a_missing_file_is_one_danish_line(cases, tmp_path):
    result = cases("import", str(tmp_path / "findes-ikke.json"))
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: filen findes ikke ({tmp_path / 'findes-ikke.json'})\n"


def test_cases_list_shows_status_and_overdue(cases, imported):
    result = cases("list", "--today", "2026-11-26")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["Sag", "Ver.", "Status", "Næste", "frist", "Oprettet", "af"]
    row = next(line for line in lines if line.startswith("KME-2026-031"))
    assert row.split() == ["KME-2026-031", "1", "åben", "2026-11-20", "!", "hbr"]
    assert lines[-1] == "3 sag(er); 2 med overskredet frist."


def test_cases_list_json_and_mine(cases, imported):
    cases("import", str(EXAMPLES / "vold-skranke.json"), user="amr")  # unchanged: still hbr's case
    listed = json.loads(cases("list", "--json", "--today", "2026-11-26").output)
    assert [(c["case_id"], c["overdue"], c["draft"]) for c in listed] == [
        ("KME-2026-029", True, False), ("KME-2026-031", True, False), ("KME-2026-038", False, False)]
    assert cases("list", "--mine", user="amr").output == "Ingen sager i registret.\n"


def test_cases_show_prints_the_action_plan_and_history(cases, imported):
    cases("set", "KME-2026-031", "--set", "followup.safetynet_registered_at=2026-11-24", "--reason", "Anmeldt",
          user="amr")
    result = cases("show", "KME-2026-031", "--history", "--today", "2026-11-26")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Sag KME-2026-031 · åben · oprettet ")
    assert "Version 2, gemt " in out and " af amr: Anmeldt" in out
    assert "Handleplan for sag KME-2026-031 pr. 26. november 2026" in out
    assert "[x] Sagen anmeldes som arbejdsskade i Safetynet" in out
    history = out.split("Historik:\n")[1].splitlines()
    assert history[0].split()[0] == "1" and history[0].endswith("af hbr: Importeret fra trussel-telefon.json")
    assert history[1].split()[0] == "2" and history[1].endswith("af amr: Anmeldt")


def test_cases_export_writes_a_private_case_file_that_imports_back(cases, imported, tmp_path):
    target = tmp_path / "sag.json"
    result = cases("export", "KME-2026-038", "-o", str(target))
    assert result.output == f"Skrevet: {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["$version"] == 1 and data["incident"]["case_id"] == "KME-2026-038"
    data["incident"]["location"] = "Skranke 4"
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cases("import", str(target)).output == "Ny version: KME-2026-038 (version 2)\n"
    old = json.loads(cases("export", "KME-2026-038", "--version", "1").output)
    assert old["$version"] == 1 and old["incident"]["location"] != "Skranke 4"


def test_cases_import_of_a_stale_export_names_who_saved(cases, imported, tmp_path):
    target = tmp_path / "sag.json"
    cases("export", "KME-2026-031", "-o", str(target))
    cases("set", "KME-2026-031", "--set", "incident.location=Kontoret", user="Karsten Holm")
    result = cases("import", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: sagen KME-2026-031 er ændret, siden du hentede den (version 1): "
                                    "Karsten Holm gemte version 2 ")
    assert "Traceback" not in result.output


def test_cases_set_with_a_stale_base_is_refused(cases, imported):
    cases("set", "KME-2026-031", "--set", "incident.location=Kontoret")
    result = cases("set", "KME-2026-031", "--set", "incident.location=Gangen", "--base", "1")
    assert result.exit_code == 2 and "er ændret, siden du hentede den (version 1)" in result.stderr


def test_cases_set_with_a_wrong_value_names_the_field(cases, imported):
    result = cases("set", "KME-2026-031", "--set", "incident.channel=brevdue")
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: Felt 'Kontaktform' (incident.channel): er ikke et gyldigt valg")


def test_cases_close_and_reopen(cases, imported):
    assert cases("close", "KME-2026-031").output.startswith("Lukket: KME-2026-031 (")
    assert "lukket" in cases("list").output
    again = cases("close", "KME-2026-031")
    assert again.exit_code == 2 and "er allerede lukket" in again.stderr
    assert cases("reopen", "KME-2026-031").output == "Genåbnet: KME-2026-031\n"


def test_cases_unknown_case_is_exit_2(cases, imported):
    result = cases("show", "KME-1999-001")
    assert (result.exit_code, result.stderr) == (2, "Fejl: sagen KME-1999-001 findes ikke i registret\n")


def test_cases_export_person(cases, imported):
    result = cases("export", "--person", "Sofie Andersen")
    assert result.exit_code == 0
    found = json.loads(result.output)
    assert [c["case_id"] for c in found["cases"]] == ["KME-2026-038"]


def test_cases_commands_have_danish_help_with_an_example(runner):
    for command in ("import", "list", "show", "export", "set", "close", "reopen"):
        result = runner.invoke(cli, ["cases", command, "--help"])
        assert result.exit_code == 0
        assert "Eksempel: beredskab cases " + command in result.output


def test_cases_import_saves_all_files_or_none(cases, tmp_path, phone_threat_data):
    bad = dict(phone_threat_data, incident=dict(phone_threat_data["incident"], case_id="KME-2026-099"))
    del bad["incident"]["description"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = cases("import", EXAMPLE_FILES[0], str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert cases("list").output == "Ingen sager i registret.\n"


def test_cases_import_refuses_one_case_twice_in_one_import(cases, tmp_path):
    copy = tmp_path / "kopi.json"
    copy.write_bytes((EXAMPLES / "trussel-telefon.json").read_bytes())
    result = cases("import", str(EXAMPLES / "trussel-telefon.json"), str(copy))
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: sagen KME-2026-031 står i flere af filerne; importér dem én ad gangen ({copy})\n"


def test_readme_register_session_is_what_the_commands_print(runner, db_path):
    """The README's session in "The case register" shows real output."""
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("### The case register", 1)[1]
    session = readme.split("```console", 1)[1].split("```", 1)[0]
    db = ["--db", str(db_path)]
    imported = runner.invoke(cli, ["cases", "import", *EXAMPLE_FILES, *db]).stdout
    listed = runner.invoke(cli, ["overdue", "--today", "2026-11-26", *db]).stdout
    stats = runner.invoke(cli, ["stats", "--year", "2026", *db]).stdout
    assert f"$ beredskab cases import examples/*.json\n{imported}$ beredskab overdue --today 2026-11-26\n{listed}" \
        in session
    assert "\n".join(stats.splitlines()[:9]) in session
