"""`beredskab fill` without lost work: editor failures, drafts, one field at a time. Issue #16."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from beredskab.cli import prompts
from beredskab.cli.commands import cli
from beredskab.errors import EnvironmentFailure

from .conftest import EXAMPLES

NO_EDITOR = {"EDITOR": "", "VISUAL": ""}


def answers(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def example_file(tmp_path) -> Path:
    path = tmp_path / "sag.json"
    path.write_bytes((EXAMPLES / "trussel-telefon.json").read_bytes())
    return path


def test_fill_an_editor_that_cannot_start_says_so_and_asks_again(runner, example_file, tmp_path):
    """EDITOR naming a missing program ended the command and threw away every answer."""
    missing = str(tmp_path / "no-such-editor")
    result = runner.invoke(cli, ["fill", "incident.description", "-o", str(example_file)],
                           input=answers("e", "e", "Ny beskrivelse.", "Anden linje.", "."),
                           env={"EDITOR": missing, "VISUAL": missing})
    assert result.exit_code == 0, result.stderr
    assert ("Fejl: editoren kunne ikke åbnes eller sluttede med en fejl (se miljøvariablen EDITOR); "
            "svar igen, eller skriv e for at skrive teksten her") in result.stderr
    assert "Editing failed" not in result.stderr and "kommandoen kunne ikke udføres" not in result.stderr
    assert read(example_file)["incident"]["description"] == "Ny beskrivelse.\nAnden linje."


def test_fill_an_editor_that_fails_asks_again(runner, example_file, tmp_path):
    editor = tmp_path / "broken-editor.sh"
    editor.write_text("#!/bin/sh\nexit 3\n")
    editor.chmod(0o700)
    result = runner.invoke(cli, ["fill", "incident.description", "-o", str(example_file)],
                           input=answers("e", "Skrevet direkte."), env={"EDITOR": str(editor), "VISUAL": str(editor)})
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("Fejl: editoren kunne ikke åbnes") == 1
    assert read(example_file)["incident"]["description"] == "Skrevet direkte."


def test_fill_without_an_editor_offers_lines_in_the_terminal(runner, example_file):
    result = runner.invoke(cli, ["fill", "incident.description", "-o", str(example_file)],
                           input=answers("e", "Første.", "", "Tredje.", "."), env=NO_EDITOR)
    assert result.exit_code == 0, result.stderr
    assert "(skriv e for at skrive flere linjer)" in result.stderr
    assert read(example_file)["incident"]["description"] == "Første.\n\nTredje."


def test_fill_a_path_asks_only_that_field(runner, example_file):
    before = read(example_file)
    result = runner.invoke(cli, ["fill", "incident.location", "-o", str(example_file)], input=answers("Skranke 4"))
    assert result.exit_code == 0, result.stderr
    talk = [line for line in result.stderr.splitlines() if not line.startswith(("Besvar", "Ctrl-C", "  "))]
    assert talk == ["Sted [Byggesagsafdelingen, kontor 2.14 (telefon)]: Skranke 4"]
    after = read(example_file)
    assert after["incident"].pop("location") == "Skranke 4"
    before["incident"].pop("location")
    assert after == before


def test_fill_a_path_to_a_group_asks_its_fields_only(runner, example_file):
    result = runner.invoke(cli, ["fill", "incident.police", "-o", str(example_file)],
                           input=answers("j", "leader", "17-11-2026 kl. 12.00", "3700-1", "", ""))
    assert result.exit_code == 0, result.stderr
    assert "Sagsnummer" not in result.stderr and "Beskrivelse af hændelsen" not in result.stderr
    assert read(example_file)["incident"]["police"]["reported"] is True


@pytest.mark.parametrize("path, message", [
    ("incident.nope", "Fejl: Felt incident.nope: ukendt felt; skriv stien til et felt eller en gruppe, "
                      "fx incident.description, eller en formular: incident, support, followup, ban ({file})"),
    ("incident.police.reported_by", "Fejl: Felt 'Anmeldt af' (incident.police.reported_by): feltet bruges ikke i "
                                    "sagen, som den er udfyldt nu ({file})"),
], ids=["unknown", "condition-does-not-hold"])
def test_fill_a_path_that_cannot_be_asked_says_why_before_asking(runner, example_file, path, message):
    result = runner.invoke(cli, ["fill", path, "-o", str(example_file)])
    assert result.exit_code == 2
    assert result.stderr == message.format(file=example_file) + "\n"


def test_fill_an_error_after_answers_offers_a_draft_beside_the_case_file(runner, tmp_path, monkeypatch):
    target = tmp_path / "sag.json"

    def full_disk(path, data, **options):
        raise EnvironmentFailure("filen kunne ikke skrives (disken er fuld)", file=str(path))

    monkeypatch.setattr(prompts, "replace_file", full_disk)
    result = runner.invoke(cli, ["fill", "support", "-o", str(target)],
                           input=answers("j", "24.11.2025", "1", "", "", "", "", ""), env=NO_EDITOR)
    assert result.exit_code == 1
    draft = tmp_path / "sag.kladde.json"
    assert result.stderr.splitlines()[-3:] == [
        f"Gem dine 3 svar som kladde i {draft}? [J/n]: ",
        f"Kladden er gemt i {draft}. Fortsæt med: beredskab fill support -o {draft}",
        f"Fejl: filen kunne ikke skrives (disken er fuld) ({target})",
    ]
    assert read(draft) == {"support": {"assessed_jointly": True, "assessed_at": "2025-11-24",
                                       "talks_with_employee": ["colleague"]}}
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600 and not target.exists()


def test_fill_a_draft_never_replaces_an_earlier_draft(tmp_path):
    from beredskab.cli._draft import draft_path

    (tmp_path / "sag.kladde.json").write_text("{}")
    assert draft_path(tmp_path / "sag.json") == tmp_path / "sag.kladde-2.json"
    assert draft_path(tmp_path / "missing" / "sag.json") == Path("sag.kladde.json")


def test_fill_end_of_input_keeps_no_draft(runner, tmp_path):
    result = runner.invoke(cli, ["fill", "support", "-o", str(tmp_path / "sag.json")], input=answers("j"))
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == [] and result.stderr.endswith("Afbrudt.\n")


def test_fill_into_a_folder_that_does_not_exist_says_so_before_asking(runner, tmp_path):
    target = tmp_path / "nope" / "sag.json"
    result = runner.invoke(cli, ["fill", "support", "-o", str(target)], input=answers("j"))
    assert (result.exit_code, result.stderr) == (2, f"Fejl: mappen findes ikke ({tmp_path / 'nope'})\n")
