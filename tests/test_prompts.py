"""`beredskab fill`: questions from the forms, wrong answers asked again, nothing written on Ctrl-C/EOF."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pexpect
import pytest

from beredskab.cli.commands import cli
from beredskab.errors import CaseError
from beredskab.cli.prompts import fill_file

from .conftest import NOW

#: The support form from scratch: a wrong yes/no, an impossible date, the conditional
#: crisis-help field left empty once (it is required when crisis help was accepted).
SUPPORT_ANSWERS = [
    "x", "j",                # assessed_jointly: 'x' is re-asked
    "32-11-2025", "24.11.2025",  # assessed_at: no 32 November; Danish date accepted
    "1, 3",                  # talks_with_employee: colleague, safety representative
    "4",                     # offered: crisis help
    "9", "4",                # accepted: 9 is not on the list; crisis help
    "", "3 samtaler",        # crisis_help_extent: required now, so '' is re-asked
    "",                      # offered_at
    "",                      # notes
]


def answers(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


@pytest.fixture
def case_path(tmp_path) -> Path:
    return tmp_path / "sag.json"


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_fill_support_asks_again_after_each_wrong_answer(runner, case_path):
    result = runner.invoke(cli, ["fill", "support", "-o", str(case_path)], input=answers(*SUPPORT_ANSWERS))
    assert result.exit_code == 0, result.output
    assert read(case_path) == {"support": {
        "assessed_jointly": True,
        "assessed_at": "2025-11-24",
        "talks_with_employee": ["colleague", "safety_representative"],
        "offered": ["crisis_help"],
        "accepted": ["crisis_help"],
        "crisis_help_extent": "3 samtaler",
    }}
    errors = [line for line in result.stderr.splitlines() if "Fejl:" in line]
    assert [line.split("Fejl: ", 1)[1] for line in errors] == [
        "Felt 'Leder og medarbejder har i fællesskab vurderet behovet for hjælp' (support.assessed_jointly): "
        "skal være ja eller nej (true/false)",
        "Felt 'Dato for vurderingen' (support.assessed_at): datoen findes ikke i kalenderen",
        "Felt 'Støtte taget imod' (support.accepted): vælg et nummer fra 1 til 7",
        "Felt 'Aftalt omfang af psykologisk krisehjælp' (support.crisis_help_extent): skal udfyldes",
    ]
    assert f"Gemt: {case_path}" == result.stdout.strip()


def test_fill_shows_choices_as_a_numbered_list_with_danish_labels(runner, case_path):
    result = runner.invoke(cli, ["fill", "support", "-o", str(case_path)], input=answers(*SUPPORT_ANSWERS))
    assert "   4. Psykologisk krisehjælp" in result.stderr
    assert "Vælg et eller flere numre, adskilt af komma" in result.stderr


def test_fill_skips_a_field_whose_condition_does_not_hold(runner, case_path):
    case_path.write_text(json.dumps({"support": {"accepted": ["crisis_help"], "crisis_help_extent": "3"}}))
    script = ["j", "", "", "", "2", "", ""]  # accepted: collegial talk only
    result = runner.invoke(cli, ["fill", "support", "-o", str(case_path)], input=answers(*script))
    assert result.exit_code == 0, result.output
    assert "Aftalt omfang" not in result.stderr
    assert read(case_path)["support"] == {"assessed_jointly": True, "accepted": ["collegial_talk"]}


@pytest.mark.parametrize("script", [[], ["j", "2025-11-24"]], ids=["eof-at-once", "eof-midway"])
def test_fill_end_of_input_writes_no_file(runner, case_path, script):
    result = runner.invoke(cli, ["fill", "support", "-o", str(case_path)], input=answers(*script))
    assert result.exit_code == 1
    assert result.stderr.endswith("Afbrudt.\n")
    assert not case_path.exists()
    assert os.listdir(case_path.parent) == []


def test_fill_end_of_input_leaves_an_existing_file_untouched(runner, case_path, phone_threat_data):
    case_path.write_text(json.dumps(phone_threat_data))
    before = case_path.read_bytes()
    result = runner.invoke(cli, ["fill", "incident", "-o", str(case_path)], input=answers("KME-9", ""))
    assert result.exit_code == 1
    assert case_path.read_bytes() == before
    assert os.listdir(case_path.parent) == ["sag.json"]


def test_fill_uses_an_existing_file_as_defaults_and_adds_to_a_repeatable_group(runner, case_path, phone_threat_data):
    case_path.write_text(json.dumps(phone_threat_data), encoding="utf-8")
    case_path.chmod(0o644)
    questions_before_group = 11      # case_id .. perpetrator.description, each kept with Enter
    script = [""] * questions_before_group + [
        "",                       # Behold medarbejder 1?
        "", "", "",               # name, job_title, unit kept
        "", "", "", "", "",       # injuries (2), sick leave, days, possible benefits kept
        "j",                      # Tilføj endnu en medarbejder?
        "Ali Hansen", "", "Sagsbehandler", "Borgerservice",  # job title '' is re-asked
        "", "", "n", "", "",      # no injuries given, no sick leave, no days, no benefits
        "n",                      # no third
    ] + [""] * 40
    result = runner.invoke(cli, ["fill", "incident", "-o", str(case_path)], input=answers(*script))
    assert result.exit_code == 0, result.output
    assert "Tilføj endnu en medarbejder? [j/N]" in result.stderr
    assert "Felt 'Stilling' (incident.affected_employees[1].job_title): skal udfyldes" in result.stderr
    saved = read(case_path)
    assert saved["incident"]["affected_employees"] == [
        phone_threat_data["incident"]["affected_employees"][0],
        {"name": "Ali Hansen", "job_title": "Sagsbehandler", "unit": "Borgerservice",
         "injuries": {}, "sick_leave": {"has_leave": False}},
    ]
    assert saved["support"] == phone_threat_data["support"]
    assert stat.S_IMODE(case_path.stat().st_mode) == 0o600


def test_fill_long_text_through_the_editor(runner, case_path, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Første linje.\\n\\nAnden linje." > "$1"\n')
    editor.chmod(0o755)
    script = [""] * 6 + ["e"]  # notes is the sixth question asked (the crisis-help extent is skipped)
    result = runner.invoke(cli, ["fill", "support", "-o", str(case_path)], input=answers(*script),
                           env={"EDITOR": str(editor), "VISUAL": str(editor)})
    assert result.exit_code == 0, result.output
    assert read(case_path)["support"]["notes"] == "Første linje.\n\nAnden linje."


def test_fill_without_output_prints_the_case_as_json(runner):
    result = runner.invoke(cli, ["fill", "support"], input=answers("n", *[""] * 6))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout[result.stdout.index("{"):]) == {"support": {"assessed_jointly": False}}


def test_fill_unknown_form_is_a_danish_error(runner):
    result = runner.invoke(cli, ["fill", "nope"])
    assert result.exit_code == 2
    assert result.stderr == "Fejl: formularen 'nope' findes ikke; mulige: incident, support, followup, ban eller case\n"


def test_fill_no_input_keeps_a_valid_case(forms, phone_threat_data, case_path):
    case_path.write_text(json.dumps(phone_threat_data), encoding="utf-8")
    assert fill_file(forms, "case", case_path, no_input=True, now=NOW) == phone_threat_data
    assert read(case_path) == phone_threat_data


def test_fill_no_input_raises_the_validators_problem(forms, phone_threat_data, case_path):
    phone_threat_data["incident"]["occurred_at"]["start"] = "2026-13-01T10:00"
    case_path.write_text(json.dumps(phone_threat_data), encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        fill_file(forms, "incident", case_path, no_input=True, now=NOW)
    assert caught.value.lines() == [
        f"Felt 'Hændelsen skete (fra)' (incident.occurred_at.start): datoen findes ikke i kalenderen ({case_path})"]


def test_fill_refuses_a_file_with_unknown_fields_before_asking(runner, case_path):
    case_path.write_text(json.dumps({"support": {"noter": "x"}}))
    result = runner.invoke(cli, ["fill", "support", "-o", str(case_path)], input="")
    assert result.exit_code == 2
    assert "Fejl: Felt support.noter: ukendt felt – mente du 'notes'?" in result.stderr


# --- a person at a terminal ----------------------------------------------------------------

BEREDSKAB = str(Path(sys.executable).parent / "beredskab")


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL")}  # no editor: texts typed here
    env.update({"TERM": "dumb", "COLUMNS": "120"})
    return pexpect.spawn(BEREDSKAB, list(args), cwd=str(cwd), env=env, encoding="utf-8", timeout=20)


def test_fill_in_a_terminal_as_a_person_would(tmp_path):
    child = spawn("fill", "support", "-o", "sag.json", cwd=tmp_path)
    child.expect_exact("behovet for hjælp? [j/n]: ")
    child.sendline("måske")
    child.expect_exact("skal være ja eller nej (true/false)")
    child.expect_exact("behovet for hjælp? [j/n]: ")
    child.sendline("ja")
    child.expect_exact("Dato for vurderingen (dato, fx 24-11-2026): ")
    child.sendline("24-11-2025")
    child.expect_exact("Vælg et eller flere numre, adskilt af komma: ")
    child.sendline("4")
    for _ in range(2):  # offered, accepted
        child.expect_exact("Vælg et eller flere numre, adskilt af komma: ")
        child.sendline("2")
    child.expect_exact("Dato for tilbuddet (dato, fx 24-11-2026): ")
    child.sendline("")
    child.expect_exact("Bemærkninger (skriv e for at skrive flere linjer): ")
    child.sendline("e")  # no EDITOR: several lines in the terminal, ended by a full stop (issue #16)
    child.expect_exact("afslut med en linje med kun et punktum (.)")
    for line in ("Aftalt opfølgning om en uge.", "", "Lederen ringer.", "."):
        child.expect_exact("> ")
        child.sendline(line)
    child.expect_exact("Gemt: sag.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert read(tmp_path / "sag.json") == {"support": {
        "assessed_jointly": True, "assessed_at": "2025-11-24", "talks_with_employee": ["leader"],
        "offered": ["collegial_talk"], "accepted": ["collegial_talk"],
        "notes": "Aftalt opfølgning om en uge.\n\nLederen ringer.",
    }}


def interrupt_after_one_answer(tmp_path: Path, keep: str) -> pexpect.spawn:
    child = spawn("fill", "incident", "-o", "sag.json", cwd=tmp_path)
    child.expect_exact("Sagsnummer: ")
    child.sendline("KME-2026-099")
    child.expect_exact("Hændelsen skete (fra)")
    child.sendintr()
    child.expect_exact("Gem dine 1 svar som kladde i sag.kladde.json? [J/n]: ")
    child.sendline(keep)
    return child


def test_fill_ctrl_c_in_a_terminal_without_the_draft_leaves_no_file(tmp_path):
    child = interrupt_after_one_answer(tmp_path, "n")
    child.expect_exact("Afbrudt.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert os.listdir(tmp_path) == []


def test_fill_ctrl_c_in_a_terminal_keeps_the_answers_in_a_draft_to_continue_from(tmp_path):
    """Ctrl-C threw away every answer given (issue #16)."""
    child = interrupt_after_one_answer(tmp_path, "")
    child.expect_exact("Kladden er gemt i sag.kladde.json. Fortsæt med: beredskab fill incident -o sag.kladde.json")
    child.expect_exact("Afbrudt.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert os.listdir(tmp_path) == ["sag.kladde.json"]
    assert read(tmp_path / "sag.kladde.json")["incident"]["case_id"] == "KME-2026-099"
    assert stat.S_IMODE((tmp_path / "sag.kladde.json").stat().st_mode) == 0o600
    child = spawn("fill", "incident", "-o", "sag.kladde.json", cwd=tmp_path)
    child.expect_exact("Sagsnummer [KME-2026-099]: ")  # the draft gives the defaults
    child.sendintr()
    child.expect_exact("Afbrudt.")
    child.close()


def test_fill_no_input_with_set_saves_one_field_in_the_file(runner, case_path, phone_threat_data):
    case_path.write_text(json.dumps(phone_threat_data), encoding="utf-8")
    result = runner.invoke(cli, ["fill", "incident", "-o", str(case_path), "--no-input",
                                 "--set", "incident.affected_employees[0].sick_leave.has_leave=j",
                                 "--set", "incident.affected_employees[0].sick_leave.first_day=18.11.2026"])
    assert result.exit_code == 0, result.output
    assert read(case_path)["incident"]["affected_employees"][0]["sick_leave"] == {"has_leave": True,
                                                                                  "first_day": "2026-11-18"}
    assert (result.stdout, result.stderr) == (f"Gemt: {case_path}\n", "")
