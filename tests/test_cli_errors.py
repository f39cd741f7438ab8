"""The CLI's errors: click's English never reaches a user, and --debug shows no personal data. Issue #7."""

from __future__ import annotations

import click
import pytest

from beredskab import engine as engine_module
from beredskab.cli.commands import cli, danish_usage_error

from .conftest import EXAMPLES

CASE = str(EXAMPLES / "trussel-telefon.json")
ENGLISH = ("Error", "Usage:", "Try ", "Option", "No such", "Missing", "Got unexpected", "does not", "requires")


@pytest.mark.parametrize(
    "args, first_line",
    [
        (["validate", "--bogus"], "Fejl: ukendt tilvalg --bogus"),
        (["--bogus"], "Fejl: ukendt tilvalg --bogus"),
        (["generate", CASE, "--forse"], "Fejl: ukendt tilvalg --forse; mente du --force eller --set?"),
        (["generate"], "Fejl: mangler SAG.json"),
        (["generate", CASE, "--out"], "Fejl: tilvalget --out kræver en værdi"),
        (["generate", CASE, "--doc"], "Fejl: tilvalget --doc kræver en værdi"),
        (["generate", CASE, "--force=ja"], "Fejl: tilvalget --force tager ingen værdi"),
        (["nope"], "Fejl: ukendt kommando 'nope'"),
        (["validate", CASE, "mere"], "Fejl: for mange argumenter"),
    ],
    ids=["unknown-option", "unknown-group-option", "misspelt-option", "missing-argument", "option-without-value",
         "doc-without-value", "flag-with-value", "unknown-command", "extra-argument"],
)
def test_cli_usage_errors_are_one_danish_line_and_exit_2(runner, args, first_line):
    """The hint names the help of the command that was used (issue #16)."""
    result = runner.invoke(cli, args)
    command = f"beredskab {args[0]}" if args[0] in cli.list_commands(None) else "beredskab"
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [first_line, f"Se '{command} --help' for hjælp."]
    assert not any(word in result.stderr for word in ENGLISH)


def test_cli_without_a_command_shows_the_danish_help(runner):
    result = runner.invoke(cli, [])
    assert result.exit_code == 2
    assert result.stderr.startswith("Brug: beredskab [TILVALG] KOMMANDO [ARGUMENTER]...")


@pytest.mark.parametrize("command", [[], ["forms"], ["validate"], ["generate"]], ids=["group", "forms", "validate", "generate"])
def test_cli_help_has_no_english_notes_or_metavars(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    for english in ("[default:", "[required]", " PATH", " TEXT", " INTEGER", "Show this", "Options:", "Commands:"):
        assert english not in result.output


@pytest.mark.parametrize(
    "param, expected",
    [
        (click.Option(["--antal"], type=click.INT), "ugyldig værdi for --antal: skal være et tal"),
        (click.Option(["--antal"], type=click.IntRange(0, 5)), "ugyldig værdi for --antal: skal være et tal"),
        (click.Option(["--kind"], type=click.Choice(["a", "b"])), "ugyldig værdi for --kind; mulige værdier: a, b"),
        (click.Argument(["sag"], type=click.Path(exists=True), metavar="SAG.json"),
         "ugyldig værdi for SAG.json: stien findes ikke eller kan ikke bruges"),
        (click.Option(["--dato"], type=click.DateTime()), "ugyldig værdi for --dato: skal være en dato, fx 2026-11-24"),
        (click.Option(["--x"]), "ugyldig værdi for --x"),
    ],
    ids=["int", "int-range", "choice", "path", "datetime", "text"],
)
def test_danish_usage_error_names_the_parameter_for_bad_values(param, expected):
    if isinstance(param.type, click.types.StringParamType):  # text is never refused by its type
        error = click.BadParameter("bad", param=param)
    else:
        with pytest.raises(click.BadParameter) as info:
            param.type.convert("ikke gyldig", param, None)
        error = info.value
    assert danish_usage_error(error) == expected


def test_cli_file_errors_from_click_are_danish(runner, tmp_path):
    @cli.command("x-test-open", hidden=True)
    @click.argument("f", type=click.File("r"))
    def _open(f):
        """Kun til test."""

    try:
        result = runner.invoke(cli, ["x-test-open", str(tmp_path / "nope.txt")])
    finally:
        cli.commands.pop("x-test-open")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("Fejl: ugyldig værdi for F")
    assert not any(word in result.stderr for word in ENGLISH)


def test_cli_internal_error_shows_no_traceback_without_debug(runner, monkeypatch, phone_threat_data):
    name = phone_threat_data["incident"]["affected_employees"][0]["name"]
    monkeypatch.setattr(engine_module.Engine, "render", _explode(name))
    result = runner.invoke(cli, ["generate", CASE, "--out", "unused"])
    assert result.exit_code == 1
    assert result.stderr == "Fejl: intern fejl i beredskab; kør igen med --debug og kontakt support\n"


@pytest.mark.parametrize("args", [["--debug", "generate", CASE, "--out", "unused"],
                                  ["generate", CASE, "--out", "unused", "--debug"]], ids=["before", "after-command"])
def test_cli_debug_traceback_shows_frames_and_types_but_no_case_data(runner, monkeypatch, phone_threat_data, args):
    """--debug is accepted after the command too (issue #16)."""
    name = phone_threat_data["incident"]["affected_employees"][0]["name"]
    monkeypatch.setattr(engine_module.Engine, "render", _explode(name))
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "Traceback (most recent call last):" in result.stderr
    assert "in generate_command" in result.stderr  # the frames are there
    assert "KeyError: <besked skjult" in result.stderr and "ValueError: <besked skjult" in result.stderr
    assert "Den ovenstående fejl var den direkte årsag til denne:" in result.stderr
    for word in (name, *name.split()):
        assert word not in result.stderr
    assert result.stderr.splitlines()[-1] == "Fejl: intern fejl i beredskab; kør igen med --debug og kontakt support"


def _explode(name: str):
    def render(self, case, document, *args, **kwargs):
        try:
            raise KeyError(name)
        except KeyError as err:
            raise ValueError(f"kunne ikke skrive {name}") from err

    return render


def test_cli_messages_name_fields_but_never_their_personal_values(runner, phone_threat_data, write_case):
    incident = phone_threat_data["incident"]
    secret = "Mette Søndergaard"
    incident["affected_employees"][0]["name"] = secret * 20  # too long
    incident["channel"] = secret  # not a choice
    incident["note_date"] = secret  # not a date
    incident["affected_employees"][0]["sick_leave"]["days"] = secret  # not a number
    incident["witnesses"] = secret  # not a list
    result = runner.invoke(cli, ["validate", str(write_case(phone_threat_data))])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 5
    assert "Mette" not in result.stderr and "Søndergaard" not in result.stderr
