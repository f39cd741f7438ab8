"""Everyday use of the command line without surprises: help, streams, pipes, full disks, files. Issue #16."""

from __future__ import annotations

import configparser
import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from beredskab.cli.commands import cli
from beredskab.pack.starter import DEFAULT_FILES, default_files

from .conftest import EXAMPLES, ROOT

CASE = str(EXAMPLES / "trussel-telefon.json")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(args: list[str], cwd: Path, **options) -> subprocess.Popen:
    env = {**os.environ, "BEREDSKAB_CACHE": "off"}
    return subprocess.Popen([sys.executable, "-m", "beredskab", *args], cwd=cwd, env=env, **options)


# --- help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args, usage", [(["-h"], "Brug: beredskab [TILVALG]"),
                                         (["generate", "-h"], "Brug: beredskab generate [TILVALG] SAG.json"),
                                         (["plan", "check", "-h"], "Brug: beredskab plan check")],
                         ids=["group", "command", "subgroup"])
def test_cli_short_h_is_help(runner, args, usage):
    result = runner.invoke(cli, args)
    assert result.exit_code == 0 and result.stdout.startswith(usage)


def test_cli_usage_hint_names_the_subcommands_help(runner):
    result = runner.invoke(cli, ["plan", "check", "--nope"])
    assert result.stderr.splitlines() == ["Fejl: ukendt tilvalg --nope", "Se 'beredskab plan check --help' for hjælp."]


# --- one stream convention ------------------------------------------------------------------


@pytest.mark.parametrize("args, stdout_starts, stderr", [
    (["forms"], "Formularer (sektioner i en sagsfil):", ""),
    (["validate", CASE], "Sagen KME-2026-031 er gyldig", ""),
    (["check", CASE, "--today", "2026-11-26"], "Handleplan for sag KME-2026-031", ""),
    (["generate", CASE, "--out", "{tmp}/out"], "Skrevet: {tmp}/out/KME-2026-031/", ""),
    (["init", "incident"], '{\n  "incident": {', ""),
    (["init", "incident", "-o", "{tmp}/sag.json"], "Skrevet: {tmp}/sag.json", ""),
    (["schema", "case", "-o", "{tmp}/s.json"], "Skrevet: {tmp}/s.json", ""),
    (["plan", "init", "{tmp}/pack"], "Skrevet: {tmp}/pack/", "Ret filerne, og kontrollér pakken med: "
                                                             "beredskab plan check {tmp}/pack\n"),
], ids=["forms", "validate", "check", "generate", "init", "init-o", "schema-o", "plan-init"])
def test_cli_results_go_to_stdout_and_status_to_stderr(runner, tmp_path, args, stdout_starts, stderr):
    result = runner.invoke(cli, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(stdout_starts.replace("{tmp}", str(tmp_path)))
    assert result.stderr == stderr.replace("{tmp}", str(tmp_path))


def test_cli_fill_with_output_reports_the_saved_file_on_stdout(runner, tmp_path):
    target = tmp_path / "sag.json"
    target.write_bytes((EXAMPLES / "trussel-telefon.json").read_bytes())
    result = runner.invoke(cli, ["fill", "incident", "-o", str(target), "--no-input"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"Gemt: {target}\n", "")


# --- pipes and disks ------------------------------------------------------------------------------


def test_cli_a_closed_pipe_ends_quietly(tmp_path):
    """`beredskab check ... | head -1`: the reader leaves before the output is written."""
    process = run_cli(["check", CASE, "--today", "2026-11-26"], tmp_path, stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE)
    process.stdout.close()  # closed before the (slow-starting) command writes anything
    with process.stderr:
        stderr = process.stderr.read()
    process.wait(timeout=120)
    assert stderr == b""
    assert process.returncode == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_cli_a_full_disk_under_stdout_says_so(tmp_path):
    with open("/dev/full", "wb") as full:
        process = run_cli(["schema", "case"], tmp_path, stdout=full, stderr=subprocess.PIPE)
        _, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr.decode("utf-8")) == (1, "Fejl: disken er fuld\n")


def test_cli_a_full_disk_while_writing_documents_says_so_and_writes_nothing(runner, tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path / "out")])
    assert (result.exit_code, result.stderr) == (1, "Fejl: dokumenterne kunne ikke skrives (disken er fuld)\n")
    assert not list((tmp_path / "out").rglob("*.docx"))


# --- files beredskab writes -------------------------------------------------------------------------


def test_cli_files_without_personal_data_are_0644_and_case_files_0600(runner, tmp_path):
    assert runner.invoke(cli, ["plan", "init", str(tmp_path / "pack")]).exit_code == 0
    assert runner.invoke(cli, ["schema", "case", "-o", str(tmp_path / "schema.json")]).exit_code == 0
    assert runner.invoke(cli, ["init", "case", "-o", str(tmp_path / "sag.json")]).exit_code == 0
    assert runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path / "out")]).exit_code == 0
    pack_files = [p for p in (tmp_path / "pack").rglob("*")]
    assert pack_files and {mode(p) for p in pack_files if p.is_file()} == {0o644}
    assert {mode(p) for p in [tmp_path / "pack", *pack_files] if p.is_dir()} == {0o755}
    assert mode(tmp_path / "schema.json") == 0o644
    assert mode(tmp_path / "sag.json") == 0o600
    documents = list((tmp_path / "out").rglob("*.docx"))
    assert documents and {mode(p) for p in documents} == {0o600} and mode(tmp_path / "out") == 0o700


def test_cli_init_output_refuses_an_existing_file_without_force(runner, tmp_path):
    target = tmp_path / "sag.json"
    target.write_text('{"incident": {"case_id": "MIN-SAG"}}', encoding="utf-8")
    result = runner.invoke(cli, ["init", "case", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == (f"Fejl: findes allerede og bliver ikke overskrevet; brug --force for at erstatte "
                             f"den ({target})\n")
    assert json.loads(target.read_text(encoding="utf-8")) == {"incident": {"case_id": "MIN-SAG"}}
    assert runner.invoke(cli, ["init", "case", "-o", str(target), "--force"]).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["incident"]["case_id"] == ""


# --- verify ----------------------------------------------------------------------------------------


def test_cli_verify_a_folder_that_does_not_exist_says_so(runner, tmp_path):
    result = runner.invoke(cli, ["verify", str(tmp_path / "nope")])
    assert (result.exit_code, result.stderr) == (2, f"Fejl: mappen findes ikke ({tmp_path / 'nope'})\n")


def test_cli_verify_accepts_the_manifest_file_itself(runner, tmp_path):
    assert runner.invoke(cli, ["generate", CASE, "--out", str(tmp_path)]).exit_code == 0
    result = runner.invoke(cli, ["verify", str(tmp_path / "KME-2026-031" / "manifest.json")])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2] == ("Alle 4 dokumenter svarer til deres kontrolsum i manifest.json, "
                                              "og mappen har ingen andre dokumenter.")


# --- the bundled defaults, copied -----------------------------------------------------------------


def test_cli_plan_defaults_copies_a_pack_that_checks_and_holds_the_real_letterhead(runner, tmp_path):
    folder = tmp_path / "minplan"
    result = runner.invoke(cli, ["plan", "defaults", str(folder)])
    assert result.exit_code == 0, result.stderr
    for name in ("plan.yaml", "forms/incident.yaml", "templates/incident_note.html.j2", "templates/reference.docx",
                 "templates/logo.png", "docs/skabeloner.md", "examples/trussel-telefon.json"):
        assert (folder / name).read_bytes() == (ROOT / name).read_bytes(), name
        assert f"Skrevet: {folder / name}" in result.stdout.splitlines()
    assert mode(folder / "templates" / "reference.docx") == 0o644
    check = runner.invoke(cli, ["plan", "check", str(folder)])
    assert check.exit_code == 0 and check.stdout.startswith(f"Planpakken {folder} er i orden")
    again = runner.invoke(cli, ["plan", "defaults", str(folder)])
    assert again.exit_code == 2 and "brug --force" in again.stderr


def test_the_copied_defaults_are_installed_with_the_package(tmp_path):
    """setup.cfg installs exactly what `plan defaults` copies, the template guide included."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    installed = [p.strip() for p in config["options.package_data"]["beredskab.defaults"].split(",")]
    assert sorted(installed) == sorted(DEFAULT_FILES)
    assert "docs/skabeloner.md" in default_files()
