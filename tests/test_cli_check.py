"""`beredskab check` and `--today`: the checklist in the terminal, every applicable document by default."""

from __future__ import annotations

import docx

from beredskab.cli.commands import cli

from .conftest import EXAMPLES

PHONE = str(EXAMPLES / "trussel-telefon.json")
BAN = str(EXAMPLES / "chikane-forbud.json")


def test_cli_check_help_is_danish_with_an_example(runner):
    result = runner.invoke(cli, ["check", "--help"])
    assert result.exit_code == 0
    assert "Eksempel: beredskab check examples/trussel-telefon.json --today 2026-11-26" in result.output
    assert "--today DATO" in result.output


def test_cli_check_prints_the_checklist_and_exits_0_when_overdue(runner):
    result = runner.invoke(cli, ["check", PHONE, "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Handleplan for sag KME-2026-031 pr. 26. november 2026"
    assert lines[2:4] == [
        "[x] Nærmeste leder kontaktes øjeblikkeligt",
        "    Hvem: Den berørte medarbejder · Frist: Straks (17. november 2026) · "
        "Status: Udført 17. november 2026 kl. 11.00",
    ]
    assert "[ ] Sagen anmeldes som arbejdsskade i Safetynet" in lines, "the plan gives it no deadline (issue 15)"
    assert ("    Hvem: Arbejdsmiljørepræsentant (AMR) og den berørte medarbejder · Frist: Ingen frist i planen · "
            "Status: Ikke udført") in lines
    assert "[!] Husk: offererstatning kræver normalt, at forholdet er anmeldt til politiet inden 72 timer" in lines
    assert "[i] Notat til personalesagen til brug for en eventuel erstatningssag" in lines
    assert "  Politianmeldelse af hensyn til offererstatning: 20. november 2026 kl. 10.40 (72 timer efter, at " \
           "arbejdspladsen fik kendskab til hændelsen den 17. november 2026 kl. 10.40)" in lines
    assert "  - visit_ban: Forbud mod at komme i forvaltningen – sagen har ikke et forbud (sektionen ban)" in lines
    assert lines[-1] == "1 opgave(r) er overskredet."
    assert result.stderr == ""


def test_cli_check_today_moves_what_is_overdue(runner):
    result = runner.invoke(cli, ["check", PHONE, "--today", "19-11-2026"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].endswith("pr. 19. november 2026")
    assert result.output.splitlines()[-1] == "Ingen opgaver er overskredet."


def test_cli_check_ban_without_hearing_warns(runner, example_data, write_case):
    data = example_data("harassment_ban")
    del data["ban"]["hearing"]
    result = runner.invoke(cli, ["check", str(write_case(data)), "--today", "2026-11-20"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "[ ] Borgeren partshøres, før forbuddet besluttes" in lines
    warnings = lines[lines.index("Advarsler:") + 1:]
    assert warnings[0].startswith("  ! MÅ IKKE SENDES: Borgeren er ikke partshørt efter forvaltningslovens § 19.")


def test_cli_check_refuses_a_bad_date(runner):
    result = runner.invoke(cli, ["check", PHONE, "--today", "2026-13-01"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Fejl: ugyldig værdi for --today: datoen findes ikke i kalenderen"
    assert result.stdout == ""


def test_cli_check_bad_case_is_exit_2_with_the_field(runner, phone_threat_data, write_case):
    del phone_threat_data["incident"]["police"]
    path = write_case(phone_threat_data)
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: Felt 'Politi' (incident.police): skal udfyldes ({path})\n"


def test_cli_generate_without_doc_writes_every_applicable_document(runner, tmp_path):
    result = runner.invoke(cli, ["generate", BAN, "--out", str(tmp_path), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "KME-2026-029"
    names = ["incident_note", "personnel_file_note_1", "visit_ban", "safetynet_summary", "checklist"]
    assert result.output.splitlines() == [f"Skrevet: {folder / f'KME-2026-029_{n}.docx'}" for n in names]
    checklist = docx.Document(str(folder / "KME-2026-029_checklist.docx"))
    status = {row.cells[0].text: row.cells[1].text for row in checklist.tables[0].rows}
    assert status["Status pr."] == "26. november 2026"
