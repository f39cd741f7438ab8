"""Bad input: every scenario in tests/data/bad-input/ gives exactly its Danish lines, exit 2, nothing written.

One file per scenario, named for it; the table below holds the exact lines the
user sees (``{file}`` is the file's path). Issue #7.
"""

from __future__ import annotations

import os
from datetime import date

import pytest

from beredskab.cli.commands import cli
from beredskab.case.casefile import MAX_CASE_BYTES
from beredskab.dates import long_date

from .conftest import DATA

BAD = DATA / "bad-input"
CASE_ID_FORMAT = ("Felt 'Sagsnummer' (incident.case_id): har ikke det rigtige format: kun bogstaver a-z, tal, "
                  "punktum, bindestreg og understreg, med bogstav eller tal først og sidst (fx KME-2026-017) ({file})")
NOT_UTF8 = "filen er ikke gemt som UTF-8; gem den igen som UTF-8 (i Notesblok: Gem som > Kodning: UTF-8) ({file})"

#: Scenario file -> the exact lines on stderr (without the "Fejl: " prefix).
EXPECTED = {
    # the file itself
    "empty.json": ["filen er tom ({file})"],
    "blank.json": ["filen er tom ({file})"],
    "cp1252.json": [NOT_UTF8],
    # the JSON
    "not-json.json": ["ugyldig JSON: forventede en værdi ({file}, linje 1, kolonne 1)"],
    "missing-comma.json": ["ugyldig JSON: mangler et komma ({file}, linje 4, kolonne 5)"],
    "trailing-comma.json": ["ugyldig JSON: der står et komma for meget før } eller ] ({file}, linje 4, kolonne 3)"],
    "single-quotes.json": ["ugyldig JSON: feltnavne skal stå i dobbelte anførselstegn ({file}, linje 1, kolonne 2)"],
    "unterminated-string.json": [
        "ugyldig JSON: en tekst mangler sit afsluttende anførselstegn ({file}, linje 3, kolonne 17)"],
    "nan.json": ["ugyldig JSON: NaN er ikke en gyldig værdi ({file})"],
    "huge-number.json": ["ugyldig JSON: et tal er for stort ({file})"],
    "deep-nesting.json": ["ugyldig JSON: for mange niveauer inde i hinanden ({file})"],
    "duplicate-key.json": ["feltet 'location' står to gange i samme objekt ({file})"],
    "array.json": ["skal indeholde ét JSON-objekt ({ ... }) med sektionerne incident, support og ban ({file})"],
    # sections and fields
    "unknown-section.json": ["Felt suport: ukendt felt – mente du 'support'? ({file})"],
    "unknown-field.json": [
        "Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes ({file})",
        "Felt incident.descripton: ukendt felt – mente du 'description'? ({file})",
    ],
    "control-key.json": ["Felt incident.besked\\x0afra Mette: ukendt felt ({file})"],
    "section-not-object.json": ["Felt incident: skal være en gruppe af felter ({ ... }) ({file})"],
    "wrong-types.json": [
        "Felt 'Antal fraværsdage indtil nu' (incident.affected_employees[0].sick_leave.days): skal være et helt tal ({file})",
        "Felt 'Har hændelsen medført sygefravær for medarbejderen' (incident.affected_employees[0].sick_leave.has_leave): "
        "skal være ja eller nej (true/false) ({file})",
        "Felt 'Type af hændelse' (incident.incident_types): skal være en liste ([ ... ]) ({file})",
        "Felt 'Sted' (incident.location): skal være tekst ({file})",
    ],
    "unknown-choice.json": [
        "Felt 'Kontaktform' (incident.channel): er ikke et gyldigt valg; mulige værdier: "
        "personal, phone, letter, email, social_media, other ({file})"],
    # required texts
    "missing-required.json": [
        "Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes ({file})",
        "Felt 'Sted' (incident.location): skal udfyldes ({file})",
    ],
    "null-required.json": ["Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes ({file})"],
    "empty-required.json": ["Felt 'Navn' (incident.affected_employees[0].name): må ikke være tom ({file})"],
    "whitespace-required.json": [
        "Felt 'Navn' (incident.affected_employees[0].name): må ikke være tom ({file})",
        "Felt 'Beskrivelse af hændelsen' (incident.description): må ikke være tom ({file})",
    ],
    "too-long.json": ["Felt 'Sted' (incident.location): må højst være 200 tegn ({file})"],
    "police-without-details.json": [
        "Felt 'Anmeldt' (incident.police.reported_at): skal udfyldes ({file})",
        "Felt 'Anmeldt af' (incident.police.reported_by): skal udfyldes ({file})",
    ],
    "sick-leave-without-first-day.json": [
        "Felt 'Første fraværsdag' (incident.affected_employees[0].sick_leave.first_day): skal udfyldes ({file})"],
    # dates
    "date-does-not-exist.json": ["Felt 'Notatets dato' (incident.note_date): datoen findes ikke i kalenderen ({file})"],
    "time-does-not-exist.json": [
        "Felt 'Hændelsen skete (fra)' (incident.occurred_at.start): klokkeslættet findes ikke ({file})"],
    "date-not-a-date.json": [
        "Felt 'Notatets dato' (incident.note_date): er ikke en dato; skriv fx 2026-11-24 eller 24-11-2026 ({file})"],
    "date-in-future.json": [
        "Felt 'Notatets dato' (incident.note_date): ligger i fremtiden (i dag er {today}) ({file})",
        "Felt 'Hændelsen skete (fra)' (incident.occurred_at.start): ligger i fremtiden (i dag er {today}) ({file})",
    ],
    "dates-out-of-order.json": [
        "Felt 'Opfølgende samtale (debriefing)' (incident.debriefing_at): ligger før 'Hændelsen skete (fra)' ({file})",
        "Felt 'Til (ved et forløb over tid)' (incident.occurred_at.end): ligger før 'Hændelsen skete (fra)' ({file})",
    ],
    # case numbers that would be unsafe as file names
    "case-id-slash.json": [CASE_ID_FORMAT],
    "case-id-dotdot.json": [CASE_ID_FORMAT],
    "case-id-space.json": [CASE_ID_FORMAT],
    "case-id-drive.json": [CASE_ID_FORMAT],
    "case-id-backslash.json": [CASE_ID_FORMAT],
    "case-id-device-name.json": [CASE_ID_FORMAT],
    "case-id-trailing-dot.json": [CASE_ID_FORMAT],
    "case-id-empty.json": ["Felt 'Sagsnummer' (incident.case_id): må ikke være tom ({file})"],
}


def test_bad_input_every_scenario_file_has_its_expected_lines():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=[n.removesuffix(".json") for n in sorted(EXPECTED)])
def test_bad_input_gives_exact_danish_lines_and_writes_nothing(runner, tmp_path, name):
    path = BAD / name
    out = tmp_path / "out"
    result = runner.invoke(cli, ["generate", str(path), "--out", str(out)])
    assert result.exit_code == 2
    today = long_date(date.today())  # without --today, "not in the future" names the clock's day
    assert result.stderr.splitlines() == [
        f"Fejl: {line.replace('{file}', str(path)).replace('{today}', today)}" for line in EXPECTED[name]]
    assert result.stdout == ""
    assert not out.exists()


def test_bad_input_missing_file(runner, tmp_path):
    result = runner.invoke(cli, ["validate", str(tmp_path / "sag.json")])
    assert (result.exit_code, result.stderr) == (2, f"Fejl: filen findes ikke ({tmp_path / 'sag.json'})\n")


def test_bad_input_folder(runner, tmp_path):
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert (result.exit_code, result.stderr) == (2, f"Fejl: er en mappe, ikke en sagsfil ({tmp_path})\n")


def test_bad_input_oversized_file_is_refused_before_parsing(runner, tmp_path):
    path = tmp_path / "sag.json"
    path.write_bytes(b"{" + b" " * MAX_CASE_BYTES + b"}")
    result = runner.invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.stderr) == (
        2, f"Fejl: filen er for stor til at være en sagsfil (over 2 MB) ({path})\n")


def test_bad_input_name_too_long_for_the_file_system(runner, tmp_path):
    path = tmp_path / ("a" * 5000)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: filen kan ikke læses (")


def test_bad_input_unreadable_file(runner, tmp_path):
    path = tmp_path / "sag.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: every file is readable")
        result = runner.invoke(cli, ["validate", str(path)])
    finally:
        path.chmod(0o600)
    assert (result.exit_code, result.stderr) == (2, f"Fejl: ingen adgang til at læse filen ({path})\n")
